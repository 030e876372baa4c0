// What the comparison panel shows, built from a real store fed through the event log; its messages,
// its saved state, and the webview's pure helpers.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { DatasetProfile } from '../../../src/core/model';
import { buildCompareState, historyBudget } from '../../../src/extension/panels/compareState';
import { encodeNumber, makeEvent, type TrackingEvent } from '../../../src/ingest/events';
import { experimentIdFor } from '../../../src/ingest/ids';
import { ingestLogs } from '../../../src/ingest/tailer';
import { LogLayout, appendEvents } from '../../../src/ingest/writer';
import { ProtocolError, fromWire } from '../../../src/protocol/common';
import { MAX_COMPARE_RUNS, comparePanelStateFrom, packHistories, parseCompareMessage, unpackHistories, type CompareRun } from '../../../src/protocol/compare';
import { compareMatrices, compareRunRows } from '../../../src/store/queries/compare';
import { loadSqlJs } from '../../../src/store/sqljs';
import { TrackingStore } from '../../../src/store/store';
import { axisPosition, axisScale, goodness } from '../../../webview/charts/parallelScale';
import { runPalette } from '../../../webview/charts/palette';
import type { ChartColors } from '../../../webview/charts/theme';
import {
  baselineIndex, datasetNames, deltaText, matchesFilter, metricDelta, metricRows, metricsCsv, paramRows, paramsCsv, runLabels, sharedColumns, signed, versionName,
} from '../../../webview/compare/model';
import { DEFAULT_UI, parseCompareUi } from '../../../webview/compare/uiState';
import { tempWorkspace } from '../../helpers/workspace';

const T0 = 1_700_000_000_000;

function profile(sha256: string, columns: DatasetProfile['columns'] = [{ name: 'Age', type: 'float', nulls: 177, distinct: 88, distinctExact: true }]): DatasetProfile {
  return { name: 'train.csv', source: 'data/train.csv', format: 'csv', rows: 891, sha256, columns };
}

class Workspace {
  readonly dir = tempWorkspace('mlops-compare-');
  private readonly layout = new LogLayout(this.dir);

  experiment(name: string, primary?: { metric: string; direction: 'max' | 'min' }): void {
    const id = experimentIdFor(name);
    const events: TrackingEvent[] = [makeEvent({ type: 'experiment_created', experimentId: id, name })];
    if (primary) events.push(makeEvent({ type: 'experiment_updated', experimentId: id, primaryMetric: primary.metric, direction: primary.direction }));
    appendEvents(this.layout.experimentFile(name, id), events);
  }

