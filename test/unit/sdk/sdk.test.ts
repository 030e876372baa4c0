// The TypeScript SDK end to end: what it writes is read back through the real store; bad input is
// refused with a message that names it, and nothing is written.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { DecisionTreeClassifier } from 'ml-cart';
import { MLOpsContext, MLOpsError } from '../../../src/sdk';
import { openReadOnlyStore } from '../../../src/store/readonly';
import { tempWorkspace } from '../../helpers/workspace';

const TITANIC = join(__dirname, '../../fixtures/tabular/titanic-train.csv');

/** Every byte under .mlops/runs/, to show that a refused call wrote nothing. */
function snapshot(ws: string): string {
  const dir = join(ws, '.mlops/runs');
  if (!existsSync(dir)) return '';
  const h = createHash('sha256');
  for (const d of readdirSync(dir).sort()) for (const f of readdirSync(join(dir, d)).sort()) h.update(`${d}/${f}:`).update(readFileSync(join(dir, d, f)));
  return h.digest('hex');
}

async function refused(ws: string, fn: () => Promise<unknown>, message: RegExp): Promise<void> {
  const before = snapshot(ws);
  await assert.rejects(fn, (e: unknown) => e instanceof Error && message.test(e.message));
  assert.equal(snapshot(ws), before, `nothing was written for ${message}`);
}

