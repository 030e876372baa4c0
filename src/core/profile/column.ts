// One column's running profile. Every cell goes through here once; the final type, distinct count,
// statistics and distribution are decided at the end. The first non-null cell fixes a candidate
// kind (number, boolean, datetime, text) and later cells are only checked against it, so a text
// column stops paying for number parsing after its first cell.

import type { CategoricalDistribution, ColumnProfile, ColumnType, Distribution, NumericDistribution } from '../model';
import { ProfileError } from './errors';
import * as P from './parse';
import {
  Binner, QUANTILE_PS, QuantileSketch, histogramEdges, linearQuantile, ranksFor, selectRanks, weightedOrderStat,
  type OrderStat,
} from './quantiles';
import * as T from './tables';

// Local bindings for the hot path: compiled per file to CommonJS (tsx, the tests, the benchmark),
// every use of an imported name is a getter call, which cost more than the parsing itself.
const { isNullBytes, parseNumber, parseDatetime, parseBool, parsed, formatDatetime } = P;
const { K_NONE, K_INT, K_FLOAT, B_NONE, B_TRUE, D_NONE, D_DATE, D_NAIVE, D_AWARE } = P;
const { hashBytes, hashNumber, hashNumSlot, numSlot, fmix32, ByteTable, NumTable, HyperLogLog, SHORT_KEY } = T;
type ByteTable = T.ByteTable;
type NumTable = T.NumTable;
type HyperLogLog = T.HyperLogLog;

/** The bounds that keep memory flat whatever the file size (documented in docs/profiling.md). */
export interface Limits {
  /** Distinct values counted exactly per column; past it, HyperLogLog (and heavy hitters for text). */
  distinctBound: number;
  /** Bytes of distinct text kept per column (long free text reaches this before distinctBound). */
  arenaBound: number;
  /** Values kept per distribution column for exact quantiles/histograms; past it, the sketch. */
  exactValues: number;
  /** Values per level of the quantile sketch. */
  sketchK: number;
}

export const DEFAULT_LIMITS: Limits = {
  distinctBound: 100_000,
  arenaBound: 16 * 1024 * 1024,
  exactValues: 4_194_304,
  sketchK: 65_536,
};

/** Integer-valued columns with at most this many distinct values get value counts, not a histogram. */
export const CATEGORICAL_MAX_INTEGER_VALUES = 20;
export const DEFAULT_TOP_VALUES = 50;
export const DEFAULT_BINS = 20;

export type DistributionKind = 'auto' | 'numeric' | 'categorical';

const M_UNKNOWN = 0;
const M_NUMBER = 1;
const M_BOOL = 2;
const M_DATE = 3;
const M_STRING = 4;

const FLAG_DATE = 1;
const FLAG_NAIVE = 2;
const FLAG_AWARE = 4;

/** Where a value given to addValue came from, when its JS type alone is ambiguous. */
export const HINT_NONE = 0;
/** A number from a float column (Parquet FLOAT/DOUBLE/DECIMAL): never an integer, even when whole. */
export const HINT_FLOAT = 1;
/** A Date that is wall-clock time (Parquet timestamps not adjusted to UTC). */
export const HINT_NAIVE = 2;
/** A Date that is a calendar date (Parquet DATE). */
export const HINT_DATE = 3;

let keyScratch = Buffer.allocUnsafe(256);

const LF = 10;
const CR = 13;
// Exact powers of ten for the fused decimal parse (see parse.ts: Clinger's fast path).
const POW10: number[] = [];
for (let i = 0; i <= 22; i++) POW10.push(Number(`1e${i}`));

/**
 * Integers written canonically within a window of this many values around the column's first one
 * are counted in a plain array, without hashing (ids, codes, counts, delays: most integer columns).
 */
const DENSE = 8192;

