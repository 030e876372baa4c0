// The event log format: the one module that defines it (docs/event-log.md documents it for other languages).
// Every line of .mlops/runs/<experiment-dir>/<runId>.jsonl (and experiment.jsonl) is one JSON object.
import type {
  ConfusionMatrix, DatasetProfile, Direction, Distribution, EndStatus, GitInfo, ParamValue,
} from '../core/model';

export const EVENT_FORMAT_VERSION = 1;

/** Bounds on user-given text, so one bad value cannot bloat the store or the UI. */
export const LIMITS = {
  name: 256,
  key: 250,
  value: 8_000,
  note: 50_000,
  labels: 1_000,
} as const;

interface Base {
  /** Format version of this line. */
  v: number;
  /** Epoch milliseconds when the event was written. */
  ts: number;
}

export interface ExperimentCreated extends Base { type: 'experiment_created'; experimentId: string; name: string }
export interface ExperimentUpdated extends Base {
  type: 'experiment_updated'; experimentId: string; name?: string; primaryMetric?: string; direction?: Direction;
}
export interface RunCreated extends Base {
  type: 'run_created'; runId: string; experimentId: string; name?: string; startTime: number; git?: GitInfo; source?: string;
}
export interface ParamsLogged extends Base {
  type: 'params'; runId: string; params: Record<string, ParamValue>; algorithm?: string;
}
/** A metric value is a number, or one of the strings "NaN", "Infinity", "-Infinity" (JSON has no literal for them). */
export type EncodedNumber = number | 'NaN' | 'Infinity' | '-Infinity';
export interface MetricLogged extends Base {
  type: 'metric'; runId: string; key: string; value: EncodedNumber; step: number; timestamp: number;
}
export interface DatasetLogged extends Base { type: 'dataset'; runId: string; profile: DatasetProfile }
export interface DistributionLogged extends Base {
  type: 'distribution'; runId: string; dataset: string; distribution: Distribution;
}
export interface ConfusionMatrixLogged extends Base {
  type: 'confusion_matrix'; runId: string; name: string; matrix: ConfusionMatrix;
}
export interface TagSet extends Base { type: 'tag'; runId: string; key: string; value: string | null }
export interface NoteSet extends Base { type: 'note'; runId: string; text: string }
export interface RunRenamed extends Base { type: 'rename'; runId: string; name: string }
export interface RunStarred extends Base { type: 'star'; runId: string; starred: boolean }
export interface RunDeleted extends Base { type: 'delete'; runId: string }
export interface RunRestored extends Base { type: 'restore'; runId: string }
export interface TrainingTimeSet extends Base { type: 'training_time'; runId: string; ms: number }
export interface RunEnded extends Base {
  type: 'run_ended'; runId: string; status: EndStatus; endTime: number; trainingTimeMs?: number;
}

export type TrackingEvent =
  | ExperimentCreated | ExperimentUpdated | RunCreated | ParamsLogged | MetricLogged | DatasetLogged
  | DistributionLogged | ConfusionMatrixLogged | TagSet | NoteSet | RunRenamed | RunStarred | RunDeleted
  | RunRestored | TrainingTimeSet | RunEnded;

export type EventType = TrackingEvent['type'];
export const EVENT_TYPES: readonly EventType[] = [
  'experiment_created', 'experiment_updated', 'run_created', 'params', 'metric', 'dataset', 'distribution',
  'confusion_matrix', 'tag', 'note', 'rename', 'star', 'delete', 'restore', 'training_time', 'run_ended',
];

/** Builds an event; `v` and `ts` are filled in. */
export type NewEvent<T extends TrackingEvent = TrackingEvent> = T extends TrackingEvent ? Omit<T, 'v' | 'ts'> & { ts?: number } : never;

export function makeEvent<T extends TrackingEvent>(e: NewEvent<T>): T {
  return { v: EVENT_FORMAT_VERSION, ts: Date.now(), ...e } as unknown as T;
}

export function encodeNumber(x: number): EncodedNumber {
  if (Number.isFinite(x)) return x;
  if (Number.isNaN(x)) return 'NaN';
  return x > 0 ? 'Infinity' : '-Infinity';
}

