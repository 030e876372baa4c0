// The TypeScript SDK, shaped like MLOps.NET's MLOpsContext: lifeCycle, data, training and evaluation catalogs.
// It appends events to the run's log file; the extension (or `mlops rebuild`) reads them into the store.
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { classificationReport, confusionFromPairs, validateMatrix, type Label } from '../core/classification';
import { extractHyperParameters } from '../core/hyperparams';
import type { ClassificationReport, ConfusionMatrix, DatasetProfile, Direction, Distribution, EndStatus, ParamValue } from '../core/model';
import { profileFile, profileRows } from '../core/profile';
import { EXPERIMENT_FILE, LIMITS, encodeNumber, makeEvent, type NewEvent, type TrackingEvent } from '../ingest/events';
import { experimentIdFor, newRunId } from '../ingest/ids';
import { LogLayout, appendEvents } from '../ingest/writer';
import { openReadOnlyStore } from '../store/readonly';
import type { RunDetail, RunSummary } from '../store/store';
import { MLOpsError } from './errors';
import { readGitInfo } from './git';

export { MLOpsError };

export interface Experiment { experimentId: string; name: string }
export interface Run { runId: string; experimentId: string; experimentName: string; name?: string; startTime: number }
export type DataSource = string | readonly Record<string, unknown>[];

interface RunState { file: string; startTime: number; ended: boolean; steps: Map<string, number>; trainingTimeSet?: boolean }

function checkName(what: string, name: unknown, max: number = LIMITS.name): string {
  if (typeof name !== 'string' || name.trim() === '') throw new MLOpsError(`${what} must be a non-empty string; got ${JSON.stringify(name)}.`);
  if (name.length > max) throw new MLOpsError(`${what} "${name.slice(0, 40)}…" is ${name.length} characters long; use at most ${max}.`);
  return name;
}

/** The log's limits apply to what profiling found too: a header cell can be longer than a column name may be. */
function checkProfileNames(profile: DatasetProfile): void {
  checkName(`The dataset name (from ${profile.source}; pass { name } to choose one)`, profile.name);
  const long = profile.columns.find((c) => c.name.length > LIMITS.key);
  if (long) throw new MLOpsError(`The column "${long.name.slice(0, 40)}…" of ${profile.source} has a ${long.name.length}-character name; column names may have at most ${LIMITS.key}. Rename the column and log the data again.`);
}

export class MLOpsContext {
  readonly layout: LogLayout;
  readonly lifeCycle: LifeCycleCatalog;
  readonly data: DataCatalog;
  readonly training: TrainingCatalog;
  readonly evaluation: EvaluationCatalog;
  /** @internal */ readonly runs = new Map<string, RunState>();

  private constructor(readonly workspace: string) {
    this.layout = new LogLayout(workspace);
    this.lifeCycle = new LifeCycleCatalog(this);
    this.data = new DataCatalog(this);
    this.training = new TrainingCatalog(this);
    this.evaluation = new EvaluationCatalog(this);
  }

  /** Opens the tracking context of a workspace folder (default: the current directory). */
  static async open(opts: { workspace?: string } = {}): Promise<MLOpsContext> {
    const workspace = resolve(opts.workspace ?? '.');
    if (!existsSync(workspace) || !statSync(workspace).isDirectory()) {
      throw new MLOpsError(`The workspace "${workspace}" is not a folder; pass { workspace: '<folder of your project>' }.`);
    }
    return new MLOpsContext(workspace);
  }

  /** @internal The folder of an experiment: the existing one (found by id), or a new one named after it. */
  experimentDir(name: string, experimentId: string): string {
    const suffix = `-${experimentId.slice(0, 8)}`;
    if (existsSync(this.layout.runsDir)) {
      const found = readdirSync(this.layout.runsDir).find((d) => d.endsWith(suffix));
      if (found) return join(this.layout.runsDir, found);
    }
    return this.layout.experimentDir(name, experimentId);
  }

  /** @internal The state of a run this process may log to; finds runs created by other processes too. */
  run(runId: unknown): RunState {
    if (typeof runId !== 'string' || !/^[0-9A-Za-z_-]{1,64}$/.test(runId)) throw new MLOpsError(`${JSON.stringify(runId)} is not a run id; use the runId returned by lifeCycle.createRun().`);
    let state = this.runs.get(runId);
    if (!state) {
      const file = this.findRunFile(runId);
      if (!file) throw new MLOpsError(`Unknown run id "${runId}": no log file .mlops/runs/*/${runId}.jsonl in ${this.workspace}. Create the run with lifeCycle.createRun() first.`);
      state = { file, startTime: 0, ended: this.endedElsewhere(file), steps: new Map() };
      this.runs.set(runId, state);
    }
    return state;
  }

