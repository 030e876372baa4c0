// A store of 10,000 runs and 1,000,000 metric points: how long the Runs view takes to open (load the
// saved store, list experiments, list and rank the runs of the expanded experiments), to expand an
// experiment of 5,000 runs, to filter, and to read a 100,000-point metric history.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseQuery } from '../../src/core/query';
import { makeEvent, serializeEvent, type TrackingEvent } from '../../src/ingest/events';
import { ingestLogs } from '../../src/ingest/tailer';
import { writeFileAtomic } from '../../src/store/persist';
import { bestRunOfExperiment, listRunItems, primaryMetric } from '../../src/store/queries/runs';
import { loadSqlJs } from '../../src/store/sqljs';
import { TrackingStore } from '../../src/store/store';

const EXPERIMENTS = 2;
const RUNS = 10_000;
const POINTS = 1_000_000;
const LONG = 100_000; // one run has a history this long

function ms(t0: number): number { return performance.now() - t0; }

function makeWorkspace(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  const perRun = Math.floor((POINTS - 2 * LONG) / (RUNS - 1) / 2); // two metrics per run; run 0 has LONG of each
  for (let e = 0; e < EXPERIMENTS; e++) {
    const experimentId = `e${e}`.padEnd(16, '0');
    const expDir = join(dir, '.mlops/runs', `Exp${e}-${experimentId.slice(0, 8)}`);
    mkdirSync(expDir, { recursive: true });
    writeFileSync(join(expDir, 'experiment.jsonl'), serializeEvent(makeEvent({ type: 'experiment_created', experimentId, name: `Experiment ${e}` })) + '\n');
    for (let r = e; r < RUNS; r += EXPERIMENTS) {
      const runId = r.toString(16).padStart(32, '0');
      const ev: TrackingEvent[] = [
        makeEvent({ type: 'run_created', runId, experimentId, name: `run ${r}`, startTime: 1_700_000_000_000 + r * 1000 }),
        makeEvent({ type: 'params', runId, params: { max_depth: (r % 9) + 1, learning_rate: 0.001 * ((r % 5) + 1), optimizer: r % 2 ? 'adam' : 'sgd' }, algorithm: 'MLP' }),
      ];
      const n = r === 0 ? LONG : perRun;
      for (let i = 0; i < n; i++) {
        ev.push(makeEvent({ type: 'metric', runId, key: 'loss', value: Math.exp(-i / 50) + (r % 97) / 1000, step: i, timestamp: 1_700_000_000_000 + i, ts: 1 }));
        ev.push(makeEvent({ type: 'metric', runId, key: 'accuracy', value: 0.5 + 0.4 * (1 - Math.exp(-i / 30)) + (r % 89) / 1000, step: i, timestamp: 1_700_000_000_000 + i, ts: 1 }));
      }
      ev.push(makeEvent({ type: 'run_ended', runId, status: r % 10 === 0 ? 'failed' : 'finished', endTime: 1_700_000_000_000 + r * 1000 + 5000 }));
      writeFileSync(join(expDir, `${runId}.jsonl`), ev.map(serializeEvent).join('\n') + '\n');
    }
  }
}

export async function benchExplorer(log: (line: string) => void): Promise<void> {
  const dir = join(process.cwd(), 'test-results/bench-cache/explorer-ws');
  const db = join(dir, '.mlops/tracking.db');
  const SQL = await loadSqlJs();
  if (!existsSync(db)) {
    makeWorkspace(dir);
    const t0 = performance.now();
    const store = TrackingStore.open(SQL);
    ingestLogs(store, dir, join(dir, '.mlops/runs'));
    writeFileAtomic(db, store.export());
    log(`explorer: built a store of ${store.countRuns().toLocaleString('en')} runs and ${store.countMetricPoints().toLocaleString('en')} metric points from the logs in ${(ms(t0) / 1000).toFixed(1)} s (${(readFileSync(db).length / 1e6).toFixed(0)} MB)`);
    store.close();
  }
  const rounds: Record<string, number[]> = {};
  const add = (k: string, v: number) => (rounds[k] ??= []).push(v);
  for (let round = 0; round < 5; round++) {
    // Baseline: read the file and open it with sql.js, nothing else.
    let t0 = performance.now();
    const raw = new SQL.Database(readFileSync(db));
    raw.exec('SELECT COUNT(*) FROM runs');
    raw.close();
    add('baseline', ms(t0));

    // Open the view: load the store, list experiments; both experiments are expanded by default.
    t0 = performance.now();
    const store = TrackingStore.open(SQL, readFileSync(db));
    const experiments = store.listExperiments();
    let first = 0;
    for (const e of experiments) {
      const primary = primaryMetric(store, e.id)!;
      const items = listRunItems(store, e.id, { primary });
      bestRunOfExperiment(store, e.id, primary);
      first += Math.min(items.length, 500); // the first page of 500 is what the tree renders
    }
    add('open', ms(t0));
    if (first !== 1000) throw new Error(`expected two first pages of 500 runs, got ${first}`);

    t0 = performance.now();
    const e0 = experiments[0];
    const items = listRunItems(store, e0.id, { primary: primaryMetric(store, e0.id), sort: { key: { by: 'metric', metric: 'accuracy' }, descending: true } });
    if (items.length !== RUNS / EXPERIMENTS) throw new Error(`expected ${RUNS / EXPERIMENTS} runs, got ${items.length}`);
    add('expand5000', ms(t0));

    t0 = performance.now();
    const q = parseQuery('metrics.accuracy > 0.85 and params.max_depth = 5 and status = finished');
    const filtered = experiments.flatMap((e) => listRunItems(store, e.id, { query: q }));
    add('filter', ms(t0));
    if (filtered.length === 0) throw new Error('the filter matched nothing');

    t0 = performance.now();
    const h = store.metricHistoryArrays('0'.repeat(32), 'loss');
    add('history', ms(t0));
    if (h.steps.length !== LONG) throw new Error(`history has ${h.steps.length} points`);
    store.close();
  }
  const med = (k: string) => [...rounds[k]].sort((a, b) => a - b)[Math.floor(rounds[k].length / 2)];
  const base = med('baseline');
  log(`explorer: open the Runs view on 10,000 runs / 1,000,000 points: ${med('open').toFixed(0)} ms (target < 300 ms); ratio to reading + opening the file with sql.js (${base.toFixed(0)} ms): ${(med('open') / base).toFixed(2)}x`);
  log(`explorer: expand an experiment of 5,000 runs sorted by a metric: ${med('expand5000').toFixed(0)} ms (shown in pages of 500); filter 10,000 runs: ${med('filter').toFixed(0)} ms`);
  log(`explorer: read a ${LONG.toLocaleString('en')}-point metric history for the run panel: ${med('history').toFixed(0)} ms`);
}

if (require.main === module) void benchExplorer(console.log);
