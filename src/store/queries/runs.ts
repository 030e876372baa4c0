// Run listing for the explorer: filter (compiled to SQL), sort, primary metric and best run.
import type { SqlValue } from 'sql.js';
import type { Direction, RunStatus } from '../../core/model';
import { guessDirection, toTime, type Condition, type RunQuery } from '../../core/query';
import type { TrackingStore } from '../store';

export type SortKey = { by: 'started' | 'name' } | { by: 'metric'; metric: string };
export interface RunSort { key: SortKey; descending: boolean }
export const DEFAULT_SORT: RunSort = { key: { by: 'started' }, descending: true };

export interface RunListItem {
  id: string;
  experimentId: string;
  name: string | null;
  status: RunStatus;
  startTime: number;
  endTime: number | null;
  starred: boolean;
  deleted: boolean;
  origin: string;
  /** The experiment's primary metric's last value, NaN when the run has none. */
  primaryValue: number;
}

export interface PrimaryMetric { metric: string; direction: Direction; explicit: boolean }

const PREFERRED = ['accuracy', 'val_accuracy', 'f1', 'f1_score', 'auc', 'roc_auc', 'r2', 'val_loss', 'eval_loss', 'loss', 'rmse', 'mae'];

/** The experiment's primary metric: the one set by the user, else the most telling one its runs logged. */
export function primaryMetric(store: TrackingStore, experimentId: string): PrimaryMetric | undefined {
  const row = store.db.exec('SELECT primary_metric, direction FROM experiments WHERE id = ?', [experimentId])[0]?.values[0];
  if (row && row[0] !== null) {
    const metric = String(row[0]);
    return { metric, direction: row[1] === null ? guessDirection(metric) : (String(row[1]) as Direction), explicit: true };
  }
  const keys = (store.db.exec(`SELECT DISTINCT s.key FROM metric_series s JOIN runs r ON r.id = s.run_id WHERE r.experiment_id = ? AND r.deleted = 0`, [experimentId])[0]?.values ?? []).map((v) => String(v[0]));
  if (keys.length === 0) return undefined;
  const metric = PREFERRED.find((p) => keys.includes(p)) ?? keys.sort()[0];
  return { metric, direction: guessDirection(metric), explicit: false };
}

