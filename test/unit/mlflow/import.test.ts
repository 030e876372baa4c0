// Importing MLflow runs into the native event log: the same run ids, and a store rebuilt from the logs
// alone reproduces them as they are on disk. Also the CLI (`mlops import`, `mlops runs --json`).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SqlJsStatic } from 'sql.js';
import { parseEvent, type TrackingEvent } from '../../../src/ingest/events';
import { ingestLogs } from '../../../src/ingest/tailer';
import { importMlflowPath, mlflowRunEvents, nativeRunIds, paramValue } from '../../../src/store/mlflowImport';
import { syncMlflowStores } from '../../../src/store/mlflowSync';
import { loadSqlJs } from '../../../src/store/sqljs';
import { TrackingStore } from '../../../src/store/store';
import { CRYPTO_DB, PACKT, copyFixture, miniMetric, miniRuns, miniValues, removeTempDirs, tempDir } from './helpers';

after(removeTempDirs);

const REPO = join(__dirname, '../../..');
let SQL: SqlJsStatic;
before(async () => {
  SQL = await loadSqlJs();
});

function workspace(): { ws: string; packt: string; db: string } {
  const ws = tempDir('mlflow-import-');
  mkdirSync(join(ws, 'notebooks'));
  return { ws, packt: copyFixture(PACKT, 'mlruns', join(ws, 'notebooks')), db: copyFixture(CRYPTO_DB, 'mlflow.db', ws) };
}

/** A store built from the event logs alone. */
function rebuilt(ws: string): TrackingStore {
  const store = TrackingStore.open(SQL);
  const res = ingestLogs(store, ws, join(ws, '.mlops/runs'));
  assert.deepEqual(res.problems, []);
  return store;
}

function logFiles(ws: string): string[] {
  const dir = join(ws, '.mlops/runs');
  return readdirSync(dir).flatMap((d) => readdirSync(join(dir, d)).map((f) => join(dir, d, f)));
}

function eventsOf(file: string): TrackingEvent[] {
  return readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => parseEvent(l));
}

function cli(ws: string, ...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'src/cli.ts'), ...args, '--workspace', ws], { cwd: REPO, encoding: 'utf8' });
}

