// What the run panel shows, built from a real store fed through the event log.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { classificationReport } from '../../../src/core/classification';
import type { DatasetProfile } from '../../../src/core/model';
import { buildRunState, directionFromName } from '../../../src/extension/panels/runState';
import { encodeNumber, makeEvent, type TrackingEvent } from '../../../src/ingest/events';
import { experimentIdFor } from '../../../src/ingest/ids';
import { ingestLogs } from '../../../src/ingest/tailer';
import { LogLayout, appendEvents } from '../../../src/ingest/writer';
import { fromWire } from '../../../src/protocol/common';
import { metricRank, previousDataset, runSourceFile } from '../../../src/store/queries/runPanel';
import { loadSqlJs } from '../../../src/store/sqljs';
import { TrackingStore } from '../../../src/store/store';
import { tempWorkspace } from '../../helpers/workspace';

const T0 = 1_700_000_000_000;

function profile(sha256: string, rows = 891): DatasetProfile {
  return {
    name: 'train.csv', source: 'data/train.csv', format: 'csv', rows, sha256,
    columns: [{ name: 'Age', type: 'float', nulls: 177, distinct: 88, distinctExact: true, min: 0.42, max: 80, mean: 29.7, std: 14.5 }],
  };
}

/** Writes runs with explicit start times (the panel orders runs by start time). */
class Workspace {
  readonly dir = tempWorkspace('mlops-panel-');
  private readonly layout = new LogLayout(this.dir);

  experiment(name: string, primary?: { metric: string; direction: 'max' | 'min' }): string {
    const id = experimentIdFor(name);
    const events: TrackingEvent[] = [makeEvent({ type: 'experiment_created', experimentId: id, name })];
    if (primary) events.push(makeEvent({ type: 'experiment_updated', experimentId: id, primaryMetric: primary.metric, direction: primary.direction }));
    appendEvents(this.layout.experimentFile(name, id), events);
    return id;
  }

  run(experiment: string, runId: string, startOffset: number, extra: (runId: string) => TrackingEvent[], name?: string): void {
    const id = experimentIdFor(experiment);
    appendEvents(this.layout.runFile(experiment, id, runId), [
      makeEvent({ type: 'run_created', runId, experimentId: id, name, startTime: T0 + startOffset }),
      ...extra(runId),
    ]);
  }

  async store(): Promise<TrackingStore> {
    const store = TrackingStore.open(await loadSqlJs());
    const res = ingestLogs(store, this.dir, join(this.dir, '.mlops/runs'));
    assert.deepEqual(res.problems, []);
    return store;
  }
}

const metric = (runId: string, key: string, value: number, step = 0) =>
  makeEvent({ type: 'metric', runId, key, value: encodeNumber(value), step, timestamp: T0 + 1000 * step });

