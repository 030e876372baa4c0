// Trains real classifiers from npm ML libraries on the Titanic data, several hyper-parameter settings
// each, and logs every attempt as a run with the MLOps SDK.
//
//   node --import tsx examples/titanic/train.ts [workspace]      (after `npm run build`)
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { DecisionTreeClassifier } from 'ml-cart';
import { RandomForestClassifier } from 'ml-random-forest';
import LogisticRegression from 'ml-logistic-regression';
import { Matrix } from 'ml-matrix';
import { MLOpsContext } from 'mlops-tracking';

export const DATA = join(__dirname, 'data', 'titanic-train.csv');

interface Passenger {
  Survived: string; Pclass: string; Sex: string; Age: string; SibSp: string; Parch: string; Fare: string; Embarked: string;
}

/** A seeded shuffle, so the same split (and the same runs) come out every time. */
function mulberry32(seed: number): () => number {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function loadTitanic(): { features: number[][]; labels: number[]; rows: Passenger[] } {
  const rows = parse(readFileSync(DATA), { columns: true, skip_empty_lines: true }) as Passenger[];
  const ages = rows.filter((r) => r.Age !== '').map((r) => Number(r.Age)).sort((a, b) => a - b);
  const medianAge = ages[Math.floor(ages.length / 2)];
  const embarked: Record<string, number> = { S: 0, C: 1, Q: 2 };
  const features = rows.map((r) => [
    Number(r.Pclass), r.Sex === 'female' ? 1 : 0, r.Age === '' ? medianAge : Number(r.Age),
    Number(r.SibSp), Number(r.Parch), Number(r.Fare), embarked[r.Embarked] ?? 0,
  ]);
  return { features, labels: rows.map((r) => Number(r.Survived)), rows };
}

export function split<T>(items: T[], testShare: number, seed: number): { train: T[]; test: T[] } {
  const rnd = mulberry32(seed);
  const idx = items.map((_, i) => i);
  for (let i = idx.length - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [idx[i], idx[j]] = [idx[j], idx[i]]; }
  const nTest = Math.round(items.length * testShare);
  return { test: idx.slice(0, nTest).map((i) => items[i]), train: idx.slice(nTest).map((i) => items[i]) };
}

function standardiser(rows: number[][]): (row: number[]) => number[] {
  const n = rows.length;
  const mean = rows[0].map((_, j) => rows.reduce((s, r) => s + r[j], 0) / n);
  const sd = rows[0].map((_, j) => Math.sqrt(rows.reduce((s, r) => s + (r[j] - mean[j]) ** 2, 0) / (n - 1)) || 1);
  return (row) => row.map((x, j) => (x - mean[j]) / sd[j]);
}

interface Model { train(x: number[][] | Matrix, y: number[] | Matrix): void; predict(x: number[][] | Matrix): number[] | Matrix }

/** The attempts: one trainer and its settings each. */
export const ATTEMPTS: { name: string; make: () => Model; matrixInput?: boolean }[] = [
  { name: 'tree depth 3', make: () => new DecisionTreeClassifier({ gainFunction: 'gini', maxDepth: 3, minNumSamples: 3 }) as unknown as Model },
  { name: 'tree depth 5', make: () => new DecisionTreeClassifier({ gainFunction: 'gini', maxDepth: 5, minNumSamples: 3 }) as unknown as Model },
  { name: 'tree depth 8', make: () => new DecisionTreeClassifier({ gainFunction: 'gini', maxDepth: 8, minNumSamples: 3 }) as unknown as Model },
  { name: 'forest 25 trees', make: () => new RandomForestClassifier({ nEstimators: 25, maxFeatures: 0.8, replacement: true, seed: 3, treeOptions: { maxDepth: 6 } }) as unknown as Model },
  { name: 'logistic regression', make: () => new LogisticRegression({ numSteps: 1500, learningRate: 5e-3 }) as unknown as Model, matrixInput: true },
];

export async function trainAll(workspace: string, log: (line: string) => void = console.log): Promise<string[]> {
  const mlops = await MLOpsContext.open({ workspace });
  const { features, labels } = loadTitanic();
  const data = split(features.map((x, i) => ({ x, y: labels[i] })), 0.2, 42);
  const runIds: string[] = [];
  for (const attempt of ATTEMPTS) {
    const run = await mlops.lifeCycle.createRun({ experimentName: 'Titanic', name: attempt.name });
    try {
      await mlops.data.logData(run.runId, DATA);
      for (const column of ['Age', 'Sex', 'Pclass', 'Survived']) await mlops.data.logDataDistribution(run.runId, DATA, column);
      const testRows = data.test.map(({ x, y }) => ({ Pclass: x[0], Sex: x[1] ? 'female' : 'male', Age: x[2], SibSp: x[3], Parch: x[4], Fare: x[5], Survived: y }));
      await mlops.data.logData(run.runId, testRows, { name: 'test split' });

      const model = attempt.make();
      let xTrain = data.train.map((d) => d.x);
      let xTest = data.test.map((d) => d.x);
      if (attempt.matrixInput) {
        // Gradient descent needs features on one scale: standardise with the training split's mean and sd.
        const scale = standardiser(xTrain);
        xTrain = xTrain.map(scale);
        xTest = xTest.map(scale);
      }
      const t0 = Date.now();
      if (attempt.matrixInput) model.train(new Matrix(xTrain), Matrix.columnVector(data.train.map((d) => d.y)));
      else model.train(xTrain, data.train.map((d) => d.y));
      await mlops.lifeCycle.setTrainingTime(run.runId, Date.now() - t0);
      await mlops.training.logHyperParameters(run.runId, model);

      const raw = attempt.matrixInput ? model.predict(new Matrix(xTest)) : model.predict(xTest);
      const predicted = (Array.isArray(raw) ? raw : (raw as Matrix).to1DArray()).map((p) => (Number(p) >= 0.5 ? 1 : 0));
      const actual = data.test.map((d) => d.y);
      const { report } = await mlops.evaluation.logConfusionMatrix(run.runId, { actual: actual.map(String), predicted: predicted.map(String) }, { name: 'test' });
      await mlops.evaluation.logMetrics(run.runId, {
        accuracy: report.accuracy,
        precision: report.classes.find((c) => c.label === '1')?.precision ?? 0,
        recall: report.classes.find((c) => c.label === '1')?.recall ?? 0,
        f1: report.macro.f1,
      });
      await mlops.lifeCycle.endRun(run.runId, 'finished');
      log(`${attempt.name}: accuracy ${report.accuracy.toFixed(3)} (run ${run.runId})`);
      runIds.push(run.runId);
    } catch (e) {
      await mlops.lifeCycle.endRun(run.runId, 'failed');
      throw e;
    }
  }
  return runIds;
}

if (require.main === module) {
  trainAll(resolve(process.argv[2] ?? '.')).catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
