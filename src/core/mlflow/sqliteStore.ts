// Reads an MLflow SQLite tracking store (`sqlite:///mlflow.db`) with sql.js, read-only, into the normalized
// model. sql.js works on an in-memory copy of the file's bytes and we never export it, so the file on disk
// is never written. Columns differ between MLflow versions: we read `alembic_version` and each table's
// `PRAGMA table_info`, select only the columns that exist, and fill the rest with MLflow's defaults.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Database, SqlJsStatic, SqlValue } from 'sql.js';
import { derivedRunFields, makeDataset, parsePythonFloat, Problems, sortExperiments, sortHistory, sortRuns } from './common';
import type { MlflowDataset, MlflowExperiment, MlflowLifecycleStage, MlflowMetricPoint, MlflowRun, MlflowStore } from './model';
import { emptyRecord, runStatusFromMlflow } from './model';

/** The 16 bytes every SQLite 3 database file starts with. */
export const SQLITE_MAGIC = 'SQLite format 3\u0000';

/**
 * MLflow's tracking-schema revisions in upgrade order (mlflow/store/db_migrations/versions), as far as
 * the table layout this reader cares about goes. The position tells which tables a store should have.
 */
const REVISION_CHAIN = [
  '451aebb31d03', // metrics.step
  '90e64c465722',
  '181f10493468', // metrics.is_nan, nullable value
  'df50e92ffc5e', // experiment_tags
  '7ac759974ad8',
  '89d4b8295536', // latest_metrics
  '2b4d017a5e9b',
  'cfd24bdc0731',
  '0a8213491aaa',
  '728d730b5ebd',
  '27a6a02d2cf1',
  '84291f40a231',
  'a8c4a736bde6',
  '39d1c3be5f05',
  'c48cb773bb87',
  'bd07f7e963c5',
  '0c779009ac13', // runs.deleted_time
  'cc1f77228345',
  '97727af70f4d', // experiments.creation_time, last_update_time
  '3500859a5d39',
  '7f2a7d5fae7d', // datasets, inputs, input_tags
  '2d6e25af4d3e',
  'acf3f17fdcc7',
  '867495a8f9d4',
  '5b0e9adcef9c',
  '4465047574b1',
  'f5a4f2784254',
  '0584bdc529eb',
  '400f98739977',
  '6953534de441', // inputs.step
  'bda7b8c39065',
  'cbc13b556ace',
] as const;

/** Later MLflow 3 revisions: they add tables for traces, scorers, webhooks, ... and leave the run tables be. */
const LATER_REVISIONS = new Set([
  '770bee3ae1dd', '1a0cddfcaa16', '534353b11cbc', '71994744cf8e', '3da73c924c2f', '0e7f11fcd8ac',
  '0f1a2b3c4d5e', '10a0b9ab53e2', '17e22815139b', '1b49d398cd23', '1b5f0d9ad7c1', '2c33131f4dae',
  '4209a452f04b', '5d2d30f0abce', '6f8d9c3b2a1e', '73ab2d98a1ec', '75868b020152', '76601a5f987d',
  '89d3d66ed43f', '9eae7ec868c3', 'a1b2c3d4e5f6', 'a1b2c3d4e5f7', 'b7c8d9e0f1a2', 'bf29a5ff90ea',
  'c3a777925173',
]);

function revisionIndex(rev: string | undefined): number {
  if (rev === undefined) return -1;
  const i = (REVISION_CHAIN as readonly string[]).indexOf(rev);
  if (i >= 0) return i;
  return Number.POSITIVE_INFINITY; // later or unknown: expect every table
}

const at = (rev: string): number => (REVISION_CHAIN as readonly string[]).indexOf(rev);

/** Tables this reader uses, and the first revision that has each (-1: every MLflow version). */
const TABLE_SINCE: Readonly<Record<string, number>> = {
  experiments: -1,
  runs: -1,
  metrics: -1,
  params: -1,
  tags: -1,
  experiment_tags: at('df50e92ffc5e'),
  latest_metrics: at('89d4b8295536'),
  datasets: at('7f2a7d5fae7d'),
  inputs: at('7f2a7d5fae7d'),
  input_tags: at('7f2a7d5fae7d'),
};

