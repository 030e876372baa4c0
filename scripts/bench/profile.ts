// Benchmark: profiling the 106 MB flights CSV (3,000,000 rows: schema, types, nulls, distinct counts,
// SHA-256 and the distribution of every column) against two baselines timed in the same invocation:
// pandas `read_csv` alone (timed inside Python around the call) and `sha256sum` of the file.
// The design goal is ours / pandas < 1. Each of our runs is a fresh Node process, so its peak RSS is
// the profiler's own. The machine is shared and noisy: rounds are interleaved and medians compared.
// Run alone: node --import tsx scripts/bench/profile.ts
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { profileFile } from '../../src/core/profile';

const ROOT = join(__dirname, '..', '..');
const CACHE = join(ROOT, 'test-results', 'bench-cache');
const CSV = join(CACHE, 'flights-3m.csv');
const PARQUET = join(ROOT, 'node_modules', 'vega-datasets', 'data', 'flights-3m.parquet');
/** The size /work/shared/data/SOURCES.md gives for this conversion. */
const EXPECTED_BYTES = 105_783_734;
const ROUNDS = 3;
const PYTHON = '/usr/bin/python3';

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
function isoMinute(d: Date): string {
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
}

/** Converts vega-datasets' flights-3m.parquet to CSV once (ISO dates), row group by row group. */
async function ensureFlightsCsv(log: (line: string) => void): Promise<string> {
  if (existsSync(CSV) && statSync(CSV).size === EXPECTED_BYTES) return CSV;
  if (!existsSync(PARQUET)) throw new Error(`${PARQUET} is missing: run npm install (vega-datasets@3.2.1 is a devDependency).`);
  log(`converting ${PARQUET} to CSV (once; cached in ${CSV})`);
  mkdirSync(CACHE, { recursive: true });
  const hp = await import('hyparquet');
  const { compressors } = await import('hyparquet-compressors');
  const file = await hp.asyncBufferFromFile(PARQUET);
  const metadata = await hp.parquetMetadataAsync(file);
  const names = ['date', 'delay', 'distance', 'origin', 'destination'];
  const tmp = `${CSV}.tmp`;
  const out = createWriteStream(tmp);
  const write = (s: string): Promise<void> => new Promise((res, rej) => out.write(s, (e) => (e ? rej(e) : res())));
  await write(`${names.join(',')}\n`);
  let rowStart = 0;
  for (const rg of metadata.row_groups) {
    const n = Number(rg.num_rows);
    const cols = new Map<string, unknown[]>(names.map((c) => [c, new Array<unknown>(n)]));
    await hp.parquetRead({
      file, metadata, compressors, rowStart, rowEnd: rowStart + n,
      onChunk(c) {
        const dst = cols.get(c.columnName);
        if (!dst) return;
        for (let i = 0; i < c.columnData.length; i++) {
          const r = c.rowStart + i - rowStart;
          if (r >= 0 && r < n) dst[r] = c.columnData[i];
        }
      },
    });
    const [date, delay, distance, origin, dest] = names.map((c) => cols.get(c) as unknown[]);
    const cell = (v: unknown): string => (v === null || v === undefined ? '' : v instanceof Date ? isoMinute(v) : String(v));
    let buf = '';
    for (let i = 0; i < n; i++) {
      buf += `${cell(date[i])},${cell(delay[i])},${cell(distance[i])},${cell(origin[i])},${cell(dest[i])}\n`;
      if (buf.length > 1 << 20) {
        await write(buf);
        buf = '';
      }
    }
    await write(buf);
    rowStart += n;
  }
  await new Promise<void>((res) => out.end(res));
  const size = statSync(tmp).size;
  if (size !== EXPECTED_BYTES) throw new Error(`the converted CSV has ${size} bytes, SOURCES.md says ${EXPECTED_BYTES}: the conversion differs.`);
  renameSync(tmp, CSV);
  return CSV;
}

interface ChildResult {
  seconds: number;
  /** CPU time (user + system) of the profiling, for reading results on a loaded machine. */
  cpuSeconds: number;
  rssStartMB: number;
  peakRssMB: number;
  rows: number;
  sha256: string;
  types: string;
}

