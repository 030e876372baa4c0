// Messages between the comparison panel (webview/compare/) and its host (src/extension/panels/comparePanel.ts).
// The webview announces `ready`; the host answers with the whole state (every selected run's parameters,
// metric summaries, dataset profiles, distributions and matrix sizes), sends it again when a run changes
// or the selection does, and sends the heavy parts only when asked: one metric's histories for all runs
// (decimated, as typed arrays), and the confusion matrices the webview shows.
import { MAX_COMPARE_RUNS } from '../core/compare';
import type { ConfusionMatrix, DatasetProfile, Direction, Distribution, ParamValue, RunStatus } from '../core/model';
import {
  MESSAGE_LIMITS, ProtocolError, RUN_ID_PATTERN, checkRunId, checkString, isObj, parseCommonMessage,
  type CommonFromWebview, type Obj, type WireNumber,
} from './common';

export { MAX_COMPARE_RUNS };

/** The webview panel type; also the serializer's id and the `onWebviewPanel:` activation event. */
export const COMPARE_VIEW_TYPE = 'mlops.compare';

// ------------------------------------------------------------------ the state the panel shows

export interface CompareMetric {
  key: string;
  count: number;
  last: WireNumber;
  lastStep: number;
  min: WireNumber;
  max: WireNumber;
}

export interface MatrixMeta {
  name: string;
  classes: number;
  /** Samples (sum of the counts). */
  total: number;
  /** Samples on the diagonal. */
  correct: number;
}

export interface CompareRun {
  id: string;
  name: string | null;
  /** The name, or the short id when the run has none. */
  displayName: string;
  experimentId: string;
  experimentName: string;
  status: RunStatus;
  startTime: number;
  endTime: number | null;
  durationMs: number | null;
  algorithm: string | null;
  deleted: boolean;
  /** 'native', or the MLflow store a read-only run comes from. */
  origin: string;
  params: { key: string; value: ParamValue }[];
  metrics: CompareMetric[];
  datasets: DatasetProfile[];
  distributions: { dataset: string; distribution: Distribution }[];
  matrices: MatrixMeta[];
}

export interface MetricDirection {
  key: string;
  direction: Direction;
  /** 'experiment': an experiment's primary metric with its direction; 'name': guessed from the name. */
  source: 'experiment' | 'name';
}

export interface CompareViewState {
  /** Oldest first; the first is the default baseline. */
  runs: CompareRun[];
  /** Ids that were asked for but are not (or no longer) in the store. */
  missing: string[];
  /** The experiments of the runs, in run order (more than one: the panel says so and compares anyway). */
  experiments: { id: string; name: string }[];
  directions: MetricDirection[];
  /** The metric for "parameters against metrics": the experiment's primary metric, else a telling one all runs have. */
  primary: { key: string; direction: Direction } | null;
  /** The panel follows the Runs view's selection (2 or more runs selected). */
  follow: boolean;
  limit: number;
}

/** One run's history of a metric; `total` points were logged, `values.length` are sent (decimated past the budget). */
export interface RunHistory {
  runId: string;
  total: number;
  steps: Float64Array;
  times: Float64Array;
  values: Float64Array;
}

/**
 * One metric's histories of several runs in three columns: run k's points are [offsets[k], offsets[k + 1]).
 * Three typed arrays per message rather than three per run: VS Code transfers each typed array's buffer
 * separately, and with hundreds of them in one message some runs arrived empty.
 */
export interface PackedHistories {
  key: string;
  runIds: string[];
  totals: number[];
  offsets: number[];
  steps: Float64Array;
  times: Float64Array;
  values: Float64Array;
}

export function packHistories(key: string, series: readonly RunHistory[]): PackedHistories {
  const offsets = [0];
  for (const s of series) offsets.push(offsets[offsets.length - 1] + s.values.length);
  const n = offsets[offsets.length - 1];
  const steps = new Float64Array(n);
  const times = new Float64Array(n);
  const values = new Float64Array(n);
  series.forEach((s, k) => {
    steps.set(s.steps, offsets[k]);
    times.set(s.times, offsets[k]);
    values.set(s.values, offsets[k]);
  });
  return { key, runIds: series.map((s) => s.runId), totals: series.map((s) => s.total), offsets, steps, times, values };
}