export function decodeNumber(x: EncodedNumber): number {
  if (typeof x === 'number') return x;
  if (x === 'NaN') return NaN;
  return x === 'Infinity' ? Infinity : -Infinity;
}

/** One line, without the newline. */
export function serializeEvent(e: TrackingEvent): string {
  return JSON.stringify(e);
}

export class EventFormatError extends Error {}

// ---- validation: every field a reader relies on is checked, so the store never sees a malformed event ----

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

function str(o: Obj, k: string, max: number = LIMITS.value, optional = false): void {
  const x = o[k];
  if (x === undefined && optional) return;
  if (typeof x !== 'string') throw new EventFormatError(`"${k}" must be a string`);
  if (x.length > max) throw new EventFormatError(`"${k}" is longer than ${max} characters`);
}
function num(o: Obj, k: string, optional = false): void {
  const x = o[k];
  if (x === undefined && optional) return;
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new EventFormatError(`"${k}" must be a finite number`);
}
function isEncodedNumber(x: unknown): x is EncodedNumber {
  return (typeof x === 'number' && Number.isFinite(x)) || x === 'NaN' || x === 'Infinity' || x === '-Infinity';
}
function isParamValue(x: unknown): x is ParamValue {
  return x === null || typeof x === 'string' || typeof x === 'boolean' || (typeof x === 'number' && Number.isFinite(x));
}

function checkProfile(p: unknown): void {
  if (!isObj(p)) throw new EventFormatError('"profile" must be an object');
  str(p, 'name', LIMITS.name); str(p, 'source'); str(p, 'format'); str(p, 'sha256', 64); num(p, 'rows');
  if (!Array.isArray(p.columns)) throw new EventFormatError('"profile.columns" must be an array');
  for (const c of p.columns) {
    if (!isObj(c)) throw new EventFormatError('a column profile must be an object');
    str(c, 'name', LIMITS.key); str(c, 'type'); num(c, 'nulls'); num(c, 'distinct');
  }
}

function checkDistribution(d: unknown): void {
  if (!isObj(d)) throw new EventFormatError('"distribution" must be an object');
  str(d, 'column', LIMITS.key); num(d, 'total'); num(d, 'nulls');
  if (d.kind === 'categorical') {
    if (!Array.isArray(d.values)) throw new EventFormatError('"distribution.values" must be an array');
    num(d, 'other');
  } else if (d.kind === 'numeric') {
    if (!Array.isArray(d.edges) || !Array.isArray(d.counts) || d.edges.length !== d.counts.length + 1) {
      throw new EventFormatError('a numeric distribution needs "edges" with one more entry than "counts"');
    }
    if (!Array.isArray(d.quantiles)) throw new EventFormatError('"distribution.quantiles" must be an array');
  } else {
    throw new EventFormatError('"distribution.kind" must be "categorical" or "numeric"');
  }
}

function checkMatrix(m: unknown): void {
  if (!isObj(m) || !Array.isArray(m.labels) || !Array.isArray(m.counts)) {
    throw new EventFormatError('"matrix" must have "labels" and "counts"');
  }
  const n = m.labels.length;
  if (n === 0 || n > LIMITS.labels) throw new EventFormatError(`"matrix.labels" must have 1 to ${LIMITS.labels} labels`);
  if (!m.labels.every((l) => typeof l === 'string')) throw new EventFormatError('"matrix.labels" must be strings');
  if (m.counts.length !== n || !m.counts.every((r) => Array.isArray(r) && r.length === n && r.every((c) => Number.isInteger(c) && c >= 0))) {
    throw new EventFormatError(`"matrix.counts" must be ${n} rows of ${n} non-negative integers`);
  }
}