describe('TypeScript SDK', () => {
  it('logs a whole run that reads back exactly from the store', async () => {
    const ws = tempWorkspace();
    const mlops = await MLOpsContext.open({ workspace: ws });
    const run = await mlops.lifeCycle.createRun({ experimentName: 'Titanic', name: 'tree' });
    const profile = await mlops.data.logData(run.runId, TITANIC);
    assert.equal(profile.rows, 891);
    assert.equal(profile.sha256, createHash('sha256').update(readFileSync(TITANIC)).digest('hex'));
    const age = await mlops.data.logDataDistribution(run.runId, TITANIC, 'Age', { bins: 10 });
    assert.equal(age.kind, 'numeric');
    const tree = new DecisionTreeClassifier({ gainFunction: 'gini', maxDepth: 4, minNumSamples: 3 });
    const hp = await mlops.training.logHyperParameters(run.runId, tree);
    assert.equal(hp.algorithm, 'DecisionTreeClassifier');
    assert.equal(hp.params.maxDepth, 4);
    await mlops.evaluation.logMetric(run.runId, 'loss', 0.7);
    await mlops.evaluation.logMetric(run.runId, 'loss', NaN);
    await mlops.evaluation.logMetric(run.runId, 'loss', 0.3);
    await mlops.evaluation.logMetrics(run.runId, { accuracy: 0.8, f1: -Infinity });
    const { report } = await mlops.evaluation.logConfusionMatrix(run.runId, { actual: ['a', 'b', 'b', 'c'], predicted: ['a', 'b', 'a', 'a'] });
    assert.equal(report.accuracy, 0.5);
    await mlops.lifeCycle.setTrainingTime(run.runId, 1234);
    await mlops.lifeCycle.endRun(run.runId);

    const d = (await mlops.lifeCycle.getRun(run.runId))!;
    assert.equal(d.status, 'finished');
    assert.equal(d.trainingTimeMs, 1234, 'setTrainingTime is kept by endRun');
    assert.equal(d.datasets[0].rows, 891);
    assert.equal(d.distributions[0].distribution.column, 'Age');
    assert.equal(d.params.maxDepth, 4);
    const loss = d.metrics.find((m) => m.key === 'loss')!;
    assert.deepEqual([loss.count, loss.last, loss.lastStep], [3, 0.3, 2], 'steps count 0, 1, 2');
    assert.equal(d.metrics.find((m) => m.key === 'f1')!.last, -Infinity);
    const { store } = await openReadOnlyStore(ws);
    assert.ok(Number.isNaN(store.metricHistory(run.runId, 'loss')[1].value), 'NaN is kept');
    assert.deepEqual(d.confusionMatrices[0].matrix, { labels: ['a', 'b', 'c'], counts: [[1, 0, 0], [1, 1, 0], [1, 0, 0]] });
  });

  it('finds the best run by direction: max for accuracy, min for a loss', async () => {
    const ws = tempWorkspace();
    const mlops = await MLOpsContext.open({ workspace: ws });
    const ids: string[] = [];
    for (const [acc, loss] of [[0.7, 0.5], [0.9, 0.2], [0.8, 0.1]]) {
      const r = await mlops.lifeCycle.createRun({ experimentName: 'E' });
      await mlops.evaluation.logMetrics(r.runId, { accuracy: acc, loss });
      ids.push(r.runId);
    }
    assert.equal((await mlops.lifeCycle.getBestRun('E', 'accuracy', 'max'))!.id, ids[1]);
    assert.equal((await mlops.lifeCycle.getBestRun('E', 'loss', 'min'))!.id, ids[2]);
    assert.equal((await mlops.lifeCycle.getExperiment('E'))!.runCount, 3);
  });

  it('creating the same experiment from two contexts gives one experiment', async () => {
    const ws = tempWorkspace();
    const [a, b] = await Promise.all([MLOpsContext.open({ workspace: ws }), MLOpsContext.open({ workspace: ws })]);
    const [ea, eb] = await Promise.all([a.lifeCycle.createExperiment('Shared'), b.lifeCycle.createExperiment('Shared')]);
    assert.equal(ea.experimentId, eb.experimentId);
    await a.lifeCycle.createRun({ experimentName: 'Shared' });
    await b.lifeCycle.createRun({ experimentName: 'Shared' });
    const { store } = await openReadOnlyStore(ws);
    assert.deepEqual(store.listExperiments().map((e) => [e.name, e.runCount]), [['Shared', 2]]);
  });

  it('refuses bad input with a message naming it, and writes nothing', async () => {
    const ws = tempWorkspace();
    const mlops = await MLOpsContext.open({ workspace: ws });
    const run = await mlops.lifeCycle.createRun({ experimentName: 'Bad' });
    writeFileSync(join(ws, 'ragged.csv'), 'a,b\n1,2\n3\n');
    writeFileSync(join(ws, 'empty.csv'), '');
    writeFileSync(join(ws, 'latin1.csv'), Buffer.from([0x61, 0x0a, 0xe9, 0x0a]));
    writeFileSync(join(ws, 'long.csv'), `${'x'.repeat(260)},b\n1,2\n`);
    await refused(ws, () => mlops.data.logData(run.runId, 'missing.csv'), /missing\.csv/);
    await refused(ws, () => mlops.data.logData(run.runId, 'ragged.csv'), /ragged\.csv.*line 3/);
    await refused(ws, () => mlops.data.logData(run.runId, 'empty.csv'), /empty\.csv/);
    await refused(ws, () => mlops.data.logData(run.runId, 'latin1.csv'), /latin1\.csv.*UTF-8/);
    await refused(ws, () => mlops.data.logData(run.runId, 'long.csv'), /260-character name/);
    await refused(ws, () => mlops.data.logDataDistribution(run.runId, TITANIC, 'NoSuchColumn'), /NoSuchColumn/);
    await refused(ws, () => mlops.evaluation.logMetric('0123456789abcdef0123456789abcdef', 'acc', 1), /Unknown run id "0123456789abcdef0123456789abcdef"/);
    await refused(ws, () => mlops.evaluation.logMetric(run.runId, 'acc', '0.5' as unknown as number), /must be a number/);
    await refused(ws, () => mlops.evaluation.logMetric(run.runId, 'x'.repeat(251), 1), /at most 250/);
    await refused(ws, () => mlops.evaluation.logConfusionMatrix(run.runId, { actual: [1, 0], predicted: [1] }), /2 values but predicted has 1/);
    await refused(ws, () => mlops.lifeCycle.createRun({ experimentName: '  ' }), /experiment name must be a non-empty string/);
    await refused(ws, () => mlops.training.logHyperParameter(run.runId, 'p', 'v'.repeat(8001)), /at most 8000/);
    await mlops.lifeCycle.endRun(run.runId, 'failed');
    await refused(ws, () => mlops.evaluation.logMetric(run.runId, 'acc', 1), /has ended/);
    // A second process (a fresh context) also sees that the run ended.
    const other = await MLOpsContext.open({ workspace: ws });
    await refused(ws, () => other.evaluation.logMetric(run.runId, 'acc', 1), /has ended/);
    assert.ok(MLOpsError.prototype instanceof Error);
  });
});

