// The run panel's host: one webview panel per run (opening a run that is already open reveals it),
// the "Open Run" command, and the serializer that brings panels back after a window reload.
// The webview (webview/run/) announces `ready`; the host sends the whole state, sends it again when
// the store changes (debounced), and answers requests for metric histories, notes, copies and saves.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { handleCommonMessage } from './files';
import { formatRelative, shortId } from '../../core/format';
import { LIMITS, MLOPS_DIR, RUNS_DIR, makeEvent, type NoteSet } from '../../ingest/events';
import { appendEvents } from '../../ingest/writer';
import { RUN_ID_PATTERN, assertNever } from '../../protocol/common';
import { RUN_VIEW_TYPE, encodeSteps, parseRunMessage, runIdFromPanelState, type RunFromWebview, type RunToWebview } from '../../protocol/run';
import { runSourceFile } from '../../store/queries/runPanel';
import type { TrackingStore } from '../../store/store';
import { Commands } from '../commands/ids';
import { DisposableStore } from '../lifecycle';
import type { StoreHost } from '../storeHost';
import { initPanelWebview } from './setup';
import { buildRunState } from './runState';

/** An open panel follows the store at most this often (a run may log hundreds of points a second). */
const REFRESH_INTERVAL_MS = 250;

interface Deps {
  host: StoreHost;
  output: vscode.LogOutputChannel;
  extensionUri: vscode.Uri;
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    // Only the panel bundles and the stylesheets: nothing else of the extension or the workspace.
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

const titleFor = (displayName: string): string => `Run: ${displayName}`;

/** Where to show a panel: the second argument of the command (Compare opens runs side by side). */
interface ShowOptions {
  viewColumn?: vscode.ViewColumn;
  preserveFocus?: boolean;
}

export function showOptionsFromArgument(arg: unknown): ShowOptions {
  if (typeof arg !== 'object' || arg === null) return {};
  const o = arg as { viewColumn?: unknown; preserveFocus?: unknown };
  const col = typeof o.viewColumn === 'number' && Number.isInteger(o.viewColumn) && o.viewColumn >= -2 && o.viewColumn <= 9 ? o.viewColumn as vscode.ViewColumn : undefined;
  return { viewColumn: col, preserveFocus: typeof o.preserveFocus === 'boolean' ? o.preserveFocus : undefined };
}

export class RunPanel implements vscode.Disposable {
  private static readonly open = new Map<string, RunPanel>();

  /** Shows the run's panel, creating it or revealing the one already open. */
  static show(deps: Deps, runId: string, displayName: string, where: ShowOptions = {}): RunPanel {
    const existing = RunPanel.open.get(runId);
    if (existing) {
      existing.panel.reveal(where.viewColumn, where.preserveFocus);
      return existing;
    }
    const column = { viewColumn: where.viewColumn ?? vscode.ViewColumn.Active, preserveFocus: where.preserveFocus ?? false };
    const panel = vscode.window.createWebviewPanel(RUN_VIEW_TYPE, titleFor(displayName), column, {
      ...webviewOptions(deps.extensionUri),
      enableFindWidget: true,
    });
    return new RunPanel(deps, panel, runId);
  }

  /** A panel VS Code restored after a reload, with the run id its webview had saved. */
  static revive(deps: Deps, panel: vscode.WebviewPanel, runId: string): void {
    const existing = RunPanel.open.get(runId);
    if (existing) {
      panel.dispose();
      existing.panel.reveal();
      return;
    }
    panel.webview.options = webviewOptions(deps.extensionUri);
    new RunPanel(deps, panel, runId);
  }

  /**
   * On deactivation: releases every panel's listeners and timers but leaves the panels open, so that
   * VS Code restores them (through the serializer) when the window reloads.
   */
  static releaseAll(): void {
    for (const p of [...RunPanel.open.values()]) p.release();
  }

  private readonly disposables = new DisposableStore();
  private refreshTimer?: NodeJS.Timeout;
  private lastState = '';
  private disposed = false;

