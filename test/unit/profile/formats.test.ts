// JSON Lines, JSON arrays, Parquet and in-memory rows: the same data profiles the same way in every
// format; the hash is over the file bytes (or the documented canonical form for in-memory rows).
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CategoricalDistribution, NumericDistribution } from '../../../src/core/model';
import { canonicalJson, distributionOf, profileFile, profileRows, type ProfileResult } from '../../../src/core/profile';
import { FIXTURES, sha256sum, tempDir } from './helpers';

const tmp = tempDir();
after(() => tmp.cleanup());

/** A small RFC 4180 reader for the fixture, independent of the code under test. */
function readCsvRows(path: string): Record<string, string | null>[] {
  const text = readFileSync(path, 'utf8');
  const records: string[][] = [];
  let row: string[] = [];
  let field = '';
  let q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') q = false;
      else field += c;
    } else if (c === '"') q = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      records.push(row);
      row = [];
      field = '';
    } else if (c !== '\r') field += c;
  }
  const [header, ...data] = records;
  return data.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] === '' ? null : r[i]])));
}

let titanicCsv: ProfileResult;
/** Titanic rows as JS values: numbers where the CSV has numbers. */
let titanicRows: Record<string, unknown>[];

before(async () => {
  titanicCsv = await profileFile(join(FIXTURES, 'titanic-train.csv'), { columns: ['*'] });
  const numeric = new Set(['PassengerId', 'Survived', 'Pclass', 'Age', 'SibSp', 'Parch', 'Fare']);
  titanicRows = readCsvRows(join(FIXTURES, 'titanic-train.csv')).map((r) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v !== null && numeric.has(k) ? Number(v) : v])),
  );
});

describe('formats', () => {
  it('JSON Lines and a JSON array of the titanic rows profile like the CSV (Age written 22.0 becomes 22: see docs)', async () => {
    const jsonl = titanicRows.map((r) => JSON.stringify(r)).join('\n') + '\n';
    for (const [name, text, format] of [['t.jsonl', jsonl, 'jsonl'], ['t.ndjson', jsonl.replace(/\n/g, '\r\n'), 'jsonl'], ['t.json', JSON.stringify(titanicRows, null, 1), 'json']] as const) {
      const p = tmp.file(name, text);
      const r = await profileFile(p, { columns: ['*'] });
      assert.equal(r.profile.format, format);
      assert.equal(r.profile.rows, 891);
      assert.equal(r.profile.sha256, sha256sum(p));
      assert.deepEqual(r.profile.columns, titanicCsv.profile.columns, name);
      assert.deepEqual(r.distributions, titanicCsv.distributions, name);
    }
  });

  it('JSON Lines: keys missing from a row are nulls; mixed kinds are text; nested values are text', async () => {
    const p = tmp.file('mixed.jsonl', '{"a":1,"b":"x"}\n{"b":"y","c":true}\n   \n{"a":2.5,"b":3,"c":false,"d":{"k":[1,2]}}\n');
    const r = await profileFile(p);
    const cols = Object.fromEntries(r.profile.columns.map((c) => [c.name, c]));
    assert.deepEqual(Object.keys(cols), ['a', 'b', 'c', 'd']);
    assert.equal(r.profile.rows, 3);
    assert.deepEqual([cols.a.type, cols.a.nulls], ['float', 1]);
    assert.deepEqual([cols.b.type, cols.b.nulls, cols.b.distinct], ['string', 0, 3]);
    assert.deepEqual([cols.c.type, cols.c.nulls], ['boolean', 1]);
    assert.deepEqual([cols.d.type, cols.d.nulls], ['string', 2]);
  });

  it('Parquet (titanic written by hyparquet-writer) profiles exactly like the CSV; the hash is over the file', async () => {
    const p = join(FIXTURES, 'titanic-train.parquet');
    const r = await profileFile(p, { columns: ['*'] });
    assert.equal(r.profile.format, 'parquet');
    assert.equal(r.profile.sha256, sha256sum(p));
    assert.deepEqual(r.profile.columns, titanicCsv.profile.columns);
    assert.deepEqual(r.distributions, titanicCsv.distributions);
  });

  it('Parquet timestamps are datetimes; progress reaches the file size', async () => {
    const p = join(FIXTURES, 'seattle-weather.parquet');
    let last = 0;
    const r = await profileFile(p, { columns: ['date', 'weather'], onProgress: (n) => (last = n) });
    assert.equal(last, readFileSync(p).length);
    const date = r.profile.columns.find((c) => c.name === 'date');
    assert.deepEqual([date?.type, date?.min, date?.max, date?.distinct], ['datetime', '2012-01-01T00:00:00Z', '2015-12-31T00:00:00Z', 1461]);
    const csv = await profileFile(join(FIXTURES, 'seattle-weather.csv'), { columns: ['date', 'weather'] });
    assert.deepEqual(r.distributions, csv.distributions);
  });

  it('a file without a known extension is recognised by its first bytes', async () => {
    const a = await profileFile(tmp.file('rows.data', '[{"x":1},{"x":2}]'));
    assert.equal(a.profile.format, 'json');
    const b = await profileFile(tmp.file('rows2.data', '{"x":1}\n{"x":2}\n'));
    assert.equal(b.profile.format, 'jsonl');
    const c = await profileFile(tmp.file('rows3.data', 'x;y\n1;2\n'));
    assert.deepEqual(c.profile.columns.map((x) => x.name), ['x', 'y']);
  });
});

