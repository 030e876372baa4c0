// The normalized, typed view of an MLflow tracking store (file store `mlruns/` or SQLite `mlflow.db`).
// Both readers produce exactly this shape, so the explorer and the panels never see MLflow's on-disk
// differences (status codes vs names, `runs.name` vs the `mlflow.runName` tag, is_nan columns, ...).
// Read-only: nothing here is ever written back to an MLflow store. See ./README.md for the details.
import type { RunStatus } from '../model';

export type MlflowStoreKind = 'file' | 'sqlite';
export type MlflowLifecycleStage = 'active' | 'deleted';

/** One thing that could not be read. The reader skips it and goes on with everything else. */
export interface MlflowProblem {
  /**
   * File store: the file or folder, relative to the store root, with `/` separators
   * (e.g. `1/34e6.../metrics/loss`). SQLite store: the database file's base name.
   */
  file: string;
  /** 1-based line number, for metric lines that do not parse. */
  line?: number;
  /** SQLite store: the table concerned, when there is one. */
  table?: string;
  message: string;
}

export interface MlflowMetricPoint {
  step: number;
  /** Epoch milliseconds. */
  timestamp: number;
  /** NaN and ±Infinity are kept as such (the SQLite store's ±DBL_MAX stand-ins are turned back into ±Infinity). */
  value: number;
}

export interface MlflowDataset {
  name: string;
  digest: string;
  /** e.g. `local`, `http`, `delta_table`, `code`. */
  sourceType?: string;
  /** JSON text describing where the data came from (MLflow's `source`). */
  source?: string;
  /** JSON text (MLflow's `schema`, usually `{"mlflow_colspec": [...]}`). */
  schema?: string;
  /** JSON text (MLflow's `profile`, e.g. `{"num_rows": 891, ...}`). */
  profile?: string;
  /** The `mlflow.data.context` input tag: `training`, `validation`, `eval`, ... */
  context?: string;
  /** All input tags of this dataset on this run (context included). */
  tags: Record<string, string>;
}

export interface MlflowGit {
  commit: string;
  branch?: string;
  repoUrl?: string;
}

export interface MlflowRun {
  runId: string;
  experimentId: string;
  /** The `mlflow.runName` tag, else `run_name` (file store) / `runs.name` (SQLite), else null. */
  name: string | null;
  /** RUNNING and SCHEDULED → running; FINISHED → finished; FAILED → failed; KILLED → killed. */
  status: RunStatus;
  /** MLflow's own status name (`SCHEDULED`, `FINISHED`, ...), or the raw value when it is not one MLflow knows. */
  mlflowStatus: string;
  /** Epoch ms; null when the store has none (MLflow allows it). */
  startTime: number | null;
  endTime: number | null;
  lifecycleStage: MlflowLifecycleStage;
  /** Raw values, exactly as stored (MLflow stores every param as a string). Null-prototype object. */
  params: Record<string, string>;
  /** Raw values, exactly as stored, `mlflow.*` system tags included. Null-prototype object. */
  tags: Record<string, string>;
  /** Full history per key, sorted by step then timestamp (file order kept for ties). Null-prototype object. */
  metrics: Record<string, MlflowMetricPoint[]>;
  /** From the `mlflow.source.git.*` tags. */
  git?: MlflowGit;
  /** `user_id`, else the `mlflow.user` tag. */
  user?: string;
  /** Kept verbatim (may be `file:///C:/...`, `s3://...`, `mlflow-artifacts:/...`). */
  artifactUri?: string;
  datasets: MlflowDataset[];
}

export interface MlflowExperiment {
  experimentId: string;
  name: string;
  lifecycleStage: MlflowLifecycleStage;
  artifactLocation?: string;
  /** Epoch ms (MLflow ≥ 2.2 records it). */
  creationTime?: number;
  lastUpdateTime?: number;
  /** Experiment tags (e.g. `mlflow.note.content`). Null-prototype object. */
  tags: Record<string, string>;
}

export interface MlflowStore {
  kind: MlflowStoreKind;
  /** The path that was read: the `mlruns` folder or the `.db` file. */
  path: string;
  /** Sorted by experiment id (numerically). */
  experiments: MlflowExperiment[];
  /** Active and deleted runs; sorted by experiment id, then start time (newest first), then run id. */
  runs: MlflowRun[];
  problems: MlflowProblem[];
  /** SQLite store: the `alembic_version` revision, when the table has one. */
  schemaRevision?: string;
}

/** MLflow's RunStatus enum: the integer codes of the file store's meta.yaml and the names of the SQL store. */
export const MLFLOW_STATUS_BY_CODE: Readonly<Record<number, string>> = {
  1: 'RUNNING',
  2: 'SCHEDULED',
  3: 'FINISHED',
  4: 'FAILED',
  5: 'KILLED',
};

const STATUS_BY_NAME: Readonly<Record<string, RunStatus>> = {
  RUNNING: 'running',
  SCHEDULED: 'running',
  FINISHED: 'finished',
  FAILED: 'failed',
  KILLED: 'killed',
};

/** Maps an MLflow status name to ours; undefined when MLflow does not know the name either. */
export function runStatusFromMlflow(name: string): RunStatus | undefined {
  return Object.hasOwn(STATUS_BY_NAME, name) ? STATUS_BY_NAME[name] : undefined;
}

/** A record that is safe for arbitrary keys (a metric named `__proto__` must not touch the prototype). */
export function emptyRecord<V>(): Record<string, V> {
  return Object.create(null) as Record<string, V>;
}
