// The composition root: builds the store host, the explorer, the panels and the commands, and wires them together.
import * as vscode from 'vscode';
import type { TrackingService } from '../store/service';
import { registerExplorerCommands } from './commands/explorer';
import { VIEW_RUNS } from './commands/ids';
import { registerRunCommands } from './commands/runs';
import { registerStoreCommands } from './commands/store';
import { ExplorerState } from './explorer/state';
import { RunExplorer, type ExplorerNode } from './explorer/tree';
import { DisposableStore } from './lifecycle';
import { MlflowStores } from './mlflow';
import { registerComparePanel } from './panels/comparePanel';
import { registerRunPanel } from './panels/runPanel';
import { RunningStatus } from './statusBar';
import { StoreHost } from './storeHost';

/** What activate() returns: used by the integration tests to look at the real tree and store. */
export interface MlopsApi {
  service(): Promise<TrackingService>;
  explorerChildren(node?: ExplorerNode): Promise<ExplorerNode[]>;
  explorerItem(node: ExplorerNode): vscode.TreeItem;
  explorerDescription(): string | undefined;
  statusText(): string | undefined;
  ingestNow(): void;
  storeStarted(): boolean;
  recentProblems(): readonly { file: string; line: number; message: string }[];
}

export class MlopsExtension implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  readonly api: MlopsApi;

  constructor(context: vscode.ExtensionContext) {
    const d = this.disposables;
    const output = d.add(vscode.window.createOutputChannel('MLOps', { log: true }));
    const host = d.add(new StoreHost(vscode.workspace.workspaceFolders?.[0], output));
    const state = d.add(new ExplorerState(context.workspaceState));
    const explorer = d.add(new RunExplorer(host, state));
    const view = d.add(vscode.window.createTreeView(VIEW_RUNS, { treeDataProvider: explorer, showCollapseAll: true, canSelectMany: true }));
    const status = d.add(new RunningStatus(host));
    // The description is hidden when the view's title merges with its container's, so the same text
    // is also the view's message, shown above the tree.
    const describe = () => {
      const parts = [host.current?.role === 'reader' ? 'read-only: another window writes the store' : undefined, state.describe()];
      view.description = parts.filter(Boolean).join(' · ') || undefined;
      view.message = view.description ? `${view.description[0].toUpperCase()}${view.description.slice(1)}` : undefined;
    };
    d.add(host.onDidChangeRole(describe));
    d.add(state.onDidChange(describe));
    d.add(host.onDidChange(() => status.update()));
    describe();
    for (const c of registerStoreCommands(host, explorer, output)) d.add(c);
    for (const c of registerRunCommands(host, output)) d.add(c);
    for (const c of registerExplorerCommands(host, state, output)) d.add(c);
    d.add(new MlflowStores(host, output));
    for (const c of registerRunPanel(host, output)) d.add(c);
    for (const c of registerComparePanel(host, output, view)) d.add(c);
    context.subscriptions.push(this);
    this.api = {
      service: () => host.get(),
      explorerChildren: (node) => explorer.getChildren(node),
      explorerItem: (node) => explorer.resolveTreeItem(explorer.getTreeItem(node), node),
      explorerDescription: () => view.description,
      statusText: () => status.text,
      ingestNow: () => host.ingestNow(),
      storeStarted: () => host.isStarted,
      recentProblems: () => host.recentProblems,
    };
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
