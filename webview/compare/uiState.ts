// The comparison panel's own view settings, kept with the webview state so they survive hiding and reloads.
import type { Normalization } from '../../src/core/classification';
import type { XMode } from '../charts/series';

export type ValueKind = 'last' | 'best';

export interface CompareUi {
  /** The run the deltas are computed against; null: the first (oldest) run. */
  baseline: string | null;
  /** Parameters: show only the rows whose values differ (on by default). */
  onlyDiffers: boolean;
  paramFilter: string;
  /** Metrics: compare the last logged values or the best ones over each history. */
  valueKind: ValueKind;
  xAxis: XMode;
  /** 0 (off) to 0.99. */
  smoothing: number;
  /** Runs hidden from the charts (the legend's switches). */
  hidden: string[];
  scatterParam: string | null;
  scatterMetric: string | null;
  pcpMetric: string | null;
  /** Data: per "dataset\u0000column", the run compared with the baseline. */
  compared: Record<string, string>;
  matrix: string | null;
  /** The two runs whose matrices are differenced (null: baseline and the best other run). */
  matrixA: string | null;
  matrixB: string | null;
  normalization: Normalization;
  scrollY: number;
}

export const DEFAULT_UI: CompareUi = {
  baseline: null, onlyDiffers: true, paramFilter: '', valueKind: 'last', xAxis: 'step', smoothing: 0, hidden: [],
  scatterParam: null, scatterMetric: null, pcpMetric: null, compared: {}, matrix: null, matrixA: null, matrixB: null,
  normalization: 'none', scrollY: 0,
};

const strOrNull = (x: unknown): string | null => (typeof x === 'string' && x.length <= 250 ? x : null);

/** Reads saved settings leniently: anything missing or malformed falls back to the default. */
export function parseCompareUi(x: unknown): CompareUi {
  const o = (typeof x === 'object' && x !== null ? x : {}) as Record<string, unknown>;
  const s = Number(o.smoothing);
  const n = o.normalization;
  const compared: Record<string, string> = {};
  if (typeof o.compared === 'object' && o.compared !== null) {
    for (const [k, v] of Object.entries(o.compared as Record<string, unknown>).slice(0, 500)) if (typeof v === 'string') compared[k] = v;
  }
  return {
    baseline: strOrNull(o.baseline),
    onlyDiffers: o.onlyDiffers !== false,
    paramFilter: typeof o.paramFilter === 'string' ? o.paramFilter.slice(0, 200) : '',
    valueKind: o.valueKind === 'best' ? 'best' : 'last',
    xAxis: o.xAxis === 'time' ? 'time' : 'step',
    smoothing: Number.isFinite(s) && s >= 0 && s <= 0.99 ? s : DEFAULT_UI.smoothing,
    hidden: Array.isArray(o.hidden) ? o.hidden.filter((h): h is string => typeof h === 'string').slice(0, 200) : [],
    scatterParam: strOrNull(o.scatterParam),
    scatterMetric: strOrNull(o.scatterMetric),
    pcpMetric: strOrNull(o.pcpMetric),
    compared,
    matrix: strOrNull(o.matrix),
    matrixA: strOrNull(o.matrixA),
    matrixB: strOrNull(o.matrixB),
    normalization: n === 'none' || n === 'row' || n === 'column' ? n : DEFAULT_UI.normalization,
    scrollY: Number.isFinite(Number(o.scrollY)) && Number(o.scrollY) > 0 ? Number(o.scrollY) : 0,
  };
}
