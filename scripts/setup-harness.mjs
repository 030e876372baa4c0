#!/usr/bin/env node
// Installs what the VS Code tests need on a machine without internet (npm registry + Debian only),
// following /work/shared/docs/vscode-tests-offline.md. Idempotent: a second run takes well under a second.
//
//   1. Debian packages (as root): chromium (the browser playwright-core drives), libkrb5-dev (headers
//      for code-server's `kerberos` module), python3-pandas and python3-sklearn (test oracles used by
//      other test files). Skipped when /usr/bin/chromium, the gssapi headers and
//      `/usr/bin/python3 -c "import pandas, sklearn"` are all there.
//   2. Node 24 for the harness: code-server 4.139.1 refuses Node 20, and its install script checks the
//      Node version of the npm that installs it. So a Node 24 binary (npm package node-<os>-<arch>,
//      the one the `node` package installs) is first put into test/harness/.cache/, and npm runs with it.
//   3. `npm ci` in test/harness with test/harness/node_modules/.bin and that Node first on PATH and
//      npm_config_nodedir pointing at its headers, so node-gyp builds native modules for Node 24
//      (this machine's ~/.npmrc sets nodedir=/usr, the system Node 20's headers).
//      A stamp file (hash of package.json + package-lock.json) makes the next run skip it.
//
// Options: --force (reinstall the harness even if the stamp matches), --skip-apt.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const harness = join(root, 'test', 'harness');
const force = process.argv.includes('--force');
const skipApt = process.argv.includes('--skip-apt');
const t0 = Date.now();

