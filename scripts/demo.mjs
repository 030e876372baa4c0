#!/usr/bin/env node
// `npm run demo`: the extension on a workspace full of example runs.
//   1. builds the extension (npm run build)
//   2. makes <repo>/demo-workspace/ with `node --import tsx scripts/demo-data.ts demo-workspace`
//      (just the empty folder while scripts/demo-data.ts does not exist)
//   3. with a desktop VS Code (`code` on PATH): `code --extensionDevelopmentPath=<repo> demo-workspace`;
//      otherwise (or with --code-server): sets up the harness (scripts/setup-harness.mjs), packages
//      the extension, installs it into a code-server of its own (state in .vscode-test/demo/), starts
//      it on 127.0.0.1 (PORT or a free port, --auth none) and prints the URL to open; runs until Ctrl-C.
// Options: --code-server (even if `code` exists), --no-build, --no-data (keep demo-workspace as it is).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import {
  ensureHarness, installExtension, killAllServers, makeServerDirs, packageVsix, repoRoot, startCodeServer, workbenchSettings,
} from '../test/harness/lib.mjs';

const argv = process.argv.slice(2);
const forceServer = argv.includes('--code-server');
const say = (...a) => console.log('[demo]', ...a);
const fail = (msg) => {
  console.error(`[demo] ERROR: ${msg}`);
  killAllServers();
  process.exit(1);
};
function run(cmd, args, opts = {}) {
  say(`$ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { cwd: repoRoot, stdio: 'inherit', ...opts });
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
}

const desktopCode = forceServer ? null : spawnSync('sh', ['-c', 'command -v code'], { encoding: 'utf8' }).stdout?.trim() || null;
// The `code` of a remote/code-server terminal (.../bin/remote-cli/code) is not a desktop VS Code.
const useDesktop = desktopCode && !/remote-cli|code-server/.test(realpathSync(desktopCode));

if (!useDesktop) {
  say('no desktop `code` on PATH: using code-server (setting up the harness first)');
  ensureHarness(); // scripts/setup-harness.mjs: idempotent, fast when already done
}
if (!argv.includes('--no-build')) run('npm', ['run', 'build']);

const workspace = join(repoRoot, 'demo-workspace');
if (!argv.includes('--no-data') && existsSync(join(repoRoot, 'scripts', 'demo-data.ts'))) {
  run(process.execPath, ['--import', 'tsx', 'scripts/demo-data.ts', 'demo-workspace']);
} else {
  mkdirSync(workspace, { recursive: true });
  if (!existsSync(join(repoRoot, 'scripts', 'demo-data.ts'))) say('scripts/demo-data.ts does not exist yet: demo-workspace/ is empty');
}

if (useDesktop) {
  run(desktopCode, [`--extensionDevelopmentPath=${repoRoot}`, workspace]);
  say(`opened ${workspace} in VS Code (${desktopCode}) with the extension from ${repoRoot}`);
  process.exit(0);
}

// code-server
const base = join(repoRoot, '.vscode-test', 'demo');
const dirs = makeServerDirs(base, {
  keepSettings: true, // the user's changes survive the next demo
  settings: { ...workbenchSettings, 'git.enabled': true },
});
const vsix = join(base, 'mlops-tracking.vsix');
try {
  packageVsix(vsix, { log: say });
  installExtension(dirs, vsix, { log: say });
} catch (err) {
  fail(err.message);
}
const port = process.env.PORT ? Number(process.env.PORT) : undefined;
const logFile = join(base, 'code-server.log');
let server;
try {
  server = await startCodeServer(dirs, { port, logFile, smokeTestDriver: false });
} catch (err) {
  fail(err.message);
}
const url = `${server.baseUrl}/?folder=${encodeURIComponent(workspace).replace(/%2F/g, '/')}`;
console.log('');
say(`code-server is running (pid group ${server.pid}, log ${logFile})`);
say(`open: ${url}`);
say('press Ctrl-C to stop');

let stopping = false;
const stop = async (sig) => {
  if (stopping) return;
  stopping = true;
  say(`${sig}: stopping code-server`);
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
const info = await server.exited;
if (!stopping) fail(`code-server exited (${JSON.stringify(info)}); see ${logFile}`);
