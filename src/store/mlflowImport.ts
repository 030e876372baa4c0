// Copies MLflow runs into the native event log, keeping their run ids, so that they become ordinary
// (editable) runs: the store replaces the read-only copy when it reads the new run_created. Pure Node:
// "MLOps: Import MLflow Runs" and `mlops import` both call it.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SqlJsStatic } from 'sql.js';
import { TAG } from '../core/mlflow/common';
import type { MlflowExperiment, MlflowProblem, MlflowRun, MlflowStore, MlflowStoreKind } from '../core/mlflow/model';
import type { ParamValue } from '../core/model';
import { EXPERIMENT_FILE, LIMITS, encodeNumber, makeEvent, type TrackingEvent } from '../ingest/events';
import { appendEvents } from '../ingest/writer';
import { MLOpsContext, MLOpsError } from '../sdk/context';
import { readMlflowStore, storeLabel } from './mlflowSync';

export interface ImportRunError {
  runId: string;
  runName: string | null;
  message: string;
}

export interface MlflowImportResult {
  /** The store's path relative to the workspace (`/` separators). */
  store: string;
  kind: MlflowStoreKind;
  /** Run ids written to the event log. */
  imported: string[];
  /** Run ids that already had a native log file (imported before): left alone. */
  alreadyImported: string[];
  /** Runs that could not be imported (an over-long value, an id that cannot be a file name, ...). Nothing of them was written. */
  errors: ImportRunError[];
  /** Native experiments the runs went into (by name). */
  experiments: string[];
  metricPoints: number;
  events: number;
  /** What the reader skipped in the store itself. */
  problems: MlflowProblem[];
  /** The signal aborted: the runs listed in `imported` were written, the rest were not. */
  cancelled: boolean;
}

export interface MlflowImportOptions {
  /** Only these runs (default: every run of the store). Unknown ids are an error and nothing is written. */
  runIds?: readonly string[];
  signal?: AbortSignal;
  /** After each run: how many are done out of how many. */
  onProgress?: (done: number, total: number) => void;
}

/** One run cannot be imported; names the run and the value. */
class RunImportError extends Error {}

const RUN_ID = /^[0-9A-Za-z_-]{1,64}$/;
/** Decimal numbers only: Number() would also take "0x10", " 1 " or "Infinity", which stay strings. */
const DECIMAL = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
/** MLflow system tags that carry something a user reads; every other `mlflow.*` tag is MLflow's bookkeeping. */
const KEPT_SYSTEM_TAGS = new Set<string>([TAG.runName, TAG.user]);
const NOTE_TAG = 'mlflow.note.content';

export function paramValue(raw: string): ParamValue {
  if (DECIMAL.test(raw)) {
    const n = Number(raw);
    if (Number.isFinite(n)) return n;
  }
  return raw;
}

function keepTag(key: string): boolean {
  return !key.startsWith('mlflow.') || KEPT_SYSTEM_TAGS.has(key) || key.startsWith('mlflow.source.');
}

function lastTimestamp(run: MlflowRun): number | undefined {
  let max: number | undefined;
  for (const key of Object.keys(run.metrics)) for (const p of run.metrics[key]) if (max === undefined || p.timestamp > max) max = p.timestamp;
  return max;
}

function firstTimestamp(run: MlflowRun): number | undefined {
  let min: number | undefined;
  for (const key of Object.keys(run.metrics)) for (const p of run.metrics[key]) if (min === undefined || p.timestamp < min) min = p.timestamp;
  return min;
}

/**
 * The native events of one MLflow run, in the order a training script would have written them.
 * Throws RunImportError when a value does not fit the event log (nothing is written for that run).
 */
