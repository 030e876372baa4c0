// Past the exact bounds: HyperLogLog distinct counts, heavy-hitter value counts, the quantile sketch;
// each within its documented error. And the exact helpers (selection, binning) against plain sorting.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { CategoricalDistribution, NumericDistribution } from '../../../src/core/model';
import { profileFile } from '../../../src/core/profile';
import { Binner, QuantileSketch, histogramEdges, linearQuantile, ranksFor, selectRanks, weightedOrderStat } from '../../../src/core/profile/quantiles';
import { ByteTable, HyperLogLog, hashBytes } from '../../../src/core/profile/tables';
import { tempDir } from './helpers';

const tmp = tempDir();
after(() => tmp.cleanup());

/** Deterministic pseudo-random numbers (xorshift), so failures reproduce. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

const sorted = (a: Float64Array) => Float64Array.from(a).sort();

describe('exact helpers', () => {
  it('selectRanks gives the values a full sort puts at those ranks', () => {
    const r = rng(7);
    for (const n of [1, 2, 5, 49, 1000, 100_003]) {
      const a = Float64Array.from({ length: n }, () => Math.floor(r() * 50) - 25 + (r() < 0.1 ? r() : 0));
      const s = sorted(a);
      const ranks = ranksFor(n, [0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99, 1]);
      const got = selectRanks(Float64Array.from(a), n, ranks);
      for (const k of ranks) assert.equal(got.get(k), s[k], `n=${n} rank ${k}`);
    }
  });

  it('linearQuantile follows numpy: lerp from the upper neighbour when the weight is >= 0.5', () => {
    const s = Float64Array.from([1, 2, 4, 8]);
    const at = (k: number) => s[k];
    assert.equal(linearQuantile(4, 0, at), 1);
    assert.equal(linearQuantile(4, 1, at), 8);
    assert.equal(linearQuantile(4, 0.5, at), 3);
    assert.equal(linearQuantile(4, 0.75, at), 5);
    assert.equal(linearQuantile(1, 0.3, () => 42), 42);
  });

  it('Binner puts values on edges in the upper bin, the maximum in the last, like numpy.histogram', () => {
    const edges = histogramEdges(0, 1, 10);
    const b = new Binner(edges);
    for (const x of [0, 0.1, 0.2, 0.30000000000000004, 0.3, 0.999, 1]) b.add(x, 1);
    const naive = new Array(10).fill(0);
    for (const x of [0, 0.1, 0.2, 0.30000000000000004, 0.3, 0.999, 1]) {
      let i = edges.findIndex((e, k) => k < 10 && x >= e && (x < edges[k + 1] || k === 9));
      if (i < 0) i = 9;
      naive[i]++;
    }
    assert.deepEqual(Array.from(b.counts), naive);
    assert.deepEqual(histogramEdges(5, 5, 2), [4.5, 5, 5.5]);
  });
});

describe('estimates past the bounds', () => {
  it('HyperLogLog: within 3% (about 4 standard errors) from 10^4 to 10^6 distinct values', () => {
    for (const n of [10_000, 200_000, 1_000_000]) {
      const h = new HyperLogLog();
      const b = Buffer.alloc(16);
      for (let i = 0; i < n; i++) {
        const len = b.write(`k${i}`);
        h.add(hashBytes(b, 0, len));
      }
      const est = h.estimate();
      assert.ok(Math.abs(est - n) / n < 0.03, `n=${n} estimate ${est}`);
    }
  });

  it('heavy hitters: every kept count is low by at most `decrement`, and decrement <= n / (k + 1)', () => {
    const r = rng(3);
    const k = 1000;
    const t = new ByteTable(k, 1 << 24);
    t.enableHeavyHitters();
    const truth = new Map<string, number>();
    const b = Buffer.alloc(16);
    const n = 300_000;
    for (let i = 0; i < n; i++) {
      // Zipf-like: a few frequent keys and a long tail.
      const key = r() < 0.5 ? `hot${Math.floor(r() * 20)}` : `tail${Math.floor(r() * 100_000)}`;
      truth.set(key, (truth.get(key) ?? 0) + 1);
      const len = b.write(key);
      t.add(b, 0, len, hashBytes(b, 0, len));
    }
    assert.ok(t.decrement <= n / (k + 1), `decrement ${t.decrement}`);
    const kept = new Map<string, number>();
    for (let e = 0; e < t.size; e++) kept.set(t.keyString(e), t.counts[e]);
    for (const [key, count] of truth) {
      const est = kept.get(key) ?? 0;
      assert.ok(est <= count && count - est <= t.decrement, `${key}: true ${count}, kept ${est}, decrement ${t.decrement}`);
    }
    for (let i = 0; i < 20; i++) assert.ok(kept.has(`hot${i}`));
  });

  it('the quantile sketch: every rank within rankError, and rankError within n ceil(log2(n/k)) / k', () => {
    const r = rng(11);
    const n = 1_000_000;
    const k = 4096;
    const sk = new QuantileSketch(k);
    const all = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const x = r() < 0.3 ? Math.floor(r() * 100) : r() * 1e6 - 5e5;
      all[i] = x;
      sk.add(x);
    }
    const s = sorted(all);
    assert.ok(sk.rankError <= (n * Math.ceil(Math.log2(n / k))) / k, `rankError ${sk.rankError}`);
    const { values, weights } = sk.weighted();
    assert.equal(weights.reduce((a, b) => a + b, 0), n);
    const at = weightedOrderStat(values, weights);
    for (const q of [0, 0.001, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99, 1]) {
      const rank = Math.round(q * (n - 1));
      const v = at(rank);
      // The value returned for this rank sits between the true values rankError ranks either side.
      const lo = s[Math.max(0, rank - sk.rankError)];
      const hi = s[Math.min(n - 1, rank + sk.rankError)];
      assert.ok(v >= lo && v <= hi, `q=${q}: ${v} not in [${lo}, ${hi}]`);
    }
  });

  it('a column with more distinct values than the exact bound: estimates, flagged, and exact quantiles still', async () => {
    const n = 200_000;
    const r = rng(5);
    const lines: string[] = [];
    const ids = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const id = i * 3 + 1;
      ids[i] = id;
      lines.push(`${id},${r() < 0.4 ? 'common' : `name${i}`},${(r() * 1000).toFixed(3)}`);
    }
    const p = tmp.file('wide.csv', `id,name,x\n${lines.join('\n')}\n`);
    const res = await profileFile(p, { columns: ['*'] });
    const id = res.profile.columns[0];
    assert.equal(id.type, 'integer');
    assert.equal(id.distinctExact, false);
    assert.ok(Math.abs(id.distinct - n) / n < 0.03, `id distinct ${id.distinct}`);
    const name = res.profile.columns[1];
    assert.equal(name.distinctExact, false);
    const names = res.distributions[1] as CategoricalDistribution;
    assert.equal(names.values[0].value, 'common');
    assert.ok(typeof names.countError === 'number');
    assert.ok(names.values[0].count <= 0.45 * n && names.values[0].count >= 0.35 * n - (names.countError ?? 0));
    // Past the distinct bound the values are kept (within the value budget): quantiles stay exact.
    const d = res.distributions[0] as NumericDistribution;
    assert.equal(d.rankError, undefined);
    const s = sorted(ids);
    assert.equal(d.quantiles.find((q) => q.p === 0.5)?.value, linearQuantile(n, 0.5, (k) => s[k]));
    assert.equal(d.quantiles.find((q) => q.p === 0.99)?.value, linearQuantile(n, 0.99, (k) => s[k]));
    assert.equal(d.counts.reduce((a, b) => a + b, 0), n);
    assert.equal(id.mean, s.reduce((a, b) => a + b, 0) / n);
  });
});