  /** A run created by another process may have ended there: its log then holds a run_ended line. */
  private endedElsewhere(file: string): boolean {
    try {
      return readFileSync(file, 'utf8').includes('"type":"run_ended"');
    } catch {
      return false;
    }
  }

  private findRunFile(runId: string): string | undefined {
    if (!existsSync(this.layout.runsDir)) return undefined;
    for (const d of readdirSync(this.layout.runsDir)) {
      const f = join(this.layout.runsDir, d, `${runId}.jsonl`);
      if (existsSync(f)) return f;
    }
    return undefined;
  }

  /** @internal Appends events for a run that is still open. */
  append(runId: string, events: NewEvent[]): void {
    const state = this.run(runId);
    if (state.ended) throw new MLOpsError(`Run "${runId}" has ended; start a new run with lifeCycle.createRun() to log more.`);
    appendEvents(state.file, events.map((e) => makeEvent(e) as TrackingEvent));
  }

  /** @internal Appends edits (tag, note, rename, star, delete, restore), which are allowed after a run ended. */
  appendEdit(runId: string, events: NewEvent[]): void {
    appendEvents(this.run(runId).file, events.map((e) => makeEvent(e) as TrackingEvent));
  }

  /** @internal Appends experiment-level events to the experiment's file. */
  appendExperiment(experimentId: string, name: string, events: NewEvent[]): void {
    appendEvents(join(this.experimentDir(name, experimentId), EXPERIMENT_FILE), events.map((e) => makeEvent(e) as TrackingEvent));
  }

  /** @internal Makes a source path workspace-relative where it lies inside the workspace. */
  sourceName(path: string): string {
    const abs = resolve(this.workspace, path);
    const rel = relative(this.workspace, abs);
    return rel.startsWith('..') || isAbsolute(rel) ? abs : rel.split(sep).join('/');
  }
}

export class LifeCycleCatalog {
  constructor(private readonly ctx: MLOpsContext) {}

  /** Finds or creates the experiment with this name. */
  async createExperiment(name: string): Promise<Experiment> {
    checkName('The experiment name', name);
    const experimentId = experimentIdFor(name);
    const dir = this.ctx.experimentDir(name, experimentId);
    const file = join(dir, EXPERIMENT_FILE);
    if (!existsSync(file)) appendEvents(file, [makeEvent({ type: 'experiment_created', experimentId, name: name.trim() })]);
    return { experimentId, name: name.trim() };
  }

  /** Starts a run (creating the experiment when needed); records the start time and the git state. */
  async createRun(opts: { experimentName?: string; experimentId?: string; name?: string }): Promise<Run> {
    let experiment: Experiment;
    if (opts.experimentName !== undefined) {
      experiment = await this.createExperiment(opts.experimentName);
    } else if (opts.experimentId !== undefined) {
      const found = await this.getExperiment(opts.experimentId);
      if (!found) throw new MLOpsError(`Unknown experiment id "${opts.experimentId}"; pass { experimentName } to create it.`);
      experiment = { experimentId: found.id, name: found.name };
    } else {
      throw new MLOpsError('createRun needs { experimentName } or { experimentId }.');
    }
    if (opts.name !== undefined) checkName('The run name', opts.name);
    const runId = newRunId();
    const startTime = Date.now();
    const file = join(this.ctx.experimentDir(experiment.name, experiment.experimentId), `${runId}.jsonl`);
    const git = readGitInfo(this.ctx.workspace);
    appendEvents(file, [makeEvent({ type: 'run_created', runId, experimentId: experiment.experimentId, name: opts.name, startTime, git, source: process.argv[1] ? this.ctx.sourceName(process.argv[1]) : undefined })]);
    this.ctx.runs.set(runId, { file, startTime, ended: false, steps: new Map() });
    return { runId, experimentId: experiment.experimentId, experimentName: experiment.name, name: opts.name, startTime };
  }

  /** Ends a run with a status (finished by default) and records its training time. */
  async endRun(runId: string, status: EndStatus = 'finished'): Promise<void> {
    if (status !== 'finished' && status !== 'failed' && status !== 'killed') throw new MLOpsError(`The status "${String(status)}" is not one of finished, failed, killed.`);
    const state = this.ctx.run(runId);
    const endTime = Date.now();
    // A training time set with setTrainingTime() is kept; otherwise it is the run's duration.
    const trainingTimeMs = state.trainingTimeSet || !state.startTime ? undefined : endTime - state.startTime;
    this.ctx.append(runId, [{ type: 'run_ended', runId, status, endTime, trainingTimeMs }]);
    state.ended = true;
  }