  private constructor(private readonly deps: Deps, readonly panel: vscode.WebviewPanel, readonly runId: string) {
    RunPanel.open.set(runId, this);
    initPanelWebview(panel, deps.extensionUri, 'run', 'MLOps run');
    const webview = panel.webview;
    this.disposables.add(webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)));
    this.disposables.add(deps.host.onDidChange(() => this.scheduleRefresh()));
    // A hidden panel has no webview (no retainContextWhenHidden): when it shows again, the new webview
    // sends `ready` and gets the whole state, so nothing is queued while it is hidden.
    this.disposables.add(panel.onDidChangeViewState(() => { if (!panel.visible) this.lastState = ''; }));
    this.disposables.add(panel.onDidDispose(() => this.dispose()));
  }

  /** The panel was closed (or is closed by us): everything it holds goes. */
  dispose(): void {
    if (this.disposed) return;
    this.release();
    this.panel.dispose();
  }

  private release(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    if (RunPanel.open.get(this.runId) === this) RunPanel.open.delete(this.runId);
    this.disposables.dispose();
  }

  private post(message: RunToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  private async store(): Promise<TrackingStore> {
    return (await this.deps.host.get()).db;
  }

  /** At most one refresh per interval, also while a run logs without pause (a debounce would starve). */
  private scheduleRefresh(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      if (this.panel.visible && this.lastState !== '') void this.sendState(false);
    }, REFRESH_INTERVAL_MS);
  }

  /** Sends the state when it changed since the last one sent (or always, when `force`). */
  private async sendState(force: boolean): Promise<void> {
    try {
      const store = await this.store();
      const state = buildRunState(store, this.runId);
      if (this.disposed) return;
      if (!state) {
        this.lastState = 'missing';
        this.panel.title = `Run: ${shortId(this.runId)} (not found)`;
        this.post({
          type: 'missing', runId: this.runId,
          message: `The run ${this.runId} is not in this workspace's store: it may have been removed from .mlops/runs/, or the store is still reading the logs.`,
        });
        return;
      }
      const json = JSON.stringify(state);
      if (!force && json === this.lastState) return;
      this.lastState = json;
      this.panel.title = titleFor(state.run.displayName);
      this.post({ type: 'state', state });
    } catch (e) {
      this.deps.output.error(`run panel ${this.runId}: ${(e as Error).stack ?? e}`);
    }
  }

  private onMessage(raw: unknown): void {
    let msg: RunFromWebview;
    try {
      msg = parseRunMessage(raw);
    } catch (e) {
      this.deps.output.warn(`run panel ${this.runId}: refused a message from the webview: ${(e as Error).message}`);
      return;
    }
    switch (msg.type) {
      case 'ready':
        void this.sendState(true);
        return;
      case 'requestHistory':
        void this.sendHistory(msg.key, msg.withTimes);
        return;
      case 'saveNote':
        void this.saveNote(msg.text);
        return;
      case 'openRun':
        void vscode.commands.executeCommand(Commands.openRun, msg.runId);
        return;
      case 'copyText':
      case 'savePng':
      case 'saveCsv':
        void handleCommonMessage(msg, this.deps.host.workspaceFolder?.uri, this.deps.output);
        return;
      default:
        assertNever(msg, 'run panel message');
    }
  }

  private async sendHistory(key: string, withTimes: boolean): Promise<void> {
    try {
      const store = await this.store();
      const t0 = Date.now();
      const read = store.metricHistoryArrays(this.runId, key);
      const columns = { steps: read.steps, times: read.timestamps, values: read.values };
      this.deps.output.trace(`run panel ${shortId(this.runId)}: history of ${key}, ${columns.values.length} points in ${Date.now() - t0} ms`);
      const history = { key, count: columns.values.length, steps: encodeSteps(columns.steps), times: withTimes ? columns.times : null, values: columns.values };
      if (!this.disposed) this.post({ type: 'history', history });
    } catch (e) {
      this.deps.output.error(`run panel ${this.runId}: reading the history of ${key} failed: ${(e as Error).stack ?? e}`);
    }
  }

  /** A note is an event in the run's own log file, like any edit; the ingester reads it back into the store. */
  private async saveNote(text: string): Promise<void> {
    const fail = (message: string): void => this.post({ type: 'noteFailed', message });
    if (text.length > LIMITS.note) {
      fail(`The note is ${text.length.toLocaleString('en')} characters long; notes can have at most ${LIMITS.note.toLocaleString('en')}. Shorten it and save again.`);
      return;
    }
    const folder = this.deps.host.workspaceFolder;
    if (!folder) {
      fail('Open the folder the run was logged in to edit its note.');
      return;
    }
    try {
      const store = await this.store();
      const source = runSourceFile(store.db, this.runId);
      const runsDir = path.join(folder.uri.fsPath, MLOPS_DIR, RUNS_DIR);
      const file = source === undefined ? undefined : path.resolve(folder.uri.fsPath, source);
      if (!file || !file.startsWith(runsDir + path.sep) || !file.endsWith('.jsonl')) {
        fail('This run was not logged into .mlops/runs/ (it was imported read-only), so its note cannot be edited here.');
        return;
      }
      appendEvents(file, [makeEvent<NoteSet>({ type: 'note', runId: this.runId, text })]);
      this.deps.output.info(`note of run ${this.runId} saved to ${source}`);
      this.deps.host.scheduleIngest();
      this.post({ type: 'noteSaved', text });
    } catch (e) {
      this.deps.output.error(`saving the note of run ${this.runId} failed: ${(e as Error).stack ?? e}`);
      fail(`The note could not be saved: ${(e as Error).message}`);
    }
  }


}

