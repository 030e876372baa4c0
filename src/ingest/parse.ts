// Turns log lines into events. Metric lines written by our own writers have a fixed key order, so a
// sticky regular expression reads them straight out of the chunk, ~3x faster than JSON.parse +
// validation and without a string per line; any other line takes the full path (parseEvent).
import { EVENT_FORMAT_VERSION, parseEvent, type TrackingEvent } from './events';

const METRIC_SOURCE =
  `\\{"v":${EVENT_FORMAT_VERSION},"ts":\\d+,"type":"metric","runId":"([0-9A-Za-z_-]{1,64})","key":"([^"\\\\\\u0000-\\u001f]{1,250})",` +
  '"value":(-?(?:0|[1-9]\\d*)(?:\\.\\d+)?(?:[eE][-+]?\\d+)?|"NaN"|"Infinity"|"-Infinity"),"step":(-?\\d+),"timestamp":(\\d+)\\}\\r?';
const METRIC_LINE = new RegExp(`^${METRIC_SOURCE}$`);
const METRIC_AT = new RegExp(`${METRIC_SOURCE}(?=\\n|$)`, 'y');

/** A metric point read by the fast path. */
export interface MetricPoint {
  runId: string;
  key: string;
  value: number;
  step: number;
  timestamp: number;
}

/** Metric points of a chunk as columns (no object per point), with their line numbers. */
export class MetricColumns {
  runIds: string[] = [];
  keys: string[] = [];
  values: number[] = [];
  steps: number[] = [];
  timestamps: number[] = [];
  lines: number[] = [];
  get length(): number { return this.runIds.length; }
}

function metricValue(v: string): number {
  return v === '"NaN"' ? NaN : v === '"Infinity"' ? Infinity : v === '"-Infinity"' ? -Infinity : Number(v);
}

/** One line: a fast-path metric point or a validated event. Throws for a malformed line. */
export function parseLine(line: string): TrackingEvent | MetricPoint {
  const m = METRIC_LINE.exec(line);
  if (m) {
    const value = metricValue(m[3]);
    // A literal that overflows (1e999) is not a valid value: the full parser says so.
    if (Number.isFinite(value) || m[3].startsWith('"')) return { runId: m[1], key: m[2], value, step: Number(m[4]), timestamp: Number(m[5]) };
  }
  return parseEvent(line);
}

/**
 * Parses the complete lines of `text` (no trailing newline), numbering them from `firstLine`.
 * Metric lines go to `metrics`; other events to `events`; malformed lines to `problems`.
 */
export function parseChunk(
  text: string, firstLine: number, metrics: MetricColumns,
  events: { event: TrackingEvent; line: number }[], problems: { line: number; message: string }[],
): number {
  let line = firstLine;
  let from = 0;
  const re = METRIC_AT;
  while (from <= text.length) {
    line++;
    re.lastIndex = from;
    const m = re.exec(text);
    const value = m ? metricValue(m[3]) : 0;
    if (m && (Number.isFinite(value) || m[3].startsWith('"'))) {
      metrics.runIds.push(m[1]); metrics.keys.push(m[2]); metrics.values.push(value);
      metrics.steps.push(Number(m[4])); metrics.timestamps.push(Number(m[5])); metrics.lines.push(line);
      from = re.lastIndex + 1;
      continue;
    }
    let to = text.indexOf('\n', from);
    if (to < 0) to = text.length;
    const l = text.slice(from, to);
    from = to + 1;
    if (l.length === 0 || l === '\r') continue;
    try {
      events.push({ event: parseEvent(l), line });
    } catch (e) {
      problems.push({ line, message: (e as Error).message });
    }
  }
  return line;
}
