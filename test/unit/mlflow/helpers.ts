// Shared by the MLflow reader tests: fixture paths, writable temp copies, a tiny independent reader of
// the file-store layout, and the Python oracle (skipped where /usr/bin/python3 or PyYAML is missing).
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const FIXTURES = join(__dirname, '../../fixtures/mlflow');
export const PACKT = join(FIXTURES, 'mlruns/packt-dl-at-scale-ch02');
export const LOGLABS = join(FIXTURES, 'mlruns/loglabs-mltrace');
export const CRYPTO_DB = join(FIXTURES, 'mlflow-sqlite/crypto-backtesting.mlflow.db');

const made: string[] = [];

export function tempDir(prefix = 'mlflow-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Removes every temp dir this test file made (register with `after(removeTempDirs)`). */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

function makeWritable(p: string): void {
  const st = statSync(p);
  chmodSync(p, st.isDirectory() ? 0o755 : 0o644);
  if (st.isDirectory()) for (const name of readdirSync(p)) makeWritable(join(p, name));
}

/** A writable copy of a fixture (file or folder) at `<tmp>/<name>`. */
export function copyFixture(src: string, name: string, dir = tempDir()): string {
  const dest = join(dir, name);
  cpSync(src, dest, { recursive: true });
  makeWritable(dest);
  return dest;
}

// ---- a deliberately tiny reader of the on-disk layout, sharing no code with src/core/mlflow ----

export interface MiniRun { dir: string; expId: string; meta: Record<string, string> }

/** `key: value` lines of a flat meta.yaml, quotes removed. Enough for the fixtures' meta files. */
export function miniMeta(file: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^(\w+): ?(.*)$/.exec(line);
    if (m) out[m[1]] = m[2].replace(/^'(.*)'$/, '$1');
  }
  return out;
}

export function miniExperiments(root: string): { id: string; dir: string; meta: Record<string, string> }[] {
  return readdirSync(root)
    .filter((n) => existsSync(join(root, n, 'meta.yaml')))
    .map((id) => ({ id, dir: join(root, id), meta: miniMeta(join(root, id, 'meta.yaml')) }));
}

export function miniRuns(root: string): MiniRun[] {
  const runs: MiniRun[] = [];
  for (const exp of miniExperiments(root)) {
    for (const name of readdirSync(exp.dir)) {
      const meta = join(exp.dir, name, 'meta.yaml');
      if (existsSync(meta)) runs.push({ dir: join(exp.dir, name), expId: exp.id, meta: miniMeta(meta) });
    }
  }
  return runs;
}

/** Files under a folder as key → content (nested folders give `a/b` keys). */
export function miniValues(dir: string, prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) Object.assign(out, miniValues(p, `${prefix}${name}/`));
    else out[prefix + name] = readFileSync(p, 'utf8');
  }
  return out;
}

/** A metric file's points in file order: `[step, timestamp, value]`. */
export function miniMetric(file: string): [number, number, number][] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '').map((l) => {
    const [ts, v, step] = l.trim().split(' ');
    return [step === undefined ? 0 : parseInt(step, 10), parseInt(ts, 10), parseFloat(v)];
  });
}

// ---- the Python oracle ----

export interface OracleRun {
  runId: string; experimentId: string; status: string; lifecycle: string; name: string | null;
  startTime: number | null; endTime: number | null;
  params: Record<string, string>; tags: Record<string, string>;
  metrics: Record<string, [number, number, number | 'NaN' | 'Infinity' | '-Infinity'][]>;
}
export interface OracleStore { experiments: { id: string; name: string; lifecycle: string }[]; runs: OracleRun[] }

const PYTHON = '/usr/bin/python3';

/** Why the oracle cannot run here, or undefined when it can. */
export function oracleUnavailable(): string | undefined {
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  const r = spawnSync(PYTHON, ['-c', 'import yaml, sqlite3'], { encoding: 'utf8' });
  return r.status === 0 ? undefined : 'PyYAML or sqlite3 missing for /usr/bin/python3 (apt-get install -y python3-yaml)';
}

export function runOracle(kind: 'file' | 'sqlite', target: string): OracleStore {
  const r = spawnSync(PYTHON, [join(__dirname, 'oracle.py'), kind, target], { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`oracle failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as OracleStore;
}

/** Our metric value in the oracle's encoding. */
export function encodeValue(v: number): number | 'NaN' | 'Infinity' | '-Infinity' {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  return v;
}

/** A null-prototype record as a plain one, for deepEqual against literals. */
export function plain<V>(r: Record<string, V>): Record<string, V> {
  return { ...r };
}
