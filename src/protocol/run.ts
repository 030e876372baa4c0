// Messages between the run panel (webview/run/) and its host (src/extension/panels/runPanel.ts).
// The webview announces `ready`; the host answers with the whole state, sends it again when the run
// changes, and sends one metric's history when the webview asks for it (histories are large, so they
// travel lazily and as typed arrays, which VS Code transfers without JSON).
import type { ClassificationReport, ConfusionMatrix, DatasetProfile, Direction, Distribution, ParamValue, RunStatus } from '../core/model';
import {
  MESSAGE_LIMITS, ProtocolError, checkRunId, checkString, isObj, parseCommonMessage,
  type CommonFromWebview, type WireNumber,
} from './common';

/** The webview panel type; also the serializer's id and the `onWebviewPanel:` activation event. */
export const RUN_VIEW_TYPE = 'mlops.run';

// ------------------------------------------------------------------ the state the panel shows

export interface RunOverview {
  id: string;
  name: string | null;
  /** The name, or the short id when the run has none. */
  displayName: string;
  experimentId: string;
  experimentName: string;
  status: RunStatus;
  startTime: number;
  endTime: number | null;
  /** Training time when logged, else end minus start; null while running without either. */
  durationMs: number | null;
  git: { commit: string; branch: string | null; dirty: boolean } | null;
  tags: { key: string; value: string }[];
  note: string | null;
  starred: boolean;
  deleted: boolean;
  /** Why the note cannot be edited from the panel (for example a read-only imported run), or null. */
  readOnly: string | null;
}

export interface PrimaryMetricView {
  key: string;
  value: WireNumber;
  direction: Direction;
  /** 1 is the best run of the experiment by this metric's last value; null when the value is NaN. */
  rank: number | null;
  /** Runs of the experiment (not deleted) that logged this metric with a comparable value. */
  of: number;
  /** True when the experiment names no primary metric and this one was picked from the run's metrics. */
  inferred: boolean;
}

export interface DatasetView {
  profile: DatasetProfile;
  /** The latest earlier run of the same experiment that logged a dataset of the same name. */
  previous: { runId: string; runName: string | null; sha256: string; changed: boolean } | null;
  distributions: Distribution[];
}

export interface MetricView {
  key: string;
  count: number;
  last: WireNumber;
  lastStep: number;
  min: WireNumber;
  max: WireNumber;
  /** max or min, per `direction`. */
  best: WireNumber;
  direction: Direction;
  /** 'experiment': the experiment's primary metric and direction; 'name': guessed from the name (loss, error, ...). */
  directionSource: 'experiment' | 'name';
}

export interface MatrixView {
  name: string;
  matrix: ConfusionMatrix;
  /** Per-class precision/recall/F1/support, accuracy, averages; null when they cannot be computed (see `problem`). */
  report: ClassificationReport | null;
  problem: string | null;
}

export interface RunViewState {
  run: RunOverview;
  primary: PrimaryMetricView | null;
  algorithm: string | null;
  params: { key: string; value: ParamValue }[];
  datasets: DatasetView[];
  metrics: MetricView[];
  matrices: MatrixView[];
  limits: { note: number };
}

/** One metric's history, index-aligned and ordered by step: steps, wall-clock times (epoch ms) and values. */
export interface MetricHistory {
  key: string;
  steps: Float64Array;
  /** Only when asked for (the wall-time axis, a CSV export): a third of the bytes otherwise. */
  times: Float64Array | null;
  values: Float64Array;
}

/** Steps as they travel: evenly spaced steps (0, 1, 2, ... or 0, 10, 20, ...) as their start and spacing. */
export type WireSteps = Float64Array | { start: number; step: number };

/** A history as it travels: typed arrays, which VS Code transfers as binary. */
export interface MetricHistoryWire {
  key: string;
  count: number;
  steps: WireSteps;
  times: Float64Array | null;
  values: Float64Array;
}

export function encodeSteps(steps: Float64Array): WireSteps {
  const n = steps.length;
  if (n < 2) return n === 1 ? { start: steps[0], step: 1 } : { start: 0, step: 1 };
  const start = steps[0];
  const step = steps[1] - steps[0];
  for (let i = 2; i < n; i++) if (steps[i] !== start + i * step) return steps;
  return { start, step };
}

export function decodeSteps(w: WireSteps, count: number): Float64Array {
  if (ArrayBuffer.isView(w)) return w;
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = w.start + i * w.step;
  return out;
}

// ------------------------------------------------------------------ host -> webview

export type RunToWebview =
  | { type: 'state'; state: RunViewState }
  | { type: 'history'; history: MetricHistoryWire }
  /** The run is not (or no longer) in the store. */
  | { type: 'missing'; runId: string; message: string }
  | { type: 'noteSaved'; text: string }
  | { type: 'noteFailed'; message: string };

// ------------------------------------------------------------------ webview -> host

export type RunFromWebview =
  | { type: 'ready' }
  | { type: 'requestHistory'; key: string; withTimes: boolean }
  | { type: 'saveNote'; text: string }
  | { type: 'openRun'; runId: string }
  | CommonFromWebview;

/** Validates a message from the run webview. Throws ProtocolError for anything else. */
export function parseRunMessage(x: unknown): RunFromWebview {
  if (!isObj(x)) throw new ProtocolError('a message must be an object');
  if (typeof x.type !== 'string') throw new ProtocolError('a message needs a "type"');
  const common = parseCommonMessage(x);
  if (common) return common;
  switch (x.type) {
    case 'ready':
      return { type: 'ready' };
    case 'requestHistory': {
      if (x.withTimes !== undefined && typeof x.withTimes !== 'boolean') throw new ProtocolError('"withTimes" must be true or false');
      return { type: 'requestHistory', key: checkString(x, 'key', MESSAGE_LIMITS.key, { nonEmpty: true }), withTimes: x.withTimes === true };
    }
    case 'saveNote':
      return { type: 'saveNote', text: checkString(x, 'text', MESSAGE_LIMITS.text) };
    case 'openRun':
      return { type: 'openRun', runId: checkRunId(x) };
    default:
      throw new ProtocolError(`unknown message type ${JSON.stringify(x.type.slice(0, 40))}`);
  }
}

// ------------------------------------------------------------------ what survives a window reload

/** What the webview keeps with `setState`; the serializer reads `runId` back after a reload. */
export interface RunPanelState {
  runId: string;
  /** The webview's own view settings (section, normalisation, smoothing, ...); the host ignores them. */
  ui?: unknown;
}

/** The run id of a saved panel state, or undefined when the state is not one (old, empty or tampered with). */
export function runIdFromPanelState(state: unknown): string | undefined {
  if (!isObj(state)) return undefined;
  try {
    return checkRunId(state);
  } catch {
    return undefined;
  }
}
