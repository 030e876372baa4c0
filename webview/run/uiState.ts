// The panel's own view settings, kept with the webview state so they survive hiding and reloads.
import type { Normalization } from '../../src/core/classification';
import type { XMode } from '../charts/series';

export interface UiState {
  normalization: Normalization;
  /** The confusion matrix picked when the run has several. */
  matrix: string | null;
  xAxis: XMode;
  /** 0 (off) to 0.99. */
  smoothing: number;
  paramFilter: string;
  scrollY: number;
}

export const DEFAULT_UI: UiState = { normalization: 'none', matrix: null, xAxis: 'step', smoothing: 0.6, paramFilter: '', scrollY: 0 };

/** Reads saved settings leniently: anything missing or malformed falls back to the default. */
export function parseUiState(x: unknown): UiState {
  const o = (typeof x === 'object' && x !== null ? x : {}) as Record<string, unknown>;
  const n = o.normalization;
  const s = Number(o.smoothing);
  return {
    normalization: n === 'row' || n === 'column' || n === 'none' ? n : DEFAULT_UI.normalization,
    matrix: typeof o.matrix === 'string' ? o.matrix : null,
    xAxis: o.xAxis === 'time' ? 'time' : 'step',
    smoothing: Number.isFinite(s) && s >= 0 && s <= 0.99 ? s : DEFAULT_UI.smoothing,
    paramFilter: typeof o.paramFilter === 'string' ? o.paramFilter.slice(0, 200) : '',
    scrollY: Number.isFinite(Number(o.scrollY)) && Number(o.scrollY) > 0 ? Number(o.scrollY) : 0,
  };
}
