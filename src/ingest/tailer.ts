// Reads every log file under .mlops/runs/ from the byte offset remembered in the store, hands complete
// lines to the store, and leaves a half-written last line for the next pass.
import { closeSync, existsSync, openSync, readSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { IngestProblem, TrackingStore } from '../store/store';
import { EXPERIMENT_FILE, type TrackingEvent } from './events';
import { MetricColumns, parseChunk } from './parse';

const CHUNK = 8 * 1024 * 1024;
const NEWLINE = 0x0a;

export interface IngestResult {
  lines: number;
  files: number;
  problems: IngestProblem[];
  /** Set when a file got shorter than what was already read: the store no longer matches the logs. */
  rebuildReason?: string;
}

/** Log files, experiment files first so that runs find their experiment's name. */
export function listLogFiles(runsDir: string): string[] {
  if (!existsSync(runsDir)) return [];
  const experiments: string[] = [];
  const runs: string[] = [];
  for (const d of readdirSync(runsDir, { withFileTypes: true })) {
    if (!d.isDirectory()) continue;
    const dir = join(runsDir, d.name);
    for (const f of readdirSync(dir, { withFileTypes: true })) {
      if (!f.isFile() || !f.name.endsWith('.jsonl')) continue;
      (f.name === EXPERIMENT_FILE ? experiments : runs).push(join(dir, f.name));
    }
  }
  return [...experiments.sort(), ...runs.sort()];
}

export function ingestLogs(store: TrackingStore, workspace: string, runsDir: string, opts: { signal?: AbortSignal } = {}): IngestResult {
  const offsets = store.getOffsets();
  const result: IngestResult = { lines: 0, files: 0, problems: [] };
  for (const file of listLogFiles(runsDir)) {
    if (opts.signal?.aborted) break;
    const rel = relative(workspace, file).split(sep).join('/');
    const known = offsets.get(rel) ?? { offset: 0, line: 0 };
    let size: number;
    try {
      size = statSync(file).size;
    } catch {
      continue; // deleted between listing and reading
    }
    if (size < known.offset) {
      result.rebuildReason = `${rel} is shorter (${size} bytes) than what was already read (${known.offset} bytes)`;
      return result;
    }
    if (size === known.offset) continue;
    result.files++;
    readNewLines(store, file, rel, known, size, result);
  }
  return result;
}

function readNewLines(store: TrackingStore, file: string, rel: string, start: { offset: number; line: number }, size: number, result: IngestResult): void {
  const fd = openSync(file, 'r');
  try {
    let offset = start.offset;
    let line = start.line;
    const buf = Buffer.allocUnsafe(Math.min(CHUNK, Math.max(size - offset, 1)));
    while (offset < size) {
      const n = readSync(fd, buf, 0, Math.min(buf.length, size - offset), offset);
      if (n <= 0) break;
      const lastNl = buf.lastIndexOf(NEWLINE, n - 1);
      if (lastNl < 0) {
        if (n === buf.length) {
          // One line longer than the buffer: an over-long or corrupt line. Skip it up to its newline, if any.
          const skipTo = findNewline(fd, offset + n, size);
          if (skipTo < 0) break;
          line++;
          result.problems.push({ file: rel, line, message: `line is longer than ${CHUNK} bytes; skipped` });
          offset = skipTo + 1;
          store.applyChunk(rel, [], new MetricColumns(), { path: rel, offset, line });
          continue;
        }
        break; // a half-written last line: wait until it is complete
      }
      const text = buf.toString('utf8', 0, lastNl);
      const metrics = new MetricColumns();
      const events: { event: TrackingEvent; line: number }[] = [];
      const bad: { line: number; message: string }[] = [];
      line = parseChunk(text, line, metrics, events, bad);
      for (const b of bad) result.problems.push({ file: rel, ...b });
      offset += lastNl + 1;
      result.lines += events.length + metrics.length;
      result.problems.push(...store.applyChunk(rel, events, metrics, { path: rel, offset, line }));
    }
  } finally {
    closeSync(fd);
  }
}

function findNewline(fd: number, from: number, size: number): number {
  const buf = Buffer.allocUnsafe(64 * 1024);
  let pos = from;
  while (pos < size) {
    const n = readSync(fd, buf, 0, Math.min(buf.length, size - pos), pos);
    if (n <= 0) return -1;
    const i = buf.indexOf(NEWLINE);
    if (i >= 0 && i < n) return pos + i;
    pos += n;
  }
  return -1;
}
