// Starts the tracking service for the workspace on first use (sql.js is not loaded at activation),
// follows the log files with a file watcher, and reports problems to the user.
import * as vscode from 'vscode';
import { MLOPS_DIR } from '../ingest/events';
import { MLOpsContext } from '../sdk/context';
import { TrackingService, type Role } from '../store/service';
import type { IngestProblem } from '../store/store';
import { Commands } from './commands/ids';
import { DisposableStore } from './lifecycle';

export class StoreHost implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  private starting?: Promise<TrackingService>;
  private service?: TrackingService;
  private ingestTimer?: NodeJS.Timeout;
  private context?: MLOpsContext;
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly roleChanged = new vscode.EventEmitter<Role>();
  readonly onDidChangeRole = this.roleChanged.event;
  private readonly loaded = new vscode.EventEmitter<void>();
  /** The store was opened or rebuilt from the logs alone: MLflow stores must be synced into it. */
  readonly onDidLoad = this.loaded.event;

  constructor(private readonly folder: vscode.WorkspaceFolder | undefined, private readonly output: vscode.LogOutputChannel) {
    this.disposables.add(this.changed);
    this.disposables.add(this.roleChanged);
    this.disposables.add(this.loaded);
  }

  get workspaceFolder(): vscode.WorkspaceFolder | undefined { return this.folder; }
  get isStarted(): boolean { return this.service !== undefined; }
  /** The service once started (tree items are only asked for after getChildren started it). */
  get current(): TrackingService | undefined { return this.service; }

  /** The running service; starts it on first call. Rejects when no folder is open. */
  get(): Promise<TrackingService> {
    if (!this.folder) return Promise.reject(new Error('Open a folder first: runs are tracked per workspace folder, in its .mlops/ folder.'));
    this.starting ??= this.start(this.folder);
    return this.starting;
  }

  private async start(folder: vscode.WorkspaceFolder): Promise<TrackingService> {
    const config = vscode.workspace.getConfiguration('mlops');
    const service = new TrackingService(folder.uri.fsPath, {
      persistDebounceMs: config.get<number>('store.persistDebounceMs', 750),
      log: (m) => this.output.info(m),
      onProblems: (p) => this.reportProblems(p),
      onRecovered: (m) => void vscode.window.showWarningMessage(m, 'Show Log').then((a) => a && vscode.commands.executeCommand(Commands.showLog)),
      onChange: () => this.changed.fire(),
      onRebuild: () => this.loaded.fire(),
      onRoleChange: (r) => this.roleChanged.fire(r),
    });
    const t0 = Date.now();
    await service.start();
    this.output.info(`store ready in ${Date.now() - t0} ms (${service.role}): ${service.db.countRuns()} runs`);
    this.service = service;
    this.loaded.fire();
    // Watch all of .mlops/: when .mlops/runs/ is created together with its first files, some watchers
    // report only the new folder. Our own saves (tracking.db*) are ignored.
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, `${MLOPS_DIR}/**`));
    this.disposables.add(watcher);
    const onFile = (uri: vscode.Uri) => {
      if (!/tracking\.db/.test(uri.path)) this.scheduleIngest();
    };
    this.disposables.add(watcher.onDidCreate(onFile));
    this.disposables.add(watcher.onDidChange(onFile));
    this.disposables.add(watcher.onDidDelete(onFile));
    // And a slow poll as a safety net for file systems whose events are unreliable (network drives, containers).
    const pollSeconds = config.get<number>('ingest.pollSeconds', 3);
    if (pollSeconds > 0) {
      const timer = setInterval(() => this.ingestNow(), pollSeconds * 1000);
      this.disposables.add({ dispose: () => clearInterval(timer) });
    }
    return service;
  }

  /** The SDK on this workspace, for commands that log or edit: they append events like any training script. */
  async sdk(): Promise<MLOpsContext> {
    if (!this.folder) throw new Error('Open a folder first: runs are tracked per workspace folder, in its .mlops/ folder.');
    this.context ??= await MLOpsContext.open({ workspace: this.folder.uri.fsPath });
    return this.context;
  }

  /** Tells the views that the store changed outside the service's own ingest (an MLflow store was synced). */
  fireChanged(): void {
    this.changed.fire();
  }

  /** Reads new log lines after the burst of file changes settles. */
  scheduleIngest(): void {
    if (!this.service) return;
    if (this.ingestTimer) clearTimeout(this.ingestTimer);
    const delay = vscode.workspace.getConfiguration('mlops').get<number>('ingest.debounceMs', 300);
    this.ingestTimer = setTimeout(() => this.ingestNow(), delay);
  }

  ingestNow(): void {
    if (!this.service) return;
    try {
      this.service.ingest();
    } catch (e) {
      this.output.error(`reading the logs failed: ${(e as Error).stack ?? e}`);
    }
  }

  /** The most recent lines that could not be read (for the log and the tests). */
  readonly recentProblems: IngestProblem[] = [];

  private reportProblems(problems: IngestProblem[]): void {
    this.recentProblems.push(...problems);
    this.recentProblems.splice(0, Math.max(0, this.recentProblems.length - 100));
    const first = problems[0];
    const where = `${first.file}:${first.line}`;
    const more = problems.length > 1 ? ` and ${problems.length - 1} more` : '';
    void vscode.window
      .showWarningMessage(`MLOps skipped a line of the event log at ${where}${more}: ${first.message}. The other lines were read; fix or remove the line and run "MLOps: Rebuild Store".`, 'Show Log', 'Open File')
      .then((action) => {
        if (action === 'Show Log') void vscode.commands.executeCommand(Commands.showLog);
        if (action === 'Open File' && this.folder) {
          const uri = vscode.Uri.joinPath(this.folder.uri, first.file);
          void vscode.window.showTextDocument(uri, { selection: new vscode.Range(first.line - 1, 0, first.line - 1, 0) });
        }
      });
  }

  dispose(): void {
    if (this.ingestTimer) clearTimeout(this.ingestTimer);
    this.service?.dispose();
    this.disposables.dispose();
  }
}