/** ±DBL_MAX: the SQL store's stand-ins for ±Infinity (SQL cannot hold infinities). */
const DBL_MAX = 1.7976931348623157e308;

// ---- typed cells -------------------------------------------------------------------------------

const utf8 = new TextDecoder('utf-8');

function cellText(v: SqlValue): string | undefined {
  if (v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return utf8.decode(v);
}

function cellNumber(v: SqlValue): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return parsePythonFloat(v.trim());
  return undefined;
}

function cellInt(v: SqlValue): number | undefined {
  const n = cellNumber(v);
  return n !== undefined && Number.isInteger(n) ? n : undefined;
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

// ---- schema-adaptive reading -------------------------------------------------------------------

interface TableSpec<C extends string> {
  table: string;
  required: readonly C[];
  optional: readonly C[];
}

/** One row, by column name; optional columns the table lacks read as null. */
type Row<C extends string> = Record<C, SqlValue>;

class Reader {
  readonly tables: Set<string>;

  constructor(private readonly db: Database, private readonly problems: Problems, private readonly file: string) {
    this.tables = new Set();
    for (const [name] of this.all("SELECT name FROM sqlite_master WHERE type = 'table'")) {
      const t = cellText(name);
      if (t !== undefined) this.tables.add(t);
    }
  }

  *rows(sql: string): Generator<SqlValue[]> {
    const stmt = this.db.prepare(sql);
    try {
      while (stmt.step()) yield stmt.get();
    } finally {
      stmt.free();
    }
  }

  all(sql: string): SqlValue[][] {
    return [...this.rows(sql)];
  }

  /** Rowid tables can be read in insertion order for free; WITHOUT ROWID tables cannot. */
  hasRowid(table: string): boolean {
    try {
      this.db.prepare(`SELECT rowid FROM ${quoteIdent(table)} LIMIT 0`).free();
      return true;
    } catch {
      return false;
    }
  }

  columns(table: string): Set<string> {
    const cols = new Set<string>();
    // table_info rows: cid, name, type, notnull, dflt_value, pk
    for (const row of this.rows(`PRAGMA table_info(${quoteIdent(table)})`)) {
      const name = cellText(row[1]);
      if (name !== undefined) cols.add(name);
    }
    return cols;
  }

  /**
   * Iterates a table's rows with the spec's columns; undefined (after a problem) when the table or a
   * required column is missing. `expected` says whether a missing table is worth a problem.
   */
  /**
   * A table's rows as positional arrays with the spec's columns (`index` gives each column's position);
   * undefined (after a problem) when the table or a required column is missing. `expected` says whether
   * a missing table is worth a problem (it is not, for tables younger than the store's revision).
   */
  readRaw<C extends string>(spec: TableSpec<C>, expected: boolean, order = ''): { index: Record<C, number>; rows: Iterable<SqlValue[]> } | undefined {
    if (!this.tables.has(spec.table)) {
      if (expected) this.problems.add({ file: this.file, table: spec.table, message: `table "${spec.table}" is missing; its data is not read` });
      return undefined;
    }
    const have = this.columns(spec.table);
    const missing = spec.required.filter((c) => !have.has(c));
    if (missing.length > 0) {
      this.problems.add({
        file: this.file, table: spec.table,
        message: `table "${spec.table}" has no column ${missing.map((c) => `"${c}"`).join(', ')}; the table is not read`,
      });
      return undefined;
    }
    const names = [...spec.required, ...spec.optional];
    const index = {} as Record<C, number>;
    names.forEach((c, i) => { index[c] = i; });
    // Columns an older schema lacks read as NULL, which the callers turn into MLflow's defaults.
    const select = names.map((c) => (have.has(c) ? quoteIdent(c) : `NULL AS ${quoteIdent(c)}`)).join(', ');
    const sql = `SELECT ${select} FROM ${quoteIdent(spec.table)}${order ? ` ORDER BY ${order}` : ''}`;
    return { index, rows: { [Symbol.iterator]: () => this.rows(sql) } };
  }

  /** Like readRaw, one object per row: for the small tables, where clarity beats speed. */
  read<C extends string>(spec: TableSpec<C>, expected: boolean, order = ''): Iterable<Row<C>> | undefined {
    const raw = this.readRaw(spec, expected, order);
    if (!raw) return undefined;
    const names = Object.keys(raw.index) as C[];
    return {
      *[Symbol.iterator]() {
        for (const values of raw.rows) {
          const row = {} as Row<C>;
          for (let i = 0; i < names.length; i++) row[names[i]] = values[i];
          yield row;
        }
      },
    };
  }
}

const SPECS = {
  experiments: { table: 'experiments', required: ['experiment_id', 'name'], optional: ['artifact_location', 'lifecycle_stage', 'creation_time', 'last_update_time'] },
  experimentTags: { table: 'experiment_tags', required: ['key', 'value', 'experiment_id'], optional: [] },
  runs: { table: 'runs', required: ['run_uuid'], optional: ['name', 'status', 'start_time', 'end_time', 'lifecycle_stage', 'artifact_uri', 'experiment_id', 'user_id'] },
  params: { table: 'params', required: ['key', 'value', 'run_uuid'], optional: [] },
  tags: { table: 'tags', required: ['key', 'value', 'run_uuid'], optional: [] },
  metrics: { table: 'metrics', required: ['key', 'value', 'timestamp', 'run_uuid'], optional: ['step', 'is_nan'] },
  latestMetrics: { table: 'latest_metrics', required: ['key', 'value', 'run_uuid'], optional: ['timestamp', 'step', 'is_nan'] },
  datasets: { table: 'datasets', required: ['dataset_uuid', 'name', 'digest'], optional: ['dataset_source_type', 'dataset_source', 'dataset_schema', 'dataset_profile'] },
  inputs: { table: 'inputs', required: ['input_uuid', 'source_type', 'source_id', 'destination_type', 'destination_id'], optional: [] },
  inputTags: { table: 'input_tags', required: ['input_uuid', 'name', 'value'], optional: [] },
} as const satisfies Record<string, TableSpec<string>>;

function lifecycleOf(v: SqlValue): MlflowLifecycleStage | undefined {
  const t = cellText(v);
  if (t === undefined || t === 'active') return 'active'; // MLflow's default when absent
  return t === 'deleted' ? 'deleted' : undefined;
}

/** A metric value as stored: is_nan=1 → NaN, NULL → NaN (schemas that allowed it), ±DBL_MAX → ±Infinity. */
function metricValue(value: SqlValue, isNan: SqlValue): number | undefined {
  if (isNan !== null && cellNumber(isNan) === 1) return NaN;
  if (value === null) return NaN;
  const n = cellNumber(value);
  if (n === DBL_MAX) return Infinity;
  if (n === -DBL_MAX) return -Infinity;
  return n;
}

export interface ReadSqliteStoreOptions {
  signal?: AbortSignal;
}

/**
 * Reads an MLflow SQLite store. Throws only when the file cannot be read or is not a SQLite database;
 * missing tables or columns, unknown revisions and bad rows are recorded in `problems`.
 */
export async function readSqliteStore(dbPath: string, SQL: SqlJsStatic, opts: ReadSqliteStoreOptions = {}): Promise<MlflowStore> {
  const absPath = path.resolve(dbPath);
  const bytes = await readFile(absPath);
  if (bytes.length < 16 || bytes.subarray(0, 16).toString('latin1') !== SQLITE_MAGIC) {
    throw new Error(`${absPath} is not a SQLite database (no "SQLite format 3" header).`);
  }
  opts.signal?.throwIfAborted();
  const file = path.basename(absPath);
  const problems = new Problems();
  // sql.js copies the bytes into its own memory; without export() nothing goes back to disk.
  const db = new SQL.Database(bytes);
  try {
    return readDatabase(db, absPath, file, problems, opts.signal);
  } catch (err) {
    if (opts.signal?.aborted) throw err;
    throw new Error(`${absPath} could not be read as an MLflow store: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  } finally {
    db.close();
  }
}

function readDatabase(db: Database, absPath: string, file: string, problems: Problems, signal?: AbortSignal): MlflowStore {
  const reader = new Reader(db, problems, file);
  const note = (table: string, message: string): void => problems.add({ file, table, message }, `table:${table}`);

  // The schema revision decides which tables we should expect.
  let revision: string | undefined;
  if (reader.tables.has('alembic_version')) {
    const revs = reader.all('SELECT version_num FROM alembic_version').map((r) => cellText(r[0])).filter((r): r is string => r !== undefined);
    revision = revs[0];
    if (revision === undefined) {
      problems.add({ file, table: 'alembic_version', message: 'alembic_version is empty; reading with the columns found' });
    } else if (revs.length > 1) {
      problems.add({ file, table: 'alembic_version', message: `alembic_version has ${revs.length} revisions (${revs.join(', ')}); using ${revision}` });
    }
    if (revision !== undefined && !(REVISION_CHAIN as readonly string[]).includes(revision) && !LATER_REVISIONS.has(revision)) {
      problems.add({
        file, table: 'alembic_version',
        message: `unknown alembic revision "${revision}" (a newer or unreleased MLflow?); read with the tables and columns found`,
      });
    }
  } else {
    problems.add({ file, message: 'no alembic_version table (MLflow before 1.0?); read with the tables and columns found' });
  }
  const revIndex = revisionIndex(revision);
  const expected = (table: string): boolean => revIndex >= (TABLE_SINCE[table] ?? -1);

  // Experiments and their tags.
  const experiments = new Map<string, MlflowExperiment>();
  for (const row of reader.read(SPECS.experiments, true) ?? []) {
    const id = cellText(row.experiment_id);
    const name = cellText(row.name);
    if (id === undefined || name === undefined) {
      note('experiments', 'an experiment row without experiment_id or name was skipped');
      continue;
    }
    let lifecycleStage = lifecycleOf(row.lifecycle_stage);
    if (!lifecycleStage) {
      note('experiments', `experiment ${id}: unknown lifecycle_stage "${cellText(row.lifecycle_stage)}"; read as active`);
      lifecycleStage = 'active';
    }
    const exp: MlflowExperiment = { experimentId: id, name, lifecycleStage, tags: emptyRecord() };
    const loc = cellText(row.artifact_location);
    if (loc !== undefined) exp.artifactLocation = loc;
    const created = cellInt(row.creation_time);
    if (created !== undefined) exp.creationTime = created;
    const updated = cellInt(row.last_update_time);
    if (updated !== undefined) exp.lastUpdateTime = updated;
    experiments.set(id, exp);
  }
  for (const row of reader.read(SPECS.experimentTags, expected('experiment_tags')) ?? []) {
    const exp = experiments.get(cellText(row.experiment_id) ?? '');
    const key = cellText(row.key);
    if (exp && key !== undefined) exp.tags[key] = cellText(row.value) ?? '';
  }
  signal?.throwIfAborted();

  // Runs: the row first, the tag-derived fields once tags are in.
  interface Pending { run: MlflowRun; storedName?: string; storedUser?: string }
  const runs = new Map<string, Pending>();
  for (const row of reader.read(SPECS.runs, true) ?? []) {
    const runId = cellText(row.run_uuid);
    if (runId === undefined) {
      note('runs', 'a run row without run_uuid was skipped');
      continue;
    }
    const experimentId = cellText(row.experiment_id) ?? '';
    if (experimentId === '' || !experiments.has(experimentId)) {
      note('runs', `run ${runId}: experiment "${experimentId}" is not in the experiments table`);
    }
    // MLflow's SQL store writes the status name; RUNNING when absent.
    const mlflowStatus = cellText(row.status) ?? 'RUNNING';
    let status = runStatusFromMlflow(mlflowStatus);
    if (!status) {
      note('runs', `run ${runId}: unknown status "${mlflowStatus}"; shown as failed`);
      status = 'failed';
    }
    let lifecycleStage = lifecycleOf(row.lifecycle_stage);
    if (!lifecycleStage) {
      note('runs', `run ${runId}: unknown lifecycle_stage "${cellText(row.lifecycle_stage)}"; read as active`);
      lifecycleStage = 'active';
    }
    const run: MlflowRun = {
      runId, experimentId, name: null, status, mlflowStatus,
      startTime: cellInt(row.start_time) ?? null,
      endTime: cellInt(row.end_time) ?? null,
      lifecycleStage,
      params: emptyRecord(), tags: emptyRecord(), metrics: emptyRecord(), datasets: [],
    };
    const artifactUri = cellText(row.artifact_uri);
    if (artifactUri !== undefined) run.artifactUri = artifactUri;
    runs.set(runId, { run, storedName: cellText(row.name), storedUser: cellText(row.user_id) });
  }

  const orphan = new Map<string, number>();
  const findRun = (table: string, v: SqlValue): MlflowRun | undefined => {
    const p = runs.get(cellText(v) ?? '');
    if (!p) orphan.set(table, (orphan.get(table) ?? 0) + 1);
    return p?.run;
  };

  for (const [spec, target] of [[SPECS.params, 'params'], [SPECS.tags, 'tags']] as const) {
    for (const row of reader.read(spec, true) ?? []) {
      const run = findRun(spec.table, row.run_uuid);
      const key = cellText(row.key);
      if (run && key !== undefined) run[target][key] = cellText(row.value) ?? '';
    }
  }
  signal?.throwIfAborted();

  // Full metric histories; latest_metrics only stands in when the metrics table cannot be read.
  // Insertion order (rowid), so points with equal step and timestamp keep the order they were logged in;
  // a plain SELECT may walk the covering primary-key index instead.
  const rowidOrder = (table: string): string => (reader.tables.has(table) && reader.hasRowid(table) ? 'rowid' : '');
  let metricRows = reader.readRaw(SPECS.metrics, true, rowidOrder('metrics'));
  let fromLatest = false;
  if (!metricRows && reader.tables.has('latest_metrics')) {
    metricRows = reader.readRaw(SPECS.latestMetrics, false, rowidOrder('latest_metrics'));
    if (metricRows) {
      fromLatest = true;
      problems.add({ file, table: 'latest_metrics', message: 'only the latest value of each metric is shown (from latest_metrics)' });
    }
  }
  if (!fromLatest && expected('latest_metrics') && !reader.tables.has('latest_metrics')) {
    problems.add({ file, table: 'latest_metrics', message: 'table "latest_metrics" is missing (not needed: histories come from metrics)' });
  }
  if (metricRows) {
    const metricTable = fromLatest ? 'latest_metrics' : 'metrics';
    const { index: ix, rows } = metricRows;
    // The hot loop of a big store: positional cells, and the run and key of the previous row reused
    // (rows come in logging order, so neighbours usually share both).
    let prevRunCell: SqlValue = null;
    let prevRun: MlflowRun | undefined;
    let prevKeyCell: SqlValue = null;
    let prevPoints: MlflowMetricPoint[] | undefined;
    let seen = 0;
    for (const v of rows) {
      if ((++seen & 0xffff) === 0) signal?.throwIfAborted();
      const runCell = v[ix.run_uuid];
      if (runCell !== prevRunCell || prevRun === undefined) {
        prevRunCell = runCell;
        prevRun = findRun(metricTable, runCell);
        prevKeyCell = null;
        prevPoints = undefined;
        if (!prevRun) continue;
      }
      const run = prevRun;
      const value = metricValue(v[ix.value], v[ix.is_nan]);
      const timestamp = v[ix.timestamp] === null ? 0 : cellInt(v[ix.timestamp]);
      const step = v[ix.step] === null ? 0 : cellInt(v[ix.step]); // no step column before 451aebb31d03: step 0
      const keyCell = v[ix.key];
      if (keyCell !== prevKeyCell || prevPoints === undefined) {
        const key = cellText(keyCell);
        prevKeyCell = keyCell;
        prevPoints = key === undefined ? undefined : (run.metrics[key] ??= []);
      }
      if (prevPoints === undefined || value === undefined || timestamp === undefined || step === undefined) {
        note(metricTable, `run ${run.runId}: a metric row (key ${JSON.stringify(cellText(keyCell) ?? null)}, value ${JSON.stringify(cellText(v[ix.value]) ?? null)}) does not parse; skipped`);
        continue;
      }
      prevPoints.push({ step, timestamp, value });
    }
  }

  // Dataset inputs (MLflow ≥ 2.4).
  const datasetRows = reader.read(SPECS.datasets, expected('datasets'));
  const inputRows = reader.read(SPECS.inputs, expected('inputs'));
  if (datasetRows && inputRows) {
    const datasets = new Map<string, Omit<MlflowDataset, 'tags' | 'context'>>();
    for (const row of datasetRows) {
      const uuid = cellText(row.dataset_uuid);
      const name = cellText(row.name);
      const digest = cellText(row.digest);
      if (uuid === undefined || name === undefined || digest === undefined) {
        note('datasets', 'a dataset row without uuid, name or digest was skipped');
        continue;
      }
      const ds: Omit<MlflowDataset, 'tags' | 'context'> = { name, digest };
      const sourceType = cellText(row.dataset_source_type);
      const source = cellText(row.dataset_source);
      const schema = cellText(row.dataset_schema);
      const profile = cellText(row.dataset_profile);
      if (sourceType !== undefined) ds.sourceType = sourceType;
      if (source !== undefined) ds.source = source;
      if (schema !== undefined) ds.schema = schema;
      if (profile !== undefined) ds.profile = profile;
      datasets.set(uuid, ds);
    }
    const inputTags = new Map<string, Record<string, string>>();
    for (const row of reader.read(SPECS.inputTags, expected('input_tags')) ?? []) {
      const id = cellText(row.input_uuid);
      const name = cellText(row.name);
      if (id === undefined || name === undefined) continue;
      const tags = inputTags.get(id) ?? emptyRecord<string>();
      tags[name] = cellText(row.value) ?? '';
      inputTags.set(id, tags);
    }
    for (const row of inputRows) {
      // Only dataset → run edges exist in MLflow 2; MLflow 3 adds model inputs, which are not datasets.
      if (cellText(row.source_type) !== 'DATASET' || cellText(row.destination_type) !== 'RUN') continue;
      const run = findRun('inputs', row.destination_id);
      if (!run) continue;
      const ds = datasets.get(cellText(row.source_id) ?? '');
      if (!ds) {
        note('inputs', `run ${run.runId}: input dataset "${cellText(row.source_id)}" is not in the datasets table`);
        continue;
      }
      run.datasets.push(makeDataset(ds, inputTags.get(cellText(row.input_uuid) ?? '') ?? emptyRecord()));
    }
  }

  for (const [table, n] of orphan) {
    problems.add({ file, table, message: `${n} row${n === 1 ? '' : 's'} of "${table}" belong to no run in the runs table; skipped` });
  }

  const runList: MlflowRun[] = [];
  for (const { run, storedName, storedUser } of runs.values()) {
    Object.assign(run, derivedRunFields(run.tags, storedName, storedUser));
    for (const key in run.metrics) sortHistory(run.metrics[key]);
    runList.push(run);
  }
  const experimentList = [...experiments.values()];
  sortExperiments(experimentList);
  sortRuns(runList);
  const list = problems.finish((group, skipped) => {
    const table = group.slice('table:'.length);
    return { file, table, message: `${skipped} more problem${skipped === 1 ? '' : 's'} in table "${table}" not listed` };
  });
  const store: MlflowStore = { kind: 'sqlite', path: absPath, experiments: experimentList, runs: runList, problems: list };
  if (revision !== undefined) store.schemaRevision = revision;
  return store;
}
