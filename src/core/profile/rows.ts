// Rows as objects (JSON Lines, JSON arrays, in-memory rows): columns appear in the order their keys
// are first seen, and a key missing from a row counts as a null there.

import type { ColumnAcc } from './column';

export class RowSink {
  rows = 0;
  readonly columns: ColumnAcc[] = [];
  private index = new Map<string, number>();
  private stamps: number[] = [];

  constructor(private readonly make: (name: string) => ColumnAcc) {}

  add(obj: Record<string, unknown>): void {
    const stamp = this.rows + 1;
    let seen = 0;
    for (const key of Object.keys(obj)) {
      let i = this.index.get(key);
      if (i === undefined) {
        i = this.columns.length;
        const col = this.make(key);
        col.addNulls(this.rows);
        this.columns.push(col);
        this.stamps.push(0);
        this.index.set(key, i);
      }
      if (this.stamps[i] === stamp) continue;
      this.stamps[i] = stamp;
      seen++;
      this.columns[i].addValue(obj[key]);
    }
    if (seen < this.columns.length) {
      for (let i = 0; i < this.columns.length; i++) if (this.stamps[i] !== stamp) this.columns[i].addNulls(1);
    }
    this.rows++;
  }
}

export function isPlainRow(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The canonical serialization hashed for in-memory rows (docs/profiling.md): JSON with object keys
 * sorted by UTF-16 code units and no spaces, numbers in JS shortest round-trip form, NaN as null,
 * ±Infinity as the strings "Infinity"/"-Infinity", bigint as its digits, Dates as ISO strings,
 * undefined/function/symbol properties left out (null inside arrays).
 */
export function canonicalJson(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      if (Number.isNaN(v)) return 'null';
      if (v === Infinity) return '"Infinity"';
      if (v === -Infinity) return '"-Infinity"';
      return JSON.stringify(v);
    case 'bigint':
      return v.toString();
    case 'boolean':
      return v ? 'true' : 'false';
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    default:
      break;
  }
  if (v === null) return 'null';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'null' : JSON.stringify(v.toISOString());
  if (Array.isArray(v)) return `[${v.map((x) => canonicalJson(x) ?? 'null').join(',')}]`;
  if (ArrayBuffer.isView(v)) return `[${Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)).join(',')}]`;
  const obj = v as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(obj).sort()) {
    const s = canonicalJson(obj[key]);
    if (s !== undefined) parts.push(`${JSON.stringify(key)}:${s}`);
  }
  return `{${parts.join(',')}}`;
}
