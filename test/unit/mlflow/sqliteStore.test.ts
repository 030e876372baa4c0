import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { SqlJsStatic } from 'sql.js';
import { readSqliteStore } from '../../../src/core/mlflow/sqliteStore';
import type { MlflowStore } from '../../../src/core/mlflow/model';
import { loadSqlJs } from '../../../src/store/sqljs';
import { CRYPTO_DB, encodeValue, oracleUnavailable, plain, runOracle, removeTempDirs, tempDir } from './helpers';

after(removeTempDirs);

let SQL: SqlJsStatic;
before(async () => {
  SQL = await loadSqlJs();
});

/** A temp copy of the real store with some SQL applied (sql.js writes the copy, never the fixture). */
function alteredCopy(sql: string, name = 'mlflow.db'): string {
  const db = new SQL.Database(readFileSync(CRYPTO_DB));
  db.exec(sql);
  const file = join(tempDir(), name);
  writeFileSync(file, db.export());
  db.close();
  return file;
}

/** A database built from scratch, for schemas and values the real store does not have. */
function builtDb(sql: string): string {
  const db = new SQL.Database();
  db.exec(sql);
  const file = join(tempDir(), 'mlflow.db');
  writeFileSync(file, db.export());
  db.close();
  return file;
}

function counts(store: MlflowStore): { metrics: number; params: number; tags: number } {
  let metrics = 0;
  let params = 0;
  let tags = 0;
  for (const r of store.runs) {
    for (const k in r.metrics) metrics += r.metrics[k].length;
    params += Object.keys(r.params).length;
    tags += Object.keys(r.tags).length;
  }
  return { metrics, params, tags };
}

describe('MLflow SQLite store: the real crypto-backtesting store', () => {
  it('reads 2 experiments, 39 runs (26 FINISHED, 13 FAILED), 227 metrics, 156 params, 195 tags', async () => {
    const store = await readSqliteStore(CRYPTO_DB, SQL);
    assert.deepEqual(store.problems, []);
    assert.equal(store.kind, 'sqlite');
    assert.equal(store.schemaRevision, '5b0e9adcef9c');
    assert.deepEqual(store.experiments.map((e) => [e.experimentId, e.name]), [['0', 'Default'], ['1', 'Crypto Backtesting']]);
    assert.equal(store.experiments[1].artifactLocation, 'file:///C:/Users/dell/Desktop/10Academy/crypto-trading-backtesting/mlruns/1');
    assert.equal(store.runs.length, 39);
    assert.equal(store.runs.filter((r) => r.status === 'finished').length, 26);
    assert.equal(store.runs.filter((r) => r.status === 'failed').length, 13);
    assert.equal(store.runs.filter((r) => r.lifecycleStage === 'active').length, 39);
    assert.deepEqual(counts(store), { metrics: 227, params: 156, tags: 195 });
    assert.ok(store.runs.every((r) => r.artifactUri?.startsWith('file:///C:/')), 'Windows artifact URIs kept verbatim');
  });

  it('agrees row for row with Python\'s sqlite3 (the oracle), names, statuses, params, tags and histories', async (t) => {
    const why = oracleUnavailable();
    if (why) return t.skip(why);
    const store = await readSqliteStore(CRYPTO_DB, SQL);
    const oracle = runOracle('sqlite', CRYPTO_DB);
    assert.deepEqual(store.experiments.map((e) => ({ id: e.experimentId, name: e.name, lifecycle: e.lifecycleStage })), oracle.experiments);
    assert.equal(store.runs.length, oracle.runs.length);
    for (const o of oracle.runs) {
      const r = store.runs.find((x) => x.runId === o.runId);
      assert.ok(r, o.runId);
      assert.equal(r.experimentId, o.experimentId);
      assert.equal(r.mlflowStatus, o.status);
      assert.equal(r.lifecycleStage, o.lifecycle);
      assert.equal(r.name, o.name);
      assert.equal(r.startTime, o.startTime);
      assert.equal(r.endTime, o.endTime);
      assert.deepEqual(plain(r.params), o.params);
      assert.deepEqual(plain(r.tags), o.tags);
      const ours = Object.fromEntries(Object.entries(r.metrics).map(([k, pts]) => [k, pts.map((p) => [p.step, p.timestamp, encodeValue(p.value)])]));
      assert.deepEqual(ours, o.metrics);
    }
    // One run in full, as a reader of the file would see it.
    const sma = store.runs.find((r) => r.name === 'Simple Moving Average Strategy');
    assert.ok(sma);
    assert.equal(sma.params.symbol, 'BTC/USDT');
    assert.equal(sma.git?.commit, sma.tags['mlflow.source.git.commit']);
    assert.equal(sma.user, 'dell');
  });

  it('never writes the database file', async () => {
    const file = alteredCopy('SELECT 1');
    const before_ = readFileSync(file);
    const mtime = statSync(file).mtimeMs;
    await readSqliteStore(file, SQL);
    assert.ok(readFileSync(file).equals(before_));
    assert.equal(statSync(file).mtimeMs, mtime);
  });
});

