// Counting structures keyed by raw bytes: an exact value -> count table (which becomes a Misra-Gries
// heavy-hitters summary past its bound) and a HyperLogLog. Keys are stored in one byte arena, so a
// column of millions of cells creates a JS string only once per distinct value, at the end.

/**
 * Keys of up to 3 bytes (codes: airports, classes, S/C/Q) are packed with their length into 32 bits
 * and mixed with fmix32, a bijection: equal hashes mean equal keys, so the table skips comparing
 * bytes. Longer keys: FNV-1a, then fmix32 so that the low bits are usable as a table index.
 */
export const SHORT_KEY = 3;

export function hashBytes(b: Uint8Array, s: number, e: number): number {
  const len = e - s;
  if (len <= SHORT_KEY) return hashShort(b, s, len);
  let h = 0x811c9dc5 | 0;
  for (let i = s; i < e; i++) h = Math.imul(h ^ b[i], 0x01000193);
  return fmix32(h);
}

export function hashShort(b: Uint8Array, s: number, len: number): number {
  let k = len << 24;
  if (len > 0) k |= b[s];
  if (len > 1) k |= b[s + 1] << 8;
  if (len > 2) k |= b[s + 2] << 16;
  return fmix32(k);
}

export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/**
 * A one-number mailbox for the hot path: a double (not a small integer) passed as an argument to a
 * call V8 does not inline is boxed on the heap, and millions of boxes keep the collector busy.
 */
export const numSlot = new Float64Array(1);
const slotBits = new Int32Array(numSlot.buffer);

/** hashNumber of the value in numSlot. */
export function hashNumSlot(): number {
  if (numSlot[0] === 0) numSlot[0] = 0; // -0 counts as 0, as in pandas
  return fmix32(slotBits[0] ^ fmix32(slotBits[1] + 0x9e3779b9));
}

/** A hash of a number's value (so `1`, `1.0` and `1e0` hash alike). */
export function hashNumber(x: number): number {
  numSlot[0] = x;
  return hashNumSlot();
}

/**
 * Open-addressing table from byte strings to counts. Exact until `maxEntries` distinct keys (or
 * `maxArena` bytes of keys): `add` then returns -1 and the caller decides (switch to estimates).
 * In heavy-hitters mode (`enableHeavyHitters`) it never refuses a key: when full it subtracts the
 * (k+1)-th largest count from every counter (batched Misra-Gries, k = maxEntries / 2), so every kept
 * count is at most `decrement` below the truth and decrement <= n / (k + 1).
 */
export class ByteTable {
  size = 0;
  /** Total subtracted from every counter by heavy-hitter batches (0 while exact). */
  decrement = 0;
  private heavy = false;
  private mask: number;
  private slots: Int32Array;
  private keyOff: Int32Array;
  private keyLen: Int32Array;
  private keyHash: Int32Array;
  counts: Float64Array;
  private arena: Uint8Array;
  private arenaLen = 0;

  constructor(
    private maxEntries: number,
    private readonly maxArena: number,
  ) {
    this.mask = 63;
    this.slots = new Int32Array(64);
    this.keyOff = new Int32Array(32);
    this.keyLen = new Int32Array(32);
    this.keyHash = new Int32Array(32);
    this.counts = new Float64Array(32);
    this.arena = new Uint8Array(1024);
  }

  get isHeavyHitters(): boolean {
    return this.heavy;
  }

  /** Counts one occurrence of bytes [s, e) with hash h; returns the entry index, or -1 when full. */
  add(b: Uint8Array, s: number, e: number, h: number): number {
    const len = e - s;
    const mask = this.mask;
    const slots = this.slots;
    let slot = h & mask;
    for (;;) {
      const ent = slots[slot] - 1;
      if (ent < 0) break;
      if (this.keyHash[ent] === h && this.keyLen[ent] === len) {
        if (len <= SHORT_KEY) {
          this.counts[ent] += 1;
          return ent;
        }
        const off = this.keyOff[ent];
        const arena = this.arena;
        let k = 0;
        while (k < len && arena[off + k] === b[s + k]) k++;
        if (k === len) {
          this.counts[ent] += 1;
          return ent;
        }
      }
      slot = (slot + 1) & mask;
    }
    if (this.size >= this.maxEntries || this.arenaLen + len > this.maxArena) {
      if (!this.heavy) return -1;
      this.shrink();
      return this.add(b, s, e, h);
    }
    return this.insertNew(b, s, e, h, slot, 1);
  }

  /** Counts `count` occurrences at once (re-keying another table's entries). */
  addMany(b: Uint8Array, s: number, e: number, h: number, count: number): number {
    const ent = this.add(b, s, e, h);
    if (ent >= 0) this.counts[ent] += count - 1;
    return ent;
  }

