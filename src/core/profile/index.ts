// Dataset profiling: schema, types, nulls, distinct counts, statistics, SHA-256 and distributions,
// in one streaming pass over a file (or over in-memory rows). Rules and bounds: docs/profiling.md.

import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { DatasetProfile, Distribution } from '../model';
import { ColumnAcc, DEFAULT_BINS, DEFAULT_LIMITS, DEFAULT_TOP_VALUES, type DistributionKind, type Limits } from './column';
import { CsvParser } from './csv';
import { ProfileError, abortedError } from './errors';
import { JSON_ARRAY_LIMIT, JsonLinesParser, WholeFile, parseJsonArray } from './json';
import { profileParquet } from './parquet';
import { ioError, streamFile } from './reader';
import { RowSink, canonicalJson, isPlainRow } from './rows';

export { ProfileError, type ProfileErrorCode } from './errors';
export { NULL_SPELLINGS } from './parse';
export { QUANTILE_PS } from './quantiles';
export { CATEGORICAL_MAX_INTEGER_VALUES, DEFAULT_BINS, DEFAULT_LIMITS, DEFAULT_TOP_VALUES, type DistributionKind } from './column';
export { JSON_ARRAY_LIMIT } from './json';
export { canonicalJson } from './rows';

export interface ProfileOptions {
  /** The name the run knows the dataset by (default: the file name, or "memory"). */
  name?: string;
  /** Columns whose distribution to compute; ['*'] = every column; default none. */
  columns?: string[];
  /** Histogram bins for numeric distributions (default 20). */
  bins?: number;
  /** Most frequent values kept in a categorical distribution (default 50). */
  top?: number;
  /** 'auto' (default) chooses per column; 'numeric' / 'categorical' force one kind for every requested column. */
  kind?: DistributionKind;
  signal?: AbortSignal;
  /** Called after each chunk (files) with bytes read so far and the file size. */
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

export interface ProfileResult {
  profile: DatasetProfile;
  distributions: Distribution[];
}

/** Values kept for exact quantiles, shared by the distribution columns of one file (128 MiB of doubles). */
const VALUE_BUDGET = 1 << 24;

type FileFormat = DatasetProfile['format'];

export async function profileFile(path: string, opts: ProfileOptions = {}): Promise<ProfileResult> {
  checkOptions(path, opts);
  if (opts.signal?.aborted) throw abortedError(path);
  let size: number;
  try {
    const st = await stat(path);
    if (st.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
    size = st.size;
  } catch (err) {
    throw ioError(path, err);
  }
  if (size === 0) throw new ProfileError('EMPTY', `${path} is empty (0 bytes): there is nothing to profile. Check that the file was written completely.`, path);
  const ext = extname(path).toLowerCase();
  const format = await detectFormat(path, ext);
  const wanted = opts.columns ?? [];
  const all = wanted.includes('*');
  const wantSet = new Set(wanted);
  const limitsFor = (nDist: number): Limits => ({ ...DEFAULT_LIMITS, exactValues: Math.max(1 << 16, Math.floor(VALUE_BUDGET / Math.max(1, nDist))) });
  const make = (limits: Limits, decimal = 46) => (name: string): ColumnAcc => new ColumnAcc(name, all || wantSet.has(name), limits, decimal);
  const stream = { signal: opts.signal, onProgress: opts.onProgress };

  let columns: ColumnAcc[];
  let rows: number;
  let sha256: string;
  let outFormat: FileFormat = format;
  if (format === 'csv' || format === 'tsv') {
    const parser = new CsvParser(path, ext, (names, dialect) => {
      checkColumns(path, wanted, names);
      const nDist = all ? names.length : names.filter((n) => wantSet.has(n)).length;
      return names.map(make(limitsFor(nDist), dialect.decimal));
    });
    const res = await streamFile(path, size, {
      data: (b, s, e) => parser.data(b, s, e),
      end: (b, s, e) => parser.end(b, s, e),
    }, stream);
    if (parser.header === null) throw new ProfileError('EMPTY', `${path} has no header line (only blank lines). Add a header row with the column names.`, path);
    if (parser.rows === 0) throw new ProfileError('EMPTY', `${path} has a header (${parser.header.join(', ')}) but no data rows. Add rows, or check that the file was written completely.`, path);
    columns = parser.columns;
    rows = parser.rows;
    sha256 = res.sha256;
    outFormat = parser.dialect?.delimiter === 9 ? 'tsv' : 'csv';
  } else if (format === 'jsonl') {
    const nDist = all ? 8 : wantSet.size;
    const sink = new RowSink(make(limitsFor(nDist)));
    const parser = new JsonLinesParser(path, sink);
    const res = await streamFile(path, size, parser, stream);
    if (sink.rows === 0) throw new ProfileError('EMPTY', `${path} has no rows (no non-blank lines). Write one JSON object per line.`, path);
    columns = sink.columns;
    rows = sink.rows;
    sha256 = res.sha256;
  } else if (format === 'json') {
    if (size > JSON_ARRAY_LIMIT) {
      throw new ProfileError('TOO_LARGE', `${path} is ${size} bytes; JSON arrays are read whole and are limited to ${JSON_ARRAY_LIMIT} bytes. Save the rows as JSON Lines (.jsonl, one object per line), which is streamed.`, path);
    }
    const whole = new WholeFile();
    const res = await streamFile(path, size, whole, stream);
    const array = parseJsonArray(path, whole.text());
    // The rows are in memory already: one double per value is affordable, so always exact.
    const sink = new RowSink(make({ ...DEFAULT_LIMITS, exactValues: Math.max(array.length, 1) }));
    for (const row of array) sink.add(row);
    if (sink.rows === 0) throw new ProfileError('EMPTY', `${path} is an empty array: there are no rows to profile.`, path);
    columns = sink.columns;
    rows = sink.rows;
    sha256 = res.sha256;
  } else {
    const res = await profileParquet(path, size, stream, (names) => {
      checkColumns(path, wanted, names);
      const nDist = all ? names.length : names.filter((n) => wantSet.has(n)).length;
      return names.map(make(limitsFor(nDist)));
    });
    if (res.rows === 0) throw new ProfileError('EMPTY', `${path} has no rows. Check that the Parquet file was written completely.`, path);
    columns = res.columns;
    rows = res.rows;
    sha256 = res.sha256;
  }
  if (opts.signal?.aborted) throw abortedError(path);
  checkColumns(path, wanted, columns.map((c) => c.name));
  const profile: DatasetProfile = {
    name: opts.name ?? basename(path),
    source: path,
    format: outFormat,
    rows,
    columns: columns.map((c) => c.profile()),
    sha256,
    bytes: size,
  };
  return { profile, distributions: distributions(path, columns, rows, wanted, opts) };
}

export async function profileRows(rows: readonly Record<string, unknown>[], opts: ProfileOptions = {}): Promise<ProfileResult> {
  const source = 'memory';
  checkOptions(source, opts);
  if (!Array.isArray(rows)) throw new ProfileError('BAD_ROWS', 'In-memory data must be an array of row objects ({ column: value }).', source);
  if (rows.length === 0) throw new ProfileError('EMPTY', 'The in-memory data has no rows: pass at least one row object.', source);
  const wanted = opts.columns ?? [];
  const all = wanted.includes('*');
  const wantSet = new Set(wanted);
  // The rows are already in memory, so keeping one double per value is always affordable: exact.
  const limits: Limits = { ...DEFAULT_LIMITS, exactValues: Math.max(rows.length, 1) };
  const sink = new RowSink((name) => new ColumnAcc(name, all || wantSet.has(name), limits));
  const hash = createHash('sha256');
  let pending: string[] = [];
  let pendingLen = 0;
  for (let i = 0; i < rows.length; i++) {
    const row: unknown = rows[i];
    if (!isPlainRow(row)) throw new ProfileError('BAD_ROWS', `Row ${i} of the in-memory data is ${row === null ? 'null' : Array.isArray(row) ? 'an array' : `a ${typeof row}`}, not a row object. Every row must be { column: value, ... }.`, source);
    sink.add(row);
    const line = `${canonicalJson(row) ?? '{}'}\n`;
    pending.push(line);
    pendingLen += line.length;
    if (pendingLen > 1 << 16) {
      hash.update(pending.join(''), 'utf8');
      pending = [];
      pendingLen = 0;
    }
    if ((i & 0xffff) === 0xffff) {
      // Let an abort (or anything else waiting) get a turn during long in-memory profiles.
      await new Promise((r) => setImmediate(r));
      if (opts.signal?.aborted) throw abortedError(source);
    }
  }
  hash.update(pending.join(''), 'utf8');
  checkColumns(source, wanted, sink.columns.map((c) => c.name));
  const profile: DatasetProfile = {
    name: opts.name ?? source,
    source,
    format: 'memory',
    rows: sink.rows,
    columns: sink.columns.map((c) => c.profile()),
    sha256: hash.digest('hex'),
  };
  return { profile, distributions: distributions(source, sink.columns, sink.rows, wanted, opts) };
}

export interface DistributionOptions {
  bins?: number;
  top?: number;
  kind?: DistributionKind;
  signal?: AbortSignal;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

/** One column's distribution (what logDataDistribution records), from a file path or in-memory rows. */
export async function distributionOf(source: string | readonly Record<string, unknown>[], column: string, opts: DistributionOptions = {}): Promise<Distribution> {
  const po: ProfileOptions = { ...opts, columns: [column] };
  const res = typeof source === 'string' ? await profileFile(source, po) : await profileRows(source, po);
  return res.distributions[0];
}

function distributions(source: string, columns: ColumnAcc[], rows: number, wanted: string[], opts: ProfileOptions): Distribution[] {
  const o = { bins: opts.bins ?? DEFAULT_BINS, top: opts.top ?? DEFAULT_TOP_VALUES, kind: opts.kind ?? 'auto', source };
  if (wanted.includes('*')) return columns.map((c) => c.distribution(rows, o));
  const byName = new Map(columns.map((c) => [c.name, c]));
  const out: Distribution[] = [];
  for (const name of new Set(wanted)) {
    const c = byName.get(name);
    if (c) out.push(c.distribution(rows, o));
  }
  return out;
}

function checkColumns(source: string, wanted: string[], names: string[]): void {
  const have = new Set(names);
  const missing = wanted.filter((w) => w !== '*' && !have.has(w));
  if (missing.length === 0) return;
  const list = missing.map((m) => `"${m}"`).join(', ');
  throw new ProfileError(
    'NO_SUCH_COLUMN',
    `${source} has no column ${list}. Available columns: ${names.map((n) => `"${n}"`).join(', ')}. Column names are case-sensitive.`,
    source,
  );
}

function checkOptions(source: string, opts: ProfileOptions): void {
  const { bins, top } = opts;
  if (bins !== undefined && (!Number.isInteger(bins) || bins < 1 || bins > 10000)) {
    throw new ProfileError('BAD_OPTION', `bins must be an integer from 1 to 10000 (got ${String(bins)}) when profiling ${source}.`, source);
  }
  if (top !== undefined && (!Number.isInteger(top) || top < 1)) {
    throw new ProfileError('BAD_OPTION', `top must be a positive integer (got ${String(top)}) when profiling ${source}.`, source);
  }
  if (opts.columns !== undefined && (!Array.isArray(opts.columns) || opts.columns.some((c) => typeof c !== 'string'))) {
    throw new ProfileError('BAD_OPTION', `columns must be an array of column names (or ['*']) when profiling ${source}.`, source);
  }
}

/** By extension; otherwise by the first bytes (Parquet magic, '[' for a JSON array, '{' for JSON Lines, else CSV). */
async function detectFormat(path: string, ext: string): Promise<Exclude<FileFormat, 'memory'>> {
  switch (ext) {
    case '.csv':
    case '.txt':
      return 'csv';
    case '.tsv':
    case '.tab':
      return 'tsv';
    case '.jsonl':
    case '.ndjson':
      return 'jsonl';
    case '.json':
      return 'json';
    case '.parquet':
    case '.pq':
      return 'parquet';
    default:
      break;
  }
  const { open } = await import('node:fs/promises');
  const fh = await open(path, 'r');
  try {
    const head = Buffer.alloc(64);
    const { bytesRead } = await fh.read(head, 0, 64, 0);
    const text = head.subarray(0, bytesRead);
    if (bytesRead >= 4 && text.toString('latin1', 0, 4) === 'PAR1') return 'parquet';
    const first = text.toString('utf8').replace(/^\uFEFF/, '').trimStart()[0];
    if (first === '[') return 'json';
    if (first === '{') return 'jsonl';
    return 'csv';
  } finally {
    await fh.close();
  }
}
