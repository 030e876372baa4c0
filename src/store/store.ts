// The sql.js tracking store: applies events, answers the views' queries. SQL stays inside this folder.
import type { Database, SqlJsStatic, SqlValue, Statement } from 'sql.js';
import type { ConfusionMatrix, DatasetProfile, Direction, Distribution, ParamValue, RunStatus } from '../core/model';
import { decodeNumber, type TrackingEvent } from '../ingest/events';
import type { MetricColumns } from '../ingest/parse';
import { MIGRATIONS, SCHEMA_VERSION } from './schema';
import { queryRows } from './sql';

export class StoreOpenError extends Error {
  constructor(message: string, readonly reason: 'corrupt' | 'newer') {
    super(message);
  }
}

/** Where an event came from, for error messages. */
export interface EventOrigin {
  file: string;
  line: number;
}

export interface IngestProblem extends EventOrigin {
  message: string;
}

export type { MetricPoint } from '../ingest/parse';

export interface ExperimentSummary {
  id: string;
  name: string;
  primaryMetric: string | null;
  direction: Direction | null;
  createdAt: number;
  runCount: number;
  runningCount: number;
  /** 'native', or the foreign store it was read from ('mlflow:<store>'). */
  origin: string;
}

export interface RunSummary {
  id: string;
  experimentId: string;
  name: string | null;
  status: RunStatus;
  startTime: number;
  endTime: number | null;
  starred: boolean;
  deleted: boolean;
  /** 'native' for runs from the event log; 'mlflow:<store>' for read-only runs of an MLflow store. */
  origin: string;
}

/** A run read from another tracker's store, already normalized. */
export interface ForeignRun {
  runId: string;
  experimentId: string;
  name: string | null;
  status: RunStatus;
  startTime: number;
  endTime: number | null;
  deleted: boolean;
  params: Record<string, string>;
  tags: Record<string, string>;
  metrics: Record<string, { step: number; timestamp: number; value: number }[]>;
  git?: { commit: string; branch?: string };
}

export interface MetricSummary {
  key: string;
  count: number;
  last: number;
  lastStep: number;
  min: number;
  max: number;
}

export interface RunDetail extends RunSummary {
  experimentName: string;
  trainingTimeMs: number | null;
  git: { commit: string; branch: string | null; dirty: boolean } | null;
  algorithm: string | null;
  note: string | null;
  params: Record<string, ParamValue>;
  tags: Record<string, string>;
  metrics: MetricSummary[];
  datasets: DatasetProfile[];
  distributions: { dataset: string; distribution: Distribution }[];
  confusionMatrices: { name: string; matrix: ConfusionMatrix }[];
}

interface SeriesState {
  id: number;
  count: number;
  last: number;
  lastStep: number;
  lastTs: number;
  min: number;
  max: number;
  dirty: boolean;
}

const BATCH_ROWS = 200;
/** Points buffered before they are written (grouped by series); bounded so memory stays flat on huge logs. */
const MAX_BUFFERED_POINTS = 200_000;
const nanToNull = (x: number): number | null => (Number.isNaN(x) ? null : x);
const nullToNan = (x: SqlValue): number => (x === null ? NaN : Number(x));

export class TrackingStore {
  /** runId → metric key → series; two levels so the hot path builds no key strings. */
  private readonly series = new Map<string, Map<string, SeriesState>>();
  private readonly knownRuns = new Set<string>();
  private nextSeriesId = 1;
  private nextPointId = 1;
  /** Buffered points, 4 numbers each: series id, step, timestamp, value. */
  private pointBuffer: number[] = [];
  private readonly dirtySeries: SeriesState[] = [];
  private lastRun = '';
  private lastRunSeries?: Map<string, SeriesState>;
  private readonly insertPointsBatch: Statement;
  private readonly insertPoint: Statement;

  private constructor(readonly db: Database) {
    this.insertPointsBatch = db.prepare('INSERT INTO metric_points (id, series_id, step, timestamp, value) VALUES ' + Array(BATCH_ROWS).fill('(?,?,?,?,?)').join(','));
    this.insertPoint = db.prepare('INSERT INTO metric_points (id, series_id, step, timestamp, value) VALUES (?,?,?,?,?)');
    this.nextPointId = Number(db.exec('SELECT COALESCE(MAX(id), 0) + 1 FROM metric_points')[0]?.values[0]?.[0] ?? 1);
    // Runs and series are loaded lazily, when an event first touches them: opening a store of 10,000 runs stays fast.
    this.nextSeriesId = Number(this.rows('SELECT COALESCE(MAX(id), 0) + 1 FROM metric_series')[0][0]);
  }