describe('run panel state', () => {
  it('shows the primary metric with its rank, and whether each dataset changed since the previous run', async () => {
    const ws = new Workspace();
    ws.experiment('Titanic', { metric: 'accuracy', direction: 'max' });
    const matrix = { labels: ['died', 'survived'], counts: [[98, 12], [21, 48]] };
    ws.run('Titanic', 'r1', 0, (r) => [metric(r, 'accuracy', 0.78), makeEvent({ type: 'dataset', runId: r, profile: profile('a'.repeat(64)) })], 'baseline');
    ws.run('Titanic', 'r2', 1000, (r) => [metric(r, 'accuracy', 0.82), makeEvent({ type: 'dataset', runId: r, profile: profile('a'.repeat(64)) })], 'deeper');
    ws.run('Titanic', 'r3', 2000, (r) => [
      metric(r, 'accuracy', 0.8),
      metric(r, 'loss', 0.7, 0), metric(r, 'loss', 0.5, 1), metric(r, 'loss', 0.6, 2),
      makeEvent({ type: 'dataset', runId: r, profile: profile('b'.repeat(64), 900) }),
      makeEvent({ type: 'distribution', runId: r, dataset: 'train.csv', distribution: { kind: 'numeric', column: 'Age', total: 891, nulls: 177, edges: [0, 40, 80], counts: [500, 214], quantiles: [{ p: 0.5, value: 28 }] } }),
      makeEvent({ type: 'params', runId: r, params: { maxDepth: 5, gainFunction: 'gini' }, algorithm: 'DecisionTreeClassifier' }),
      makeEvent({ type: 'confusion_matrix', runId: r, name: 'test', matrix }),
      makeEvent({ type: 'tag', runId: r, key: 'team', value: 'blue' }),
      makeEvent({ type: 'note', runId: r, text: 'depth 5' }),
      makeEvent({ type: 'run_ended', runId: r, status: 'finished', endTime: T0 + 2000 + 4200 }),
    ], '<img src=x onerror=alert(1)>');
    const store = await ws.store();

    const s = buildRunState(store, 'r3')!;
    assert.equal(s.run.displayName, '<img src=x onerror=alert(1)>');
    assert.equal(s.run.experimentName, 'Titanic');
    assert.equal(s.run.status, 'finished');
    assert.equal(s.run.durationMs, 4200);
    assert.equal(s.run.note, 'depth 5');
    assert.deepEqual(s.run.tags, [{ key: 'team', value: 'blue' }]);
    assert.equal(s.run.readOnly, null);
    assert.deepEqual(s.primary, { key: 'accuracy', value: 0.8, direction: 'max', rank: 2, of: 3, inferred: false });
    assert.equal(s.algorithm, 'DecisionTreeClassifier');
    assert.deepEqual(s.params, [{ key: 'gainFunction', value: 'gini' }, { key: 'maxDepth', value: 5 }]);

    assert.equal(s.datasets.length, 1);
    assert.deepEqual(s.datasets[0].previous, { runId: 'r2', runName: 'deeper', sha256: 'a'.repeat(64), changed: true });
    assert.equal(s.datasets[0].distributions.length, 1);
    assert.deepEqual(buildRunState(store, 'r2')!.datasets[0].previous, { runId: 'r1', runName: 'baseline', sha256: 'a'.repeat(64), changed: false });
    assert.equal(buildRunState(store, 'r1')!.datasets[0].previous, null);
    assert.equal(buildRunState(store, 'r2')!.primary!.rank, 1);

    const loss = s.metrics.find((m) => m.key === 'loss')!;
    assert.deepEqual([loss.direction, loss.directionSource, loss.best, loss.last, loss.count], ['min', 'name', 0.5, 0.6, 3]);
    const acc = s.metrics.find((m) => m.key === 'accuracy')!;
    assert.deepEqual([acc.direction, acc.directionSource, acc.best], ['max', 'experiment', 0.8]);

    assert.equal(s.matrices.length, 1);
    assert.deepEqual(s.matrices[0].report, classificationReport(matrix));
    assert.equal(s.matrices[0].problem, null);
    // The state crosses postMessage as JSON: it must survive the trip unchanged.
    assert.deepEqual(JSON.parse(JSON.stringify(s)), s);
  });

  it('ranks by the experiment direction, skips deleted runs and NaN values', async () => {
    const ws = new Workspace();
    const exp = ws.experiment('Regression', { metric: 'rmse', direction: 'min' });
    ws.run('Regression', 'a', 0, (r) => [metric(r, 'rmse', 3.1)]);
    ws.run('Regression', 'b', 1, (r) => [metric(r, 'rmse', 2.5)]);
    ws.run('Regression', 'c', 2, (r) => [metric(r, 'rmse', 1.0), makeEvent({ type: 'delete', runId: r })]);
    ws.run('Regression', 'd', 3, (r) => [metric(r, 'rmse', NaN)]);
    ws.run('Regression', 'e', 4, (r) => [metric(r, 'rmse', 2.5)]);
    const store = await ws.store();
    assert.deepEqual(metricRank(store.db, exp, 'rmse', 'b', 'min'), { rank: 1, of: 3 });
    assert.deepEqual(metricRank(store.db, exp, 'rmse', 'e', 'min'), { rank: 1, of: 3 });
    assert.deepEqual(metricRank(store.db, exp, 'rmse', 'a', 'min'), { rank: 3, of: 3 });
    assert.deepEqual(metricRank(store.db, exp, 'rmse', 'd', 'min'), { rank: null, of: 3 });
    const d = buildRunState(store, 'd')!;
    assert.equal(d.primary!.value, 'NaN');
    assert.ok(Number.isNaN(fromWire(d.primary!.value)));
    assert.equal(d.primary!.rank, null);
    assert.equal(buildRunState(store, 'a')!.primary!.direction, 'min');
  });

  it('picks a headline metric when the experiment names none, and says so', async () => {
    const ws = new Workspace();
    ws.experiment('Digits');
    ws.run('Digits', 'x', 0, (r) => [metric(r, 'loss', 0.3, 0), metric(r, 'loss', 0.2, 1), metric(r, 'f1', 0.91)]);
    ws.run('Digits', 'y', 1, (r) => [metric(r, 'loss', 0.3, 0), metric(r, 'loss', 0.25, 1)]);
    ws.run('Digits', 'z', 2, () => []);
    const store = await ws.store();
    assert.deepEqual(buildRunState(store, 'x')!.primary, { key: 'f1', value: 0.91, direction: 'max', rank: 1, of: 1, inferred: true });
    assert.deepEqual(buildRunState(store, 'y')!.primary, { key: 'loss', value: 0.25, direction: 'min', rank: 2, of: 2, inferred: true });
    const empty = buildRunState(store, 'z')!;
    assert.equal(empty.primary, null);
    assert.deepEqual([empty.datasets, empty.metrics, empty.matrices, empty.params], [[], [], [], []]);
    assert.equal(empty.run.durationMs, null);
    assert.equal(buildRunState(store, 'nope'), undefined);
  });

  it('reports a matrix whose figures cannot be computed instead of failing', async () => {
    const ws = new Workspace();
    ws.experiment('E');
    ws.run('E', 'm', 0, (r) => [makeEvent({ type: 'confusion_matrix', runId: r, name: 'empty', matrix: { labels: ['a', 'b'], counts: [[0, 0], [0, 0]] } })]);
    const s = buildRunState(await ws.store(), 'm')!;
    assert.equal(s.matrices[0].report, null);
    assert.match(s.matrices[0].problem ?? '', /every count .* is 0/);
  });

  it('finds the run log file and reads histories as ordered columns, NaN kept', async () => {
    const ws = new Workspace();
    ws.experiment('E');
    ws.run('E', 'h', 0, (r) => [metric(r, 'loss', 0.5, 2), metric(r, 'loss', 0.9, 0), metric(r, 'loss', NaN, 1)]);
    const store = await ws.store();
    assert.match(runSourceFile(store.db, 'h') ?? '', /^\.mlops\/runs\/E-[0-9a-f]{8}\/h\.jsonl$/);
    assert.equal(runSourceFile(store.db, 'nope'), undefined);
    const h = ((x) => ({ steps: x.steps, times: x.timestamps, values: x.values }))(store.metricHistoryArrays('h', 'loss'));
    assert.deepEqual([...h.steps], [0, 1, 2]);
    assert.deepEqual([...h.times], [T0, T0 + 1000, T0 + 2000]);
    assert.equal(h.values[0], 0.9);
    assert.ok(Number.isNaN(h.values[1]));
    assert.equal(h.values[2], 0.5);
    assert.equal(h.values.buffer.byteLength, 3 * 8, 'no spare capacity is sent');
    assert.equal(store.metricHistoryArrays('h', 'missing').values.length, 0);
    assert.equal(previousDataset(store.db, 'h', 'train.csv'), undefined);
  });
});

describe('metric direction from the name', () => {
  it('treats losses, errors and regression errors as lower-is-better', () => {
    for (const k of ['loss', 'val_loss', 'trainLoss', 'CrossEntropyLoss', 'error', 'test_error', 'rmse', 'RMSE', 'mae', 'val/mse', 'log_loss', 'wer', 'epoch_time']) {
      assert.equal(directionFromName(k), 'min', k);
    }
  });
  it('treats everything else as higher-is-better', () => {
    for (const k of ['accuracy', 'val_accuracy', 'f1', 'auc', 'r2', 'precision', 'recall', 'lossless_ratio']) {
      assert.equal(directionFromName(k), 'max', k);
    }
  });
});
