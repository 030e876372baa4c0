// The confusion matrix as a heat map. An HTML table rather than a canvas: the counts are real text
// (selectable, read by screen readers), the labels stay on screen while 100 classes scroll (sticky
// headers), and each cell's tooltip names its classes. "Save as PNG" draws the same picture on a canvas.
import { normalizeMatrix, type Normalization } from '../../src/core/classification';
import type { ConfusionMatrix } from '../../src/core/model';
import { h } from '../components/dom';
import { composite, parseColor, readableOn, rgba, type ChartColors } from './theme';

export type CellSize = 'l' | 'm' | 's' | 'xs';

/** Smaller cells for more classes, so 100 classes fit in a scrollable square. */
export function cellSizeFor(n: number): CellSize {
  if (n <= 8) return 'l';
  if (n <= 20) return 'm';
  if (n <= 45) return 's';
  return 'xs';
}

/** What a cell shows: the count, or the row/column share as a percentage (its tooltip has the exact figures). */
export function cellText(value: number, mode: Normalization, size: CellSize): string {
  // In a large matrix the zeros are noise: empty cells let the diagonal and the confusions stand out.
  if (value === 0 && (size === 's' || size === 'xs')) return '';
  if (mode === 'none') {
    if (size === 'xs' && value >= 1000) return value >= 1e6 ? `${Math.round(value / 1e6)}M` : `${Math.round(value / 1000)}k`;
    return String(value);
  }
  const pct = value * 100;
  if (size === 'l' || size === 'm') return `${pct.toFixed(pct === 0 || pct === 100 ? 0 : 1)}%`;
  return String(Math.round(pct));
}

/** 0..1: how strongly a cell is coloured. Counts scale by the largest count; shares are already 0..1. */
export function heat(value: number, max: number): number {
  if (!(value > 0) || !(max > 0)) return 0;
  return Math.min(1, value / max);
}

export interface HeatmapModel {
  labels: string[];
  values: number[][];
  mode: Normalization;
  size: CellSize;
  max: number;
  counts: number[][];
  rowTotals: number[];
  colTotals: number[];
}

export function heatmapModel(matrix: ConfusionMatrix, mode: Normalization): HeatmapModel {
  const values = normalizeMatrix(matrix, mode);
  const n = matrix.labels.length;
  let max = 0;
  for (const r of values) for (const v of r) if (v > max) max = v;
  const rowTotals = matrix.counts.map((r) => r.reduce((a, b) => a + b, 0));
  const colTotals = matrix.labels.map((_, j) => matrix.counts.reduce((a, r) => a + r[j], 0));
  return { labels: matrix.labels, values, mode, size: cellSizeFor(n), max: mode === 'none' ? max : 1, counts: matrix.counts, rowTotals, colTotals };
}

interface CellPaint { background: string; foreground: string }

function painter(c: ChartColors): (f: number) => CellPaint {
  const bg = parseColor(c.background);
  const base = parseColor(c.blue);
  const cache = new Map<number, CellPaint>();
  return (f) => {
    const key = Math.round(f * 50);
    let p = cache.get(key);
    if (!p) {
      const a = key === 0 ? 0 : 0.1 + 0.9 * (key / 50);
      const cell = { ...base, a };
      const shown = composite(cell, bg);
      p = { background: rgba(cell), foreground: readableOn(shown, [c.foreground, '#ffffff', '#000000']) };
      cache.set(key, p);
    }
    return p;
  };
}

function describeCell(m: HeatmapModel, i: number, j: number): string {
  const count = m.counts[i][j];
  const ofActual = m.rowTotals[i] ? ` — ${((100 * count) / m.rowTotals[i]).toFixed(1)}% of actual "${m.labels[i]}"` : '';
  const ofPred = m.colTotals[j] ? `, ${((100 * count) / m.colTotals[j]).toFixed(1)}% of predicted "${m.labels[j]}"` : '';
  return `actual "${m.labels[i]}", predicted "${m.labels[j]}": ${count.toLocaleString('en')}${ofActual}${ofPred}`;
}

/** The heat map table. Cells carry data-actual / data-predicted (indexes) and data-count. */
export function heatmapTable(m: HeatmapModel, c: ChartColors): HTMLTableElement {
  const paint = painter(c);
  const n = m.labels.length;
  const head = h('thead', null,
    h('tr', null,
      h('th', { class: 'cm-corner', attrs: { colspan: '2', rowspan: '2' } }),
      h('th', { class: 'cm-axis cm-axis-predicted', attrs: { colspan: String(n), scope: 'colgroup' } }, 'Predicted')),
    h('tr', null, m.labels.map((label, j) =>
      h('th', { class: 'cm-col-label', title: `predicted "${label}" (${m.colTotals[j].toLocaleString('en')} predicted)`, attrs: { scope: 'col' } }, h('span', null, label)))));
  const rows = m.labels.map((label, i) => h('tr', null,
    i === 0 ? h('th', { class: 'cm-axis cm-axis-actual', attrs: { rowspan: String(n), scope: 'rowgroup' } }, h('span', null, 'Actual')) : null,
    h('th', { class: 'cm-row-label', title: `actual "${label}" (${m.rowTotals[i].toLocaleString('en')} samples)`, attrs: { scope: 'row' } }, label),
    m.values[i].map((v, j) => {
      const p = paint(heat(v, m.max));
      const td = h('td', {
        class: `cm-cell${i === j ? ' cm-diag' : ''}${m.counts[i][j] === 0 ? ' cm-zero' : ''}`,
        title: describeCell(m, i, j),
        data: { actual: String(i), predicted: String(j), count: String(m.counts[i][j]), value: String(v) },
      }, cellText(v, m.mode, m.size));
      // CSSOM, not a style attribute: allowed by the panel's CSP.
      td.style.backgroundColor = p.background;
      td.style.color = p.foreground;
      return td;
    })));
  return h('table', { class: `cm cm-${m.size}`, attrs: { 'aria-label': 'Confusion matrix: rows are actual classes, columns are predicted classes' } }, head, h('tbody', null, rows));
}

