// What the runner (scripts/test-vscode.mjs or test/runElectron.mjs) tells the integration suite.
// See index.ts for how these reach the extension host.
import * as path from 'node:path';

export interface TestEnv {
  /** Absolute path of the workspace folder VS Code has open: a fresh temp copy of test/fixtures/workspace/. */
  workspace: string;
  /** Absolute path of the repository root (the extension under test). */
  repoRoot: string;
}

export function testEnv(): TestEnv {
  const workspace = process.env.MLOPS_TEST_WORKSPACE;
  const repoRoot = process.env.MLOPS_REPO_ROOT;
  if (!workspace || !repoRoot) {
    throw new Error('MLOPS_TEST_WORKSPACE / MLOPS_REPO_ROOT are not set: run the suite with `npm run test:vscode` (or test/runElectron.mjs)');
  }
  return { workspace: path.resolve(workspace), repoRoot: path.resolve(repoRoot) };
}
