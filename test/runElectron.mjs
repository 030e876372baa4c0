#!/usr/bin/env node
// Runs the integration suite (test/integration, bundled to out/test/integration/index.js) in desktop
// VS Code through @vscode/test-electron. For a machine with internet (it downloads VS Code into
// .vscode-test/) or with an installed VS Code: set VSCODE_EXECUTABLE to its binary
// (e.g. /usr/share/code/code, "/Applications/Visual Studio Code.app/Contents/MacOS/Electron").
// Not used by `npm test`: the offline runner is scripts/test-vscode.mjs (code-server + Chromium).
//
//   node test/runElectron.mjs [--no-build]
//   env: VSCODE_EXECUTABLE, VSCODE_VERSION (default "stable"), MLOPS_TEST_GREP, MLOPS_TEST_TIMEOUT_MS
// On Linux without a display, run it under xvfb-run. @vscode/test-electron 3 wants Node >= 22: on
// this machine use the harness's Node, `test/harness/node_modules/.bin/node test/runElectron.mjs`.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

if (!process.argv.includes('--no-build')) {
  const r = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
const extensionTestsPath = join(repoRoot, 'out', 'test', 'integration', 'index.js');
if (!existsSync(extensionTestsPath)) {
  console.error(`${extensionTestsPath} is missing: run npm run build`);
  process.exit(1);
}

// A fresh copy of the fixture workspace, and VS Code folders of its own.
const tmp = mkdtempSync(join(tmpdir(), 'mlops-electron-'));
const fixtures = join(repoRoot, 'test', 'fixtures', 'workspace');
if (!existsSync(fixtures)) {
  mkdirSync(fixtures, { recursive: true });
  writeFileSync(join(fixtures, 'README.txt'), 'Fixture workspace for the VS Code tests: each run opens a fresh temporary copy of this folder.\n');
}
const workspace = join(tmp, 'workspace');
cpSync(fixtures, workspace, { recursive: true });

let code;
try {
  code = await runTests({
    version: process.env.VSCODE_VERSION || 'stable',
    vscodeExecutablePath: process.env.VSCODE_EXECUTABLE || undefined,
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath,
    extensionTestsEnv: {
      MLOPS_TEST_WORKSPACE: workspace,
      MLOPS_REPO_ROOT: repoRoot,
      ...(process.env.MLOPS_TEST_GREP ? { MLOPS_TEST_GREP: process.env.MLOPS_TEST_GREP } : {}),
      ...(process.env.MLOPS_TEST_TIMEOUT_MS ? { MLOPS_TEST_TIMEOUT_MS: process.env.MLOPS_TEST_TIMEOUT_MS } : {}),
    },
    launchArgs: [
      workspace,
      '--disable-extensions', // other installed extensions stay off; the one under test still loads
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      '--user-data-dir', join(tmp, 'user-data'),
      '--extensions-dir', join(tmp, 'extensions'),
    ],
  });
} catch (err) {
  console.error('integration tests failed:', err?.message ?? err);
  code = typeof err === 'number' ? err : 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(code);
