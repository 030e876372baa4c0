// A parallel-coordinates chart on a canvas: one vertical axis per numeric parameter and one for a metric,
// one line per run, coloured by the metric from worse (orange) to better (blue), the best run on top and
// thicker. Drawn by hand rather than with chartjs-chart-pcp (which does support chart.js 4.6) because a run
// without a parameter must leave a gap on that axis, not be drawn at the previous axis's height as that
// plugin does; runs of different algorithms rarely share every parameter.
import { formatNumber } from '../../src/core/format';
import type { Direction } from '../../src/core/model';
import { canvasToPng, chartColors, onThemeChange, type ChartHandle } from './managed';
import { axisPosition, axisScale, goodness } from './parallelScale';
import { formatCompact } from './series';
import { parseColor, rgba, withAlpha, type ChartColors } from './theme';

export interface PcpAxis {
  key: string;
  /** One per line; NaN where the run has no value. */
  values: number[];
  /** The metric axis (the last one): drawn stronger, with its direction. */
  metric?: { direction: Direction };
}

export interface PcpLine {
  label: string;
  hidden: boolean;
}

export interface PcpModel {
  axes: PcpAxis[];
  lines: PcpLine[];
}

function mix(a: string, b: string, t: number): string {
  const x = parseColor(a);
  const y = parseColor(b);
  return rgba({ r: x.r + (y.r - x.r) * t, g: x.g + (y.g - x.g) * t, b: x.b + (y.b - x.b) * t, a: 1 });
}

const MARGIN = { top: 52, bottom: 30, left: 44, right: 70 };

export class ParallelChart implements ChartHandle {
  lastDrawMs = 0;
  private readonly stopTheme: () => void;
  private readonly tooltip: HTMLElement;
  private hover = -1;
  private geometry: { xs: number[]; ys: (number | null)[][]; order: number[] } = { xs: [], ys: [], order: [] };
  private readonly resize: ResizeObserver;
  private lastWidth = 0;

  constructor(readonly canvas: HTMLCanvasElement, private model: PcpModel, private readonly height = 340) {
    this.tooltip = document.createElement('div');
    this.tooltip.className = 'pcp-tooltip';
    this.tooltip.hidden = true;
    canvas.parentElement?.append(this.tooltip);
    this.stopTheme = onThemeChange(() => this.render());
    canvas.addEventListener('mousemove', (e) => this.onMove(e));
    canvas.addEventListener('mouseleave', () => { this.hover = -1; this.tooltip.hidden = true; this.render(); });
    this.resize = new ResizeObserver(() => {
      const w = this.canvas.parentElement?.clientWidth ?? 0;
      if (w && Math.abs(w - this.lastWidth) > 2) this.render();
    });
    if (canvas.parentElement) this.resize.observe(canvas.parentElement);
    this.render();
  }

  update(model: PcpModel): void {
    this.model = model;
    this.hover = -1;
    this.render();
  }

  destroy(): void {
    this.stopTheme();
    this.resize.disconnect();
    this.tooltip.remove();
  }

  toPng(): string {
    return canvasToPng(this.canvas, chartColors().background);
  }

