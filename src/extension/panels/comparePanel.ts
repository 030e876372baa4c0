// The comparison panel's host: one panel for several runs side by side, opened by "Compare Runs"
// (commands/explorer.ts) and brought back after a window reload by its serializer. While it is open it
// follows the Runs view's selection whenever two or more runs are selected (a switch in the panel turns
// that off); the panel also adds runs (a quick pick) and removes them (a button per run).
// The webview (webview/compare/) announces `ready`; the host sends the whole state, sends it again when the
// store or the selection changes (debounced), and answers requests for metric histories and matrices.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { handleCommonMessage } from './files';
import { decimateMinMax, pick } from '../../core/compare';
import { formatRelative, shortId } from '../../core/format';
import { assertNever } from '../../protocol/common';
import {
  COMPARE_VIEW_TYPE, MAX_COMPARE_RUNS, comparePanelStateFrom, packHistories, parseCompareMessage,
  type CompareFromWebview, type CompareToWebview, type RunHistory,
} from '../../protocol/compare';
import { compareMatrices } from '../../store/queries/compare';
import type { TrackingStore } from '../../store/store';
import { Commands } from '../commands/ids';
import type { ExplorerNode } from '../explorer/tree';
import { DisposableStore } from '../lifecycle';
import type { StoreHost } from '../storeHost';
import { buildCompareState, historyBudget } from './compareState';
import { initPanelWebview } from './setup';

/** How long the store must be quiet before the open panel is refreshed (a run may log hundreds of points a second). */
const REFRESH_DEBOUNCE_MS = 250;
/** Ctrl/Shift-clicks in the Runs view arrive one by one: follow the selection once it settles. */
const SELECTION_DEBOUNCE_MS = 150;

interface Deps {
  host: StoreHost;
  output: vscode.LogOutputChannel;
  extensionUri: vscode.Uri;
}

/** What "Compare Runs" returns (the integration tests read it). */
export interface CompareDescription {
  runIds: string[];
  title: string;
  /** What the panel tells the user about the selection (one run only, unknown runs), or null. */
  notice: string | null;
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return {
    enableScripts: true,
    // Only the panel bundles and the stylesheets: nothing else of the extension or the workspace.
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export const compareTitle = (runs: number): string => `Compare: ${runs} run${runs === 1 ? '' : 's'}`;

export const ONE_RUN_NOTICE = 'Only one run is selected. Select more runs in the Runs view (Ctrl/Cmd+click or Shift+click): this panel follows the selection. Or add runs here with "Add Runs…".';

export class ComparePanel implements vscode.Disposable {
  private static current?: ComparePanel;
  private static deps?: Deps;

  /** Shows the panel on these runs, creating it or re-targeting (and revealing) the one already open. */
  static show(runIds: readonly string[], where: { viewColumn?: vscode.ViewColumn; preserveFocus?: boolean } = {}): ComparePanel {
    const deps = ComparePanel.deps;
    if (!deps) throw new Error('the comparison panel is not registered');
    const ids = [...new Set(runIds)];
    if (ids.length > MAX_COMPARE_RUNS) throw new Error(`${ids.length} runs are selected; compare at most ${MAX_COMPARE_RUNS} at once.`);
    const open = ComparePanel.current;
    if (open) {
      open.setRuns(ids);
      open.panel.reveal(where.viewColumn, where.preserveFocus);
      return open;
    }
    const panel = vscode.window.createWebviewPanel(COMPARE_VIEW_TYPE, compareTitle(ids.length),
      { viewColumn: where.viewColumn ?? vscode.ViewColumn.Active, preserveFocus: where.preserveFocus ?? false },
      { ...webviewOptions(deps.extensionUri), enableFindWidget: true });
    return new ComparePanel(deps, panel, ids, true);
  }

  /** A panel VS Code restored after a reload, with the runs its webview had saved. */
  static revive(panel: vscode.WebviewPanel, runIds: string[], follow: boolean): void {
    const deps = ComparePanel.deps;
    if (!deps || ComparePanel.current) {
      panel.dispose();
      ComparePanel.current?.panel.reveal();
      return;
    }
    panel.webview.options = webviewOptions(deps.extensionUri);
    new ComparePanel(deps, panel, runIds, follow);
  }

  /** The Runs view's selection changed: an open panel that follows it shows the selected runs (two or more). */
  static followSelection(runIds: readonly string[]): void {
    ComparePanel.current?.onSelection(runIds);
  }

  static get open(): ComparePanel | undefined {
    return ComparePanel.current;
  }

  static register(deps: Deps): vscode.Disposable {
    ComparePanel.deps = deps;
    return { dispose: () => { ComparePanel.current?.panel.dispose(); ComparePanel.deps = undefined; } };
  }

  private readonly disposables = new DisposableStore();
  private refreshTimer?: NodeJS.Timeout;
  private selectionTimer?: NodeJS.Timeout;
  private lastState = '';
  private disposed = false;

  private constructor(private readonly deps: Deps, readonly panel: vscode.WebviewPanel, private runIds: string[], private follow: boolean) {
    ComparePanel.current = this;
    initPanelWebview(panel, deps.extensionUri, 'compare', 'MLOps run comparison');
    const webview = panel.webview;
    this.disposables.add(webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)));
    this.disposables.add(deps.host.onDidChange(() => this.scheduleRefresh()));
    // A hidden panel has no webview (no retainContextWhenHidden): when it shows again, the new webview
    // sends `ready` and gets the whole state, so nothing is sent while it is hidden.
    this.disposables.add(panel.onDidChangeViewState(() => { if (!panel.visible) this.lastState = ''; }));
    this.disposables.add(panel.onDidDispose(() => this.dispose()));
  }