export function mlflowRunEvents(run: MlflowRun, experimentId: string, deleted: boolean, ts: number): TrackingEvent[] {
  const label = `run ${run.name ? `"${run.name}" ` : ''}(${run.runId})`;
  const fail = (what: string): never => { throw new RunImportError(`${label}: ${what}`); };
  if (!RUN_ID.test(run.runId)) fail('the run id is not 1 to 64 letters, digits, "-" or "_", so it cannot name a log file');
  const name = run.name && run.name.trim() !== '' ? run.name : undefined;
  if (name && name.length > LIMITS.name) fail(`the run name is ${name.length} characters long, more than the ${LIMITS.name} the event log allows`);
  const runId = run.runId;
  const startTime = run.startTime ?? firstTimestamp(run) ?? 0;
  const source = run.tags['mlflow.source.name'];
  const events: TrackingEvent[] = [makeEvent({
    type: 'run_created', runId, experimentId, name, startTime, ts,
    git: run.git ? { commit: run.git.commit, branch: run.git.branch, dirty: false } : undefined,
    source: source && source.length <= LIMITS.value ? source : undefined,
  })];

  const params = Object.create(null) as Record<string, ParamValue>;
  for (const key of Object.keys(run.params)) {
    const raw = run.params[key];
    if (key.length === 0 || key.length > LIMITS.key) fail(`parameter "${key.slice(0, 60)}…" has a name of ${key.length} characters; the event log allows 1 to ${LIMITS.key}`);
    if (raw.length > LIMITS.value) fail(`parameter "${key}" is ${raw.length} characters long, more than the ${LIMITS.value} the event log allows`);
    params[key] = paramValue(raw);
  }
  if (Object.keys(params).length > 0) events.push(makeEvent({ type: 'params', runId, params, ts }));

  for (const key of Object.keys(run.tags)) {
    if (key === NOTE_TAG || !keepTag(key)) continue;
    const value = run.tags[key];
    if (key.length > LIMITS.key) fail(`tag "${key.slice(0, 60)}…" has a name of ${key.length} characters; the event log allows ${LIMITS.key}`);
    if (value.length > LIMITS.value) fail(`tag "${key}" is ${value.length} characters long, more than the ${LIMITS.value} the event log allows`);
    events.push(makeEvent({ type: 'tag', runId, key, value, ts }));
  }
  const note = run.tags[NOTE_TAG];
  if (note !== undefined && note !== '') {
    if (note.length > LIMITS.note) fail(`the note (${NOTE_TAG}) is ${note.length} characters long, more than the ${LIMITS.note} the event log allows`);
    events.push(makeEvent({ type: 'note', runId, text: note, ts }));
  }

  for (const key of Object.keys(run.metrics)) {
    if (key.length === 0 || key.length > LIMITS.key) fail(`metric "${key.slice(0, 60)}" has a name of ${key.length} characters; the event log allows 1 to ${LIMITS.key}`);
    for (const p of run.metrics[key]) {
      events.push(makeEvent({ type: 'metric', runId, key, value: encodeNumber(p.value), step: p.step, timestamp: p.timestamp, ts }));
    }
  }

  if (run.status !== 'running') {
    const endTime = run.endTime ?? Math.max(startTime, lastTimestamp(run) ?? startTime);
    events.push(makeEvent({ type: 'run_ended', runId, status: run.status, endTime, ts }));
  }
  if (deleted) events.push(makeEvent({ type: 'delete', runId, ts }));
  return events;
}

/** Ids of the runs that already have a log file in the workspace (`.mlops/runs/<experiment>/<runId>.jsonl`). */
export function nativeRunIds(runsDir: string): Set<string> {
  const ids = new Set<string>();
  if (!existsSync(runsDir)) return ids;
  for (const d of readdirSync(runsDir, { withFileTypes: true })) {
    if (!d.isDirectory()) continue;
    for (const f of readdirSync(join(runsDir, d.name))) if (f.endsWith('.jsonl') && f !== EXPERIMENT_FILE) ids.add(f.slice(0, -'.jsonl'.length));
  }
  return ids;
}

