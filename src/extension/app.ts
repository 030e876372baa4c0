// The composition root: builds the store host, the explorer, the commands and wires them together.
import * as vscode from 'vscode';
import { registerStoreCommands } from './commands/store';
import { VIEW_RUNS } from './commands/ids';
import { RunExplorer, type ExplorerNode } from './explorer/tree';
import { DisposableStore } from './lifecycle';
import { StoreHost } from './storeHost';
import type { TrackingService } from '../store/service';

/** What activate() returns: used by the integration tests to look at the real tree and store. */
export interface MlopsApi {
  service(): Promise<TrackingService>;
  explorerChildren(node?: ExplorerNode): Promise<ExplorerNode[]>;
  explorerItem(node: ExplorerNode): vscode.TreeItem;
  ingestNow(): void;
}

export class MlopsExtension implements vscode.Disposable {
  private readonly disposables = new DisposableStore();
  readonly api: MlopsApi;

  constructor(context: vscode.ExtensionContext) {
    const output = this.disposables.add(vscode.window.createOutputChannel('MLOps', { log: true }));
    const host = this.disposables.add(new StoreHost(vscode.workspace.workspaceFolders?.[0], output));
    const explorer = this.disposables.add(new RunExplorer(host));
    const view = this.disposables.add(vscode.window.createTreeView(VIEW_RUNS, { treeDataProvider: explorer, showCollapseAll: true, canSelectMany: true }));
    this.disposables.add(host.onDidChangeRole((role) => {
      view.description = role === 'reader' ? 'read-only: another window writes the store' : undefined;
    }));
    for (const d of registerStoreCommands(host, explorer, output)) this.disposables.add(d);
    context.subscriptions.push(this);
    this.api = {
      service: () => host.get(),
      explorerChildren: (node) => explorer.getChildren(node),
      explorerItem: (node) => explorer.getTreeItem(node),
      ingestNow: () => host.ingestNow(),
    };
  }

  dispose(): void {
    this.disposables.dispose();
  }
}
