// The store's schema (docs/store.md documents it). One list of migrations; the version lives in `meta`.
// The database is a derived index of the event log: a migration may also be "drop everything and rebuild".

export const SCHEMA_VERSION = 1;

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

CREATE TABLE metric_points (
  series_id INTEGER NOT NULL,
  step INTEGER NOT NULL,
  timestamp INTEGER NOT NULL,
  value REAL
);
CREATE INDEX metric_points_series ON metric_points(series_id, step);

CREATE VIEW metrics AS
  SELECT s.run_id AS run_id, s.key AS key, p.step AS step, p.timestamp AS timestamp, p.value AS value
  FROM metric_points p JOIN metric_series s ON s.id = p.series_id;

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
];
