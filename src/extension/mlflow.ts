// MLflow stores in the workspace: syncs their read-only runs into the tracking store once it is open
// (and after every rebuild), re-reads a store when its files change, and registers "Import MLflow Runs".
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { shortId } from '../core/format';
import { SKIPPED_FOLDERS, findMlflowStores } from '../core/mlflow/discover';
import type { MlflowStoreKind } from '../core/mlflow/model';
import { importMlflowPath, type MlflowImportResult } from '../store/mlflowImport';
import {
  dropMlflowOrigins, isMlflowOrigin, originFor, problemLocation, storeFingerprint, storeKindAt, storeLabel, storePathOf,
  syncMlflowStores, type SyncResult, type SyncedStore,
} from '../store/mlflowSync';
import { UserError, guarded } from './commands/common';
import { Commands } from './commands/ids';
import type { ExplorerNode } from './explorer/tree';
import { DisposableStore } from './lifecycle';
import type { StoreHost } from './storeHost';

/** Delay after the last change in a store before it is read again (MLflow writes many small files per step). */
const DEBOUNCE_MS = 1000;
const MAX_WAIT_MS = 5000;
const SQLITE_NAMES = new Set(['mlflow.db', 'mlruns.db']);
/** How often the stores are checked for changes the file events missed (see storeFingerprint). */
const POLL_MS = 2000;

interface Polled {
  kind: MlflowStoreKind;
  liveRuns: string[];
  fingerprint?: string;
  /** A big store is checked less often: at most ~5% of the time goes to checking. */
  nextAt: number;
}