  /** Opens a saved database (bytes) or creates an empty one. Throws StoreOpenError for corrupt or newer files. */
  static open(SQL: SqlJsStatic, bytes?: Uint8Array): TrackingStore {
    let db: Database;
    try {
      db = bytes && bytes.length > 0 ? new SQL.Database(bytes) : new SQL.Database();
      // The file sql.js writes lives in memory; the durable copy is our atomic export. A rollback journal
      // in that in-memory file only costs time (a third of ingest), so it stays in SQLite's own memory.
      db.exec('PRAGMA journal_mode = MEMORY');
      db.exec('PRAGMA foreign_keys = OFF');
      const hasMeta = db.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").length > 0;
      if (bytes && bytes.length > 0 && !hasMeta) throw new StoreOpenError('the file is a SQLite database but not a tracking store', 'corrupt');
      const version = hasMeta ? Number(db.exec("SELECT value FROM meta WHERE key = 'schema_version'")[0]?.values[0]?.[0] ?? 0) : 0;
      if (version > SCHEMA_VERSION) {
        db.close();
        throw new StoreOpenError(`the store has schema version ${version}, newer than this extension's ${SCHEMA_VERSION}`, 'newer');
      }
      for (const m of MIGRATIONS) {
        if (m.version <= version) continue;
        db.exec('BEGIN');
        db.exec(m.sql);
        db.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema_version', ?)", [String(m.version)]);
        db.exec('COMMIT');
      }
      // No PRAGMA quick_check here: it reads the whole file (2 s for a store of 1,000,000 points). A file
      // that is not a database fails above; the logs can always rebuild the store (MLOps: Rebuild Store).
    } catch (e) {
      if (e instanceof StoreOpenError) throw e;
      throw new StoreOpenError(`the file is not a readable SQLite database (${(e as Error).message})`, 'corrupt');
    }
    return new TrackingStore(db);
  }

  close(): void {
    this.insertPointsBatch.free();
    this.insertPoint.free();
    this.db.close();
  }

  export(): Uint8Array {
    return this.db.export();
  }

  // ---------------------------------------------------------------- writing

  /**
   * Applies one chunk of a log file: its events in file order, then its fast-path metric points (a run's
   * run_created always precedes its points in its file), and the file's new offset, in one transaction.
   */
  applyChunk(file: string, events: readonly { event: TrackingEvent; line: number }[], metrics: MetricColumns, offset: { path: string; offset: number; line: number }): IngestProblem[] {
    const problems: IngestProblem[] = [];
    this.db.exec('BEGIN');
    try {
      for (const { event, line } of events) {
        try {
          this.applyEvent(event, { file, line });
        } catch (e) {
          problems.push({ file, line, message: (e as Error).message });
        }
      }
      const { runIds, keys, values, steps, timestamps } = metrics;
      for (let i = 0; i < runIds.length; i++) {
        try {
          this.addPoint(runIds[i], keys[i], values[i], steps[i], timestamps[i]);
        } catch (e) {
          problems.push({ file, line: metrics.lines[i], message: (e as Error).message });
        }
      }
      this.flushPoints();
      this.flushSeries();
      this.db.run('INSERT OR REPLACE INTO ingest_offsets (path, offset, line) VALUES (?, ?, ?)', [offset.path, offset.offset, offset.line]);
      this.db.exec('COMMIT');
    } catch (e) {
      this.db.exec('ROLLBACK');
      throw e;
    }
    return problems;
  }

  private runExists(runId: string): boolean {
    if (this.knownRuns.has(runId)) return true;
    if (this.rows('SELECT 1 FROM runs WHERE id = ?', [runId]).length === 0) return false;
    this.knownRuns.add(runId);
    return true;
  }

  private requireRun(runId: string): void {
    if (!this.runExists(runId)) throw new Error(`unknown run id "${runId}" (no run_created event was read for it)`);
  }