describe('MLflow SQLite store: schema differences and damage', () => {
  it('an unknown alembic revision still reads everything, with a problem naming the revision', async () => {
    const store = await readSqliteStore(alteredCopy("UPDATE alembic_version SET version_num = 'ffffffffffff'"), SQL);
    assert.equal(store.schemaRevision, 'ffffffffffff');
    assert.equal(store.problems.length, 1);
    assert.equal(store.problems[0].table, 'alembic_version');
    assert.match(store.problems[0].message, /unknown alembic revision "ffffffffffff"/);
    assert.equal(store.runs.length, 39);
    assert.deepEqual(counts(store), { metrics: 227, params: 156, tags: 195 });
  });

  it('a missing table is named in a problem; everything else is read', async () => {
    const store = await readSqliteStore(alteredCopy('DROP TABLE params; DROP TABLE datasets;'), SQL);
    assert.deepEqual(store.problems.map((p) => p.table).sort(), ['datasets', 'params']);
    assert.match(store.problems.find((p) => p.table === 'params')?.message ?? '', /table "params" is missing/);
    assert.equal(store.runs.length, 39);
    assert.deepEqual(counts(store), { metrics: 227, params: 0, tags: 195 });
  });

  it('without the metrics table, the latest values stand in (and say so)', async () => {
    const store = await readSqliteStore(alteredCopy('DROP TABLE metrics'), SQL);
    assert.deepEqual(store.problems.map((p) => p.table), ['metrics', 'latest_metrics']);
    assert.equal(counts(store).metrics, 227); // one point per key in this store
  });

  it('a missing required column skips that table only', async () => {
    const file = alteredCopy('ALTER TABLE tags RENAME COLUMN value TO val');
    const store = await readSqliteStore(file, SQL);
    assert.equal(store.problems.length, 1);
    assert.match(store.problems[0].message, /table "tags" has no column "value"/);
    assert.deepEqual(counts(store), { metrics: 227, params: 156, tags: 0 });
    // The name then comes from runs.name, not from the mlflow.runName tag.
    assert.ok(store.runs.every((r) => r.name !== null));
  });

  it('names come from runs.name when the mlflow.runName tag is absent', async () => {
    const store = await readSqliteStore(alteredCopy("DELETE FROM tags WHERE key = 'mlflow.runName'"), SQL);
    const raw = new SQL.Database(readFileSync(CRYPTO_DB));
    const names = new Map(raw.exec('SELECT run_uuid, name FROM runs')[0].values.map(([id, n]) => [String(id), String(n)]));
    raw.close();
    for (const r of store.runs) assert.equal(r.name, names.get(r.runId));
  });

  it('an old schema (no alembic_version, no step/is_nan, no runs.name, no datasets) reads with MLflow\'s defaults', async () => {
    const file = builtDb(`
      CREATE TABLE experiments (experiment_id INTEGER PRIMARY KEY, name TEXT, artifact_location TEXT, lifecycle_stage TEXT);
      CREATE TABLE runs (run_uuid TEXT PRIMARY KEY, experiment_id INTEGER, status TEXT, start_time BIGINT, end_time BIGINT,
                         lifecycle_stage TEXT, artifact_uri TEXT, user_id TEXT);
      CREATE TABLE metrics (key TEXT, value FLOAT, timestamp BIGINT, run_uuid TEXT);
      CREATE TABLE params (key TEXT, value TEXT, run_uuid TEXT);
      CREATE TABLE tags (key TEXT, value TEXT, run_uuid TEXT);
      INSERT INTO experiments VALUES (0, 'Default', 'file:///C:/mlruns/0', 'active');
      INSERT INTO runs VALUES ('r1', 0, 'KILLED', 100, 200, 'deleted', NULL, ''), ('r2', 0, 'SCHEDULED', 300, NULL, NULL, NULL, NULL);
      INSERT INTO metrics VALUES ('loss', 0.5, 11, 'r1'), ('loss', 0.25, 10, 'r1'), ('loss', NULL, 12, 'r1');
      INSERT INTO tags VALUES ('mlflow.runName', 'old-run', 'r1'), ('mlflow.user', 'ana', 'r1');
    `);
    const store = await readSqliteStore(file, SQL);
    assert.deepEqual(store.problems.map((p) => p.message), ['no alembic_version table (MLflow before 1.0?); read with the tables and columns found']);
    assert.equal(store.schemaRevision, undefined);
    const r1 = store.runs.find((r) => r.runId === 'r1');
    const r2 = store.runs.find((r) => r.runId === 'r2');
    assert.ok(r1 && r2);
    assert.equal(r1.name, 'old-run');
    assert.equal(r1.status, 'killed');
    assert.equal(r1.lifecycleStage, 'deleted');
    assert.equal(r1.user, 'ana');
    assert.deepEqual(r1.metrics.loss.map((p) => [p.step, p.timestamp, p.value]), [[0, 10, 0.25], [0, 11, 0.5], [0, 12, NaN]]);
    assert.equal(r2.name, null);
    assert.equal(r2.status, 'running');
    assert.equal(r2.mlflowStatus, 'SCHEDULED');
    assert.equal(r2.endTime, null);
    assert.equal(r2.lifecycleStage, 'active');
  });

  it('is_nan=1 reads as NaN, ±DBL_MAX as ±Infinity; datasets and inputs give run datasets with their context', async () => {
    const file = alteredCopy(`
      DELETE FROM metrics WHERE run_uuid = (SELECT run_uuid FROM runs ORDER BY run_uuid LIMIT 1);
      INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan)
        SELECT 'm', 0, 5, run_uuid, 2, 1 FROM runs ORDER BY run_uuid LIMIT 1;
      INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan)
        SELECT 'm', 1.7976931348623157e308, 4, run_uuid, 1, 0 FROM runs ORDER BY run_uuid LIMIT 1;
      INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan)
        SELECT 'm', -1.7976931348623157e308, 3, run_uuid, 0, 0 FROM runs ORDER BY run_uuid LIMIT 1;
      INSERT INTO datasets VALUES ('ds-1', 1, 'btc-2023', 'abcd1234', 'local', '{"uri": "data/btc.csv"}',
                                   '{"mlflow_colspec": []}', '{"num_rows": 365}');
      INSERT INTO inputs VALUES ('in-1', 'DATASET', 'ds-1', 'RUN', (SELECT run_uuid FROM runs ORDER BY run_uuid LIMIT 1));
      INSERT INTO input_tags VALUES ('in-1', 'mlflow.data.context', 'training');
      INSERT INTO experiment_tags VALUES ('mlflow.note.content', 'BTC backtests, 2023', 1);
    `);
    const store = await readSqliteStore(file, SQL);
    assert.deepEqual(store.problems, []);
    assert.deepEqual(plain(store.experiments[1].tags), { 'mlflow.note.content': 'BTC backtests, 2023' });
    const first = [...store.runs].sort((a, b) => (a.runId < b.runId ? -1 : 1))[0];
    assert.deepEqual(Object.keys(first.metrics), ['m']);
    assert.deepEqual(first.metrics.m.map((p) => [p.step, p.value]), [[0, -Infinity], [1, Infinity], [2, NaN]]);
    assert.deepEqual(first.datasets.map((d) => ({ ...d, tags: plain(d.tags) })), [{
      name: 'btc-2023', digest: 'abcd1234', sourceType: 'local', source: '{"uri": "data/btc.csv"}',
      schema: '{"mlflow_colspec": []}', profile: '{"num_rows": 365}', context: 'training', tags: { 'mlflow.data.context': 'training' },
    }]);
  });

  it('rows that do not parse or belong to no run are reported, capped, and skipped', async () => {
    const inserts = Array.from({ length: 30 }, (_, i) =>
      `INSERT INTO metrics (key, value, timestamp, run_uuid, step, is_nan) SELECT 'bad${i}', 'not a number', 1, run_uuid, 0, 0 FROM runs LIMIT 1;`).join('\n');
    const file = alteredCopy(`${inserts}
      INSERT INTO params VALUES ('orphan', '1', 'no-such-run');
      PRAGMA ignore_check_constraints = ON;
      UPDATE runs SET status = 'PAUSED' WHERE run_uuid = (SELECT run_uuid FROM runs ORDER BY run_uuid LIMIT 1);`);
    const store = await readSqliteStore(file, SQL);
    const metricProblems = store.problems.filter((p) => p.table === 'metrics');
    assert.equal(metricProblems.length, 21);
    assert.match(metricProblems[0].message, /does not parse/);
    assert.match(metricProblems[20].message, /10 more problems/);
    assert.match(store.problems.find((p) => p.table === 'params')?.message ?? '', /1 row of "params" belong to no run/);
    assert.match(store.problems.find((p) => p.table === 'runs')?.message ?? '', /unknown status "PAUSED"/);
    assert.deepEqual(counts(store), { metrics: 227, params: 156, tags: 195 });
  });

  it('refuses a file that is not SQLite, naming it', async () => {
    const file = join(tempDir(), 'mlflow.db');
    writeFileSync(file, 'not a database at all, just text');
    await assert.rejects(readSqliteStore(file, SQL), /mlflow\.db is not a SQLite database/);
  });

  it('reports a corrupt database with its path', async () => {
    const bytes = readFileSync(CRYPTO_DB);
    const broken = Buffer.concat([bytes.subarray(0, 100), Buffer.alloc(4096, 0x5a)]);
    const file = join(tempDir(), 'mlflow.db');
    writeFileSync(file, broken);
    await assert.rejects(readSqliteStore(file, SQL), /could not be read as an MLflow store/);
  });
});
