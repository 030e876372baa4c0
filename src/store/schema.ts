// The store's schema (docs/store.md documents it). One list of migrations; the version lives in `meta`.
// The database is a derived index of the event log: a migration may also be "drop everything and rebuild".

export const SCHEMA_VERSION = 2;

export interface Migration {
  version: number;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    sql: `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE experiments (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  primary_metric TEXT,
  direction TEXT CHECK (direction IN ('max', 'min')),
  created_at INTEGER NOT NULL
);
CREATE INDEX experiments_name ON experiments(name);

CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  experiment_id TEXT NOT NULL,
  name TEXT,
  status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed', 'killed')),
  start_time INTEGER NOT NULL,
  end_time INTEGER,
  training_time_ms INTEGER,
  git_commit TEXT,
  git_branch TEXT,
  git_dirty INTEGER,
  algorithm TEXT,
  note TEXT,
  starred INTEGER NOT NULL DEFAULT 0,
  deleted INTEGER NOT NULL DEFAULT 0,
  source_file TEXT NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX runs_experiment ON runs(experiment_id, start_time);
CREATE INDEX runs_status ON runs(status);

CREATE TABLE params (
  run_id TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT,
  value_type TEXT NOT NULL CHECK (value_type IN ('string', 'number', 'boolean', 'null')),
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;

CREATE TABLE tags (
  run_id TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (run_id, key)
) WITHOUT ROWID;

-- One row per (run, metric name), with the aggregates the tree and tables need.
-- value columns: NULL means NaN (SQLite stores NaN as NULL); +/-Infinity are stored as such.
CREATE TABLE metric_series (
  id INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL,
  key TEXT NOT NULL,
  count INTEGER NOT NULL,
  last_value REAL,
  last_step INTEGER NOT NULL,
  last_timestamp INTEGER NOT NULL,
  min_value REAL,
  max_value REAL,
  UNIQUE (run_id, key)
);

-- Points are appended in id order with no secondary index (an index would cost 3x on ingest): each
-- ingest batch writes a series' points as one contiguous id range, recorded in metric_segments, so a
-- series' history is read with a few range scans of the table itself.
CREATE TABLE metric_points (
  id INTEGER PRIMARY KEY,
  series_id INTEGER NOT NULL,
  step INTEGER NOT NULL,
  timestamp INTEGER NOT NULL,
  value REAL
);

CREATE TABLE metric_segments (
  series_id INTEGER NOT NULL,
  first_id INTEGER NOT NULL,
  last_id INTEGER NOT NULL
);
CREATE INDEX metric_segments_series ON metric_segments(series_id, first_id);

CREATE VIEW metrics AS
  SELECT s.run_id AS run_id, s.key AS key, p.step AS step, p.timestamp AS timestamp, p.value AS value
  FROM metric_segments g JOIN metric_series s ON s.id = g.series_id
  JOIN metric_points p ON p.id BETWEEN g.first_id AND g.last_id;

CREATE TABLE datasets (
  run_id TEXT NOT NULL,
  name TEXT NOT NULL,
  source TEXT NOT NULL,
  format TEXT NOT NULL,
  rows INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  profile_json TEXT NOT NULL,
  logged_at INTEGER NOT NULL,
  PRIMARY KEY (run_id, name)
) WITHOUT ROWID;

CREATE TABLE distributions (
  run_id TEXT NOT NULL,
  dataset TEXT NOT NULL,
  column_name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('categorical', 'numeric')),
  distribution_json TEXT NOT NULL,
  PRIMARY KEY (run_id, dataset, column_name)
) WITHOUT ROWID;

CREATE TABLE confusion_matrices (
  run_id TEXT NOT NULL,
  name TEXT NOT NULL,
  labels_json TEXT NOT NULL,
  counts_json TEXT NOT NULL,
  PRIMARY KEY (run_id, name)
) WITHOUT ROWID;

-- How far each log file has been read: bytes and complete lines. Saved in the same file as the data,
-- so the two can never disagree after a crash.
CREATE TABLE ingest_offsets (
  path TEXT PRIMARY KEY,
  offset INTEGER NOT NULL,
  line INTEGER NOT NULL
) WITHOUT ROWID;
`,
  },
  {
    // Runs read from other trackers (MLflow stores in the workspace) live beside native runs, read-only.
    // origin is 'native' for runs from .mlops/runs/, else e.g. 'mlflow:notebooks/mlruns'.
    version: 2,
    sql: `
ALTER TABLE experiments ADD COLUMN origin TEXT NOT NULL DEFAULT 'native';
ALTER TABLE runs ADD COLUMN origin TEXT NOT NULL DEFAULT 'native';
CREATE INDEX runs_origin ON runs(origin);
`,
  },
];
