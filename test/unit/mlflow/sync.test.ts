// syncMlflowStores on the real stores: what the tracking store holds after a sync is compared with what is
// on disk, read independently (the tiny file-store reader in helpers.ts, raw SQL on the SQLite file).
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SqlJsStatic, SqlValue } from 'sql.js';
import type { MlflowStore } from '../../../src/core/mlflow/model';
import { openReadOnlyStore } from '../../../src/store/readonly';
import {
  dropMlflowOrigins, foreignExperimentId, originFor, problemLocation, storeFingerprint, storeLabel, syncMlflowStores, toForeign,
} from '../../../src/store/mlflowSync';
import { loadSqlJs } from '../../../src/store/sqljs';
import { TrackingStore } from '../../../src/store/store';
import { CRYPTO_DB, LOGLABS, PACKT, copyFixture, miniExperiments, miniMetric, miniRuns, miniValues, removeTempDirs, tempDir } from './helpers';

after(removeTempDirs);

let SQL: SqlJsStatic;
before(async () => {
  SQL = await loadSqlJs();
});

/** A workspace holding the three real stores where projects keep them. */
function workspace(): { ws: string; packt: string; loglabs: string; db: string } {
  const ws = tempDir('mlflow-ws-');
  mkdirSync(join(ws, 'notebooks'));
  mkdirSync(join(ws, 'old'));
  return {
    ws,
    packt: copyFixture(PACKT, 'mlruns', join(ws, 'notebooks')),
    loglabs: copyFixture(LOGLABS, 'mlruns', join(ws, 'old')),
    db: copyFixture(CRYPTO_DB, 'mlflow.db', ws),
  };
}

/** Rows of a raw query on an MLflow SQLite file (sql.js, no code shared with the reader). */
function rawSql(file: string, sql: string, params: SqlValue[] = []): SqlValue[][] {
  const db = new SQL.Database(readFileSync(file));
  try {
    const st = db.prepare(sql);
    st.bind(params);
    const out: SqlValue[][] = [];
    while (st.step()) out.push(st.get());
    st.free();
    return out;
  } finally {
    db.close();
  }
}

function experimentsOf(store: TrackingStore, origin: string) {
  return store.listExperiments().filter((e) => e.origin === origin);
}

function activeRunsOf(store: TrackingStore, origin: string) {
  return experimentsOf(store, origin).flatMap((e) => store.listRuns(e.id));
}

