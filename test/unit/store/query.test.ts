import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { QueryError, guessDirection, parseQuery } from '../../../src/core/query';
import { makeEvent } from '../../../src/ingest/events';
import { ingestLogs } from '../../../src/ingest/tailer';
import { loadSqlJs } from '../../../src/store/sqljs';
import { TrackingStore } from '../../../src/store/store';
import { bestRunId, listRunItems, primaryMetric } from '../../../src/store/queries/runs';
import { tempWorkspace, writeRun } from '../../helpers/workspace';

describe('run filter language', () => {
  it('parses the documented example', () => {
    const q = parseQuery('metrics.accuracy > 0.8 and params.max_depth = 5 and status = finished');
    assert.deepEqual(q.conditions, [
      { field: { kind: 'metric', name: 'accuracy' }, op: '>', value: 0.8 },
      { field: { kind: 'param', name: 'max_depth' }, op: '=', value: 5 },
      { field: { kind: 'status' }, op: '=', value: 'finished' },
    ]);
  });
  it('reads dotted and quoted names, like, dates', () => {
    const q = parseQuery("params.optimizer.beta1 >= 0.9 and metrics.`val acc` < 1 and name like 'tree%' and started > 2024-01-31");
    assert.equal(q.conditions[0].field.kind === 'param' && q.conditions[0].field.name, 'optimizer.beta1');
    assert.equal(q.conditions[1].field.kind === 'metric' && q.conditions[1].field.name, 'val acc');
    assert.equal(q.conditions[2].op, 'like');
    assert.equal(q.conditions[3].value, '2024-01-31');
  });
  it('says what is wrong with a filter that does not parse', () => {
    const bad: [string, RegExp][] = [
      ['metrics.accuracy >', /ends where a value was expected/],
      ['accuracy > 0.8', /unknown field "accuracy".*metrics\.<name>/],
      ['metrics.accuracy > high', /compared with a number/],
      ['status = done', /one of running, finished, failed, killed/],
      ["name = 'abc", /no closing '/],
      ['metrics.a > 1 or metrics.b > 2', /"or" is not supported/],
      ['metrics.a > 1 metrics.b > 2', /expected "and"/],
      ['started > yesterday', /date such as/],
    ];
    for (const [text, re] of bad) assert.throws(() => parseQuery(text), (e: unknown) => e instanceof QueryError && re.test(e.message), text);
  });
  it('guesses the direction from the name', () => {
    assert.equal(guessDirection('val_loss'), 'min');
    assert.equal(guessDirection('rmse'), 'min');
    assert.equal(guessDirection('accuracy'), 'max');
  });
});

describe('run listing', () => {
  it('filters, sorts and finds the best run in the store', async () => {
    const ws = tempWorkspace();
    const mk = (name: string, acc: number, depth: number, status: 'finished' | 'failed') => writeRun(ws, 'E', (r) => [
      makeEvent({ type: 'params', runId: r, params: { max_depth: depth, kernel: 'rbf' } }),
      makeEvent({ type: 'metric', runId: r, key: 'accuracy', value: acc, step: 0, timestamp: 1 }),
      makeEvent({ type: 'run_ended', runId: r, status, endTime: Date.now() }),
    ], name);
    const a = mk('a', 0.7, 3, 'finished');
    const b = mk('b', 0.9, 5, 'finished');
    mk('c', 0.85, 5, 'failed');
    const store = TrackingStore.open(await loadSqlJs());
    ingestLogs(store, ws, join(ws, '.mlops/runs'));
    const primary = primaryMetric(store, a.experimentId)!;
    assert.deepEqual(primary, { metric: 'accuracy', direction: 'max', explicit: false });
    const names = (q: string, sortBy?: 'name') => listRunItems(store, a.experimentId, { query: parseQuery(q), primary, sort: sortBy ? { key: { by: 'name' }, descending: false } : undefined }).map((r) => r.name);
    assert.deepEqual(names('metrics.accuracy > 0.8 and params.max_depth = 5 and status = finished'), ['b']);
    assert.deepEqual(names('params.max_depth = 5', 'name'), ['b', 'c']);
    assert.deepEqual(names("name like 'a%' and params.kernel = RBF"), ['a']);
    const bySort = listRunItems(store, a.experimentId, { primary, sort: { key: { by: 'metric', metric: 'accuracy' }, descending: true } });
    assert.deepEqual(bySort.map((r) => r.primaryValue), [0.9, 0.85, 0.7]);
    assert.equal(bestRunId(bySort, 'max'), b.runId);
  });
});
