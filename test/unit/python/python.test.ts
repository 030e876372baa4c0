// The Python module (python/mlops_tracking.py) writes the event log that the extension reads: a run
// logged from Python goes through the real tailer and store with no problem and every value intact,
// its metric lines take the reader's fast path, and its dataset profile equals the TypeScript profiler's.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { DatasetProfile, Distribution } from '../../../src/core/model';
import { profileFile } from '../../../src/core/profile';
import { decodeNumber, experimentDirName, type EncodedNumber } from '../../../src/ingest/events';
import { experimentIdFor } from '../../../src/ingest/ids';
import { parseLine } from '../../../src/ingest/parse';
import { ingestLogs } from '../../../src/ingest/tailer';
import { loadSqlJs } from '../../../src/store/sqljs';
import { TrackingStore, type RunDetail } from '../../../src/store/store';
import { tempWorkspace } from '../../helpers/workspace';

const PYTHON = process.env.PYTHON ?? 'python3';
const SCRIPT = join(__dirname, 'log_run.py');
const TITANIC = join(__dirname, '..', '..', 'fixtures', 'tabular', 'titanic-train.csv');

const hasPython = spawnSync(PYTHON, ['--version'], { encoding: 'utf8' }).status === 0;

/** What log_run.py printed about the run it logged. */
interface Logged {
  runId: string;
  experimentId: string;
  startTime: number;
  profile: DatasetProfile;
  distributions: { Age: Distribution; Sex: Distribution };
  params: { algorithm: string; params: Record<string, string | number | boolean | null> };
  losses: EncodedNumber[];
  matrix: { labels: string[]; counts: number[][] };
}

