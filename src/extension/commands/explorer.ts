// Commands about what the Runs view shows and about several runs: filter, sort, deleted runs,
// primary metric, copy id, export, compare.
import * as vscode from 'vscode';
import { formatNumber } from '../../core/format';
import type { Direction } from '../../core/model';
import { guessDirection, parseQuery } from '../../core/query';
import { listRunItems, metricKeysOf, primaryMetric, type RunSort } from '../../store/queries/runs';
import type { ExplorerState } from '../explorer/state';
import { ComparePanel } from '../panels/comparePanel';
import type { StoreHost } from '../storeHost';
import { UserError, guarded, resolveRun, resolveRuns } from './common';
import { Commands } from './ids';

export function registerExplorerCommands(host: StoreHost, state: ExplorerState, output: vscode.LogOutputChannel): vscode.Disposable[] {
  const reg = <A extends unknown[], R>(id: string, fn: (...args: A) => Promise<R>) => vscode.commands.registerCommand(id, guarded(output, fn));

  return [
    reg(Commands.filterRuns, async (textArg?: unknown) => {
      const text = typeof textArg === 'string' ? textArg : await vscode.window.showInputBox({
        title: 'MLOps: Filter Runs',
        value: state.query?.text ?? '',
        placeHolder: 'metrics.accuracy > 0.8 and params.max_depth = 5 and status = finished',
        prompt: "Fields: metrics.<name>, params.<name>, tags.<name>, status, name, starred, started, ended; operators = != < <= > >= like ('%' matches anything); join with and",
        validateInput: (v) => {
          try {
            if (v.trim()) parseQuery(v);
            return undefined;
          } catch (e) {
            return (e as Error).message;
          }
        },
      });
      if (text === undefined) return undefined;
      state.setFilter(text); // throws QueryError: shown, and the filter stays as it was
      return { filter: state.query?.text ?? null };
    }),
    reg(Commands.clearFilter, async () => {
      state.setFilter(undefined);
      return { filter: null };
    }),
    reg(Commands.sortRuns, async (sortArg?: unknown) => {
      let sort: RunSort | undefined;
      if (sortArg && typeof sortArg === 'object') {
        const o = sortArg as { by?: unknown; metric?: unknown; descending?: unknown };
        if (o.by === 'metric' && typeof o.metric === 'string') sort = { key: { by: 'metric', metric: o.metric }, descending: o.descending !== false };
        else if (o.by === 'started' || o.by === 'name') sort = { key: { by: o.by }, descending: o.descending === true };
        else throw new UserError(`Sort by ${JSON.stringify(sortArg)} is not possible: use { by: 'started' | 'name' | 'metric', metric?, descending? }.`);
      } else {
        const store = (await host.get()).db;
        const items: (vscode.QuickPickItem & { sort: RunSort })[] = [
          { label: 'Start time, newest first', sort: { key: { by: 'started' }, descending: true } },
          { label: 'Start time, oldest first', sort: { key: { by: 'started' }, descending: false } },
          { label: 'Name, A to Z', sort: { key: { by: 'name' }, descending: false } },
          { label: 'Name, Z to A', sort: { key: { by: 'name' }, descending: true } },
          ...metricKeysOf(store).flatMap((m) => [
            { label: `${m}, highest first`, description: guessDirection(m) === 'max' ? 'best first' : '', sort: { key: { by: 'metric' as const, metric: m }, descending: true } },
            { label: `${m}, lowest first`, description: guessDirection(m) === 'min' ? 'best first' : '', sort: { key: { by: 'metric' as const, metric: m }, descending: false } },
          ]),
        ];
        sort = (await vscode.window.showQuickPick(items, { title: 'MLOps: Sort Runs By' }))?.sort;
      }
      if (!sort) return undefined;
      state.setSort(sort);
      return { sort };
    }),
    reg(Commands.showDeleted, async () => { state.setShowDeleted(true); return { showDeleted: true }; }),
    reg(Commands.hideDeleted, async () => { state.setShowDeleted(false); return { showDeleted: false }; }),

    reg(Commands.setPrimaryMetric, async (experimentArg?: unknown, metricArg?: unknown, directionArg?: unknown) => {
      const store = (await host.get()).db;
      const experiments = store.listExperiments();
      let experiment = typeof experimentArg === 'string'
        ? experiments.find((e) => e.id === experimentArg || e.name === experimentArg)
        : experimentArg && typeof experimentArg === 'object' && (experimentArg as { kind?: string }).kind === 'experiment'
          ? experiments.find((e) => e.id === (experimentArg as { experiment: { id: string } }).experiment.id) : undefined;
      if (experimentArg !== undefined && !experiment) throw new UserError(`Unknown experiment ${JSON.stringify(typeof experimentArg === 'string' ? experimentArg : experimentArg)}.`);
      experiment ??= (await vscode.window.showQuickPick(experiments.map((e) => ({ label: e.name, e })), { title: 'MLOps: Set Primary Metric of experiment' }))?.e;
      if (!experiment) return undefined;
      const keys = metricKeysOf(store, experiment.id);
      const metric = typeof metricArg === 'string' ? metricArg : (await vscode.window.showQuickPick(keys, { title: `MLOps: Primary metric of ${experiment.name}` }));
      if (!metric) return undefined;
      if (!keys.includes(metric)) throw new UserError(`No run of "${experiment.name}" logged a metric "${metric}"; its metrics are: ${keys.join(', ') || 'none yet'}.`);
      let direction = typeof directionArg === 'string' ? directionArg : undefined;
      direction ??= (await vscode.window.showQuickPick([
        { label: guessDirection(metric) === 'max' ? 'max' : 'min', description: 'guessed from the name' },
        { label: guessDirection(metric) === 'max' ? 'min' : 'max' },
      ], { title: `Is a higher or a lower ${metric} better?` }))?.label;
      if (!direction) return undefined;
      if (direction !== 'max' && direction !== 'min') throw new UserError(`The direction must be "max" or "min"; got "${direction}".`);
      (await host.sdk()).appendExperiment(experiment.id, experiment.name, [{ type: 'experiment_updated', experimentId: experiment.id, primaryMetric: metric, direction: direction as Direction }]);
      host.ingestNow();
      return { experimentId: experiment.id, metric, direction };
    }),

    reg(Commands.copyRunId, async (arg?: unknown) => {
      const run = await resolveRun(host, arg, { title: 'MLOps: Copy Run Id' });
      if (!run) return undefined;
      await vscode.env.clipboard.writeText(run.id);
      void vscode.window.setStatusBarMessage(`Copied run id ${run.id}`, 3000);
      return { runId: run.id };
    }),

    reg(Commands.exportRuns, async (formatArg?: unknown, targetArg?: unknown) => {
      const store = (await host.get()).db;
      const format = typeof formatArg === 'string' ? formatArg : (await vscode.window.showQuickPick(['csv', 'json'], { title: 'MLOps: Export the listed runs as' }));
      if (!format) return undefined;
      if (format !== 'csv' && format !== 'json') throw new UserError(`Export as "${format}" is not possible: use csv or json.`);
      const rows = store.listExperiments().flatMap((e) => {
        const primary = primaryMetric(store, e.id);
        return listRunItems(store, e.id, { query: state.query, sort: state.sort, includeDeleted: state.showDeleted, primary }).map((r) => {
          const d = store.getRunDetail(r.id)!;
          return {
            experiment: e.name, runId: r.id, name: r.name, status: r.status, startTime: new Date(r.startTime).toISOString(),
            endTime: r.endTime === null ? null : new Date(r.endTime).toISOString(), algorithm: d.algorithm,
            params: d.params, metrics: Object.fromEntries(d.metrics.map((m) => [m.key, m.last])), tags: d.tags,
          };
        });
      });
      let target: vscode.Uri | undefined = typeof targetArg === 'string' ? vscode.Uri.file(targetArg) : targetArg instanceof vscode.Uri ? targetArg : undefined;
      target ??= await vscode.window.showSaveDialog({ title: 'MLOps: Export Runs', defaultUri: host.workspaceFolder && vscode.Uri.joinPath(host.workspaceFolder.uri, `runs.${format}`), filters: { [format.toUpperCase()]: [format] } });
      if (!target) return undefined;
      const text = format === 'json' ? JSON.stringify(rows, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2) + '\n' : toCsv(rows);
      await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(text));
      void vscode.window.showInformationMessage(`MLOps: exported ${rows.length} runs to ${vscode.workspace.asRelativePath(target)}.`);
      return { path: target.fsPath, runs: rows.length };
    }),

    reg(Commands.compareRuns, async (arg?: unknown, selection?: unknown) => {
      const runs = await resolveRuns(host, arg, selection, { many: true, title: 'MLOps: Compare Runs (pick two or more)' });
      if (!runs) return undefined;
      if (runs.length > 100) throw new UserError(`${runs.length} runs are selected; compare at most 100 at once.`);
      return ComparePanel.show(runs.map((r) => r.id)).describe();
    }),
  ];
}

