// What the comparison panel computes from several runs: which parameters differ, the best run per metric
// by its direction, deltas to a baseline run, dataset versions and schema differences, drift between two
// logged distributions (population stability index), and the difference of two confusion matrices.
// Pure (no DOM, no 'vscode'): the host and the webview both import it; test/unit/compare/ tests it.
import { classificationReport, normalizeMatrix, type Normalization } from './classification';
import type { CategoricalDistribution, ColumnProfile, ColumnType, ConfusionMatrix, DatasetProfile, Direction, Distribution, NumericDistribution, ParamValue } from './model';

/** Most runs one panel compares (the command refuses more). */
export const MAX_COMPARE_RUNS = 100;

// ---------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------

/** Two logged values are the same when they have the same type and value (5 and "5" differ; NaN equals NaN). */
export function sameValue(a: ParamValue | undefined, b: ParamValue | undefined): boolean {
  if (a === b) return true;
  return typeof a === 'number' && typeof b === 'number' && Number.isNaN(a) && Number.isNaN(b);
}

/** True when not every run has the same value (a run that did not log it counts as different). */
export function valuesDiffer(values: readonly (ParamValue | undefined)[]): boolean {
  return values.some((v) => !sameValue(v, values[0]));
}

/** For each run, whether its value differs from the baseline run's. */
export function differsFromBaseline(values: readonly (ParamValue | undefined)[], baseline: number): boolean[] {
  return values.map((v) => !sameValue(v, values[baseline]));
}

export interface ParamRow {
  key: string;
  /** One per run; undefined where the run did not log this parameter. */
  values: (ParamValue | undefined)[];
  differs: boolean;
  /** Every logged value is a finite number (so it can be an axis of a chart). */
  numeric: boolean;
}

const byName = (a: string, b: string): number => a.localeCompare(b, 'en', { numeric: true, sensitivity: 'base' }) || (a < b ? -1 : a > b ? 1 : 0);