export class ColumnAcc {
  nulls = 0;
  /** Non-null cells. */
  count = 0;
  private mode = M_UNKNOWN;
  /** The numeric value of the cell being added (number, or epoch ms). */
  private cur = 0;
  // numbers
  private nFloat = 0;
  private sum = 0;
  private sumC = 0;
  private mean = 0;
  private m2 = 0;
  private min = Infinity;
  private max = -Infinity;
  private fmin = Infinity;
  private fmax = -Infinity;
  // datetimes
  private dflags = 0;
  // distinct values: by value for numbers/datetimes, by bytes for text/booleans
  private numTable: NumTable | null = null;
  private dense: Uint32Array | null = null;
  private denseBase = 0;
  private denseDistinct = 0;
  private byteTable: ByteTable | null = null;
  private overflow = false;
  private hll: HyperLogLog | null = null;
  /** Cells counted before the heavy-hitters table started (a numeric column that turned to text late). */
  private hhPrefix = 0;
  // values for an exact numeric distribution once the table no longer holds every value
  private values: Float64Array | null = null;
  private nValues = 0;
  private sketch: QuantileSketch | null = null;

  constructor(
    readonly name: string,
    /** Whether a distribution of this column was asked for (values are then kept). */
    readonly wantDistribution: boolean,
    private readonly limits: Limits,
    /** The decimal mark of text numbers: 46 '.', or 44 ',' for sniffed decimal-comma files. */
    private readonly decimal: number = 46,
  ) {}

  addNulls(n: number): void {
    this.nulls += n;
  }

  /** A text cell (CSV/TSV): bytes [s, e) of b, already unquoted. */
  addCell(b: Uint8Array, s: number, e: number): void {
    if (isNullBytes(b, s, e)) {
      this.nulls++;
      return;
    }
    this.count++;
    const mode = this.mode;
    if (mode === M_STRING) {
      this.countBytes(b, s, e);
    } else if (mode === M_NUMBER) {
      const k = parseNumber(b, s, e, this.decimal);
      if (k === K_NONE) this.toTextThenCount(b, s, e);
      else {
        const x = parsed[0];
        this.cur = x;
        this.acceptNumber(k === K_FLOAT);
        const dense = this.dense;
        if (k === K_INT && dense !== null) {
          const j = x - this.denseBase;
          if (j >= 0 && j < DENSE && (dense[j] !== 0 || this.roomForOne())) {
            if (dense[j]++ === 0) this.denseDistinct++;
            return;
          }
        }
        this.countNumber(b, s, e);
      }
    } else if (mode === M_DATE) {
      const d = parseDatetime(b, s, e);
      if (d !== D_NONE) this.cur = parsed[0];
      if (d === D_NONE || !this.acceptDate(d)) this.toTextThenCount(b, s, e);
      else this.countNumber(b, s, e);
    } else if (mode === M_BOOL) {
      if (parseBool(b, s, e) === B_NONE) this.toText();
      this.countBytes(b, s, e);
    } else {
      this.classifyFirst(b, s, e);
    }
  }

  /**
   * The fast CSV loop's entry: parses the field that starts at p while looking for its end (the
   * chunk is known to hold no quotes and to end with LF) and returns the end (delimiter, CR or LF).
   * Anything unusual falls back to finding the end first and calling addCell.
   */
  scanCell(b: Uint8Array, p: number, delim: number): number {
    const mode = this.mode;
    if (mode === M_NUMBER) return this.scanNumber(b, p, delim);
    if (mode === M_STRING) return this.scanText(b, p, delim);
    if (mode === M_DATE) {
      // The usual ISO layouts, checked where they would end; other lengths take the general path.
      const c19 = b[p + 19];
      if (c19 === delim || c19 === LF || c19 === CR) {
        const d = parseDatetime(b, p, p + 19);
        if (d !== D_NONE && this.acceptDateCell(d)) {
          this.countNumber(b, p, p + 19);
          return p + 19;
        }
      }
    }
    return this.scanGeneric(b, p, delim);
  }