describe('MLflow import', () => {
  it('writes a file store\'s runs as native events with the same ids; a rebuild reproduces them as on disk', async () => {
    const { ws, packt } = workspace();
    const res = await importMlflowPath(ws, packt, { SQL });
    const onDisk = miniRuns(packt);
    assert.deepEqual(res.imported.sort(), onDisk.map((r) => r.meta.run_id).sort());
    assert.deepEqual(res.errors, []);
    assert.equal(res.store, 'notebooks/mlruns');
    assert.deepEqual(res.experiments, ['dl_model_chapter02']);

    // One file per run, every line a valid event (parseEvent validates all fields).
    for (const d of onDisk) {
      const file = logFiles(ws).find((f) => f.endsWith(`${d.meta.run_id}.jsonl`));
      assert.ok(file, d.meta.run_id);
      const events = eventsOf(file);
      assert.deepEqual([...new Set(events.map((e) => e.type))], ['run_created', 'params', 'tag', 'metric', 'run_ended']);
      const tagKeys = events.filter((e) => e.type === 'tag').map((e) => (e as { key: string }).key);
      assert.ok(!tagKeys.includes('mlflow.log-model.history'), 'MLflow bookkeeping tags are left out');
      assert.ok(tagKeys.includes('mlflow.runName') && tagKeys.includes('mlflow.user') && tagKeys.includes('mlflow.source.git.commit'));
    }

    const store = rebuilt(ws);
    for (const d of onDisk) {
      const detail = store.getRunDetail(d.meta.run_id)!;
      assert.equal(detail.origin, 'native');
      assert.equal(detail.experimentName, 'dl_model_chapter02');
      const tags = miniValues(join(d.dir, 'tags'));
      assert.equal(detail.name, tags['mlflow.runName']);
      assert.equal(detail.status, 'finished');
      assert.equal(detail.startTime, Number(d.meta.start_time));
      assert.equal(detail.endTime, Number(d.meta.end_time));
      assert.equal(detail.git?.commit, tags['mlflow.source.git.commit']);
      assert.equal(detail.tags.Mode, tags.Mode);
      const params = miniValues(join(d.dir, 'params'));
      for (const [k, v] of Object.entries(params)) assert.equal(detail.params[k], /^[-+]?[\d.]+(e[-+]?\d+)?$/i.test(v) ? Number(v) : v, k);
      assert.equal(detail.params.betas, '(0.9, 0.999)');
      assert.equal(detail.params.eps, 1e-8);
      for (const key of Object.keys(miniValues(join(d.dir, 'metrics')))) {
        const points = miniMetric(join(d.dir, 'metrics', key));
        assert.deepEqual(store.metricHistory(d.meta.run_id, key).map((p) => [p.step, p.timestamp, p.value]), points, key);
        assert.equal(detail.metrics.find((m) => m.key === key)!.last, points.at(-1)![2]);
      }
    }
  });

  it('imports the SQLite store: 39 runs, 26 finished and 13 failed, 227 metric points', async () => {
    const { ws, db } = workspace();
    const res = await importMlflowPath(ws, db, { SQL });
    assert.equal(res.imported.length, 39);
    assert.equal(res.metricPoints, 227);
    const store = rebuilt(ws);
    const exp = store.listExperiments().find((e) => e.name === 'Crypto Backtesting')!;
    assert.equal(exp.origin, 'native');
    const runs = store.listRuns(exp.id);
    assert.equal(runs.length, 39);
    assert.equal(runs.filter((r) => r.status === 'finished').length, 26);
    assert.equal(runs.filter((r) => r.status === 'failed').length, 13);
    assert.equal(store.countMetricPoints(), 227);
  });

  it('skips runs imported before and says how many; writes nothing again', async () => {
    const { ws, db } = workspace();
    await importMlflowPath(ws, db, { SQL });
    const sizes = logFiles(ws).map((f) => statSync(f).size);
    const again = await importMlflowPath(ws, db, { SQL });
    assert.equal(again.imported.length, 0);
    assert.equal(again.alreadyImported.length, 39);
    assert.deepEqual(logFiles(ws).map((f) => statSync(f).size), sizes);
  });

  it('a run with an over-long parameter is reported by run and parameter and skipped; the others are imported', async () => {
    const { ws, packt } = workspace();
    const [bad, good] = miniRuns(packt);
    writeFileSync(join(bad.dir, 'params', 'prompt'), 'x'.repeat(8001));
    const res = await importMlflowPath(ws, packt, { SQL });
    assert.deepEqual(res.imported, [good.meta.run_id]);
    assert.equal(res.errors.length, 1);
    assert.equal(res.errors[0].runId, bad.meta.run_id);
    assert.match(res.errors[0].message, new RegExp(`run "chapter02" \\(${bad.meta.run_id}\\): parameter "prompt" is 8001 characters long, more than the 8000`));
    assert.ok(!nativeRunIds(join(ws, '.mlops/runs')).has(bad.meta.run_id), 'nothing of that run was written');
  });

  it('imports only the runs asked for; an unknown run id is an error and nothing is written', async () => {
    const { ws, packt } = workspace();
    const [a] = miniRuns(packt);
    await assert.rejects(importMlflowPath(ws, packt, { SQL, runIds: [a.meta.run_id, 'no-such-run'] }), { name: 'MLOpsError', message: /has no run "no-such-run"; nothing was imported/ });
    assert.ok(!existsSync(join(ws, '.mlops')));
    const res = await importMlflowPath(ws, packt, { SQL, runIds: [a.meta.run_id] });
    assert.deepEqual(res.imported, [a.meta.run_id]);
    assert.deepEqual([...nativeRunIds(join(ws, '.mlops/runs'))], [a.meta.run_id]);
  });

  it('keeps NaN and ±Infinity, deleted runs stay deleted, notes and running runs come across', async () => {
    const { ws, packt } = workspace();
    const [a, b] = miniRuns(packt);
    writeFileSync(join(a.dir, 'metrics', 'odd'), '1000 nan 0\n1001 inf 1\n1002 -inf 2\n1003 0.5 3\n');
    writeFileSync(join(a.dir, 'tags', 'mlflow.note.content'), 'tried **Adam**');
    const metaB = join(b.dir, 'meta.yaml');
    writeFileSync(metaB, readFileSync(metaB, 'utf8').replace('lifecycle_stage: active', 'lifecycle_stage: deleted').replace('status: 3', 'status: 1'));
    await importMlflowPath(ws, packt, { SQL });
    const store = rebuilt(ws);
    assert.deepEqual(store.metricHistory(a.meta.run_id, 'odd').map((p) => p.value), [NaN, Infinity, -Infinity, 0.5]);
    assert.equal(store.getRunDetail(a.meta.run_id)!.note, 'tried **Adam**');
    const deleted = store.getRun(b.meta.run_id)!;
    assert.equal(deleted.deleted, true);
    assert.equal(deleted.status, 'running');
  });

  it('a foreign copy becomes the native run after ingest, and later syncs do not show it twice', async () => {
    const { ws, packt } = workspace();
    const store = TrackingStore.open(SQL);
    await syncMlflowStores(store, ws, { SQL });
    const [a] = miniRuns(packt);
    assert.equal(store.getRun(a.meta.run_id)!.origin, 'mlflow:notebooks/mlruns');
    await importMlflowPath(ws, packt, { SQL });
    ingestLogs(store, ws, join(ws, '.mlops/runs'));
    assert.equal(store.getRun(a.meta.run_id)!.origin, 'native');
    const res = await syncMlflowStores(store, ws, { SQL, only: ['notebooks/mlruns'] });
    assert.equal(res.stores[0].imported, 2);
    assert.equal(res.stores[0].runs, 0);
    // The experiment whose runs were all imported leaves the store's group; the empty "Default" stays.
    assert.deepEqual(store.listExperiments().filter((e) => e.origin === 'mlflow:notebooks/mlruns').map((e) => e.name), ['Default']);
    assert.equal(store.getRun(a.meta.run_id)!.origin, 'native');
    assert.equal(store.listExperiments().find((e) => e.name === 'dl_model_chapter02')!.runCount, 2);
  });

  it('maps param values: decimal numbers become numbers, everything else stays text', () => {
    assert.equal(paramValue('0.01'), 0.01);
    assert.equal(paramValue('-3'), -3);
    assert.equal(paramValue('1e-08'), 1e-8);
    for (const text of ['0x10', ' 1', 'inf', 'nan', 'True', '(0.9, 0.999)', '', '1e400', '1.0\n']) assert.equal(paramValue(text), text);
  });

  it('refuses a run id that cannot name a log file', () => {
    const run = { runId: '../escape', experimentId: '0', name: null, status: 'finished' as const, mlflowStatus: 'FINISHED', startTime: 1, endTime: 2, lifecycleStage: 'active' as const, params: {}, tags: {}, metrics: {}, datasets: [] };
    assert.throws(() => mlflowRunEvents(run, 'e', false, 1), /run \(\.\.\/escape\): the run id is not 1 to 64 letters/);
  });

  it('CLI: `mlops runs --json` lists MLflow runs with their origin; `mlops import` makes them native', () => {
    const { ws, packt, db } = workspace();
    let r = cli(ws, 'runs', '--json');
    assert.equal(r.status, 0, r.stderr);
    type Listed = { name: string; origin: string; runs: { id: string; origin: string; status: string; metrics: Record<string, number | string> }[] }[];
    let listed = JSON.parse(r.stdout) as Listed;
    const crypto = listed.find((e) => e.name === 'Crypto Backtesting')!;
    assert.equal(crypto.origin, 'mlflow:mlflow.db');
    assert.equal(crypto.runs.length, 39);
    assert.ok(crypto.runs.every((x) => x.origin === 'mlflow:mlflow.db'));
    const chapter = listed.find((e) => e.name === 'dl_model_chapter02')!;
    assert.equal(chapter.origin, 'mlflow:notebooks/mlruns');
    assert.equal(chapter.runs.find((x) => x.id === '34e6c900bbec484aa32ca9a4827a0c85')!.metrics.test_accuracy, 0.6639999747276306);

    r = cli(ws, 'import', packt);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^imported 2 runs \(20 metric points\) from notebooks\/mlruns into \.mlops\/runs\//);
    r = cli(ws, 'import', packt);
    assert.match(r.stdout, /imported 0 runs .*; 2 already imported/);
    r = cli(ws, 'runs', '--json');
    listed = JSON.parse(r.stdout) as Listed;
    const native = listed.find((e) => e.name === 'dl_model_chapter02' && e.origin === 'native')!;
    assert.equal(native.runs.length, 2);
    assert.ok(native.runs.every((x) => x.origin === 'native'));
    assert.ok(!listed.some((e) => e.name === 'dl_model_chapter02' && e.origin !== 'native'), 'no read-only copy left');
    assert.equal(listed.find((e) => e.name === 'Crypto Backtesting')!.origin, 'mlflow:mlflow.db');

    appendFileSync(join(ws, 'not-a-store.txt'), 'hello\n');
    r = cli(ws, 'import', join(ws, 'not-a-store.txt'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /not-a-store\.txt is not an MLflow store/);
    r = cli(ws, 'import', db, '--run', 'nope');
    assert.equal(r.status, 1);
    assert.match(r.stderr, /has no run "nope"/);
  });
});
