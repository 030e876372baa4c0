// Differential test: seeded random CSV/TSV files full of quirks (quoted delimiters, quotes and line
// breaks, every null spelling, CRLF, decimal commas, 17+ digit numbers, leading zeros, dates, mixed
// columns) profiled by us and by pandas; every figure must agree.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { QUANTILE_PS, profileFile, type ProfileResult } from '../../../src/core/profile';
import { close, pandasBatch, tempDir, type OracleResult } from './helpers';

const tmp = tempDir();
after(() => tmp.cleanup());

const FILES = 24;
const NULLS = ['', 'NA', 'nan', 'NULL', 'None', 'N/A', '-nan', '#N/A', '<NA>', 'null', 'NaN'];
const KINDS = ['int', 'zeros', 'float', 'exp', 'long', 'bool', 'date', 'datetime', 'text', 'mixed', 'small'];

function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 4294967296;
  };
}

interface Case { path: string; sep: string; decimal: string }

function makeCase(i: number): Case {
  const r = rng(1000 + i);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)];
  const [sep, decimal] = pick([[',', '.'], [',', '.'], [';', ','], ['\t', '.']] as const);
  const digit = () => Math.floor(r() * 10);
  const cell = (kind: string): string => {
    if (r() < 0.1) return pick(NULLS);
    switch (kind) {
      case 'int': return String(Math.floor(r() * 2000) - 1000);
      case 'zeros': return String(Math.floor(r() * 1e5)).padStart(pick([1, 3, 7]), '0');
      case 'float': return (r() * 1000 - 500).toFixed(Math.floor(r() * 6));
      case 'exp': return `${(r() * 10).toFixed(3)}e${Math.floor(r() * 10) - 5}`;
      case 'long': return (r() * 1e-3).toPrecision(17 + Math.floor(r() * 3));
      case 'bool': return pick(['True', 'False', 'TRUE', 'false']);
      case 'date': return `20${10 + digit()}-0${1 + Math.floor(r() * 9)}-1${digit()}`;
      case 'datetime': return `2020-0${1 + Math.floor(r() * 9)}-1${digit()} ${pick(['0', '1'])}${digit()}:${Math.floor(r() * 6)}${digit()}:0${digit()}`;
      case 'text': return pick(['a', 'b', 'hello world', 'x,y', 'p;q', 't\tu', 'say "hi"', 'multi\nline', 'ünï', ' spaced ', '1a', '-']);
      case 'mixed': return pick(['1', '2.5', 'abc', '3']);
      default: return String(Math.floor(r() * 4));
    }
  };
  const quote = (s: string) => (/[,;\t"\n\r]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s);
  // A ;-file with decimal commas has at least one such column, and no 1.5e3 (ambiguous there).
  const kinds = Array.from({ length: 2 + Math.floor(r() * 6) }, () => pick(KINDS)).map((k) => (decimal === ',' && k === 'exp' ? 'float' : k));
  if (decimal === ',') kinds.push('float');
  const rows = 1 + Math.floor(r() * 300);
  const eol = pick(['\n', '\r\n']);
  const lines = [kinds.map((k, j) => `${k}${j}`).join(sep)];
  for (let n = 0; n < rows; n++) {
    lines.push(kinds.map((k) => {
      let c = cell(k);
      if (decimal === ',' && /^-?\d*\.\d+$/.test(c)) c = c.replace('.', ',');
      return quote(c);
    }).join(sep));
  }
  const path = tmp.file(`r${i}.${sep === '\t' ? 'tsv' : 'csv'}`, lines.join(eol) + (r() < 0.8 ? eol : ''));
  return { path, sep, decimal };
}

const cases: Case[] = [];
const ours: ProfileResult[] = [];
let theirs: OracleResult[] = [];

before(async () => {
  for (let i = 0; i < FILES; i++) cases.push(makeCase(i));
  for (const c of cases) ours.push(await profileFile(c.path, { columns: ['*'] }));
  theirs = pandasBatch(cases.map((c, i) => {
    const edges: Record<string, number[]> = {};
    for (const d of ours[i].distributions) if (d.kind === 'numeric') edges[d.column] = d.edges;
    return { path: c.path, sep: c.sep, decimal: c.decimal, quantiles: QUANTILE_PS, edges };
  }));
});

describe('random quirky files against pandas', () => {
  for (let i = 0; i < FILES; i++) {
    it(`file ${i}`, () => {
      const { profile, distributions } = ours[i];
      const pd = theirs[i];
      assert.equal(profile.rows, pd.rows);
      profile.columns.forEach((c, j) => {
        const p = pd.columns[j];
        const what = `${cases[i].path} ${c.name}`;
        assert.equal(c.name, p.name);
        assert.equal(c.type, p.type, `${what}: type (pandas ${p.dtype})`);
        assert.equal(c.nulls, p.nulls, `${what}: nulls`);
        assert.equal(c.distinct, p.nunique, `${what}: distinct`);
        if (c.type === 'integer' || c.type === 'float') {
          close(c.min as number, p.min, `${what} min`);
          close(c.max as number, p.max, `${what} max`);
          close(c.mean, p.mean, `${what} mean`);
          if (p.std !== null) close(c.std, p.std, `${what} std`);
        }
        const d = distributions[j];
        if (d.kind === 'numeric') {
          d.quantiles.forEach((q, k) => assert.equal(q.value, (p.quantiles as number[])[k], `${what} quantile ${q.p}`));
          assert.deepEqual(d.counts, p.hist, `${what} histogram`);
        } else {
          for (const v of d.values) assert.equal(v.count, p.value_counts[v.value], `${what} = ${JSON.stringify(v.value)}`);
        }
      });
    });
  }
});
