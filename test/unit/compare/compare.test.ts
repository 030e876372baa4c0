// The comparison logic: parameter differences, best values by direction, deltas, decimation, dataset
// versions and schemas, and confusion-matrix differences.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classificationReport } from '../../../src/core/classification';
import {
  alignMatrices, bestIndices, cellChange, changeOf, classDeltas, commonKeys, decimateMinMax, delta, differsFromBaseline,
  diffParams, hashSummary, matrixDiff, pick, sameValue, schemaDiff, valuesDiffer,
} from '../../../src/core/compare';
import type { ColumnProfile, DatasetProfile } from '../../../src/core/model';

describe('parameters', () => {
  it('lists every parameter once, by name, and marks those whose values differ (a missing value differs)', () => {
    const rows = diffParams([
      [{ key: 'maxDepth', value: 3 }, { key: 'gainFunction', value: 'gini' }, { key: 'minNumSamples', value: 3 }],
      [{ key: 'maxDepth', value: 5 }, { key: 'gainFunction', value: 'gini' }, { key: 'minNumSamples', value: 3 }],
      [{ key: 'maxDepth', value: 8 }, { key: 'gainFunction', value: 'gini' }, { key: 'minNumSamples', value: 3 }, { key: 'seed', value: null }],
    ]);
    assert.deepEqual(rows.map((r) => [r.key, r.differs, r.numeric]), [
      ['gainFunction', false, false], ['maxDepth', true, true], ['minNumSamples', false, true], ['seed', true, false],
    ]);
    assert.deepEqual(rows.find((r) => r.key === 'seed')?.values, [undefined, undefined, null]);
  });

  it('compares values with their types: 5 and "5" differ, NaN equals NaN, null is a value', () => {
    assert.equal(sameValue(5, '5'), false);
    assert.equal(sameValue(NaN, NaN), true);
    assert.equal(sameValue(null, undefined), false);
    assert.equal(valuesDiffer([1, 1, 1]), false);
    assert.equal(valuesDiffer([1, 1, undefined]), true);
    assert.deepEqual(differsFromBaseline([3, 5, 3, undefined], 2), [false, true, false, true]);
  });

  it('sorts names naturally (layer2 before layer10)', () => {
    assert.deepEqual(diffParams([[{ key: 'layer10', value: 1 }, { key: 'Layer2', value: 1 }, { key: 'alpha', value: 1 }]]).map((r) => r.key), ['alpha', 'Layer2', 'layer10']);
  });
});

describe('metrics', () => {
  it('marks the best run by direction, all of them on a tie, never a NaN', () => {
    assert.deepEqual(bestIndices([0.8, 0.85, 0.83], 'max'), [1]);
    assert.deepEqual(bestIndices([0.8, 0.85, 0.83], 'min'), [0]);
    assert.deepEqual(bestIndices([0.85, NaN, 0.85], 'max'), [0, 2]);
    assert.deepEqual(bestIndices([NaN, NaN], 'max'), []);
    assert.deepEqual(bestIndices([1, -Infinity], 'min'), [1], 'infinities are values');
  });

  it('gives the difference to the baseline, absolute and relative', () => {
    assert.deepEqual(delta(0.84, 0.8), { abs: 0.84 - 0.8, rel: (0.84 - 0.8) / 0.8 });
    assert.deepEqual(delta(-1, -2), { abs: 1, rel: 0.5 }, 'relative to the baseline’s magnitude');
    assert.deepEqual(delta(3, 0), { abs: 3, rel: null });
    assert.equal(delta(NaN, 1), null);
    assert.equal(delta(Infinity, Infinity), null);
    assert.deepEqual(delta(Infinity, 1), { abs: Infinity, rel: null });
    assert.equal(changeOf(0.1, 'max'), 'better');
    assert.equal(changeOf(0.1, 'min'), 'worse');
    assert.equal(changeOf(-0.1, 'min'), 'better');
    assert.equal(changeOf(0, 'min'), 'same');
  });

  it('finds the metrics every run logged', () => {
    assert.deepEqual(commonKeys([['accuracy', 'loss'], ['loss', 'accuracy', 'f1'], ['accuracy']]), ['accuracy']);
    assert.deepEqual(commonKeys([['loss'], ['accuracy']]), []);
    assert.deepEqual(commonKeys([]), []);
  });
});

describe('history decimation', () => {
  it('keeps short series whole', () => {
    assert.equal(decimateMinMax([1, 2, 3], 10), null);
  });

  it('keeps the first and last point and each bucket’s extremes, in order', () => {
    const n = 100_000;
    const values = Float64Array.from({ length: n }, (_, i) => Math.sin(i / 50) + (i === 54_321 ? 10 : 0) - (i === 77_777 ? 10 : 0));
    const keep = decimateMinMax(values, 2000)!;
    assert.ok(keep.length <= 2000, `${keep.length} points`);
    assert.equal(keep[0], 0);
    assert.equal(keep[keep.length - 1], n - 1);
    for (let i = 1; i < keep.length; i++) assert.ok(keep[i] > keep[i - 1], 'strictly increasing');
    assert.ok(keep.includes(54_321), 'the peak stays');
    assert.ok(keep.includes(77_777), 'the dip stays');
    const picked = pick(values, keep);
    assert.equal(Math.max(...picked), Math.max(...values));
    assert.equal(Math.min(...picked), Math.min(...values));
  });

  it('keeps a point of a bucket with no finite value, so the gap shows', () => {
    const values = [1, ...Array(50).fill(NaN), 2, ...Array(48).fill(3)];
    const keep = decimateMinMax(values, 10)!;
    assert.ok([...keep].some((i) => Number.isNaN(values[i])));
  });
});

