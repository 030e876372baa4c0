// The comparison panel inside a real VS Code: "Compare Runs" with run ids opens one panel titled after
// the number of runs, re-targets it when called again, tells about a single run, refuses 101 runs and
// unknown ids, and the manifest brings the panel back after a reload.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MlopsApi } from '../../src/extension/app';
import { makeEvent } from '../../src/ingest/events';
import { metric, writeRun } from '../helpers/workspace';
import { testEnv } from './env';

const EXTENSION_ID = 'mlops-tracking.mlops-tracking';
let api: MlopsApi;

interface CompareResult { runIds?: string[]; title?: string; notice?: string | null; error?: string }

function compareTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('mlops.compare'));
}

async function until<T>(what: string, fn: () => T | Promise<T>, ok: (x: T) => boolean, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  let last = await fn();
  while (!ok(last)) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
    last = await fn();
  }
  return last;
}

/** Writes runs the way the SDK does, then reads them into the store. */
async function logRuns(experiment: string, names: string[], extra: (runId: string, i: number) => ReturnType<typeof makeEvent>[] = () => []): Promise<string[]> {
  const ids = names.map((name, i) => writeRun(testEnv().workspace, experiment, (r) => extra(r, i), name).runId);
  api.ingestNow();
  await until(`${names.length} runs in the store`, async () => {
    const db = (await api.service()).db;
    return ids.filter((id) => db.getRun(id) === undefined).length;
  }, (missing) => missing === 0, 20_000);
  return ids;
}

const compare = async (...args: unknown[]): Promise<CompareResult> => (await vscode.commands.executeCommand('mlops.compareRuns', ...args)) as CompareResult;

suite('Comparison panel', () => {
  let trees: string[];
  let other: string;

  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<MlopsApi>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
    api = await ext.activate();
    trees = await logRuns('Compare tests', ['tree depth 3', 'tree depth 5', 'tree depth 8'], (r, i) => [
      makeEvent({ type: 'params', runId: r, params: { maxDepth: [3, 5, 8][i], minNumSamples: 3 }, algorithm: 'DecisionTreeClassifier' }),
      metric(r, 'accuracy', [0.8, 0.83, 0.79][i], 0),
    ]);
    [other] = await logRuns('Another experiment', ['<b>other</b>'], (r) => [metric(r, 'loss', 0.4, 0)]);
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await until('no comparison tab', compareTabs, (t) => t.length === 0);
  });

  test('"Compare Runs" with run ids opens one panel titled after the number of runs', async () => {
    const result = await compare(trees);
    assert.deepEqual(result.runIds, trees);
    assert.equal(result.title, 'Compare: 3 runs');
    assert.equal(result.notice, null);
    const tabs = await until('the comparison tab', compareTabs, (t) => t.length === 1);
    assert.equal(tabs[0].label, 'Compare: 3 runs');
    assert.equal(tabs[0].isActive, true);
  });

  test('comparing again re-targets the open panel instead of opening a second one', async () => {
    await compare(trees);
    await until('the comparison tab', compareTabs, (t) => t.length === 1);
    const result = await compare([trees[0], other]);
    assert.deepEqual(result.runIds, [trees[0], other]);
    const tabs = await until('the panel re-titled', compareTabs, (t) => t.length === 1 && t[0].label === 'Compare: 2 runs');
    assert.equal(tabs.length, 1);
  });

  test('a Runs-view node with the view’s selection compares the selection', async () => {
    const db = (await api.service()).db;
    const nodes = trees.map((id) => ({ kind: 'run', run: db.getRun(id) }));
    const result = await compare(nodes[1], nodes);
    assert.deepEqual(result.runIds, trees);
    await until('the comparison tab', compareTabs, (t) => t.length === 1 && t[0].label === 'Compare: 3 runs');
  });

  test('a single run opens the panel with a message suggesting to select more', async () => {
    const result = await compare([trees[1]]);
    assert.deepEqual(result.runIds, [trees[1]]);
    assert.equal(result.title, 'Compare: 1 run');
    assert.match(result.notice ?? '', /Only one run is selected\. Select more runs in the Runs view/);
    await until('the comparison tab', compareTabs, (t) => t.length === 1 && t[0].label === 'Compare: 1 run');
  });

  test('101 runs are refused with a message, and no panel opens', async () => {
    const many = await logRuns('Wide sweep', Array.from({ length: 101 }, (_, i) => `sweep ${i}`), (r, i) => [metric(r, 'loss', 1 / (i + 1), 0)]);
    const result = await compare(many);
    assert.equal(result.error, 'MLOps: 101 runs are selected; compare at most 100 at once.');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(compareTabs().length, 0);
    const hundred = await compare(many.slice(0, 100));
    assert.equal(hundred.title, 'Compare: 100 runs');
    await until('the comparison tab', compareTabs, (t) => t.length === 1 && t[0].label === 'Compare: 100 runs');
  });

  test('an unknown run id is refused, and no panel opens', async () => {
    const result = await compare(['ffffffffffffffffffffffffffffffff', trees[0]]);
    assert.match(result.error ?? '', /Unknown run id "ffffffffffffffffffffffffffffffff"/);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(compareTabs().length, 0);
  });

  test('package.json brings the panel back after a reload', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(testEnv().repoRoot, 'package.json'), 'utf8')) as { activationEvents: string[] };
    assert.ok(pkg.activationEvents.includes('onWebviewPanel:mlops.compare'), 'onWebviewPanel:mlops.compare activation event');
  });
});
