// The difference of two confusion matrices (B − A) as a diverging heat map: green where B is better
// (more samples on the diagonal, fewer off it), red where it is worse, stronger for larger changes.
// An HTML table like the run panel's heat map (text stays text, labels stay sticky); "Save as PNG" draws
// the same picture on a canvas.
import { cellChange, type MatrixDiff } from '../../src/core/compare';
import { h } from '../components/dom';
import { cellSizeFor } from './heatmap';
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
  const n = d.labels.length;
  const max = maxAbs(d.diff);
  const cell = Math.max(14, Math.min(64, Math.floor(880 / n)));
  const font = Math.max(8, Math.min(13, Math.floor(cell * 0.34)));
  const family = c.fontFamily;
  const scratch = document.createElement('canvas').getContext('2d');
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
  const labelW = Math.min(180, Math.max(...d.labels.map((l) => measure(l, labelFont))) + 8);
  const pad = 16;
  const axis = 22;
  const titleH = 28;
  const left = pad + axis + labelW;
  const top = pad + titleH + axis + labelW;
  const width = Math.max(left + n * cell + pad, 420);
  const height = top + n * cell + pad + 22;
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
  ctx.fillText(clip(title, 14, width - 2 * pad), pad, pad + titleH / 2 - 4);
  ctx.font = `600 12px ${family}`;
  ctx.textAlign = 'center';
  ctx.fillText('Predicted', left + (n * cell) / 2, pad + titleH + axis / 2);
  ctx.save();
  ctx.translate(pad + axis / 2, top + (n * cell) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText('Actual', 0, 0);
  ctx.restore();
  ctx.font = `${labelFont}px ${family}`;
  ctx.textAlign = 'right';
  d.labels.forEach((l, i) => ctx.fillText(clip(l, labelFont, labelW - 8), left - 6, top + i * cell + cell / 2));
  d.labels.forEach((l, j) => {
    ctx.save();
    ctx.translate(left + j * cell + cell / 2, top - 6);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'left';
    ctx.fillText(clip(l, labelFont, labelW - 8), 0, 0);
    ctx.restore();
  });
  ctx.font = `${font}px ${family}`;
  ctx.textAlign = 'center';
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = d.diff[i][j];
      const p = paint(cellChange(i, j, v), max > 0 ? Math.abs(v) / max : 0);
      const x = left + j * cell;
      const y = top + i * cell;
      ctx.fillStyle = p.background;
      ctx.fillRect(x, y, cell, cell);
      ctx.strokeStyle = c.lines;
      ctx.lineWidth = i === j ? 1.5 : 0.5;
      ctx.strokeRect(x + 0.25, y + 0.25, cell - 0.5, cell - 0.5);
      if (cell >= 18) {
        ctx.fillStyle = p.foreground;
        ctx.fillText(diffText(v, d.mode, cell < 34), x + cell / 2, y + cell / 2);
      }
    }
  }
  ctx.textAlign = 'left';
  ctx.font = `11px ${family}`;
  ctx.fillStyle = c.foreground;
  ctx.fillText(`green: better (more on the diagonal, fewer off it), red: worse${d.mode === 'none' ? '' : '; percentage points'}`, pad, height - pad);
  return canvas;
}
