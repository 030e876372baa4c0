#!/usr/bin/env node
// Runs the extension's tests inside a real VS Code without internet: code-server 4.139.1 (VS Code
// 1.139 server, real Node extension host) driven by Debian's Chromium through playwright-core.
// Recipe: /work/shared/docs/vscode-tests-offline.md. Tools: test/harness (scripts/setup-harness.mjs).
//
//   npm run test:vscode [-- options]
//     --no-build          do not run `npm run build` first (dist/ and out/ must be current)
//     --no-ui             integration suite only          --no-integration   UI tests only
//     --ui <substring>    only the UI test files whose name contains it (repeatable)
//     --keep              keep the temporary folders (code-server dirs, workspaces) and print where
//     --verbose           print all of the workbench's console, not only the extension host's lines
//   Environment: MLOPS_VSCODE_TIMEOUT_MS (hard bound for the whole run, default 600000),
//     MLOPS_UI_TEST_TIMEOUT_MS (one UI test file, default 180000), MLOPS_TEST_GREP (mocha grep),
//     MLOPS_TMPDIR (where temp folders go, default os.tmpdir()).
//
// 1. Integration suite (mocha, tdd, in the extension host): the extension is loaded from the
//    repository root as extensionDevelopmentPath and out/test/integration/index.js as
//    extensionTestsPath, through the workbench URL's `payload` (needs --vscode-option
//    enable-smoke-test-driver). The folder opened is a fresh temp copy of test/fixtures/workspace/.
//    MLOPS_TEST_WORKSPACE and MLOPS_REPO_ROOT are set in code-server's environment, which its
//    extension host inherits. The extension host's console comes back through the page function
//    codeAutomationLog and is printed here; codeAutomationExit gives the exit code.
// 2. UI tests (test/e2e/*.e2e.mjs, see test/e2e/context.mjs for ctx): the extension is packaged
//    with vsce (as users get it) and installed into a second code-server with
//    `--install-extension`; each test file gets a fresh Chromium profile and workspace copy.
//    Screenshots: test-results/screenshots/<name>.png. Logs: test-results/vscode/.
// Last line: `vscode: N passed, M failed` (mocha tests + UI test files); exit 1 on any failure.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  chromiumArgs, chromiumPath, ensureHarness, freshWorkspace, installExtension, loadPlaywright, makeServerDirs,
  makeTempRoot, packageVsix, readManifest, repoRoot, startCodeServer, killAllServers,
} from '../test/harness/lib.mjs';
import { createContext } from '../test/e2e/context.mjs';

// ----------------------------------------------------------------------------------------------
const argv = process.argv.slice(2);
const opt = {
  build: !argv.includes('--no-build'),
  ui: !argv.includes('--no-ui'),
  integration: !argv.includes('--no-integration'),
  keep: argv.includes('--keep'),
  verbose: argv.includes('--verbose') || !!process.env.MLOPS_TEST_VERBOSE,
  uiFilter: argv.flatMap((a, i) => (a === '--ui' && argv[i + 1] ? [argv[i + 1]] : [])),
};
// Workbench start-up chatter that codeAutomationLog also receives (not from the extension under test).
const NOISE = /^(Resolving connection token|Resolved connection token|Creating a socket|\[reconnection-grace-time\]|Updating additional builtin extensions cache|\[Service Worker\]|\[AgentHost|\[AccountPolicyGate\]|\[driver\]|Ignoring fetching additional builtin extensions|.*getaddrinfo (ENOTFOUND|EAI_AGAIN))/;
const HARD_TIMEOUT_MS = Number(process.env.MLOPS_VSCODE_TIMEOUT_MS) || 600_000;
const UI_TEST_TIMEOUT_MS = Number(process.env.MLOPS_UI_TEST_TIMEOUT_MS) || 180_000;
const resultsDir = join(repoRoot, 'test-results');
const logsDir = join(resultsDir, 'vscode');
const screenshotsDir = join(resultsDir, 'screenshots');
const t0 = Date.now();
const secs = (t) => `${((Date.now() - t) / 1000).toFixed(1)} s`;
const say = (...a) => console.log('[test-vscode]', ...a);

const results = { mocha: { passes: 0, failures: 0, pending: 0, ran: false }, ui: { passed: [], failed: [] }, errors: [] };
let tempRoot;
let browsers = [];

function cleanup() {
  killAllServers();
  if (tempRoot && !opt.keep) {
    try {
      rmSync(tempRoot, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    } catch (err) {
      console.warn(`[test-vscode] could not remove ${tempRoot}: ${err.message}`);
    }
  }
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    console.error(`[test-vscode] ${sig}: stopping code-server and exiting`);
    cleanup();
    process.exit(130);
  });
}
const watchdog = setTimeout(() => {
  console.error(`[test-vscode] ERROR: hard timeout of ${HARD_TIMEOUT_MS / 1000} s reached; stopping`);
  results.errors.push('hard timeout');
  printSummaryAndExit(1);
}, HARD_TIMEOUT_MS);
watchdog.unref();

