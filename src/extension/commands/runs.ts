// Commands that create, end, log to and edit runs. Each writes events to the run's log (so a rebuild
// reproduces it) and then reads them in at once, so the view shows the change immediately.
import * as vscode from 'vscode';
import { parse as parseYaml } from 'yaml';
import { parseConfusionMatrixFile } from '../../core/classification';
import { shortId } from '../../core/format';
import { extractHyperParameters } from '../../core/hyperparams';
import { parseMetricsFile } from '../../core/metricFiles';
import type { EndStatus } from '../../core/model';
import { LIMITS, encodeNumber } from '../../ingest/events';
import type { StoreHost } from '../storeHost';
import { UserError, guarded, readTextFile, resolveFile, resolveRun, resolveRuns } from './common';
import { Commands } from './ids';

function checkText(what: string, value: string, max: number): string {
  const v = value.trim();
  if (v === '') throw new UserError(`${what} cannot be empty.`);
  if (v.length > max) throw new UserError(`${what} is ${v.length} characters long; use at most ${max}.`);
  return v;
}

export function registerRunCommands(host: StoreHost, output: vscode.LogOutputChannel): vscode.Disposable[] {
  const reg = <A extends unknown[], R>(id: string, fn: (...args: A) => Promise<R>) => vscode.commands.registerCommand(id, guarded(output, fn));
  const done = () => host.ingestNow();
  const notOpen = (r: { status: string }) => r.status === 'running';

  return [
    reg(Commands.createExperiment, async (nameArg?: unknown) => {
      const name = typeof nameArg === 'string' ? nameArg : await vscode.window.showInputBox({ title: 'MLOps: Create Experiment', prompt: 'The problem the models solve, e.g. "Titanic survival"', validateInput: (v) => (v.trim() ? undefined : 'Enter a name') });
      if (name === undefined) return undefined;
      const experiment = await (await host.sdk()).lifeCycle.createExperiment(checkText('The experiment name', name, LIMITS.name));
      done();
      return experiment;
    }),

    reg(Commands.startRun, async (experimentArg?: unknown, nameArg?: unknown) => {
      const store = (await host.get()).db;
      let experimentName: string | undefined;
      if (typeof experimentArg === 'string') experimentName = experimentArg;
      else if (experimentArg && typeof experimentArg === 'object' && (experimentArg as { kind?: string }).kind === 'experiment') experimentName = (experimentArg as { experiment: { name: string } }).experiment.name;
      else {
        const names = store.listExperiments().map((e) => e.name);
        experimentName = names.length
          ? (await vscode.window.showQuickPick([...names, '$(add) New experiment…'], { title: 'MLOps: Start Run in experiment' }))
          : '$(add) New experiment…';
        if (experimentName === '$(add) New experiment…') experimentName = await vscode.window.showInputBox({ title: 'MLOps: New experiment name' });
      }
      if (experimentName === undefined) return undefined;
      const name = typeof nameArg === 'string' ? nameArg : experimentArg === undefined ? await vscode.window.showInputBox({ title: 'MLOps: Run name (optional)' }) : undefined;
      const run = await (await host.sdk()).lifeCycle.createRun({ experimentName: checkText('The experiment name', experimentName, LIMITS.name), name: name?.trim() ? checkText('The run name', name, LIMITS.name) : undefined });
      done();
      return run;
    }),

    reg(Commands.endRun, async (arg?: unknown, statusArg?: unknown) => {
      const run = await resolveRun(host, arg, { edit: true, title: 'MLOps: End Run', filter: notOpen });
      if (!run) return undefined;
      if (run.status !== 'running') throw new UserError(`Run "${run.name ?? shortId(run.id)}" has already ended (${run.status}).`);
      let status = typeof statusArg === 'string' ? statusArg : undefined;
      status ??= (await vscode.window.showQuickPick(['finished', 'failed', 'killed'], { title: `MLOps: End run ${run.name ?? shortId(run.id)} as` }));
      if (!status) return undefined;
      if (!['finished', 'failed', 'killed'].includes(status)) throw new UserError(`"${status}" is not a run status; use finished, failed or killed.`);
      await (await host.sdk()).lifeCycle.endRun(run.id, status as EndStatus);
      done();
      return { runId: run.id, status };
    }),

    reg(Commands.logDataset, async (arg?: unknown, fileArg?: unknown, nameArg?: unknown) => {
      const run = await resolveRun(host, arg, { edit: true, title: 'MLOps: Log Dataset to run', filter: notOpen });
      if (!run) return undefined;
      const uri = await resolveFile(fileArg, host.workspaceFolder, 'Dataset to profile', { Data: ['csv', 'tsv', 'txt', 'jsonl', 'ndjson', 'json', 'parquet'] });
      if (!uri) return undefined;
      const sdk = await host.sdk();
      const profile = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `MLOps: profiling ${vscode.workspace.asRelativePath(uri)}`, cancellable: true },
        async (progress, token) => {
          const controller = new AbortController();
          token.onCancellationRequested(() => controller.abort());
          let reported = 0;
          return sdk.data.logData(run.id, uri.fsPath, {
            name: typeof nameArg === 'string' ? nameArg : undefined,
            signal: controller.signal,
            onProgress: (read, total) => {
              const pct = total > 0 ? Math.floor((read / total) * 100) : 0;
              if (pct > reported) { progress.report({ increment: pct - reported, message: `${pct}%` }); reported = pct; }
            },
          });
        },
      );
      done();
      void vscode.window.showInformationMessage(`MLOps: logged ${profile.name} (${profile.rows} rows, ${profile.columns.length} columns, sha256 ${profile.sha256.slice(0, 12)}) to run ${run.name ?? shortId(run.id)}.`);
      return profile;
    }),

    reg(Commands.logHyperParameters, async (arg?: unknown, fileArg?: unknown) => {
      const run = await resolveRun(host, arg, { edit: true, title: 'MLOps: Log Hyper-parameters to run', filter: notOpen });
      if (!run) return undefined;
      const uri = await resolveFile(fileArg, host.workspaceFolder, 'Parameters file (JSON or YAML)', { Parameters: ['json', 'yaml', 'yml'] });
      if (!uri) return undefined;
      const text = await readTextFile(uri);
      let obj: unknown;
      try {
        obj = parseYaml(text); // YAML is a superset of JSON
      } catch (e) {
        throw new UserError(`${vscode.workspace.asRelativePath(uri)} is not valid JSON or YAML: ${(e as Error).message.split('\n')[0]}`);
      }
      if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new UserError(`${vscode.workspace.asRelativePath(uri)} must hold an object of parameter names to values.`);
      const { algorithm, params } = extractHyperParameters(obj);
      if (Object.keys(params).length === 0) throw new UserError(`${vscode.workspace.asRelativePath(uri)} holds no parameters.`);
      const sdk = await host.sdk();
      sdk.append(run.id, [{ type: 'params', runId: run.id, params, algorithm: algorithm === 'unknown' ? undefined : algorithm }]);
      done();
      return { algorithm, params };
    }),

    reg(Commands.logMetrics, async (arg?: unknown, fileArg?: unknown) => {
      const run = await resolveRun(host, arg, { edit: true, title: 'MLOps: Log Metrics to run', filter: notOpen });
      if (!run) return undefined;
      const uri = await resolveFile(fileArg, host.workspaceFolder, 'Metrics file (JSON, YAML, classification_report, trainer_state.json)', { Metrics: ['json', 'yaml', 'yml'] });
      if (!uri) return undefined;
      const parsed = parseMetricsFile(await readTextFile(uri), vscode.workspace.asRelativePath(uri));
      const now = Date.now();
      const sdk = await host.sdk();
      sdk.append(run.id, parsed.points.map((p) => ({ type: 'metric' as const, runId: run.id, key: p.key, value: encodeNumber(p.value), step: p.step, timestamp: now })));
      done();
      return { format: parsed.format, points: parsed.points.length };
    }),

    reg(Commands.logConfusionMatrix, async (arg?: unknown, fileArg?: unknown, nameArg?: unknown) => {
      const run = await resolveRun(host, arg, { edit: true, title: 'MLOps: Log Confusion Matrix to run', filter: notOpen });
      if (!run) return undefined;
      const uri = await resolveFile(fileArg, host.workspaceFolder, 'Confusion matrix (CSV or JSON)', { 'Confusion matrix': ['csv', 'tsv', 'json'] });
      if (!uri) return undefined;
      const matrix = parseConfusionMatrixFile(await readTextFile(uri), vscode.workspace.asRelativePath(uri));
      const res = await (await host.sdk()).evaluation.logConfusionMatrix(run.id, matrix, { name: typeof nameArg === 'string' ? nameArg : 'test' });
      done();
      return res;
    }),

    reg(Commands.renameRun, async (arg?: unknown, nameArg?: unknown) => {
      const run = await resolveRun(host, arg, { edit: true, title: 'MLOps: Rename Run' });
      if (!run) return undefined;
      const name = typeof nameArg === 'string' ? nameArg : await vscode.window.showInputBox({ title: 'MLOps: Rename Run', value: run.name ?? '', validateInput: (v) => (v.trim() ? undefined : 'A run name cannot be empty') });
      if (name === undefined) return undefined;
      const v = checkText('A run name', name, LIMITS.name);
      (await host.sdk()).appendEdit(run.id, [{ type: 'rename', runId: run.id, name: v }]);
      done();
      return { runId: run.id, name: v };
    }),

    reg(Commands.tagRun, async (arg?: unknown, tagArg?: unknown) => {
      const run = await resolveRun(host, arg, { edit: true, title: 'MLOps: Tag Run' });
      if (!run) return undefined;
      const text = typeof tagArg === 'string' ? tagArg : await vscode.window.showInputBox({ title: 'MLOps: Tag Run', prompt: 'key=value (an empty value removes the tag)', placeHolder: 'stage=candidate' });
      if (text === undefined) return undefined;
      const eq = text.indexOf('=');
      const key = checkText('A tag name', eq < 0 ? text : text.slice(0, eq), LIMITS.key);
      const value = eq < 0 ? '' : text.slice(eq + 1).trim();
      if (value.length > LIMITS.value) throw new UserError(`The tag value is ${value.length} characters long; use at most ${LIMITS.value}.`);
      (await host.sdk()).appendEdit(run.id, [{ type: 'tag', runId: run.id, key, value: value === '' && eq < 0 ? '' : value === '' ? null : value }]);
      done();
      return { runId: run.id, key, value };
    }),

    reg(Commands.addNote, async (arg?: unknown, noteArg?: unknown) => {
      const run = await resolveRun(host, arg, { edit: true, title: 'MLOps: Add Note' });
      if (!run) return undefined;
      const current = (await host.get()).db.getRunDetail(run.id)?.note ?? '';
      const text = typeof noteArg === 'string' ? noteArg : await vscode.window.showInputBox({ title: `MLOps: Note on ${run.name ?? shortId(run.id)}`, value: current });
      if (text === undefined) return undefined;
      if (text.length > LIMITS.note) throw new UserError(`The note is ${text.length} characters long; use at most ${LIMITS.note}.`);
      (await host.sdk()).appendEdit(run.id, [{ type: 'note', runId: run.id, text }]);
      done();
      return { runId: run.id };
    }),

    ...([[Commands.starRun, true], [Commands.unstarRun, false]] as const).map(([id, starred]) => reg(id, async (arg?: unknown, selection?: unknown) => {
      const runs = await resolveRuns(host, arg, selection, { many: true, edit: true, title: starred ? 'MLOps: Star Runs' : 'MLOps: Unstar Runs' });
      if (!runs) return undefined;
      const sdk = await host.sdk();
      for (const r of runs) sdk.appendEdit(r.id, [{ type: 'star', runId: r.id, starred }]);
      done();
      return { runIds: runs.map((r) => r.id) };
    })),

    reg(Commands.deleteRun, async (arg?: unknown, selection?: unknown) => {
      const runs = await resolveRuns(host, arg, selection, { many: true, edit: true, title: 'MLOps: Delete Runs', filter: (r) => !r.deleted });
      if (!runs) return undefined;
      const sdk = await host.sdk();
      for (const r of runs) sdk.appendEdit(r.id, [{ type: 'delete', runId: r.id }]);
      done();
      const what = runs.length === 1 ? `run "${runs[0].name ?? shortId(runs[0].id)}"` : `${runs.length} runs`;
      // Not awaited: the command returns while the notification offers Undo.
      void vscode.window.showInformationMessage(`MLOps: deleted ${what}. Deleted runs are kept: "Show Deleted" lists them with Restore.`, 'Undo').then((action) => {
        if (action === 'Undo') void vscode.commands.executeCommand(Commands.restoreRun, runs.map((r) => r.id));
      });
      return { runIds: runs.map((r) => r.id) };
    }),

    reg(Commands.restoreRun, async (arg?: unknown, selection?: unknown) => {
      const runs = await resolveRuns(host, arg, selection, { many: true, edit: true, title: 'MLOps: Restore Runs', filter: (r) => r.deleted });
      if (!runs) return undefined;
      const sdk = await host.sdk();
      for (const r of runs) sdk.appendEdit(r.id, [{ type: 'restore', runId: r.id }]);
      done();
      return { runIds: runs.map((r) => r.id) };
    }),
  ];
}
