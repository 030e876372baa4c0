import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeEvent, type TrackingEvent } from '../../src/ingest/events';
import { experimentIdFor, newRunId } from '../../src/ingest/ids';
import { LogLayout, appendEvents } from '../../src/ingest/writer';

export function tempWorkspace(prefix = 'mlops-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes an experiment and a run with the given extra events, the way the SDK does. */
export function writeRun(workspace: string, experiment: string, extra: (runId: string) => TrackingEvent[] = () => [], name?: string): { runId: string; experimentId: string; file: string } {
  const layout = new LogLayout(workspace);
  const experimentId = experimentIdFor(experiment);
  const runId = newRunId();
  appendEvents(layout.experimentFile(experiment, experimentId), [makeEvent({ type: 'experiment_created', experimentId, name: experiment })]);
  const file = layout.runFile(experiment, experimentId, runId);
  appendEvents(file, [makeEvent({ type: 'run_created', runId, experimentId, name, startTime: Date.now() }), ...extra(runId)]);
  return { runId, experimentId, file };
}

export function metric(runId: string, key: string, value: number, step: number): TrackingEvent {
  return makeEvent({ type: 'metric', runId, key, value: value as never, step, timestamp: 1_700_000_000_000 + step });
}