export class MlflowStores implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private watchers?: DisposableStore;
  private readonly pending = new Set<string>();
  private readonly pendingDirs = new Set<string>();
  private pendingAll = false;
  private timer?: NodeJS.Timeout;
  /** Syncs run one after another, so an older read never overwrites a newer one. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly lifetime = new AbortController();
  /** What was last reported per store, so the same problems are not reported on every re-read. */
  private readonly reported = new Map<string, string>();
  /** The last summary line logged per store, so that a store re-read while MLflow trains does not flood the log. */
  private readonly summaries = new Map<string, string>();
  /** The stores last read, by path, with what polling compares. */
  private readonly polled = new Map<string, Polled>();
  private polling = false;
  /** When the oldest change not yet read was seen: a store that changes all the time is still read every MAX_WAIT_MS. */
  private firstPendingAt = 0;

  constructor(private readonly host: StoreHost, private readonly output: vscode.LogOutputChannel) {
    const d = this.disposables;
    d.add(host.onDidLoad(() => {
      this.updateWatchers();
      void this.sync();
    }));
    d.add(vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('mlops.mlflow') || !host.isStarted) return;
      this.updateWatchers();
      void this.sync();
    }));
    d.add(vscode.commands.registerCommand(Commands.importMlflow, guarded(output, (arg?: unknown, more?: unknown) => this.importRuns(arg, more))));
  }

  private get workspace(): string | undefined {
    return this.host.workspaceFolder?.uri.fsPath;
  }

  private get config(): { enabled: boolean; paths: string[] } {
    const c = vscode.workspace.getConfiguration('mlops.mlflow');
    const paths = c.get<unknown>('paths', []);
    return { enabled: c.get<boolean>('enabled', true), paths: Array.isArray(paths) ? paths.filter((p): p is string => typeof p === 'string' && p.trim() !== '') : [] };
  }

  // ------------------------------------------------------------------ watching

  private updateWatchers(): void {
    this.watchers?.dispose();
    this.watchers = undefined;
    const folder = this.host.workspaceFolder;
    const { enabled, paths } = this.config;
    if (!folder || !enabled) return;
    const w = this.disposables.add(new DisposableStore());
    this.watchers = w;
    const watch = (pattern: vscode.RelativePattern, on: (file: string) => void, changes = true) => {
      const watcher = w.add(vscode.workspace.createFileSystemWatcher(pattern, false, !changes, false));
      const handler = (uri: vscode.Uri) => on(uri.fsPath);
      w.add(watcher.onDidCreate(handler));
      if (changes) w.add(watcher.onDidChange(handler));
      w.add(watcher.onDidDelete(handler));
    };
    const inStore = (file: string) => this.changed(file);
    watch(new vscode.RelativePattern(folder, '**/mlruns/**'), inStore);
    watch(new vscode.RelativePattern(folder, '**/{mlflow,mlruns}.db'), inStore);
    for (const p of paths) {
      const abs = path.resolve(folder.uri.fsPath, p);
      watch(new vscode.RelativePattern(vscode.Uri.file(abs), '**'), inStore);
      watch(new vscode.RelativePattern(vscode.Uri.file(path.dirname(abs)), path.basename(abs)), inStore);
    }
    // A folder copied or checked out in one go may be reported as that folder only, without the
    // mlruns/ inside it: new folders are searched, and a deleted folder drops the stores it held.
    watch(new vscode.RelativePattern(folder, '**/*'), (file) => this.created(file), false);
    const timer = setInterval(() => void this.poll(), POLL_MS);
    timer.unref?.();
    w.add({ dispose: () => clearInterval(timer) });
  }

  /** Re-reads the stores whose fingerprint changed since the last check (changes the file events missed). */
  private async poll(): Promise<void> {
    if (this.polling || !this.host.isStarted) return;
    this.polling = true;
    try {
      let changed = false;
      for (const [storePath, p] of this.polled) {
        if (Date.now() < p.nextAt) continue;
        const t0 = Date.now();
        const fingerprint = await storeFingerprint(storePath, p.kind, p.liveRuns);
        p.nextAt = Date.now() + Math.max(POLL_MS, (Date.now() - t0) * 20);
        if (p.fingerprint !== undefined && p.fingerprint !== fingerprint) {
          this.pending.add(storePath);
          changed = true;
        }
        p.fingerprint = fingerprint;
      }
      if (changed) this.schedule();
    } finally {
      this.polling = false;
    }
  }

  /**
   * After a read: the stores to poll, with the fingerprint taken before the read. When the read found other
   * running runs, the next poll's fingerprint differs and the store is read once more: harmless.
   */
  private remember(result: SyncResult, ws: string, before: ReadonlyMap<string, string>): void {
    for (const o of result.removed) this.polled.delete(storePathOf(ws, o));
    for (const s of result.stores) {
      if (s.error) continue;
      this.polled.set(s.path, { kind: s.kind, liveRuns: s.liveRuns, fingerprint: before.get(s.path), nextAt: Date.now() + POLL_MS });
    }
  }

  /** A file in a store (or a store file) changed: re-read that store, or search again when that is not clear. */
  private changed(file: string): void {
    const ws = this.workspace;
    if (!ws || !this.host.isStarted) return; // the first sync after the store opens reads everything
    const store = this.storeOf(ws, file);
    if (store === null) return;
    if (store === undefined) this.pendingAll = true;
    else this.pending.add(store);
    this.schedule();
  }

  /** Something was created or deleted anywhere in the workspace: only folders matter (see updateWatchers). */
  private created(file: string): void {
    const ws = this.workspace;
    if (!ws || !this.host.isStarted) return;
    const rel = path.relative(ws, file);
    if (rel === '' || rel.startsWith('..') || rel.split(path.sep).some((p) => SKIPPED_FOLDERS.has(p) || p === 'mlruns')) return;
    const known = this.knownStores(ws);
    if (known.some((k) => file === k || file.startsWith(k + path.sep))) return; // the store watchers see it
    const gone = known.filter((k) => k.startsWith(file + path.sep));
    if (gone.length > 0) {
      for (const k of gone) this.pending.add(k);
      this.schedule();
      return;
    }
    if (SQLITE_NAMES.has(path.basename(file))) return; // the store-file watcher sees it
    void stat(file).then((info) => {
      if (!info.isDirectory()) return;
      this.pendingDirs.add(file);
      this.schedule();
    }, () => undefined);
  }

  private knownStores(ws: string): string[] {
    return (this.host.current?.db.foreignOrigins() ?? []).filter(isMlflowOrigin).map((o) => storePathOf(ws, o));
  }

  /** The store a changed file belongs to; undefined: unknown (search again); null: ignore. */
  private storeOf(ws: string, file: string): string | null | undefined {
    const rel = path.relative(ws, file);
    const parts = rel.split(path.sep);
    if (!rel.startsWith('..') && !path.isAbsolute(rel) && parts.some((p) => SKIPPED_FOLDERS.has(p))) return null;
    const known = new Set(this.knownStores(ws));
    for (const p of this.config.paths) {
      const abs = path.resolve(ws, p);
      if (file === abs || file.startsWith(abs + path.sep)) return known.has(abs) ? abs : undefined;
    }
    if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
    const i = parts.indexOf('mlruns');
    if (i >= 0) return path.join(ws, ...parts.slice(0, i + 1));
    if (SQLITE_NAMES.has(parts[parts.length - 1])) return file;
    return undefined;
  }

  private schedule(): void {
    if (this.timer) clearTimeout(this.timer);
    else this.firstPendingAt = Date.now();
    const delay = Math.min(DEBOUNCE_MS, Math.max(0, this.firstPendingAt + MAX_WAIT_MS - Date.now()));
    this.timer = setTimeout(() => void this.flush(), delay);
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    const ws = this.workspace;
    if (!ws) return;
    if (this.pendingAll) {
      this.pendingAll = false;
      this.pending.clear();
      this.pendingDirs.clear();
      void this.sync();
      return;
    }
    // New folders: the stores inside them (usually none).
    const dirs = [...this.pendingDirs];
    this.pendingDirs.clear();
    for (const dir of dirs) {
      try {
        for (const found of await findMlflowStores(dir)) this.pending.add(found.path);
      } catch {
        // gone again: nothing to read
      }
    }
    if (this.pending.size > 0) {
      const only = [...this.pending];
      this.pending.clear();
      void this.sync(only);
    }
  }

  // ------------------------------------------------------------------ syncing

  /** Reads every store (or only `only`) into the tracking store, after the syncs already queued. */
  sync(only?: string[]): Promise<SyncResult | undefined> {
    const job = this.queue.then(() => this.syncNow(only));
    this.queue = job.catch(() => undefined);
    return job;
  }

  private async syncNow(only?: string[]): Promise<SyncResult | undefined> {
    const service = this.host.current;
    const ws = this.workspace;
    if (!service || !ws || this.lifetime.signal.aborted) return undefined;
    const store = service.db;
    const { enabled, paths } = this.config;
    if (!enabled) {
      this.polled.clear();
      const dropped = dropMlflowOrigins(store);
      if (dropped.length > 0) {
        this.output.info(`MLflow stores turned off (mlops.mlflow.enabled): removed ${dropped.join(', ')} from the Runs view`);
        service.schedulePersist();
        this.host.fireChanged();
      }
      return undefined;
    }
    const read = async (progress?: vscode.Progress<{ message?: string }>, token?: vscode.CancellationToken): Promise<SyncResult | undefined> => {
      const controller = new AbortController();
      const abort = () => controller.abort();
      token?.onCancellationRequested(abort);
      this.lifetime.signal.addEventListener('abort', abort);
      progress?.report({ message: 'looking for stores' });
      const t0 = Date.now();
      try {
        // Fingerprinted before the read, so that a change made during the read is seen by the next poll.
        const before = new Map<string, string>();
        const result = await syncMlflowStores(store, ws, {
          extraPaths: paths, only, signal: controller.signal,
          beforeRead: async (t) => { before.set(t.path, await storeFingerprint(t.path, t.kind, this.polled.get(t.path)?.liveRuns)); },
          onStore: (s) => progress?.report({ message: `read ${storeLabel(ws, s.path)}` }),
        });
        for (const o of result.removed) {
          this.reported.delete(o);
          this.summaries.delete(o);
          this.output.info(`MLflow store ${o.slice('mlflow:'.length)} is gone: its runs left the Runs view`);
        }
        for (const s of result.stores) this.report(ws, s);
        this.remember(result, ws, before);
        if (result.stores.length > 0 || result.removed.length > 0) {
          if (!only) this.output.info(`MLflow: ${result.stores.length} store${result.stores.length === 1 ? '' : 's'} read in ${Date.now() - t0} ms`);
          service.schedulePersist();
          this.host.fireChanged();
        }
        return result;
      } catch (e) {
        if (controller.signal.aborted) {
          this.output.info('MLflow: reading the stores was cancelled; the runs shown are from the last complete read');
          return undefined;
        }
        // A rebuild swapped the store while the files were read: the sync queued by onDidLoad redoes it.
        if (this.host.current?.db !== store) return undefined;
        this.output.error(`MLflow: reading the stores failed: ${(e as Error).stack ?? e}`);
        return undefined;
      } finally {
        this.lifetime.signal.removeEventListener('abort', abort);
      }
    };
    // A full read (start, rebuild, settings) shows in the status bar; re-reading a store that changed
    // (every few seconds while MLflow trains) does not, so the status bar does not flicker.
    if (only) return read();
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'MLflow', cancellable: true }, read);
  }

  /** Log lines and one warning per store, only when what was skipped changed since the last read. */
  private report(ws: string, s: SyncedStore): void {
    const label = storeLabel(ws, s.path);
    const lines = s.error
      ? [`could not read the MLflow store ${label}: ${s.error}`]
      : s.problems.map((p) => `skipped ${problemLocation(label, s.kind, p)}: ${p.message}`);
    if (!s.error) {
      const summary = `MLflow store ${label}: ${s.experiments} experiments, ${s.runs} runs${s.deletedRuns ? ` (+${s.deletedRuns} deleted)` : ''}${s.imported ? `, ${s.imported} imported (shown as native runs)` : ''}`;
      if (this.summaries.get(s.origin) !== summary) this.output.info(summary);
      this.summaries.set(s.origin, summary);
    }
    const signature = lines.join('\n');
    if (this.reported.get(s.origin) === signature) return;
    this.reported.set(s.origin, signature);
    if (lines.length === 0) return;
    for (const line of lines) this.output.warn(line);
    const first = s.problems[0];
    const message = s.error
      ? `MLOps could not read the MLflow store ${label}: ${s.error}`
      : `MLOps skipped ${lines.length === 1 ? 'one part' : `${lines.length} parts`} of the MLflow store ${label}, first ${problemLocation(label, s.kind, first)}: ${first.message}. Everything else was read.`;
    void vscode.window.showWarningMessage(message, 'Show Log').then((a) => a && vscode.commands.executeCommand(Commands.showLog));
  }

  // ------------------------------------------------------------------ import

  /**
   * "MLOps: Import MLflow Runs". Arguments: a store (path or origin) and optionally run ids; a store node,
   * an MLflow experiment node or MLflow run nodes of the Runs view (with the tree's selection); or nothing (a quick pick).
   */
  private async importRuns(arg?: unknown, more?: unknown): Promise<MlflowImportResult | undefined> {
    const ws = this.workspace;
    if (!ws) throw new UserError('Open a folder first: MLflow runs are imported into its .mlops/ folder.');
    await this.host.get(); // the store must be open to take the imported runs in
    const target = await this.importTarget(ws, arg, more);
    if (!target) return undefined;
    const label = storeLabel(ws, target.path);
    if (!(await storeKindAt(target.path))) {
      throw new UserError(`${label} is not an MLflow store: pick an mlruns/ folder (experiment folders with meta.yaml) or an MLflow SQLite file such as mlflow.db.`);
    }
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `MLOps: importing MLflow runs from ${label}`, cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        let shown = 0;
        try {
          return await importMlflowPath(ws, target.path, {
            runIds: target.runIds,
            signal: controller.signal,
            onProgress: (done, total) => {
              progress.report({ increment: ((done - shown) / Math.max(1, total)) * 100, message: `${done} of ${total} runs` });
              shown = done;
            },
          });
        } catch (e) {
          if (controller.signal.aborted) return undefined;
          throw e;
        }
      },
    );
    if (!result) {
      void vscode.window.showInformationMessage('MLOps: import cancelled while reading the store; nothing was imported.');
      return undefined;
    }
    this.host.ingestNow();
    await this.sync([target.path]);
    for (const e of result.errors) this.output.warn(`not imported from ${label}: ${e.message}`);
    this.output.info(`imported ${result.imported.length} runs (${result.metricPoints} metric points) from ${label}; ${result.alreadyImported.length} already imported; ${result.errors.length} not imported${result.cancelled ? '; cancelled' : ''}`);
    const parts = [`MLOps: imported ${result.imported.length} run${result.imported.length === 1 ? '' : 's'} from ${label} into .mlops/runs/`];
    if (result.imported.length > 0) parts.push('they can now be renamed, tagged and noted');
    if (result.alreadyImported.length > 0) parts.push(`${result.alreadyImported.length} already imported, left as they are`);
    if (result.cancelled) parts.push('cancelled: the other runs were not imported');
    if (result.errors.length > 0) {
      parts.push(`${result.errors.length} could not be imported (${result.errors[0].message}${result.errors.length > 1 ? '; see the log for the others' : ''})`);
      void vscode.window.showWarningMessage(`${parts.join('; ')}.`, 'Show Log').then((a) => a && vscode.commands.executeCommand(Commands.showLog));
    } else {
      void vscode.window.showInformationMessage(`${parts.join('; ')}.`);
    }
    return result;
  }

  private async importTarget(ws: string, arg: unknown, more: unknown): Promise<{ path: string; runIds?: string[] } | undefined> {
    if (arg === undefined) return this.pickStore(ws);
    if (typeof arg === 'string') {
      if (arg.trim() === '') throw new UserError('Pass an MLflow store: a path such as "mlruns" or "mlflow.db", relative to the workspace.');
      if (more !== undefined && !(Array.isArray(more) && more.every((x) => typeof x === 'string'))) {
        throw new UserError(`${JSON.stringify(more)} is not a list of run ids.`);
      }
      return { path: storePathOf(ws, arg), runIds: more as string[] | undefined };
    }
    const node = arg as ExplorerNode;
    if (node && typeof node === 'object' && 'kind' in node) {
      if (node.kind === 'store') return { path: storePathOf(ws, node.origin) };
      if (node.kind === 'experiment' && isMlflowOrigin(node.experiment.origin)) {
        const db = (await this.host.get()).db;
        return { path: storePathOf(ws, node.experiment.origin), runIds: db.listRuns(node.experiment.id, { includeDeleted: true }).map((r) => r.id) };
      }
      if (node.kind === 'run') {
        const origin = node.run.origin;
        if (!isMlflowOrigin(origin)) throw new UserError(`Run "${node.run.name ?? shortId(node.run.id)}" is already a native run; there is nothing to import.`);
        // The tree's selection, when the clicked run is part of it; only the runs of the same store.
        const selected = Array.isArray(more) ? (more as ExplorerNode[]).filter((n): n is Extract<ExplorerNode, { kind: 'run' }> => n?.kind === 'run') : [];
        const ids = selected.some((n) => n.run.id === node.run.id) ? selected.filter((n) => n.run.origin === origin).map((n) => n.run.id) : [node.run.id];
        return { path: storePathOf(ws, origin), runIds: ids };
      }
    }
    throw new UserError(`${JSON.stringify(arg)} is not an MLflow store; pass a path such as "mlruns" or "mlflow.db", or pick a store in the Runs view.`);
  }

  private async pickStore(ws: string): Promise<{ path: string } | undefined> {
    const found = await findMlflowStores(ws, { extraPaths: this.config.paths });
    if (found.length === 0) {
      throw new UserError('There is no MLflow store in this folder: no mlruns/ folder and no mlflow.db or mlruns.db file. Add other locations in the setting "mlops.mlflow.paths".');
    }
    const db = this.host.current?.db;
    const items = found.map((s) => {
      const origin = originFor(ws, s.path);
      const shown = db ? db.listExperiments().filter((e) => e.origin === origin).reduce((n, e) => n + e.runCount, 0) : undefined;
      return {
        label: storeLabel(ws, s.path),
        description: `${s.kind === 'file' ? 'MLflow file store' : 'MLflow SQLite store'}${shown !== undefined ? ` · ${shown} run${shown === 1 ? '' : 's'} not imported yet` : ''}`,
        path: s.path,
      };
    });
    const picked = await vscode.window.showQuickPick(items, { title: 'MLOps: Import MLflow Runs', placeHolder: 'The MLflow store whose runs to copy into .mlops/runs/' });
    return picked && { path: picked.path };
  }

  dispose(): void {
    this.lifetime.abort();
    if (this.timer) clearTimeout(this.timer);
    this.disposables.dispose();
  }
}
