// Page building blocks shared by the panels: sections, cards, action bars, and the "how to log it" hint
// that replaces an empty frame.
import { h, type Children } from './dom';
import { button } from './toolkit';

export function section(id: string, title: string, ...children: Children): HTMLElement {
  return h('section', { id, class: 'section', attrs: { 'aria-labelledby': `${id}-title` } }, h('h2', { id: `${id}-title` }, title), ...children);
}

export function card(opts: { title?: string; subtitle?: Children; actions?: HTMLElement[]; className?: string }, ...body: Children): HTMLElement {
  const header = opts.title || opts.subtitle || opts.actions?.length
    ? h('div', { class: 'card-header' },
      h('div', { class: 'card-titles' },
        opts.title ? h('h3', { class: 'card-title' }, opts.title) : null,
        opts.subtitle ? h('div', { class: 'card-subtitle' }, ...opts.subtitle) : null),
      opts.actions?.length ? h('div', { class: 'actions' }, opts.actions) : null)
    : null;
  return h('div', { class: ['card', opts.className ?? ''].join(' ').trim() }, header, ...body);
}

export interface Exporters {
  copy(text: string, what: string): void;
  savePng(name: string, dataUrl: string): void;
  saveCsv(name: string, csv: string): void;
}

export function savePngButton(x: Exporters, name: string, png: () => string): HTMLElement {
  return button('Save as PNG', () => x.savePng(name, png()), { title: `Save this chart as ${name}.png`, props: { class: 'action-png' } });
}

export function copyCsvButton(x: Exporters, what: string, csv: () => string): HTMLElement {
  return button('Copy as CSV', () => x.copy(csv(), what), { title: `Copy ${what} to the clipboard as CSV`, props: { class: 'action-csv' } });
}

export function saveCsvButton(x: Exporters, name: string, csv: () => string): HTMLElement {
  return button('Save as CSV', () => x.saveCsv(name, csv()), { title: `Save ${name}.csv`, props: { class: 'action-save-csv' } });
}

/** "Nothing logged yet", and the line of code that logs it. */
export function howToLog(x: Exporters, message: string, snippet: string, note?: string): HTMLElement {
  return h('div', { class: 'how-to-log' },
    h('p', null, message),
    h('div', { class: 'snippet' },
      h('pre', null, h('code', null, snippet)),
      button('Copy', () => x.copy(snippet, 'the code'), { title: 'Copy the code', props: { class: 'snippet-copy' } })),
    note ? h('p', { class: 'hint' }, note) : null);
}
