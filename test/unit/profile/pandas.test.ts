// The real datasets (test/fixtures/tabular, see SOURCES.md there) against pandas: row counts, types,
// nulls, distinct counts, describe() statistics, quantiles, value counts, numpy histograms and the
// SHA-256 that sha256sum prints.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { CategoricalDistribution, Distribution, NumericDistribution } from '../../../src/core/model';
import { QUANTILE_PS, profileFile, type ProfileResult } from '../../../src/core/profile';
import { FIXTURES, close, pandasBatch, sha256sum, type OracleResult } from './helpers';

const DATASETS = [
  { file: 'titanic-train.csv', sep: ',', decimal: '.', rows: 891, cols: 12 },
  { file: 'titanic-test.csv', sep: ',', decimal: '.', rows: 418, cols: 11 },
  { file: 'iris.csv', sep: ',', decimal: '.', rows: 150, cols: 5 },
  { file: 'penguins.csv', sep: ',', decimal: '.', rows: 344, cols: 7 },
  { file: 'winequality-red.csv', sep: ',', decimal: '.', rows: 1599, cols: 12 },
  { file: 'winequality-red-semicolon.csv', sep: ';', decimal: ',', rows: 1599, cols: 13 },
  { file: 'seattle-weather.csv', sep: ',', decimal: '.', rows: 1461, cols: 6 },
];

const ours = new Map<string, ProfileResult>();
const theirs = new Map<string, OracleResult>();

function isoToMs(iso: string): number {
  return Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso.endsWith('Z') ? iso : `${iso}Z`);
}

before(async () => {
  for (const d of DATASETS) ours.set(d.file, await profileFile(join(FIXTURES, d.file), { columns: ['*'] }));
  const jobs = DATASETS.map((d) => {
    const edges: Record<string, number[]> = {};
    for (const dist of (ours.get(d.file) as ProfileResult).distributions) if (dist.kind === 'numeric') edges[dist.column] = dist.edges;
    return { path: join(FIXTURES, d.file), sep: d.sep, decimal: d.decimal, quantiles: QUANTILE_PS, edges };
  });
  const out = pandasBatch(jobs);
  DATASETS.forEach((d, i) => theirs.set(d.file, out[i]));
});

for (const d of DATASETS) {
  describe(d.file, () => {
    it('rows, columns and the SHA-256 of the file', () => {
      const { profile } = ours.get(d.file) as ProfileResult;
      const pd = theirs.get(d.file) as OracleResult;
      assert.equal(profile.rows, d.rows);
      assert.equal(profile.rows, pd.rows);
      assert.deepEqual(profile.columns.map((c) => c.name), pd.columns.map((c) => c.name));
      assert.equal(profile.columns.length, d.cols);
      assert.equal(profile.format, 'csv');
      assert.equal(profile.sha256, sha256sum(join(FIXTURES, d.file)));
    });

    it('types, nulls and distinct counts agree with pandas', () => {
      const { profile } = ours.get(d.file) as ProfileResult;
      const pd = theirs.get(d.file) as OracleResult;
      profile.columns.forEach((c, i) => {
        const p = pd.columns[i];
        assert.equal(c.type, p.type, `${c.name}: type ${c.type}, pandas ${p.dtype} (${p.type})`);
        assert.equal(c.nulls, p.nulls, `${c.name}: nulls`);
        assert.equal(c.distinct, p.nunique, `${c.name}: distinct`);
        assert.equal(c.distinctExact, true);
      });
    });

    it('min, max, mean and std (ddof=1) agree with describe()', () => {
      const { profile } = ours.get(d.file) as ProfileResult;
      const pd = theirs.get(d.file) as OracleResult;
      profile.columns.forEach((c, i) => {
        const p = pd.columns[i];
        if (c.type === 'integer' || c.type === 'float') {
          close(c.min as number, p.min, `${c.name} min`);
          close(c.max as number, p.max, `${c.name} max`);
          close(c.mean, p.mean, `${c.name} mean`);
          close(c.std, p.std, `${c.name} std`);
        } else if (c.type === 'datetime') {
          assert.equal(isoToMs(c.min as string), p.dt_min_ms, `${c.name} min`);
          assert.equal(isoToMs(c.max as string), p.dt_max_ms, `${c.name} max`);
        } else {
          assert.equal(c.min, undefined);
          assert.equal(c.mean, undefined);
        }
      });
    });

    it('distributions: quantiles equal pandas quantile(), histograms equal numpy.histogram, counts equal value_counts()', () => {
      const { profile, distributions } = ours.get(d.file) as ProfileResult;
      const pd = theirs.get(d.file) as OracleResult;
      assert.equal(distributions.length, profile.columns.length);
      distributions.forEach((dist: Distribution, i) => {
        const p = pd.columns[i];
        const col = profile.columns[i];
        assert.equal(dist.column, col.name);
        assert.equal(dist.total, profile.rows);
        assert.equal(dist.nulls, col.nulls);
        if (dist.kind === 'numeric') {
          const n: NumericDistribution = dist;
          assert.ok(p.quantiles, `${col.name}: pandas has no quantiles for a ${p.type} column`);
          assert.deepEqual(n.quantiles.map((q) => q.p), QUANTILE_PS);
          n.quantiles.forEach((q, k) => assert.equal(q.value, (p.quantiles as number[])[k], `${col.name} quantile ${q.p}`));
          assert.equal(n.edges.length, 21);
          assert.equal(n.counts.length, 20);
          assert.deepEqual(n.counts, p.hist, `${col.name} histogram`);
          assert.equal(n.counts.reduce((a, b) => a + b, 0), profile.rows - col.nulls);
          assert.equal(n.rankError, undefined);
        } else {
          const c: CategoricalDistribution = dist;
          const vc = p.value_counts;
          for (const v of c.values) assert.equal(v.count, vc[v.value], `${col.name} = ${v.value}`);
          const shown = c.values.reduce((a, v) => a + v.count, 0);
          assert.equal(c.other, profile.rows - col.nulls - shown);
          assert.equal(c.values.length, Math.min(50, Object.keys(vc).length));
          // The top values really are the most frequent ones.
          const least = Math.min(...c.values.map((v) => v.count));
          const listed = new Set(c.values.map((v) => v.value));
          for (const [v, k] of Object.entries(vc)) if (!listed.has(v)) assert.ok(k <= least, `${col.name}: ${v} (${k}) left out`);
          assert.equal(c.countError, undefined);
        }
      });
    });
  });
}