describe('mlops command line', () => {
  // tsx is resolved from the repository, since the CLI runs in a temporary workspace.
  const tsx = pathToFileURL(require.resolve('tsx')).href;
  const cli = (ws: string, ...args: string[]) => spawnSync(process.execPath, ['--import', tsx, join(__dirname, '../../../src/cli.ts'), ...args], { cwd: ws, encoding: 'utf8' });

  it('starts a run, logs to it and shows everything as JSON', () => {
    const ws = tempWorkspace();
    const start = cli(ws, 'run', 'start', '--experiment', 'Shell', '--name', 'from bash');
    assert.equal(start.status, 0, start.stderr);
    const runId = start.stdout.trim();
    assert.equal(cli(ws, 'log', 'param', runId, 'max_depth', '5').status, 0);
    assert.equal(cli(ws, 'log', 'metric', runId, 'accuracy', '0.81', '--step', '3').status, 0);
    writeFileSync(join(ws, 'cm.csv'), ',0,1\n0,50,10\n1,5,35\n');
    assert.match(cli(ws, 'log', 'confusion-matrix', runId, 'cm.csv').stdout, /accuracy 0\.85/);
    assert.equal(cli(ws, 'log', 'data', runId, TITANIC, '--column', 'Sex').status, 0);
    assert.equal(cli(ws, 'run', 'end', runId).status, 0);
    const shown = JSON.parse(cli(ws, 'show', runId, '--json').stdout) as { name: string; status: string; params: Record<string, unknown>; metrics: { key: string; last: number; lastStep: number }[]; confusionMatrices: { report: { accuracy: number; classes: { recall: number }[] } }[]; distributions: { distribution: { kind: string; values: { value: string; count: number }[] } }[] };
    assert.equal(shown.name, 'from bash');
    assert.equal(shown.status, 'finished');
    assert.equal(shown.params.max_depth, 5);
    assert.deepEqual(shown.metrics.map((m) => [m.key, m.last, m.lastStep]), [['accuracy', 0.81, 3]]);
    assert.equal(shown.confusionMatrices[0].report.accuracy, 0.85);
    assert.equal(shown.confusionMatrices[0].report.classes[1].recall, 35 / 40);
    const sex = shown.distributions[0].distribution;
    assert.deepEqual(sex.values.map((v) => [v.value, v.count]).sort(), [['female', 314], ['male', 577]]);
    const runs = JSON.parse(cli(ws, 'runs', '--json').stdout) as { name: string; runs: { id: string }[] }[];
    assert.deepEqual(runs.map((e) => [e.name, e.runs.map((r) => r.id)]), [['Shell', [runId]]]);
  });

  it('profiles a file, and says what is wrong with bad input (exit code 2 or 1, a message on stderr)', () => {
    const ws = tempWorkspace();
    const p = JSON.parse(cli(ws, 'profile', TITANIC, '--json').stdout) as { profile: { rows: number; sha256: string } };
    assert.equal(p.profile.rows, 891);
    assert.equal(p.profile.sha256, execFileSync('sha256sum', [TITANIC], { encoding: 'utf8' }).split(' ')[0]);
    const bad = cli(ws, 'log', 'metric', 'nosuchrun', 'acc', 'high');
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr, /mlops: .*"high"/);
    const unknown = cli(ws, 'show', 'feedbeef');
    assert.match(unknown.stderr, /Unknown run id "feedbeef"/);
    assert.ok(!existsSync(join(ws, '.mlops/runs')) || statSync(join(ws, '.mlops/runs')).isDirectory());
  });
});