  private insertNew(b: Uint8Array, s: number, e: number, h: number, slot: number, count: number): number {
    const len = e - s;
    const ent = this.size++;
    if (ent === this.keyOff.length) this.growEntries();
    if (this.arenaLen + len > this.arena.length) {
      let cap = this.arena.length * 2;
      while (cap < this.arenaLen + len) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.arena.subarray(0, this.arenaLen));
      this.arena = next;
    }
    copyBytes(this.arena, this.arenaLen, b, s, e);
    this.keyOff[ent] = this.arenaLen;
    this.keyLen[ent] = len;
    this.keyHash[ent] = h;
    this.counts[ent] = count;
    this.arenaLen += len;
    this.slots[slot] = ent + 1;
    if (this.size * 2 > this.mask) this.rehash(this.mask * 2 + 1);
    return ent;
  }

  private growEntries(): void {
    const n = this.keyOff.length * 2;
    const grow = <T extends Int32Array | Float64Array>(a: T, make: (n: number) => T): T => {
      const x = make(n);
      x.set(a);
      return x;
    };
    this.keyOff = grow(this.keyOff, (k) => new Int32Array(k));
    this.keyLen = grow(this.keyLen, (k) => new Int32Array(k));
    this.keyHash = grow(this.keyHash, (k) => new Int32Array(k));
    this.counts = grow(this.counts, (k) => new Float64Array(k));
  }

  private rehash(mask: number): void {
    const slots = new Int32Array(mask + 1);
    for (let ent = 0; ent < this.size; ent++) {
      let slot = this.keyHash[ent] & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = ent + 1;
    }
    this.mask = mask;
    this.slots = slots;
  }

  /** Switches to heavy-hitters mode keeping the k = current bound most frequent values and up to 2k counters. */
  enableHeavyHitters(): void {
    this.heavy = true;
    this.maxEntries *= 2;
  }

  private shrink(): void {
    const k = this.maxEntries >> 1;
    const n = this.size;
    // c = the (k+1)-th largest count: at least k+1 counters lose c each, so decrement <= n/(k+1).
    const sorted = Float64Array.from(this.counts.subarray(0, n)).sort();
    // (When the key arena, not the count, filled up, fewer counters exist: drop the lower half.)
    const c = n > k ? sorted[n - k - 1] : sorted[n >> 1];
    this.decrement += c;
    const oldOff = this.keyOff;
    const oldLen = this.keyLen;
    const oldHash = this.keyHash;
    const oldCounts = this.counts;
    const oldArena = this.arena;
    this.size = 0;
    this.arenaLen = 0;
    this.keyOff = new Int32Array(oldOff.length);
    this.keyLen = new Int32Array(oldOff.length);
    this.keyHash = new Int32Array(oldOff.length);
    this.counts = new Float64Array(oldOff.length);
    this.arena = new Uint8Array(oldArena.length);
    this.slots.fill(0);
    for (let ent = 0; ent < n; ent++) {
      const left = oldCounts[ent] - c;
      if (left <= 0) continue;
      const h = oldHash[ent];
      let slot = h & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.insertNew(oldArena, oldOff[ent], oldOff[ent] + oldLen[ent], h, slot, left);
    }
  }

  hashAt(ent: number): number {
    return this.keyHash[ent];
  }

  keyBytes(ent: number): Uint8Array {
    return this.arena.subarray(this.keyOff[ent], this.keyOff[ent] + this.keyLen[ent]);
  }

  keyString(ent: number): string {
    const off = this.keyOff[ent];
    return Buffer.from(this.arena.buffer, this.arena.byteOffset + off, this.keyLen[ent]).toString('utf8');
  }
}

const HLL_P = 14;
const HLL_M = 1 << HLL_P;

/** HyperLogLog with 2^14 one-byte registers: standard error 1.04 / sqrt(16384) = 0.81 %. */
export class HyperLogLog {
  private regs = new Uint8Array(HLL_M);

  add(h: number): void {
    const idx = h >>> (32 - HLL_P);
    const rank = Math.clz32(fmix32(h ^ 0x5bd1e995)) + 1;
    if (rank > this.regs[idx]) this.regs[idx] = rank;
  }

  estimate(): number {
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < HLL_M; i++) {
      sum += 2 ** -this.regs[i];
      if (this.regs[i] === 0) zeros++;
    }
    const alpha = 0.7213 / (1 + 1.079 / HLL_M);
    const raw = (alpha * HLL_M * HLL_M) / sum;
    // Linear counting is the better estimator while many registers are still empty.
    if (raw <= 2.5 * HLL_M && zeros > 0) return Math.round(HLL_M * Math.log(HLL_M / zeros));
    return Math.round(raw);
  }

  /** Register-wise max: the sketch of the union of both inputs. */
  merge(other: HyperLogLog): void {
    for (let i = 0; i < HLL_M; i++) if (other.regs[i] > this.regs[i]) this.regs[i] = other.regs[i];
  }
}

/**
 * Open-addressing table from numbers (values, or epoch ms for datetimes) to counts, keeping the
 * first spelling of each value: numeric columns count distinct values as pandas does (1 and 1.0
 * are one value), and a column that turns out to be text can still be re-keyed by its spellings.
 */
