// The Runs view and the commands, through the real VS Code API: each command is run with
// executeCommand, then the store and the tree's children are checked.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MlopsApi } from '../../src/extension/app';
import type { ExplorerNode } from '../../src/extension/explorer/tree';
import { makeEvent } from '../../src/ingest/events';
import { metric, writeRun } from '../helpers/workspace';
import { testEnv } from './env';

const EXTENSION_ID = 'mlops-tracking.mlops-tracking';
let api: MlopsApi;
let ws: string;

async function until<T>(what: string, fn: () => T | Promise<T>, ok: (x: T) => boolean, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  let last: T = await fn();
  while (!ok(last)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await fn();
  }
  return last;
}

async function tree(): Promise<{ experiment: string; description: string; runs: { label: string; description: string; id: string; context: string }[] }[]> {
  const out = [];
  for (const e of await api.explorerChildren()) {
    const item = api.explorerItem(e);
    const runs = [];
    for (const r of await api.explorerChildren(e)) {
      if (r.kind !== 'run') continue;
      const ri = api.explorerItem(r);
      runs.push({ label: String(ri.label), description: String(ri.description ?? ''), id: r.run.id, context: String(ri.contextValue) });
    }
    out.push({ experiment: String(item.label), description: String(item.description ?? ''), runs });
  }
  return out;
}

const runsOf = async (experiment: string) => (await tree()).find((e) => e.experiment === experiment)?.runs ?? [];
const copyFixture = (rel: string, to: string) => {
  const dest = path.join(ws, to);
  fs.mkdirSync(path.dirname(dest), { recursive: true });
  fs.copyFileSync(path.join(testEnv().repoRoot, 'test/fixtures', rel), dest);
  return to;
};
const store = async () => (await api.service()).db;

