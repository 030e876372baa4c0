// Queries of the comparison panel: everything it shows about up to 100 runs in a few statements
// (one per table, `run_id IN (...)`), and the confusion matrices of one name for the runs asked for.
// Metric histories come from TrackingStore.metricHistoryArrays.
import type { Database, SqlValue } from 'sql.js';
import { queryRows } from '../sql';
import type { ConfusionMatrix, DatasetProfile, Direction, Distribution, ParamValue, RunStatus } from '../../core/model';

const rows = queryRows;

const placeholders = (n: number): string => Array(n).fill('?').join(',');
const nullToNan = (x: SqlValue): number => (x === null ? NaN : Number(x));
const str = (x: SqlValue): string | null => (x === null ? null : String(x));

/** Rows of `sql` (which has one `IN (%)` for the ids) grouped by the run id in column 0. */
function byRun(db: Database, sql: string, ids: readonly string[]): Map<string, SqlValue[][]> {
  const out = new Map<string, SqlValue[][]>();
  if (ids.length === 0) return out;
  for (const r of rows(db, sql.replace('%', placeholders(ids.length)), [...ids])) {
    const id = String(r[0]);
    let list = out.get(id);
    if (!list) out.set(id, (list = []));
    list.push(r);
  }
  return out;
}

export interface CompareRunRow {
  id: string;
  experimentId: string;
  experimentName: string;
  experimentPrimary: { metric: string; direction: Direction | null } | null;
  name: string | null;
  status: RunStatus;
  startTime: number;
  endTime: number | null;
  trainingTimeMs: number | null;
  algorithm: string | null;
  deleted: boolean;
  origin: string;
  params: { key: string; value: ParamValue }[];
  metrics: { key: string; count: number; last: number; lastStep: number; min: number; max: number }[];
  datasets: DatasetProfile[];
  distributions: { dataset: string; distribution: Distribution }[];
  matrices: { name: string; labels: number; total: number; correct: number }[];
}

function paramValue(v: SqlValue, type: SqlValue): ParamValue {
  if (type === 'null') return null;
  if (type === 'number') return Number(v);
  if (type === 'boolean') return v === 'true';
  return String(v);
}

/** Sum and trace of a stored matrix; malformed JSON (never written by the ingester) counts as empty. */
function matrixSize(labelsJson: string, countsJson: string): { labels: number; total: number; correct: number } {
  try {
    const labels = JSON.parse(labelsJson) as unknown[];
    const counts = JSON.parse(countsJson) as number[][];
    let total = 0;
    let correct = 0;
    counts.forEach((r, i) => r.forEach((c, j) => { total += c; if (i === j) correct += c; }));
    return { labels: labels.length, total, correct };
  } catch {
    return { labels: 0, total: 0, correct: 0 };
  }
}

/** The runs that exist, oldest first (ties by id); ids not in the store are left out. */
export function compareRunRows(db: Database, runIds: readonly string[]): CompareRunRow[] {
  const ids = [...new Set(runIds)];
  if (ids.length === 0) return [];
  const base = rows(db, `
    SELECT r.id, r.experiment_id, e.name, e.primary_metric, e.direction, r.name, r.status, r.start_time, r.end_time,
           r.training_time_ms, r.algorithm, r.deleted, r.origin
    FROM runs r JOIN experiments e ON e.id = r.experiment_id
    WHERE r.id IN (${placeholders(ids.length)})
    ORDER BY r.start_time, r.id`, ids);
  const found = base.map((r) => String(r[0]));
  const params = byRun(db, 'SELECT run_id, key, value, value_type FROM params WHERE run_id IN (%) ORDER BY run_id, key', found);
  const metrics = byRun(db, 'SELECT run_id, key, count, last_value, last_step, min_value, max_value FROM metric_series WHERE run_id IN (%) ORDER BY run_id, key', found);
  const datasets = byRun(db, 'SELECT run_id, profile_json FROM datasets WHERE run_id IN (%) ORDER BY run_id, logged_at, name', found);
  const dists = byRun(db, 'SELECT run_id, dataset, distribution_json FROM distributions WHERE run_id IN (%) ORDER BY run_id, dataset, column_name', found);
  const matrices = byRun(db, 'SELECT run_id, name, labels_json, counts_json FROM confusion_matrices WHERE run_id IN (%) ORDER BY run_id, name', found);
  return base.map((r) => {
    const id = String(r[0]);
    return {
      id,
      experimentId: String(r[1]),
      experimentName: String(r[2]),
      experimentPrimary: r[3] === null ? null : { metric: String(r[3]), direction: r[4] === null ? null : (String(r[4]) as Direction) },
      name: str(r[5]),
      status: String(r[6]) as RunStatus,
      startTime: Number(r[7]),
      endTime: r[8] === null ? null : Number(r[8]),
      trainingTimeMs: r[9] === null ? null : Number(r[9]),
      algorithm: str(r[10]),
      deleted: r[11] === 1,
      origin: r[12] === null ? 'native' : String(r[12]),
      params: (params.get(id) ?? []).map((p) => ({ key: String(p[1]), value: paramValue(p[2], p[3]) })),
      metrics: (metrics.get(id) ?? []).map((m) => ({
        key: String(m[1]), count: Number(m[2]), last: nullToNan(m[3]), lastStep: Number(m[4]), min: nullToNan(m[5]), max: nullToNan(m[6]),
      })),
      datasets: (datasets.get(id) ?? []).map((d) => JSON.parse(String(d[1])) as DatasetProfile),
      distributions: (dists.get(id) ?? []).map((d) => ({ dataset: String(d[1]), distribution: JSON.parse(String(d[2])) as Distribution })),
      matrices: (matrices.get(id) ?? []).map((m) => ({ name: String(m[1]), ...matrixSize(String(m[2]), String(m[3])) })),
    };
  });
}

/** The confusion matrices named `name` of the given runs (runs without one are left out). */
export function compareMatrices(db: Database, runIds: readonly string[], name: string): { runId: string; matrix: ConfusionMatrix }[] {
  const ids = [...new Set(runIds)];
  if (ids.length === 0) return [];
  const order = new Map(ids.map((id, i) => [id, i]));
  return rows(db, `SELECT run_id, labels_json, counts_json FROM confusion_matrices WHERE name = ? AND run_id IN (${placeholders(ids.length)})`, [name, ...ids])
    .map((r) => ({ runId: String(r[0]), matrix: { labels: JSON.parse(String(r[1])) as string[], counts: JSON.parse(String(r[2])) as number[][] } }))
    .sort((a, b) => (order.get(a.runId) ?? 0) - (order.get(b.runId) ?? 0));
}