/** One row per parameter any run logged, sorted by name. */
export function diffParams(perRun: readonly (readonly { key: string; value: ParamValue }[])[]): ParamRow[] {
  const maps = perRun.map((ps) => new Map(ps.map((p) => [p.key, p.value] as const)));
  const keys = [...new Set(perRun.flatMap((ps) => ps.map((p) => p.key)))].sort(byName);
  return keys.map((key) => {
    const values = maps.map((m) => (m.has(key) ? m.get(key) : undefined));
    const logged = values.filter((v) => v !== undefined);
    return {
      key,
      values,
      differs: valuesDiffer(values),
      numeric: logged.length > 0 && logged.every((v) => typeof v === 'number' && Number.isFinite(v)),
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Metrics
// ---------------------------------------------------------------------------------------------

/**
 * The runs with the best value by `direction` (all of them on a tie). NaN (and a run without the metric,
 * passed as NaN) never wins; ±Infinity are real values and compare as such.
 */
export function bestIndices(values: readonly number[], direction: Direction): number[] {
  let best = NaN;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    if (Number.isNaN(best) || (direction === 'max' ? v > best : v < best)) best = v;
  }
  if (Number.isNaN(best)) return [];
  const out: number[] = [];
  values.forEach((v, i) => { if (v === best) out.push(i); });
  return out;
}

export interface Delta {
  /** value − baseline */
  abs: number;
  /** (value − baseline) / |baseline|; null when the baseline is 0 or either value is infinite. */
  rel: number | null;
}

/** The difference to the baseline's value, or null when either is NaN (or both are the same infinity). */
export function delta(value: number, baseline: number): Delta | null {
  const abs = value - baseline;
  if (Number.isNaN(abs)) return null;
  const rel = baseline !== 0 && Number.isFinite(baseline) && Number.isFinite(value) ? abs / Math.abs(baseline) : null;
  return { abs, rel };
}

export type Change = 'better' | 'worse' | 'same';

/** Whether a difference is an improvement, given the metric's direction. */
export function changeOf(abs: number, direction: Direction): Change {
  if (abs === 0 || Number.isNaN(abs)) return 'same';
  return (abs > 0) === (direction === 'max') ? 'better' : 'worse';
}

/** Metric keys every run logged, in the order of the first run. */
export function commonKeys(perRun: readonly (readonly string[])[]): string[] {
  if (perRun.length === 0) return [];
  const sets = perRun.map((ks) => new Set(ks));
  return perRun[0].filter((k) => sets.every((s) => s.has(k)));
}

// ---------------------------------------------------------------------------------------------
// Histories
// ---------------------------------------------------------------------------------------------

/**
 * Which points of a long series to draw: the first and the last, and in each of about maxPoints/2 equal
 * index ranges the smallest and the largest finite value, in their order, so that peaks and dips stay
 * visible (like chart.js's min-max decimation, but before the series crosses postMessage).
 * Returns null when the series is short enough to send whole.
 */
export function decimateMinMax(values: ArrayLike<number>, maxPoints: number): Uint32Array | null {
  const n = values.length;
  if (n <= maxPoints || maxPoints < 4) return null;
  const buckets = Math.max(1, Math.floor((maxPoints - 2) / 2));
  const keep: number[] = [0];
  const width = (n - 2) / buckets;
  for (let b = 0; b < buckets; b++) {
    const from = 1 + Math.floor(b * width);
    const to = Math.min(n - 1, 1 + Math.floor((b + 1) * width));
    let lo = -1;
    let hi = -1;
    for (let i = from; i < to; i++) {
      const v = values[i];
      if (!Number.isFinite(v)) continue;
      if (lo < 0 || v < values[lo]) lo = i;
      if (hi < 0 || v > values[hi]) hi = i;
    }
    if (lo < 0) {
      if (from < to) keep.push(from); // nothing finite here: keep one point so the gap shows
      continue;
    }
    if (lo === hi) keep.push(lo);
    else keep.push(Math.min(lo, hi), Math.max(lo, hi));
  }
  keep.push(n - 1);
  return Uint32Array.from(keep);
}

/** The points of `xs` at `order`, as a new array. */
export function pick(xs: ArrayLike<number>, order: Uint32Array): Float64Array {
  const out = new Float64Array(order.length);
  for (let i = 0; i < order.length; i++) out[i] = xs[order[i]];
  return out;
}

// ---------------------------------------------------------------------------------------------
// Datasets: versions (hashes) and schemas
// ---------------------------------------------------------------------------------------------

export interface DataVersion {
  sha256: string;
  rows: number;
  /** Indexes of the runs that logged this version. */
  runs: number[];
}

export interface HashSummary {
  /** Distinct contents, in the order of the runs that logged them first. */
  versions: DataVersion[];
  /** Runs that did not log a dataset of this name (or logged only distributions of it). */
  missing: number[];
  /** Every run that logged the dataset logged the same bytes (and at least two did). */
  allEqual: boolean;
}

export function hashSummary(perRun: readonly (DatasetProfile | null | undefined)[]): HashSummary {
  const versions: DataVersion[] = [];
  const missing: number[] = [];
  perRun.forEach((p, i) => {
    if (!p || !p.sha256) { missing.push(i); return; }
    let v = versions.find((x) => x.sha256 === p.sha256);
    if (!v) versions.push((v = { sha256: p.sha256, rows: p.rows, runs: [] }));
    v.runs.push(i);
  });
  const logged = perRun.length - missing.length;
  return { versions, missing, allEqual: versions.length === 1 && logged >= 2 };
}

export interface SchemaColumn {
  name: string;
  /** Per run: the column's type, null when the run's dataset has no such column, undefined when the run did not log the dataset. */
  types: (ColumnType | null | undefined)[];
  /** The runs that logged the dataset do not all agree on this column. */
  differs: boolean;
}

export interface SchemaChanges {
  added: string[];
  removed: string[];
  retyped: { name: string; from: ColumnType; to: ColumnType }[];
}

export interface SchemaDiff {
  columns: SchemaColumn[];
  /** Per run, what changed against the baseline run's schema (empty when either did not log the dataset). */
  changes: SchemaChanges[];
  /** All runs that logged the dataset have the same columns with the same types. */
  same: boolean;
}

/** Columns in the baseline's order, then those only other runs have, in the order they first appear. */
export function schemaDiff(perRun: readonly (readonly ColumnProfile[] | null | undefined)[], baseline: number): SchemaDiff {
  const names: string[] = [];
  const seen = new Set<string>();
  const order = [baseline, ...perRun.keys()].filter((i) => i >= 0 && i < perRun.length);
  for (const i of order) for (const c of perRun[i] ?? []) if (!seen.has(c.name)) { seen.add(c.name); names.push(c.name); }
  const maps = perRun.map((cols) => (cols ? new Map(cols.map((c) => [c.name, c.type] as const)) : undefined));
  const columns = names.map((name) => {
    const types = maps.map((m) => (m ? m.get(name) ?? null : undefined));
    const logged = types.filter((t) => t !== undefined);
    return { name, types, differs: logged.some((t) => t !== logged[0]) };
  });
  const base = maps[baseline];
  const changes = maps.map((m): SchemaChanges => {
    const c: SchemaChanges = { added: [], removed: [], retyped: [] };
    if (!m || !base || m === base) return c;
    for (const name of names) {
      const from = base.get(name);
      const to = m.get(name);
      if (from === undefined && to !== undefined) c.added.push(name);
      else if (from !== undefined && to === undefined) c.removed.push(name);
      else if (from !== undefined && to !== undefined && from !== to) c.retyped.push({ name, from, to });
    }
    return c;
  });
  return { columns, changes, same: columns.every((c) => !c.differs) };
}

// ---------------------------------------------------------------------------------------------
// Drift: the population stability index between two logged distributions
// ---------------------------------------------------------------------------------------------
//
// PSI = Σ (aᵢ − eᵢ) · ln(aᵢ / eᵢ), e = the reference run's share of rows in bucket i, a = the compared run's.
// Buckets:
// - numeric columns: the reference histogram's bins merged into about PSI_BUCKETS buckets of equal
//   reference share (a cut at each bin edge where the reference's cumulative share first reaches 10 %,
//   20 %, ... 90 %), the first and last bucket open-ended. The compared run's histogram is spread onto
//   the reference's bins assuming its values are even within each of its own bins; its values below or
//   above the reference's range fall into the first or last bucket;
// - categorical columns: one bucket per value either run logged among its top values, one for the
//   values past them ("other"), in the reference's order;
// - both: nulls are one more bucket when either run has any (a change in missing values is drift too).
// A share of 0 counts as PSI_EPSILON (0.0001), so the logarithm stays finite; shares are not renormalised.

export const PSI_EPSILON = 1e-4;
export const PSI_BUCKETS = 10;
export const PSI_THRESHOLDS = { small: 0.1, large: 0.25 } as const;

export type DriftVerdict = 'none' | 'small' | 'large';

/** < 0.1: no change; 0.1 to 0.25: small; > 0.25: large (the usual reading of the PSI). */
export function psiVerdict(psi: number): DriftVerdict {
  if (psi < PSI_THRESHOLDS.small) return 'none';
  return psi <= PSI_THRESHOLDS.large ? 'small' : 'large';
}

export const VERDICT_TEXT: Record<DriftVerdict, string> = { none: 'no change', small: 'small change', large: 'large change' };

/** Why two distributions cannot be compared (different kinds, nothing counted). */
export class DriftError extends Error {
  override name = 'DriftError';
}

/** Counts of two distributions on shared buckets. */
export interface Buckets {
  labels: string[];
  expected: number[];
  actual: number[];
}

/** PSI of two count vectors on the same buckets; each term is (a − e) · ln(a / e) with shares floored at epsilon. */
export function psiFromCounts(expected: readonly number[], actual: readonly number[], epsilon = PSI_EPSILON): { psi: number; terms: number[] } {
  if (expected.length !== actual.length) throw new DriftError(`the two count vectors have ${expected.length} and ${actual.length} buckets`);
  const te = expected.reduce((s, x) => s + x, 0);
  const ta = actual.reduce((s, x) => s + x, 0);
  if (!(te > 0) || !(ta > 0)) throw new DriftError(te > 0 ? 'the compared distribution has no values' : 'the reference distribution has no values');
  const terms = expected.map((c, i) => {
    const e = Math.max(c / te, epsilon);
    const a = Math.max(actual[i] / ta, epsilon);
    return (a - e) * Math.log(a / e);
  });
  return { psi: terms.reduce((s, x) => s + x, 0), terms };
}

/** Spreads a histogram's counts onto other bins (`lo`/`hi` bounds per target bin), assuming even density within each source bin. */
function rebin(edges: readonly number[], counts: readonly number[], lo: readonly number[], hi: readonly number[]): number[] {
  const out = new Array<number>(lo.length).fill(0);
  for (let j = 0; j < counts.length; j++) {
    const c = counts[j];
    if (!c) continue;
    const a = edges[j];
    const b = edges[j + 1];
    const w = b - a;
    for (let i = 0; i < lo.length; i++) {
      if (w > 0) {
        const overlap = Math.min(b, hi[i]) - Math.max(a, lo[i]);
        if (overlap > 0) out[i] += (c * overlap) / w;
      } else if (a >= lo[i] && (a < hi[i] || (i === lo.length - 1 && a <= hi[i]))) {
        out[i] += c;
      }
    }
  }
  return out;
}

function numericBuckets(ref: NumericDistribution, other: NumericDistribution, fmt: (x: number) => string): Buckets {
  const E = ref.edges;
  const K = ref.counts.length;
  if (K === 0 || E.length !== K + 1) throw new DriftError(`the reference distribution of ${ref.column} has no histogram (no values)`);
  if (other.counts.length === 0 || other.edges.length !== other.counts.length + 1) throw new DriftError(`the compared distribution of ${other.column} has no histogram (no values)`);
  const refTotal = ref.counts.reduce((s, x) => s + x, 0);
  if (!(refTotal > 0)) throw new DriftError(`the reference distribution of ${ref.column} has no values`);
  // Cut after fine bin i when the cumulative reference share first reaches the next k / PSI_BUCKETS.
  const groups: [number, number][] = [];
  let start = 0;
  let cum = 0;
  let target = 1;
  for (let i = 0; i < K; i++) {
    cum += ref.counts[i];
    if (i === K - 1) break;
    if (cum / refTotal >= target / PSI_BUCKETS - 1e-12) {
      groups.push([start, i]);
      start = i + 1;
      while (target < PSI_BUCKETS && cum / refTotal >= target / PSI_BUCKETS - 1e-12) target++;
      if (target >= PSI_BUCKETS) break;
    }
  }
  groups.push([start, K - 1]);
  const lo = groups.map(([a], g) => (g === 0 ? -Infinity : E[a]));
  const hi = groups.map(([, b], g) => (g === groups.length - 1 ? Infinity : E[b + 1]));
  const expected = groups.map(([a, b]) => ref.counts.slice(a, b + 1).reduce((s, x) => s + x, 0));
  // Same edges (the same data, or the same range): sum the bins exactly instead of spreading them.
  const sameEdges = other.edges.length === E.length && other.edges.every((e, i) => e === E[i]);
  const actual = sameEdges
    ? groups.map(([a, b]) => other.counts.slice(a, b + 1).reduce((s, x) => s + x, 0))
    : rebin(other.edges, other.counts, lo, hi);
  const labels = groups.map(([a, b], g) => {
    if (groups.length === 1) return 'all values';
    if (g === 0) return `< ${fmt(E[b + 1])}`;
    if (g === groups.length - 1) return `≥ ${fmt(E[a])}`;
    return `[${fmt(E[a])}, ${fmt(E[b + 1])})`;
  });
  return { labels, expected, actual };
}

const OTHER_LABEL = '(other values)';
const NULL_LABEL = '(null)';

function categoricalBuckets(ref: CategoricalDistribution, other: CategoricalDistribution): Buckets {
  const labels: string[] = [];
  const index = new Map<string, number>();
  for (const v of [...ref.values, ...other.values]) {
    if (!index.has(v.value)) { index.set(v.value, labels.length); labels.push(v.value); }
  }
  const count = (d: CategoricalDistribution): number[] => {
    const out = new Array<number>(labels.length).fill(0);
    for (const v of d.values) out[index.get(v.value)!] += v.count;
    return out;
  };
  const expected = count(ref);
  const actual = count(other);
  if (ref.other > 0 || other.other > 0) {
    labels.push(OTHER_LABEL);
    expected.push(ref.other);
    actual.push(other.other);
  }
  return { labels, expected, actual };
}

/** The buckets the PSI is computed on (see the comment above), with counts of rows. */
export function psiBuckets(ref: Distribution, other: Distribution, fmt: (x: number) => string = String): Buckets {
  let b: Buckets;
  if (ref.kind === 'numeric' && other.kind === 'numeric') b = numericBuckets(ref, other, fmt);
  else if (ref.kind === 'categorical' && other.kind === 'categorical') b = categoricalBuckets(ref, other);
  else throw new DriftError(`"${ref.column}" was logged as ${ref.kind} in one run and as ${other.kind} in the other, so the two cannot be compared`);
  if (ref.nulls > 0 || other.nulls > 0) {
    b.labels.push(NULL_LABEL);
    b.expected.push(ref.nulls);
    b.actual.push(other.nulls);
  }
  return b;
}

export interface DriftResult {
  psi: number;
  verdict: DriftVerdict;
  buckets: { label: string; expected: number; actual: number; term: number }[];
}

/** The population stability index of `other` against the reference distribution `ref`. Throws DriftError. */
export function populationStabilityIndex(ref: Distribution, other: Distribution, fmt?: (x: number) => string): DriftResult {
  const b = psiBuckets(ref, other, fmt);
  const { psi, terms } = psiFromCounts(b.expected, b.actual);
  const te = b.expected.reduce((s, x) => s + x, 0);
  const ta = b.actual.reduce((s, x) => s + x, 0);
  return {
    psi,
    verdict: psiVerdict(psi),
    buckets: b.labels.map((label, i) => ({ label, expected: b.expected[i] / te, actual: b.actual[i] / ta, term: terms[i] })),
  };
}

/**
 * Both distributions as shares on one set of bins, for drawing them overlaid: for numeric columns the
 * reference's own bins when both histograms have the same edges, else `bins` equal bins over both ranges
 * (each histogram spread evenly within its bins); for categorical ones the values of both.
 */
export function overlayBins(ref: Distribution, other: Distribution, bins = 20): { kind: 'numeric'; edges: number[]; expected: number[]; actual: number[] } | { kind: 'categorical'; labels: string[]; expected: number[]; actual: number[] } {
  const share = (xs: number[]): number[] => {
    const t = xs.reduce((s, x) => s + x, 0);
    return xs.map((x) => (t > 0 ? x / t : 0));
  };
  if (ref.kind === 'numeric' && other.kind === 'numeric') {
    if (ref.edges.length === other.edges.length && ref.edges.every((e, i) => e === other.edges[i])) {
      return { kind: 'numeric', edges: [...ref.edges], expected: share([...ref.counts]), actual: share([...other.counts]) };
    }
    const lo = Math.min(ref.edges[0] ?? Infinity, other.edges[0] ?? Infinity);
    const hi = Math.max(ref.edges.at(-1) ?? -Infinity, other.edges.at(-1) ?? -Infinity);
    if (!(hi > lo)) throw new DriftError(`no values of "${ref.column}" to draw`);
    const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + ((hi - lo) * i) / bins));
    const from = edges.slice(0, -1);
    const to = edges.slice(1);
    return { kind: 'numeric', edges, expected: share(rebin(ref.edges, ref.counts, from, to)), actual: share(rebin(other.edges, other.counts, from, to)) };
  }
  const b = psiBuckets(ref, other);
  const keep = b.labels.map((l, i) => (l === NULL_LABEL ? -1 : i)).filter((i) => i >= 0);
  // Shares of the non-null values, like the run panel's charts.
  return { kind: 'categorical', labels: keep.map((i) => b.labels[i]), expected: share(keep.map((i) => b.expected[i])), actual: share(keep.map((i) => b.actual[i])) };
}

// ---------------------------------------------------------------------------------------------
// Confusion matrices
// ---------------------------------------------------------------------------------------------

/** Both matrices on the union of their labels (the first's order, then the second's new ones); missing rows and columns are 0. */
export function alignMatrices(a: ConfusionMatrix, b: ConfusionMatrix): { labels: string[]; a: ConfusionMatrix; b: ConfusionMatrix } {
  const labels = [...a.labels];
  for (const l of b.labels) if (!labels.includes(l)) labels.push(l);
  const expand = (m: ConfusionMatrix): ConfusionMatrix => {
    const at = labels.map((l) => m.labels.indexOf(l));
    return { labels, counts: at.map((i) => at.map((j) => (i < 0 || j < 0 ? 0 : m.counts[i][j]))) };
  };
  return { labels, a: expand(a), b: expand(b) };
}

export interface MatrixDiff {
  labels: string[];
  mode: Normalization;
  /** The two matrices on the shared labels, normalised by `mode`. */
  a: number[][];
  b: number[][];
  /** b − a, cell by cell. */
  diff: number[][];
  countsA: number[][];
  countsB: number[][];
}

export function matrixDiff(a: ConfusionMatrix, b: ConfusionMatrix, mode: Normalization): MatrixDiff {
  const m = alignMatrices(a, b);
  const na = normalizeMatrix(m.a, mode);
  const nb = normalizeMatrix(m.b, mode);
  return { labels: m.labels, mode, a: na, b: nb, diff: na.map((r, i) => r.map((x, j) => nb[i][j] - x)), countsA: m.a.counts, countsB: m.b.counts };
}

/** For a cell of a difference matrix: more on the diagonal, or fewer off it, is better. */
export function cellChange(i: number, j: number, d: number): Change {
  if (d === 0 || Number.isNaN(d)) return 'same';
  return (i === j) === (d > 0) ? 'better' : 'worse';
}

export interface FigureChange { a: number; b: number; delta: number }

export interface ClassDelta {
  label: string;
  recall: FigureChange;
  precision: FigureChange;
  f1: FigureChange;
  support: { a: number; b: number };
}

/** Per-class recall, precision and F1 of both matrices (scikit-learn's definitions) and their changes b − a. */
export function classDeltas(a: ConfusionMatrix, b: ConfusionMatrix): { classes: ClassDelta[]; accuracy: FigureChange; macroF1: FigureChange } {
  const m = alignMatrices(a, b);
  const ra = classificationReport(m.a);
  const rb = classificationReport(m.b);
  const fig = (x: number, y: number): FigureChange => ({ a: x, b: y, delta: y - x });
  return {
    classes: m.labels.map((label, i) => ({
      label,
      recall: fig(ra.classes[i].recall, rb.classes[i].recall),
      precision: fig(ra.classes[i].precision, rb.classes[i].precision),
      f1: fig(ra.classes[i].f1, rb.classes[i].f1),
      support: { a: ra.classes[i].support, b: rb.classes[i].support },
    })),
    accuracy: fig(ra.accuracy, rb.accuracy),
    macroF1: fig(ra.macro.f1, rb.macro.f1),
  };
}
