// MLflow stores in a real VS Code: the real fixture stores are copied into the workspace, the file
// watcher reads them into the Runs view (one group per store), edits are refused, and "Import MLflow Runs"
// turns a store's runs into native, editable runs.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MlopsApi } from '../../src/extension/app';
import type { ExplorerNode } from '../../src/extension/explorer/tree';
import type { MlflowImportResult } from '../../src/store/mlflowImport';
import { testEnv } from './env';

const EXTENSION_ID = 'mlops-tracking.mlops-tracking';
const PACKT_RUN = '34e6c900bbec484aa32ca9a4827a0c85';
let api: MlopsApi;
let ws: string;

async function until<T>(what: string, fn: () => T | Promise<T>, ok: (x: T) => boolean, ms = 15000): Promise<T> {
  const end = Date.now() + ms;
  let last: T = await fn();
  while (!ok(last)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await fn();
  }
  return last;
}

interface StoreView { origin: string; label: string; description: string; context: string; experiments: { name: string; description: string; context: string; runs: { id: string; label: string; context: string }[] }[] }

/** The MLflow groups of the Runs view, as the tree shows them. */
async function stores(): Promise<StoreView[]> {
  const out: StoreView[] = [];
  for (const node of await api.explorerChildren()) {
    if (node.kind !== 'store') continue;
    const item = api.explorerItem(node);
    const experiments = [];
    for (const e of await api.explorerChildren(node)) {
      if (e.kind !== 'experiment') continue;
      const ei = api.explorerItem(e);
      const runs = (await api.explorerChildren(e)).filter((r): r is Extract<ExplorerNode, { kind: 'run' }> => r.kind === 'run')
        .map((r) => { const ri = api.explorerItem(r); return { id: r.run.id, label: String(ri.label), context: String(ri.contextValue) }; });
      experiments.push({ name: e.experiment.name, description: String(ei.description ?? ''), context: String(ei.contextValue), runs });
    }
    out.push({ origin: node.origin, label: String(item.label), description: String(item.description ?? ''), context: String(item.contextValue), experiments });
  }
  return out;
}

const origins = async () => (await stores()).map((s) => s.origin).sort();
const db = async () => (await api.service()).db;

