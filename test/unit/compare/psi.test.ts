// Drift between two logged distributions: the population stability index, checked against a hand
// computation and against numpy (psi_oracle.py, an independent formulation of the same binning).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  DriftError, PSI_EPSILON, overlayBins, populationStabilityIndex, psiBuckets, psiFromCounts, psiVerdict,
} from '../../../src/core/compare';
import type { CategoricalDistribution, Distribution, NumericDistribution } from '../../../src/core/model';

const PYTHON = '/usr/bin/python3';
const ORACLE = join(__dirname, 'psi_oracle.py');

function numeric(edges: number[], counts: number[], nulls = 0): NumericDistribution {
  const valid = counts.reduce((a, b) => a + b, 0);
  return { kind: 'numeric', column: 'x', total: valid + nulls, nulls, edges, counts, quantiles: [] };
}

function categorical(values: [string, number][], other = 0, nulls = 0): CategoricalDistribution {
  const valid = values.reduce((a, [, c]) => a + c, 0) + other;
  return { kind: 'categorical', column: 'c', total: valid + nulls, nulls, values: values.map(([value, count]) => ({ value, count })), other };
}

const term = (a: number, e: number): number => (a - e) * Math.log(a / e);
const close = (x: number, y: number, tol = 1e-12, what = ''): void => assert.ok(Math.abs(x - y) <= tol * Math.max(1, Math.abs(y)), `${what} ${x} ≠ ${y}`);

