// The difference of two confusion matrices (B − A) as a diverging heat map: green where B is better
// (more samples on the diagonal, fewer off it), red where it is worse, stronger for larger changes.
// An HTML table like the run panel's heat map (text stays text, labels stay sticky); "Save as PNG" draws
// the same picture on a canvas.
import { cellChange, type MatrixDiff } from '../../src/core/compare';
import { h } from '../components/dom';
import { cellSizeFor, drawMatrixCanvas } from './heatmap';
import { composite, parseColor, readableOn, rgba, type ChartColors } from './theme';

/** "+3", "−2", "0" for counts; "+4.2" percentage points for shares. */
export function diffText(d: number, mode: MatrixDiff['mode'], compact = false): string {
  if (mode === 'none') return d === 0 ? '0' : `${d > 0 ? '+' : '−'}${Math.abs(d)}`;
  const pp = 100 * d;
  if (Math.abs(pp) < 0.05) return '0';
  const digits = compact || Math.abs(pp) >= 10 ? 0 : 1;
  return `${pp > 0 ? '+' : '−'}${Math.abs(pp).toFixed(digits)}`;
}

export function maxAbs(diff: readonly number[][]): number {
  let m = 0;
  for (const r of diff) for (const v of r) if (Math.abs(v) > m) m = Math.abs(v);
  return m;
}

interface Paint { background: string; foreground: string }

function painter(c: ChartColors): (change: 'better' | 'worse' | 'same', f: number) => Paint {
  const bg = parseColor(c.background);
  const good = parseColor(c.green);
  const bad = parseColor(c.red);
  const cache = new Map<string, Paint>();
  return (change, f) => {
    const step = change === 'same' ? 0 : Math.max(1, Math.round(f * 20));
    const key = `${change}${step}`;
    let p = cache.get(key);
    if (!p) {
      const a = step === 0 ? 0 : 0.12 + 0.78 * (step / 20);
      const cell = { ...(change === 'better' ? good : bad), a };
      p = { background: rgba(cell), foreground: readableOn(composite(cell, bg), [c.foreground, '#ffffff', '#000000']) };
      cache.set(key, p);
    }
    return p;
  };
}

function pctOrCount(x: number, mode: MatrixDiff['mode']): string {
  return mode === 'none' ? String(x) : `${(100 * x).toFixed(1)}%`;
}

function describe(d: MatrixDiff, i: number, j: number, names: [string, string]): string {
  const unit = d.mode === 'none' ? '' : ' percentage points';
  const what = d.mode === 'none' ? 'samples' : d.mode === 'row' ? `share of actual "${d.labels[i]}"` : `share of predicted "${d.labels[j]}"`;
  return `actual "${d.labels[i]}", predicted "${d.labels[j]}" (${what}): ${names[0]} ${pctOrCount(d.a[i][j], d.mode)}, ${names[1]} ${pctOrCount(d.b[i][j], d.mode)}; ` +
    `${diffText(d.diff[i][j], d.mode)}${unit} (${cellChange(i, j, d.diff[i][j]) === 'same' ? 'no change' : cellChange(i, j, d.diff[i][j])})`;
}

/** The difference table. Cells carry data-actual / data-predicted (indexes), data-diff and data-change. */
export function diffHeatmapTable(d: MatrixDiff, c: ChartColors, names: [string, string]): HTMLTableElement {
  const paint = painter(c);
  const n = d.labels.length;
  const size = cellSizeFor(n);
  const max = maxAbs(d.diff);
  const head = h('thead', null,
    h('tr', null,
      h('th', { class: 'cm-corner', attrs: { colspan: '2', rowspan: '2' } }),
      h('th', { class: 'cm-axis cm-axis-predicted', attrs: { colspan: String(n), scope: 'colgroup' } }, 'Predicted')),
    h('tr', null, d.labels.map((label) => h('th', { class: 'cm-col-label', title: `predicted "${label}"`, attrs: { scope: 'col' } }, h('span', null, label)))));
  const rows = d.labels.map((label, i) => h('tr', null,
    i === 0 ? h('th', { class: 'cm-axis cm-axis-actual', attrs: { rowspan: String(n), scope: 'rowgroup' } }, h('span', null, 'Actual')) : null,
    h('th', { class: 'cm-row-label', title: `actual "${label}"`, attrs: { scope: 'row' } }, label),
    d.diff[i].map((v, j) => {
      const change = cellChange(i, j, v);
      const p = paint(change, max > 0 ? Math.abs(v) / max : 0);
      const td = h('td', {
        class: `cm-cell diff-cell diff-${change}${i === j ? ' cm-diag' : ''}`,
        title: describe(d, i, j, names),
        data: { actual: String(i), predicted: String(j), diff: String(v), change },
      }, diffText(v, d.mode, size === 's' || size === 'xs'));
      // CSSOM, not a style attribute: allowed by the panel's CSP.
      td.style.backgroundColor = p.background;
      td.style.color = p.foreground;
      return td;
    })));
  return h('table', { class: `cm cm-${size} cm-diff`, attrs: { 'aria-label': `Difference of two confusion matrices (${names[1]} minus ${names[0]}): rows are actual classes, columns predicted` } }, head, h('tbody', null, rows));
}

/** The same picture on a canvas, for "Save as PNG" (twice the CSS pixel size for crisp text). */
export function diffHeatmapCanvas(d: MatrixDiff, c: ChartColors, title: string): HTMLCanvasElement {
  const paint = painter(c);
  const max = maxAbs(d.diff);
  return drawMatrixCanvas({
    labels: d.labels, colors: c, title, fontRatio: 0.34, minWidth: 420,
    footer: `green: better (more on the diagonal, fewer off it), red: worse${d.mode === 'none' ? '' : '; percentage points'}`,
    cellAt: (i, j, cell) => {
      const v = d.diff[i][j];
      return { ...paint(cellChange(i, j, v), max > 0 ? Math.abs(v) / max : 0), text: diffText(v, d.mode, cell < 34) };
    },
  });
}
