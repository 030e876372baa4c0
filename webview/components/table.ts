// Plain HTML tables styled from the theme (media/run.css): numbers right-aligned, text cells as text.
import { h, type Child } from './dom';

export interface Column {
  label: string;
  align?: 'left' | 'right';
  title?: string;
  className?: string;
}

export interface Cell {
  text: string;
  /** Rendered instead of `text` (still built from text nodes). */
  node?: Child;
  title?: string;
  className?: string;
  data?: Record<string, string | undefined>;
}

export type CellInput = string | Cell;

export interface TableOptions {
  caption?: string;
  className?: string;
  rowProps?: (index: number) => { className?: string; data?: Record<string, string | undefined> } | undefined;
  /** Extra rows (averages, totals) in a <tfoot>. */
  footer?: CellInput[][];
}

function cell(tag: 'td' | 'th', c: CellInput, col: Column | undefined): HTMLTableCellElement {
  const x: Cell = typeof c === 'string' ? { text: c } : c;
  const cls = [col?.align === 'right' ? 'num' : '', col?.className ?? '', x.className ?? ''].filter(Boolean).join(' ');
  return h(tag, { class: cls || undefined, title: x.title, data: x.data, attrs: tag === 'th' ? { scope: 'row' } : undefined }, x.node ?? x.text);
}

export function table(columns: readonly Column[], rows: readonly CellInput[][], opts: TableOptions = {}): HTMLTableElement {
  const head = h('thead', null, h('tr', null, columns.map((c) =>
    h('th', { class: [c.align === 'right' ? 'num' : '', c.className ?? ''].filter(Boolean).join(' ') || undefined, title: c.title, attrs: { scope: 'col' } }, c.label))));
  const body = h('tbody', null, rows.map((r, i) => {
    const p = opts.rowProps?.(i);
    return h('tr', { class: p?.className, data: p?.data }, r.map((c, j) => cell(j === 0 ? 'th' : 'td', c, columns[j])));
  }));
  const foot = opts.footer?.length
    ? h('tfoot', null, opts.footer.map((r) => h('tr', null, r.map((c, j) => cell(j === 0 ? 'th' : 'td', c, columns[j])))))
    : null;
  return h('table', { class: ['data-table', opts.className ?? ''].filter(Boolean).join(' ') },
    opts.caption ? h('caption', { class: 'sr-only' }, opts.caption) : null, head, body, foot);
}
