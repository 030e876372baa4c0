// Mocha bootstrap for the integration suite, which runs inside the VS Code extension host.
//
// Used by both runners:
//   - scripts/test-vscode.mjs (offline: code-server + Chromium, `npm run test:vscode`)
//   - test/runElectron.mjs (desktop VS Code through @vscode/test-electron)
// Both load the bundle out/test/integration/index.js (built by scripts/build.mjs with `vscode` and
// `mocha` external) as extensionTestsPath and call run(); run() rejects when a test fails.
//
// Writing tests:
//   - Mocha UI is **tdd**: `suite()`, `test()`, `suiteSetup()`, `setup()`, `teardown()`,
//     `suiteTeardown()` (the VS Code convention). `describe`/`it` are not defined.
//   - Put a suite in test/integration/<name>.test.ts and add `import './<name>.test';` to
//     test/integration/suites.ts. The bundle cannot glob at run time, so a suite that is not
//     imported there does not run.
//   - Inputs from the runner, read them with testEnv() from ./env:
//       MLOPS_TEST_WORKSPACE  absolute path of the workspace folder opened in VS Code: a fresh
//                             temporary copy of test/fixtures/workspace/, yours to modify
//       MLOPS_REPO_ROOT       absolute path of the repository (the extension under test)
//     They are environment variables of the extension host (code-server passes its environment
//     on; test-electron's runTests passes extensionTestsEnv). Verified by activation.test.ts.
//   - Default test timeout is 20 s (MLOPS_TEST_TIMEOUT_MS overrides it); MLOPS_TEST_GREP filters.
//
// Machine-readable result: after the run, one console line `MLOPS_MOCHA_RESULT {json}` with the
// counts; scripts/test-vscode.mjs uses it for its `vscode: N passed, M failed` summary.
import type MochaType from 'mocha';
import { format } from 'node:util';

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

async function loadMocha(): Promise<typeof MochaType> {
  // mocha 12 is an ES module. `require` of it (Node >= 20.19 / 22.12, e.g. code-server's Node 24)
  // returns its namespace, whose `default` is the Mocha class; older Nodes (an Electron with
  // Node 20.18) throw ERR_REQUIRE_ESM, and then a dynamic import works. `mocha` is external in
  // the bundle, resolved from the repository's node_modules.
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('mocha') as typeof MochaType & { default?: typeof MochaType };
    return mod.default ?? mod;
  } catch (err) {
    if ((err as { code?: string }).code !== 'ERR_REQUIRE_ESM') throw err;
    const mod = (await import('mocha')) as unknown as { default: typeof MochaType };
    return mod.default;
  }
}

export async function run(): Promise<void> {
  const Mocha = await loadMocha();
  // The workbench relays the extension host's console as one string per call, without applying
  // printf-style placeholders: format here so the spec reporter's lines read normally. Colour codes
  // are dropped too: `color: false` turns off mocha's own, but its ✔/✖ symbols come coloured from
  // log-symbols when it thinks the terminal has colours (e.g. with CI=true).
  Mocha.reporters.Base.consoleLog = (...data: unknown[]) => console.log(format(...data).replace(ANSI, ''));
  const mocha = new Mocha({
    ui: 'tdd',
    reporter: 'spec',
    color: false,
    timeout: Number(process.env.MLOPS_TEST_TIMEOUT_MS) || 20_000,
    grep: process.env.MLOPS_TEST_GREP || undefined,
  });
  // Define the tdd globals (suite, test, ...) before the bundled suites are evaluated.
  mocha.suite.emit('pre-require', globalThis, 'test/integration/suites.ts', mocha);
  // A require() inside run(): esbuild bundles it and evaluates the suites only now, after pre-require.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require('./suites');

  const started = Date.now();
  await new Promise<void>((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const stats = runner.stats ?? { passes: 0, failures, pending: 0, tests: 0 };
        console.log(`MLOPS_MOCHA_RESULT ${JSON.stringify({
          passes: stats.passes, failures: stats.failures, pending: stats.pending,
          tests: stats.tests, durationMs: Date.now() - started,
        })}`);
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
        else resolve();
      });
    } catch (err) {
      console.error(err);
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
