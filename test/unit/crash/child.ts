// Child processes for the crash and concurrency tests. Usage: node --import tsx child.ts <mode> <workspace> [args]
import { openSync, writeSync } from 'node:fs';
import { makeEvent, serializeEvent } from '../../../src/ingest/events';
import { TrackingService } from '../../../src/store/service';

const [mode, workspace, ...args] = process.argv.slice(2);

async function main(): Promise<void> {
  switch (mode) {
    case 'append-then-half': {
      // Appends N complete metric events, then half of one more, then waits to be killed.
      const [file, runId, n] = [args[0], args[1], Number(args[2])];
      const fd = openSync(file, 'a');
      for (let i = 0; i < n; i++) writeSync(fd, serializeEvent(makeEvent({ type: 'metric', runId, key: 'loss', value: 1 / (i + 1), step: i, timestamp: 1_700_000_000_000 + i })) + '\n');
      const last = serializeEvent(makeEvent({ type: 'metric', runId, key: 'loss', value: 0.001, step: n, timestamp: 1_700_000_000_000 + n })) + '\n';
      writeSync(fd, last.slice(0, Math.floor(last.length / 2)));
      process.stdout.write(JSON.stringify({ rest: last.slice(Math.floor(last.length / 2)) }) + '\n');
      setInterval(() => undefined, 1000);
      return;
    }
    case 'save-loop': {
      // Starts the service (writer) and saves over and over, announcing each save, until killed.
      const service = new TrackingService(workspace, { persistDebounceMs: 1_000_000 });
      await service.start();
      process.stdout.write(`role ${service.role}\n`);
      for (;;) {
        process.stdout.write('saving\n');
        service.persistNow();
        await new Promise((r) => setImmediate(r));
      }
    }
    case 'service': {
      // Starts a service and reports its role; saves when told "save" on stdin; exits on "exit".
      const service = new TrackingService(workspace, { heartbeatMs: 200, staleMs: 1000, persistDebounceMs: 50, onRoleChange: (r) => process.stdout.write(`role-change ${r}\n`) });
      await service.start();
      process.stdout.write(`role ${service.role}\n`);
      process.stdin.setEncoding('utf8');
      process.stdin.on('data', (d: string) => {
        for (const cmd of d.split('\n').filter(Boolean)) {
          if (cmd === 'ingest') { service.ingest(); service.persistNow(); process.stdout.write(`ingested ${service.db.countMetricPoints()}\n`); }
          if (cmd === 'exit') { service.dispose(); process.exit(0); }
        }
      });
      return;
    }
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}

main().catch((e) => {
  process.stderr.write(String((e as Error).stack ?? e));
  process.exit(1);
});
