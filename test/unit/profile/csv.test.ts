// CSV/TSV quirks: quoted fields, BOM, CRLF, sniffed delimiters and decimal commas, pandas' header
// and null rules; and that the quote-free fast path and the general parser agree cell for cell.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, describe, it } from 'node:test';
import type { CategoricalDistribution, ColumnProfile, NumericDistribution } from '../../../src/core/model';
import { NULL_SPELLINGS, profileFile } from '../../../src/core/profile';
import { tempDir } from './helpers';

const tmp = tempDir();
after(() => tmp.cleanup());

const col = (cols: ColumnProfile[], name: string): ColumnProfile => {
  const c = cols.find((x) => x.name === name);
  assert.ok(c, `no column ${name} in ${cols.map((x) => x.name).join(', ')}`);
  return c;
};
const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

describe('CSV quirks', () => {
  it('quoted fields hold delimiters, doubled quotes and newlines', async () => {
    const text = 'id,text,n\n1,"a, b",5\n2,"say ""hi""",6\n3,"two\nlines",7\n4,plain,8\n';
    const r = await profileFile(tmp.file('quoted.csv', text), { columns: ['text'] });
    assert.equal(r.profile.rows, 4);
    const d = r.distributions[0] as CategoricalDistribution;
    assert.deepEqual(d.values.map((v) => v.value).sort(), ['a, b', 'plain', 'say "hi"', 'two\nlines']);
    assert.equal(col(r.profile.columns, 'n').type, 'integer');
    assert.equal(col(r.profile.columns, 'n').max, 8);
  });

  it('text after a closing quote is kept, as pandas does ("ab"cd -> abcd)', async () => {
    const r = await profileFile(tmp.file('after.csv', 'a\n"ab"cd\n'), { columns: ['a'] });
    assert.equal((r.distributions[0] as CategoricalDistribution).values[0].value, 'abcd');
  });

  it('a UTF-8 BOM is not part of the first column name, but is part of the hash', async () => {
    const text = '\ufeffname,age\nÅsa,31\nJosé,42\n';
    const p = tmp.file('bom.csv', text);
    const r = await profileFile(p);
    assert.deepEqual(r.profile.columns.map((c) => c.name), ['name', 'age']);
    assert.equal(r.profile.sha256, sha(Buffer.from(text, 'utf8')));
    assert.equal(col(r.profile.columns, 'name').distinct, 2);
  });

  it('CRLF and lone CR line ends; blank lines are skipped', async () => {
    for (const [name, text] of [
      ['crlf.csv', 'a,b\r\n1,x\r\n\r\n2,y\r\n'],
      ['cr.csv', 'a,b\r1,x\r2,y\r'],
      ['noeol.csv', 'a,b\n1,x\n\n2,y'],
    ]) {
      const r = await profileFile(tmp.file(name, text), { columns: ['b'] });
      assert.equal(r.profile.rows, 2, name);
      assert.equal(col(r.profile.columns, 'a').type, 'integer', name);
      assert.deepEqual((r.distributions[0] as CategoricalDistribution).values.map((v) => v.value).sort(), ['x', 'y'], name);
    }
  });

  it('sniffs ; with decimal commas, tabs and pipes', async () => {
    const semi = await profileFile(tmp.file('semi.csv', 'Id;price;name\n1;7,4;a\n2;0,5;b\n3;10;c\n'));
    assert.equal(semi.profile.format, 'csv');
    assert.deepEqual(semi.profile.columns.map((c) => c.name), ['Id', 'price', 'name']);
    assert.equal(col(semi.profile.columns, 'price').type, 'float');
    assert.equal(col(semi.profile.columns, 'price').max, 10);
    assert.equal(col(semi.profile.columns, 'price').min, 0.5);
    // A ; file whose numbers use dots keeps the dot.
    const semiDot = await profileFile(tmp.file('semidot.csv', 'a;b\n1.5;2\n2.5;3\n'));
    assert.equal(col(semiDot.profile.columns, 'a').mean, 2);
    const tsv = await profileFile(tmp.file('data.tsv', 'a\tb c\n1\tx, y\n2\tz\n'));
    assert.equal(tsv.profile.format, 'tsv');
    assert.deepEqual(tsv.profile.columns.map((c) => c.name), ['a', 'b c']);
    const pipe = await profileFile(tmp.file('pipe.txt', 'a|b\n1|2\n3|4\n'));
    assert.deepEqual(pipe.profile.columns.map((c) => c.name), ['a', 'b']);
    const single = await profileFile(tmp.file('single.csv', 'value\n1\n2\n'));
    assert.deepEqual(single.profile.columns.map((c) => c.name), ['value']);
  });

  it('header names: empty ones become "Unnamed: i", repeated ones get .1, .2 (as pandas)', async () => {
    const r = await profileFile(tmp.file('dups.csv', 'a,b,a,,a\n1,2,3,4,5\n'));
    assert.deepEqual(r.profile.columns.map((c) => c.name), ['a', 'b', 'a.1', 'Unnamed: 3', 'a.2']);
  });

  it('every null spelling is null, in text and number columns alike', async () => {
    assert.deepEqual([...NULL_SPELLINGS], ['', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN', '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null']);
    const lines = NULL_SPELLINGS.map((s, i) => `${s},${i},x${i}`);
    const r = await profileFile(tmp.file('nulls.csv', `v,n,t\n${lines.join('\n')}\n1.5,99,"NA"\n`));
    const v = col(r.profile.columns, 'v');
    assert.equal(v.nulls, NULL_SPELLINGS.length);
    assert.equal(v.type, 'float');
    assert.equal(v.distinct, 1);
    // A quoted "NA" is null too (pandas does not look at quotes).
    assert.equal(col(r.profile.columns, 't').nulls, 1);
    const empty = await profileFile(tmp.file('allnull.csv', 'a,b\n,1\nNA,2\n'));
    assert.equal(col(empty.profile.columns, 'a').type, 'empty');
    assert.equal(col(empty.profile.columns, 'a').distinct, 0);
  });

  it('types follow pandas: integers with nulls are float, True/False boolean, mixed text string', async () => {
    const r = await profileFile(tmp.file('types.csv', [
      'i,in,f,b,d,dt,s,z,big',
      '1,1,1.5,True,2020-01-02,2020-01-02 10:00:00,x,007,12345678901234567890',
      '2,,2,false,2020-01-03,2020-01-02T11:30:15.250,5,12,1',
      '-3,3,1e3,TRUE,2019-12-31,2021-05-01 00:00,7,0,2',
    ].join('\n')));
    const t = (n: string) => col(r.profile.columns, n).type;
    assert.deepEqual(['i', 'in', 'f', 'b', 'd', 'dt', 's', 'z', 'big'].map(t), ['integer', 'float', 'float', 'boolean', 'datetime', 'datetime', 'string', 'integer', 'integer']);
    assert.equal(col(r.profile.columns, 'd').min, '2019-12-31');
    assert.equal(col(r.profile.columns, 'dt').min, '2020-01-02T10:00:00');
    assert.equal(col(r.profile.columns, 'dt').max, '2021-05-01T00:00:00');
    assert.equal(col(r.profile.columns, 'f').max, 1000);
    assert.equal(col(r.profile.columns, 'b').distinct, 2);
    assert.equal(col(r.profile.columns, 'z').distinct, 3);
  });

  it('zone-aware times are UTC; a column mixing aware and naive times is text', async () => {
    const r = await profileFile(tmp.file('tz.csv', 'a,b\n2020-01-01T10:00:00+02:00,2020-01-01T10:00:00Z\n2020-01-01T09:00:00Z,2020-01-01 10:00:00\n'));
    assert.equal(col(r.profile.columns, 'a').type, 'datetime');
    assert.equal(col(r.profile.columns, 'a').min, '2020-01-01T08:00:00Z');
    assert.equal(col(r.profile.columns, 'b').type, 'string');
  });

  it('a number column that meets text late becomes text with its spellings intact', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => String(i % 10).padStart(3, '0'));
    rows.push('A12');
    const r = await profileFile(tmp.file('zip.csv', `zip\n${rows.join('\n')}\n`), { columns: ['zip'] });
    const c = col(r.profile.columns, 'zip');
    assert.equal(c.type, 'string');
    assert.equal(c.distinct, 11);
    const d = r.distributions[0] as CategoricalDistribution;
    assert.equal(d.values[0].value, '000');
    assert.equal(d.values[0].count, 100);
    assert.ok(d.values.some((v) => v.value === 'A12'));
  });

  it('the fast path (no quotes in a chunk) and the general parser agree', async () => {
    const rows: string[] = [];
    for (let i = 0; i < 50_000; i++) rows.push(`${i % 97 - 40},${(i * 0.37).toFixed(i % 4)},w${i % 13},${i % 11 === 0 ? '' : '2021-03-04 05:06:07'},${i % 5 === 0 ? 'NA' : i}`);
    const body = `a,b,c,d,e\n${rows.join('\n')}\n`;
    const fast = await profileFile(tmp.file('fast.csv', body), { columns: ['*'] });
    // One quote anywhere sends every chunk through the general parser.
    const slow = await profileFile(tmp.file('slow.csv', body.replace('w0', '"w0"')), { columns: ['*'] });
    assert.deepEqual(fast.profile.columns, slow.profile.columns);
    assert.deepEqual(fast.distributions, slow.distributions);
    assert.equal(fast.profile.rows, 50_000);
    assert.equal(col(fast.profile.columns, 'e').nulls, 10_000);
    assert.equal(col(fast.profile.columns, 'd').nulls, Math.ceil(50_000 / 11));
    const b = fast.distributions.find((x) => x.column === 'b') as NumericDistribution;
    assert.equal(b.counts.reduce((x, y) => x + y, 0), 50_000);
  });

  it('records longer than a chunk and a file larger than several chunks', async () => {
    const long = 'x'.repeat(5 * 1024 * 1024);
    const p = tmp.file('long.csv', `a,b\n1,"${long}"\n2,short\n`);
    const r = await profileFile(p, { columns: ['b'] });
    assert.equal(r.profile.rows, 2);
    assert.equal(col(r.profile.columns, 'b').distinct, 2);
  });

  it('progress is reported up to the file size', async () => {
    const body = `a\n${'12345\n'.repeat(1_500_000)}`;
    const seen: number[] = [];
    await profileFile(tmp.file('progress.csv', body), { onProgress: (n, total) => { seen.push(n); assert.equal(total, body.length); } });
    assert.ok(seen.length >= 2);
    assert.equal(seen[seen.length - 1], body.length);
  });
});
