// Queries the run panel needs beyond TrackingStore's: a metric's rank in the experiment, the previous
// run's copy of a dataset, the run's log file, and a metric history as compact columns.
import type { Database } from 'sql.js';
import { queryRows } from '../sql';
import type { Direction } from '../../core/model';

const rows = queryRows;

/** The run's log file, relative to the workspace (as the ingester recorded it), or undefined for an unknown run. */
export function runSourceFile(db: Database, runId: string): string | undefined {
  const r = rows(db, 'SELECT source_file FROM runs WHERE id = ?', [runId])[0];
  return r ? String(r[0]) : undefined;
}

/**
 * The rank of a run's last value of `key` among the experiment's runs (not deleted) that logged it:
 * 1 is the best by `direction`, ties share a rank. NaN values (stored as NULL) are not ranked;
 * ±Infinity are (they are real, if unfortunate, values).
 */
export function metricRank(db: Database, experimentId: string, key: string, runId: string, direction: Direction): { rank: number | null; of: number } {
  const cmp = direction === 'max' ? '>' : '<';
  const r = rows(db, `
    WITH vals AS (
      SELECT s.run_id AS run_id, s.last_value AS v
      FROM metric_series s JOIN runs r ON r.id = s.run_id
      WHERE r.experiment_id = ? AND r.deleted = 0 AND s.key = ? AND s.last_value IS NOT NULL
    )
    SELECT (SELECT COUNT(*) FROM vals),
           (SELECT COUNT(*) FROM vals WHERE v ${cmp} (SELECT v FROM vals WHERE run_id = ?)) + 1,
           EXISTS (SELECT 1 FROM vals WHERE run_id = ?)`, [experimentId, key, runId, runId])[0];
  const of = Number(r?.[0] ?? 0);
  const ranked = Number(r?.[2] ?? 0) === 1;
  return { rank: ranked ? Number(r?.[1]) : null, of };
}

export interface PreviousDataset {
  runId: string;
  runName: string | null;
  sha256: string;
}

/**
 * The latest run of the same experiment, started before this one (ties broken by id), that logged a
 * dataset of the same name; deleted runs are skipped.
 */
export function previousDataset(db: Database, runId: string, datasetName: string): PreviousDataset | undefined {
  const r = rows(db, `
    SELECT p.id, p.name, d.sha256
    FROM runs cur
    JOIN runs p ON p.experiment_id = cur.experiment_id AND p.id <> cur.id AND p.deleted = 0
      AND (p.start_time < cur.start_time OR (p.start_time = cur.start_time AND p.id < cur.id))
    JOIN datasets d ON d.run_id = p.id AND d.name = ?
    WHERE cur.id = ?
    ORDER BY p.start_time DESC, p.id DESC
    LIMIT 1`, [datasetName, runId])[0];
  if (!r) return undefined;
  return { runId: String(r[0]), runName: r[1] === null ? null : String(r[1]), sha256: String(r[2]) };
}

