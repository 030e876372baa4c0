import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MIGRATIONS, SCHEMA_VERSION } from '../../../src/store/schema';
import { loadSqlJs } from '../../../src/store/sqljs';
import { TrackingStore } from '../../../src/store/store';

describe('store migrations', () => {
  it('upgrades a version 1 database in place, keeping its runs', async () => {
    const SQL = await loadSqlJs();
    const old = new SQL.Database();
    old.exec(MIGRATIONS[0].sql);
    old.run("INSERT INTO meta (key, value) VALUES ('schema_version', '1')");
    old.run("INSERT INTO experiments (id, name, created_at) VALUES ('e1', 'Titanic', 1)");
    old.run("INSERT INTO runs (id, experiment_id, name, status, start_time, source_file, updated_at) VALUES ('r1', 'e1', 'old run', 'finished', 5, 'x.jsonl', 5)");
    const store = TrackingStore.open(SQL, old.export());
    assert.equal(store.db.exec("SELECT value FROM meta WHERE key = 'schema_version'")[0].values[0][0], String(SCHEMA_VERSION));
    const run = store.getRun('r1')!;
    assert.equal(run.name, 'old run');
    assert.equal(run.origin, 'native');
    assert.equal(store.listExperiments()[0].origin, 'native');
  });
});