let finishing = false;
async function printSummaryAndExit(forceCode) {
  if (finishing) return;
  finishing = true;
  const m = results.mocha;
  const passed = m.passes + results.ui.passed.length;
  // An infrastructure error (no result from the suite, server died, timeout) counts as a failure.
  const failed = m.failures + results.ui.failed.length + results.errors.length;
  console.log('');
  if (opt.integration) {
    console.log(`integration (extension host, mocha): ${m.ran ? `${m.passes} passing, ${m.failures} failing${m.pending ? `, ${m.pending} pending` : ''}` : 'did not complete'}`);
  }
  if (opt.ui) {
    console.log(`ui (test/e2e): ${results.ui.passed.length} passed, ${results.ui.failed.length} failed${results.ui.failed.length ? ` (${results.ui.failed.join(', ')})` : ''}`);
  }
  for (const e of results.errors) console.log(`error: ${e}`);
  if (opt.keep && tempRoot) console.log(`temporary folders kept in ${tempRoot}`);
  console.log(`took ${secs(t0)}`);
  console.log(`vscode: ${passed} passed, ${failed} failed`);
  // Close the browsers first (their profiles live in the temp folder), then stop code-server.
  await Promise.race([Promise.all(browsers.map((b) => b.close().catch(() => {}))), new Promise((r) => setTimeout(r, 5000))]);
  cleanup();
  process.exit(forceCode || failed > 0 || results.errors.length > 0 ? 1 : 0);
}

// ----------------------------------------------------------------------------------------------
async function launchBrowser(profileDir) {
  const { chromium } = await loadPlaywright();
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    headless: true,
    args: chromiumArgs,
    viewport: { width: 1400, height: 900 },
    deviceScaleFactor: 1,
    colorScheme: 'dark',
    acceptDownloads: false,
  });
  browsers.push(context);
  return context;
}

function writeLogs(prefix, logs) {
  mkdirSync(logsDir, { recursive: true });
  for (const { relativePath, contents } of logs ?? []) {
    const file = join(logsDir, prefix, relativePath);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, contents);
  }
}

