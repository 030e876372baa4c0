// Builds what the run panel shows from the store: pure (no 'vscode'), so unit tests run it on a real store.
import { classificationReport } from '../../core/classification';
import { shortId } from '../../core/format';
import type { Direction } from '../../core/model';
import { LIMITS, MLOPS_DIR, RUNS_DIR } from '../../ingest/events';
import { toWire } from '../../protocol/common';
import type { DatasetView, MatrixView, MetricView, PrimaryMetricView, RunViewState } from '../../protocol/run';
import { metricRank, previousDataset, runSourceFile } from '../../store/queries/runPanel';
import type { MetricSummary, TrackingStore } from '../../store/store';

/** Name parts of metrics where lower is better: losses, errors, the usual regression errors, costs and times. */
const LOWER_IS_BETTER = new Set([
  'loss', 'error', 'err', 'rmse', 'mse', 'mae', 'mape', 'smape', 'rmsle', 'msle', 'logloss', 'nll', 'perplexity', 'ppl',
  'wer', 'cer', 'fpr', 'fnr', 'brier', 'hamming', 'cost', 'regret', 'latency', 'seconds', 'duration', 'time',
]);

/** max unless the name says lower is better (loss, error, rmse, mae, ...): "val_loss", "trainError", "RMSE". */
export function directionFromName(key: string): Direction {
  const parts = key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);
  return parts.some((p) => LOWER_IS_BETTER.has(p) || p.endsWith('loss') || p.endsWith('error')) ? 'min' : 'max';
}

/** Metrics that usually summarise a classifier or regressor, in the order we prefer them as a headline. */
const HEADLINE = ['accuracy', 'acc', 'test_accuracy', 'val_accuracy', 'f1', 'f1_score', 'macro_f1', 'auc', 'roc_auc', 'r2', 'rmse', 'mae', 'loss', 'val_loss'];

function pickHeadline(metrics: readonly MetricSummary[]): MetricSummary | undefined {
  for (const name of HEADLINE) {
    const m = metrics.find((x) => x.key.toLowerCase() === name);
    if (m) return m;
  }
  // Otherwise a final score (logged once) reads better than a training curve.
  return metrics.find((m) => m.count === 1) ?? metrics[0];
}

/** The whole state of one run's panel, or undefined when the store does not know the run. */
export function buildRunState(store: TrackingStore, runId: string): RunViewState | undefined {
  const d = store.getRunDetail(runId);
  if (!d) return undefined;
  const experiment = store.listExperiments().find((e) => e.id === d.experimentId);
  const primaryKey = experiment?.primaryMetric ?? null;

  const directionOf = (key: string): { direction: Direction; source: 'experiment' | 'name' } =>
    key === primaryKey && experiment?.direction ? { direction: experiment.direction, source: 'experiment' } : { direction: directionFromName(key), source: 'name' };

  const metrics: MetricView[] = d.metrics.map((m) => {
    const { direction, source } = directionOf(m.key);
    return {
      key: m.key, count: m.count, last: toWire(m.last), lastStep: m.lastStep, min: toWire(m.min), max: toWire(m.max),
      best: toWire(direction === 'max' ? m.max : m.min), direction, directionSource: source,
    };
  });

  let primary: PrimaryMetricView | null = null;
  const explicit = primaryKey ? d.metrics.find((m) => m.key === primaryKey) : undefined;
  const headline = explicit ?? (primaryKey ? undefined : pickHeadline(d.metrics));
  if (headline) {
    const { direction } = directionOf(headline.key);
    const { rank, of } = metricRank(store.db, d.experimentId, headline.key, runId, direction);
    primary = { key: headline.key, value: toWire(headline.last), direction, rank, of, inferred: !explicit };
  }

  const datasets: DatasetView[] = d.datasets.map((profile) => {
    const prev = previousDataset(store.db, runId, profile.name);
    return {
      profile,
      previous: prev ? { ...prev, changed: prev.sha256 !== profile.sha256 } : null,
      distributions: d.distributions.filter((x) => x.dataset === profile.name).map((x) => x.distribution),
    };
  });
  // Distributions logged for a dataset name the run never profiled still deserve a place.
  const orphans = d.distributions.filter((x) => !d.datasets.some((p) => p.name === x.dataset));
  for (const name of [...new Set(orphans.map((x) => x.dataset))]) {
    datasets.push({
      profile: { name, source: name, format: 'memory', rows: 0, columns: [], sha256: '' },
      previous: null,
      distributions: orphans.filter((x) => x.dataset === name).map((x) => x.distribution),
    });
  }

  const matrices: MatrixView[] = d.confusionMatrices.map(({ name, matrix }) => {
    try {
      return { name, matrix, report: classificationReport(matrix), problem: null };
    } catch (e) {
      return { name, matrix, report: null, problem: (e as Error).message };
    }
  });

  const source = runSourceFile(store.db, runId) ?? '';
  const logged = source.startsWith(`${MLOPS_DIR}/${RUNS_DIR}/`) && source.endsWith('.jsonl') && !source.split('/').includes('..');

  return {
    run: {
      id: d.id, name: d.name, displayName: d.name ?? shortId(d.id), experimentId: d.experimentId, experimentName: d.experimentName,
      status: d.status, startTime: d.startTime, endTime: d.endTime,
      durationMs: d.trainingTimeMs ?? (d.endTime !== null ? d.endTime - d.startTime : null),
      git: d.git, tags: Object.entries(d.tags).map(([key, value]) => ({ key, value })), note: d.note,
      starred: d.starred, deleted: d.deleted,
      readOnly: logged ? null : 'This run was not logged into .mlops/runs/ (it was imported read-only), so its note cannot be edited here.',
    },
    primary,
    algorithm: d.algorithm,
    params: Object.entries(d.params).map(([key, value]) => ({ key, value })),
    datasets,
    metrics,
    matrices,
    limits: { note: LIMITS.note },
  };
}
