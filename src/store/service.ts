// The store's owner in one process: opens or rebuilds the database, tails the logs into it, saves it
// atomically after a burst of writes settles, and holds the writer lock. Pure Node (no 'vscode'), so the
// extension and the crash/concurrency tests run the same code.
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SqlJsStatic } from 'sql.js';
import { LogLayout } from '../ingest/writer';
import { ingestLogs, type IngestResult } from '../ingest/tailer';
import { WriterLock } from './lock';
import { writeFileAtomic } from './persist';
import { loadSqlJs } from './sqljs';
import { StoreOpenError, TrackingStore, type IngestProblem } from './store';

export type Role = 'writer' | 'reader';

export interface ServiceOptions {
  /** Delay after the last change before the database is saved. */
  persistDebounceMs?: number;
  heartbeatMs?: number;
  staleMs?: number;
  log?: (message: string) => void;
  /** Malformed lines and events that could not be applied: reported once each. */
  onProblems?: (problems: IngestProblem[]) => void;
  /** The store was moved aside and rebuilt (corrupt or newer file); the message says where it went. */
  onRecovered?: (message: string) => void;
  onChange?: () => void;
  /** The store was rebuilt from the logs alone: rows read from elsewhere (MLflow stores) must be synced again. */
  onRebuild?: () => void;
  onRoleChange?: (role: Role) => void;
  sqlJs?: () => Promise<SqlJsStatic>;
}

const GITIGNORE = '# Written by MLOps Experiment Tracking: the database is derived from runs/ and rebuilt from it.\ntracking.db\ntracking.db.*\n';

export class TrackingService {
  readonly layout: LogLayout;
  private store?: TrackingStore;
  private SQL?: SqlJsStatic;
  private lock: WriterLock;
  private _role: Role = 'reader';
  private persistTimer?: NodeJS.Timeout;
  private heartbeatTimer?: NodeJS.Timeout;
  private dirty = false;
  private disposed = false;
  private readonly opts: Required<Pick<ServiceOptions, 'persistDebounceMs' | 'heartbeatMs' | 'staleMs'>> & ServiceOptions;

  constructor(workspace: string, opts: ServiceOptions = {}) {
    this.layout = new LogLayout(workspace);
    this.opts = { persistDebounceMs: 750, heartbeatMs: 5_000, staleMs: 15_000, ...opts };
    this.lock = new WriterLock(`${this.layout.dbPath}.lock`, this.opts.staleMs);
  }

  get role(): Role { return this._role; }
  get lockPath(): string { return this.lock.path; }

  /** The open store; start() must have finished. */
  get db(): TrackingStore {
    if (!this.store) throw new Error('the tracking store is not open yet');
    return this.store;
  }

  async start(): Promise<void> {
    this.SQL = await (this.opts.sqlJs ?? loadSqlJs)();
    mkdirSync(this.layout.mlopsDir, { recursive: true });
    this.setRole(this.lock.tryAcquire() ? 'writer' : 'reader');
    if (this._role === 'writer') this.writeGitignore();
    this.store = this.openOrRecover();
    this.ingest();
    if (this._role === 'writer' && (this.dirty || !existsSync(this.layout.dbPath))) this.persistNow();
    this.heartbeatTimer = setInterval(() => this.beat(), this.opts.heartbeatMs);
    this.heartbeatTimer.unref?.();
  }

  private setRole(role: Role): void {
    if (role === this._role) return;
    this._role = role;
    this.opts.log?.(role === 'writer' ? 'this window writes the tracking store' : 'another window writes the tracking store; this one reads and follows');
    this.opts.onRoleChange?.(role);
  }

  private writeGitignore(): void {
    const p = join(this.layout.mlopsDir, '.gitignore');
    if (!existsSync(p)) writeFileSync(p, GITIGNORE);
  }