// ---------------------------------------------------------------------------------------------- integration
async function runIntegration() {
  const suite = join(repoRoot, 'out', 'test', 'integration', 'index.js');
  if (!existsSync(suite)) throw new Error(`${suite} is missing: run \`npm run build\` (or drop --no-build)`);
  if (!existsSync(join(repoRoot, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run `npm run build`');

  const t = Date.now();
  const base = join(tempRoot, 'integration');
  const dirs = makeServerDirs(base);
  const workspace = freshWorkspace(base);
  const logFile = join(logsDir, 'code-server-integration.log');
  rmSync(logFile, { force: true });
  const server = await startCodeServer(dirs, {
    logFile,
    env: { MLOPS_TEST_WORKSPACE: workspace, MLOPS_REPO_ROOT: repoRoot },
  });
  say(`integration: code-server ${server.baseUrl} (pid group ${server.pid}) up in ${secs(t)}; workspace ${workspace}`);

  const authority = `127.0.0.1:${server.port}`;
  const payload = [
    ['extensionDevelopmentPath', `vscode-remote://${authority}${repoRoot}`],
    ['extensionTestsPath', `vscode-remote://${authority}${suite}`],
    ['skipWelcome', 'true'],
  ];
  const url = `${server.baseUrl}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

  const context = await launchBrowser(join(base, 'chromium-profile'));
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors = [];
  page.on('pageerror', (err) => pageErrors.push(String(err?.stack ?? err)));

  let resolveExit;
  const exit = new Promise((r) => { resolveExit = r; });
  // Everything goes to test-results/vscode/integration-console.log; stdout gets it minus the
  // workbench's own connection chatter (--verbose prints all).
  const consoleLog = join(logsDir, 'integration-console.log');
  writeFileSync(consoleLog, '');
  let skippingStack = false;
  await page.exposeFunction('codeAutomationLog', (type, args) => {
    const text = Array.isArray(args) ? args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ') : String(args ?? '');
    appendFileSync(consoleLog, `[${type}] ${text}\n`);
    for (const line of text.split('\n')) {
      const m = /MLOPS_MOCHA_RESULT (\{.*\})/.exec(line);
      if (m) {
        try { Object.assign(results.mocha, JSON.parse(m[1]), { ran: true }); } catch { /* kept in the log file */ }
        continue;
      }
      if (!opt.verbose) {
        if (skippingStack && /^\s+at /.test(line)) continue;
        skippingStack = false;
        if (NOISE.test(line)) { skippingStack = true; continue; }
      }
      (type === 'error' ? console.error : console.log)(line);
    }
  });
  await page.exposeFunction('codeAutomationExit', (code, logs) => {
    writeLogs('integration-logs', logs);
    resolveExit(Number(code));
  });

  const serverDied = server.exited.then((info) => { throw new Error(`code-server exited during the integration run (${JSON.stringify(info)}); log: ${logFile}`); });
  const budget = Math.max(30_000, HARD_TIMEOUT_MS - (Date.now() - t0) - 60_000);
  const timeout = new Promise((_, rej) => setTimeout(() => rej(new Error(`integration suite did not finish within ${budget / 1000} s`)), budget).unref());
  console.log('--- extension host output ---');
  await page.goto(url, { waitUntil: 'domcontentloaded' });
  let code;
  try {
    code = await Promise.race([exit, serverDied, timeout]);
  } finally {
    console.log('--- end of extension host output ---');
    await context.close().catch(() => {});
    browsers = browsers.filter((b) => b !== context);
    await server.stop();
  }
  if (pageErrors.length) {
    mkdirSync(logsDir, { recursive: true });
    writeFileSync(join(logsDir, 'integration-page-errors.log'), pageErrors.join('\n\n'));
  }
  say(`integration: extension host exited with code ${code} after ${secs(t)}`);
  if (!results.mocha.ran) {
    results.errors.push(`the integration suite reported no result (exit code ${code}); see ${logFile} and ${join(logsDir, 'integration-logs')}`);
  } else if (code !== 0 && results.mocha.failures === 0) {
    results.errors.push(`the extension host exited with code ${code} although mocha reported no failure`);
  }
}

// ---------------------------------------------------------------------------------------------- UI
async function runUi() {
  const e2eDir = join(repoRoot, 'test', 'e2e');
  let files = existsSync(e2eDir) ? readdirSync(e2eDir).filter((f) => f.endsWith('.e2e.mjs')).sort() : [];
  if (opt.uiFilter.length) files = files.filter((f) => opt.uiFilter.some((s) => f.includes(s)));
  if (files.length === 0) {
    say('ui: no test/e2e/*.e2e.mjs files selected');
    return;
  }
  const t = Date.now();
  const base = join(tempRoot, 'ui');
  const dirs = makeServerDirs(base);
  const vsix = join(base, 'mlops-tracking.vsix');
  packageVsix(vsix, { log: (m) => say(`ui: ${m}`) });
  installExtension(dirs, vsix, { log: (m) => say(`ui: ${m}`) });
  const logFile = join(logsDir, 'code-server-ui.log');
  rmSync(logFile, { force: true });
  const server = await startCodeServer(dirs, { logFile, env: { MLOPS_REPO_ROOT: repoRoot } });
  say(`ui: code-server ${server.baseUrl} (pid group ${server.pid}) with the .vsix installed, ready after ${secs(t)}`);
  const manifest = readManifest();

  try {
    for (const file of files) {
      const name = basename(file, '.e2e.mjs');
      const tt = Date.now();
      console.log(`\n● ${file}`);
      const workspace = freshWorkspace(join(base, 'workspaces'), name);
      const context = await launchBrowser(join(base, `chromium-${name}`));
      const page = context.pages()[0] ?? (await context.newPage());
      page.setDefaultTimeout(30_000);
      const consoleErrors = [];
      page.on('pageerror', (err) => consoleErrors.push(`pageerror: ${err?.message ?? err}`));
      const ctx = createContext({ page, baseUrl: server.baseUrl, workspace, repoRoot, name, screenshotsDir, manifest });
      try {
        const mod = await import(pathToFileURL(join(e2eDir, file)).href);
        if (typeof mod.default !== 'function') throw new Error(`${file} must export default async function (ctx)`);
        let timer;
        await Promise.race([
          mod.default(ctx),
          new Promise((_, rej) => { timer = setTimeout(() => rej(new Error(`timed out after ${UI_TEST_TIMEOUT_MS / 1000} s`)), UI_TEST_TIMEOUT_MS); }),
          server.exited.then((info) => { throw new Error(`code-server exited (${JSON.stringify(info)}); log: ${logFile}`); }),
        ]).finally(() => clearTimeout(timer));
        results.ui.passed.push(name);
        console.log(`  ✔ ${name} (${secs(tt)})`);
      } catch (err) {
        results.ui.failed.push(name);
        console.log(`  ✖ ${name} (${secs(tt)})`);
        console.log(String(err?.stack ?? err).split('\n').map((l) => `    ${l}`).join('\n'));
        try { await ctx.screenshot(`FAILED-${name}`); } catch { /* page gone */ }
        if (consoleErrors.length) console.log(consoleErrors.slice(0, 10).map((l) => `    ${l}`).join('\n'));
      } finally {
        await context.close().catch(() => {});
        browsers = browsers.filter((b) => b !== context);
      }
    }
  } finally {
    await server.stop();
  }
}

// ---------------------------------------------------------------------------------------------- main
async function main() {
  ensureHarness();
  if (opt.build) {
    say('$ npm run build');
    const r = spawnSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'inherit' });
    if (r.status !== 0) {
      results.errors.push('`npm run build` failed');
      await printSummaryAndExit(1);
      return;
    }
  }
  mkdirSync(logsDir, { recursive: true });
  tempRoot = makeTempRoot();

  if (opt.integration) {
    try {
      await runIntegration();
    } catch (err) {
      results.errors.push(`integration: ${err?.message ?? err}`);
      console.error(err?.stack ?? err);
    }
  }
  if (opt.ui) {
    try {
      await runUi();
    } catch (err) {
      results.errors.push(`ui: ${err?.message ?? err}`);
      console.error(err?.stack ?? err);
    }
  }
  await printSummaryAndExit(0);
}

main().catch((err) => {
  console.error(err?.stack ?? err);
  results.errors.push(String(err?.message ?? err));
  printSummaryAndExit(1);
});
