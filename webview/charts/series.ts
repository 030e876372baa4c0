// Pure helpers for the charts (no DOM): smoothing, points for chart.js, axis ticks and labels.
// Unit-tested in test/unit/panels/.

import type { CategoricalDistribution } from '../../src/core/model';

export interface XY { x: number; y: number }

export type XMode = 'step' | 'time';

/**
 * Exponential moving average with TensorBoard's debiasing (the first points are not pulled towards 0).
 * `weight` 0 returns the values unchanged; NaN and ±Infinity are skipped and stay as they are.
 */
export function emaSmooth(values: ArrayLike<number>, weight: number): Float64Array {
  const out = new Float64Array(values.length);
  const w = Math.min(Math.max(weight, 0), 0.999);
  let last = 0;
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    if (w === 0) {
      out[i] = v;
      continue;
    }
    last = last * w + (1 - w) * v;
    n++;
    out[i] = last / (1 - w ** n);
  }
  return out;
}

/** The order that sorts `xs` ascending (stable), or null when it already is sorted. */
export function sortOrder(xs: ArrayLike<number>): Uint32Array | null {
  let sorted = true;
  for (let i = 1; i < xs.length; i++) if (xs[i] < xs[i - 1]) { sorted = false; break; }
  if (sorted) return null;
  const idx = Array.from({ length: xs.length }, (_, i) => i);
  idx.sort((a, b) => xs[a] - xs[b] || a - b);
  return Uint32Array.from(idx);
}

/**
 * {x, y} points for chart.js (with `parsing: false` and the decimation plugin, which need objects sorted by x).
 * Points whose x or y is not finite are left out and counted.
 */
export function toPoints(xs: ArrayLike<number>, ys: ArrayLike<number>, order: Uint32Array | null = sortOrder(xs)): { points: XY[]; skipped: number } {
  const points: XY[] = [];
  let skipped = 0;
  const n = Math.min(xs.length, ys.length);
  for (let k = 0; k < n; k++) {
    const i = order ? order[k] : k;
    const x = xs[i];
    const y = ys[i];
    if (Number.isFinite(x) && Number.isFinite(y)) points.push({ x, y });
    else skipped++;
  }
  return { points, skipped };
}

/** Seconds since the first time (wall-clock x axis). */
export function elapsedSeconds(times: ArrayLike<number>, origin?: number): Float64Array {
  let t0 = origin ?? Infinity;
  if (origin === undefined) for (let i = 0; i < times.length; i++) if (times[i] < t0) t0 = times[i];
  const out = new Float64Array(times.length);
  for (let i = 0; i < times.length; i++) out[i] = (times[i] - t0) / 1000;
  return out;
}

/** "45 s", "2:05", "1:02:05" for an elapsed-time axis. */
export function formatElapsed(seconds: number): string {
  if (!Number.isFinite(seconds)) return '';
  const neg = seconds < 0;
  let s = Math.abs(seconds);
  if (s < 60) return `${neg ? '−' : ''}${Number(s.toPrecision(3))} s`;
  s = Math.round(s);
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return `${neg ? '−' : ''}${hh ? `${hh}:${String(mm).padStart(2, '0')}` : mm}:${ss}`;
}

/** Bin edges to label on a histogram's axis: all of them when they fit, else every k-th (always the first and last). */
export function edgeTicks(edges: readonly number[], maxTicks: number): number[] {
  if (edges.length <= maxTicks) return [...edges];
  const step = Math.ceil((edges.length - 1) / Math.max(1, maxTicks - 1));
  const out: number[] = [];
  for (let i = 0; i < edges.length - 1; i += step) out.push(edges[i]);
  out.push(edges[edges.length - 1]);
  return out;
}

/** A histogram bin as an interval: [a, b) and the last one closed, [a, b]. */
export function binLabel(edges: readonly number[], i: number, fmt: (x: number) => string): string {
  const last = i === edges.length - 2;
  return `[${fmt(edges[i])}, ${fmt(edges[i + 1])}${last ? ']' : ')'}`;
}

/** Short numbers for axis ticks and small cells: 1234 -> "1.2k", 0.000012 -> "1.2e-5". */
export function formatCompact(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? '∞' : '−∞';
  const a = Math.abs(x);
  if (a === 0) return '0';
  if (a >= 1e9) return `${Number((x / 1e9).toPrecision(2))}G`;
  if (a >= 1e6) return `${Number((x / 1e6).toPrecision(2))}M`;
  if (a >= 1e4) return `${Number((x / 1e3).toPrecision(3))}k`;
  if (a >= 1000) return `${Number((x / 1e3).toPrecision(2))}k`;
  if (a < 1e-3) return x.toExponential(1);
  return String(Number(x.toPrecision(3)));
}

/** A datetime axis value (epoch ms) as an ISO date, with the time when it is not midnight UTC. */
export function formatEpochMs(ms: number): string {
  if (!Number.isFinite(ms)) return '';
  const iso = new Date(ms).toISOString();
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 16).replace('T', ' ');
}

// ------------------------------------------------------------------ series for the charts

export interface MetricSeries {
  raw: XY[];
  smoothed: XY[] | null;
  /** Points not drawn because the value (or time) is NaN or infinite. */
  skipped: number;
}

/** The points to draw, ordered by x; smoothing follows that order. Pure, so it is unit-tested. */
export function metricSeries(input: { steps: ArrayLike<number>; times: ArrayLike<number>; values: ArrayLike<number>; xMode: XMode; smoothing: number; origin: number }): MetricSeries {
  const xs = input.xMode === 'step' ? input.steps : elapsedSeconds(input.times, input.origin);
  const order = sortOrder(xs);
  const n = Math.min(xs.length, input.values.length);
  const ox: number[] = [];
  const oy: number[] = [];
  let skipped = 0;
  for (let k = 0; k < n; k++) {
    const i = order ? order[k] : k;
    const x = xs[i];
    const y = input.values[i];
    if (Number.isFinite(x) && Number.isFinite(y)) { ox.push(x); oy.push(y); } else skipped++;
  }
  const raw = ox.map((x, i) => ({ x, y: oy[i] }));
  const smoothed = input.smoothing > 0 ? Array.from(emaSmooth(oy, input.smoothing), (y, i) => ({ x: ox[i], y })) : null;
  return { raw, smoothed, skipped };
}

/** Bars shown for a categorical column; the rest are summed into one "other" bar (the table lists them all). */
export const MAX_BARS = 20;

export function displayValue(v: string): string {
  return v === '' ? '(empty string)' : v;
}

export function categoricalBars(d: CategoricalDistribution): { labels: string[]; counts: number[]; otherIndex: number } {
  const shown = d.values.slice(0, MAX_BARS);
  const rest = d.values.slice(MAX_BARS);
  const other = d.other + rest.reduce((a, v) => a + v.count, 0);
  const labels = shown.map((v) => displayValue(v.value));
  const counts = shown.map((v) => v.count);
  let otherIndex = -1;
  if (other > 0) {
    otherIndex = labels.length;
    labels.push(`(${rest.length ? `${rest.length} more values` : 'other values'})`);
    counts.push(other);
  }
  return { labels, counts, otherIndex };
}
