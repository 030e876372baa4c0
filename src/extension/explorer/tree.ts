// The Runs view: experiments, and under each its runs (filtered, sorted, starred first, long lists paged),
// with a status icon, the primary metric and the start time.
import * as vscode from 'vscode';
import { formatDuration, formatNumber, formatRelative, shortId } from '../../core/format';
import type { RunStatus } from '../../core/model';
import { bestRunOfExperiment, listRunItems, primaryMetric, type PrimaryMetric, type RunListItem } from '../../store/queries/runs';
import type { ExperimentSummary } from '../../store/store';
import { Commands } from '../commands/ids';
import type { StoreHost } from '../storeHost';
import type { ExplorerState } from './state';

/** Runs per group when an experiment has more than this many. */
export const PAGE_SIZE = 500;

export type ExplorerNode =
  | { kind: 'store'; origin: string; experiments: number }
  | { kind: 'experiment'; experiment: ExperimentSummary; primary?: PrimaryMetric }
  | { kind: 'page'; experimentId: string; from: number; to: number }
  | { kind: 'run'; run: RunListItem; primary?: PrimaryMetric; best: boolean };

const STATUS_ICON: Record<RunStatus, vscode.ThemeIcon> = {
  running: new vscode.ThemeIcon('sync~spin', new vscode.ThemeColor('charts.blue')),
  finished: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  killed: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground')),
};

