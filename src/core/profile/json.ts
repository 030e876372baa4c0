// JSON Lines (streamed line by line) and JSON arrays of objects (read whole: JSON.parse needs the
// whole text, and V8 strings stop near 512 MiB, hence JSON_ARRAY_LIMIT).

import { ProfileError } from './errors';
import type { ChunkSink } from './reader';
import { type RowSink, isPlainRow } from './rows';

/** Largest .json array file profiled (V8's string limit is 2^29 - 24 characters). */
export const JSON_ARRAY_LIMIT = 512 * 1024 * 1024;

export class JsonLinesParser implements ChunkSink {
  private line = 1;
  private started = false;

  constructor(
    private readonly path: string,
    readonly sink: RowSink,
  ) {}

  data(buf: Buffer, start: number, end: number): number {
    return this.parse(buf, start, end, false);
  }

  end(buf: Buffer, start: number, end: number): void {
    this.parse(buf, start, end, true);
  }

  private parse(buf: Buffer, start: number, end: number, eof: boolean): number {
    let p = start;
    if (!this.started) {
      if (end - p < 3 && !eof) return p;
      if (end - p >= 3 && buf[p] === 0xef && buf[p + 1] === 0xbb && buf[p + 2] === 0xbf) p += 3;
      this.started = true;
    }
    while (p < end) {
      let nl = buf.indexOf(10, p);
      if (nl < 0 || nl >= end) {
        if (!eof) return p;
        nl = end;
      }
      let e = nl;
      if (e > p && buf[e - 1] === 13) e--;
      if (!isBlank(buf, p, e)) this.row(buf.toString('utf8', p, e));
      this.line++;
      p = nl + 1;
    }
    return Math.min(p, end);
  }

  private row(text: string): void {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new ProfileError('BAD_JSON', `${this.path}, line ${this.line}: not valid JSON (${why}). Fix that line; JSON Lines needs one complete JSON object per line.`, this.path, this.line);
    }
    if (!isPlainRow(v)) {
      throw new ProfileError('BAD_JSON', `${this.path}, line ${this.line}: expected a JSON object ({"column": value, ...}) but found ${describe(v)}. Put one object per line.`, this.path, this.line);
    }
    this.sink.add(v);
  }
}

function isBlank(b: Uint8Array, s: number, e: number): boolean {
  for (let i = s; i < e; i++) {
    const c = b[i];
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

/** Collects the whole file (already hashed and UTF-8-checked by the reader). */
export class WholeFile implements ChunkSink {
  private parts: Buffer[] = [];

  data(buf: Buffer, start: number, end: number): number {
    this.parts.push(Buffer.from(buf.subarray(start, end)));
    return end;
  }

  end(buf: Buffer, start: number, end: number): void {
    if (end > start) this.parts.push(Buffer.from(buf.subarray(start, end)));
  }

  text(): string {
    const all = Buffer.concat(this.parts);
    this.parts = [];
    const bom = all.length >= 3 && all[0] === 0xef && all[1] === 0xbb && all[2] === 0xbf;
    return all.toString('utf8', bom ? 3 : 0);
  }
}

/** Parses a JSON array of row objects, with errors that name the line. */
export function parseJsonArray(path: string, text: string): Record<string, unknown>[] {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    const pos = /position (\d+)/.exec(why);
    const at = pos ? Number(pos[1]) : jsonErrorOffset(text);
    const line = at >= 0 ? countLines(text, at) : undefined;
    throw new ProfileError('BAD_JSON', `${path}${line ? `, line ${line}` : ''}: not valid JSON (${why}). Fix the file, or save it as JSON Lines (.jsonl), one object per line.`, path, line);
  }
  if (!Array.isArray(v)) {
    throw new ProfileError('BAD_JSON', `${path} holds ${describe(v)}, not an array of row objects. Save the rows as [{...}, {...}] or as JSON Lines (.jsonl).`, path);
  }
  for (let i = 0; i < v.length; i++) {
    const row: unknown = v[i];
    if (!isPlainRow(row)) throw new ProfileError('BAD_JSON', `${path}: element ${i} of the array is ${describe(row)}, not a row object. Every element must be {"column": value, ...}.`, path);
  }
  return v as Record<string, unknown>[];
}

function countLines(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Offset of the first JSON syntax error (-1 if none): V8's JSON.parse message gives no position for
 * many errors, and "line N" is what lets a person find the mistake in a large file.
 */
export function jsonErrorOffset(t: string): number {
  let i = 0;
  const n = t.length;
  const ws = (): void => {
    while (i < n) {
      const c = t.charCodeAt(i);
      if (c !== 32 && c !== 9 && c !== 10 && c !== 13) break;
      i++;
    }
  };
  // Returns false at the first error, leaving i on it.
  const value = (depth: number): boolean => {
    if (depth > 10000) return false;
    ws();
    const c = t[i];
    if (c === '{') {
      i++;
      ws();
      if (t[i] === '}') {
        i++;
        return true;
      }
      for (;;) {
        ws();
        if (t[i] !== '"' || !str()) return false;
        ws();
        if (t[i] !== ':') return false;
        i++;
        if (!value(depth + 1)) return false;
        ws();
        if (t[i] === ',') i++;
        else if (t[i] === '}') {
          i++;
          return true;
        } else return false;
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (t[i] === ']') {
        i++;
        return true;
      }
      for (;;) {
        if (!value(depth + 1)) return false;
        ws();
        if (t[i] === ',') i++;
        else if (t[i] === ']') {
          i++;
          return true;
        } else return false;
      }
    }
    if (c === '"') return str();
    for (const word of ['true', 'false', 'null']) {
      if (t.startsWith(word, i)) {
        i += word.length;
        return true;
      }
    }
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(t.slice(i, i + 400));
    if (m === null || m[0] === '') return false;
    i += m[0].length;
    return true;
  };
  const str = (): boolean => {
    i++;
    while (i < n) {
      const c = t.charCodeAt(i);
      if (c === 34) {
        i++;
        return true;
      }
      if (c < 32) return false;
      if (c === 92) {
        const e = t[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(t.slice(i + 2, i + 6))) return false;
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else return false;
      } else i++;
    }
    return false;
  };
  if (!value(0)) return Math.min(i, n);
  ws();
  return i < n ? i : -1;
}
