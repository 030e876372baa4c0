// Shared pieces of the offline VS Code harness (code-server + Debian Chromium + playwright-core),
// used by scripts/test-vscode.mjs and scripts/demo.mjs. See /work/shared/docs/vscode-tests-offline.md.
// Runs on any Node >= 20; code-server itself runs on the harness's Node 24.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const harnessDir = dirname(fileURLToPath(import.meta.url));
export const repoRoot = join(harnessDir, '..', '..');
export const harnessBin = join(harnessDir, 'node_modules', '.bin');
export const harnessNode = join(harnessBin, 'node');
export const codeServerEntry = join(harnessDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const vsceEntry = join(harnessDir, 'node_modules', '@vscode', 'vsce', 'vsce');
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Chromium flags for this machine (closed network, root, no GPU): see the offline doc and env/machines/node.md. */
export const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--no-default-browser-check',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage', '--password-store=basic', '--use-mock-keychain',
];

export function harnessInstalled() {
  return existsSync(harnessNode) && existsSync(codeServerEntry) && existsSync(join(harnessDir, 'node_modules', 'playwright-core'));
}

/** Runs scripts/setup-harness.mjs (idempotent: ~0.1 s when all is installed and current). */
export function ensureHarness({ onlyIfMissing = false } = {}) {
  if (onlyIfMissing && harnessInstalled()) return;
  const r = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'setup-harness.mjs')], { stdio: 'inherit' });
  if (r.status !== 0) throw new Error('scripts/setup-harness.mjs failed');
}

export async function loadPlaywright() {
  const mod = await import('playwright-core');
  return mod.default ?? mod;
}

export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Environment for code-server: the caller's, minus variables that would make it talk to another
 * VS Code (VSCODE_IPC_HOOK_CLI etc. when started from a VS Code terminal) or change how Node starts,
 * plus its own XDG folders and the harness's Node 24 first on PATH.
 */
export function codeServerEnv(dirs, extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE' || k === 'NODE_OPTIONS' || k === 'PASSWORD' || k === 'HASHED_PASSWORD') continue;
    if (k.startsWith('npm_') || k === 'INIT_CWD') continue; // from `npm run`: not for the extension host
    env[k] = v;
  }
  return {
    ...env,
    PATH: `${harnessBin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    XDG_CONFIG_HOME: dirs.config,
    XDG_DATA_HOME: dirs.data,
    XDG_CACHE_HOME: dirs.cache,
    // No extension gallery (open-vsx.org is unreachable here: every query logs an ENOTFOUND stack).
    // `{}` has no serviceUrl, which disables the gallery. Set EXTENSIONS_GALLERY yourself to override.
    EXTENSIONS_GALLERY: process.env.EXTENSIONS_GALLERY ?? '{}',
    ...extra,
  };
}

/** Fresh directories for one code-server instance, under `base`. */
export function makeServerDirs(base, { settings = workbenchSettings, keepSettings = false } = {}) {
  const dirs = {
    base,
    config: join(base, 'xdg-config'),
    data: join(base, 'xdg-data'),
    cache: join(base, 'xdg-cache'),
    userData: join(base, 'user-data'),
    extensions: join(base, 'extensions'),
    configFile: join(base, 'code-server.yaml'),
  };
  for (const d of [dirs.config, dirs.data, dirs.cache, join(dirs.userData, 'User'), dirs.extensions]) mkdirSync(d, { recursive: true });
  // code-server reads --config; keep it empty of secrets and explicit about auth/bind.
  writeFileSync(dirs.configFile, 'auth: none\ncert: false\n');
  const settingsFile = join(dirs.userData, 'User', 'settings.json');
  if (!keepSettings || !existsSync(settingsFile)) writeFileSync(settingsFile, JSON.stringify(settings, null, 2) + '\n');
  return dirs;
}

/** User settings that make the workbench quiet and deterministic for tests and screenshots. */
export const workbenchSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'npm.autoDetect': 'off',
  'typescript.tsc.autoDetect': 'off',
  'window.restoreWindows': 'none',
};

export function codeServerArgs(dirs, { port, host = '127.0.0.1', smokeTestDriver = true } = {}) {
  const args = [
    '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions,
    '--config', dirs.configFile,
  ];
  if (port !== undefined) args.unshift('--bind-addr', `${host}:${port}`);
  if (smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  return args;
}

/** `code-server --install-extension <vsix>` into the instance's folders. */
export function installExtension(dirs, vsix, { log = console.log } = {}) {
  const r = spawnSync(harnessNode, [codeServerEntry, ...codeServerArgs(dirs, { smokeTestDriver: false }), '--install-extension', vsix, '--force'], {
    env: codeServerEnv(dirs), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000,
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  if (r.status !== 0 || !/successfully installed/i.test(out)) throw new Error(`installing ${vsix} failed (exit ${r.status ?? r.signal}):\n${out}`);
  log(out.split('\n').filter((l) => /install/i.test(l)).join('\n'));
}

/**
 * Packages the extension (repo root, which must be built) into a .vsix with the harness's vsce.
 * --no-dependencies: esbuild bundles everything into dist/, node_modules are not shipped.
 * vsce globs every file under its folder (only the top-level node_modules is skipped) before applying
 * .vscodeignore, which takes >10 s with test/harness/node_modules in the tree; so by default it runs
 * on a staging copy of the repository without the folders that never ship (the .vscodeignore still
 * decides what goes in). stage: false packages in place.
 */
export function packageVsix(outFile, { log = console.log, stage = true } = {}) {
  let cwd = repoRoot;
  if (stage) {
    cwd = join(dirname(outFile), 'vsix-stage');
    rmSync(cwd, { recursive: true, force: true });
    mkdirSync(cwd, { recursive: true });
    const skip = new Set(['node_modules', '.git', 'test', 'out', 'test-results', 'demo-workspace', '.vscode-test', '.mlops', '.cache']);
    for (const e of readdirSync(repoRoot, { withFileTypes: true })) {
      if (skip.has(e.name) || e.name.endsWith('.vsix')) continue;
      cpSync(join(repoRoot, e.name), join(cwd, e.name), { recursive: true });
    }
  }
  // The README's relative links and images need absolute bases in a .vsix; this one is only for the
  // tests (never published), so the repository field's placeholder host serves as the base.
  const base = 'https://example.invalid/mlops-tracking/raw/main/';
  const args = [vsceEntry, 'package', '--no-dependencies', '--allow-missing-repository', '--baseContentUrl', base, '--baseImagesUrl', base, '--out', outFile];
  if (!['LICENSE', 'LICENSE.md', 'LICENSE.txt'].some((f) => existsSync(join(repoRoot, f)))) args.push('--skip-license');
  const t = Date.now();
  const r = spawnSync(harnessNode, args, {
    cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 180_000,
    env: { ...process.env, PATH: `${harnessBin}:${process.env.PATH}` },
  });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  if (stage) rmSync(cwd, { recursive: true, force: true });
  if (r.status !== 0 || !existsSync(outFile)) throw new Error(`vsce package failed (exit ${r.status ?? r.signal}):\n${out}`);
  log(`packaged ${outFile} in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return out;
}

