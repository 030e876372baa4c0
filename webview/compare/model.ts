// Pure helpers of the comparison panel's sections (no DOM, no toolkit): rows of the tables, labels, deltas
// as text, CSV. Unit-tested in test/unit/compare/.
import { bestIndices, delta, diffParams, type Delta, type ParamRow } from '../../src/core/compare';
import { formatNumber, shortId } from '../../src/core/format';
import type { Direction, ParamValue } from '../../src/core/model';
import { fromWire } from '../../src/protocol/common';
import type { CompareMetric, CompareRun, CompareViewState, MetricDirection } from '../../src/protocol/compare';
import { toCsv } from '../components/csv';
import type { ValueKind } from './uiState';

/** Run names for headers and legends; a name shared by several selected runs gets the short id too. */
export function runLabels(runs: readonly Pick<CompareRun, 'id' | 'displayName'>[]): string[] {
  const seen = new Map<string, number>();
  for (const r of runs) seen.set(r.displayName, (seen.get(r.displayName) ?? 0) + 1);
  return runs.map((r) => ((seen.get(r.displayName) ?? 0) > 1 && r.displayName !== shortId(r.id) ? `${r.displayName} (${shortId(r.id)})` : r.displayName));
}

/** The baseline's index: the chosen run when it is still selected, else the first. */
export function baselineIndex(runs: readonly { id: string }[], chosen: string | null): number {
  const i = chosen === null ? -1 : runs.findIndex((r) => r.id === chosen);
  return i < 0 ? 0 : i;
}

// ---------------------------------------------------------------- parameters

export const ALGORITHM_KEY = 'Algorithm';

/** The parameter rows, the algorithm first (as a row of its own, absent values where a run recorded none). */
export function paramRows(runs: readonly CompareRun[]): { algorithm: ParamRow; params: ParamRow[] } {
  const algo = runs.map((r) => r.algorithm ?? undefined);
  return {
    algorithm: { key: ALGORITHM_KEY, values: algo, differs: algo.some((a) => a !== algo[0]), numeric: false },
    params: diffParams(runs.map((r) => r.params)),
  };
}

export function paramText(v: ParamValue | undefined): string {
  if (v === undefined) return '—';
  return v === null ? 'null' : String(v);
}

/** Case-insensitive match on the name; words separated by spaces must all match ("max depth"). */
export function matchesFilter(key: string, filter: string): boolean {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  const k = key.toLowerCase();
  return words.every((w) => k.includes(w));
}

export function paramsCsv(runs: readonly CompareRun[], labels: readonly string[], rows: readonly ParamRow[]): string {
  return toCsv(['parameter', ...labels, 'differs'], [
    ['run_id', ...runs.map((r) => r.id), ''],
    ...rows.map((p) => [p.key, ...p.values.map((v) => (v === undefined ? '' : v === null ? 'null' : v)), p.differs ? 'yes' : 'no']),
  ]);
}

// ---------------------------------------------------------------- metrics

export interface MetricRow {
  key: string;
  direction: Direction;
  source: MetricDirection['source'];
  /** Per run: its summary, or undefined when it did not log the metric. */
  cells: (CompareMetric | undefined)[];
  /** Per run: the compared value (last or best by direction); NaN when not logged. */
  values: number[];
  /** Indexes of the runs with the best value. */
  best: number[];
  /** Logged by every run. */
  common: boolean;
}

export function bestOf(m: CompareMetric, direction: Direction): number {
  return fromWire(direction === 'max' ? m.max : m.min);
}

export function metricRows(state: Pick<CompareViewState, 'runs' | 'directions'>, kind: ValueKind): MetricRow[] {
  const keys = [...new Set(state.runs.flatMap((r) => r.metrics.map((m) => m.key)))].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  return keys.map((key) => {
    const d = state.directions.find((x) => x.key === key);
    const direction = d?.direction ?? 'max';
    const cells = state.runs.map((r) => r.metrics.find((m) => m.key === key));
    const values = cells.map((c) => (c ? (kind === 'best' ? bestOf(c, direction) : fromWire(c.last)) : NaN));
    // A best run needs at least two runs to be better than.
    const logged = cells.filter((c) => c !== undefined).length;
    return { key, direction, source: d?.source ?? 'name', cells, values, best: logged > 1 ? bestIndices(values, direction) : [], common: cells.every((c) => c !== undefined) };
  });
}

/** "+0.0123", "−4.5 %": signs always shown, the minus a real minus. */
export function signed(x: number, digits?: number): string {
  const s = digits === undefined ? formatNumber(Math.abs(x)) : Math.abs(x).toFixed(digits);
  return `${x > 0 ? '+' : x < 0 ? '−' : '±'}${s}`;
}

export function deltaText(d: Delta): string {
  if (d.abs === 0) return '±0';
  const rel = d.rel === null ? '' : ` (${signed(100 * d.rel, Math.abs(100 * d.rel) < 10 ? 2 : 1)} %)`;
  return `${signed(d.abs)}${rel}`;
}

export function metricDelta(row: MetricRow, i: number, baseline: number): Delta | null {
  if (i === baseline || row.cells[i] === undefined || row.cells[baseline] === undefined) return null;
  return delta(row.values[i], row.values[baseline]);
}

export function metricsCsv(runs: readonly CompareRun[], labels: readonly string[], rows: readonly MetricRow[], baseline: number): string {
  const out: (string | number)[][] = [];
  for (const row of rows) {
    row.cells.forEach((c, i) => {
      if (!c) return;
      const d = metricDelta(row, i, baseline);
      out.push([row.key, row.direction, labels[i], runs[i].id, fromWire(c.last), bestOf(c, row.direction), c.count,
        d ? d.abs : '', d && d.rel !== null ? d.rel : '', row.best.includes(i) ? 'yes' : 'no', i === baseline ? 'yes' : 'no']);
    });
  }
  return toCsv(['metric', 'direction', 'run', 'run_id', 'last', 'best', 'points', 'delta_to_baseline', 'relative_delta', 'best_run', 'baseline'], out);
}

// ---------------------------------------------------------------- data

/** Names of the datasets any run logged (or logged distributions of), in the order they first appear. */
export function datasetNames(runs: readonly CompareRun[]): string[] {
  const names: string[] = [];
  for (const r of runs) {
    for (const d of r.datasets) if (!names.includes(d.name)) names.push(d.name);
    for (const d of r.distributions) if (!names.includes(d.dataset)) names.push(d.dataset);
  }
  return names;
}

/** Columns with a distribution logged by at least two runs for this dataset, in order of first appearance. */
export function sharedColumns(runs: readonly CompareRun[], dataset: string): { column: string; runs: number[] }[] {
  const out: { column: string; runs: number[] }[] = [];
  runs.forEach((r, i) => {
    for (const d of r.distributions) {
      if (d.dataset !== dataset) continue;
      let c = out.find((x) => x.column === d.distribution.column);
      if (!c) out.push((c = { column: d.distribution.column, runs: [] }));
      if (!c.runs.includes(i)) c.runs.push(i);
    }
  });
  return out;
}

/** "A", "B", ... "Z", "AA": names for the distinct versions of a dataset. */
export function versionName(i: number): string {
  let s = '';
  let n = i;
  do {
    s = String.fromCharCode(65 + (n % 26)) + s;
    n = Math.floor(n / 26) - 1;
  } while (n >= 0);
  return s;
}