export function unpackHistories(p: PackedHistories): RunHistory[] {
  return p.runIds.map((runId, k) => {
    const from = p.offsets[k];
    const to = p.offsets[k + 1];
    return { runId, total: p.totals[k], steps: p.steps.subarray(from, to), times: p.times.subarray(from, to), values: p.values.subarray(from, to) };
  });
}

// ------------------------------------------------------------------ host -> webview

export type CompareToWebview =
  | { type: 'state'; state: CompareViewState }
  | ({ type: 'histories' } & PackedHistories)
  | { type: 'matrices'; name: string; items: { runId: string; matrix: ConfusionMatrix }[] };

// ------------------------------------------------------------------ webview -> host

export type CompareFromWebview =
  | { type: 'ready' }
  | { type: 'requestHistory'; key: string }
  | { type: 'requestMatrices'; name: string; runIds: string[] }
  | { type: 'openRun'; runId: string }
  | { type: 'removeRun'; runId: string }
  | { type: 'addRuns' }
  | { type: 'setFollow'; follow: boolean }
  | CommonFromWebview;

function checkRunIds(o: Obj, key: string): string[] {
  const v = o[key];
  if (!Array.isArray(v)) throw new ProtocolError(`"${key}" must be an array of run ids`);
  if (v.length > MAX_COMPARE_RUNS) throw new ProtocolError(`"${key}" has more than ${MAX_COMPARE_RUNS} run ids`);
  return v.map((id, i) => {
    if (typeof id !== 'string' || !RUN_ID_PATTERN.test(id)) throw new ProtocolError(`"${key}[${i}]" is not a run id`);
    return id;
  });
}

/** Validates a message from the compare webview. Throws ProtocolError for anything else. */
export function parseCompareMessage(x: unknown): CompareFromWebview {
  if (!isObj(x)) throw new ProtocolError('a message must be an object');
  if (typeof x.type !== 'string') throw new ProtocolError('a message needs a "type"');
  const common = parseCommonMessage(x);
  if (common) return common;
  switch (x.type) {
    case 'ready':
      return { type: 'ready' };
    case 'addRuns':
      return { type: 'addRuns' };
    case 'requestHistory':
      return { type: 'requestHistory', key: checkString(x, 'key', MESSAGE_LIMITS.key, { nonEmpty: true }) };
    case 'requestMatrices':
      return { type: 'requestMatrices', name: checkString(x, 'name', MESSAGE_LIMITS.key, { nonEmpty: true }), runIds: checkRunIds(x, 'runIds') };
    case 'openRun':
      return { type: 'openRun', runId: checkRunId(x) };
    case 'removeRun':
      return { type: 'removeRun', runId: checkRunId(x) };
    case 'setFollow':
      if (typeof x.follow !== 'boolean') throw new ProtocolError('"follow" must be true or false');
      return { type: 'setFollow', follow: x.follow };
    default:
      throw new ProtocolError(`unknown message type ${JSON.stringify(x.type.slice(0, 40))}`);
  }
}

// ------------------------------------------------------------------ what survives a window reload

/** What the webview keeps with `setState`; the serializer reads `runIds` and `follow` back after a reload. */
export interface ComparePanelState {
  runIds: string[];
  follow: boolean;
  /** The webview's own view settings (baseline, switches, chosen axes, ...); the host ignores them. */
  ui?: unknown;
}

/** The runs and the follow switch of a saved panel state, or undefined when it is not one (old, empty or tampered with). */
export function comparePanelStateFrom(state: unknown): { runIds: string[]; follow: boolean } | undefined {
  if (!isObj(state)) return undefined;
  try {
    const runIds = checkRunIds(state, 'runIds');
    return { runIds: [...new Set(runIds)], follow: state.follow !== false };
  } catch {
    return undefined;
  }
}