export class NumTable {
  size = 0;
  /** Distinct values counted elsewhere (the column's dense integer window) that share the bound. */
  extra = 0;
  private lastKey = NaN;
  private lastEnt = -1;
  private mask = 63;
  private slots = new Int32Array(64);
  keys = new Float64Array(32);
  counts = new Float64Array(32);
  private spellOff = new Int32Array(32);
  private spellLen = new Int32Array(32);
  private arena = new Uint8Array(1024);
  private arenaLen = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly maxArena: number,
  ) {}

  /** How often x was counted (0 if never). */
  countOf(x: number): number {
    if (x === 0) x = 0;
    let slot = hashNumber(x) & this.mask;
    for (;;) {
      const ent = this.slots[slot] - 1;
      if (ent < 0) return 0;
      if (this.keys[ent] === x) return this.counts[ent];
      slot = (slot + 1) & this.mask;
    }
  }

  /** Counts one occurrence of x if it is already in the table; returns its entry, or -1. */
  bump(x: number): number {
    if (x === this.lastKey) {
      this.counts[this.lastEnt] += 1;
      return this.lastEnt;
    }
    if (x === 0) x = 0;
    const mask = this.mask;
    let slot = hashNumber(x) & mask;
    for (;;) {
      const ent = this.slots[slot] - 1;
      if (ent < 0) return -1;
      if (this.keys[ent] === x) {
        this.counts[ent] += 1;
        this.lastKey = x;
        this.lastEnt = ent;
        return ent;
      }
      slot = (slot + 1) & mask;
    }
  }

  /** add() for the value in numSlot. */
  addFromSlot(b: Uint8Array, s: number, e: number): number {
    const x = numSlot[0];
    if (x === this.lastKey) {
      this.counts[this.lastEnt] += 1;
      return this.lastEnt;
    }
    return this.addSlow(x, b, s, e);
  }

  /** Counts one occurrence of x (spelled as b[s, e)); returns -1 when a new value does not fit. */
  add(x: number, b: Uint8Array, s: number, e: number): number {
    // Sorted or grouped data repeats the last value: skip the hashing. (Kept small so that V8
    // inlines it: a double argument to a call that is not inlined is boxed on the heap.)
    if (x === this.lastKey) {
      this.counts[this.lastEnt] += 1;
      return this.lastEnt;
    }
    return this.addSlow(x, b, s, e);
  }

  private addSlow(x: number, b: Uint8Array, s: number, e: number): number {
    if (x === 0) x = 0; // -0 is 0
    const mask = this.mask;
    const slots = this.slots;
    const keys = this.keys;
    let slot = hashNumber(x) & mask;
    for (;;) {
      const ent = slots[slot] - 1;
      if (ent < 0) break;
      if (keys[ent] === x) {
        this.counts[ent] += 1;
        this.lastKey = x;
        this.lastEnt = ent;
        return ent;
      }
      slot = (slot + 1) & mask;
    }
    const len = e - s;
    if (this.size + this.extra >= this.maxEntries || this.arenaLen + len > this.maxArena) return -1;
    const ent = this.size++;
    if (ent === this.keys.length) this.growEntries();
    if (this.arenaLen + len > this.arena.length) {
      let cap = this.arena.length * 2;
      while (cap < this.arenaLen + len) cap *= 2;
      const next = new Uint8Array(cap);
      next.set(this.arena.subarray(0, this.arenaLen));
      this.arena = next;
    }
    copyBytes(this.arena, this.arenaLen, b, s, e);
    this.spellOff[ent] = this.arenaLen;
    this.spellLen[ent] = len;
    this.arenaLen += len;
    this.keys[ent] = x;
    this.counts[ent] = 1;
    slots[slot] = ent + 1;
    this.lastKey = x;
    this.lastEnt = ent;
    if (this.size * 2 > mask) this.rehash(mask * 2 + 1);
    return ent;
  }

  private growEntries(): void {
    const n = this.keys.length * 2;
    const keys = new Float64Array(n);
    keys.set(this.keys);
    const counts = new Float64Array(n);
    counts.set(this.counts);
    const off = new Int32Array(n);
    off.set(this.spellOff);
    const len = new Int32Array(n);
    len.set(this.spellLen);
    this.keys = keys;
    this.counts = counts;
    this.spellOff = off;
    this.spellLen = len;
  }

  private rehash(mask: number): void {
    const slots = new Int32Array(mask + 1);
    for (let ent = 0; ent < this.size; ent++) {
      let slot = hashNumber(this.keys[ent]) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = ent + 1;
    }
    this.mask = mask;
    this.slots = slots;
  }

  spelling(ent: number): Uint8Array {
    return this.arena.subarray(this.spellOff[ent], this.spellOff[ent] + this.spellLen[ent]);
  }
}

/** dst[at...] = src[s, e): a loop for short keys, since subarray() allocates a view per call. */
function copyBytes(dst: Uint8Array, at: number, src: Uint8Array, s: number, e: number): void {
  if (e - s > 64) dst.set(src.subarray(s, e), at);
  else for (let i = s; i < e; i++) dst[at++] = src[i];
}
