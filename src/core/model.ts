// The tracked things, as plain data. Shared by the SDK, the event log, the store and the webviews.

export type RunStatus = 'running' | 'finished' | 'failed' | 'killed';
export const RUN_STATUSES: readonly RunStatus[] = ['running', 'finished', 'failed', 'killed'];
export type EndStatus = Exclude<RunStatus, 'running'>;

export type Direction = 'max' | 'min';

/** A parameter value as logged: JSON scalars only (nested settings are flattened with dotted names). */
export type ParamValue = string | number | boolean | null;

export interface GitInfo {
  commit: string;
  branch?: string;
  dirty: boolean;
}

export type ColumnType = 'integer' | 'float' | 'boolean' | 'datetime' | 'string' | 'empty';

export interface ColumnProfile {
  name: string;
  type: ColumnType;
  /** Empty cells, JSON null/undefined, and the usual NA spellings (documented in docs/profiling.md). */
  nulls: number;
  distinct: number;
  /** False when `distinct` is an estimate (past the exact bound). */
  distinctExact: boolean;
  /** Numbers for integer/float columns; ISO strings for datetime columns. */
  min?: number | string;
  max?: number | string;
  mean?: number;
  std?: number;
}

export interface DatasetProfile {
  /** The name the run knows the dataset by (default: the file name). */
  name: string;
  /** Workspace-relative or absolute path, or "memory" for in-memory rows. */
  source: string;
  format: 'csv' | 'tsv' | 'jsonl' | 'json' | 'parquet' | 'memory';
  rows: number;
  columns: ColumnProfile[];
  /** SHA-256 hex of the file's bytes, or of the canonical serialization for in-memory rows. */
  sha256: string;
  bytes?: number;
}

export interface CategoricalDistribution {
  kind: 'categorical';
  column: string;
  total: number;
  nulls: number;
  /** The most frequent values, most frequent first. */
  values: { value: string; count: number }[];
  /** Count of all values past the top ones. */
  other: number;
  /** Present when the column had too many distinct values to count exactly: each count may be up to this much too low. */
  countError?: number;
}

export interface NumericDistribution {
  kind: 'numeric';
  column: string;
  total: number;
  nulls: number;
  /** bins + 1 ascending edges; bin i is [edges[i], edges[i+1]), the last bin is closed. */
  edges: number[];
  counts: number[];
  quantiles: { p: number; value: number }[];
  /** 'epoch-ms' for datetime columns: edges and quantile values are milliseconds since 1970-01-01 UTC. */
  unit?: 'epoch-ms';
  /** Present when the column was too long to keep whole: every quantile's rank (and each bin's edge rank) may be off by this many values. */
  rankError?: number;
}

export type Distribution = CategoricalDistribution | NumericDistribution;

export interface ConfusionMatrix {
  /** Class labels, in the order of the rows (actual) and columns (predicted). */
  labels: string[];
  /** counts[actual][predicted] */
  counts: number[][];
}

export interface ClassReport {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface ClassificationReport {
  classes: ClassReport[];
  accuracy: number;
  macro: Omit<ClassReport, 'label'>;
  weighted: Omit<ClassReport, 'label'>;
}