  async setTrainingTime(runId: string, ms: number): Promise<void> {
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new MLOpsError(`The training time must be a non-negative number of milliseconds; got ${String(ms)}.`);
    this.ctx.append(runId, [{ type: 'training_time', runId, ms }]);
    this.ctx.run(runId).trainingTimeSet = true;
  }

  async getRun(runId: string): Promise<RunDetail | undefined> {
    const { store } = await openReadOnlyStore(this.ctx.workspace);
    try { return store.getRunDetail(runId); } finally { store.close(); }
  }

  /** By id or by name. */
  async getExperiment(idOrName: string): Promise<{ id: string; name: string; runCount: number } | undefined> {
    const { store } = await openReadOnlyStore(this.ctx.workspace);
    try {
      const e = store.listExperiments().find((x) => x.id === idOrName || x.name === idOrName);
      return e && { id: e.id, name: e.name, runCount: e.runCount };
    } finally { store.close(); }
  }

  /** The run whose last value of `metric` is best, by direction (max for accuracy, min for a loss). */
  async getBestRun(experiment: string, metric: string, direction: Direction = 'max'): Promise<(RunSummary & { value: number }) | undefined> {
    if (direction !== 'max' && direction !== 'min') throw new MLOpsError(`The direction must be "max" or "min"; got ${JSON.stringify(direction)}.`);
    const { store } = await openReadOnlyStore(this.ctx.workspace);
    try {
      const e = store.listExperiments().find((x) => x.id === experiment || x.name === experiment);
      if (!e) throw new MLOpsError(`Unknown experiment "${experiment}".`);
      let best: (RunSummary & { value: number }) | undefined;
      for (const r of store.listRuns(e.id)) {
        const m = store.metricSummaries(r.id).find((x) => x.key === metric);
        if (!m || Number.isNaN(m.last)) continue;
        if (!best || (direction === 'max' ? m.last > best.value : m.last < best.value)) best = { ...r, value: m.last };
      }
      return best;
    } finally { store.close(); }
  }
}

export class DataCatalog {
  constructor(private readonly ctx: MLOpsContext) {}

  /** Profiles a dataset (file path or in-memory rows) and logs its schema, row count, nulls and hash. */
  async logData(runId: string, source: DataSource, opts: { name?: string; signal?: AbortSignal; onProgress?: (bytesRead: number, totalBytes: number) => void } = {}): Promise<DatasetProfile> {
    this.ctx.append(runId, []); // refuses an unknown or ended run before the (long) profiling
    if (opts.name !== undefined) checkName('The dataset name', opts.name);
    const { profile } = await this.profile(source, { name: opts.name, signal: opts.signal, onProgress: opts.onProgress });
    checkProfileNames(profile);
    this.ctx.append(runId, [{ type: 'dataset', runId, profile }]);
    return profile;
  }

  /** Logs the distribution of one column: value counts, or a histogram with quantiles. */
  async logDataDistribution(runId: string, source: DataSource, column: string, opts: { bins?: number; name?: string; signal?: AbortSignal } = {}): Promise<Distribution> {
    this.ctx.append(runId, []);
    checkName('The column name', column, LIMITS.key);
    if (opts.bins !== undefined && (!Number.isInteger(opts.bins) || opts.bins < 1 || opts.bins > 1000)) throw new MLOpsError(`bins must be an integer from 1 to 1000; got ${String(opts.bins)}.`);
    const { profile, distributions } = await this.profile(source, { name: opts.name, columns: [column], bins: opts.bins, signal: opts.signal });
    checkProfileNames(profile);
    const distribution = distributions.find((d) => d.column === column);
    if (!distribution) throw new MLOpsError(`The column "${column}" has no distribution in ${profile.source}.`);
    this.ctx.append(runId, [{ type: 'distribution', runId, dataset: profile.name, distribution }]);
    return distribution;
  }

  private async profile(source: DataSource, opts: { name?: string; columns?: string[]; bins?: number; signal?: AbortSignal; onProgress?: (bytesRead: number, totalBytes: number) => void }): Promise<{ profile: DatasetProfile; distributions: Distribution[] }> {
    if (typeof source === 'string') {
      const path = resolve(this.ctx.workspace, source);
      const res = await profileFile(path, opts);
      res.profile.source = this.ctx.sourceName(path);
      return res;
    }
    if (!Array.isArray(source)) throw new MLOpsError('A data source is a file path or an array of row objects.');
    return profileRows(source as Record<string, unknown>[], opts);
  }
}

