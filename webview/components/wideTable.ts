// A table with one column per item (a run) and one row per attribute, for side-by-side comparisons:
// the first column (the attribute names) and the header row stay on screen while 100 columns scroll.
// Header cells take nodes (a colour swatch and a name); every string is text.
import { h, type Child } from './dom';

export interface WideColumn {
  header: Child;
  title?: string;
  className?: string;
  data?: Record<string, string | undefined>;
}

export interface WideCell {
  text: string;
  /** Rendered instead of `text` (still built from text nodes). */
  node?: Child;
  title?: string;
  className?: string;
  data?: Record<string, string | undefined>;
}

export interface WideRow {
  head: WideCell;
  cells: WideCell[];
  className?: string;
  data?: Record<string, string | undefined>;
}

export function wideTable(corner: string, columns: readonly WideColumn[], rows: readonly WideRow[], opts: { caption?: string; className?: string } = {}): HTMLTableElement {
  const head = h('thead', null, h('tr', null,
    h('th', { class: 'wide-corner', attrs: { scope: 'col' } }, corner),
    columns.map((c) => h('th', { class: ['wide-col', c.className ?? ''].filter(Boolean).join(' '), title: c.title, data: c.data, attrs: { scope: 'col' } }, c.header))));
  const body = h('tbody', null, rows.map((r) => h('tr', { class: r.className, data: r.data },
    h('th', { class: ['wide-head', r.head.className ?? ''].filter(Boolean).join(' '), title: r.head.title, data: r.head.data, attrs: { scope: 'row' } }, r.head.node ?? r.head.text),
    r.cells.map((c) => h('td', { class: c.className, title: c.title, data: c.data }, c.node ?? c.text)))));
  return h('table', { class: ['data-table', 'wide-table', opts.className ?? ''].filter(Boolean).join(' ') },
    opts.caption ? h('caption', { class: 'sr-only' }, opts.caption) : null, head, body);
}
