#!/usr/bin/env node
// `npm test`: every check, in order, stopping at the first failure.
//   1. setup     node scripts/setup-harness.mjs   (Chromium, code-server, Node 24 for the harness)
//   2. typecheck npm run typecheck
//   3. lint      npm run lint
//   4. unit      npm run test:unit                 (node's test runner)
//   5. python    python3 -m unittest discover -s python/tests   (the Python logging module)
//   6. vscode    npm run test:vscode               (integration suite + UI tests in code-server)
// Prints a header per stage, a summary of all stages, and last a line `total: N passed, M failed`
// (unit + vscode test counts; a stage that fails without test counts adds 1 failed).
// Options: --skip <stage> (repeatable), --only <stage>, --keep-going (run the later stages anyway).
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const valueOf = (flag) => argv.flatMap((a, i) => (a === flag && argv[i + 1] ? [argv[i + 1]] : []));
const skip = new Set(valueOf('--skip'));
const only = new Set(valueOf('--only'));
const keepGoing = argv.includes('--keep-going');

const stages = [
  { name: 'setup', cmd: process.execPath, args: [join(root, 'scripts', 'setup-harness.mjs')], label: 'node scripts/setup-harness.mjs' },
  { name: 'typecheck', cmd: 'npm', args: ['run', 'typecheck'] },
  { name: 'lint', cmd: 'npm', args: ['run', 'lint'] },
  { name: 'unit', cmd: 'npm', args: ['run', 'test:unit'], counts: unitCounts },
  { name: 'python', cmd: 'python3', args: ['-m', 'unittest', 'discover', '-s', 'python/tests', '-v'], counts: pythonCounts },
  { name: 'vscode', cmd: 'npm', args: ['run', 'test:vscode'], counts: vscodeCounts },
];

// node --test (spec reporter) ends with "ℹ pass N" / "ℹ fail N" (also "# pass N" with TAP).
function unitCounts(out) {
  const pass = [...out.matchAll(/^\s*(?:ℹ|#)\s*pass (\d+)\s*$/gm)].pop();
  const fail = [...out.matchAll(/^\s*(?:ℹ|#)\s*fail (\d+)\s*$/gm)].pop();
  const skipped = [...out.matchAll(/^\s*(?:ℹ|#)\s*(?:skipped|todo) (\d+)\s*$/gm)].reduce((n, m) => n + Number(m[1]), 0);
  return pass || fail ? { passed: Number(pass?.[1] ?? 0), failed: Number(fail?.[1] ?? 0), skipped } : null;
}
// unittest ends with "Ran N tests in ..." then "OK" or "FAILED (failures=F, errors=E)".
function pythonCounts(out) {
  const ran = [...out.matchAll(/^Ran (\d+) tests? in /gm)].pop();
  if (!ran) return null;
  const failed = [...out.matchAll(/^FAILED \((.*)\)\s*$/gm)].pop();
  const bad = failed ? [...failed[1].matchAll(/(?:failures|errors)=(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0) : 0;
  const skipped = Number(/skipped=(\d+)/.exec(failed?.[1] ?? out.match(/^OK \((.*)\)/m)?.[1] ?? '')?.[1] ?? 0);
  return { passed: Number(ran[1]) - bad - skipped, failed: bad, skipped };
}
// scripts/test-vscode.mjs ends with "vscode: N passed, M failed".
function vscodeCounts(out) {
  const m = [...out.matchAll(/^vscode: (\d+) passed, (\d+) failed\s*$/gm)].pop();
  return m ? { passed: Number(m[1]), failed: Number(m[2]), skipped: 0 } : null;
}

function runStage(stage) {
  return new Promise((resolve) => {
    let out = '';
    const child = spawn(stage.cmd, stage.args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    const tee = (stream, dest) => stream.on('data', (chunk) => {
      dest.write(chunk);
      if (out.length < 8_000_000) out += chunk.toString('utf8');
    });
    tee(child.stdout, process.stdout);
    tee(child.stderr, process.stderr);
    child.on('error', (err) => { out += String(err); resolve({ code: 127, out }); });
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), out }));
  });
}

const results = [];
let stopped = false;
const t0 = Date.now();
for (const stage of stages) {
  const label = stage.label ?? `${stage.cmd} ${stage.args.join(' ')}`;
  if (stopped || skip.has(stage.name) || (only.size && !only.has(stage.name))) {
    results.push({ stage, label, status: stopped ? 'not run' : 'skipped' });
    continue;
  }
  console.log(`\n${'='.repeat(100)}\n== ${stage.name}: ${label}\n${'='.repeat(100)}`);
  const t = Date.now();
  const { code, out } = await runStage(stage);
  const seconds = (Date.now() - t) / 1000;
  const counts = stage.counts ? stage.counts(out) : null;
  const ok = code === 0;
  results.push({ stage, label, status: ok ? 'passed' : 'FAILED', code, seconds, counts });
  if (!ok) {
    console.error(`\n✖ stage "${stage.name}" failed (exit code ${code}): ${label}`);
    if (!keepGoing) {
      console.error('  stopping here; the later stages were not run (use --keep-going to run them anyway).');
      stopped = true;
    }
  }
}

console.log(`\n${'='.repeat(100)}\n== summary\n${'='.repeat(100)}`);
let passed = 0;
let failed = 0;
let skippedTests = 0;
for (const r of results) {
  const c = r.counts ? `  (${r.counts.passed} passed, ${r.counts.failed} failed${r.counts.skipped ? `, ${r.counts.skipped} skipped` : ''})` : '';
  const s = r.seconds !== undefined ? `${r.seconds.toFixed(1).padStart(7)} s` : '         ';
  console.log(`${r.status.padEnd(8)} ${r.stage.name.padEnd(10)} ${s}  ${r.label}${c}`);
  if (r.counts) {
    passed += r.counts.passed;
    failed += r.counts.failed;
    skippedTests += r.counts.skipped;
  }
  if (r.status === 'FAILED' && !(r.counts && r.counts.failed > 0)) failed += 1;
}
const anyFailed = results.some((r) => r.status === 'FAILED');
console.log(`${anyFailed ? 'FAILED' : 'all stages passed'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
console.log(`total: ${passed} passed, ${failed} failed${skippedTests ? `, ${skippedTests} skipped` : ''}`);
process.exit(anyFailed ? 1 : 0);