describe('types the brief names', () => {
  it('titanic: Age float (has nulls), PassengerId integer, Name string, Survived integer', () => {
    const cols = new Map((ours.get('titanic-train.csv') as ProfileResult).profile.columns.map((c) => [c.name, c]));
    assert.equal(cols.get('Age')?.type, 'float');
    assert.equal(cols.get('Age')?.nulls, 177);
    assert.equal(cols.get('Cabin')?.nulls, 687);
    assert.equal(cols.get('Embarked')?.nulls, 2);
    assert.equal(cols.get('PassengerId')?.type, 'integer');
    assert.equal(cols.get('Name')?.type, 'string');
    assert.equal(cols.get('Survived')?.type, 'integer');
  });

  it('integer codes with few values are categorical, the rest numeric', () => {
    const kinds = new Map((ours.get('titanic-train.csv') as ProfileResult).distributions.map((d) => [d.column, d.kind]));
    for (const c of ['Survived', 'Pclass', 'SibSp', 'Parch', 'Sex', 'Embarked', 'Name']) assert.equal(kinds.get(c), 'categorical', c);
    for (const c of ['PassengerId', 'Age', 'Fare']) assert.equal(kinds.get(c), 'numeric', c);
    const wine = new Map((ours.get('winequality-red.csv') as ProfileResult).distributions.map((d) => [d.column, d.kind]));
    assert.equal(wine.get('quality'), 'categorical');
  });

  it('the semicolon copy of winequality (decimal commas) reads as the same numbers as the comma copy', () => {
    const a = (ours.get('winequality-red.csv') as ProfileResult).profile.columns;
    const b = (ours.get('winequality-red-semicolon.csv') as ProfileResult).profile.columns.slice(1);
    assert.equal((ours.get('winequality-red-semicolon.csv') as ProfileResult).profile.columns[0].name, 'Id');
    a.forEach((c, i) => {
      assert.equal(b[i].name, c.name);
      assert.equal(b[i].nulls, c.nulls);
      close(b[i].mean, c.mean, `${c.name} mean`);
      close(b[i].max as number, c.max as number, `${c.name} max`);
    });
  });

  it('seattle-weather: ISO dates are a datetime column', () => {
    const cols = new Map((ours.get('seattle-weather.csv') as ProfileResult).profile.columns.map((c) => [c.name, c]));
    assert.equal(cols.get('date')?.type, 'datetime');
    assert.equal(cols.get('date')?.min, '2012-01-01');
    assert.equal(cols.get('date')?.max, '2015-12-31');
    const dist = (ours.get('seattle-weather.csv') as ProfileResult).distributions.find((x) => x.column === 'date');
    assert.equal(dist?.kind, 'numeric');
    assert.equal((dist as NumericDistribution).unit, 'epoch-ms');
  });
});
