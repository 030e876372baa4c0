import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import { makeEvent, serializeEvent } from '../../../src/ingest/events';
import { TrackingService } from '../../../src/store/service';
import { loadSqlJs } from '../../../src/store/sqljs';
import { TrackingStore } from '../../../src/store/store';
import { tempWorkspace, writeRun } from '../../helpers/workspace';

const CHILD = join(__dirname, 'child.ts');

function startChild(args: string[]): { child: ChildProcessWithoutNullStreams; next: (pattern: RegExp) => Promise<string> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { stdio: 'pipe' });
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (l: string) => void }[] = [];
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += String(d); });
  createInterface({ input: child.stdout }).on('line', (l) => {
    const w = waiters.findIndex((x) => x.pattern.test(l));
    if (w >= 0) waiters.splice(w, 1)[0].resolve(l);
    else lines.push(l);
  });
  const next = (pattern: RegExp) => new Promise<string>((resolve, reject) => {
    const i = lines.findIndex((l) => pattern.test(l));
    if (i >= 0) return resolve(lines.splice(i, 1)[0]);
    waiters.push({ pattern, resolve });
    child.once('exit', (code) => reject(new Error(`child exited (${code}) before printing ${pattern}: ${stderr}`)));
  });
  return { child, next };
}

const killed = (child: ChildProcessWithoutNullStreams) => new Promise<void>((r) => { child.once('exit', () => r()); child.kill('SIGKILL'); });

async function openSaved(workspace: string): Promise<TrackingStore> {
  return TrackingStore.open(await loadSqlJs(), readFileSync(join(workspace, '.mlops/tracking.db')));
}

describe('crash safety', () => {
  it('a writer killed in the middle of a line loses nothing complete; the half line is read once completed', async () => {
    const ws = tempWorkspace();
    const { runId, file } = writeRun(ws, 'Crash');
    const { child, next } = startChild(['append-then-half', ws, file, runId, '500']);
    const { rest } = JSON.parse(await next(/rest/)) as { rest: string };
    await killed(child);
    assert.ok(!readFileSync(file, 'utf8').endsWith('\n'), 'the file ends in a half-written line');

    const service = new TrackingService(ws);
    await service.start();
    assert.equal(service.db.metricHistory(runId, 'loss').length, 500, 'every complete event is in the store');
    service.dispose();
    assert.equal((await openSaved(ws)).metricHistory(runId, 'loss').length, 500, 'and in the saved file');

    appendFileSync(file, rest);
    const again = new TrackingService(ws);
    await again.start();
    const history = again.db.metricHistory(runId, 'loss');
    assert.equal(history.length, 501);
    assert.equal(history[500].value, 0.001);
    again.dispose();
  });

  it('a process killed while saving leaves a database that opens, and a restart has every complete event', async () => {
    const ws = tempWorkspace();
    const { runId, file } = writeRun(ws, 'Big');
    // Enough points that one save takes a while, so kills land inside writes.
    appendFileSync(file, Array.from({ length: 60_000 }, (_, i) => serializeEvent(makeEvent({ type: 'metric', runId, key: `m${i % 6}`, value: i, step: i, timestamp: i }))).join('\n') + '\n');
    let killedMidSave = 0;
    const tmp = join(ws, '.mlops/tracking.db.tmp');
    for (let round = 0; round < 8; round++) {
      rmSync(tmp, { force: true }); // so that a temp file seen after the kill is this round's
      const { child, next } = startChild(['save-loop', ws]);
      assert.equal(await next(/^role /), 'role writer');
      await next(/saving/);
      // Even rounds: kill the moment the temp file appears (inside a save); odd rounds: after a delay.
      if (round % 2 === 0) {
        const until = Date.now() + 5000;
        while (!existsSync(tmp) && Date.now() < until) await new Promise((r) => setImmediate(r));
      } else {
        await new Promise((r) => setTimeout(r, 7 * round));
      }
      await killed(child);
      if (existsSync(join(ws, '.mlops/tracking.db.tmp'))) killedMidSave++; // the temp file was being written
      const store = await openSaved(ws); // throws if the file were half-written
      assert.equal(store.countMetricPoints(), 60_000, `after kill number ${round + 1}`);
      store.close();
      // A stale lock from the killed process is taken over by the next start.
      const service = new TrackingService(ws, { staleMs: 100 });
      await new Promise((r) => setTimeout(r, 150));
      await service.start();
      assert.equal(service.role, 'writer');
      assert.equal(service.db.countMetricPoints(), 60_000);
      service.dispose();
    }
    assert.ok(killedMidSave > 0, 'at least one kill landed while the temp file was being written');
  });
});

describe('one writer per folder', () => {
  it('of two services started at once on one folder exactly one writes; the other follows, and takes over when the writer dies', async () => {
    const ws = tempWorkspace();
    const { runId, file } = writeRun(ws, 'Two');
    const a = startChild(['service', ws]);
    const b = startChild(['service', ws]);
    const roleA = (await a.next(/^role /)).split(' ')[1];
    const roleB = (await b.next(/^role /)).split(' ')[1];
    assert.deepEqual([roleA, roleB].sort(), ['reader', 'writer'], 'exactly one writer');
    const [writer, reader] = roleA === 'writer' ? [a, b] : [b, a];
    const db = join(ws, '.mlops/tracking.db');

    // Both follow the log; only the writer saves.
    appendFileSync(file, serializeEvent(makeEvent({ type: 'metric', runId, key: 'acc', value: 0.7, step: 1, timestamp: 1 })) + '\n');
    const before = statSync(db).mtimeMs;
    reader.child.stdin.write('ingest\n');
    assert.equal(await reader.next(/^ingested/), 'ingested 1');
    assert.equal(statSync(db).mtimeMs, before, 'the reader did not write the database');
    assert.equal((await openSaved(ws)).countMetricPoints(), 0);
    writer.child.stdin.write('ingest\n');
    assert.equal(await writer.next(/^ingested/), 'ingested 1');
    assert.equal((await openSaved(ws)).countMetricPoints(), 1, 'the writer saved it');

    // The writer dies without releasing its lock: the reader takes over once the heartbeat is stale.
    await killed(writer.child);
    assert.equal(await reader.next(/^role-change /), 'role-change writer');
    appendFileSync(file, serializeEvent(makeEvent({ type: 'metric', runId, key: 'acc', value: 0.8, step: 2, timestamp: 2 })) + '\n');
    reader.child.stdin.write('ingest\n');
    assert.equal(await reader.next(/^ingested/), 'ingested 2');
    assert.equal((await openSaved(ws)).countMetricPoints(), 2);
    reader.child.stdin.write('exit\n');
    await new Promise((r) => reader.child.once('exit', r));
    assert.ok(!existsSync(join(ws, '.mlops/tracking.db.lock')), 'the lock is released on a clean exit');
  });
});