/**
 * Starts code-server in its own process group (detached = setsid), output to logFile.
 * Resolves once GET /healthz answers. Returns { port, baseUrl, pid, stop(), exited }.
 */
export async function startCodeServer(dirs, { port, host = '127.0.0.1', env = {}, logFile, smokeTestDriver = true, stdio, healthTimeoutMs = 60_000 } = {}) {
  port ??= await freePort(host);
  const args = [codeServerEntry, ...codeServerArgs(dirs, { port, host, smokeTestDriver })];
  let out = 'inherit';
  let fd;
  if (logFile) {
    mkdirSync(dirname(logFile), { recursive: true });
    fd = openSync(logFile, 'a');
    out = fd;
  }
  const child = spawn(harnessNode, args, {
    cwd: dirs.base, env: codeServerEnv(dirs, env), detached: true, stdio: stdio ?? ['ignore', out, out],
  });
  if (fd !== undefined) closeSync(fd);
  let exitInfo = null;
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => { exitInfo = { code, signal }; resolve(exitInfo); }));
  child.on('error', (err) => { exitInfo = { code: -1, signal: null, error: err }; });
  liveGroups.add(child.pid);

  const stop = async () => {
    if (!liveGroups.has(child.pid)) return;
    killGroup(child.pid, 'SIGTERM');
    const done = await Promise.race([exited.then(() => true), sleep(5000).then(() => false)]);
    killGroup(child.pid, 'SIGKILL'); // whatever is left in the group (extension hosts, pty hosts, ...)
    if (!done) await Promise.race([exited, sleep(2000)]);
    liveGroups.delete(child.pid);
  };

  const baseUrl = `http://${host}:${port}`;
  const deadline = Date.now() + healthTimeoutMs;
  for (;;) {
    if (exitInfo) throw new Error(`code-server exited during start-up (${JSON.stringify(exitInfo)})${logFile ? `; log: ${logFile}` : ''}`);
    try {
      const res = await fetch(`${baseUrl}/healthz`);
      if (res.ok) break;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`code-server did not answer ${baseUrl}/healthz within ${healthTimeoutMs / 1000} s${logFile ? `; log: ${logFile}` : ''}`);
    }
    await sleep(150);
  }
  return { port, baseUrl, pid: child.pid, child, stop, exited };
}

// Process groups still running; killed on exit, also when the runner fails or is interrupted.
const liveGroups = new Set();
function killGroup(pid, signal) {
  try { process.kill(-pid, signal); } catch { /* already gone */ }
}
export function killAllServers() {
  for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
  liveGroups.clear();
}
process.on('exit', killAllServers);

/** A fresh temporary copy of test/fixtures/workspace/ (created with a placeholder if absent). */
export function freshWorkspace(parent, name = 'workspace') {
  const fixtures = join(repoRoot, 'test', 'fixtures', 'workspace');
  if (!existsSync(fixtures)) {
    mkdirSync(fixtures, { recursive: true });
    writeFileSync(join(fixtures, 'README.txt'), 'Fixture workspace for the VS Code tests: each run opens a fresh temporary copy of this folder.\n');
  }
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, `${name}-`));
  cpSync(fixtures, dir, { recursive: true });
  return dir;
}

export function makeTempRoot(prefix = 'mlops-vscode-') {
  return mkdtempSync(join(process.env.MLOPS_TMPDIR || tmpdir(), prefix));
}

export function readManifest() {
  return JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
}