describe('the Python module', { skip: hasPython ? false : `${PYTHON} is not installed` }, () => {
  let ws: string;
  let logged: Logged;
  let detail: RunDetail;
  let store: TrackingStore;
  let runFile: string;

  before(async () => {
    ws = tempWorkspace('mlops-python-');
    const res = spawnSync(PYTHON, [SCRIPT, ws, TITANIC], {
      encoding: 'utf8', timeout: 60_000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' },
    });
    assert.equal(res.status, 0, `log_run.py failed: ${res.stderr}`);
    logged = JSON.parse(res.stdout) as Logged;
    store = TrackingStore.open(await loadSqlJs());
    const ingest = ingestLogs(store, ws, join(ws, '.mlops/runs'));
    assert.deepEqual(ingest.problems, [], 'every line Python wrote is read without a problem');
    assert.equal(ingest.rebuildReason, undefined);
    detail = store.getRunDetail(logged.runId)!;
    assert.ok(detail, 'the run is in the store');
    runFile = join(ws, '.mlops', 'runs', experimentDirName('Titanic', logged.experimentId), `${logged.runId}.jsonl`);
  });

  it('lays out files like the TypeScript SDK: same experiment id and folder', () => {
    assert.equal(logged.experimentId, experimentIdFor('Titanic'));
    assert.deepEqual(readdirSync(join(ws, '.mlops', 'runs')), [experimentDirName('Titanic', experimentIdFor('Titanic'))]);
    assert.deepEqual(readdirSync(join(ws, '.mlops', 'runs', experimentDirName('Titanic', logged.experimentId))).sort(),
      [`${logged.runId}.jsonl`, 'experiment.jsonl'].sort());
    assert.deepEqual(store.listExperiments().map((e) => [e.id, e.name, e.runCount]), [[logged.experimentId, 'Titanic', 1]]);
  });

  it('stores the run: name, status, times, note, tag', () => {
    assert.equal(detail.name, 'py-random-forest');
    assert.equal(detail.experimentName, 'Titanic');
    assert.equal(detail.status, 'finished');
    assert.equal(detail.startTime, logged.startTime);
    assert.ok(detail.endTime !== null && detail.endTime >= detail.startTime);
    assert.equal(detail.trainingTimeMs, detail.endTime! - detail.startTime);
    assert.equal(detail.note, 'logged from Python');
    assert.deepEqual(detail.tags, { model: 'random-forest' });
  });

  it('stores the hyper-parameters and algorithm as Python logged them', () => {
    assert.equal(detail.algorithm, 'RandomForestClassifier');
    assert.equal(detail.params.layers, '[64,32]');
    assert.equal(detail.params['optimizer.epsilon'], 1e-8);
    assert.equal(detail.params.class_weight, null);
    assert.deepEqual(detail.params, { ...logged.params.params, seed: 42 });
  });

  it('stores the metric history with NaN and the infinities kept', () => {
    const loss = store.metricHistory(logged.runId, 'loss');
    assert.deepEqual(loss.map((p) => p.step), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.deepEqual(loss.map((p) => p.timestamp), logged.losses.map((_, i) => 1_700_000_000_000 + i * 1000));
    const expected = logged.losses.map(decodeNumber);
    assert.deepEqual(loss.map((p) => p.value), expected); // deepEqual treats NaN as equal to NaN
    assert.ok(Number.isNaN(loss[2].value));
    assert.equal(loss[4].value, Infinity);
    assert.equal(loss[5].value, -Infinity);
    assert.deepEqual(store.metricHistory(logged.runId, 'accuracy').map((p) => [p.step, p.value]), [[5, 0.8212], [6, 0.83]]);
    assert.deepEqual(store.metricHistory(logged.runId, 'f1').map((p) => [p.step, p.value]), [[5, 0.77]]);
    const summary = new Map(detail.metrics.map((m) => [m.key, m]));
    assert.equal(summary.get('loss')?.count, 8);
    assert.equal(summary.get('loss')?.last, 1e-12);
    assert.equal(summary.get('accuracy')?.last, 0.83);
  });

  it('stores the confusion matrix with labels in sorted order', () => {
    assert.deepEqual(logged.matrix, { labels: ['died', 'survived'], counts: [[3, 1], [1, 2]] });
    assert.deepEqual(detail.confusionMatrices, [{ name: 'test', matrix: logged.matrix }]);
  });

  it('stores the dataset profile and distributions unchanged', () => {
    assert.deepEqual(detail.datasets, [logged.profile]);
    assert.deepEqual(detail.distributions, [
      { dataset: 'titanic-train.csv', distribution: logged.distributions.Age },
      { dataset: 'titanic-train.csv', distribution: logged.distributions.Sex },
    ]);
  });

  it('profiles the dataset like the TypeScript profiler: rows, hash, columns, types, nulls', async () => {
    const ts = await profileFile(TITANIC, { columns: ['Age', 'Sex'], bins: 15 });
    const py = logged.profile;
    assert.equal(py.rows, 891);
    assert.equal(py.rows, ts.profile.rows);
    assert.equal(py.sha256, ts.profile.sha256);
    assert.equal(py.bytes, ts.profile.bytes);
    assert.equal(py.format, ts.profile.format);
    assert.equal(py.name, ts.profile.name);
    assert.deepEqual(py.columns.map((c) => c.name), ts.profile.columns.map((c) => c.name));
    assert.deepEqual(py.columns.map((c) => [c.name, c.type]), ts.profile.columns.map((c) => [c.name, c.type]));
    assert.deepEqual(py.columns.map((c) => [c.name, c.nulls]), ts.profile.columns.map((c) => [c.name, c.nulls]));
  });

  it('agrees with the TypeScript profiler on distinct counts, statistics and distributions too', async () => {
    const ts = await profileFile(TITANIC, { columns: ['Age', 'Sex'], bins: 15 });
    assert.deepEqual(logged.profile.columns, ts.profile.columns);
    assert.deepEqual([logged.distributions.Age, logged.distributions.Sex], ts.distributions);
  });

  it("writes metric lines in the reader's fast-path form", () => {
    const lines = readFileSync(runFile, 'utf8').split('\n').filter((l) => l.includes('"type":"metric"'));
    assert.equal(lines.length, 11);
    for (const line of lines) {
      const parsed = parseLine(line);
      assert.ok(!('type' in parsed), `fast path missed: ${line}`);
    }
    const first = parseLine(lines[0]);
    assert.deepEqual(first, { runId: logged.runId, key: 'loss', value: 0.693, step: 0, timestamp: 1_700_000_000_000 });
  });

  it('writes run_created first and run_ended last, each line a valid event', () => {
    const lines = readFileSync(runFile, 'utf8').split('\n');
    assert.equal(lines.pop(), '', 'the file ends with a newline');
    const types = lines.map((l) => (JSON.parse(l) as { type: string }).type);
    assert.equal(types[0], 'run_created');
    assert.equal(types[types.length - 1], 'run_ended');
    for (const l of lines) assert.doesNotThrow(() => parseLine(l));
  });
});