  get ids(): readonly string[] {
    return this.runIds;
  }

  describe(): CompareDescription {
    return { runIds: [...this.runIds], title: this.panel.title, notice: this.runIds.length === 1 ? ONE_RUN_NOTICE : null };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    if (this.selectionTimer) clearTimeout(this.selectionTimer);
    if (ComparePanel.current === this) ComparePanel.current = undefined;
    this.disposables.dispose();
    this.panel.dispose();
  }

  private setRuns(ids: readonly string[]): void {
    const next = [...new Set(ids)].slice(0, MAX_COMPARE_RUNS);
    if (next.length === 0) return;
    this.runIds = next;
    this.panel.title = compareTitle(next.length);
    if (this.panel.visible && this.lastState !== '') void this.sendState(true);
    else this.lastState = '';
  }

  private onSelection(ids: readonly string[]): void {
    if (!this.follow || ids.length < 2) return;
    if (this.selectionTimer) clearTimeout(this.selectionTimer);
    this.selectionTimer = setTimeout(() => {
      this.selectionTimer = undefined;
      if (ids.length > MAX_COMPARE_RUNS) {
        vscode.window.setStatusBarMessage(`$(diff-multiple) ${ids.length} runs are selected; the comparison follows at most ${MAX_COMPARE_RUNS}.`, 5000);
        return;
      }
      const same = ids.length === this.runIds.length && ids.every((id) => this.runIds.includes(id));
      if (!same) this.setRuns(ids);
    }, SELECTION_DEBOUNCE_MS);
  }

  private post(message: CompareToWebview): void {
    void this.panel.webview.postMessage(message);
  }

