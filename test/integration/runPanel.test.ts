// The run panel inside a real VS Code: "Open Run" with a run id, a Runs-view node or a bad argument;
// one panel per run; titles as text; the manifest entries that bring a panel back after a reload.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MlopsApi } from '../../src/extension/app';
import { makeEvent } from '../../src/ingest/events';
import { metric, writeRun } from '../helpers/workspace';
import { testEnv } from './env';

const EXTENSION_ID = 'mlops-tracking.mlops-tracking';
const XSS = '<img src=x onerror=alert(1)>';
let api: MlopsApi;

function runTabs(): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith('mlops.run'));
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

/** Writes a run the way the SDK does, then reads it into the store. */
async function logRun(name: string, extra: (runId: string) => ReturnType<typeof makeEvent>[] = () => []): Promise<string> {
  const { runId } = writeRun(testEnv().workspace, 'Run panel tests', extra, name);
  api.ingestNow();
  await until(`run ${name} in the store`, async () => (await api.service()).db.getRun(runId), (r) => r !== undefined);
  return runId;
}

suite('Run panel', () => {
  let titanic: string;
  let xss: string;

  suiteSetup(async () => {
    const ext = vscode.extensions.getExtension<MlopsApi>(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
    api = await ext.activate();
    titanic = await logRun('cart depth 5', (r) => [
      makeEvent({ type: 'params', runId: r, params: { maxDepth: 5 }, algorithm: 'DecisionTreeClassifier' }),
      metric(r, 'accuracy', 0.81, 0),
      makeEvent({ type: 'confusion_matrix', runId: r, name: 'test', matrix: { labels: ['0', '1'], counts: [[98, 12], [21, 48]] } }),
    ]);
    xss = await logRun(XSS);
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('"Open Run" with a run id opens one panel titled after the run', async () => {
    const result = await vscode.commands.executeCommand('mlops.openRun', titanic);
    assert.equal(result, titanic);
    const tabs = await until('the run panel tab', runTabs, (t) => t.length === 1);
    assert.equal(tabs[0].label, 'Run: cart depth 5');
    assert.equal(tabs[0].isActive, true);
  });

  test('opening the same run again reveals its panel instead of opening a second one', async () => {
    await vscode.commands.executeCommand('mlops.openRun', titanic);
    await vscode.commands.executeCommand('mlops.openRun', xss);
    await until('two panels', runTabs, (t) => t.length === 2);
    await vscode.commands.executeCommand('mlops.openRun', titanic);
    const tabs = await until('the first panel active again', runTabs, (t) => t.some((x) => x.isActive && x.label === 'Run: cart depth 5'));
    assert.equal(tabs.length, 2);
  });

  test('a Runs-view node opens its run', async () => {
    const run = (await api.service()).db.getRun(titanic);
    assert.ok(run);
    await vscode.commands.executeCommand('mlops.openRun', { kind: 'run', run });
    const tabs = await until('the run panel tab', runTabs, (t) => t.length === 1);
    assert.equal(tabs[0].label, 'Run: cart depth 5');
  });

  test('a run name that looks like HTML is the title, as text', async () => {
    await vscode.commands.executeCommand('mlops.openRun', xss);
    const tabs = await until('the run panel tab', runTabs, (t) => t.length === 1);
    assert.equal(tabs[0].label, `Run: ${XSS}`);
  });

  test('an unknown run id or a wrong argument opens nothing', async () => {
    assert.equal(await vscode.commands.executeCommand('mlops.openRun', 'ffffffffffffffffffffffffffffffff'), undefined);
    assert.equal(await vscode.commands.executeCommand('mlops.openRun', '../../etc/passwd'), undefined);
    assert.equal(await vscode.commands.executeCommand('mlops.openRun', { kind: 'experiment' }), undefined);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(runTabs().length, 0);
  });

  test('a closed panel can be opened again (its listeners were disposed, not leaked into a dead panel)', async () => {
    await vscode.commands.executeCommand('mlops.openRun', titanic);
    await until('the panel', runTabs, (t) => t.length === 1);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await until('no panel', runTabs, (t) => t.length === 0);
    // The store changes while no panel is open: nothing may throw into a disposed webview.
    await logRun('logged while closed', (r) => [metric(r, 'loss', 0.5, 1)]);
    assert.equal(await vscode.commands.executeCommand('mlops.openRun', titanic), titanic);
    await until('the panel again', runTabs, (t) => t.length === 1);
  });

  test('the panel opens beside when asked for a column (Compare opens runs side by side)', async () => {
    await vscode.commands.executeCommand('mlops.openRun', titanic, { viewColumn: vscode.ViewColumn.One });
    await vscode.commands.executeCommand('mlops.openRun', xss, { viewColumn: vscode.ViewColumn.Two });
    const tabs = await until('two panels', runTabs, (t) => t.length === 2);
    assert.deepEqual(new Set(tabs.map((t) => t.group.viewColumn)), new Set([vscode.ViewColumn.One, vscode.ViewColumn.Two]));
  });

  test('package.json restores panels after a reload and offers "Open Run" on run items', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(testEnv().repoRoot, 'package.json'), 'utf8')) as {
      activationEvents: string[];
      contributes: { commands: { command: string; title: string; category: string; icon?: string }[]; menus: Record<string, { command: string; when?: string; group?: string }[]> };
    };
    assert.ok(pkg.activationEvents.includes('onWebviewPanel:mlops.run'), 'onWebviewPanel:mlops.run activation event');
    const cmd = pkg.contributes.commands.find((c) => c.command === 'mlops.openRun');
    assert.deepEqual(cmd && { title: cmd.title, category: cmd.category, icon: cmd.icon }, { title: 'Open Run', category: 'MLOps', icon: '$(open-preview)' });
    const inline = pkg.contributes.menus['view/item/context'].find((m) => m.command === 'mlops.openRun' && m.group?.startsWith('inline'));
    assert.ok(inline?.when?.includes('viewItem =~ /^(run'), `inline menu when-clause: ${inline?.when}`);
  });
});
