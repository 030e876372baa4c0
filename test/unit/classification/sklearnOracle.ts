// Runs test/oracles/classification_report.py (scikit-learn) and compares its output with ours.
// A machine without scikit-learn FAILS these tests (never skips): the oracle is the specification.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ClassificationReport, ConfusionMatrix } from '../../../src/core/model';

export const ROOT = join(__dirname, '..', '..', '..');
const PYTHON = '/usr/bin/python3';
const ORACLE = join(ROOT, 'test', 'oracles', 'classification_report.py');
const SETUP = 'scikit-learn is needed for these tests: run `node scripts/setup-harness.mjs` (as root) to install it';

export type OracleLabel = string | number | boolean;
type Scores = { precision: number; recall: number; 'f1-score': number; support: number };
export interface OracleResult {
  sklearn: string;
  labels: string[];
  confusion_matrix: number[][];
  report: Record<string, Scores | number>;
}

export interface OracleCase { yTrue: readonly OracleLabel[]; yPred: readonly OracleLabel[]; labels?: readonly OracleLabel[] }

/** Runs scikit-learn on many cases in one Python process (importing scikit-learn alone takes about a second). */
export function sklearnBatch(cases: readonly OracleCase[]): OracleResult[] {
  if (!existsSync(PYTHON)) assert.fail(`${PYTHON} is missing. ${SETUP}`);
  const r = spawnSync(PYTHON, [ORACLE], {
    input: JSON.stringify(cases.map((c) => ({ y_true: c.yTrue, y_pred: c.yPred, labels: c.labels ?? null }))),
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (r.error) assert.fail(`could not run ${PYTHON}: ${r.error.message}. ${SETUP}`);
  if (r.status === 3) assert.fail(`${SETUP} (${r.stderr.trim()})`);
  if (r.status !== 0) assert.fail(`the scikit-learn oracle failed (exit ${r.status}):\n${r.stderr}`);
  const out = JSON.parse(r.stdout) as OracleResult[];
  assert.equal(out.length, cases.length);
  return out;
}

export function sklearn(yTrue: readonly OracleLabel[], yPred: readonly OracleLabel[], labels?: readonly OracleLabel[]): OracleResult {
  return sklearnBatch([{ yTrue, yPred, labels }])[0];
}

/**
 * Within a few ulps: another scikit-learn/numpy may order a sum or an F1 formula differently.
 * With Debian bookworm's scikit-learn 1.2.1 every figure is bit-identical; ORACLE_EXACT=1 asserts that.
 */
export function close(actual: number, expected: number, what: string): void {
  const tol = process.env.ORACLE_EXACT ? 0 : 4 * Number.EPSILON * Math.max(1, Math.abs(expected));
  assert.ok(Math.abs(actual - expected) <= tol, `${what}: ours ${actual}, scikit-learn ${expected}`);
}

/**
 * Compares our matrix and report with scikit-learn's, class by class in label order.
 * `names` maps our label strings to scikit-learn's report keys when they differ (booleans: true -> "True").
 */
export function assertMatchesSklearn(
  cm: ConfusionMatrix, report: ClassificationReport, oracle: OracleResult, names: (l: string) => string = (l) => l,
): void {
  assert.deepEqual(cm.labels.map(names), oracle.labels, 'label order');
  assert.deepEqual(cm.counts, oracle.confusion_matrix, 'confusion matrix');
  const rep = oracle.report;
  report.classes.forEach((c, i) => {
    const s = rep[oracle.labels[i]] as Scores;
    assert.ok(s, `scikit-learn has no row for ${oracle.labels[i]}`);
    close(c.precision, s.precision, `${c.label} precision`);
    close(c.recall, s.recall, `${c.label} recall`);
    close(c.f1, s['f1-score'], `${c.label} f1`);
    assert.equal(c.support, s.support, `${c.label} support`);
  });
  // With labels beyond those present, scikit-learn reports "micro avg" instead of "accuracy"; for
  // single-label data its precision is the accuracy.
  const acc = typeof rep.accuracy === 'number' ? rep.accuracy : (rep['micro avg'] as Scores).precision;
  close(report.accuracy, acc, 'accuracy');
  for (const [ours, key] of [[report.macro, 'macro avg'], [report.weighted, 'weighted avg']] as const) {
    const s = rep[key] as Scores;
    close(ours.precision, s.precision, `${key} precision`);
    close(ours.recall, s.recall, `${key} recall`);
    close(ours.f1, s['f1-score'], `${key} f1`);
    assert.equal(ours.support, s.support, `${key} support`);
  }
}

/** mulberry32: a small seeded generator, so the random cases are the same on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