  private openOrRecover(): TrackingStore {
    const SQL = this.SQL!;
    const path = this.layout.dbPath;
    if (!existsSync(path)) {
      this.opts.log?.('no tracking.db yet: building it from the logs');
      return TrackingStore.open(SQL);
    }
    try {
      return TrackingStore.open(SQL, readFileSync(path));
    } catch (e) {
      if (!(e instanceof StoreOpenError)) throw e;
      let message = `The tracking store ${path} could not be used (${e.message}).`;
      if (this._role === 'writer') {
        const aside = `${path}.${e.reason}-${new Date().toISOString().replace(/[:.]/g, '-')}`;
        renameSync(path, aside);
        message += ` It was moved to ${aside} and rebuilt from the logs in .mlops/runs/.`;
      } else {
        message += ' This window rebuilt it in memory from the logs; the window that writes the store will replace it.';
      }
      this.opts.log?.(message);
      this.opts.onRecovered?.(message);
      this.dirty = true;
      return TrackingStore.open(SQL);
    }
  }

  /** Reads new log lines into the store. Returns what it read. */
  ingest(signal?: AbortSignal): IngestResult {
    const store = this.db;
    const result = ingestLogs(store, this.layout.workspace, this.layout.runsDir, { signal });
    if (result.rebuildReason) {
      this.opts.log?.(`rebuilding the store: ${result.rebuildReason}`);
      return this.rebuild(signal);
    }
    this.afterIngest(result);
    return result;
  }

  private afterIngest(result: IngestResult): void {
    if (result.problems.length > 0) {
      for (const p of result.problems) this.opts.log?.(`skipped ${p.file}:${p.line}: ${p.message}`);
      this.opts.onProblems?.(result.problems);
    }
    if (result.lines > 0 || result.files > 0) {
      this.dirty = true;
      this.schedulePersist();
      this.opts.onChange?.();
    }
  }

  /** Drops the in-memory store and reads every log again (the command "MLOps: Rebuild Store"). */
  rebuild(signal?: AbortSignal): IngestResult {
    const fresh = TrackingStore.open(this.SQL!);
    const result = ingestLogs(fresh, this.layout.workspace, this.layout.runsDir, { signal });
    if (signal?.aborted) {
      fresh.close();
      return result; // the old store stays as it was
    }
    this.store?.close();
    this.store = fresh;
    this.dirty = true;
    this.afterIngest(result);
    this.opts.onRebuild?.();
    this.opts.onChange?.();
    if (this._role === 'writer') this.persistNow();
    return result;
  }

  schedulePersist(): void {
    if (this._role !== 'writer' || this.disposed) return;
    if (this.persistTimer) clearTimeout(this.persistTimer);
    this.persistTimer = setTimeout(() => this.persistNow(), this.opts.persistDebounceMs);
  }

  persistNow(): void {
    if (this.persistTimer) clearTimeout(this.persistTimer);
    this.persistTimer = undefined;
    if (this._role !== 'writer' || !this.store) return;
    if (!this.lock.isHeld()) {
      this.setRole('reader');
      return;
    }
    writeFileAtomic(this.layout.dbPath, this.store.export());
    this.dirty = false;
  }

  private beat(): void {
    if (this._role === 'writer') {
      if (!this.lock.heartbeat()) this.setRole('reader');
    } else if (this.lock.tryAcquire()) {
      // The writer went away: this window takes over, and saves what it has followed so far.
      this.setRole('writer');
      this.writeGitignore();
      this.persistNow();
    }
  }

  /** Saves (if this window writes) and lets go of the lock. */
  dispose(): void {
    if (this.disposed) return;
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this._role === 'writer' && this.dirty && this.store) {
      try { this.persistNow(); } catch (e) { this.opts.log?.(`could not save the store: ${(e as Error).message}`); }
    }
    if (this.persistTimer) clearTimeout(this.persistTimer);
    this.disposed = true;
    this.lock.release();
    this.store?.close();
    this.store = undefined;
  }

  /** For tests and the status line: bytes of the saved file. */
  savedSize(): number {
    try { return statSync(this.layout.dbPath).size; } catch { return 0; }
  }
}
