import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { testEnv } from './env';

const EXTENSION_ID = 'mlops-tracking.mlops-tracking';

suite('Activation', () => {
  test('the runner passes the workspace and repository paths', () => {
    const env = testEnv();
    assert.ok(fs.existsSync(path.join(env.repoRoot, 'package.json')), `no package.json in ${env.repoRoot}`);
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1, 'exactly one workspace folder is open');
    assert.equal(fs.realpathSync(folders[0].uri.fsPath), fs.realpathSync(env.workspace));
  });

  test('the extension is present and activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is not loaded`);
    await ext.activate();
    assert.equal(ext.isActive, true);
    assert.equal(fs.realpathSync(ext.extensionUri.fsPath), fs.realpathSync(testEnv().repoRoot), 'the extension under test is the one from the repository');
  });
});