  private touch(runId: string, ts: number): void {
    this.db.run('UPDATE runs SET updated_at = ? WHERE id = ?', [ts, runId]);
  }

  private applyEvent(e: TrackingEvent, origin: EventOrigin): void {
    switch (e.type) {
      case 'experiment_created':
        // Replaces the placeholder a run file read first may have made (its name is the id).
        this.db.run(`INSERT INTO experiments (id, name, created_at) VALUES (?, ?, ?)
                     ON CONFLICT(id) DO UPDATE SET name = excluded.name, created_at = excluded.created_at WHERE experiments.name = experiments.id`,
        [e.experimentId, e.name, e.ts]);
        return;
      case 'experiment_updated':
        this.ensureExperiment(e.experimentId, e.ts);
        if (e.name !== undefined) this.db.run('UPDATE experiments SET name = ? WHERE id = ?', [e.name, e.experimentId]);
        if (e.primaryMetric !== undefined) {
          this.db.run('UPDATE experiments SET primary_metric = ?, direction = ? WHERE id = ?', [e.primaryMetric, e.direction ?? null, e.experimentId]);
        }
        return;
      case 'run_created':
        // Importing an MLflow run keeps its id: the native run replaces the read-only copy.
        if (this.rows("SELECT 1 FROM runs WHERE id = ? AND origin != 'native'", [e.runId]).length > 0) this.dropRuns([e.runId]);
        this.ensureExperiment(e.experimentId, e.ts);
        this.db.run(
          `INSERT INTO runs (id, experiment_id, name, status, start_time, git_commit, git_branch, git_dirty, source_file, updated_at)
           VALUES (?, ?, ?, 'running', ?, ?, ?, ?, ?, ?)
           ON CONFLICT(id) DO NOTHING`,
          [e.runId, e.experimentId, e.name ?? null, e.startTime, e.git?.commit ?? null, e.git?.branch ?? null, e.git ? (e.git.dirty ? 1 : 0) : null, origin.file, e.ts],
        );
        this.knownRuns.add(e.runId);
        return;
      case 'params':
        this.requireRun(e.runId);
        for (const [k, v] of Object.entries(e.params)) {
          const type = v === null ? 'null' : typeof v;
          this.db.run('INSERT OR REPLACE INTO params (run_id, key, value, value_type) VALUES (?, ?, ?, ?)', [e.runId, k, v === null ? null : String(v), type]);
        }
        if (e.algorithm !== undefined) this.db.run('UPDATE runs SET algorithm = ? WHERE id = ?', [e.algorithm, e.runId]);
        this.touch(e.runId, e.ts);
        return;
      case 'metric':
        this.addPoint(e.runId, e.key, decodeNumber(e.value), e.step, e.timestamp);
        return;
      case 'dataset': {
        this.requireRun(e.runId);
        const p = e.profile;
        this.db.run('INSERT OR REPLACE INTO datasets (run_id, name, source, format, rows, sha256, profile_json, logged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          [e.runId, p.name, p.source, p.format, p.rows, p.sha256, JSON.stringify(p), e.ts]);
        this.touch(e.runId, e.ts);
        return;
      }
      case 'distribution':
        this.requireRun(e.runId);
        this.db.run('INSERT OR REPLACE INTO distributions (run_id, dataset, column_name, kind, distribution_json) VALUES (?, ?, ?, ?, ?)',
          [e.runId, e.dataset, e.distribution.column, e.distribution.kind, JSON.stringify(e.distribution)]);
        this.touch(e.runId, e.ts);
        return;
      case 'confusion_matrix':
        this.requireRun(e.runId);
        this.db.run('INSERT OR REPLACE INTO confusion_matrices (run_id, name, labels_json, counts_json) VALUES (?, ?, ?, ?)',
          [e.runId, e.name, JSON.stringify(e.matrix.labels), JSON.stringify(e.matrix.counts)]);
        this.touch(e.runId, e.ts);
        return;
      case 'tag':
        this.requireRun(e.runId);
        if (e.value === null) this.db.run('DELETE FROM tags WHERE run_id = ? AND key = ?', [e.runId, e.key]);
        else this.db.run('INSERT OR REPLACE INTO tags (run_id, key, value) VALUES (?, ?, ?)', [e.runId, e.key, e.value]);
        this.touch(e.runId, e.ts);
        return;
      case 'note':
        this.requireRun(e.runId);
        this.db.run('UPDATE runs SET note = ?, updated_at = ? WHERE id = ?', [e.text, e.ts, e.runId]);
        return;
      case 'rename':
        this.requireRun(e.runId);
        this.db.run('UPDATE runs SET name = ?, updated_at = ? WHERE id = ?', [e.name, e.ts, e.runId]);
        return;
      case 'star':
        this.requireRun(e.runId);
        this.db.run('UPDATE runs SET starred = ?, updated_at = ? WHERE id = ?', [e.starred ? 1 : 0, e.ts, e.runId]);
        return;
      case 'delete':
      case 'restore':
        this.requireRun(e.runId);
        this.db.run('UPDATE runs SET deleted = ?, updated_at = ? WHERE id = ?', [e.type === 'delete' ? 1 : 0, e.ts, e.runId]);
        return;
      case 'training_time':
        this.requireRun(e.runId);
        this.db.run('UPDATE runs SET training_time_ms = ?, updated_at = ? WHERE id = ?', [e.ms, e.ts, e.runId]);
        return;
      case 'run_ended':
        this.requireRun(e.runId);
        this.db.run('UPDATE runs SET status = ?, end_time = ?, training_time_ms = COALESCE(?, training_time_ms, ? - start_time), updated_at = ? WHERE id = ?',
          [e.status, e.endTime, e.trainingTimeMs ?? null, e.endTime, e.ts, e.runId]);
        return;
      default: {
        const unhandled: never = e;
        throw new Error(`unhandled event ${JSON.stringify(unhandled)}`);
      }
    }
  }

  /** A run's file may be read before its experiment's file; the name is filled in when experiment_created arrives. */
  private ensureExperiment(id: string, ts: number): void {
    this.db.run('INSERT OR IGNORE INTO experiments (id, name, created_at) VALUES (?, ?, ?)', [id, id, ts]);
  }

  private seriesOf(runId: string): Map<string, SeriesState> {
    let m = this.series.get(runId);
    if (!m) {
      m = new Map();
      for (const r of this.rows('SELECT id, key, count, last_value, last_step, last_timestamp, min_value, max_value FROM metric_series WHERE run_id = ?', [runId])) {
        m.set(String(r[1]), {
          id: Number(r[0]), count: Number(r[2]), last: nullToNan(r[3]), lastStep: Number(r[4]), lastTs: Number(r[5]),
          min: nullToNan(r[6]), max: nullToNan(r[7]), dirty: false,
        });
      }
      this.series.set(runId, m);
    }
    return m;
  }

  private addPoint(runId: string, key: string, value: number, step: number, timestamp: number): void {
    // Consecutive points mostly belong to one run: remember its series map.
    let runSeries = this.lastRunSeries;
    if (runId !== this.lastRun || !runSeries) {
      this.requireRun(runId);
      runSeries = this.seriesOf(runId);
      this.lastRun = runId;
      this.lastRunSeries = runSeries;
    }
    let s = runSeries.get(key);
    if (!s) {
      s = { id: this.nextSeriesId++, count: 0, last: NaN, lastStep: -Infinity, lastTs: -Infinity, min: NaN, max: NaN, dirty: false };
      runSeries.set(key, s);
      this.db.run('INSERT INTO metric_series (id, run_id, key, count, last_step, last_timestamp) VALUES (?, ?, ?, 0, 0, 0)', [s.id, runId, key]);
    }
    s.count++;
    // "last" is the point with the highest step (latest timestamp among equal steps), like MLflow's latest_metrics.
    if (step > s.lastStep || (step === s.lastStep && timestamp >= s.lastTs)) {
      s.last = value; s.lastStep = step; s.lastTs = timestamp;
    }
    if (!Number.isNaN(value)) {
      if (Number.isNaN(s.min) || value < s.min) s.min = value;
      if (Number.isNaN(s.max) || value > s.max) s.max = value;
    }
    if (!s.dirty) {
      s.dirty = true;
      this.dirtySeries.push(s);
    }
    const b = this.pointBuffer;
    b.push(s.id, step, timestamp, value);
    if (b.length >= MAX_BUFFERED_POINTS * 4) this.flushPoints();
  }

  /** Writes the buffered points grouped by series (file order kept within a series), one segment per series. */
  private flushPoints(): void {
    const b = this.pointBuffer;
    if (b.length === 0) return;
    this.pointBuffer = [];
    const groups = new Map<number, number[]>();
    for (let i = 0; i < b.length; i += 4) {
      let g = groups.get(b[i]);
      if (!g) groups.set(b[i], (g = []));
      g.push(i);
    }
    const row: (number | null)[] = new Array(BATCH_ROWS * 5);
    let filled = 0;
    for (const [seriesId, offsets] of groups) {
      const first = this.nextPointId;
      for (const i of offsets) {
        const o = filled * 5;
        row[o] = this.nextPointId++; row[o + 1] = seriesId; row[o + 2] = b[i + 1]; row[o + 3] = b[i + 2]; row[o + 4] = nanToNull(b[i + 3]);
        if (++filled === BATCH_ROWS) {
          this.insertPointsBatch.run(row);
          filled = 0;
        }
      }
      this.db.run('INSERT INTO metric_segments (series_id, first_id, last_id) VALUES (?, ?, ?)', [seriesId, first, this.nextPointId - 1]);
    }
    for (let k = 0; k < filled; k++) this.insertPoint.run(row.slice(k * 5, k * 5 + 5));
  }

  private flushSeries(): void {
    for (const s of this.dirtySeries.splice(0)) {
      this.db.run('UPDATE metric_series SET count = ?, last_value = ?, last_step = ?, last_timestamp = ?, min_value = ?, max_value = ? WHERE id = ?',
        [s.count, nanToNull(s.last), s.lastStep, s.lastTs, nanToNull(s.min), nanToNull(s.max), s.id]);
      s.dirty = false;
    }
  }

  /** Deletes runs and everything logged to them (used when a foreign store is re-read). */
  private dropRuns(ids: readonly string[]): void {
    for (const id of ids) {
      this.series.delete(id);
      if (this.lastRun === id) this.lastRunSeries = undefined;
      for (const [first, last] of this.rows('SELECT g.first_id, g.last_id FROM metric_segments g JOIN metric_series s ON s.id = g.series_id WHERE s.run_id = ?', [id])) {
        this.db.run('DELETE FROM metric_points WHERE id BETWEEN ? AND ?', [first, last]);
      }
      this.db.run('DELETE FROM metric_segments WHERE series_id IN (SELECT id FROM metric_series WHERE run_id = ?)', [id]);
      for (const t of ['metric_series', 'params', 'tags', 'datasets', 'distributions', 'confusion_matrices']) this.db.run(`DELETE FROM ${t} WHERE run_id = ?`, [id]);
      this.db.run('DELETE FROM runs WHERE id = ?', [id]);
      this.knownRuns.delete(id);
    }
  }

  /**
   * Replaces every run and experiment of one foreign origin (an MLflow store) with what was read now.
   * Runs whose id is already native (imported) are left to the native copy.
   */
  replaceForeign(origin: string, sourceFile: string, experiments: readonly { id: string; name: string; createdAt?: number }[], runs: readonly ForeignRun[]): void {
    if (origin === 'native') throw new Error('foreign origins cannot be "native"');
    this.db.exec('BEGIN');
    try {
      this.dropRuns(this.rows('SELECT id FROM runs WHERE origin = ?', [origin]).map((r) => String(r[0])));
      this.db.run('DELETE FROM experiments WHERE origin = ?', [origin]);
      for (const e of experiments) {
        this.db.run('INSERT OR REPLACE INTO experiments (id, name, created_at, origin) VALUES (?, ?, ?, ?)', [e.id, e.name, e.createdAt ?? 0, origin]);
      }
      const now = Date.now();
      for (const r of runs) {
        if (this.runExists(r.runId)) continue; // imported: the native run wins
        this.db.run(`INSERT INTO runs (id, experiment_id, name, status, start_time, end_time, git_commit, git_branch, deleted, source_file, updated_at, origin)
                     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [r.runId, r.experimentId, r.name, r.status, r.startTime, r.endTime, r.git?.commit ?? null, r.git?.branch ?? null, r.deleted ? 1 : 0, sourceFile, now, origin]);
        this.knownRuns.add(r.runId);
        for (const [k, v] of Object.entries(r.params)) {
          const n = Number(v);
          const numeric = v.trim() !== '' && Number.isFinite(n);
          this.db.run('INSERT OR REPLACE INTO params (run_id, key, value, value_type) VALUES (?, ?, ?, ?)', [r.runId, k, numeric ? String(n) : v, numeric ? 'number' : 'string']);
        }
        for (const [k, v] of Object.entries(r.tags)) this.db.run('INSERT OR REPLACE INTO tags (run_id, key, value) VALUES (?, ?, ?)', [r.runId, k, v]);
        for (const [key, points] of Object.entries(r.metrics)) for (const p of points) this.addPoint(r.runId, key, p.value, p.step, p.timestamp);
      }
      this.flushPoints();
      this.flushSeries();
      this.db.exec('COMMIT');
    } catch (e) {
      this.db.exec('ROLLBACK');
      throw e;
    }
  }

  /** The foreign origins in the store, e.g. to drop one whose files are gone. */
  foreignOrigins(): string[] {
    return this.rows("SELECT DISTINCT origin FROM experiments WHERE origin != 'native' UNION SELECT DISTINCT origin FROM runs WHERE origin != 'native'").map((r) => String(r[0]));
  }

  // ---------------------------------------------------------------- reading

  private rows(sql: string, params: SqlValue[] = []): SqlValue[][] {
    return queryRows(this.db, sql, params);
  }

  getOffsets(): Map<string, { offset: number; line: number }> {
    const m = new Map<string, { offset: number; line: number }>();
    for (const r of this.rows('SELECT path, offset, line FROM ingest_offsets')) m.set(String(r[0]), { offset: Number(r[1]), line: Number(r[2]) });
    return m;
  }

  listExperiments(): ExperimentSummary[] {
    return this.rows(`
      SELECT e.id, e.name, e.primary_metric, e.direction, e.created_at,
             COUNT(r.id), COALESCE(SUM(r.status = 'running'), 0), e.origin
      FROM experiments e LEFT JOIN runs r ON r.experiment_id = e.id AND r.deleted = 0
      GROUP BY e.id ORDER BY e.origin != 'native', e.origin, e.name COLLATE NOCASE`).map((r) => ({
      id: String(r[0]), name: String(r[1]), primaryMetric: r[2] === null ? null : String(r[2]),
      direction: r[3] === null ? null : (String(r[3]) as Direction), createdAt: Number(r[4]),
      runCount: Number(r[5]), runningCount: Number(r[6]), origin: String(r[7]),
    }));
  }

  findExperimentByName(name: string): ExperimentSummary | undefined {
    return this.listExperiments().find((e) => e.name === name);
  }

  listRuns(experimentId: string, opts: { includeDeleted?: boolean } = {}): RunSummary[] {
    return this.rows(`
      SELECT id, experiment_id, name, status, start_time, end_time, starred, deleted, origin FROM runs
      WHERE experiment_id = ? ${opts.includeDeleted ? '' : 'AND deleted = 0'}
      ORDER BY start_time DESC`, [experimentId]).map(toRunSummary);
  }

  getRun(runId: string): RunSummary | undefined {
    const r = this.rows('SELECT id, experiment_id, name, status, start_time, end_time, starred, deleted, origin FROM runs WHERE id = ?', [runId])[0];
    return r ? toRunSummary(r) : undefined;
  }

  countRunning(): number {
    return Number(this.rows("SELECT COUNT(*) FROM runs WHERE status = 'running' AND deleted = 0")[0]?.[0] ?? 0);
  }

  countRuns(): number {
    return Number(this.rows('SELECT COUNT(*) FROM runs')[0]?.[0] ?? 0);
  }

  countMetricPoints(): number {
    return Number(this.rows('SELECT COUNT(*) FROM metric_points')[0]?.[0] ?? 0);
  }

  metricSummaries(runId: string): MetricSummary[] {
    return this.rows('SELECT key, count, last_value, last_step, min_value, max_value FROM metric_series WHERE run_id = ? ORDER BY key', [runId]).map((r) => ({
      key: String(r[0]), count: Number(r[1]), last: nullToNan(r[2]), lastStep: Number(r[3]), min: nullToNan(r[4]), max: nullToNan(r[5]),
    }));
  }

  metricHistory(runId: string, key: string): { step: number; timestamp: number; value: number }[] {
    const { steps, timestamps, values } = this.metricHistoryArrays(runId, key);
    return Array.from(steps, (step, i) => ({ step, timestamp: timestamps[i], value: values[i] }));
  }

  /** A metric's history as columns, sorted by step then timestamp (compact, for charts of 100,000 points). */
  metricHistoryArrays(runId: string, key: string): { steps: Float64Array; timestamps: Float64Array; values: Float64Array } {
    const s = this.seriesOf(runId).get(key);
    const n = s?.count ?? 0;
    const steps = new Float64Array(n);
    const timestamps = new Float64Array(n);
    const values = new Float64Array(n);
    if (!s) return { steps, timestamps, values };
    const st = this.db.prepare(`SELECT p.step, p.timestamp, p.value FROM metric_segments g JOIN metric_points p ON p.id BETWEEN g.first_id AND g.last_id
                                WHERE g.series_id = ? ORDER BY p.step, p.timestamp, p.id`);
    let i = 0;
    try {
      st.bind([s.id]);
      while (st.step() && i < n) {
        const r = st.get();
        steps[i] = Number(r[0]); timestamps[i] = Number(r[1]); values[i] = nullToNan(r[2]);
        i++;
      }
    } finally {
      st.free();
    }
    // Exact-length arrays: a webview message transfers a typed array's whole buffer.
    return i === n ? { steps, timestamps, values } : { steps: steps.slice(0, i), timestamps: timestamps.slice(0, i), values: values.slice(0, i) };
  }

  getRunDetail(runId: string): RunDetail | undefined {
    const r = this.rows(`SELECT r.id, r.experiment_id, r.name, r.status, r.start_time, r.end_time, r.starred, r.deleted, r.origin,
                                e.name, r.training_time_ms, r.git_commit, r.git_branch, r.git_dirty, r.algorithm, r.note
                         FROM runs r JOIN experiments e ON e.id = r.experiment_id WHERE r.id = ?`, [runId])[0];
    if (!r) return undefined;
    const params: Record<string, ParamValue> = {};
    for (const [k, v, t] of this.rows('SELECT key, value, value_type FROM params WHERE run_id = ? ORDER BY key', [runId])) {
      params[String(k)] = t === 'null' ? null : t === 'number' ? Number(v) : t === 'boolean' ? v === 'true' : String(v);
    }
    const tags: Record<string, string> = {};
    for (const [k, v] of this.rows('SELECT key, value FROM tags WHERE run_id = ? ORDER BY key', [runId])) tags[String(k)] = String(v);
    return {
      ...toRunSummary(r),
      experimentName: String(r[9]),
      trainingTimeMs: r[10] === null ? null : Number(r[10]),
      git: r[11] === null ? null : { commit: String(r[11]), branch: r[12] === null ? null : String(r[12]), dirty: r[13] === 1 },
      algorithm: r[14] === null ? null : String(r[14]),
      note: r[15] === null ? null : String(r[15]),
      params,
      tags,
      metrics: this.metricSummaries(runId),
      datasets: this.rows('SELECT profile_json FROM datasets WHERE run_id = ? ORDER BY logged_at, name', [runId]).map((x) => JSON.parse(String(x[0])) as DatasetProfile),
      distributions: this.rows('SELECT dataset, distribution_json FROM distributions WHERE run_id = ? ORDER BY dataset, column_name', [runId])
        .map((x) => ({ dataset: String(x[0]), distribution: JSON.parse(String(x[1])) as Distribution })),
      confusionMatrices: this.rows('SELECT name, labels_json, counts_json FROM confusion_matrices WHERE run_id = ? ORDER BY name', [runId])
        .map((x) => ({ name: String(x[0]), matrix: { labels: JSON.parse(String(x[1])) as string[], counts: JSON.parse(String(x[2])) as number[][] } })),
    };
  }
}

function toRunSummary(r: SqlValue[]): RunSummary {
  return {
    id: String(r[0]), experimentId: String(r[1]), name: r[2] === null ? null : String(r[2]), status: String(r[3]) as RunStatus,
    startTime: Number(r[4]), endTime: r[5] === null ? null : Number(r[5]), starred: r[6] === 1, deleted: r[7] === 1,
    origin: r[8] === undefined || r[8] === null ? 'native' : String(r[8]),
  };
}
