// Appends whole events to a log file. One write() per call with O_APPEND, so concurrent writers
// (a training script and the extension tagging the same run) never interleave inside a line.
import { closeSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EXPERIMENT_FILE, MLOPS_DIR, RUNS_DIR, experimentDirName, serializeEvent, type TrackingEvent } from './events';

export function appendEvents(file: string, events: readonly TrackingEvent[], opts: { fsync?: boolean } = {}): void {
  if (events.length === 0) return;
  mkdirSync(dirname(file), { recursive: true });
  const text = events.map(serializeEvent).join('\n') + '\n';
  const fd = openSync(file, 'a');
  try {
    const buf = Buffer.from(text, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
    if (opts.fsync) fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Paths of the log files inside a workspace. */
export class LogLayout {
  constructor(readonly workspace: string) {}
  get mlopsDir(): string { return join(this.workspace, MLOPS_DIR); }
  get runsDir(): string { return join(this.mlopsDir, RUNS_DIR); }
  get dbPath(): string { return join(this.mlopsDir, 'tracking.db'); }
  experimentDir(name: string, experimentId: string): string { return join(this.runsDir, experimentDirName(name, experimentId)); }
  experimentFile(name: string, experimentId: string): string { return join(this.experimentDir(name, experimentId), EXPERIMENT_FILE); }
  runFile(experimentName: string, experimentId: string, runId: string): string {
    return join(this.experimentDir(experimentName, experimentId), `${runId}.jsonl`);
  }
}