const SQL_OP: Record<string, string> = { '=': '=', '!=': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=', like: 'LIKE', 'not like': 'NOT LIKE' };

function metricValue(v: string | number): number {
  if (typeof v === 'number') return v;
  return /nan/i.test(v) ? NaN : v.startsWith('-') ? -Infinity : Infinity;
}

/** One filter condition as SQL over `runs r`, with its parameters. */
function conditionSql(c: Condition, params: SqlValue[]): string {
  const op = SQL_OP[c.op];
  switch (c.field.kind) {
    case 'metric': {
      const v = metricValue(c.value);
      params.push(c.field.name);
      if (Number.isNaN(v)) return `EXISTS (SELECT 1 FROM metric_series s WHERE s.run_id = r.id AND s.key = ? AND s.last_value IS ${c.op === '!=' ? 'NOT ' : ''}NULL)`;
      params.push(v);
      return `EXISTS (SELECT 1 FROM metric_series s WHERE s.run_id = r.id AND s.key = ? AND s.last_value ${op} ?)`;
    }
    case 'param':
    case 'tag': {
      const table = c.field.kind === 'param' ? 'params' : 'tags';
      params.push(c.field.name);
      if (typeof c.value === 'number') {
        params.push(c.value);
        return `EXISTS (SELECT 1 FROM ${table} p WHERE p.run_id = r.id AND p.key = ? AND CAST(p.value AS REAL) ${op} ? AND p.value GLOB '*[0-9]*')`;
      }
      params.push(c.value);
      return `EXISTS (SELECT 1 FROM ${table} p WHERE p.run_id = r.id AND p.key = ? AND p.value ${op} ?${c.op === 'like' || c.op === 'not like' ? '' : ' COLLATE NOCASE'})`;
    }
    case 'status':
      params.push(String(c.value).toLowerCase());
      return `r.status ${op} ?`;
    case 'name':
      params.push(String(c.value));
      return `COALESCE(r.name, r.id) ${op} ?${c.op === 'like' || c.op === 'not like' ? '' : ' COLLATE NOCASE'}`;
    case 'starred': {
      const yes = c.value === 1 || /^(true|yes|1)$/i.test(String(c.value));
      params.push(yes ? 1 : 0);
      return `r.starred ${c.op === '!=' ? '!=' : '='} ?`;
    }
    case 'started':
    case 'ended': {
      const col = c.field.kind === 'started' ? 'r.start_time' : 'r.end_time';
      const t = toTime(c.value);
      // A bare date with "=" means that whole day.
      if (c.op === '=' && typeof c.value === 'string' && c.value.length === 10) {
        params.push(t, t + 86_400_000);
        return `(${col} >= ? AND ${col} < ?)`;
      }
      params.push(t);
      return `${col} ${op} ?`;
    }
    default: {
      const never: never = c.field;
      throw new Error(`unhandled field ${JSON.stringify(never)}`);
    }
  }
}

export function listRunItems(
  store: TrackingStore,
  experimentId: string,
  opts: { query?: RunQuery; sort?: RunSort; includeDeleted?: boolean; primary?: PrimaryMetric } = {},
): RunListItem[] {
  const params: SqlValue[] = [opts.primary?.metric ?? '', experimentId];
  const where = ['r.experiment_id = ?'];
  if (!opts.includeDeleted) where.push('r.deleted = 0');
  for (const c of opts.query?.conditions ?? []) where.push(conditionSql(c, params));
  const sort = opts.sort ?? DEFAULT_SORT;
  const dir = sort.descending ? 'DESC' : 'ASC';
  let order: string;
  if (sort.key.by === 'name') order = `COALESCE(r.name, r.id) COLLATE NOCASE ${dir}`;
  else if (sort.key.by === 'metric') {
    // Runs without the metric (or with NaN) go last either way.
    const value = `(SELECT s2.last_value FROM metric_series s2 WHERE s2.run_id = r.id AND s2.key = ${sqlString(sort.key.metric)})`;
    order = `${value} IS NULL, ${value} ${dir}`;
  } else order = `r.start_time ${dir}`;
  const sql = `SELECT r.id, r.experiment_id, r.name, r.status, r.start_time, r.end_time, r.starred, r.deleted, s.last_value, s.id, r.origin
               FROM runs r LEFT JOIN metric_series s ON s.run_id = r.id AND s.key = ?
               WHERE ${where.join(' AND ')}
               ORDER BY r.starred DESC, ${order}, r.id`;
  const st = store.db.prepare(sql);
  const out: RunListItem[] = [];
  try {
    st.bind(params);
    while (st.step()) {
      const r = st.get();
      out.push({
        id: String(r[0]), experimentId: String(r[1]), name: r[2] === null ? null : String(r[2]), status: String(r[3]) as RunStatus,
        startTime: Number(r[4]), endTime: r[5] === null ? null : Number(r[5]), starred: r[6] === 1, deleted: r[7] === 1,
        primaryValue: r[9] === null || r[8] === null ? NaN : Number(r[8]),
        origin: String(r[10]),
      });
    }
  } finally {
    st.free();
  }
  return out;
}

function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** The id of the run with the best primary metric value (ties: the earlier run). */
export function bestRunId(items: readonly RunListItem[], direction: Direction): string | undefined {
  let best: RunListItem | undefined;
  for (const r of items) {
    if (Number.isNaN(r.primaryValue)) continue;
    if (!best || (direction === 'max' ? r.primaryValue > best.primaryValue : r.primaryValue < best.primaryValue)
      || (r.primaryValue === best.primaryValue && r.startTime < best.startTime)) best = r;
  }
  return best?.id;
}

/** The best run over the whole experiment, independent of a filter. */
export function bestRunOfExperiment(store: TrackingStore, experimentId: string, primary: PrimaryMetric): string | undefined {
  const agg = primary.direction === 'max' ? 'DESC' : 'ASC';
  const row = store.db.exec(`SELECT r.id FROM runs r JOIN metric_series s ON s.run_id = r.id AND s.key = ?
                             WHERE r.experiment_id = ? AND r.deleted = 0 AND s.last_value IS NOT NULL
                             ORDER BY s.last_value ${agg}, r.start_time ASC LIMIT 1`, [primary.metric, experimentId])[0]?.values[0];
  return row ? String(row[0]) : undefined;
}

export function runSourceFile(store: TrackingStore, runId: string): string | undefined {
  const row = store.db.exec('SELECT source_file FROM runs WHERE id = ?', [runId])[0]?.values[0];
  return row ? String(row[0]) : undefined;
}

export function metricKeysOf(store: TrackingStore, experimentId?: string): string[] {
  const res = experimentId
    ? store.db.exec('SELECT DISTINCT s.key FROM metric_series s JOIN runs r ON r.id = s.run_id WHERE r.experiment_id = ? ORDER BY s.key', [experimentId])
    : store.db.exec('SELECT DISTINCT key FROM metric_series ORDER BY key');
  return (res[0]?.values ?? []).map((v) => String(v[0]));
}