suite('MLflow stores', function () {
  // The file watcher (and the 2 s poll behind it) takes a few seconds per step on a busy machine.
  this.timeout(60_000);

  suiteSetup(async () => {
    ws = testEnv().workspace;
    api = await vscode.extensions.getExtension<MlopsApi>(EXTENSION_ID)!.activate();
    await api.service(); // the store is open: from now on the watcher follows MLflow stores
    // Whatever an earlier suite left in the view: no filter, deleted runs hidden.
    await vscode.commands.executeCommand('mlops.clearFilter');
    await vscode.commands.executeCommand('mlops.hideDeleted');
    const fixtures = path.join(testEnv().repoRoot, 'test/fixtures/mlflow');
    fs.cpSync(path.join(fixtures, 'mlruns/packt-dl-at-scale-ch02'), path.join(ws, 'notebooks/mlruns'), { recursive: true });
    fs.copyFileSync(path.join(fixtures, 'mlflow-sqlite/crypto-backtesting.mlflow.db'), path.join(ws, 'mlflow.db'));
  });

  suiteTeardown(async () => {
    fs.rmSync(path.join(ws, 'notebooks'), { recursive: true, force: true });
    fs.rmSync(path.join(ws, 'mlflow.db'), { force: true });
    fs.rmSync(path.join(ws, 'other'), { recursive: true, force: true });
    await until('the MLflow groups to leave', origins, (o) => o.length === 0).catch(() => undefined);
  });

  test('each store is a read-only group with its experiments and run counts', async () => {
    await until('both stores in the Runs view', origins, (o) => o.join() === 'mlflow:mlflow.db,mlflow:notebooks/mlruns');
    const views = await until('every run', stores, (s) => s.reduce((n, x) => n + x.experiments.reduce((k, e) => k + e.runs.length, 0), 0) === 41);
    const notebooks = views.find((s) => s.origin === 'mlflow:notebooks/mlruns')!;
    assert.equal(notebooks.label, 'MLflow: notebooks/mlruns');
    assert.equal(notebooks.context, 'mlflowStore');
    assert.match(notebooks.description, /^2 experiments · read-only/);
    assert.deepEqual(notebooks.experiments.map((e) => [e.name, e.runs.length]).sort(), [['Default', 0], ['dl_model_chapter02', 2]]);
    const chapter = notebooks.experiments.find((e) => e.name === 'dl_model_chapter02')!;
    assert.match(chapter.description, /^2 runs/);
    assert.equal(chapter.context, 'mlflowExperiment');
    assert.deepEqual(chapter.runs.map((r) => r.label), ['chapter02', 'chapter02']);
    assert.ok(chapter.runs.every((r) => r.context === 'mlflowRun.finished'), JSON.stringify(chapter.runs));

    const crypto = views.find((s) => s.origin === 'mlflow:mlflow.db')!;
    const backtests = crypto.experiments.find((e) => e.name === 'Crypto Backtesting')!;
    assert.match(backtests.description, /^39 runs/);
    assert.equal(backtests.runs.filter((r) => r.context === 'mlflowRun.failed').length, 13);
    assert.equal(backtests.runs.filter((r) => r.context === 'mlflowRun.finished').length, 26);
    const detail = (await db()).getRunDetail(PACKT_RUN)!;
    assert.equal(detail.params.betas, '(0.9, 0.999)');
    assert.equal(detail.metrics.find((m) => m.key === 'test_accuracy')!.last, 0.6639999747276306);
  });

  test('an edit on an MLflow run is refused with a message naming the store, and nothing changes', async () => {
    const before = (await db()).getRunDetail(PACKT_RUN)!;
    const res = await vscode.commands.executeCommand<{ error?: string }>('mlops.renameRun', PACKT_RUN, 'renamed');
    assert.match(res?.error ?? '', /comes from the MLflow store notebooks\/mlruns and is read-only/);
    assert.match(res?.error ?? '', /Import MLflow Runs/);
    assert.deepEqual((await db()).getRunDetail(PACKT_RUN), before);
    const runsDir = path.join(ws, '.mlops/runs');
    assert.ok(!fs.existsSync(runsDir) || !fs.readdirSync(runsDir).some((d) => fs.existsSync(path.join(runsDir, d, `${PACKT_RUN}.jsonl`))));
  });

  test('a change in a store is read again by itself: MLflow resumes a run, logs a point, ends it', async () => {
    const runDir = path.join(ws, 'notebooks/mlruns/1', PACKT_RUN);
    const meta = fs.readFileSync(path.join(runDir, 'meta.yaml'), 'utf8');
    fs.writeFileSync(path.join(runDir, 'meta.yaml'), meta.replace('status: 3', 'status: 1'));
    await until('the run to be running again', async () => (await db()).getRun(PACKT_RUN)?.status, (s) => s === 'running');
    fs.appendFileSync(path.join(runDir, 'metrics/test_accuracy'), '1677130886999 0.75 1\n');
    await until('the new point', async () => (await db()).metricHistory(PACKT_RUN, 'test_accuracy').length, (n) => n === 2);
    assert.equal((await db()).metricSummaries(PACKT_RUN).find((m) => m.key === 'test_accuracy')!.last, 0.75);
    fs.writeFileSync(path.join(runDir, 'meta.yaml'), meta);
    await until('the run to be finished again', async () => (await db()).getRun(PACKT_RUN)?.status, (s) => s === 'finished');
  });

  test('"Import MLflow Runs" on one store: its runs become native and editable, the other store stays read-only', async () => {
    const res = await vscode.commands.executeCommand<MlflowImportResult>('mlops.importMlflow', 'notebooks/mlruns');
    assert.equal(res.imported.length, 2, JSON.stringify(res));
    assert.deepEqual(res.errors, []);
    await until('the imported runs to be native', async () => (await db()).getRun(PACKT_RUN)?.origin, (o) => o === 'native');
    const native = (await api.explorerChildren()).find((n): n is Extract<ExplorerNode, { kind: 'experiment' }> => n.kind === 'experiment' && n.experiment.name === 'dl_model_chapter02');
    assert.ok(native, 'a native experiment dl_model_chapter02');
    const runs = await api.explorerChildren(native);
    assert.equal(runs.length, 2);
    for (const r of runs) assert.equal(String(api.explorerItem(r).contextValue), 'run.finished');
    const left = await until('the store group without the imported experiment', stores, (s) => !s.some((x) => x.experiments.some((e) => e.name === 'dl_model_chapter02')));
    assert.ok(left.some((s) => s.origin === 'mlflow:mlflow.db'));
    assert.equal((await db()).metricHistory(PACKT_RUN, 'test_accuracy').length, 2, 'the point added on disk came along');

    const renamed = await vscode.commands.executeCommand<{ name?: string; error?: string }>('mlops.renameRun', PACKT_RUN, 'renamed after import');
    assert.equal(renamed?.error, undefined);
    await until('the rename', async () => (await db()).getRun(PACKT_RUN)?.name, (n) => n === 'renamed after import');

    const again = await vscode.commands.executeCommand<MlflowImportResult>('mlops.importMlflow', 'mlflow:notebooks/mlruns');
    assert.equal(again.imported.length, 0);
    assert.equal(again.alreadyImported.length, 2);
  });

  test('importing from the tree: MLflow run nodes with the selection, only those runs', async () => {
    const crypto = (await api.explorerChildren()).find((n) => n.kind === 'store' && n.origin === 'mlflow:mlflow.db')!;
    const exp = (await api.explorerChildren(crypto)).find((n) => n.kind === 'experiment' && n.experiment.name === 'Crypto Backtesting')!;
    const [a, b] = await api.explorerChildren(exp);
    const res = await vscode.commands.executeCommand<MlflowImportResult>('mlops.importMlflow', a, [a, b]);
    assert.equal(res.imported.length, 2);
    const ids = [a, b].map((n) => (n as Extract<ExplorerNode, { kind: 'run' }>).run.id);
    for (const id of ids) await until(`run ${id} native`, async () => (await db()).getRun(id)?.origin, (o) => o === 'native');
    const count = await until('37 runs left in the store group', async () => (await stores()).find((s) => s.origin === 'mlflow:mlflow.db')?.experiments.find((e) => e.name === 'Crypto Backtesting')?.runs.length, (n) => n === 37);
    assert.equal(count, 37);
  });

  test('bad input: a path that is not a store gets a message naming it, and nothing is written', async () => {
    fs.writeFileSync(path.join(ws, 'notes.txt'), 'hello');
    const res = await vscode.commands.executeCommand<{ error?: string }>('mlops.importMlflow', 'notes.txt');
    assert.match(res?.error ?? '', /notes\.txt is not an MLflow store/);
    const unknown = await vscode.commands.executeCommand<{ error?: string }>('mlops.importMlflow', 'mlflow.db', ['no-such-run']);
    assert.match(unknown?.error ?? '', /has no run "no-such-run"; nothing was imported/);
  });

  test('a store with a broken file still shows its other runs; a rebuild brings the MLflow runs back', async () => {
    const other = path.join(ws, 'other/mlruns');
    fs.cpSync(path.join(testEnv().repoRoot, 'test/fixtures/mlflow/mlruns/loglabs-mltrace'), other, { recursive: true });
    fs.appendFileSync(path.join(other, '0/73d6b9b8993b4593ac0ef30803ec2cea/metrics/foo'), 'this is not a metric line\n');
    const loglabs = async () => (await stores()).find((s) => s.origin === 'mlflow:other/mlruns');
    const view = await until('the third store', loglabs, (s) => (s?.experiments[0]?.runs.length ?? 0) === 47);
    assert.equal(view!.experiments[0].name, 'Default');
    assert.deepEqual((await db()).metricHistory('73d6b9b8993b4593ac0ef30803ec2cea', 'foo').map((p) => p.value), [1, 2]);

    await vscode.commands.executeCommand('mlops.rebuildStore');
    // notebooks/mlruns keeps its group for the empty "Default" experiment MLflow always creates.
    await until('the MLflow groups after the rebuild', origins, (o) => o.join() === 'mlflow:mlflow.db,mlflow:notebooks/mlruns,mlflow:other/mlruns');
    assert.equal((await stores()).find((s) => s.origin === 'mlflow:mlflow.db')!.experiments.find((e) => e.name === 'Crypto Backtesting')!.runs.length, 37);
    assert.equal((await db()).getRun(PACKT_RUN)?.origin, 'native', 'imported runs come back from the logs');
    assert.equal((await db()).getRun(PACKT_RUN)?.name, 'renamed after import');
  });
});
