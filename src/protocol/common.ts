// Pieces every panel protocol shares: the exhaustiveness check, numbers that survive JSON, and the
// validators the host runs on whatever a webview sends (a webview is untrusted input).

/** Ends every switch over a message type: a new variant that is not handled fails to compile. */
export function assertNever(x: never, what = 'value'): never {
  throw new Error(`unhandled ${what}: ${JSON.stringify(x)}`);
}

/**
 * A number as it crosses postMessage. Webview messages are JSON, which turns NaN and ±Infinity into
 * null; metric values keep them (the store does too), so they travel as strings.
 */
export type WireNumber = number | 'NaN' | 'Infinity' | '-Infinity';

export function toWire(x: number): WireNumber {
  if (Number.isFinite(x)) return x;
  if (Number.isNaN(x)) return 'NaN';
  return x > 0 ? 'Infinity' : '-Infinity';
}

export function fromWire(x: WireNumber): number {
  if (typeof x === 'number') return x;
  if (x === 'NaN') return NaN;
  return x === 'Infinity' ? Infinity : -Infinity;
}

export type Obj = Record<string, unknown>;

export function isObj(x: unknown): x is Obj {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Why a message was refused: logged by the host, never shown as a crash. */
export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

/** Bounds on what a webview may send, so one bad message cannot exhaust the host. */
export const MESSAGE_LIMITS = {
  /** Names of metrics, parameters, runs (the event log's key bound is 250). */
  key: 250,
  /** A note as typed (the host checks the event log's own bound before appending). */
  text: 1_000_000,
  /** Text to copy, CSV to save. */
  blob: 50_000_000,
  /** A file name suggested for a save dialog. */
  fileName: 200,
} as const;

export function checkString(o: Obj, key: string, max: number, opts: { nonEmpty?: boolean } = {}): string {
  const v = o[key];
  if (typeof v !== 'string') throw new ProtocolError(`"${key}" must be a string`);
  if (v.length > max) throw new ProtocolError(`"${key}" is longer than ${max} characters`);
  if (opts.nonEmpty && v.length === 0) throw new ProtocolError(`"${key}" must not be empty`);
  return v;
}

/** Run ids as the event log writes them (32 hex digits from the SDK; other writers use letters, digits, - and _). */
export const RUN_ID_PATTERN = /^[0-9A-Za-z_-]{1,64}$/;

export function checkRunId(o: Obj, key = 'runId'): string {
  const v = checkString(o, key, 64, { nonEmpty: true });
  if (!RUN_ID_PATTERN.test(v)) throw new ProtocolError(`"${key}" is not a run id`);
  return v;
}

const PNG_DATA_URL = /^data:image\/png;base64,[A-Za-z0-9+/]+={0,2}$/;

export function checkPngDataUrl(o: Obj, key = 'dataUrl'): string {
  const v = checkString(o, key, MESSAGE_LIMITS.blob, { nonEmpty: true });
  if (!PNG_DATA_URL.test(v)) throw new ProtocolError(`"${key}" must be a base64 PNG data URL`);
  return v;
}

/**
 * A file name suggested by the webview, reduced to a safe base name (no folders, no dots in front,
 * no characters that file systems reject). The user still picks the final path in the save dialog.
 */
export function safeFileName(name: string, extension: string): string {
  const base = name
    .normalize('NFKC')
    .replace(/[\\/:*?"<>|]+/g, '-')
    .replace(/\s+/g, ' ')
    .replace(/\p{Cc}+/gu, '')
    .replace(/^[.\s-]+|[.\s-]+$/g, '')
    .slice(0, 120);
  const ext = extension.startsWith('.') ? extension : `.${extension}`;
  const stem = base.toLowerCase().endsWith(ext) ? base.slice(0, -ext.length) : base;
  return `${stem || 'export'}${ext}`;
}

// ------------------------------------------------------------------ messages every panel can send

/** Put text on the clipboard (webviews cannot reach the system clipboard reliably themselves). */
export interface CopyTextMessage { type: 'copyText'; text: string; what?: string }
/** Save a chart: the canvas as a PNG data URL. */
export interface SavePngMessage { type: 'savePng'; name: string; dataUrl: string }
/** Save a table as CSV. */
export interface SaveCsvMessage { type: 'saveCsv'; name: string; csv: string }

export type CommonFromWebview = CopyTextMessage | SavePngMessage | SaveCsvMessage;

/** Validates the shared messages; returns undefined when `type` is not one of them. */
export function parseCommonMessage(o: Obj): CommonFromWebview | undefined {
  switch (o.type) {
    case 'copyText': {
      const what = o.what === undefined ? undefined : checkString(o, 'what', MESSAGE_LIMITS.key);
      return { type: 'copyText', text: checkString(o, 'text', MESSAGE_LIMITS.blob), ...(what === undefined ? {} : { what }) };
    }
    case 'savePng':
      return { type: 'savePng', name: checkString(o, 'name', MESSAGE_LIMITS.fileName, { nonEmpty: true }), dataUrl: checkPngDataUrl(o) };
    case 'saveCsv':
      return { type: 'saveCsv', name: checkString(o, 'name', MESSAGE_LIMITS.fileName, { nonEmpty: true }), csv: checkString(o, 'csv', MESSAGE_LIMITS.blob) };
    default:
      return undefined;
  }
}