// ------------------------------------------------------------------ PNG

/** Draws the heat map on a canvas (for "Save as PNG"), at twice the CSS pixel size for crisp text. */
export function heatmapCanvas(m: HeatmapModel, c: ChartColors, title: string): HTMLCanvasElement {
  const paint = painter(c);
  return drawMatrixCanvas({
    labels: m.labels, colors: c, title, fontRatio: 0.36, fitText: true,
    cellAt: (i, j) => {
      const v = m.values[i][j];
      return { ...paint(heat(v, m.max)), text: cellText(v, m.mode, m.size) };
    },
  });
}

export interface MatrixCanvasOptions {
  labels: readonly string[];
  colors: ChartColors;
  title: string;
  /** Cell text size as a share of the cell. */
  fontRatio: number;
  /** Squeeze cell text that is wider than its cell. */
  fitText?: boolean;
  minWidth?: number;
  /** A line below the matrix. */
  footer?: string;
  /** Colours and text of cell (i, j), given the cell size in CSS pixels. */
  cellAt: (i: number, j: number, cell: number) => { background: string; foreground: string; text: string };
}

/** A square matrix on a canvas: title, axis titles, class labels (rows left, columns rotated above) and cells. */
export function drawMatrixCanvas(o: MatrixCanvasOptions): HTMLCanvasElement {
  const c = o.colors;
  const n = o.labels.length;
  const cell = Math.max(14, Math.min(64, Math.floor(880 / n)));
  const font = Math.max(8, Math.min(13, Math.floor(cell * o.fontRatio)));
  const scratch = document.createElement('canvas').getContext('2d');
  const family = c.fontFamily;
  const measure = (s: string, px: number): number => {
    if (!scratch) return s.length * px * 0.6;
    scratch.font = `${px}px ${family}`;
    return scratch.measureText(s).width;
  };
  const clip = (s: string, px: number, width: number): string => {
    if (measure(s, px) <= width) return s;
    let t = s;
    while (t.length > 1 && measure(`${t}…`, px) > width) t = t.slice(0, -1);
    return `${t}…`;
  };
  const labelFont = Math.max(9, Math.min(12, font + 1));
  const labelW = Math.min(180, Math.max(...o.labels.map((l) => measure(l, labelFont))) + 8);
  const pad = 16;
  const axis = 22;
  const titleH = 28;
  const left = pad + axis + labelW;
  const top = pad + titleH + axis + labelW;
  const width = Math.max(left + n * cell + pad, o.minWidth ?? 0);
  const height = top + n * cell + pad + (o.footer ? 22 : 0);
  const scale = 2;
  const canvas = document.createElement('canvas');
  canvas.width = width * scale;
  canvas.height = height * scale;
  const ctx = canvas.getContext('2d');
  if (!ctx) return canvas;
  ctx.scale(scale, scale);
  ctx.fillStyle = c.background;
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = c.foreground;
  ctx.textBaseline = 'middle';
  ctx.font = `600 14px ${family}`;
  ctx.fillText(clip(o.title, 14, width - 2 * pad), pad, pad + titleH / 2 - 4);
  // Axis titles.
  ctx.font = `600 12px ${family}`;
  ctx.textAlign = 'center';
  ctx.fillText('Predicted', left + (n * cell) / 2, pad + titleH + axis / 2);
  ctx.save();
  ctx.translate(pad + axis / 2, top + (n * cell) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText('Actual', 0, 0);
  ctx.restore();
  // Class labels: rows on the left, columns rotated above.
  ctx.font = `${labelFont}px ${family}`;
  ctx.textAlign = 'right';
  o.labels.forEach((l, i) => ctx.fillText(clip(l, labelFont, labelW - 8), left - 6, top + i * cell + cell / 2));
  o.labels.forEach((l, j) => {
    ctx.save();
    ctx.translate(left + j * cell + cell / 2, top - 6);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'left';
    ctx.fillText(clip(l, labelFont, labelW - 8), 0, 0);
    ctx.restore();
  });
  // Cells.
  ctx.textAlign = 'center';
  ctx.font = `${font}px ${family}`;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const p = o.cellAt(i, j, cell);
      const x = left + j * cell;
      const y = top + i * cell;
      ctx.fillStyle = p.background;
      ctx.fillRect(x, y, cell, cell);
      ctx.strokeStyle = c.lines;
      ctx.lineWidth = i === j ? 1.5 : 0.5;
      ctx.strokeRect(x + 0.25, y + 0.25, cell - 0.5, cell - 0.5);
      if (cell >= 18) {
        ctx.fillStyle = p.foreground;
        if (o.fitText) ctx.fillText(p.text, x + cell / 2, y + cell / 2, cell - 2);
        else ctx.fillText(p.text, x + cell / 2, y + cell / 2);
      }
    }
  }
  if (o.footer) {
    ctx.textAlign = 'left';
    ctx.font = `11px ${family}`;
    ctx.fillStyle = c.foreground;
    ctx.fillText(o.footer, pad, height - pad);
  }
  return canvas;
}