  render(): void {
    const t0 = performance.now();
    const c = chartColors();
    const width = Math.max(320, this.canvas.parentElement?.clientWidth ?? 800);
    this.lastWidth = width;
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(width * dpr);
    this.canvas.height = Math.round(this.height * dpr);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${this.height}px`;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, width, this.height);
    this.draw(ctx, c, width);
    this.lastDrawMs = performance.now() - t0;
  }

  private draw(ctx: CanvasRenderingContext2D, c: ChartColors, width: number): void {
    const { axes, lines } = this.model;
    const top = MARGIN.top;
    const bottom = this.height - MARGIN.bottom;
    const n = axes.length;
    const span = width - MARGIN.left - MARGIN.right;
    const xs = axes.map((_, k) => MARGIN.left + (n === 1 ? span / 2 : (span * k) / (n - 1)));
    const scales = axes.map((a) => axisScale(a.values));
    const metric = axes.find((a) => a.metric);
    const good = metric ? goodness(metric.values, metric.metric!.direction) : lines.map(() => NaN);
    const ys = lines.map((_, i) => axes.map((a, k) => {
      const v = a.values[i];
      return Number.isFinite(v) ? bottom - axisPosition(v, scales[k]) * (bottom - top) : null;
    }));
    // Worse lines first, the best last (on top); lines without the metric first of all.
    const order = lines.map((_, i) => i).filter((i) => !lines[i].hidden).sort((a, b) => (Number.isNaN(good[a]) ? -1 : good[a]) - (Number.isNaN(good[b]) ? -1 : good[b]));
    this.geometry = { xs, ys, order };
    const font = c.fontFamily;
    ctx.lineJoin = 'round';
    ctx.lineCap = 'round';
    const best = Math.max(...order.map((i) => (Number.isNaN(good[i]) ? -1 : good[i])));
    for (const i of order) {
      const g = good[i];
      const hovered = i === this.hover;
      const dim = this.hover >= 0 && !hovered;
      const color = Number.isNaN(g) ? withAlpha(c.foreground, 0.35) : mix(c.orange, c.blue, g);
      ctx.strokeStyle = dim ? withAlpha(color, 0.18) : color;
      ctx.lineWidth = hovered ? 3.5 : g === best && best >= 0 ? 3 : lines.length > 40 ? 1.2 : 1.8;
      ctx.setLineDash(Number.isNaN(g) ? [4, 4] : []);
      ctx.beginPath();
      let open = false;
      ys[i].forEach((y, k) => {
        if (y === null) { open = false; return; }
        if (open) ctx.lineTo(xs[k], y);
        else ctx.moveTo(xs[k], y);
        open = true;
      });
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.fillStyle = ctx.strokeStyle;
      ys[i].forEach((y, k) => {
        if (y === null) return;
        ctx.beginPath();
        ctx.arc(xs[k], y, hovered ? 3.5 : 2.2, 0, Math.PI * 2);
        ctx.fill();
      });
    }
    // Axes on top of the lines, with their names and ranges.
    const room = n > 1 ? span / (n - 1) - 8 : 200;
    axes.forEach((a, k) => {
      const x = xs[k];
      const s = scales[k];
      ctx.strokeStyle = a.metric ? c.foreground : withAlpha(c.foreground, 0.55);
      ctx.lineWidth = a.metric ? 2 : 1;
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, bottom);
      ctx.stroke();
      ctx.fillStyle = c.foreground;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'alphabetic';
      ctx.font = `${a.metric ? '600 ' : ''}${Math.max(11, c.fontSize - 1)}px ${font}`;
      const name = a.metric ? `${a.key} ${a.metric.direction === 'max' ? '↑' : '↓'}` : a.key;
      ctx.fillText(clip(ctx, name, Math.max(40, room)), x, top - 26);
      ctx.font = `${Math.max(10, c.fontSize - 2)}px ${font}`;
      ctx.fillStyle = withAlpha(c.foreground, 0.75);
      const fmt = (v: number): string => (Number.isInteger(v) ? String(v) : formatCompact(v));
      ctx.fillText(fmt(s.hi), x, top - 8);
      ctx.textBaseline = 'top';
      ctx.fillText(fmt(s.lo) + (s.log ? ' (log)' : ''), x, bottom + 6);
    });
    // Colour key.
    if (metric) {
      const kx = width - MARGIN.right + 22;
      const grad = ctx.createLinearGradient(0, bottom, 0, top);
      grad.addColorStop(0, c.orange);
      grad.addColorStop(1, c.blue);
      ctx.fillStyle = grad;
      ctx.fillRect(kx, top, 8, bottom - top);
      ctx.fillStyle = withAlpha(c.foreground, 0.75);
      ctx.font = `${Math.max(10, c.fontSize - 2)}px ${font}`;
      ctx.textAlign = 'left';
      ctx.textBaseline = 'middle';
      ctx.fillText('better', kx + 11, top + 6);
      ctx.fillText('worse', kx + 11, bottom - 6);
    }
  }

  private onMove(e: MouseEvent): void {
    const r = this.canvas.getBoundingClientRect();
    const mx = e.clientX - r.left;
    const my = e.clientY - r.top;
    const { xs, ys, order } = this.geometry;
    let bestI = -1;
    let bestD = 7;
    for (const i of order) {
      const y = ys[i];
      for (let k = 0; k < xs.length; k++) {
        const y0 = y[k];
        if (y0 === null) continue;
        const d0 = Math.hypot(mx - xs[k], my - y0);
        if (d0 < bestD) { bestD = d0; bestI = i; }
        const y1 = y[k + 1];
        if (k + 1 < xs.length && y1 !== null && y1 !== undefined && mx >= xs[k] && mx <= xs[k + 1]) {
          const t = (mx - xs[k]) / (xs[k + 1] - xs[k]);
          const d = Math.abs(my - (y0 + t * (y1 - y0)));
          if (d < bestD) { bestD = d; bestI = i; }
        }
      }
    }
    if (bestI !== this.hover) {
      this.hover = bestI;
      this.render();
    }
    if (bestI < 0) { this.tooltip.hidden = true; return; }
    const line = this.model.lines[bestI];
    const rows = this.model.axes.map((a) => `${a.key}: ${Number.isFinite(a.values[bestI]) ? formatNumber(a.values[bestI]) : '—'}`);
    // Text only: run names and parameter names are user data.
    this.tooltip.replaceChildren(Object.assign(document.createElement('strong'), { textContent: line.label }),
      ...rows.map((t) => Object.assign(document.createElement('div'), { textContent: t })));
    this.tooltip.hidden = false;
    const parent = this.canvas.parentElement?.getBoundingClientRect();
    const left = e.clientX - (parent?.left ?? 0) + 14;
    this.tooltip.style.left = `${Math.min(left, (parent?.width ?? 600) - 220)}px`;
    this.tooltip.style.top = `${e.clientY - (parent?.top ?? 0) + 10}px`;
  }
}

function clip(ctx: CanvasRenderingContext2D, s: string, width: number): string {
  if (ctx.measureText(s).width <= width) return s;
  let t = s;
  while (t.length > 1 && ctx.measureText(`${t}…`).width > width) t = t.slice(0, -1);
  return `${t}…`;
}