describe('population stability index', () => {
  it('reads the usual thresholds: < 0.1 no change, 0.1–0.25 small, > 0.25 large', () => {
    assert.equal(psiVerdict(0), 'none');
    assert.equal(psiVerdict(0.0999), 'none');
    assert.equal(psiVerdict(0.1), 'small');
    assert.equal(psiVerdict(0.25), 'small');
    assert.equal(psiVerdict(0.2501), 'large');
  });

  it('is 0 for the same distribution', () => {
    const d = numeric([0, 1, 2, 3], [5, 10, 5], 2);
    const r = populationStabilityIndex(d, d);
    assert.equal(r.psi, 0);
    assert.equal(r.verdict, 'none');
  });

  it('matches a hand computation (four reference bins, each already a tenth or more of the rows)', () => {
    // Reference shares 10/20/30/40 %, compared run 25 % each, on the same edges: the buckets are the bins.
    const ref = numeric([0, 1, 2, 3, 4], [10, 20, 30, 40]);
    const other = numeric([0, 1, 2, 3, 4], [25, 25, 25, 25]);
    const r = populationStabilityIndex(ref, other);
    const hand = term(0.25, 0.1) + term(0.25, 0.2) + term(0.25, 0.3) + term(0.25, 0.4);
    close(r.psi, hand, 1e-12, 'psi');
    close(r.psi, 0.228218, 1e-5, 'psi (decimal)');
    assert.equal(r.verdict, 'small');
    assert.deepEqual(r.buckets.map((b) => b.label), ['< 1', '[1, 2)', '[2, 3)', '≥ 3']);
  });

  it('puts values outside the reference range into the open first and last buckets, and floors empty buckets at epsilon', () => {
    const ref = numeric([0, 1, 2, 3, 4], [10, 20, 30, 40]);
    const shifted = numeric([2, 3, 4, 5, 6], [25, 25, 25, 25]);
    const b = psiBuckets(ref, shifted);
    assert.deepEqual(b.actual, [0, 0, 25, 75], 'the compared run has nothing below 2 and 75 rows at 3 or more');
    const r = populationStabilityIndex(ref, shifted);
    const e = PSI_EPSILON;
    const hand = term(e, 0.1) + term(e, 0.2) + term(0.25, 0.3) + term(0.75, 0.4);
    close(r.psi, hand, 1e-12, 'psi');
    close(r.psi, 2.438634, 1e-5, 'psi (decimal)');
    assert.equal(r.verdict, 'large');
  });

  it('spreads a compared bin over the reference buckets it overlaps, evenly', () => {
    const ref = numeric([0, 1, 2], [50, 50]);
    const other = numeric([0.5, 1.5], [40]);
    assert.deepEqual(psiBuckets(ref, other).actual, [20, 20]);
  });

  it('merges the reference histogram into about ten buckets of equal share (approximate deciles)', () => {
    const edges = Array.from({ length: 21 }, (_, i) => i);
    const ref = numeric(edges, Array(20).fill(5));
    const b = psiBuckets(ref, ref);
    assert.equal(b.labels.length, 10);
    assert.deepEqual(b.expected, Array(10).fill(10));
    assert.deepEqual(b.labels.slice(0, 2), ['< 2', '[2, 4)']);
    assert.equal(b.labels[9], '≥ 18');
    // A skewed reference: one bin holds 60 % of the rows, so it becomes a bucket of its own.
    const skew = numeric([0, 1, 2, 3, 4, 5], [60, 10, 10, 10, 10]);
    assert.deepEqual(psiBuckets(skew, skew).expected, [60, 10, 10, 10, 10]);
  });

  it('counts nulls as one more bucket when either run has any', () => {
    const ref = numeric([0, 1, 2], [45, 45], 10);
    const other = numeric([0, 1, 2], [45, 45], 30);
    const b = psiBuckets(ref, other);
    assert.equal(b.labels.at(-1), '(null)');
    assert.deepEqual([b.expected.at(-1), b.actual.at(-1)], [10, 30]);
    const r = populationStabilityIndex(ref, other);
    const hand = 2 * term(45 / 120, 45 / 100) + term(30 / 120, 10 / 100);
    close(r.psi, hand, 1e-12);
  });

  it('compares categorical columns value by value, with the values past the top ones as one bucket', () => {
    const ref = categorical([['male', 577], ['female', 314]]);
    const other = categorical([['female', 400], ['male', 500]], 0, 9);
    const b = psiBuckets(ref, other);
    assert.deepEqual(b.labels, ['male', 'female', '(null)']);
    const r = populationStabilityIndex(ref, other);
    const hand = term(500 / 909, 577 / 891) + term(400 / 909, 314 / 891) + term(9 / 909, PSI_EPSILON);
    close(r.psi, hand, 1e-12);
    const withOther = psiBuckets(categorical([['a', 5], ['b', 3]], 2), categorical([['c', 4]], 6));
    assert.deepEqual(withOther, { labels: ['a', 'b', 'c', '(other values)'], expected: [5, 3, 0, 2], actual: [0, 0, 4, 6] });
  });

  it('refuses two kinds, or a distribution with no values, with a message that says so', () => {
    assert.throws(() => populationStabilityIndex(numeric([0, 1], [3]), categorical([['a', 3]])), (e: Error) => e instanceof DriftError && /numeric in one run and as categorical/.test(e.message));
    assert.throws(() => populationStabilityIndex(numeric([], []), numeric([0, 1], [3])), DriftError);
    assert.throws(() => psiFromCounts([0, 0], [1, 2]), /reference distribution has no values/);
    assert.throws(() => psiFromCounts([1], [1, 2]), DriftError);
  });

  it('overlays two histograms on their shared edges, or on a common grid when the edges differ', () => {
    const a = numeric([0, 1, 2], [1, 3]);
    const same = overlayBins(a, numeric([0, 1, 2], [2, 2]));
    assert.deepEqual(same, { kind: 'numeric', edges: [0, 1, 2], expected: [0.25, 0.75], actual: [0.5, 0.5] });
    const grid = overlayBins(a, numeric([1, 3], [4]), 4);
    assert.equal(grid.kind, 'numeric');
    if (grid.kind !== 'numeric') return;
    assert.deepEqual(grid.edges, [0, 0.75, 1.5, 2.25, 3]);
    const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
    close(sum(grid.expected), 1);
    close(sum(grid.actual), 1);
    assert.equal(grid.actual[0], 0, 'nothing of the second below 1');
    const cats = overlayBins(categorical([['x', 1], ['y', 3]], 0, 5), categorical([['y', 1]]));
    assert.deepEqual(cats, { kind: 'categorical', labels: ['x', 'y'], expected: [0.25, 0.75], actual: [0, 1] });
  });

  it('agrees with numpy on random numeric and categorical distributions', () => {
    assert.ok(existsSync(PYTHON), `${PYTHON} with numpy is needed for this test`);
    let seed = 7;
    const rnd = (): number => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    const hist = (lo: number, hi: number, bins: number, skew: number, nulls: number): NumericDistribution => {
      const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? hi : lo + ((hi - lo) * i) / bins));
      const counts = Array.from({ length: bins }, (_, i) => Math.round(1000 * Math.exp(-skew * i / bins) * rnd()));
      counts[0] += 1;
      return numeric(edges, counts, nulls);
    };
    const cases: { ref: Distribution; other: Distribution }[] = [];
    for (let k = 0; k < 40; k++) {
      const lo = -50 + 100 * rnd();
      const w = 1 + 200 * rnd();
      cases.push({
        ref: hist(lo, lo + w, 20, 4 * rnd(), k % 3 ? 0 : Math.round(50 * rnd())),
        other: hist(lo + (rnd() - 0.5) * w, lo + w * (0.5 + rnd()), 20, 4 * rnd(), k % 4 ? 0 : Math.round(50 * rnd())),
      });
    }
    const words = ['S', 'C', 'Q', 'x', 'y', 'z', '', 'long value'];
    for (let k = 0; k < 20; k++) {
      const pickValues = (): [string, number][] => words.filter(() => rnd() < 0.7).map((w) => [w, Math.round(500 * rnd())]);
      cases.push({ ref: categorical([['S', 10], ...pickValues()], k % 2 ? 0 : 30, k % 5 ? 0 : 4), other: categorical([['C', 3], ...pickValues()], k % 3 ? 12 : 0) });
    }
    // Value lists must not repeat a value (the profiler never does).
    for (const c of cases) for (const d of [c.ref, c.other]) if (d.kind === 'categorical') d.values = d.values.filter((v, i, a) => a.findIndex((x) => x.value === v.value) === i);
    const r = spawnSync(PYTHON, [ORACLE], { input: JSON.stringify(cases), encoding: 'utf8' });
    assert.equal(r.status, 0, `the numpy oracle failed: ${r.stderr}`);
    const expected = JSON.parse(r.stdout) as { psi: number; expected: number[]; actual: number[] }[];
    cases.forEach((c, i) => {
      const b = psiBuckets(c.ref, c.other);
      assert.equal(b.expected.length, expected[i].expected.length, `case ${i}: number of buckets`);
      b.actual.forEach((x, j) => close(x, expected[i].actual[j], 1e-9, `case ${i} bucket ${j}`));
      close(populationStabilityIndex(c.ref, c.other).psi, expected[i].psi, 1e-9, `case ${i} psi`);
    });
  });
});
