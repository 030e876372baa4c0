// Pure helpers of the run panel's sections (no DOM, no toolkit): unit-tested in test/unit/panels/.
import { formatNumber } from '../../src/core/format';
import type { ClassificationReport, ColumnProfile, ParamValue } from '../../src/core/model';
import { fromWire } from '../../src/protocol/common';
import type { MatrixView, MetricHistory, MetricView } from '../../src/protocol/run';
import { toCsv } from '../components/csv';

// ---------------------------------------------------------------- hyper-parameters

export function paramType(v: ParamValue): string {
  return v === null ? 'null' : typeof v;
}

/** Values exactly as logged: numbers are not rounded (a learning rate of 0.000123 must read as such). */
export function paramText(v: ParamValue): string {
  return v === null ? 'null' : String(v);
}

/** Case-insensitive match on the name; words separated by spaces must all match ("max depth"). */
export function filterParams<T extends { key: string }>(params: readonly T[], filter: string): T[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...params];
  return params.filter((p) => {
    const k = p.key.toLowerCase();
    return words.every((w) => k.includes(w));
  });
}

export function paramsCsv(params: readonly { key: string; value: ParamValue }[]): string {
  return toCsv(['name', 'value', 'type'], params.map((p) => [p.key, paramText(p.value), paramType(p.value)]));
}

// ---------------------------------------------------------------- data

const QUANTILE_NAMES: Record<string, string> = { '0': 'min', '0.5': 'median', '1': 'max' };

/** 0 -> "min", 0.25 -> "25%", 0.5 -> "median", 1 -> "max". */
export function quantileName(p: number): string {
  return QUANTILE_NAMES[String(p)] ?? `${Number((p * 100).toPrecision(3))}%`;
}

export function statText(v: number | string | undefined): string {
  if (v === undefined) return '';
  return typeof v === 'number' ? formatNumber(v) : v;
}

export function schemaCsv(cols: readonly ColumnProfile[], rows: number): string {
  return toCsv(['column', 'type', 'nulls', 'null_fraction', 'distinct', 'distinct_kind', 'min', 'max', 'mean', 'std'],
    cols.map((c) => [c.name, c.type, c.nulls, rows > 0 ? c.nulls / rows : 0, c.distinct, c.distinctExact ? 'exact' : 'estimate', c.min ?? '', c.max ?? '', c.mean ?? '', c.std ?? '']));
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let x = n / 1024;
  let i = 0;
  while (x >= 1024 && i < units.length - 1) { x /= 1024; i++; }
  return `${Number(x.toPrecision(3))} ${units[i]}`;
}

// ---------------------------------------------------------------- metrics

export function metricsCsv(metrics: readonly MetricView[]): string {
  return toCsv(['metric', 'last', 'best', 'min', 'max', 'points', 'last_step', 'direction'],
    metrics.map((m) => [m.key, fromWire(m.last), fromWire(m.best), fromWire(m.min), fromWire(m.max), m.count, m.lastStep, m.direction]));
}

export function historyCsv(h: MetricHistory): string {
  const rows: (number | string)[][] = [];
  for (let i = 0; i < h.values.length; i++) {
    const t = h.times ? h.times[i] : NaN;
    rows.push([h.steps[i], Number.isFinite(t) ? new Date(t).toISOString() : '', h.values[i]]);
  }
  return toCsv(['step', 'time', h.key], rows);
}

// ---------------------------------------------------------------- confusion matrix

export const fixed3 = (x: number): string => x.toFixed(3);

export function matrixCsv(m: MatrixView['matrix']): string {
  return toCsv(['actual \\ predicted', ...m.labels], m.labels.map((l, i) => [l, ...m.counts[i]]));
}

export function reportCsv(r: ClassificationReport): string {
  return toCsv(['class', 'precision', 'recall', 'f1', 'support'], [
    ...r.classes.map((c) => [c.label, c.precision, c.recall, c.f1, c.support]),
    ['accuracy', '', '', r.accuracy, r.macro.support],
    ['macro avg', r.macro.precision, r.macro.recall, r.macro.f1, r.macro.support],
    ['weighted avg', r.weighted.precision, r.weighted.recall, r.weighted.f1, r.weighted.support],
  ]);
}

/** The matrix to show: the one picked before if it still exists, else "test" when there is one, else the first. */
export function pickMatrix<T extends { name: string }>(matrices: readonly T[], wanted: string | null): T | undefined {
  return matrices.find((m) => m.name === wanted) ?? matrices.find((m) => /^(test|validation|val|eval)$/i.test(m.name)) ?? matrices[0];
}