const col = (name: string, type: ColumnProfile['type']): ColumnProfile => ({ name, type, nulls: 0, distinct: 1, distinctExact: true });
const ds = (sha256: string, columns: ColumnProfile[], rows = 712): DatasetProfile => ({ name: 'train.csv', source: 'train.csv', format: 'csv', rows, sha256, columns });

describe('datasets', () => {
  it('groups the runs by content hash', () => {
    const a = ds('aa', []);
    const s = hashSummary([a, ds('aa', []), null, ds('bb', [], 700)]);
    assert.deepEqual(s.versions, [{ sha256: 'aa', rows: 712, runs: [0, 1] }, { sha256: 'bb', rows: 700, runs: [3] }]);
    assert.deepEqual(s.missing, [2]);
    assert.equal(s.allEqual, false);
    assert.equal(hashSummary([a, ds('aa', [])]).allEqual, true);
    assert.equal(hashSummary([a, null]).allEqual, false, 'one run is not "all equal"');
    assert.deepEqual(hashSummary([ds('', [])]).missing, [0], 'distributions only: no hash');
  });

  it('lists columns added, removed and retyped against the baseline', () => {
    const base = [col('Age', 'float'), col('Sex', 'string'), col('Fare', 'float')];
    const next = [col('Age', 'integer'), col('Sex', 'string'), col('Cabin', 'string')];
    const d = schemaDiff([base, next, null, base], 0);
    assert.equal(d.same, false);
    assert.deepEqual(d.columns.map((c) => [c.name, c.types, c.differs]), [
      ['Age', ['float', 'integer', undefined, 'float'], true],
      ['Sex', ['string', 'string', undefined, 'string'], false],
      ['Fare', ['float', null, undefined, 'float'], true],
      ['Cabin', [null, 'string', undefined, null], true],
    ]);
    assert.deepEqual(d.changes[1], { added: ['Cabin'], removed: ['Fare'], retyped: [{ name: 'Age', from: 'float', to: 'integer' }] });
    assert.deepEqual(d.changes[2], { added: [], removed: [], retyped: [] });
    assert.deepEqual(d.changes[3], { added: [], removed: [], retyped: [] });
    assert.equal(schemaDiff([base, base], 1).same, true);
  });
});

describe('confusion matrices', () => {
  const A = { labels: ['0', '1'], counts: [[98, 12], [21, 48]] };
  const B = { labels: ['0', '1'], counts: [[101, 9], [24, 45]] };

  it('aligns two matrices on the union of their labels', () => {
    const m = alignMatrices({ labels: ['a', 'b'], counts: [[1, 2], [3, 4]] }, { labels: ['c', 'a'], counts: [[5, 6], [7, 8]] });
    assert.deepEqual(m.labels, ['a', 'b', 'c']);
    assert.deepEqual(m.a.counts, [[1, 2, 0], [3, 4, 0], [0, 0, 0]]);
    assert.deepEqual(m.b.counts, [[8, 0, 7], [0, 0, 0], [6, 0, 5]]);
  });

  it('differences counts or shares cell by cell; more on the diagonal is better', () => {
    const d = matrixDiff(A, B, 'none');
    assert.deepEqual(d.diff, [[3, -3], [3, -3]]);
    assert.equal(cellChange(0, 0, 3), 'better');
    assert.equal(cellChange(0, 1, -3), 'better');
    assert.equal(cellChange(1, 0, 3), 'worse');
    assert.equal(cellChange(1, 1, -3), 'worse');
    assert.equal(cellChange(1, 1, 0), 'same');
    const r = matrixDiff(A, B, 'row');
    assert.ok(Math.abs(r.diff[0][0] - (101 / 110 - 98 / 110)) < 1e-15);
  });

  it('gives per-class recall and precision changes equal to the two reports', () => {
    const x = classDeltas(A, B);
    const ra = classificationReport(A);
    const rb = classificationReport(B);
    x.classes.forEach((c, i) => {
      assert.equal(c.recall.a, ra.classes[i].recall);
      assert.equal(c.recall.b, rb.classes[i].recall);
      assert.equal(c.recall.delta, rb.classes[i].recall - ra.classes[i].recall);
      assert.equal(c.precision.delta, rb.classes[i].precision - ra.classes[i].precision);
      assert.deepEqual(c.support, { a: ra.classes[i].support, b: rb.classes[i].support });
    });
    assert.equal(x.accuracy.delta, rb.accuracy - ra.accuracy);
    assert.equal(x.classes[1].recall.delta, 45 / 69 - 48 / 69);
  });
});