/** CSV with one column per parameter and metric (params.x, metrics.y), RFC 4180 quoting. */
function toCsv(rows: { params: Record<string, unknown>; metrics: Record<string, number>; tags: Record<string, string>; [k: string]: unknown }[]): string {
  const base = ['experiment', 'runId', 'name', 'status', 'startTime', 'endTime', 'algorithm'];
  const params = [...new Set(rows.flatMap((r) => Object.keys(r.params)))].sort();
  const metrics = [...new Set(rows.flatMap((r) => Object.keys(r.metrics)))].sort();
  const tags = [...new Set(rows.flatMap((r) => Object.keys(r.tags)))].sort();
  const cell = (v: unknown) => {
    const s = v === null || v === undefined ? '' : typeof v === 'number' ? formatCsvNumber(v) : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const header = [...base, ...params.map((p) => `params.${p}`), ...metrics.map((m) => `metrics.${m}`), ...tags.map((t) => `tags.${t}`)];
  const lines = rows.map((r) => [...base.map((b) => r[b]), ...params.map((p) => r.params[p]), ...metrics.map((m) => r.metrics[m]), ...tags.map((t) => r.tags[t])].map(cell).join(','));
  return [header.map(cell).join(','), ...lines].join('\r\n') + '\r\n';
}

function formatCsvNumber(x: number): string {
  return Number.isFinite(x) ? String(x) : formatNumber(x) === 'NaN' ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}
