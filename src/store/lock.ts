// One writer per store: a lock file next to the database holds the writer's id, pid and a heartbeat.
// Created with O_EXCL, so of two windows starting together exactly one gets it. A lock whose
// heartbeat is older than `staleMs` (or whose pid is gone, on this host) is taken over.
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';

export interface LockInfo {
  id: string;
  pid: number;
  host: string;
  heartbeat: number;
}

export class WriterLock {
  readonly id = randomUUID();

  constructor(readonly path: string, private readonly staleMs = 15_000) {}

  read(): LockInfo | undefined {
    try {
      const o = JSON.parse(readFileSync(this.path, 'utf8')) as Partial<LockInfo>;
      if (typeof o.id === 'string' && typeof o.pid === 'number' && typeof o.heartbeat === 'number') {
        return { id: o.id, pid: o.pid, host: String(o.host ?? ''), heartbeat: o.heartbeat };
      }
    } catch {
      // unreadable or half-written: treated as absent below only once it is stale by mtime
    }
    return undefined;
  }

  isHeld(): boolean {
    return this.read()?.id === this.id;
  }

  private isStale(info: LockInfo | undefined): boolean {
    if (!info) return existsSync(this.path); // garbage content: stale
    if (Date.now() - info.heartbeat > this.staleMs) return true;
    if (info.host === hostname()) {
      try {
        process.kill(info.pid, 0);
      } catch (e) {
        return (e as NodeJS.ErrnoException).code === 'ESRCH';
      }
    }
    return false;
  }

  /** Tries to become the writer. */
  tryAcquire(): boolean {
    if (this.create()) return true;
    const info = this.read();
    if (!this.isStale(info)) return false;
    // Move the stale lock aside; of several windows doing this at once only one rename succeeds.
    const aside = `${this.path}.stale-${this.id}`;
    try {
      renameSync(this.path, aside);
    } catch {
      return false;
    }
    const moved = (() => { try { return JSON.parse(readFileSync(aside, 'utf8')) as Partial<LockInfo>; } catch { return undefined; } })();
    if (info && moved?.id !== info.id) {
      // We moved someone's fresh lock, not the stale one: put it back.
      try { renameSync(aside, this.path); } catch { /* they will notice on their heartbeat */ }
      return false;
    }
    rmSync(aside, { force: true });
    return this.create();
  }

  private create(): boolean {
    try {
      const fd = openSync(this.path, 'wx');
      try {
        writeSync(fd, JSON.stringify(this.info()));
      } finally {
        closeSync(fd);
      }
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw e;
    }
  }

  private info(): LockInfo {
    return { id: this.id, pid: process.pid, host: hostname(), heartbeat: Date.now() };
  }

  /** Refreshes the heartbeat; returns false when the lock is no longer ours. */
  heartbeat(): boolean {
    if (!this.isHeld()) return false;
    const tmp = `${this.path}.${this.id}.tmp`;
    const fd = openSync(tmp, 'w');
    try { writeSync(fd, JSON.stringify(this.info())); } finally { closeSync(fd); }
    renameSync(tmp, this.path);
    return true;
  }

  release(): void {
    if (this.isHeld()) rmSync(this.path, { force: true });
  }
}