const log = (...a) => console.log('[setup-harness]', ...a);
const fail = (msg) => {
  console.error(`[setup-harness] ERROR: ${msg}`);
  process.exit(1);
};
function run(cmd, args, opts = {}) {
  log(`$ ${[cmd, ...args].join(' ')}${opts.cwd ? `   (in ${opts.cwd})` : ''}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.error) fail(`${cmd} could not start: ${r.error.message}`);
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
}
const quiet = (cmd, args, opts = {}) => spawnSync(cmd, args, { encoding: 'utf8', ...opts });

// Under `npm test` / `npm run`, npm exports its configuration as npm_config_* and more, which a
// child npm reads back as its own: npm_config_user_agent carries the Node 20 version (code-server's
// install script reads it and refuses), npm_config_local_prefix / prefix point at the root project,
// npm_config_nodedir at Node 20's headers. Those are dropped; the user's own settings (cache,
// registry, proxy, userconfig, ...) are kept.
const NPM_INJECTED = /^npm_(config_(user_agent|local_prefix|global_prefix|prefix|node_gyp|npm_version|nodedir|allow_scripts|init_module)$|lifecycle_|package_|command$|execpath$|node_execpath$)/i;
function cleanEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (NPM_INJECTED.test(k) || k === 'INIT_CWD' || k === 'NODE' || k === 'NODE_OPTIONS') continue;
    env[k] = v;
  }
  return env;
}

// ---------------------------------------------------------------------------------------------
// 1. Debian packages
// ---------------------------------------------------------------------------------------------
function systemPackages() {
  const need = [];
  if (!existsSync('/usr/bin/chromium')) need.push('chromium');
  if (!existsSync('/usr/include/gssapi/gssapi.h') && !existsSync('/usr/include/gssapi.h')) need.push('libkrb5-dev');
  // find_spec rather than `import pandas, sklearn`: the same answer without the second it takes to import them.
  const py = existsSync('/usr/bin/python3')
    ? quiet('/usr/bin/python3', ['-c', "import importlib.util as u, sys; sys.exit(0 if u.find_spec('pandas') and u.find_spec('sklearn') else 1)"])
    : { status: 1 };
  if (py.status !== 0) need.push('python3-pandas', 'python3-sklearn');
  if (need.length === 0) {
    log('system packages: chromium, libkrb5-dev, python3 pandas + sklearn already present');
    return;
  }
  if (skipApt) {
    log(`--skip-apt: NOT installing missing Debian packages: ${need.join(' ')}`);
    return;
  }
  if (process.getuid && process.getuid() !== 0) {
    fail(`missing Debian packages (${need.join(' ')}); run as root, or first: ` +
      `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${need.join(' ')}`);
  }
  log(`installing Debian packages: ${need.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // Wait for another apt/dpkg run (e.g. a colleague's) instead of failing on the lock.
  const lock = ['-o', 'DPkg::Lock::Timeout=600'];
  run('apt-get', [...lock, 'update'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  run('apt-get', [...lock, 'install', '-y', '--no-install-recommends', ...need], { env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (!existsSync('/usr/bin/chromium')) fail('apt-get finished but /usr/bin/chromium is missing');
}

// ---------------------------------------------------------------------------------------------
// 2. + 3. Node 24 and the harness packages
// ---------------------------------------------------------------------------------------------
function harnessPackages() {
  const pkgText = readFileSync(join(harness, 'package.json'), 'utf8');
  const lockPath = join(harness, 'package-lock.json');
  const lockText = existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : '';
  const nodeVersion = JSON.parse(pkgText).dependencies.node;
  if (!/^\d+\.\d+\.\d+$/.test(nodeVersion)) fail(`test/harness/package.json must pin "node" to an exact version, found ${nodeVersion}`);

  const stampPath = join(harness, 'node_modules', '.mlops-harness-stamp');
  const stamp = createHash('sha256').update(pkgText).update('\0').update(lockText).update(process.arch).digest('hex');
  const harnessNode = join(harness, 'node_modules', '.bin', 'node');
  const codeServerPkg = join(harness, 'node_modules', 'code-server', 'package.json');
  const installed = existsSync(stampPath) && readFileSync(stampPath, 'utf8').trim() === stamp &&
    existsSync(harnessNode) && existsSync(codeServerPkg) &&
    existsSync(join(harness, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules'));
  if (installed && !force) {
    log(`harness packages up to date (test/harness/node_modules, Node ${nodeVersion})`);
    return;
  }

  // Bootstrap Node: the platform package that the `node` package installs for itself.
  const platform = process.platform === 'win32' ? 'win' : process.platform;
  const binPkg = `${platform === 'darwin' && process.arch === 'arm64' ? 'node-bin' : 'node'}-${platform}-${process.arch}`;
  const bootDir = join(harness, '.cache', `node-${nodeVersion}`);
  const bootNodeDir = join(bootDir, 'node_modules', binPkg);
  const bootNode = join(bootNodeDir, 'bin', 'node');
  if (!existsSync(bootNode) || quiet(bootNode, ['-v']).stdout?.trim() !== `v${nodeVersion}`) {
    log(`bootstrapping Node ${nodeVersion} (npm package ${binPkg}) into test/harness/.cache/`);
    rmSync(bootDir, { recursive: true, force: true });
    mkdirSync(bootDir, { recursive: true });
    writeFileSync(join(bootDir, 'package.json'), JSON.stringify({ name: 'node-bootstrap', private: true }) + '\n');
    run('npm', ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts', `${binPkg}@${nodeVersion}`], { cwd: bootDir, env: cleanEnv() });
    const v = quiet(bootNode, ['-v']).stdout?.trim();
    if (v !== `v${nodeVersion}`) fail(`bootstrap Node reports ${v}, expected v${nodeVersion}`);
  } else {
    log(`bootstrap Node ${nodeVersion} present in test/harness/.cache/`);
  }
  if (!existsSync(join(bootNodeDir, 'include', 'node', 'node.h'))) fail(`${bootNodeDir} has no include/node/node.h (headers for node-gyp)`);

  const env = {
    ...cleanEnv(),
    PATH: [join(harness, 'node_modules', '.bin'), join(bootNodeDir, 'bin'), process.env.PATH].join(':'),
    // node-gyp: build native modules against Node 24's headers (overrides nodedir in ~/.npmrc).
    npm_config_nodedir: bootNodeDir,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
  const npmArgs = lockText ? ['ci'] : ['install'];
  log(`installing harness packages with Node ${nodeVersion} (code-server compiles native modules: a few minutes the first time)`);
  rmSync(stampPath, { force: true });
  run('npm', [...npmArgs, '--no-audit', '--no-fund'], { cwd: harness, env, stdio: ['ignore', 'inherit', 'inherit'] });

  const v = existsSync(harnessNode) ? quiet(harnessNode, ['-v']).stdout?.trim() : 'missing';
  if (v !== `v${nodeVersion}`) fail(`test/harness/node_modules/.bin/node is ${v}, expected v${nodeVersion}`);
  // (its own XDG folders: code-server writes a default config.yaml even for --version)
  const xdg = join(harness, '.cache', 'xdg');
  const cs = quiet(harnessNode, [join(harness, 'node_modules', 'code-server', 'out', 'node', 'entry.js'), '--version'],
    { env: { ...env, XDG_CONFIG_HOME: join(xdg, 'config'), XDG_DATA_HOME: join(xdg, 'data') } });
  if (cs.status !== 0) fail(`code-server does not start:\n${cs.stdout}\n${cs.stderr}`);
  log(`code-server ${cs.stdout.trim().split('\n').pop()}`);
  writeFileSync(stampPath, stamp + '\n');
}

systemPackages();
harnessPackages();
log(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