/** The measured part, in a fresh process: profileFile with every column's distribution. */
async function child(path: string): Promise<void> {
  const rssStartMB = process.memoryUsage().rss / 2 ** 20;
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const { profile, distributions } = await profileFile(path, { columns: ['*'] });
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  const res: ChildResult = {
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    rssStartMB,
    peakRssMB: process.resourceUsage().maxRSS / 1024,
    rows: profile.rows,
    sha256: profile.sha256,
    types: profile.columns.map((c) => `${c.name}:${c.type}`).join(' ') + ` (${distributions.length} distributions)`,
  };
  process.stdout.write(`${JSON.stringify(res)}\n`);
}

function runOurs(path: string): ChildResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', __filename, '--child', path], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`profiling child failed (exit ${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as ChildResult;
}

function runSha(path: string): { seconds: number; hex: string } {
  const t0 = performance.now();
  const r = spawnSync('sha256sum', [path], { encoding: 'utf8' });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`sha256sum failed: ${r.stderr}`);
  return { seconds, hex: r.stdout.split(/\s+/)[0] };
}

function runPandas(path: string): { seconds: number; version: string } {
  const code = 'import sys, time\nimport pandas as pd\nt = time.perf_counter()\ndf = pd.read_csv(sys.argv[1])\nprint(time.perf_counter() - t, pd.__version__, len(df))';
  const r = spawnSync(PYTHON, ['-c', code, path], { encoding: 'utf8' });
  if (r.error || r.status !== 0) throw new Error(`pandas is needed for this baseline (run node scripts/setup-harness.mjs): ${r.error?.message ?? r.stderr}`);
  const [s, version] = r.stdout.trim().split(/\s+/);
  return { seconds: Number(s), version };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchProfile(log: (line: string) => void): Promise<void> {
  const csv = await ensureFlightsCsv(log);
  const ours: ChildResult[] = [];
  const sha: number[] = [];
  const pandas: number[] = [];
  let version = '';
  let hex = '';
  for (let i = 0; i < ROUNDS; i++) {
    ours.push(runOurs(csv));
    const s = runSha(csv);
    sha.push(s.seconds);
    hex = s.hex;
    const p = runPandas(csv);
    pandas.push(p.seconds);
    version = p.version;
  }
  const o = median(ours.map((r) => r.seconds));
  const p = median(pandas);
  const h = median(sha);
  const first = ours[0];
  if (first.sha256 !== hex) throw new Error(`our SHA-256 ${first.sha256} differs from sha256sum's ${hex}`);
  if (first.rows !== 3_000_000) throw new Error(`expected 3,000,000 rows, profiled ${first.rows}`);
  log(`flights CSV: ${EXPECTED_BYTES.toLocaleString('en-US')} bytes, ${first.rows.toLocaleString('en-US')} rows; ${first.types}`);
  log(`  profileFile (all columns + distributions)  ${o.toFixed(3)} s  (median of ${ROUNDS}: ${ours.map((r) => r.seconds.toFixed(3)).join(', ')}; CPU ${ours.map((r) => r.cpuSeconds.toFixed(3)).join(', ')})`);
  log(`  pandas ${version} read_csv alone            ${p.toFixed(3)} s  (${pandas.map((x) => x.toFixed(3)).join(', ')})`);
  log(`  sha256sum                                 ${h.toFixed(3)} s  (${sha.map((x) => x.toFixed(3)).join(', ')}; same hash: yes)`);
  log(`  ours / pandas read_csv   ${(o / p).toFixed(2)}  (goal < 1: ${o < p ? 'met' : 'MISSED'})`);
  log(`  ours / sha256sum         ${(o / h).toFixed(2)}`);
  log(`  peak RSS of profiling    ${Math.max(...ours.map((r) => r.peakRssMB)).toFixed(0)} MB (the Node process held ${first.rssStartMB.toFixed(0)} MB before it started)`);
}

if (require.main === module) {
  const i = process.argv.indexOf('--child');
  const run = i >= 0 ? child(process.argv[i + 1]) : benchProfile((line) => console.log(line));
  run.catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