/** Parses and validates one line. Throws EventFormatError (or SyntaxError for broken JSON). */
export function parseEvent(line: string): TrackingEvent {
  const o: unknown = JSON.parse(line);
  if (!isObj(o)) throw new EventFormatError('a line must be a JSON object');
  if (typeof o.v !== 'number' || o.v < 1) throw new EventFormatError('"v" (format version) is missing');
  if (o.v > EVENT_FORMAT_VERSION) throw new EventFormatError(`format version ${o.v} is newer than this extension reads (${EVENT_FORMAT_VERSION}): update the extension`);
  num(o, 'ts');
  const type = o.type as EventType;
  switch (type) {
    case 'experiment_created':
      str(o, 'experimentId', 64); str(o, 'name', LIMITS.name);
      break;
    case 'experiment_updated':
      str(o, 'experimentId', 64); str(o, 'name', LIMITS.name, true); str(o, 'primaryMetric', LIMITS.key, true);
      if (o.direction !== undefined && o.direction !== 'max' && o.direction !== 'min') throw new EventFormatError('"direction" must be "max" or "min"');
      break;
    case 'run_created':
      str(o, 'runId', 64); str(o, 'experimentId', 64); str(o, 'name', LIMITS.name, true); num(o, 'startTime');
      if (o.git !== undefined && (!isObj(o.git) || typeof o.git.commit !== 'string')) throw new EventFormatError('"git.commit" must be a string');
      break;
    case 'params': {
      str(o, 'runId', 64); str(o, 'algorithm', LIMITS.name, true);
      if (!isObj(o.params)) throw new EventFormatError('"params" must be an object');
      for (const [k, v] of Object.entries(o.params)) {
        if (k.length === 0 || k.length > LIMITS.key) throw new EventFormatError(`parameter name "${k.slice(0, 40)}" must be 1 to ${LIMITS.key} characters`);
        if (!isParamValue(v)) throw new EventFormatError(`parameter "${k}" must be a string, finite number, boolean or null`);
        if (typeof v === 'string' && v.length > LIMITS.value) throw new EventFormatError(`parameter "${k}" is longer than ${LIMITS.value} characters`);
      }
      break;
    }
    case 'metric':
      str(o, 'runId', 64); str(o, 'key', LIMITS.key); num(o, 'step'); num(o, 'timestamp');
      if (!Number.isSafeInteger(o.step) || !Number.isSafeInteger(o.timestamp)) throw new EventFormatError('"step" and "timestamp" must be integers');
      if (!isEncodedNumber(o.value)) throw new EventFormatError('"value" must be a number or "NaN", "Infinity", "-Infinity"');
      break;
    case 'dataset':
      str(o, 'runId', 64); checkProfile(o.profile);
      break;
    case 'distribution':
      str(o, 'runId', 64); str(o, 'dataset', LIMITS.name); checkDistribution(o.distribution);
      break;
    case 'confusion_matrix':
      str(o, 'runId', 64); str(o, 'name', LIMITS.name); checkMatrix(o.matrix);
      break;
    case 'tag':
      str(o, 'runId', 64); str(o, 'key', LIMITS.key);
      if (o.value !== null) str(o, 'value');
      break;
    case 'note':
      str(o, 'runId', 64); str(o, 'text', LIMITS.note);
      break;
    case 'rename':
      str(o, 'runId', 64); str(o, 'name', LIMITS.name);
      if ((o.name as string).trim() === '') throw new EventFormatError('"name" must not be empty');
      break;
    case 'star':
      str(o, 'runId', 64);
      if (typeof o.starred !== 'boolean') throw new EventFormatError('"starred" must be true or false');
      break;
    case 'delete':
    case 'restore':
      str(o, 'runId', 64);
      break;
    case 'training_time':
      str(o, 'runId', 64); num(o, 'ms');
      break;
    case 'run_ended':
      str(o, 'runId', 64); num(o, 'endTime'); num(o, 'trainingTimeMs', true);
      if (o.status !== 'finished' && o.status !== 'failed' && o.status !== 'killed') throw new EventFormatError('"status" must be finished, failed or killed');
      break;
    default: {
      const unknownType: never = type;
      throw new EventFormatError(`unknown event type ${JSON.stringify(unknownType)}`);
    }
  }
  return o as unknown as TrackingEvent;
}

// ---- file layout ----

export const MLOPS_DIR = '.mlops';
export const RUNS_DIR = 'runs';
export const EXPERIMENT_FILE = 'experiment.jsonl';

/** A folder name for an experiment: readable, safe on every file system, unique through the id suffix. */
export function experimentDirName(name: string, experimentId: string): string {
  const slug = name.normalize('NFKD').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '').slice(0, 60) || 'experiment';
  return `${slug}-${experimentId.slice(0, 8)}`;
}
