// Turns log lines into events. Metric lines written by our own writers have a fixed key order, so a
// regular expression reads them ~3x faster than JSON.parse + validation; any other line takes the full path.
import type { MetricPoint } from '../store/store';
import { EVENT_FORMAT_VERSION, parseEvent, type TrackingEvent } from './events';

const METRIC_LINE = new RegExp(
  `^\\{"v":${EVENT_FORMAT_VERSION},"ts":\\d+,"type":"metric","runId":"([0-9A-Za-z_-]{1,64})","key":"([^"\\\\\\u0000-\\u001f]{1,250})",` +
  '"value":(-?(?:0|[1-9]\\d*)(?:\\.\\d+)?(?:[eE][-+]?\\d+)?|"NaN"|"Infinity"|"-Infinity"),"step":(-?\\d+),"timestamp":(\\d+)\\}\\r?$',
);

export function parseLine(line: string): TrackingEvent | MetricPoint {
  const m = METRIC_LINE.exec(line);
  if (m) {
    const v = m[3];
    const value = v === '"NaN"' ? NaN : v === '"Infinity"' ? Infinity : v === '"-Infinity"' ? -Infinity : Number(v);
    return { runId: m[1], key: m[2], value, step: Number(m[4]), timestamp: Number(m[5]) };
  }
  return parseEvent(line);
}