describe('in-memory rows', () => {
  it('profile like the CSV; the hash is SHA-256 of the documented canonical JSON Lines', async () => {
    const r = await profileRows(titanicRows, { columns: ['*'], name: 'titanic' });
    assert.equal(r.profile.format, 'memory');
    assert.equal(r.profile.source, 'memory');
    assert.equal(r.profile.name, 'titanic');
    assert.deepEqual(r.profile.columns, titanicCsv.profile.columns);
    assert.deepEqual(r.distributions, titanicCsv.distributions);
    const canonical = titanicRows.map((row) => `${canonicalJson(row)}\n`).join('');
    assert.equal(r.profile.sha256, createHash('sha256').update(canonical, 'utf8').digest('hex'));
  });

  it('the canonical form: sorted keys, shortest numbers, NaN null, Infinity as a string, bigint digits, ISO dates', async () => {
    const row = { b: 1.5, a: 'x', c: null, d: NaN, e: -Infinity, f: 12345678901234567890n, g: new Date(Date.UTC(2020, 0, 2)), h: undefined, i: [1, undefined], j: { z: 1, y: 'é' }, k: 0.1 + 0.2 };
    assert.equal(canonicalJson(row), '{"a":"x","b":1.5,"c":null,"d":null,"e":"-Infinity","f":12345678901234567890,"g":"2020-01-02T00:00:00.000Z","i":[1,null],"j":{"y":"é","z":1},"k":0.30000000000000004}');
    // Key order does not change the hash; a value does.
    const a = await profileRows([{ x: 1, y: 'a' }, { x: 2, y: 'b' }]);
    const b = await profileRows([{ y: 'a', x: 1 }, { y: 'b', x: 2 }]);
    const c = await profileRows([{ x: 1, y: 'a' }, { x: 3, y: 'b' }]);
    assert.equal(a.profile.sha256, b.profile.sha256);
    assert.notEqual(a.profile.sha256, c.profile.sha256);
    assert.equal(a.profile.sha256, createHash('sha256').update('{"x":1,"y":"a"}\n{"x":2,"y":"b"}\n').digest('hex'));
  });

  it('JS values: Dates are datetimes, bigints integers, booleans boolean, whole numbers with nulls float', async () => {
    const r = await profileRows([
      { t: new Date('2020-01-01T00:00:00Z'), n: 1n, b: true, w: 1, s: '2020-05-01' },
      { t: new Date('2021-01-01T00:00:00Z'), n: 2n, b: false, w: null, s: '2020-05-02' },
    ]);
    const types = Object.fromEntries(r.profile.columns.map((c) => [c.name, c.type]));
    assert.deepEqual(types, { t: 'datetime', n: 'integer', b: 'boolean', w: 'float', s: 'datetime' });
    assert.equal(r.profile.columns[0].max, '2021-01-01T00:00:00Z');
  });

  it('distributionOf: one column from a file or rows, bins and kind as asked', async () => {
    const fare = (await distributionOf(join(FIXTURES, 'titanic-train.csv'), 'Fare', { bins: 5 })) as NumericDistribution;
    assert.equal(fare.kind, 'numeric');
    assert.equal(fare.counts.length, 5);
    assert.equal(fare.edges.length, 6);
    assert.equal(fare.counts.reduce((a, b) => a + b, 0), 891);
    const sex = (await distributionOf(titanicRows, 'Sex')) as CategoricalDistribution;
    assert.deepEqual(sex.values, [{ value: 'male', count: 577 }, { value: 'female', count: 314 }]);
    const pclass = (await distributionOf(titanicRows, 'Pclass', { kind: 'numeric', bins: 2 })) as NumericDistribution;
    assert.deepEqual(pclass.counts, [216, 675]);
    const age = (await distributionOf(titanicRows, 'Age', { kind: 'categorical', top: 3 })) as CategoricalDistribution;
    assert.equal(age.values.length, 3);
    assert.equal(age.values[0].value, '24');
    assert.equal(age.other, 714 - age.values.reduce((a, v) => a + v.count, 0));
  });
});