  private acceptDateCell(d: number): boolean {
    this.count++;
    this.cur = parsed[0];
    if (this.acceptDate(d)) return true;
    this.count--;
    return false;
  }

  private scanGeneric(b: Uint8Array, p: number, delim: number): number {
    let i = p;
    let c = b[i];
    while (c !== delim && c !== LF && c !== CR) c = b[++i];
    this.addCell(b, p, i);
    return i;
  }

  private scanText(b: Uint8Array, p: number, delim: number): number {
    // hashBytes, computed while looking for the end (see tables.ts for the two kinds of key).
    let i = p;
    let c = b[i];
    let h: number;
    if (c === delim || c === LF || c === CR) {
      this.nulls++;
      return i;
    }
    let k = SHORT_KEY << 24;
    while (i - p < SHORT_KEY && c !== delim && c !== LF && c !== CR) {
      k |= c << ((i - p) * 8);
      c = b[++i];
    }
    if (c === delim || c === LF || c === CR) {
      h = fmix32((k & 0xffffff) | ((i - p) << 24));
    } else {
      h = 0x811c9dc5 | 0;
      for (let j = p; j < i; j++) h = Math.imul(h ^ b[j], 0x01000193);
      while (c !== delim && c !== LF && c !== CR) {
        h = Math.imul(h ^ c, 0x01000193);
        c = b[++i];
      }
      h = fmix32(h);
    }
    if (isNullBytes(b, p, i)) {
      this.nulls++;
      return i;
    }
    this.count++;
    this.countBytesHashed(b, p, i, h);
    return i;
  }

  private scanNumber(b: Uint8Array, p: number, delim: number): number {
    let i = p;
    let c = b[i];
    let neg = false;
    if (c === 45) {
      neg = true;
      c = b[++i];
    }
    const ds = i;
    let m = 0;
    while (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      c = b[++i];
    }
    const nd = i - ds;
    if (c === delim || c === LF || c === CR) {
      if (nd === 0) {
        if (neg) return this.scanGeneric(b, p, delim);
        this.nulls++;
        return i;
      }
      if (nd > 15) return this.scanGeneric(b, p, delim);
      const x = neg ? -m : m;
      this.count++;
      this.cur = x;
      this.acceptNumber(false);
      const dense = this.dense;
      // Canonical spelling ("0", or no leading zero, and no "-0") may use the dense window.
      if (dense !== null && (b[ds] !== 48 ? true : nd === 1 && !neg)) {
        const j = x - this.denseBase;
        if (j >= 0 && j < DENSE && (dense[j] !== 0 || this.roomForOne())) {
          if (dense[j]++ === 0) this.denseDistinct++;
          return i;
        }
      }
      this.countNumber(b, p, i);
      return i;
    }
    if (c === this.decimal) {
      c = b[++i];
      const fs = i;
      while (c >= 48 && c <= 57) {
        m = m * 10 + (c - 48);
        c = b[++i];
      }
      const nf = i - fs;
      if ((c === delim || c === LF || c === CR) && nd + nf > 0 && nd + nf <= 15) {
        const v = m / POW10[nf];
        const x = neg ? -v : v;
        this.count++;
        this.cur = x;
        this.acceptNumber(true);
        this.countNumber(b, p, i);
        return i;
      }
    }
    return this.scanGeneric(b, p, delim);
  }

