// Shared by the profiling tests: the pandas oracle, temp files, and "rejects with a clear ProfileError".
// A machine without pandas FAILS the oracle tests (never skips): the oracle is the specification.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProfileError, type ProfileErrorCode } from '../../../src/core/profile';

export const ROOT = join(__dirname, '..', '..', '..');
export const FIXTURES = join(ROOT, 'test', 'fixtures', 'tabular');
const PYTHON = '/usr/bin/python3';
const ORACLE = join(ROOT, 'test', 'oracles', 'profile_pandas.py');
const SETUP = 'pandas is needed for these tests: run `node scripts/setup-harness.mjs` (as root) to install it';

export interface OracleColumn {
  name: string;
  dtype: string;
  type: string;
  nulls: number;
  nunique: number;
  min?: number | null;
  max?: number | null;
  mean?: number | null;
  std?: number | null;
  dt_min_ms?: number;
  dt_max_ms?: number;
  quantiles?: number[];
  hist?: number[];
  value_counts: Record<string, number>;
}

export interface OracleResult {
  pandas: string;
  rows: number;
  columns: OracleColumn[];
}

export interface OracleJob {
  path: string;
  sep: string;
  decimal: string;
  quantiles: readonly number[];
  edges: Record<string, number[]>;
}

/** pandas on many files in one Python process. */
export function pandasBatch(jobs: readonly OracleJob[]): OracleResult[] {
  if (!existsSync(PYTHON)) assert.fail(`${PYTHON} is missing. ${SETUP}`);
  const r = spawnSync(PYTHON, [ORACLE], { input: JSON.stringify(jobs), encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.error) assert.fail(`could not run ${PYTHON}: ${r.error.message}. ${SETUP}`);
  if (r.status === 3) assert.fail(`${SETUP} (${r.stderr.trim()})`);
  if (r.status !== 0) assert.fail(`the pandas oracle failed (exit ${r.status}):\n${r.stderr}`);
  const out = JSON.parse(r.stdout) as OracleResult[];
  assert.equal(out.length, jobs.length);
  return out;
}

/** Relative tolerance 1e-9 (absolute near zero), as the brief for pandas agreement asks. */
export function close(actual: number | undefined, expected: number | null | undefined, what: string): void {
  assert.ok(typeof actual === 'number' && typeof expected === 'number', `${what}: ours ${String(actual)}, pandas ${String(expected)}`);
  const tol = 1e-9 * Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ours ${actual}, pandas ${expected}`);
}

export function sha256sum(path: string): string {
  const r = spawnSync('sha256sum', [path], { encoding: 'utf8' });
  assert.equal(r.status, 0, `sha256sum failed: ${r.stderr}`);
  return r.stdout.split(/\s+/)[0];
}

/** A temp folder for bad files; removed by the returned cleanup. */
export function tempDir(): { dir: string; file: (name: string, content: string | Uint8Array) => string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'mlops-profile-'));
  return {
    dir,
    file: (name, content) => {
      const p = join(dir, name);
      writeFileSync(p, content);
      return p;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Asserts a ProfileError with the code whose message contains every part. */
export async function rejectsClear(p: Promise<unknown>, code: ProfileErrorCode, ...parts: (string | RegExp)[]): Promise<ProfileError> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof ProfileError, `expected a ProfileError, got ${caught === undefined ? 'a result' : String(caught)}`);
  assert.equal(caught.code, code, `code: ${caught.message}`);
  for (const part of parts) {
    if (typeof part === 'string') assert.ok(caught.message.includes(part), `message "${caught.message}" lacks "${part}"`);
    else assert.match(caught.message, part);
  }
  return caught;
}
