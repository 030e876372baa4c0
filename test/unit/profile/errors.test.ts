// Every bad input gets one ProfileError that names the file and says what to do, never a partial result.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { distributionOf, profileFile, profileRows } from '../../../src/core/profile';
import { rejectsClear, tempDir } from './helpers';

const tmp = tempDir();
after(() => tmp.cleanup());

describe('profiling errors', () => {
  it('a missing file', async () => {
    const p = `${tmp.dir}/nope.csv`;
    await rejectsClear(profileFile(p), 'NOT_FOUND', p, 'does not exist');
  });

  it('a directory', async () => {
    await rejectsClear(profileFile(tmp.dir), 'IS_DIRECTORY', tmp.dir, 'is a directory');
  });

  it('an empty file', async () => {
    const p = tmp.file('empty.csv', '');
    await rejectsClear(profileFile(p), 'EMPTY', p, '0 bytes');
  });

  it('a header without rows', async () => {
    const p = tmp.file('header.csv', 'a,b,c\n');
    await rejectsClear(profileFile(p), 'EMPTY', p, 'no data rows', 'a, b, c');
  });

  it('only blank lines', async () => {
    const p = tmp.file('blank.csv', '\n\n\r\n');
    await rejectsClear(profileFile(p), 'EMPTY', p, 'no header');
  });

  it('a ragged row with too many fields names the line and both counts', async () => {
    const p = tmp.file('ragged.csv', 'a,b\n1,2\n3,4,5\n6,7\n');
    const e = await rejectsClear(profileFile(p), 'RAGGED', p, 'line 3', 'expected 2 fields', 'found 3');
    assert.equal(e.line, 3);
  });

  it('a ragged row with too few fields (after a quoted newline, the line counts physical lines)', async () => {
    const p = tmp.file('ragged2.csv', 'a,b,c\n"x\ny",2,3\n4,5\n');
    const e = await rejectsClear(profileFile(p), 'RAGGED', p, 'line 4', 'expected 3 fields', 'found 2');
    assert.equal(e.line, 4);
  });

  it('a ragged row deep in a large file (the fast path) names its line', async () => {
    const rows = Array.from({ length: 300_000 }, (_, i) => `${i},${i % 7}`);
    rows[250_000] = '1,2,3';
    const p = tmp.file('ragged-big.csv', `a,b\n${rows.join('\n')}\n`);
    await rejectsClear(profileFile(p), 'RAGGED', 'line 250002', 'expected 2 fields', 'found 3');
    rows[250_000] = '1';
    const q = tmp.file('ragged-big2.csv', `a,b\n${rows.join('\n')}\n`);
    await rejectsClear(profileFile(q), 'RAGGED', 'line 250002', 'found 1');
  });

  it('an unterminated quote', async () => {
    const p = tmp.file('quote.csv', 'a,b\n1,"never closed\n2,3\n');
    await rejectsClear(profileFile(p), 'UNTERMINATED_QUOTE', p, 'line 2');
  });

  it('a requested column that does not exist lists the available ones', async () => {
    const p = tmp.file('cols.csv', 'Age,Fare\n1,2\n');
    await rejectsClear(profileFile(p, { columns: ['age'] }), 'NO_SUCH_COLUMN', p, '"age"', 'Available columns: "Age", "Fare"');
    await rejectsClear(distributionOf(p, 'Sex'), 'NO_SUCH_COLUMN', '"Sex"', '"Age", "Fare"');
    await rejectsClear(profileRows([{ x: 1 }], { columns: ['y'] }), 'NO_SUCH_COLUMN', '"y"', '"x"');
  });

  it('non-UTF-8 bytes name the byte offset and suggest re-saving as UTF-8', async () => {
    const bytes = Buffer.concat([Buffer.from('name,city\nJos\xc3\xa9,K\xc3\xb6ln\nAndr', 'latin1'), Buffer.from([0xe9]), Buffer.from(',Paris\n')]);
    const p = tmp.file('latin1.csv', bytes);
    const e = await rejectsClear(profileFile(p), 'NOT_UTF8', p, `offset ${bytes.indexOf(0xe9)}`, 'UTF-8');
    assert.equal(e.offset, bytes.indexOf(0xe9));
  });

  it('a non-UTF-8 byte far into the file, and a multi-byte character cut by a chunk boundary, are told apart', async () => {
    // 4 MiB chunks: put a valid 3-byte character across the first boundary, and a bad byte later.
    const head = Buffer.alloc(4 * 1024 * 1024 - 1, 'a');
    head[0] = 0x78; // "x" column header...
    const lines = Buffer.concat([Buffer.from('x\n'), head.subarray(2), Buffer.from('\u20ac\nb\n'), Buffer.from([0xff]), Buffer.from('\n')]);
    const p = tmp.file('far.csv', lines);
    const e = await rejectsClear(profileFile(p), 'NOT_UTF8', `offset ${lines.length - 2}`);
    assert.equal(e.offset, lines.length - 2);
  });

  it('an invalid JSON line names its line number', async () => {
    const p = tmp.file('bad.jsonl', '{"a":1}\n\n{"a":2,}\n');
    const e = await rejectsClear(profileFile(p), 'BAD_JSON', p, 'line 3');
    assert.equal(e.line, 3);
    const q = tmp.file('notobj.jsonl', '{"a":1}\n[1,2]\n');
    await rejectsClear(profileFile(q), 'BAD_JSON', 'line 2', 'an array');
  });

  it('a JSON file that is not an array of objects', async () => {
    await rejectsClear(profileFile(tmp.file('obj.json', '{"a":1}')), 'BAD_JSON', 'not an array');
    await rejectsClear(profileFile(tmp.file('nums.json', '[1,2]')), 'BAD_JSON', 'element 0');
    await rejectsClear(profileFile(tmp.file('broken.json', '[{"a":1},\n{"a":}]')), 'BAD_JSON', 'line 2');
    await rejectsClear(profileFile(tmp.file('none.json', '[]')), 'EMPTY', 'empty array');
  });

  it('a file that is not Parquet', async () => {
    await rejectsClear(profileFile(tmp.file('fake.parquet', 'a,b\n1,2\n')), 'BAD_PARQUET', 'fake.parquet', 'Parquet');
  });

  it('aborted through the signal, before or during the pass', async () => {
    const p = tmp.file('abort.csv', `a,b\n${'1,2\n'.repeat(3_000_000)}`);
    await rejectsClear(profileFile(p, { signal: AbortSignal.abort() }), 'ABORTED', p, 'cancelled');
    const ac = new AbortController();
    let calls = 0;
    const run = profileFile(p, { signal: ac.signal, onProgress: () => (++calls === 1 ? ac.abort() : undefined) });
    await rejectsClear(run, 'ABORTED', 'cancelled');
    assert.ok(calls >= 1);
  });

  it('in-memory rows: empty, or not objects', async () => {
    await rejectsClear(profileRows([]), 'EMPTY', 'no rows');
    await rejectsClear(profileRows([{ a: 1 }, 5 as unknown as Record<string, unknown>]), 'BAD_ROWS', 'Row 1');
  });

  it('bad options', async () => {
    const p = tmp.file('ok.csv', 'a\n1\n');
    await rejectsClear(profileFile(p, { bins: 0 }), 'BAD_OPTION', 'bins');
    await rejectsClear(profileFile(p, { bins: 2.5 }), 'BAD_OPTION', 'bins');
  });

  it('a numeric distribution of a text column', async () => {
    const p = tmp.file('text.csv', 'name\nann\nbob\n');
    await rejectsClear(distributionOf(p, 'name', { kind: 'numeric' }), 'WRONG_KIND', '"name"', 'string');
  });
});
