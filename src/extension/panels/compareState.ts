// Builds what the comparison panel shows from the store: pure (no 'vscode'), so unit tests run it on a
// real store. Directions follow the run panel's rules (an experiment's primary metric direction, else the
// name: loss and error go down), so both panels mark the same value as best.
import { shortId } from '../../core/format';
import type { Direction } from '../../core/model';
import { toWire } from '../../protocol/common';
import { MAX_COMPARE_RUNS, type CompareRun, type CompareViewState, type MetricDirection } from '../../protocol/compare';
import { compareRunRows, type CompareRunRow } from '../../store/queries/compare';
import { primaryMetric } from '../../store/queries/runs';
import type { TrackingStore } from '../../store/store';
import { directionFromName } from './runState';

/** Metrics that summarise a model, preferred for the "parameters against metrics" charts when no experiment names one. */
const PREFERRED = ['accuracy', 'val_accuracy', 'test_accuracy', 'f1', 'f1_score', 'macro_f1', 'auc', 'roc_auc', 'r2', 'val_loss', 'eval_loss', 'loss', 'rmse', 'mae'];

function directions(rows: readonly CompareRunRow[]): MetricDirection[] {
  const keys = [...new Set(rows.flatMap((r) => r.metrics.map((m) => m.key)))].sort();
  return keys.map((key) => {
    const explicit = rows.find((r) => r.experimentPrimary?.metric === key && r.experimentPrimary.direction !== null);
    return explicit?.experimentPrimary?.direction
      ? { key, direction: explicit.experimentPrimary.direction, source: 'experiment' }
      : { key, direction: directionFromName(key), source: 'name' };
  });
}

/** The primary metric of the runs' experiments (in run order) that most runs logged; else a preferred or the most logged metric. */
function pickPrimary(store: TrackingStore, rows: readonly CompareRunRow[], dirs: readonly MetricDirection[]): { key: string; direction: Direction } | null {
  const logged = new Map<string, number>();
  for (const r of rows) for (const m of r.metrics) logged.set(m.key, (logged.get(m.key) ?? 0) + 1);
  if (logged.size === 0) return null;
  const need = Math.min(2, rows.length);
  const direction = (key: string): Direction => dirs.find((d) => d.key === key)?.direction ?? directionFromName(key);
  for (const experimentId of [...new Set(rows.map((r) => r.experimentId))]) {
    const p = primaryMetric(store, experimentId);
    if (p && (logged.get(p.metric) ?? 0) >= need) return { key: p.metric, direction: direction(p.metric) };
  }
  const most = Math.max(...logged.values());
  const candidates = [...logged.entries()].filter(([, n]) => n === most).map(([k]) => k).sort();
  const key = PREFERRED.find((p) => candidates.includes(p)) ?? candidates[0];
  return { key, direction: direction(key) };
}

function toRun(r: CompareRunRow): CompareRun {
  return {
    id: r.id, name: r.name, displayName: r.name ?? shortId(r.id), experimentId: r.experimentId, experimentName: r.experimentName,
    status: r.status, startTime: r.startTime, endTime: r.endTime,
    durationMs: r.trainingTimeMs ?? (r.endTime !== null ? r.endTime - r.startTime : null),
    algorithm: r.algorithm, deleted: r.deleted, origin: r.origin,
    params: r.params,
    metrics: r.metrics.map((m) => ({ key: m.key, count: m.count, last: toWire(m.last), lastStep: m.lastStep, min: toWire(m.min), max: toWire(m.max) })),
    datasets: r.datasets,
    distributions: r.distributions,
    matrices: r.matrices.map((m) => ({ name: m.name, classes: m.labels, total: m.total, correct: m.correct })),
  };
}

/** The whole state of the comparison panel for these runs (at most MAX_COMPARE_RUNS; unknown ids listed as missing). */
export function buildCompareState(store: TrackingStore, runIds: readonly string[], follow: boolean): CompareViewState {
  const ids = [...new Set(runIds)].slice(0, MAX_COMPARE_RUNS);
  const rows = compareRunRows(store.db, ids);
  const found = new Set(rows.map((r) => r.id));
  const dirs = directions(rows);
  const experiments: { id: string; name: string }[] = [];
  for (const r of rows) if (!experiments.some((e) => e.id === r.experimentId)) experiments.push({ id: r.experimentId, name: r.experimentName });
  return {
    runs: rows.map(toRun),
    missing: ids.filter((id) => !found.has(id)),
    experiments,
    directions: dirs,
    primary: pickPrimary(store, rows, dirs),
    follow,
    limit: MAX_COMPARE_RUNS,
  };
}

/** Points sent per run and metric: 200,000 in all, at least 500 and at most 5,000 per run. */
export function historyBudget(runs: number): number {
  return Math.max(500, Math.min(5_000, Math.floor(200_000 / Math.max(1, runs))));
}