suite('Runs view and commands', () => {
  suiteSetup(async () => {
    ws = testEnv().workspace;
    const ext = vscode.extensions.getExtension<MlopsApi>(EXTENSION_ID)!;
    api = await ext.activate();
  });

  test('every command in package.json is registered, under the MLOps category', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(testEnv().repoRoot, 'package.json'), 'utf8')) as { contributes: { commands: { command: string; category: string; icon?: string }[] } };
    const registered = new Set(await vscode.commands.getCommands(true));
    for (const c of pkg.contributes.commands) {
      assert.ok(registered.has(c.command), `${c.command} is declared but not registered`);
      assert.equal(c.category, 'MLOps');
      assert.ok(c.icon, `${c.command} has a codicon`);
    }
  });

  test('lists experiments and runs logged to the workspace, and refreshes by itself when a new run is logged', async () => {
    const a = writeRun(ws, 'Titanic', (r) => [metric(r, 'accuracy', 0.71, 0), makeEvent({ type: 'run_ended', runId: r, status: 'finished', endTime: Date.now() })], 'tree depth 3');
    await vscode.commands.executeCommand('mlops.refresh');
    let runs = await until('the first run', () => runsOf('Titanic'), (r) => r.length === 1);
    assert.equal(runs[0].label, 'tree depth 3');
    assert.match(runs[0].description, /accuracy 0\.71/);
    assert.equal(runs[0].context, 'run.finished');
    // A new run appears without any command: the file watcher reads it.
    const b = writeRun(ws, 'Titanic', (r) => [metric(r, 'accuracy', 0.83, 0)], 'forest');
    runs = await until('the second run to appear by itself', () => runsOf('Titanic'), (r) => r.length === 2);
    assert.deepEqual(runs.map((r) => r.id).sort(), [a.runId, b.runId].sort());
    const forest = runs.find((r) => r.id === b.runId)!;
    assert.match(forest.description, /^best · accuracy 0\.83/, 'the best run by the primary metric is marked');
    assert.equal(forest.context, 'run.running');
    assert.equal(api.statusText(), '$(sync~spin) 1 run running');
    const exp = (await tree()).find((e) => e.experiment === 'Titanic')!;
    assert.match(exp.description, /2 runs · 1 running · max accuracy/);
  });

  test('a malformed line is skipped and reported with its file and line; the lines after it are read', async () => {
    const { runId, file } = writeRun(ws, 'Broken', (r) => [metric(r, 'loss', 0.5, 0)]);
    fs.appendFileSync(file, '{"v":1,"ts":1,"type":"metric", oops\n');
    fs.appendFileSync(file, JSON.stringify(metric(runId, 'loss', 0.25, 1)) + '\n');
    await vscode.commands.executeCommand('mlops.refresh');
    const problem = await until('the problem report', () => api.recentProblems().find((p) => p.file.endsWith(`${runId}.jsonl`)), (p) => p !== undefined);
    assert.equal(problem!.line, 3);
    assert.equal((await store()).metricHistory(runId, 'loss').length, 2);
  });

  test('create experiment, start run, log files, end run: each command lands in the store and the tree', async () => {
    const exp = await vscode.commands.executeCommand<{ experimentId: string }>('mlops.createExperiment', 'Wine');
    assert.ok((await store()).listExperiments().some((e) => e.name === 'Wine' && e.id === exp.experimentId));
    const run = await vscode.commands.executeCommand<{ runId: string }>('mlops.startRun', 'Wine', 'by hand');
    assert.equal((await runsOf('Wine'))[0]?.label, 'by hand');

    fs.writeFileSync(path.join(ws, 'params.yaml'), 'algorithm: RandomForest\nnEstimators: 50\ntree:\n  maxDepth: 6\n');
    await vscode.commands.executeCommand('mlops.logHyperParameters', run.runId, 'params.yaml');
    copyFixture('metrics/ivan-koptiev_wine_classification_report.json', 'report.json');
    const metrics = await vscode.commands.executeCommand<{ format: string; points: number }>('mlops.logMetrics', run.runId, 'report.json');
    assert.equal(metrics.format, 'classification-report');
    copyFixture('metrics/hf-trainer-state/trainer_state.json', 'trainer_state.json');
    const hf = await vscode.commands.executeCommand<{ format: string; points: number }>('mlops.logMetrics', run.runId, 'trainer_state.json');
    assert.equal(hf.format, 'hf-trainer-state');
    fs.writeFileSync(path.join(ws, 'cm.csv'), ',cat,dog\ncat,5,1\ndog,2,7\n');
    await vscode.commands.executeCommand('mlops.logConfusionMatrix', run.runId, 'cm.csv');
    copyFixture('tabular/titanic-train.csv', 'data/titanic-train.csv');
    const profile = await vscode.commands.executeCommand<{ rows: number; sha256: string }>('mlops.logDataset', run.runId, 'data/titanic-train.csv');
    assert.equal(profile.rows, 891);

    const d = (await store()).getRunDetail(run.runId)!;
    assert.equal(d.algorithm, 'RandomForest');
    assert.equal(d.params['tree.maxDepth'], 6);
    assert.equal(d.params.nEstimators, 50);
    const wineReport = JSON.parse(fs.readFileSync(path.join(ws, 'report.json'), 'utf8')) as { accuracy: number };
    assert.equal(d.metrics.find((m) => m.key === 'accuracy')?.last, wineReport.accuracy);
    assert.equal(d.metrics.find((m) => m.key === 'loss')?.count, 30, 'the trainer_state loss history');
    assert.equal(d.metrics.find((m) => m.key === 'eval_g0_accuracy')?.count, 31);
    assert.deepEqual(d.confusionMatrices[0].matrix, { labels: ['cat', 'dog'], counts: [[5, 1], [2, 7]] });
    assert.equal(d.datasets[0].rows, 891);

    await vscode.commands.executeCommand('mlops.endRun', run.runId, 'finished');
    assert.equal((await store()).getRun(run.runId)!.status, 'finished');
    assert.equal((await runsOf('Wine'))[0].context, 'run.finished');
  });

  test('bad input gets a message that says what is wrong, and nothing changes', async () => {
    const run = await vscode.commands.executeCommand<{ runId: string }>('mlops.startRun', 'Wine', 'bad inputs');
    const file = (await store()).db.exec('SELECT source_file FROM runs WHERE id = ?', [run.runId])[0].values[0][0] as string;
    const before = fs.readFileSync(path.join(ws, file));
    fs.writeFileSync(path.join(ws, 'not.json'), '{ this is not json');
    fs.writeFileSync(path.join(ws, 'ragged.csv'), ',a,b\na,1,2\nb,3\n');
    const cases: [string, unknown[], RegExp][] = [
      ['mlops.filterRuns', ['metrics.accuracy >'], /ends where a value was expected/],
      ['mlops.logMetrics', [run.runId, 'not.json'], /not\.json/],
      ['mlops.logConfusionMatrix', [run.runId, 'ragged.csv'], /ragged\.csv.*line 3/],
      ['mlops.renameRun', [run.runId, '   '], /cannot be empty/],
      ['mlops.logDataset', [run.runId, 'no/such/file.csv'], /file\.csv/],
      ['mlops.tagRun', ['no-such-run-id', 'a=b'], /Unknown run id "no-such-run-id"/],
      ['mlops.setPrimaryMetric', ['Wine', 'no_such_metric', 'max'], /no_such_metric/],
    ];
    for (const [command, args, re] of cases) {
      const res = await vscode.commands.executeCommand<{ error?: string }>(command, ...args);
      assert.match(res?.error ?? '', re, `${command} ${JSON.stringify(args)}`);
    }
    assert.deepEqual(fs.readFileSync(path.join(ws, file)), before, 'the run log is unchanged');
    assert.equal(api.explorerDescription(), undefined, 'the filter did not change');
  });

  test('rename, tag, note, star, delete with restore: each is an event, shows at once, and survives a rebuild', async () => {
    const id = (await runsOf('Titanic')).find((r) => r.label === 'tree depth 3')!.id;
    await vscode.commands.executeCommand('mlops.renameRun', id, 'renamed run');
    await vscode.commands.executeCommand('mlops.tagRun', id, 'stage=candidate');
    await vscode.commands.executeCommand('mlops.addNote', id, 'a note <b>not bold</b>');
    await vscode.commands.executeCommand('mlops.starRun', id);
    let runs = await runsOf('Titanic');
    assert.equal(runs[0].label, '★ renamed run', 'starred runs come first');
    assert.match(runs[0].context, /starred/);
    const d = (await store()).getRunDetail(id)!;
    assert.deepEqual(d.tags, { stage: 'candidate' });
    assert.equal(d.note, 'a note <b>not bold</b>');

    await vscode.commands.executeCommand('mlops.deleteRun', id);
    runs = await runsOf('Titanic');
    assert.ok(!runs.some((r) => r.id === id), 'a deleted run leaves the view');
    await vscode.commands.executeCommand('mlops.showDeleted');
    runs = await runsOf('Titanic');
    assert.match(runs.find((r) => r.id === id)!.context, /deleted/);
    await vscode.commands.executeCommand('mlops.restoreRun', id);
    await vscode.commands.executeCommand('mlops.hideDeleted');
    assert.ok((await runsOf('Titanic')).some((r) => r.id === id));

    await vscode.commands.executeCommand('mlops.rebuildStore');
    const after = (await store()).getRunDetail(id)!;
    assert.equal(after.name, 'renamed run');
    assert.equal(after.starred, true);
    assert.equal(after.deleted, false);
    assert.deepEqual(after.tags, { stage: 'candidate' });
  });

  test('filter, clear filter, sort, primary metric, copy id and export', async () => {
    await vscode.commands.executeCommand('mlops.filterRuns', 'metrics.accuracy > 0.8 and metrics.accuracy < 0.9');
    assert.equal(api.explorerDescription(), 'filter: metrics.accuracy > 0.8 and metrics.accuracy < 0.9');
    const filtered = await tree();
    assert.deepEqual(filtered.map((e) => e.experiment), ['Titanic'], 'experiments without a match are hidden');
    assert.deepEqual(filtered[0].runs.map((r) => r.label), ['forest']);
    await vscode.commands.executeCommand('mlops.clearFilter');
    assert.equal(api.explorerDescription(), undefined);

    await vscode.commands.executeCommand('mlops.setPrimaryMetric', 'Titanic', 'accuracy', 'min');
    let runs = await runsOf('Titanic');
    const worst = runs.find((r) => /0\.71/.test(r.description))!;
    assert.match(worst.description, /^best/, 'with direction min the lower accuracy is best');
    await vscode.commands.executeCommand('mlops.setPrimaryMetric', 'Titanic', 'accuracy', 'max');

    await vscode.commands.executeCommand('mlops.unstarRun', (await runsOf('Titanic'))[0].id);
    await vscode.commands.executeCommand('mlops.sortRuns', { by: 'metric', metric: 'accuracy', descending: false });
    runs = await runsOf('Titanic');
    assert.deepEqual(runs.map((r) => r.description.match(/accuracy ([\d.]+)/)?.[1]), ['0.71', '0.83']);
    assert.match(api.explorerDescription() ?? '', /sorted by accuracy ↑/);
    await vscode.commands.executeCommand('mlops.sortRuns', { by: 'started', descending: true });

    await vscode.commands.executeCommand('mlops.copyRunId', runs[0].id);
    assert.equal(await vscode.env.clipboard.readText(), runs[0].id);

    const csvPath = path.join(ws, 'export.csv');
    await vscode.commands.executeCommand('mlops.exportRuns', 'csv', csvPath);
    const csv = fs.readFileSync(csvPath, 'utf8').split('\r\n');
    assert.ok(csv[0].startsWith('experiment,runId,name,status'), csv[0]);
    assert.ok(csv.some((l) => l.startsWith('Titanic,') && l.includes(',forest,')));
    const jsonPath = path.join(ws, 'export.json');
    await vscode.commands.executeCommand('mlops.exportRuns', 'json', jsonPath);
    const rows = JSON.parse(fs.readFileSync(jsonPath, 'utf8')) as { name: string; metrics: Record<string, number> }[];
    assert.equal(rows.find((r) => r.name === 'forest')?.metrics.accuracy, 0.83);
  });

  test('a second writer is refused: this window holds the lock and a save is atomic', async () => {
    const service = await api.service();
    assert.equal(service.role, 'writer');
    const lock = JSON.parse(fs.readFileSync(path.join(ws, '.mlops/tracking.db.lock'), 'utf8')) as { pid: number };
    assert.equal(lock.pid, process.pid);
    service.persistNow();
    assert.ok(!fs.existsSync(path.join(ws, '.mlops/tracking.db.tmp')));
    assert.ok(fs.readFileSync(path.join(ws, '.mlops/.gitignore'), 'utf8').includes('tracking.db'));
  });
});

export type { ExplorerNode };
