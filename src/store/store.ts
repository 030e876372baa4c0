// The sql.js tracking store: applies events, answers the views' queries. SQL stays inside this folder.
import type { Database, SqlJsStatic, SqlValue, Statement } from 'sql.js';
import type { ConfusionMatrix, DatasetProfile, Direction, Distribution, ParamValue, RunStatus } from '../core/model';
import { decodeNumber, type TrackingEvent } from '../ingest/events';
import { MIGRATIONS, SCHEMA_VERSION } from './schema';

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

/** A metric point already parsed by the fast path (see ingest/parse.ts). */
export interface MetricPoint {
  runId: string;
  key: string;
  value: number;
  step: number;
  timestamp: number;
}

export interface ExperimentSummary {
  id: string;
  name: string;
  primaryMetric: string | null;
  direction: Direction | null;
  createdAt: number;
  runCount: number;
  runningCount: number;
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
const nanToNull = (x: number): number | null => (Number.isNaN(x) ? null : x);
const nullToNan = (x: SqlValue): number => (x === null ? NaN : Number(x));

export class TrackingStore {
  private readonly series = new Map<string, SeriesState>();
  private readonly knownRuns = new Set<string>();
  private nextSeriesId = 1;
  private pointBuffer: number[] = [];
  private readonly insertPointsBatch: Statement;
  private readonly insertPoint: Statement;

  private constructor(readonly db: Database) {
    this.insertPointsBatch = db.prepare('INSERT INTO metric_points (series_id, step, timestamp, value) VALUES ' + Array(BATCH_ROWS).fill('(?,?,?,?)').join(','));
    this.insertPoint = db.prepare('INSERT INTO metric_points (series_id, step, timestamp, value) VALUES (?,?,?,?)');
    for (const row of this.rows('SELECT id FROM runs')) this.knownRuns.add(String(row[0]));
    for (const r of this.rows('SELECT id, run_id, key, count, last_value, last_step, last_timestamp, min_value, max_value FROM metric_series')) {
      this.series.set(`${r[1]}\u0000${r[2]}`, {
        id: Number(r[0]), count: Number(r[3]), last: nullToNan(r[4]), lastStep: Number(r[5]), lastTs: Number(r[6]),
        min: nullToNan(r[7]), max: nullToNan(r[8]), dirty: false,
      });
      this.nextSeriesId = Math.max(this.nextSeriesId, Number(r[0]) + 1);
    }
  }

