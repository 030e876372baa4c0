import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { encodeNumber, makeEvent } from '../../../src/ingest/events';
import { ingestLogs } from '../../../src/ingest/tailer';
import { loadSqlJs } from '../../../src/store/sqljs';
import { StoreOpenError, TrackingStore } from '../../../src/store/store';
import { tempWorkspace, writeRun } from '../../helpers/workspace';
import { join } from 'node:path';

describe('tracking store', () => {
  it('ingests a run with params, metrics (NaN and Infinity kept), tags and an end', async () => {
    const SQL = await loadSqlJs();
    const ws = tempWorkspace();
    const { runId, experimentId } = writeRun(ws, 'Titanic', (r) => [
      makeEvent({ type: 'params', runId: r, params: { maxDepth: 5, gain: 'gini', replace: true, seed: null }, algorithm: 'DecisionTreeClassifier' }),
      makeEvent({ type: 'metric', runId: r, key: 'loss', value: 0.9, step: 0, timestamp: 1 }),
      makeEvent({ type: 'metric', runId: r, key: 'loss', value: encodeNumber(NaN), step: 1, timestamp: 2 }),
      makeEvent({ type: 'metric', runId: r, key: 'loss', value: 0.4, step: 2, timestamp: 3 }),
      makeEvent({ type: 'metric', runId: r, key: 'grad', value: encodeNumber(Infinity), step: 0, timestamp: 3 }),
      makeEvent({ type: 'tag', runId: r, key: 'team', value: 'a' }),
      makeEvent({ type: 'run_ended', runId: r, status: 'finished', endTime: Date.now() }),
    ], 'first');
    const store = TrackingStore.open(SQL);
    const res = ingestLogs(store, ws, join(ws, '.mlops/runs'));
    assert.deepEqual(res.problems, []);
    const [exp] = store.listExperiments();
    assert.equal(exp.name, 'Titanic');
    assert.equal(exp.id, experimentId);
    const d = store.getRunDetail(runId)!;
    assert.equal(d.status, 'finished');
    assert.equal(d.name, 'first');
    assert.deepEqual(d.params, { maxDepth: 5, gain: 'gini', replace: true, seed: null });
    assert.equal(d.algorithm, 'DecisionTreeClassifier');
    const loss = d.metrics.find((m) => m.key === 'loss')!;
    assert.equal(loss.count, 3);
    assert.equal(loss.last, 0.4);
    assert.equal(loss.min, 0.4);
    assert.equal(loss.max, 0.9);
    assert.ok(Number.isNaN(store.metricHistory(runId, 'loss')[1].value));
    assert.equal(d.metrics.find((m) => m.key === 'grad')!.last, Infinity);
    assert.deepEqual(d.tags, { team: 'a' });

    // The saved file round-trips, and the aggregates continue from where they were.
    const reopened = TrackingStore.open(SQL, store.export());
    assert.equal(reopened.getRunDetail(runId)!.metrics.find((m) => m.key === 'loss')!.count, 3);
  });

  it('keeps a half-written last line until it is complete, and reports a malformed line with its file and line', async () => {
    const SQL = await loadSqlJs();
    const ws = tempWorkspace();
    const { runId, file } = writeRun(ws, 'Exp');
    appendFileSync(file, 'this is not json\n');
    const full = JSON.stringify(makeEvent({ type: 'metric', runId, key: 'acc', value: 0.5, step: 7, timestamp: 5 }));
    appendFileSync(file, full.slice(0, 20));
    const store = TrackingStore.open(SQL);
    const first = ingestLogs(store, ws, join(ws, '.mlops/runs'));
    assert.equal(first.problems.length, 1);
    assert.match(first.problems[0].file, /Exp-[0-9a-f]{8}\/[0-9a-f]{32}\.jsonl$/);
    assert.equal(first.problems[0].line, 2);
    assert.equal(store.metricSummaries(runId).length, 0);
    appendFileSync(file, full.slice(20) + '\n');
    const second = ingestLogs(store, ws, join(ws, '.mlops/runs'));
    assert.deepEqual(second.problems, []);
    assert.equal(store.metricSummaries(runId)[0].last, 0.5);
    assert.equal(store.metricSummaries(runId)[0].lastStep, 7);
  });

  it('asks for a rebuild when a log got shorter than what was read', async () => {
    const SQL = await loadSqlJs();
    const ws = tempWorkspace();
    const { file } = writeRun(ws, 'Exp');
    const store = TrackingStore.open(SQL);
    ingestLogs(store, ws, join(ws, '.mlops/runs'));
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 10));
    assert.match(ingestLogs(store, ws, join(ws, '.mlops/runs')).rebuildReason ?? '', /shorter/);
  });

  it('refuses a corrupt file and a newer schema with a reason', async () => {
    const SQL = await loadSqlJs();
    assert.throws(() => TrackingStore.open(SQL, new TextEncoder().encode('not a database at all, just text'.repeat(200))),
      (e: unknown) => e instanceof StoreOpenError && e.reason === 'corrupt');
    const s = TrackingStore.open(SQL);
    s.db.run("UPDATE meta SET value = '99' WHERE key = 'schema_version'");
    assert.throws(() => TrackingStore.open(SQL, s.export()), (e: unknown) => e instanceof StoreOpenError && e.reason === 'newer');
  });

  it('reports an event for an unknown run and goes on', async () => {
    const SQL = await loadSqlJs();
    const ws = tempWorkspace();
    const { runId, file } = writeRun(ws, 'Exp');
    appendFileSync(file, JSON.stringify(makeEvent({ type: 'tag', runId: 'nosuchrun', key: 'k', value: 'v' })) + '\n');
    appendFileSync(file, JSON.stringify(makeEvent({ type: 'tag', runId, key: 'k', value: 'v' })) + '\n');
    const store = TrackingStore.open(SQL);
    const res = ingestLogs(store, ws, join(ws, '.mlops/runs'));
    assert.equal(res.problems.length, 1);
    assert.match(res.problems[0].message, /unknown run id "nosuchrun"/);
    assert.equal(res.problems[0].line, 2);
    assert.deepEqual(store.getRunDetail(runId)!.tags, { k: 'v' });
  });
});