export class TrainingCatalog {
  constructor(private readonly ctx: MLOpsContext) {}

  /** Reads the settings of a trainer (options object, ml.js trainer, TensorFlow.js model/optimizer) and logs them. */
  async logHyperParameters(runId: string, trainer: unknown): Promise<{ algorithm: string; params: Record<string, ParamValue> }> {
    this.ctx.run(runId);
    const { algorithm, params } = extractHyperParameters(trainer);
    this.ctx.append(runId, [{ type: 'params', runId, params, algorithm }]);
    return { algorithm, params };
  }

  async logHyperParameter(runId: string, name: string, value: ParamValue): Promise<void> {
    checkName('The parameter name', name, LIMITS.key);
    const ok = value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
    if (!ok) throw new MLOpsError(`The parameter "${name}" must be a string, a finite number, a boolean or null; got ${String(value)}.`);
    if (typeof value === 'string' && value.length > LIMITS.value) throw new MLOpsError(`The parameter "${name}" is ${value.length} characters long; use at most ${LIMITS.value}.`);
    this.ctx.append(runId, [{ type: 'params', runId, params: { [name]: value } }]);
  }
}

export class EvaluationCatalog {
  constructor(private readonly ctx: MLOpsContext) {}

  /** Logs one metric value; without a step, the steps of a metric count 0, 1, 2, ... in this process. */
  async logMetric(runId: string, name: string, value: number, opts: { step?: number; timestamp?: number } = {}): Promise<void> {
    checkName('The metric name', name, LIMITS.key);
    if (typeof value !== 'number') throw new MLOpsError(`The metric "${name}" must be a number (NaN and Infinity are kept); got ${JSON.stringify(value)}.`);
    if (opts.step !== undefined && !Number.isSafeInteger(opts.step)) throw new MLOpsError(`The step of "${name}" must be an integer; got ${String(opts.step)}.`);
    if (opts.timestamp !== undefined && !Number.isFinite(opts.timestamp)) throw new MLOpsError(`The timestamp of "${name}" must be epoch milliseconds; got ${String(opts.timestamp)}.`);
    const state = this.ctx.run(runId);
    const step = opts.step ?? state.steps.get(name) ?? 0;
    this.ctx.append(runId, [{ type: 'metric', runId, key: name, value: encodeNumber(value), step, timestamp: opts.timestamp ?? Date.now() }]);
    state.steps.set(name, step + 1);
  }

  /** Logs several metrics at once: { accuracy: 0.8, f1: 0.7 }. */
  async logMetrics(runId: string, metrics: Record<string, number>, opts: { step?: number } = {}): Promise<void> {
    if (typeof metrics !== 'object' || metrics === null) throw new MLOpsError('logMetrics takes an object of metric names to numbers.');
    const bad = Object.entries(metrics).find(([, v]) => typeof v !== 'number');
    if (bad) throw new MLOpsError(`The metric "${bad[0]}" must be a number; got ${JSON.stringify(bad[1])}. Nothing was logged.`);
    const state = this.ctx.run(runId);
    const now = Date.now();
    const events: NewEvent[] = Object.entries(metrics).map(([key, v]) => {
      checkName('The metric name', key, LIMITS.key);
      const step = opts.step ?? state.steps.get(key) ?? 0;
      return { type: 'metric', runId, key, value: encodeNumber(v), step, timestamp: now };
    });
    this.ctx.append(runId, events);
    for (const [key] of Object.entries(metrics)) state.steps.set(key, (opts.step ?? state.steps.get(key) ?? 0) + 1);
  }

  /** Logs a confusion matrix, from { labels, counts } or from { actual, predicted }; returns the derived report. */
  async logConfusionMatrix(
    runId: string,
    input: ConfusionMatrix | { actual: readonly Label[]; predicted: readonly Label[]; labels?: string[] },
    opts: { name?: string } = {},
  ): Promise<{ matrix: ConfusionMatrix; report: ClassificationReport }> {
    this.ctx.run(runId);
    const name = opts.name === undefined ? 'test' : checkName('The matrix name', opts.name);
    const matrix = 'actual' in input ? confusionFromPairs(input.actual, input.predicted, input.labels) : validateMatrix(input);
    const report = classificationReport(matrix);
    this.ctx.append(runId, [{ type: 'confusion_matrix', runId, name, matrix }]);
    return { matrix, report };
  }
}
