// Ingest speed: 1,000,000 metric events from the log into the store, against plain JSON.parse of the same lines.
import { mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeEvent, serializeEvent } from '../../src/ingest/events';
import { ingestLogs } from '../../src/ingest/tailer';
import { loadSqlJs } from '../../src/store/sqljs';
import { TrackingStore } from '../../src/store/store';

const RUNS = 100;
const POINTS_PER_RUN = 10_000;
const KEYS = ['loss', 'val_loss', 'accuracy', 'val_accuracy', 'learning_rate'];

export function makeLogWorkspace(dir: string, runs = RUNS, pointsPerRun = POINTS_PER_RUN): string {
  rmSync(dir, { recursive: true, force: true });
  const expDir = join(dir, '.mlops/runs/Bench-0123abcd');
  mkdirSync(expDir, { recursive: true });
  writeFileSync(join(expDir, 'experiment.jsonl'), serializeEvent(makeEvent({ type: 'experiment_created', experimentId: '0123abcd0123abcd', name: 'Bench' })) + '\n');
  for (let r = 0; r < runs; r++) {
    const runId = r.toString(16).padStart(32, '0');
    const lines = [serializeEvent(makeEvent({ type: 'run_created', runId, experimentId: '0123abcd0123abcd', startTime: 1_700_000_000_000 + r }))];
    for (let i = 0; i < pointsPerRun; i++) {
      const key = KEYS[i % KEYS.length];
      lines.push(serializeEvent(makeEvent({ type: 'metric', runId, key, value: Math.exp(-i / 3000) + (i % 7) * 1e-3, step: Math.floor(i / KEYS.length), timestamp: 1_700_000_000_000 + i, ts: 1_700_000_000_000 + i })));
    }
    writeFileSync(join(expDir, `${runId}.jsonl`), lines.join('\n') + '\n');
  }
  return dir;
}

function time<T>(fn: () => T): [T, number] {
  const t0 = performance.now();
  const r = fn();
  return [r, (performance.now() - t0) / 1000];
}

export async function benchIngest(log: (line: string) => void): Promise<void> {
  const ws = makeLogWorkspace(join(process.cwd(), 'test-results/bench-cache/ingest-ws'));
  const runsDir = join(ws, '.mlops/runs');
  const files = readdirSync(join(runsDir, 'Bench-0123abcd')).map((f) => join(runsDir, 'Bench-0123abcd', f));
  const bytes = files.reduce((s, f) => s + statSync(f).size, 0);
  const SQL = await loadSqlJs();
  const points = RUNS * POINTS_PER_RUN;
  const results: { base: number; ours: number }[] = [];
  for (let round = 0; round < 3; round++) {
    // Baseline: read the same files and JSON.parse every line, nothing else.
    const [, base] = time(() => {
      let n = 0;
      for (const f of files) for (const line of readFileSync(f, 'utf8').split('\n')) if (line) { JSON.parse(line); n++; }
      return n;
    });
    const store = TrackingStore.open(SQL);
    const [res, ours] = time(() => ingestLogs(store, ws, runsDir));
    if (res.problems.length || store.countMetricPoints() !== points) throw new Error(`ingest read ${store.countMetricPoints()} points, ${res.problems.length} problems`);
    store.close();
    results.push({ base, ours });
  }
  const best = results.reduce((a, b) => (b.ours < a.ours ? b : a));
  log(`ingest: ${points.toLocaleString('en')} metric events (${(bytes / 1e6).toFixed(0)} MB of log) into the store in ${best.ours.toFixed(2)} s = ${Math.round(points / best.ours).toLocaleString('en')} points/s (target >= 500,000)`);
  log(`ingest: ratio to plain JSON.parse of the same lines (${best.base.toFixed(2)} s): ${(best.ours / best.base).toFixed(2)}x`);
}

if (require.main === module) void benchIngest(console.log);
