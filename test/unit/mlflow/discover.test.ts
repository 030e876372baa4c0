import assert from 'node:assert/strict';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, describe, it } from 'node:test';
import { findMlflowStores } from '../../../src/core/mlflow/discover';
import { CRYPTO_DB, copyFixture, LOGLABS, PACKT, removeTempDirs, tempDir } from './helpers';

after(removeTempDirs);

function put(file: string, content: string | Buffer): void {
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, content);
}

/** A workspace with real stores where users keep them, decoys, and folders that must be skipped. */
function workspace(): string {
  const ws = tempDir('mlflow-ws-');
  copyFixture(PACKT, 'mlruns', ws);
  mkdirSync(join(ws, 'experiments/old/deep'), { recursive: true });
  copyFixture(LOGLABS, 'mlruns', join(ws, 'experiments/old/deep'));
  copyFixture(CRYPTO_DB, 'mlflow.db', ws);
  copyFixture(CRYPTO_DB, 'mlruns.db', join(ws, 'backtests'));
  // Decoys: a text file named mlflow.db, an empty mlruns, an mlruns with no experiment meta, a random .db.
  put(join(ws, 'notes/mlflow.db'), 'just a note, not SQLite');
  mkdirSync(join(ws, 'empty/mlruns'), { recursive: true });
  put(join(ws, 'other/mlruns/readme.txt'), 'not a store');
  copyFixture(CRYPTO_DB, 'tracking.sqlite', join(ws, 'data'));
  // Skipped folders, each with a real store inside.
  for (const skip of ['node_modules/pkg', '.git', '.mlops', '.venv/lib', 'venv', 'src/__pycache__']) {
    copyFixture(PACKT, 'mlruns', join(ws, skip));
    copyFixture(CRYPTO_DB, 'mlflow.db', join(ws, skip));
  }
  return ws;
}

const rel = (ws: string, found: { kind: string; path: string }[]): [string, string][] =>
  found.map((f) => [f.kind, relative(ws, f.path).split('\\').join('/')]);

describe('finding MLflow stores in a workspace', () => {
  it('finds mlruns folders and SQLite mlflow.db / mlruns.db files, skipping decoys and tool folders', async () => {
    const ws = workspace();
    assert.deepEqual(rel(ws, await findMlflowStores(ws, {})), [
      ['sqlite', 'backtests/mlruns.db'],
      ['file', 'experiments/old/deep/mlruns'],
      ['sqlite', 'mlflow.db'],
      ['file', 'mlruns'],
    ]);
  });

  it('honours maxDepth', async () => {
    const ws = workspace();
    assert.deepEqual(rel(ws, await findMlflowStores(ws, { maxDepth: 0 })), [['sqlite', 'mlflow.db'], ['file', 'mlruns']]);
    assert.deepEqual(rel(ws, await findMlflowStores(ws, { maxDepth: 1 })),
      [['sqlite', 'backtests/mlruns.db'], ['sqlite', 'mlflow.db'], ['file', 'mlruns']]);
  });

  it('takes extra paths: a store of any name, a SQLite file of any name, or a folder to search', async () => {
    const ws = workspace();
    const outside = tempDir('mlflow-extra-');
    cpSync(LOGLABS, join(outside, 'tracking'), { recursive: true });
    copyFixture(CRYPTO_DB, 'runs.sqlite', outside);
    copyFixture(PACKT, 'mlruns', join(outside, 'team'));
    const found = await findMlflowStores(ws, {
      maxDepth: 0,
      extraPaths: [join(outside, 'tracking'), join(outside, 'runs.sqlite'), join(outside, 'team'), 'data/tracking.sqlite', 'no/such/path'],
    });
    const expected: [string, string][] = [
      ['sqlite', join(ws, 'data/tracking.sqlite')], // relative extra paths resolve against the root
      ['sqlite', join(ws, 'mlflow.db')],
      ['file', join(ws, 'mlruns')],
      ['sqlite', join(outside, 'runs.sqlite')],
      ['file', join(outside, 'team/mlruns')], // a folder to search
      ['file', join(outside, 'tracking')], // a file store not named mlruns
    ];
    assert.deepEqual(found.map((f) => [f.kind, f.path]), expected.sort((x, y) => (x[1] < y[1] ? -1 : 1)));
  });

  it('a workspace opened on the mlruns folder itself is that store', async () => {
    const root = copyFixture(LOGLABS, 'mlruns');
    assert.deepEqual(await findMlflowStores(root, {}), [{ kind: 'file', path: root }]);
  });

  it('stops when aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(findMlflowStores(workspace(), { signal: ac.signal }), { name: 'AbortError' });
  });
});