export class RunExplorer implements vscode.TreeDataProvider<ExplorerNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];
  /** The listing of each expanded experiment, kept until the next refresh so that pages share one query. */
  private readonly listings = new Map<string, { items: RunListItem[]; primary?: PrimaryMetric; best?: string }>();

  constructor(private readonly host: StoreHost, private readonly state: ExplorerState) {
    this.subscriptions.push(host.onDidChange(() => this.refresh()), state.onDidChange(() => this.refresh()));
  }

  refresh(): void {
    this.listings.clear();
    this.changed.fire(undefined);
  }

  private listing(experimentId: string) {
    let l = this.listings.get(experimentId);
    if (!l) {
      const store = this.host.current!.db;
      const primary = primaryMetric(store, experimentId);
      const items = listRunItems(store, experimentId, { query: this.state.query, sort: this.state.sort, includeDeleted: this.state.showDeleted, primary });
      l = { items, primary, best: primary && bestRunOfExperiment(store, experimentId, primary) };
      this.listings.set(experimentId, l);
    }
    return l;
  }

  async getChildren(element?: ExplorerNode): Promise<ExplorerNode[]> {
    if (!this.host.workspaceFolder) return [];
    const service = await this.host.get();
    const store = service.db;
    const experimentNodes = (origin: string): ExplorerNode[] => store.listExperiments()
      .filter((experiment) => experiment.origin === origin)
      // With a filter, experiments with no matching run are hidden.
      .filter((experiment) => !this.state.query || this.listing(experiment.id).items.length > 0)
      .map((experiment) => ({ kind: 'experiment', experiment, primary: this.listings.get(experiment.id)?.primary ?? primaryMetric(store, experiment.id) }));
    if (!element) {
      // Native experiments first, then one group per MLflow store (read-only).
      const stores = store.foreignOrigins().sort().map((origin): ExplorerNode => ({ kind: 'store', origin, experiments: store.listExperiments().filter((e) => e.origin === origin).length }));
      return [...experimentNodes('native'), ...stores];
    }
    if (element.kind === 'store') return experimentNodes(element.origin);
    if (element.kind === 'experiment') {
      const { items, primary, best } = this.listing(element.experiment.id);
      if (items.length > PAGE_SIZE) {
        const pages: ExplorerNode[] = [];
        for (let from = 0; from < items.length; from += PAGE_SIZE) pages.push({ kind: 'page', experimentId: element.experiment.id, from, to: Math.min(items.length, from + PAGE_SIZE) });
        return pages;
      }
      return items.map((run) => ({ kind: 'run', run, primary, best: run.id === best }));
    }
    if (element.kind === 'page') {
      const { items, primary, best } = this.listing(element.experimentId);
      return items.slice(element.from, element.to).map((run) => ({ kind: 'run', run, primary, best: run.id === best }));
    }
    return [];
  }

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    switch (node.kind) {
      case 'store': {
        const item = new vscode.TreeItem(`MLflow: ${node.origin.replace(/^mlflow:/, '')}`, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `store:${node.origin}`;
        item.iconPath = new vscode.ThemeIcon('database');
        item.description = `${node.experiments} experiment${node.experiments === 1 ? '' : 's'} · read-only`;
        item.tooltip = `Runs read from the MLflow store ${node.origin.replace(/^mlflow:/, '')}. They open and compare like native runs; import them ("MLOps: Import MLflow Runs") to tag, note or rename them.`;
        item.contextValue = 'mlflowStore';
        return item;
      }
      case 'experiment': {
        const e = node.experiment;
        const item = new vscode.TreeItem(e.name, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `experiment:${e.id}`;
        item.iconPath = new vscode.ThemeIcon('beaker');
        const shown = this.state.query ? this.listings.get(e.id)?.items.length : undefined;
        const parts = [shown !== undefined ? `${shown} of ${e.runCount} runs` : `${e.runCount} run${e.runCount === 1 ? '' : 's'}`];
        if (e.runningCount) parts.push(`${e.runningCount} running`);
        if (node.primary) parts.push(`${node.primary.direction} ${node.primary.metric}`);
        item.description = parts.join(' · ');
        item.contextValue = e.origin === 'native' ? 'experiment' : 'mlflowExperiment';
        item.tooltip = `${e.name}\n${parts.join(', ')}\nprimary metric: ${node.primary ? `${node.primary.metric} (${node.primary.direction === 'max' ? 'higher' : 'lower'} is better${node.primary.explicit ? '' : ', guessed from the name'})` : 'none yet'}\nexperiment id ${e.id}`;
        return item;
      }
      case 'page': {
        const item = new vscode.TreeItem(`Runs ${node.from + 1}–${node.to}`, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `page:${node.experimentId}:${node.from}`;
        item.iconPath = new vscode.ThemeIcon('list-flat');
        item.contextValue = 'page';
        return item;
      }
      case 'run': {
        const r = node.run;
        const label = r.name ?? shortId(r.id);
        const item = new vscode.TreeItem(r.starred ? `★ ${label}` : label, vscode.TreeItemCollapsibleState.None);
        item.id = `run:${r.id}`;
        item.iconPath = r.deleted ? new vscode.ThemeIcon('trash', new vscode.ThemeColor('disabledForeground')) : STATUS_ICON[r.status];
        const parts: string[] = [];
        if (node.best) parts.push('best');
        if (node.primary && !Number.isNaN(r.primaryValue)) parts.push(`${node.primary.metric} ${formatNumber(r.primaryValue)}`);
        parts.push(formatRelative(r.startTime));
        if (r.deleted) parts.push('deleted');
        item.description = parts.join(' · ');
        // Edit menus match /^run/; MLflow runs are read-only and get only open, compare and copy id.
        item.contextValue = `${r.origin === 'native' ? 'run' : 'mlflowRun'}.${r.status}${r.starred ? '.starred' : ''}${r.deleted ? '.deleted' : ''}`;
        item.command = { command: Commands.openRun, title: 'Open Run', arguments: [r.id] };
        item.accessibilityInformation = { label: `${label}, ${r.status}, ${item.description}` };
        return item;
      }
      default: {
        const never: never = node;
        throw new Error(`unknown node ${JSON.stringify(never)}`);
      }
    }
  }

  /** The tooltip is built on hover: it needs a few queries per run. */
  resolveTreeItem(item: vscode.TreeItem, node: ExplorerNode): vscode.TreeItem {
    if (node.kind !== 'run' || !this.host.current) return item;
    const d = this.host.current.db.getRunDetail(node.run.id);
    if (!d) return item;
    const tip = new vscode.MarkdownString(undefined, false);
    tip.appendMarkdown('**');
    tip.appendText(d.name ?? shortId(d.id));
    tip.appendMarkdown('**');
    tip.appendText(`  (${d.status}${node.best ? ', best run' : ''})\n\n`);
    const lines: string[] = [
      `started ${new Date(d.startTime).toLocaleString()}${d.endTime !== null ? `, took ${formatDuration(d.endTime - d.startTime)}` : ''}`,
      `${Object.keys(d.params).length} parameters${d.algorithm ? ` (${d.algorithm})` : ''}, ${d.metrics.length} metrics`,
    ];
    if (node.primary && !Number.isNaN(node.run.primaryValue)) lines.push(`${node.primary.metric}: ${formatNumber(node.run.primaryValue)}`);
    for (const ds of d.datasets) lines.push(`data ${ds.name}: ${ds.rows} rows, sha256 ${ds.sha256.slice(0, 12)}`);
    if (d.git) lines.push(`git ${d.git.commit.slice(0, 10)}${d.git.branch ? ` on ${d.git.branch}` : ''}${d.git.dirty ? ' (uncommitted changes)' : ''}`);
    lines.push(`run id ${d.id}`);
    tip.appendText(lines.join('\n'));
    item.tooltip = tip;
    return item;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}
