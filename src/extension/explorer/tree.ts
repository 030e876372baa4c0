// The Runs view: experiments, and under each its runs with a status icon and start time.
import * as vscode from 'vscode';
import { formatDuration, formatRelative, shortId } from '../../core/format';
import type { RunStatus } from '../../core/model';
import type { ExperimentSummary, RunSummary } from '../../store/store';
import type { StoreHost } from '../storeHost';

export type ExplorerNode =
  | { kind: 'experiment'; experiment: ExperimentSummary }
  | { kind: 'run'; run: RunSummary };

const STATUS_ICON: Record<RunStatus, vscode.ThemeIcon> = {
  running: new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue')),
  finished: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  killed: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground')),
};

export class RunExplorer implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly host: StoreHost) {
    this.subscription = host.onDidChange(() => this.refresh());
  }

  refresh(): void {
    this.changed.fire(undefined);
  }

  async getChildren(element?: ExplorerNode): Promise<ExplorerNode[]> {
    if (!this.host.workspaceFolder) return [];
    const service = await this.host.get();
    const store = service.db;
    if (!element) return store.listExperiments().map((experiment) => ({ kind: 'experiment', experiment }));
    if (element.kind === 'experiment') return store.listRuns(element.experiment.id).map((run) => ({ kind: 'run', run }));
    return [];
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    if (node.kind === 'experiment') {
      const e = node.experiment;
      const item = new vscode.TreeItem(e.name, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `experiment:${e.id}`;
      item.iconPath = new vscode.ThemeIcon('beaker');
      item.description = `${e.runCount} run${e.runCount === 1 ? '' : 's'}${e.runningCount ? `, ${e.runningCount} running` : ''}`;
      item.contextValue = 'experiment';
      item.tooltip = `${e.name}\n${item.description}\nid ${e.id}`;
      return item;
    }
    const r = node.run;
    const item = new vscode.TreeItem(r.name ?? shortId(r.id), vscode.TreeItemCollapsibleState.None);
    item.id = `run:${r.id}`;
    item.iconPath = STATUS_ICON[r.status];
    item.description = formatRelative(r.startTime);
    item.contextValue = `run.${r.status}`;
    const tip = new vscode.MarkdownString(undefined, false);
    tip.appendText(`${r.name ?? shortId(r.id)} (${r.status})\n`);
    tip.appendText(`started ${new Date(r.startTime).toLocaleString()}`);
    if (r.endTime !== null) tip.appendText(`, took ${formatDuration(r.endTime - r.startTime)}`);
    tip.appendText(`\nrun id ${r.id}`);
    item.tooltip = tip;
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
