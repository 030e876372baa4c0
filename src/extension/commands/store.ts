// Commands about the store itself: refresh, rebuild, reveal, show log.
import * as vscode from 'vscode';
import type { StoreHost } from '../storeHost';
import type { RunExplorer } from '../explorer/tree';
import { Commands } from './ids';

export function registerStoreCommands(host: StoreHost, explorer: RunExplorer, output: vscode.LogOutputChannel): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(Commands.refresh, async () => {
      if (!host.isStarted) await host.get();
      host.ingestNow();
      explorer.refresh();
    }),
    vscode.commands.registerCommand(Commands.rebuildStore, async () => {
      const service = await host.get();
      const result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'MLOps: rebuilding the store from .mlops/runs/', cancellable: true },
        async (_progress, token) => {
          const controller = new AbortController();
          token.onCancellationRequested(() => controller.abort());
          await new Promise((r) => setImmediate(r)); // let the notification show before the synchronous work
          return { ...service.rebuild(controller.signal), cancelled: controller.signal.aborted };
        },
      );
      if (result.cancelled) {
        void vscode.window.showInformationMessage('MLOps: rebuild cancelled; the store is unchanged.');
        return result;
      }
      const runs = service.db.countRuns();
      output.info(`rebuilt the store: ${result.lines} events from ${result.files} files, ${runs} runs, ${result.problems.length} lines skipped`);
      void vscode.window.showInformationMessage(`MLOps: store rebuilt from ${result.files} log files: ${runs} runs${result.problems.length ? `, ${result.problems.length} lines skipped (see the log)` : ''}.`);
      return result;
    }),
    vscode.commands.registerCommand(Commands.revealStore, async () => {
      const service = await host.get();
      await vscode.commands.executeCommand('revealFileInOS', vscode.Uri.file(service.layout.dbPath));
    }),
    vscode.commands.registerCommand(Commands.showLog, () => output.show(true)),
    vscode.commands.registerCommand(Commands.showGettingStarted, async () => {
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: GETTING_STARTED });
      await vscode.window.showTextDocument(doc, { preview: true });
    }),
  ];
}

const GETTING_STARTED = `# Logging runs to MLOps Experiment Tracking

Runs appear in the MLOps view as soon as a training script logs them into \`.mlops/\` in this folder.

## TypeScript / Node.js

\`\`\`ts
import { MLOpsContext } from 'mlops-tracking';

const mlops = await MLOpsContext.open({ workspace: '.' });
const run = await mlops.lifeCycle.createRun({ experimentName: 'Titanic' });
await mlops.data.logData(run.runId, 'data/train.csv');
await mlops.training.logHyperParameters(run.runId, { maxDepth: 5 });
await mlops.evaluation.logMetric(run.runId, 'accuracy', 0.81);
await mlops.lifeCycle.endRun(run.runId);
\`\`\`

## Python (standard library only: copy python/mlops_tracking.py next to your script)

\`\`\`python
import mlops_tracking as mlops

run = mlops.create_run("Titanic")
mlops.log_metric(run, "accuracy", 0.81)
mlops.end_run(run)
\`\`\`

The event format is documented in docs/event-log.md, for any other language.
`;