  run(experiment: string, runId: string, startOffset: number, extra: (runId: string) => TrackingEvent[], name?: string): void {
    const id = experimentIdFor(experiment);
    appendEvents(this.layout.runFile(experiment, id, runId), [makeEvent({ type: 'run_created', runId, experimentId: id, name, startTime: T0 + startOffset }), ...extra(runId)]);
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
const id = (n: number): string => n.toString(16).padStart(32, '0');

async function titanic(): Promise<{ store: TrackingStore; ids: string[] }> {
  const w = new Workspace();
  w.experiment('Titanic');
  w.experiment('Other', { metric: 'loss', direction: 'min' });
  const tree = (depth: number, accuracy: number) => (r: string): TrackingEvent[] => [
    makeEvent({ type: 'params', runId: r, params: { maxDepth: depth, gainFunction: 'gini', minNumSamples: 3 }, algorithm: 'DecisionTreeClassifier' }),
    makeEvent({ type: 'dataset', runId: r, profile: profile('abc') }),
    metric(r, 'accuracy', accuracy),
    metric(r, 'loss', 1 - accuracy, 0), metric(r, 'loss', 0.9 - accuracy, 1),
    makeEvent({ type: 'confusion_matrix', runId: r, name: 'test', matrix: { labels: ['0', '1'], counts: [[98, 12], [21, 48 + depth]] } }),
  ];
  // Written out of order: the panel orders by start time.
  w.run('Titanic', id(3), 3000, tree(8, 0.79), 'tree depth 8');
  w.run('Titanic', id(1), 1000, tree(3, 0.8), 'tree depth 3');
  w.run('Titanic', id(2), 2000, tree(5, 0.83), 'tree depth 5');
  w.run('Other', id(4), 4000, (r) => [metric(r, 'loss', 0.3), makeEvent({ type: 'dataset', runId: r, profile: profile('def', [{ name: 'Age', type: 'integer', nulls: 0, distinct: 3, distinctExact: true }]) })], 'other');
  return { store: await w.store(), ids: [id(3), id(1), id(2), id(4)] };
}

describe('comparison panel state', () => {
  it('lists the runs oldest first, with everything the sections need', async () => {
    const { store, ids } = await titanic();
    const s = buildCompareState(store, [...ids, 'ffffffffffffffffffffffffffffffff'], true);
    assert.deepEqual(s.runs.map((r) => r.displayName), ['tree depth 3', 'tree depth 5', 'tree depth 8', 'other']);
    assert.deepEqual(s.missing, ['ffffffffffffffffffffffffffffffff']);
    assert.deepEqual(s.experiments.map((e) => e.name), ['Titanic', 'Other']);
    assert.equal(s.follow, true);
    assert.equal(s.limit, MAX_COMPARE_RUNS);
    const r = s.runs[1];
    assert.equal(r.algorithm, 'DecisionTreeClassifier');
    assert.deepEqual(r.params, [{ key: 'gainFunction', value: 'gini' }, { key: 'maxDepth', value: 5 }, { key: 'minNumSamples', value: 3 }]);
    assert.deepEqual(r.matrices, [{ name: 'test', classes: 2, total: 98 + 12 + 21 + 53, correct: 98 + 53 }]);
    assert.equal(r.datasets[0].sha256, 'abc');
    const loss = r.metrics.find((m) => m.key === 'loss')!;
    assert.deepEqual([loss.count, fromWire(loss.last), loss.lastStep], [2, 0.9 - 0.83, 1]);
    // Directions: an experiment's explicit primary metric, else the name.
    assert.deepEqual(s.directions, [{ key: 'accuracy', direction: 'max', source: 'name' }, { key: 'loss', direction: 'min', source: 'experiment' }]);
    // The first experiment (in run order) has no explicit primary metric: accuracy is its guess.
    assert.deepEqual(s.primary, { key: 'accuracy', direction: 'max' });
  });

  it('keeps at most 100 runs and ignores repeated ids', async () => {
    const { store, ids } = await titanic();
    const s = buildCompareState(store, [ids[0], ids[0], ...Array.from({ length: 120 }, (_, i) => id(1000 + i))], false);
    assert.equal(s.runs.length, 1);
    assert.equal(s.missing.length, MAX_COMPARE_RUNS - 1);
  });

  it('reads the matrices of one name for the runs asked for, in their order', async () => {
    const { store, ids } = await titanic();
    const m = compareMatrices(store.db, [ids[2], ids[0], ids[3]], 'test');
    assert.deepEqual(m.map((x) => x.runId), [ids[2], ids[0]]);
    assert.deepEqual(m[1].matrix.counts, [[98, 12], [21, 56]]);
    assert.deepEqual(compareRunRows(store.db, []), []);
  });

  it('budgets history points so that 100 runs stay light', () => {
    assert.equal(historyBudget(1), 5000);
    assert.equal(historyBudget(100), 2000);
    assert.equal(historyBudget(10_000), 500);
  });
});

describe('comparison panel messages', () => {
  it('accepts what the webview sends', () => {
    assert.deepEqual(parseCompareMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseCompareMessage({ type: 'requestHistory', key: 'loss' }), { type: 'requestHistory', key: 'loss' });
    assert.deepEqual(parseCompareMessage({ type: 'requestMatrices', name: 'test', runIds: [id(1)] }), { type: 'requestMatrices', name: 'test', runIds: [id(1)] });
    assert.deepEqual(parseCompareMessage({ type: 'removeRun', runId: id(1) }), { type: 'removeRun', runId: id(1) });
    assert.deepEqual(parseCompareMessage({ type: 'setFollow', follow: false }), { type: 'setFollow', follow: false });
    assert.deepEqual(parseCompareMessage({ type: 'copyText', text: 'a,b' }), { type: 'copyText', text: 'a,b' });
  });

  it('refuses anything else', () => {
    for (const bad of [null, [], { type: 'nope' }, { type: 'requestHistory' }, { type: 'removeRun', runId: '../x' }, { type: 'setFollow', follow: 'yes' },
      { type: 'requestMatrices', name: 'test', runIds: 'x' }, { type: 'requestMatrices', name: 'test', runIds: Array(101).fill(id(1)) },
      { type: 'requestMatrices', name: 'test', runIds: [42] }, { type: 'savePng', name: 'a', dataUrl: 'javascript:alert(1)' }]) {
      assert.throws(() => parseCompareMessage(bad), ProtocolError, JSON.stringify(bad));
    }
  });

  it('packs the histories of many runs into three columns and back', () => {
    const a = { runId: id(1), total: 3, steps: Float64Array.of(0, 1, 2), times: Float64Array.of(10, 11, 12), values: Float64Array.of(0.5, NaN, 0.25) };
    const b = { runId: id(2), total: 9, steps: Float64Array.of(5), times: Float64Array.of(15), values: Float64Array.of(-Infinity) };
    const empty = { runId: id(3), total: 0, steps: new Float64Array(0), times: new Float64Array(0), values: new Float64Array(0) };
    const p = packHistories('loss', [a, empty, b]);
    assert.deepEqual(p.offsets, [0, 3, 3, 4]);
    assert.deepEqual([...p.values], [0.5, NaN, 0.25, -Infinity]);
    assert.deepEqual(unpackHistories(p), [a, empty, b]);
  });

  it('reads back the saved panel state after a reload, and nothing else', () => {
    assert.deepEqual(comparePanelStateFrom({ runIds: [id(1), id(2), id(1)], follow: false, ui: {} }), { runIds: [id(1), id(2)], follow: false });
    assert.deepEqual(comparePanelStateFrom({ runIds: [id(1)] }), { runIds: [id(1)], follow: true });
    assert.equal(comparePanelStateFrom({ runIds: ['<script>'] }), undefined);
    assert.equal(comparePanelStateFrom(undefined), undefined);
    assert.equal(comparePanelStateFrom({ runId: id(1) }), undefined);
  });
});

describe('comparison webview helpers', () => {
  it('labels runs by name, adding the short id where two share a name', () => {
    assert.deepEqual(runLabels([{ id: id(1), displayName: 'a' }, { id: id(2), displayName: 'b' }, { id: 'ab12cd34ef', displayName: 'a' }]),
      [`a (${id(1).slice(0, 8)})`, 'b', 'a (ab12cd34)']);
    assert.equal(baselineIndex([{ id: 'x' }, { id: 'y' }], 'y'), 1);
    assert.equal(baselineIndex([{ id: 'x' }, { id: 'y' }], 'gone'), 0);
  });

  it('builds the metric rows: best by direction, deltas to the baseline, a missing metric as NaN', async () => {
    const { store, ids } = await titanic();
    const s = buildCompareState(store, ids, true);
    const rows = metricRows(s, 'last');
    const acc = rows.find((r) => r.key === 'accuracy')!;
    assert.deepEqual(acc.best, [1], 'depth 5 has the best accuracy');
    assert.equal(acc.common, false);
    assert.ok(Number.isNaN(acc.values[3]));
    const d = metricDelta(acc, 1, 0)!;
    assert.ok(Math.abs(d.abs - 0.03) < 1e-12);
    assert.equal(metricDelta(acc, 0, 0), null, 'no delta for the baseline itself');
    assert.equal(metricDelta(acc, 3, 0), null, 'no delta where the metric is missing');
    const single = metricRows({ runs: s.runs.slice(0, 2).map((r, i) => ({ ...r, metrics: i ? [] : r.metrics })), directions: s.directions }, 'last');
    assert.deepEqual(single.find((r) => r.key === 'accuracy')!.best, [], 'no best among one run');
    const loss = metricRows(s, 'best').find((r) => r.key === 'loss')!;
    assert.deepEqual(loss.best, [1]);
    assert.equal(loss.values[1], 0.9 - 0.83);
    const labels = runLabels(s.runs);
    const csv = metricsCsv(s.runs, labels, rows, 0);
    assert.match(csv, /^metric,direction,run,run_id,last,best,points,delta_to_baseline,relative_delta,best_run,baseline\r\n/);
    assert.match(csv, new RegExp(`accuracy,max,tree depth 5,${ids[2]},0\\.83,0\\.83,1,0\\.0299`));
  });

  it('puts the algorithm first and keeps only the parameters that differ', async () => {
    const { store, ids } = await titanic();
    const s = buildCompareState(store, ids.slice(0, 3), true);
    const { algorithm, params } = paramRows(s.runs);
    assert.equal(algorithm.differs, false);
    assert.deepEqual(params.filter((p) => p.differs).map((p) => p.key), ['maxDepth']);
    const csv = paramsCsv(s.runs, runLabels(s.runs), [algorithm, ...params]);
    assert.match(csv, /^parameter,tree depth 3,tree depth 5,tree depth 8,differs\r\nrun_id,/);
    assert.match(csv, /\r\nmaxDepth,3,5,8,yes\r\n/);
    assert.equal(matchesFilter('maxDepth', 'max DEP'), true);
    assert.equal(matchesFilter('maxDepth', 'min'), false);
  });

  it('finds the datasets and the columns logged by several runs', () => {
    const dist = { kind: 'numeric' as const, column: 'Age', total: 1, nulls: 0, edges: [0, 1], counts: [1], quantiles: [] };
    const runs = [
      { datasets: [profile('a')], distributions: [{ dataset: 'train.csv', distribution: dist }] },
      { datasets: [], distributions: [{ dataset: 'train.csv', distribution: dist }, { dataset: 'extra', distribution: { ...dist, column: 'Fare' } }] },
    ] as unknown as CompareRun[];
    assert.deepEqual(datasetNames(runs), ['train.csv', 'extra']);
    assert.deepEqual(sharedColumns(runs, 'train.csv'), [{ column: 'Age', runs: [0, 1] }]);
    assert.deepEqual(['A', 'B', 'Z', 'AA', 'AB'], [0, 1, 25, 26, 27].map(versionName));
  });

  it('writes signs and relative changes readably', () => {
    assert.equal(signed(0.0123), '+0.0123');
    assert.equal(signed(-2), '−2');
    assert.equal(deltaText({ abs: 0.03, rel: 0.0375 }), '+0.03 (+3.75 %)');
    assert.equal(deltaText({ abs: -5, rel: -0.5 }), '−5 (−50.0 %)');
    assert.equal(deltaText({ abs: 3, rel: null }), '+3');
    assert.equal(deltaText({ abs: 0, rel: 0 }), '±0');
  });

  it('reads saved view settings leniently', () => {
    assert.deepEqual(parseCompareUi(undefined), DEFAULT_UI);
    const ui = parseCompareUi({ baseline: id(1), onlyDiffers: false, valueKind: 'best', smoothing: 5, hidden: [id(2), 3], normalization: 'row', compared: { k: id(3), bad: 1 } });
    assert.equal(ui.baseline, id(1));
    assert.equal(ui.onlyDiffers, false);
    assert.equal(ui.valueKind, 'best');
    assert.equal(ui.smoothing, DEFAULT_UI.smoothing);
    assert.deepEqual(ui.hidden, [id(2)]);
    assert.equal(ui.normalization, 'row');
    assert.deepEqual(ui.compared, { k: id(3) });
  });
});

describe('comparison charts', () => {
  const colors = { series: ['#1', '#2', '#3', '#4', '#5', '#6'], kind: 'dark' } as unknown as ChartColors;

  it('gives 100 runs 100 colours, the theme’s six first', () => {
    const p = runPalette(100, colors);
    assert.equal(p.length, 100);
    assert.deepEqual(p.slice(0, 6), colors.series);
    assert.equal(new Set(p).size, 100);
    assert.deepEqual(runPalette(2, colors), ['#1', '#2']);
  });

  it('scales parallel-coordinate axes, logarithmically across orders of magnitude', () => {
    const lr = axisScale([1e-4, 1e-3, 1e-1, NaN]);
    assert.equal(lr.log, true);
    assert.ok(Math.abs(axisPosition(1e-3, lr) - 1 / 3) < 1e-12);
    const depth = axisScale([3, 5, 8]);
    assert.deepEqual(depth, { lo: 3, hi: 8, log: false });
    assert.equal(axisPosition(5, depth), 0.4);
    assert.deepEqual(axisScale([2, 2]), { lo: 1.8, hi: 2.2, log: false });
    assert.deepEqual(goodness([0.8, 0.9, NaN], 'max').slice(0, 2), [0, 1]);
    assert.deepEqual(goodness([0.8, 0.9], 'min'), [1, 0]);
  });
});