// ------------------------------------------------------------------ the command and the serializer

/** A run id from the command's argument: a run id string, or a Runs-view node `{ kind: 'run', run }`. */
export function runIdFromArgument(arg: unknown): string | undefined {
  if (typeof arg === 'string') return RUN_ID_PATTERN.test(arg) ? arg : undefined;
  if (typeof arg === 'object' && arg !== null) {
    const node = arg as { kind?: unknown; run?: { id?: unknown } };
    if (node.kind === 'run' && typeof node.run?.id === 'string' && RUN_ID_PATTERN.test(node.run.id)) return node.run.id;
  }
  return undefined;
}

interface RunPick extends vscode.QuickPickItem { runId: string }

async function pickRun(store: TrackingStore): Promise<{ runId: string; displayName: string } | undefined> {
  const items: RunPick[] = [];
  for (const e of store.listExperiments()) {
    for (const r of store.listRuns(e.id)) {
      const displayName = r.name ?? shortId(r.id);
      items.push({ label: displayName, description: e.name, detail: `${r.status} · started ${formatRelative(r.startTime)} · ${r.id}`, runId: r.id });
    }
  }
  if (items.length === 0) {
    void vscode.window.showInformationMessage('No runs are tracked in this workspace yet. Log one from a training script (see "MLOps: Show How to Log Runs"), then open it here.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { title: 'Open Run', placeHolder: 'Type to filter runs by name, experiment or id', matchOnDescription: true, matchOnDetail: true });
  return picked ? { runId: picked.runId, displayName: picked.label } : undefined;
}

/** Default location of the extension: this code runs from <extension>/dist/extension.js. */
function bundledExtensionUri(): vscode.Uri {
  return vscode.Uri.file(path.resolve(__dirname, '..'));
}

export function registerRunPanel(host: StoreHost, output: vscode.LogOutputChannel, extensionUri: vscode.Uri = bundledExtensionUri()): vscode.Disposable[] {
  const deps: Deps = { host, output, extensionUri };
  return [
    vscode.commands.registerCommand(Commands.openRun, async (arg?: unknown, options?: unknown) => {
      try {
        if (!host.workspaceFolder) {
          void vscode.window.showErrorMessage('MLOps: open the folder your runs are logged in first: runs are tracked per workspace folder, in its .mlops/ folder.');
          return undefined;
        }
        const store = (await host.get()).db;
        let target: { runId: string; displayName: string } | undefined;
        if (arg === undefined || arg === null) {
          target = await pickRun(store);
          if (!target) return undefined;
        } else {
          const runId = runIdFromArgument(arg);
          if (!runId) {
            void vscode.window.showErrorMessage(`MLOps: "Open Run" needs a run id or a run from the Runs view; ${JSON.stringify(arg)?.slice(0, 80) ?? String(arg)} is neither.`);
            return undefined;
          }
          const run = store.getRun(runId);
          if (!run) {
            void vscode.window.showErrorMessage(`MLOps: no run with id "${runId}" is in this workspace's store. It may have been deleted, or its log is not read yet: run "MLOps: Refresh" and try again.`);
            return undefined;
          }
          target = { runId, displayName: run.name ?? shortId(run.id) };
        }
        const panel = RunPanel.show(deps, target.runId, target.displayName, showOptionsFromArgument(options));
        return panel.runId;
      } catch (e) {
        output.error(`Open Run failed: ${(e as Error).stack ?? e}`);
        void vscode.window.showErrorMessage(`MLOps: could not open the run: ${(e as Error).message}`);
        return undefined;
      }
    }),
    vscode.window.registerWebviewPanelSerializer(RUN_VIEW_TYPE, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
        const runId = runIdFromPanelState(state);
        if (!runId) {
          // The panel closed before its webview learnt which run it shows: nothing to restore.
          output.warn('a run panel could not be restored: its saved state names no run');
          panel.dispose();
          return;
        }
        RunPanel.revive(deps, panel, runId);
      },
    }),
    { dispose: () => RunPanel.releaseAll() },
  ];
}