describe('MLflow sync: the real stores in a workspace', () => {
  it('finds the three stores and shows each one\'s experiments and active runs as on disk', async () => {
    const { ws, packt, loglabs, db } = workspace();
    const store = TrackingStore.open(SQL);
    const res = await syncMlflowStores(store, ws, { SQL });
    assert.deepEqual(res.stores.map((s) => [s.origin, s.kind]).sort(), [
      ['mlflow:mlflow.db', 'sqlite'], ['mlflow:notebooks/mlruns', 'file'], ['mlflow:old/mlruns', 'file'],
    ]);
    assert.deepEqual(store.foreignOrigins().sort(), ['mlflow:mlflow.db', 'mlflow:notebooks/mlruns', 'mlflow:old/mlruns']);
    for (const s of res.stores) assert.deepEqual(s.problems, [], s.origin);

    for (const root of [packt, loglabs]) {
      const origin = originFor(ws, root);
      const exps = miniExperiments(root).filter((e) => (e.meta.lifecycle_stage ?? 'active') === 'active');
      assert.deepEqual(experimentsOf(store, origin).map((e) => e.name).sort(), exps.map((e) => e.meta.name).sort());
      const onDisk = miniRuns(root).filter((r) => r.meta.lifecycle_stage === 'active');
      assert.deepEqual(activeRunsOf(store, origin).map((r) => r.id).sort(), onDisk.map((r) => r.meta.run_id).sort());
    }
    assert.equal(activeRunsOf(store, 'mlflow:old/mlruns').length, 47);
    assert.equal(activeRunsOf(store, 'mlflow:notebooks/mlruns').length, 2);

    const dbExperiments = rawSql(db, "SELECT name FROM experiments WHERE lifecycle_stage = 'active'").map((r) => String(r[0]));
    assert.deepEqual(experimentsOf(store, 'mlflow:mlflow.db').map((e) => e.name).sort(), dbExperiments.sort());
    const dbRuns = rawSql(db, "SELECT run_uuid FROM runs WHERE lifecycle_stage = 'active'").map((r) => String(r[0]));
    assert.equal(dbRuns.length, 39);
    assert.deepEqual(activeRunsOf(store, 'mlflow:mlflow.db').map((r) => r.id).sort(), dbRuns.sort());
    // Every run carries its store as its origin.
    assert.ok(activeRunsOf(store, 'mlflow:mlflow.db').every((r) => r.origin === 'mlflow:mlflow.db'));
  });

  it('a file-store run: name, status, params, tags and each metric\'s full history and last value equal the files', async () => {
    const { ws, packt, loglabs } = workspace();
    const store = TrackingStore.open(SQL);
    await syncMlflowStores(store, ws, { SQL });
    for (const d of [...miniRuns(packt), ...miniRuns(loglabs)]) {
      const detail = store.getRunDetail(d.meta.run_id);
      assert.ok(detail, d.meta.run_id);
      const tags = miniValues(join(d.dir, 'tags'));
      assert.equal(detail.name, tags['mlflow.runName'] ?? null);
      assert.equal(d.meta.status, '3');
      assert.equal(detail.status, 'finished');
      assert.equal(detail.startTime, Number(d.meta.start_time));
      assert.equal(detail.endTime, Number(d.meta.end_time));
      assert.equal(detail.git?.commit, tags['mlflow.source.git.commit']);
      assert.deepEqual(detail.tags, tags);
      const params = miniValues(join(d.dir, 'params'));
      assert.deepEqual(Object.keys(detail.params).sort(), Object.keys(params).sort());
      for (const [k, v] of Object.entries(params)) {
        const n = Number(v);
        assert.equal(detail.params[k], v.trim() !== '' && Number.isFinite(n) ? n : v, `param ${k}`);
      }
      const metricsDir = join(d.dir, 'metrics');
      const keys = Object.keys(miniValues(metricsDir));
      assert.deepEqual(detail.metrics.map((m) => m.key).sort(), keys.sort());
      for (const key of keys) {
        const points = miniMetric(join(metricsDir, key)).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
        assert.deepEqual(store.metricHistory(d.meta.run_id, key).map((p) => [p.step, p.timestamp, p.value]), points, key);
        const summary = store.metricSummaries(d.meta.run_id).find((m) => m.key === key);
        assert.equal(summary?.count, points.length);
        assert.equal(summary?.last, points.at(-1)![2]);
      }
    }
    const chapter = store.getRunDetail('34e6c900bbec484aa32ca9a4827a0c85')!;
    assert.equal(chapter.name, 'chapter02');
    assert.equal(chapter.params.betas, '(0.9, 0.999)');
    assert.equal(chapter.params.lr, 0.01);
    assert.equal(chapter.experimentName, 'dl_model_chapter02');
    // The longest history of the real stores, point by point.
    const foo = store.metricHistory('73d6b9b8993b4593ac0ef30803ec2cea', 'foo');
    assert.deepEqual(foo.map((p) => p.value), [1, 2]);
  });

  it('a SQLite-store run: name, status, params and metrics equal the tables (latest_metrics for the last value)', async () => {
    const { ws, db } = workspace();
    const store = TrackingStore.open(SQL);
    await syncMlflowStores(store, ws, { SQL });
    const runs = rawSql(db, 'SELECT run_uuid, name, status, start_time, end_time FROM runs');
    assert.equal(runs.filter((r) => r[2] === 'FAILED').length, 13);
    for (const [id, name, status, start, end] of runs) {
      const runId = String(id);
      const d = store.getRunDetail(runId)!;
      const runName = rawSql(db, "SELECT value FROM tags WHERE run_uuid = ? AND key = 'mlflow.runName'", [runId])[0]?.[0] ?? name;
      assert.equal(d.name, runName);
      assert.equal(d.status, String(status).toLowerCase());
      assert.equal(d.startTime, Number(start));
      assert.equal(d.endTime, end === null ? null : Number(end));
      const params = Object.fromEntries(rawSql(db, 'SELECT key, value FROM params WHERE run_uuid = ?', [runId]).map((r) => [String(r[0]), String(r[1])]));
      assert.deepEqual(Object.keys(d.params).sort(), Object.keys(params).sort());
      for (const [k, v] of Object.entries(params)) {
        const n = Number(v);
        assert.equal(d.params[k], v.trim() !== '' && Number.isFinite(n) ? n : v);
      }
      for (const [key, value, step] of rawSql(db, 'SELECT key, value, step FROM latest_metrics WHERE run_uuid = ?', [runId])) {
        const m = d.metrics.find((x) => x.key === key);
        assert.ok(m, `${runId} ${String(key)}`);
        assert.equal(m.last, Number(value));
        assert.equal(m.lastStep, Number(step));
        const history = rawSql(db, 'SELECT step, timestamp, value FROM metrics WHERE run_uuid = ? AND key = ? ORDER BY step, timestamp', [runId, key])
          .map((r) => [Number(r[0]), Number(r[1]), Number(r[2])]);
        assert.deepEqual(store.metricHistory(runId, String(key)).map((p) => [p.step, p.timestamp, p.value]), history);
      }
    }
    const total = rawSql(db, 'SELECT COUNT(*) FROM metrics')[0][0];
    const ours = activeRunsOf(store, 'mlflow:mlflow.db').reduce((n, r) => n + store.metricSummaries(r.id).reduce((k, m) => k + m.count, 0), 0);
    assert.equal(ours, total);
  });

  it('keeps two stores\' "0 Default" apart with namespaced experiment ids of at most 64 characters', async () => {
    const { ws } = workspace();
    const store = TrackingStore.open(SQL);
    await syncMlflowStores(store, ws, { SQL });
    const defaults = store.listExperiments().filter((e) => e.name === 'Default');
    assert.equal(defaults.length, 3);
    assert.equal(new Set(defaults.map((e) => e.id)).size, 3);
    for (const e of defaults) assert.match(e.id, /^mlflow-[0-9a-f]{8}-0$/);
    assert.equal(foreignExperimentId('mlflow:x', '0'), foreignExperimentId('mlflow:x', '0'));
    const long = foreignExperimentId('mlflow:x', 'e'.repeat(80));
    assert.ok(long.length <= 64);
    assert.notEqual(long, foreignExperimentId('mlflow:x', `${'e'.repeat(79)}f`));
  });

  it('flags deleted runs: hidden from the run list, shown with "Show Deleted"', async () => {
    const { ws, packt } = workspace();
    const [victim] = miniRuns(packt);
    const meta = join(victim.dir, 'meta.yaml');
    writeFileSync(meta, readFileSync(meta, 'utf8').replace('lifecycle_stage: active', 'lifecycle_stage: deleted'));
    const store = TrackingStore.open(SQL);
    const res = await syncMlflowStores(store, ws, { SQL });
    const synced = res.stores.find((s) => s.origin === 'mlflow:notebooks/mlruns')!;
    assert.equal(synced.runs, 1);
    assert.equal(synced.deletedRuns, 1);
    const run = store.getRun(victim.meta.run_id)!;
    assert.equal(run.deleted, true);
    const exp = experimentsOf(store, synced.origin).find((e) => e.name === 'dl_model_chapter02')!;
    assert.equal(exp.runCount, 1);
    assert.deepEqual(store.listRuns(exp.id).map((r) => r.id), [miniRuns(packt)[1].meta.run_id]);
    assert.equal(store.listRuns(exp.id, { includeDeleted: true }).length, 2);
  });

  it('re-reads a store after a change on disk (a new metric line, a new run folder) and drops a store that is gone', async () => {
    const { ws, packt, loglabs } = workspace();
    const store = TrackingStore.open(SQL);
    await syncMlflowStores(store, ws, { SQL });
    const runId = '73d6b9b8993b4593ac0ef30803ec2cea';
    const file = join(loglabs, '0', runId, 'metrics', 'foo');
    appendFileSync(file, '1700000000000 7.5 9\n');
    const only = await syncMlflowStores(store, ws, { SQL, only: [loglabs] });
    assert.deepEqual(only.stores.map((s) => s.origin), ['mlflow:old/mlruns'], 'only that store is read');
    const history = store.metricHistory(runId, 'foo');
    assert.deepEqual(history.map((p) => p.value), [...miniMetric(file)].sort((a, b) => a[0] - b[0]).map((p) => p[2]));
    assert.equal(history.at(-1)!.value, 7.5);
    assert.equal(store.metricSummaries(runId).find((m) => m.key === 'foo')!.last, 7.5);

    // A full sync notices a run added by MLflow, by origin or relative path alike.
    const [model] = miniRuns(packt);
    const copyDir = join(packt, '1', 'f'.repeat(32));
    mkdirSync(copyDir);
    writeFileSync(join(copyDir, 'meta.yaml'), readFileSync(join(model.dir, 'meta.yaml'), 'utf8').replaceAll(model.meta.run_id, 'f'.repeat(32)));
    await syncMlflowStores(store, ws, { SQL, only: ['mlflow:notebooks/mlruns'] });
    assert.equal(activeRunsOf(store, 'mlflow:notebooks/mlruns').length, 3);

    renameSync(loglabs, join(ws, 'old', 'moved-away'));
    const gone = await syncMlflowStores(store, ws, { SQL, only: ['old/mlruns'] });
    assert.deepEqual(gone.removed, ['mlflow:old/mlruns']);
    assert.equal(store.getRun(runId), undefined);
    rmSync(packt, { recursive: true });
    const full = await syncMlflowStores(store, ws, { SQL });
    assert.deepEqual(full.removed, ['mlflow:notebooks/mlruns']);
    assert.deepEqual(store.foreignOrigins(), ['mlflow:mlflow.db']);
  });

  it('a broken store still shows everything else and names what it skipped', async () => {
    const { ws, packt, db } = workspace();
    const [a, b] = miniRuns(packt);
    appendFileSync(join(a.dir, 'metrics', 'train_loss'), 'not a metric line\n');
    writeFileSync(join(b.dir, 'meta.yaml'), 'run_id: [unclosed\n');
    const broken = new SQL.Database(readFileSync(db));
    broken.exec("UPDATE alembic_version SET version_num = 'ffffffffffff'; DROP TABLE params;");
    writeFileSync(db, broken.export());
    broken.close();

    const store = TrackingStore.open(SQL);
    const res = await syncMlflowStores(store, ws, { SQL });
    const file = res.stores.find((s) => s.origin === 'mlflow:notebooks/mlruns')!;
    const where = file.problems.map((p) => problemLocation(storeLabel(ws, file.path), file.kind, p));
    const lines = readFileSync(join(a.dir, 'metrics', 'train_loss'), 'utf8').trimEnd().split('\n').length;
    assert.ok(where.includes(`notebooks/mlruns/1/${a.meta.run_id}/metrics/train_loss:${lines}`), where.join('\n'));
    assert.ok(where.includes(`notebooks/mlruns/1/${b.meta.run_id}/meta.yaml`), where.join('\n'));
    // The readable run is there with its other points; the unreadable one is not.
    assert.ok(store.getRun(a.meta.run_id));
    assert.equal(store.getRun(b.meta.run_id), undefined);
    assert.equal(store.metricHistory(a.meta.run_id, 'train_loss').length, miniMetric(join(a.dir, 'metrics', 'train_loss')).length - 1);

    const sqlite = res.stores.find((s) => s.origin === 'mlflow:mlflow.db')!;
    const messages = sqlite.problems.map((p) => `${problemLocation('mlflow.db', 'sqlite', p)}: ${p.message}`);
    assert.ok(messages.some((m) => /^mlflow\.db \(table alembic_version\): unknown alembic revision "ffffffffffff"/.test(m)), messages.join('\n'));
    assert.ok(messages.some((m) => /^mlflow\.db \(table params\)/.test(m)), messages.join('\n'));
    assert.equal(activeRunsOf(store, 'mlflow:mlflow.db').length, 39, 'every run is still shown');
    assert.deepEqual(store.getRunDetail(activeRunsOf(store, 'mlflow:mlflow.db')[0].id)!.params, {});
  });

  it('a store that cannot be read at all keeps its last rows and says why', async () => {
    const { ws, db } = workspace();
    const store = TrackingStore.open(SQL);
    await syncMlflowStores(store, ws, { SQL });
    const bytes = readFileSync(db);
    writeFileSync(db, Buffer.concat([bytes.subarray(0, 100), Buffer.alloc(4096, 0xab)]));
    const res = await syncMlflowStores(store, ws, { SQL, only: [db] });
    assert.match(res.stores[0].error ?? '', /mlflow\.db/);
    assert.equal(activeRunsOf(store, 'mlflow:mlflow.db').length, 39);
  });

  it('stops when aborted', async () => {
    const { ws } = workspace();
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(syncMlflowStores(TrackingStore.open(SQL), ws, { SQL, signal: controller.signal }), { name: 'AbortError' });
  });

  it('toForeign: a missing start time becomes the earliest metric timestamp; NaN and ±Infinity are kept', () => {
    const metrics = Object.assign(Object.create(null) as MlflowStore['runs'][number]['metrics'], {
      loss: [{ step: 0, timestamp: 500, value: NaN }, { step: 1, timestamp: 400, value: Infinity }, { step: 2, timestamp: 600, value: -Infinity }],
    });
    const mlflow: MlflowStore = {
      kind: 'file', path: '/x/mlruns', problems: [],
      experiments: [
        { experimentId: '0', name: 'Default', lifecycleStage: 'active', tags: {} },
        { experimentId: '7', name: 'gone', lifecycleStage: 'deleted', tags: {} },
      ],
      runs: [
        { runId: 'a'.repeat(32), experimentId: '0', name: null, status: 'killed', mlflowStatus: 'KILLED', startTime: null, endTime: null, lifecycleStage: 'active', params: {}, tags: {}, metrics, datasets: [] },
        { runId: 'b'.repeat(32), experimentId: '7', name: 'in a deleted experiment', status: 'finished', mlflowStatus: 'FINISHED', startTime: 1, endTime: 2, lifecycleStage: 'active', params: {}, tags: {}, metrics: {}, datasets: [] },
      ],
    };
    const rows = toForeign(mlflow, 'mlflow:mlruns');
    assert.deepEqual(rows.experiments.map((e) => e.name), ['Default'], 'deleted experiments are left out, as MLflow\'s UI does');
    assert.equal(rows.runs.length, 1);
    assert.equal(rows.runs[0].startTime, 400);
    assert.equal(rows.runs[0].status, 'killed');
    assert.equal(rows.experiments[0].createdAt, 400);
    const store = TrackingStore.open(SQL);
    store.replaceForeign('mlflow:mlruns', 'mlruns', rows.experiments, rows.runs);
    assert.deepEqual(store.metricHistory('a'.repeat(32), 'loss').map((p) => p.value), [NaN, Infinity, -Infinity]);
  });

  it('openReadOnlyStore (CLI, SDK) includes the MLflow runs, unless told not to; dropMlflowOrigins removes them', async () => {
    const { ws } = workspace();
    const { store, mlflow } = await openReadOnlyStore(ws);
    assert.equal(mlflow?.stores.length, 3);
    assert.equal(activeRunsOf(store, 'mlflow:mlflow.db').length, 39);
    assert.deepEqual(dropMlflowOrigins(store).sort(), ['mlflow:mlflow.db', 'mlflow:notebooks/mlruns', 'mlflow:old/mlruns']);
    assert.equal(store.countRuns(), 0);
    store.close();
    const plain = await openReadOnlyStore(ws, { mlflow: false });
    assert.equal(plain.mlflow, undefined);
    assert.deepEqual(plain.store.foreignOrigins(), []);
    plain.store.close();
  });

  it('reads a store named in extraPaths, whatever its name', async () => {
    const ws = tempDir('mlflow-ws-');
    copyFixture(CRYPTO_DB, 'tracking.sqlite', ws);
    const store = TrackingStore.open(SQL);
    assert.deepEqual((await syncMlflowStores(store, ws, { SQL })).stores, []);
    const res = await syncMlflowStores(store, ws, { SQL, extraPaths: ['tracking.sqlite'] });
    assert.deepEqual(res.stores.map((s) => s.origin), ['mlflow:tracking.sqlite']);
    assert.equal(res.stores[0].runs, 39);
  });

  it('storeFingerprint (polling) changes with a run\'s meta.yaml, a new run folder and a running run\'s metrics, and only then', async () => {
    const { ws, packt, db } = workspace();
    const [a] = miniRuns(packt);
    const meta = join(a.dir, 'meta.yaml');
    writeFileSync(meta, readFileSync(meta, 'utf8').replace('status: 3', 'status: 1'));
    const res = await syncMlflowStores(TrackingStore.open(SQL), ws, { SQL });
    const file = res.stores.find((s) => s.kind === 'file')!;
    assert.deepEqual(file.liveRuns, [`1/${a.meta.run_id}`]);
    const fp = () => storeFingerprint(packt, 'file', file.liveRuns);
    let last = await fp();
    assert.equal(await fp(), last, 'stable while nothing changes');
    const steps: [string, () => void][] = [
      ['a metric point of the running run', () => appendFileSync(join(a.dir, 'metrics', 'train_loss'), '1677130886999 0.5 1\n')],
      ['a new metric of the running run', () => writeFileSync(join(a.dir, 'metrics', 'new_metric'), '1 2 0\n')],
      ['the run\'s meta.yaml', () => writeFileSync(meta, readFileSync(meta, 'utf8').replace('status: 1', 'status: 3'))],
      ['a new run folder', () => mkdirSync(join(packt, '1', 'e'.repeat(32)))],
    ];
    for (const [what, change] of steps) {
      change();
      const now = await fp();
      assert.notEqual(now, last, what);
      last = now;
    }
    assert.equal(await storeFingerprint(join(ws, 'nowhere'), 'file'), 'missing');
    const before = await storeFingerprint(db, 'sqlite');
    writeFileSync(db, Buffer.concat([readFileSync(db), Buffer.alloc(1024)]));
    assert.notEqual(await storeFingerprint(db, 'sqlite'), before);
  });
});