  private async store(): Promise<TrackingStore> {
    return (await this.deps.host.get()).db;
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      if (this.panel.visible && this.lastState !== '') void this.sendState(false);
    }, REFRESH_DEBOUNCE_MS);
  }

  /** Sends the state when it changed since the last one sent (or always, when `force`). */
  private async sendState(force: boolean): Promise<void> {
    try {
      const store = await this.store();
      const t0 = Date.now();
      const state = buildCompareState(store, this.runIds, this.follow);
      if (this.disposed) return;
      const json = JSON.stringify(state);
      if (!force && json === this.lastState) return;
      this.lastState = json;
      this.panel.title = compareTitle(state.runs.length);
      this.deps.output.trace(`compare panel: state of ${state.runs.length} runs (${json.length} characters) in ${Date.now() - t0} ms`);
      this.post({ type: 'state', state });
    } catch (e) {
      this.deps.output.error(`compare panel: ${(e as Error).stack ?? e}`);
    }
  }

  private onMessage(raw: unknown): void {
    let msg: CompareFromWebview;
    try {
      msg = parseCompareMessage(raw);
    } catch (e) {
      this.deps.output.warn(`compare panel: refused a message from the webview: ${(e as Error).message}`);
      return;
    }
    switch (msg.type) {
      case 'ready':
        void this.sendState(true);
        return;
      case 'requestHistory':
        void this.sendHistories(msg.key);
        return;
      case 'requestMatrices':
        void this.sendMatrices(msg.name, msg.runIds);
        return;
      case 'openRun':
        void vscode.commands.executeCommand(Commands.openRun, msg.runId, { viewColumn: vscode.ViewColumn.Beside });
        return;
      case 'removeRun':
        if (this.runIds.length > 1 && this.runIds.includes(msg.runId)) this.setRuns(this.runIds.filter((id) => id !== msg.runId));
        return;
      case 'addRuns':
        void this.addRuns();
        return;
      case 'setFollow':
        this.follow = msg.follow;
        return;
      case 'copyText':
      case 'savePng':
      case 'saveCsv':
        void handleCommonMessage(msg, this.deps.host.workspaceFolder?.uri, this.deps.output);
        return;
      default:
        assertNever(msg, 'compare panel message');
    }
  }

  /** One metric's history for every run that logged it, decimated to a budget per run (min and max kept). */
  private async sendHistories(key: string): Promise<void> {
    try {
      const store = await this.store();
      const t0 = Date.now();
      const withKey = this.runIds.filter((id) => store.metricSummaries(id).some((m) => m.key === key));
      const budget = historyBudget(withKey.length);
      let points = 0;
      const series: RunHistory[] = withKey.map((runId) => {
        const h = store.metricHistoryArrays(runId, key);
        const keep = decimateMinMax(h.values, budget);
        const out = keep
          ? { steps: pick(h.steps, keep), times: pick(h.timestamps, keep), values: pick(h.values, keep) }
          : { steps: h.steps, times: h.timestamps, values: h.values };
        points += h.values.length;
        return { runId, total: h.values.length, ...out };
      });
      const packed = packHistories(key, series);
      this.deps.output.trace(`compare panel: history of ${key} for ${series.length} runs, ${points} points (${packed.values.length} sent) in ${Date.now() - t0} ms`);
      if (!this.disposed) this.post({ type: 'histories', ...packed });
    } catch (e) {
      this.deps.output.error(`compare panel: reading the histories of ${key} failed: ${(e as Error).stack ?? e}`);
    }
  }

  private async sendMatrices(name: string, runIds: readonly string[]): Promise<void> {
    try {
      const store = await this.store();
      const items = compareMatrices(store.db, runIds.filter((id) => this.runIds.includes(id)), name);
      if (!this.disposed) this.post({ type: 'matrices', name, items });
    } catch (e) {
      this.deps.output.error(`compare panel: reading the confusion matrices "${name}" failed: ${(e as Error).stack ?? e}`);
    }
  }

  private async addRuns(): Promise<void> {
    const store = await this.store();
    const shown = new Set(this.runIds);
    const items: (vscode.QuickPickItem & { runId: string })[] = [];
    for (const e of store.listExperiments()) {
      for (const r of store.listRuns(e.id)) {
        if (shown.has(r.id)) continue;
        items.push({ label: r.name ?? shortId(r.id), description: e.name, detail: `${r.status} · started ${formatRelative(r.startTime)} · ${r.id}`, runId: r.id });
      }
    }
    if (items.length === 0) {
      void vscode.window.showInformationMessage('Every run of this workspace is already in the comparison.');
      return;
    }
    const room = MAX_COMPARE_RUNS - this.runIds.length;
    const picked = await vscode.window.showQuickPick(items, {
      title: `Add Runs to the Comparison (room for ${room} more)`, canPickMany: true, matchOnDescription: true, matchOnDetail: true,
    });
    if (!picked?.length || this.disposed) return;
    if (picked.length > room) {
      void vscode.window.showErrorMessage(`MLOps: ${picked.length} runs picked, but the comparison has room for ${room} more (at most ${MAX_COMPARE_RUNS} runs). Pick fewer, or remove some first.`);
      return;
    }
    this.setRuns([...this.runIds, ...picked.map((p) => p.runId)]);
  }


}

// ------------------------------------------------------------------ registration

/** Default location of the extension: this code runs from <extension>/dist/extension.js. */
function bundledExtensionUri(): vscode.Uri {
  return vscode.Uri.file(path.resolve(__dirname, '..'));
}

/** The serializer, the selection following, and the panel's deps ("Compare Runs" itself lives in commands/explorer.ts). */
export function registerComparePanel(host: StoreHost, output: vscode.LogOutputChannel, view?: vscode.TreeView<ExplorerNode>, extensionUri: vscode.Uri = bundledExtensionUri()): vscode.Disposable[] {
  const out: vscode.Disposable[] = [ComparePanel.register({ host, output, extensionUri })];
  if (view) {
    out.push(view.onDidChangeSelection((e) => {
      ComparePanel.followSelection(e.selection.flatMap((n) => (n.kind === 'run' ? [n.run.id] : [])));
    }));
  }
  out.push(vscode.window.registerWebviewPanelSerializer(COMPARE_VIEW_TYPE, {
    async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
      const saved = comparePanelStateFrom(state);
      if (!saved || saved.runIds.length === 0) {
        // The panel closed before its webview learnt which runs it shows: nothing to restore.
        output.warn('a comparison panel could not be restored: its saved state names no runs');
        panel.dispose();
        return;
      }
      ComparePanel.revive(panel, saved.runIds, saved.follow);
    },
  }));
  return out;
}
