// Fills a demo workspace with real runs: the Titanic example's classifiers, plus a run still logging
// a training curve and a failed run, so that every status shows in the Runs view.
//   node --import tsx scripts/demo-data.ts <folder>
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { MLOpsContext } from 'mlops-tracking';
import { DATA, trainAll } from '../examples/titanic/train';

export async function makeDemoWorkspace(folder: string, log: (line: string) => void = console.log): Promise<void> {
  rmSync(join(folder, '.mlops'), { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  if (!existsSync(join(folder, 'README.md'))) {
    writeFileSync(join(folder, 'README.md'), '# MLOps demo workspace\n\nRuns logged by `examples/titanic/train.ts` and `scripts/demo-data.ts`; open the MLOps view in the activity bar.\n');
  }
  await trainAll(folder, log);

  const mlops = await MLOpsContext.open({ workspace: folder });
  // A network still training: a loss curve of 2,000 steps, and no end.
  const live = await mlops.lifeCycle.createRun({ experimentName: 'Titanic', name: 'mlp (training)' });
  await mlops.training.logHyperParameters(live.runId, { algorithm: 'MLP', layers: [32, 16], optimizer: { name: 'adam', learningRate: 1e-3 }, batchSize: 64 });
  await mlops.data.logData(live.runId, DATA);
  for (let step = 0; step < 2000; step += 10) {
    const loss = 0.69 * Math.exp(-step / 600) + 0.35 + 0.02 * Math.sin(step / 13);
    await mlops.evaluation.logMetrics(live.runId, { loss, val_loss: loss + 0.04 + 0.0001 * step / 10 }, { step });
  }
  // A failed attempt.
  const failed = await mlops.lifeCycle.createRun({ experimentName: 'Titanic', name: 'svm (diverged)' });
  await mlops.training.logHyperParameters(failed.runId, { algorithm: 'SVM', kernel: 'rbf', C: 1000, gamma: 'scale' });
  await mlops.evaluation.logMetric(failed.runId, 'loss', NaN, { step: 0 });
  await mlops.lifeCycle.endRun(failed.runId, 'failed');
  log(`demo workspace ready: ${folder}`);
}

if (require.main === module) {
  makeDemoWorkspace(resolve(process.argv[2] ?? 'demo-workspace')).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