  private classifyFirst(b: Uint8Array, s: number, e: number): void {
    const k = parseNumber(b, s, e, this.decimal);
    if (k !== K_NONE) {
      this.mode = M_NUMBER;
      this.numTable = new NumTable(this.limits.distinctBound, this.limits.arenaBound);
      const x = parsed[0];
      this.cur = x;
      this.acceptNumber(k === K_FLOAT);
      if (k === K_INT) {
        this.dense = new Uint32Array(DENSE);
        this.denseBase = x - DENSE / 2;
        this.dense[DENSE / 2] = 1;
        this.denseDistinct = 1;
        this.numTable.extra = 1;
      } else this.countNumber(b, s, e);
      return;
    }
    const d = parseDatetime(b, s, e);
    if (d !== D_NONE) {
      this.mode = M_DATE;
      this.numTable = new NumTable(this.limits.distinctBound, this.limits.arenaBound);
      this.cur = parsed[0];
      this.acceptDate(d);
      this.countNumber(b, s, e);
      return;
    }
    this.mode = parseBool(b, s, e) !== B_NONE ? M_BOOL : M_STRING;
    this.byteTable = new ByteTable(this.limits.distinctBound, this.limits.arenaBound);
    this.countBytes(b, s, e);
  }

  /** A value from JSON, Parquet or in-memory rows. JSON strings stay text unless they are ISO dates. */
  addValue(v: unknown, hint: number = HINT_NONE): void {
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) {
      this.nulls++;
      return;
    }
    let kind: number;
    let num = 0;
    let isFloat = false;
    let dkind = D_NONE;
    /** Bytes of v's text already in keyScratch (-1: not encoded yet). */
    let keyLen = -1;
    switch (typeof v) {
      case 'number':
        kind = M_NUMBER;
        num = v;
        isFloat = hint === HINT_FLOAT || !Number.isInteger(v);
        break;
      case 'bigint':
        kind = M_NUMBER;
        num = Number(v);
        break;
      case 'boolean':
        kind = M_BOOL;
        break;
      case 'string':
        keyLen = encodeKey(v);
        dkind = parseDatetime(keyScratch, 0, keyLen);
        if (dkind !== D_NONE) {
          kind = M_DATE;
          num = parsed[0];
        } else kind = M_STRING;
        break;
      default:
        if (v instanceof Date) {
          num = v.getTime();
          if (Number.isNaN(num)) {
            this.nulls++;
            return;
          }
          kind = M_DATE;
          dkind = hint === HINT_NAIVE ? D_NAIVE : hint === HINT_DATE ? D_DATE : D_AWARE;
        } else kind = M_STRING;
    }
    this.count++;
    if (this.mode === M_UNKNOWN) {
      this.mode = kind;
      if (kind === M_NUMBER || kind === M_DATE) this.numTable = new NumTable(this.limits.distinctBound, this.limits.arenaBound);
      else this.byteTable = new ByteTable(this.limits.distinctBound, this.limits.arenaBound);
    } else if (this.mode !== kind && this.mode !== M_STRING) {
      this.toText();
    }
    if (this.mode === M_NUMBER) {
      this.cur = num;
      this.acceptNumber(isFloat);
      this.countValue(v);
      return;
    }
    if (this.mode === M_DATE) {
      this.cur = num;
      if (this.acceptDate(dkind)) {
        this.countValue(v);
        return;
      }
      this.toText();
    }
    if (keyLen < 0) keyLen = encodeKey(spellingOf(v));
    this.countBytes(keyScratch, 0, keyLen);
  }

  /** countNumber for values that are not bytes yet: their text is only made for a new distinct value. */
  private countValue(v: unknown): void {
    const x = this.cur;
    if (!this.overflow) {
      const t = this.numTable as NumTable;
      if (t.bump(x) >= 0) return;
      const len = encodeKey(spellingOf(v));
      if (t.add(x, keyScratch, 0, len) >= 0) return;
      this.startEstimatingNumbers();
    }
    numSlot[0] = this.cur;
    (this.hll as HyperLogLog).add(hashNumSlot());
    this.keepValue(this.cur);
  }

  /**
   * Adds the number in `cur` to the statistics. Values travel in fields, not arguments: a double
   * (not a small integer) passed to a call V8 does not inline is boxed on the heap, and millions of
   * those boxes kept the garbage collector busy.
   */
  private acceptNumber(isFloat: boolean): void {
    if (isFloat) this.nFloat++;
    const x = this.cur;
    const n = this.count;
    // Neumaier-compensated sum for the mean (pandas sums ints exactly and floats pairwise);
    // Welford for the variance, which does not cancel catastrophically.
    const t = this.sum + x;
    if (Math.abs(this.sum) >= Math.abs(x)) this.sumC += this.sum - t + x;
    else this.sumC += x - t + this.sum;
    this.sum = t;
    const d = x - this.mean;
    this.mean += d / n;
    this.m2 += d * (x - this.mean);
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    if (x < this.fmin && x !== -Infinity) this.fmin = x;
    if (x > this.fmax && x !== Infinity) this.fmax = x;
  }

  /** False when the value cannot share the column (zone-aware next to naive: text, as in pandas). */
  private acceptDate(dkind: number): boolean {
    const ms = this.cur;
    const flags = this.dflags | (dkind === D_DATE ? FLAG_DATE : dkind === D_NAIVE ? FLAG_NAIVE : FLAG_AWARE);
    if ((flags & FLAG_AWARE) !== 0 && (flags & (FLAG_DATE | FLAG_NAIVE)) !== 0) return false;
    this.dflags = flags;
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
    return true;
  }

  /** Whether one more distinct value fits in the exact bound (the dense window shares it). */
  private roomForOne(): boolean {
    const t = this.numTable as NumTable;
    if (t.size + this.denseDistinct < this.limits.distinctBound) {
      t.extra = this.denseDistinct + 1;
      return true;
    }
    return false;
  }

  /** Counts the value in `cur` (spelled as b[s, e)). */
  private countNumber(b: Uint8Array, s: number, e: number): void {
    numSlot[0] = this.cur;
    if (!this.overflow) {
      if ((this.numTable as NumTable).addFromSlot(b, s, e) >= 0) return;
      this.startEstimatingNumbers();
      numSlot[0] = this.cur;
    }
    (this.hll as HyperLogLog).add(hashNumSlot());
    const vals = this.values;
    if (vals !== null && this.nValues < vals.length) vals[this.nValues++] = this.cur;
    else this.keepValueSlow(this.cur);
  }

  private countBytes(b: Uint8Array, s: number, e: number): void {
    this.countBytesHashed(b, s, e, hashBytes(b, s, e));
  }

  private countBytesHashed(b: Uint8Array, s: number, e: number, h: number): void {
    const t = this.byteTable as ByteTable;
    if (!this.overflow) {
      if (t.add(b, s, e, h) >= 0) return;
      this.hll = new HyperLogLog();
      for (let ent = 0; ent < t.size; ent++) this.hll.add(t.hashAt(ent));
      t.enableHeavyHitters();
      this.overflow = true;
    }
    (this.hll as HyperLogLog).add(h);
    t.add(b, s, e, h);
  }

  /**
   * Past distinctBound distinct numbers: distinct becomes a HyperLogLog estimate, and a
   * distribution column starts keeping its values (seeded from the table, which is then dropped).
   */
  private startEstimatingNumbers(): void {
    const hll = new HyperLogLog();
    // The whole budget at once: the OS maps pages only as they are written, and growing by
    // doubling would copy and garbage-collect tens of megabytes.
    if (this.wantDistribution) this.values = new Float64Array(this.limits.exactValues);
    const { values, counts } = this.exactNumbers();
    for (let i = 0; i < values.length; i++) {
      const x = values[i];
      hll.add(hashNumber(x));
      if (this.wantDistribution) this.keepValues(x, counts[i]);
    }
    this.hll = hll;
    this.numTable = null;
    this.dense = null;
    this.exactCache = null;
    this.overflow = true;
  }

  private keepValues(x: number, count: number): void {
    const vals = this.values;
    if (this.sketch === null && vals !== null && this.nValues + count <= vals.length) {
      vals.fill(x, this.nValues, this.nValues + count);
      this.nValues += count;
    } else for (let c = count; c > 0; c--) this.keepValue(x);
  }

  /** Small enough to be inlined (see acceptNumber): the common case stores and returns. */
  private keepValue(x: number): void {
    const vals = this.values;
    if (vals !== null && this.nValues < vals.length) vals[this.nValues++] = x;
    else this.keepValueSlow(x);
  }

  private keepValueSlow(x: number): void {
    if (!this.wantDistribution) return;
    if (this.sketch !== null) {
      this.sketch.add(x);
      return;
    }
    const vals = this.values;
    if (vals === null) return;
    // Past the in-memory bound: hand everything to the sketch.
    const sk = new QuantileSketch(this.limits.sketchK);
    for (let i = 0; i < this.nValues; i++) sk.add(vals[i]);
    sk.add(x);
    this.sketch = sk;
    this.values = null;
  }

  private toTextThenCount(b: Uint8Array, s: number, e: number): void {
    this.toText();
    this.countBytes(b, s, e);
  }

  /**
   * The column holds something that is not its candidate kind: it is text from now on. Numbers
   * seen so far are re-keyed by their first spelling; past the exact bound, the heavy-hitters
   * table starts now and every earlier cell widens countError.
   */
  private toText(): void {
    const was = this.mode;
    this.mode = M_STRING;
    this.values = null;
    this.sketch = null;
    if (was !== M_NUMBER && was !== M_DATE) return;
    const bt = new ByteTable(this.limits.distinctBound, this.limits.arenaBound);
    const nt = this.numTable;
    if (nt !== null) {
      for (let ent = 0; ent < nt.size; ent++) {
        const sp = nt.spelling(ent);
        bt.addMany(sp, 0, sp.length, hashBytes(sp, 0, sp.length), nt.counts[ent]);
      }
      const dense = this.dense;
      if (dense !== null) {
        // Dense values were all written canonically, so String() gives back their text.
        for (let j = 0; j < DENSE; j++) {
          if (dense[j] === 0) continue;
          const sp = Buffer.from(String(this.denseBase + j), 'latin1');
          bt.addMany(sp, 0, sp.length, hashBytes(sp, 0, sp.length), dense[j]);
        }
      }
      this.numTable = null;
      this.dense = null;
      this.exactCache = null;
    } else {
      bt.enableHeavyHitters();
      this.hhPrefix = this.count - 1;
    }
    this.byteTable = bt;
  }

  /** The column's type as reported (integer columns with nulls are float, as in pandas). */
  get type(): ColumnType {
    if (this.count === 0) return 'empty';
    switch (this.mode) {
      case M_NUMBER:
        return this.nFloat === 0 && this.nulls === 0 ? 'integer' : 'float';
      case M_BOOL:
        return 'boolean';
      case M_DATE:
        return 'datetime';
      default:
        return 'string';
    }
  }

  private get dateKind(): number {
    return this.dflags & FLAG_AWARE ? D_AWARE : this.dflags & FLAG_NAIVE ? D_NAIVE : D_DATE;
  }

  private exactCache: { values: Float64Array; counts: Float64Array } | null = null;

  /** Distinct numbers ascending with their counts, dense window and table merged (exact mode only). */
  private exactNumbers(): { values: Float64Array; counts: Float64Array } {
    if (this.exactCache !== null) return this.exactCache;
    const t = this.numTable as NumTable;
    const dense = this.dense;
    // Typed-array sort and table look-ups: 100,000 [value, count] pairs sorted with a comparator
    // cost more than the rest of the column's finish.
    const keys = new Float64Array(t.size + this.denseDistinct);
    keys.set(t.keys.subarray(0, t.size));
    let k = t.size;
    if (dense !== null) for (let j = 0; j < DENSE; j++) if (dense[j] !== 0) keys[k++] = this.denseBase + j;
    keys.sort();
    const values = new Float64Array(k);
    const counts = new Float64Array(k);
    let m = 0;
    for (let i = 0; i < k; i++) {
      const v = keys[i];
      // 5 (dense) and 5.0 (table) are one value.
      if (m > 0 && values[m - 1] === v) continue;
      let c = t.countOf(v);
      if (dense !== null) {
        const j = v - this.denseBase;
        if (j >= 0 && j < DENSE && Number.isInteger(j)) c += dense[j];
      }
      values[m] = v;
      counts[m++] = c;
    }
    this.exactCache = { values: values.subarray(0, m), counts: counts.subarray(0, m) };
    return this.exactCache;
  }

  /** Value -> count with each value in its canonical spelling (exact, or heavy hitters past the bound). */
  private canonicalCounts(): Map<string, number> {
    const out = new Map<string, number>();
    if (this.mode === M_NUMBER || this.mode === M_DATE) {
      const { values, counts } = this.exactNumbers();
      for (let i = 0; i < values.length; i++) {
        const key = this.mode === M_NUMBER ? String(values[i]) : formatDatetime(values[i], this.dateKind);
        out.set(key, (out.get(key) ?? 0) + counts[i]);
      }
      return out;
    }
    const t = this.byteTable;
    if (t === null) return out;
    for (let ent = 0; ent < t.size; ent++) {
      let key: string;
      if (this.mode === M_BOOL) {
        const kb = t.keyBytes(ent);
        key = parseBool(kb, 0, kb.length) === B_TRUE ? 'true' : 'false';
      } else key = t.keyString(ent);
      out.set(key, (out.get(key) ?? 0) + t.counts[ent]);
    }
    return out;
  }

  private distinct(): { distinct: number; exact: boolean } {
    if (this.count === 0) return { distinct: 0, exact: true };
    if (this.overflow) {
      // An estimate at or below the bound would contradict what we saw.
      return { distinct: Math.max((this.hll as HyperLogLog).estimate(), this.limits.distinctBound + 1), exact: false };
    }
    if (this.numTable !== null) return { distinct: this.exactNumbers().values.length, exact: true };
    if (this.mode === M_BOOL) return { distinct: this.canonicalCounts().size, exact: true };
    return { distinct: this.byteTable?.size ?? 0, exact: true };
  }

  profile(): ColumnProfile {
    const type = this.type;
    const { distinct, exact } = this.distinct();
    const p: ColumnProfile = { name: this.name, type, nulls: this.nulls, distinct, distinctExact: exact };
    if (type === 'integer' || type === 'float') {
      p.min = this.min;
      p.max = this.max;
      p.mean = (this.sum + this.sumC) / this.count;
      if (this.count > 1) p.std = Math.sqrt(this.m2 / (this.count - 1));
    } else if (type === 'datetime') {
      p.min = formatDatetime(this.min, this.dateKind);
      p.max = formatDatetime(this.max, this.dateKind);
    }
    return p;
  }

  /** The kind 'auto' picks: text, booleans and integer codes with few values are categorical. */
  autoKind(): 'numeric' | 'categorical' {
    if (this.count === 0) return 'categorical';
    if (this.mode === M_DATE) return 'numeric';
    if (this.mode !== M_NUMBER) return 'categorical';
    if (this.nFloat === 0 && this.numTable !== null && this.exactNumbers().values.length <= CATEGORICAL_MAX_INTEGER_VALUES) return 'categorical';
    return 'numeric';
  }

  distribution(rows: number, opts: { bins: number; top: number; kind: DistributionKind; source: string }): Distribution {
    const kind = opts.kind === 'auto' ? this.autoKind() : opts.kind;
    if (kind === 'categorical') {
      if ((this.mode === M_NUMBER || this.mode === M_DATE) && this.overflow) {
        throw new ProfileError(
          'WRONG_KIND',
          `The column "${this.name}" of ${opts.source} has more than ${this.limits.distinctBound} distinct ${this.type} values, too many to count one by one; ask for a numeric distribution instead.`,
          opts.source,
        );
      }
      return this.categorical(rows, opts.top);
    }
    if (this.mode !== M_NUMBER && this.mode !== M_DATE) {
      throw new ProfileError(
        'WRONG_KIND',
        `The column "${this.name}" of ${opts.source} is ${this.type}, so it has no numeric distribution; ask for a categorical one (kind: 'categorical') or pick a numeric column.`,
        opts.source,
      );
    }
    return this.numeric(rows, opts.bins);
  }

  private categorical(rows: number, top: number): CategoricalDistribution {
    const counts = [...this.canonicalCounts()];
    const numeric = this.mode === M_NUMBER;
    counts.sort((a, b) => b[1] - a[1] || (numeric ? Number(a[0]) - Number(b[0]) : a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const values = counts.slice(0, top).map(([value, count]) => ({ value, count }));
    const shown = values.reduce((acc, v) => acc + v.count, 0);
    const d: CategoricalDistribution = { kind: 'categorical', column: this.name, total: rows, nulls: this.nulls, values, other: this.count - shown };
    if (this.overflow) d.countError = this.hhPrefix + (this.byteTable?.decrement ?? 0);
    return d;
  }

  private numeric(rows: number, bins: number): NumericDistribution {
    const n = this.count;
    const lo = this.mode === M_DATE ? this.min : this.fmin;
    const hi = this.mode === M_DATE ? this.max : this.fmax;
    const edges = lo <= hi ? histogramEdges(lo, hi, bins) : [];
    const binner = edges.length > 1 ? new Binner(edges) : null;
    let at: OrderStat;
    let rankError: number | undefined;
    if (!this.overflow) {
      const { values, counts } = this.exactNumbers();
      if (binner) for (let i = 0; i < values.length; i++) binner.add(values[i], counts[i]);
      at = weightedOrderStat(values, counts);
    } else if (this.sketch !== null) {
      const { values, weights } = this.sketch.weighted();
      if (binner) for (let i = 0; i < values.length; i++) binner.add(values[i], weights[i]);
      at = weightedOrderStat(values, weights);
      rankError = this.sketch.rankError;
    } else {
      const vals = this.values ?? new Float64Array(0);
      const m = this.nValues;
      binner?.addAll(vals, m);
      const picked = selectRanks(vals, m, ranksFor(m, QUANTILE_PS));
      at = (r: number): number => picked.get(r) ?? NaN;
    }
    const d: NumericDistribution = {
      kind: 'numeric',
      column: this.name,
      total: rows,
      nulls: this.nulls,
      edges,
      counts: binner ? Array.from(binner.counts) : [],
      quantiles: n > 0 ? QUANTILE_PS.map((p) => ({ p, value: linearQuantile(n, p, at) })) : [],
    };
    if (this.mode === M_DATE) d.unit = 'epoch-ms';
    if (rankError !== undefined) d.rankError = rankError;
    return d;
  }
}

/** UTF-8 of key into keyScratch; short ASCII (most keys) without a native call. */
function encodeKey(key: string): number {
  const n = key.length;
  if (n * 3 > keyScratch.length) keyScratch = Buffer.allocUnsafe(n * 3 + 64);
  if (n <= 32) {
    let i = 0;
    for (; i < n; i++) {
      const c = key.charCodeAt(i);
      if (c >= 0x80) break;
      keyScratch[i] = c;
    }
    if (i === n) return n;
  }
  return keyScratch.write(key, 0, 'utf8');
}

function spellingOf(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
      return String(v);
    case 'bigint':
      return v.toString();
    case 'boolean':
      return v ? 'true' : 'false';
    default:
      if (v instanceof Date) return v.toISOString();
      if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
      return safeJson(v);
  }
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x)) ?? String(v);
  } catch {
    return String(v);
  }
}