/** Writes the runs of a store that was already read into the workspace's event log. One appendEvents call per run. */
export async function importMlflowRuns(ctx: MLOpsContext, mlflow: MlflowStore, opts: MlflowImportOptions = {}): Promise<MlflowImportResult> {
  const result: MlflowImportResult = {
    store: storeLabel(ctx.workspace, mlflow.path), kind: mlflow.kind, imported: [], alreadyImported: [], errors: [],
    experiments: [], metricPoints: 0, events: 0, problems: mlflow.problems, cancelled: false,
  };
  let runs = mlflow.runs;
  if (opts.runIds) {
    const byId = new Map(mlflow.runs.map((r) => [r.runId, r]));
    const unknown = opts.runIds.filter((id) => !byId.has(id));
    if (unknown.length > 0) {
      throw new MLOpsError(`The MLflow store ${result.store} has no run ${unknown.map((id) => `"${id}"`).join(', ')}; nothing was imported. Copy the ids from the Runs view ("Copy Run Id").`);
    }
    runs = [...new Set(opts.runIds)].map((id) => byId.get(id)!);
  }
  const experiments = new Map<string, MlflowExperiment>(mlflow.experiments.map((e) => [e.experimentId, e]));
  const native = nativeRunIds(ctx.layout.runsDir);
  const nativeExperiments = new Map<string, { experimentId: string; name: string }>();
  const ts = Date.now();
  let done = 0;
  let pointsSinceYield = 0;
  for (const run of runs) {
    if (opts.signal?.aborted) {
      result.cancelled = true;
      break;
    }
    if (native.has(run.runId)) {
      result.alreadyImported.push(run.runId);
    } else {
      try {
        const mlflowExperiment = experiments.get(run.experimentId);
        if (!mlflowExperiment) throw new RunImportError(`run ${run.runId}: its experiment ${run.experimentId} is not in the store`);
        let exp = nativeExperiments.get(mlflowExperiment.name);
        if (!exp) {
          exp = await ctx.lifeCycle.createExperiment(mlflowExperiment.name);
          nativeExperiments.set(mlflowExperiment.name, exp);
          result.experiments.push(exp.name);
        }
        const deleted = run.lifecycleStage === 'deleted' || mlflowExperiment.lifecycleStage === 'deleted';
        const events = mlflowRunEvents(run, exp.experimentId, deleted, ts);
        appendEvents(join(ctx.experimentDir(exp.name, exp.experimentId), `${run.runId}.jsonl`), events);
        native.add(run.runId);
        result.imported.push(run.runId);
        result.events += events.length;
        let points = 0;
        for (const key of Object.keys(run.metrics)) points += run.metrics[key].length;
        result.metricPoints += points;
        pointsSinceYield += points;
      } catch (e) {
        if (!(e instanceof RunImportError) && !(e instanceof MLOpsError)) throw e;
        result.errors.push({ runId: run.runId, runName: run.name, message: e.message });
      }
    }
    opts.onProgress?.(++done, runs.length);
    // Let a caller's progress UI and cancel button breathe on big stores.
    if (pointsSinceYield > 20_000) {
      pointsSinceYield = 0;
      await new Promise((r) => setImmediate(r));
    }
  }
  return result;
}

/** Reads the store at `storePath` (an `mlruns/` folder or a SQLite file) and imports it into `workspace`. */
export async function importMlflowPath(workspace: string, storePath: string, opts: MlflowImportOptions & { SQL?: SqlJsStatic } = {}): Promise<MlflowImportResult> {
  let mlflow: MlflowStore;
  try {
    mlflow = await readMlflowStore(storePath, { signal: opts.signal, SQL: opts.SQL });
  } catch (e) {
    if (opts.signal?.aborted) throw e;
    throw new MLOpsError((e as Error).message);
  }
  return importMlflowRuns(await MLOpsContext.open({ workspace }), mlflow, opts);
}