  /** Opens a saved database (bytes) or creates an empty one. Throws StoreOpenError for corrupt or newer files. */
  static open(SQL: SqlJsStatic, bytes?: Uint8Array): TrackingStore {
    let db: Database;
    try {
      db = bytes && bytes.length > 0 ? new SQL.Database(bytes) : new SQL.Database();
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
      db.exec('PRAGMA quick_check');
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

  /** Applies parsed events and metric points in one transaction. Returns the events it had to skip. */
  apply(items: readonly { event: TrackingEvent | MetricPoint; origin: EventOrigin }[], offsets: readonly { path: string; offset: number; line: number }[] = []): IngestProblem[] {
    const problems: IngestProblem[] = [];
    this.db.exec('BEGIN');
    try {
      for (const { event, origin } of items) {
        try {
          if ('type' in event) this.applyEvent(event, origin);
          else this.addPoint(event.runId, event.key, event.value, event.step, event.timestamp, origin);
        } catch (e) {
          problems.push({ ...origin, message: (e as Error).message });
        }
      }
      this.flushPoints();
      this.flushSeries();
      for (const o of offsets) this.db.run('INSERT OR REPLACE INTO ingest_offsets (path, offset, line) VALUES (?, ?, ?)', [o.path, o.offset, o.line]);
      this.db.exec('COMMIT');
    } catch (e) {
      this.db.exec('ROLLBACK');
      throw e;
    }
    return problems;
  }

  private requireRun(runId: string): void {
    if (!this.knownRuns.has(runId)) throw new Error(`unknown run id "${runId}" (no run_created event was read for it)`);
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
        this.addPoint(e.runId, e.key, decodeNumber(e.value), e.step, e.timestamp, origin);
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

  private addPoint(runId: string, key: string, value: number, step: number, timestamp: number, _origin: EventOrigin): void {
    this.requireRun(runId);
    const sk = `${runId}\u0000${key}`;
    let s = this.series.get(sk);
    if (!s) {
      s = { id: this.nextSeriesId++, count: 0, last: NaN, lastStep: -Infinity, lastTs: -Infinity, min: NaN, max: NaN, dirty: true };
      this.series.set(sk, s);
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
    s.dirty = true;
    const b = this.pointBuffer;
    b.push(s.id, step, timestamp, value);
    if (b.length === BATCH_ROWS * 4) this.flushPoints();
  }

  private flushPoints(): void {
    const b = this.pointBuffer;
    if (b.length === BATCH_ROWS * 4) {
      for (let i = 3; i < b.length; i += 4) if (Number.isNaN(b[i])) (b as (number | null)[])[i] = null;
      this.insertPointsBatch.run(b);
    } else {
      for (let i = 0; i < b.length; i += 4) this.insertPoint.run([b[i], b[i + 1], b[i + 2], nanToNull(b[i + 3])]);
    }
    this.pointBuffer = [];
  }

  private flushSeries(): void {
    for (const s of this.series.values()) {
      if (!s.dirty) continue;
      this.db.run('UPDATE metric_series SET count = ?, last_value = ?, last_step = ?, last_timestamp = ?, min_value = ?, max_value = ? WHERE id = ?',
        [s.count, nanToNull(s.last), s.lastStep, s.lastTs, nanToNull(s.min), nanToNull(s.max), s.id]);
      s.dirty = false;
    }
  }

  // ---------------------------------------------------------------- reading

  private rows(sql: string, params: SqlValue[] = []): SqlValue[][] {
    const st = this.db.prepare(sql);
    try {
      st.bind(params);
      const out: SqlValue[][] = [];
      while (st.step()) out.push(st.get());
      return out;
    } finally {
      st.free();
    }
  }

  getOffsets(): Map<string, { offset: number; line: number }> {
    const m = new Map<string, { offset: number; line: number }>();
    for (const r of this.rows('SELECT path, offset, line FROM ingest_offsets')) m.set(String(r[0]), { offset: Number(r[1]), line: Number(r[2]) });
    return m;
  }

  listExperiments(): ExperimentSummary[] {
    return this.rows(`
      SELECT e.id, e.name, e.primary_metric, e.direction, e.created_at,
             COUNT(r.id), COALESCE(SUM(r.status = 'running'), 0)
      FROM experiments e LEFT JOIN runs r ON r.experiment_id = e.id AND r.deleted = 0
      GROUP BY e.id ORDER BY e.name COLLATE NOCASE`).map((r) => ({
      id: String(r[0]), name: String(r[1]), primaryMetric: r[2] === null ? null : String(r[2]),
      direction: r[3] === null ? null : (String(r[3]) as Direction), createdAt: Number(r[4]),
      runCount: Number(r[5]), runningCount: Number(r[6]),
    }));
  }

  findExperimentByName(name: string): ExperimentSummary | undefined {
    return this.listExperiments().find((e) => e.name === name);
  }

  listRuns(experimentId: string, opts: { includeDeleted?: boolean } = {}): RunSummary[] {
    return this.rows(`
      SELECT id, experiment_id, name, status, start_time, end_time, starred, deleted FROM runs
      WHERE experiment_id = ? ${opts.includeDeleted ? '' : 'AND deleted = 0'}
      ORDER BY start_time DESC`, [experimentId]).map(toRunSummary);
  }

  getRun(runId: string): RunSummary | undefined {
    const r = this.rows('SELECT id, experiment_id, name, status, start_time, end_time, starred, deleted FROM runs WHERE id = ?', [runId])[0];
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
    return this.rows(`SELECT p.step, p.timestamp, p.value FROM metric_points p JOIN metric_series s ON s.id = p.series_id
                      WHERE s.run_id = ? AND s.key = ? ORDER BY p.step, p.timestamp`, [runId, key])
      .map((r) => ({ step: Number(r[0]), timestamp: Number(r[1]), value: nullToNan(r[2]) }));
  }

  getRunDetail(runId: string): RunDetail | undefined {
    const r = this.rows(`SELECT r.id, r.experiment_id, r.name, r.status, r.start_time, r.end_time, r.starred, r.deleted,
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
      experimentName: String(r[8]),
      trainingTimeMs: r[9] === null ? null : Number(r[9]),
      git: r[10] === null ? null : { commit: String(r[10]), branch: r[11] === null ? null : String(r[11]), dirty: r[12] === 1 },
      algorithm: r[13] === null ? null : String(r[13]),
      note: r[14] === null ? null : String(r[14]),
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
  };
}
