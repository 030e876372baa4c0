// A byte-level RFC 4180 reader for CSV/TSV: finds field boundaries in the Buffer and hands each
// field's byte range to its column, so no string is made per cell. Quoted fields may hold the
// delimiter, doubled quotes and newlines; CRLF, lone CR and a UTF-8 BOM are accepted.

import type { ColumnAcc } from './column';
import { ProfileError } from './errors';
import type { ChunkSink } from './reader';

const QUOTE = 34;
const LF = 10;
const CR = 13;

export interface Dialect {
  delimiter: number;
  /** 46 '.', or 44 ',' when the file writes 7,4 for 7.4 (sniffed only with ';' as the delimiter). */
  decimal: number;
}

const CANDIDATES = [44, 9, 59, 124]; // , \t ; |

/**
 * Picks the delimiter whose count per line (outside quotes) is the same on the most sample lines
 * (up to 100 lines of the first 64 KiB); ties go to the extension's default (tab for .tsv/.tab,
 * comma otherwise), then to the order , \t ; |. A single-column file gets the default.
 */
export function sniffDialect(b: Uint8Array, s: number, e: number, ext: string): Dialect {
  const lines = sampleLines(b, s, Math.min(e, s + 65536), e);
  const preferTab = ext === '.tsv' || ext === '.tab';
  const order = preferTab ? [9, 44, 59, 124] : CANDIDATES;
  let best = order[0];
  let bestScore = -1;
  for (const d of order) {
    const counts = lines.map(([ls, le]) => countOutsideQuotes(b, ls, le, d));
    const freq = new Map<number, number>();
    for (const c of counts) freq.set(c, (freq.get(c) ?? 0) + 1);
    let mode = 0;
    let modeFreq = 0;
    for (const [c, f] of freq) if (f > modeFreq || (f === modeFreq && c > mode)) [mode, modeFreq] = [c, f];
    if (mode === 0 || lines.length === 0) continue;
    const score = modeFreq / lines.length;
    if (score > bestScore) {
      best = d;
      bestScore = score;
    }
  }
  let decimal = 46;
  if (best === 59) {
    // Decimal comma: numbers like 7,4 appear and none like 7.4.
    let comma = 0;
    let dot = 0;
    for (const [ls, le] of lines.slice(1)) {
      for (const field of Buffer.from(b.buffer, b.byteOffset + ls, le - ls).toString('latin1').split(';')) {
        // Spreadsheets often quote decimal-comma numbers ("7,4"): look inside the quotes.
        const f = field.trim().replace(/^"(.*)"$/, '$1');
        if (/^[+-]?\d+,\d+$/.test(f)) comma++;
        else if (/^[+-]?\d*\.\d+$/.test(f)) dot++;
      }
    }
    if (comma > 0 && dot === 0) decimal = 44;
  }
  return { delimiter: best, decimal };
}

function sampleLines(b: Uint8Array, s: number, e: number, fileEnd: number): [number, number][] {
  const out: [number, number][] = [];
  let ls = s;
  let inQ = false;
  for (let i = s; i < e && out.length < 100; i++) {
    const c = b[i];
    if (c === QUOTE) inQ = !inQ;
    else if (!inQ && (c === LF || c === CR)) {
      if (i > ls) out.push([ls, i]);
      ls = i + 1;
    }
  }
  if (out.length === 0 && e === fileEnd && e > ls) out.push([ls, e]);
  return out;
}

/** Delimiters from p to the end of its line (no quotes in the chunk: the fast loop's case). */
function countByte(b: Uint8Array, p: number, limit: number, d: number): number {
  let n = 0;
  for (let i = p; i < limit && b[i] !== LF && b[i] !== CR; i++) if (b[i] === d) n++;
  return n;
}

function countOutsideQuotes(b: Uint8Array, s: number, e: number, d: number): number {
  let n = 0;
  let inQ = false;
  for (let i = s; i < e; i++) {
    const c = b[i];
    if (c === QUOTE) inQ = !inQ;
    else if (c === d && !inQ) n++;
  }
  return n;
}

/** pandas' header rules: an empty name becomes "Unnamed: i", a repeated one "name.1", "name.2"... */
export function mangleHeader(names: string[]): string[] {
  const used = new Set<string>();
  const next = new Map<string, number>();
  return names.map((raw, i) => {
    const name = raw === '' ? `Unnamed: ${i}` : raw;
    let cur = name;
    while (used.has(cur)) {
      const k = (next.get(name) ?? 0) + 1;
      next.set(name, k);
      cur = `${name}.${k}`;
    }
    used.add(cur);
    return cur;
  });
}

export class CsvParser implements ChunkSink {
  dialect: Dialect | null = null;
  header: string[] | null = null;
  rows = 0;
  /** Physical line (1-based) where the next record starts. */
  private line = 1;
  private cols: ColumnAcc[] = [];
  // Field bounds of the record being read (fq: 1 when the raw field must be unquoted).
  private fs = new Int32Array(64);
  private fe = new Int32Array(64);
  private fq = new Uint8Array(64);
  private scratch = Buffer.allocUnsafe(4096);
  private started = false;

  constructor(
    private readonly path: string,
    private readonly ext: string,
    /** Called once with the header; returns one accumulator per column, in order. */
    private readonly onHeader: (names: string[], dialect: Dialect) => ColumnAcc[],
  ) {}

  get columns(): ColumnAcc[] {
    return this.cols;
  }

  data(buf: Buffer, start: number, end: number): number {
    return this.parse(buf, this.fastPrefix(buf, start, end), end, false);
  }

  end(buf: Buffer, start: number, end: number): void {
    this.parse(buf, this.fastPrefix(buf, start, end), end, true);
  }

  /**
   * A chunk without a single quote character cannot have quoted fields, so every LF in it ends a
   * record: the records up to its last LF are complete and go through the fast loop, where each
   * column parses its field in the same pass that finds the field's end. Returns where the
   * general parser should continue.
   */
  private fastPrefix(buf: Uint8Array, start: number, end: number): number {
    if (this.header === null || start >= end) return start;
    const view = buf.subarray(start, end);
    if (view.indexOf(QUOTE) >= 0) return start;
    const lastLF = view.lastIndexOf(LF);
    if (lastLF < 0) return start;
    return this.fast(buf, start, start + lastLF + 1);
  }

  private fast(buf: Uint8Array, start: number, limit: number): number {
    const delim = (this.dialect as Dialect).delimiter;
    const cols = this.cols;
    const last = cols.length - 1;
    let p = start;
    let rows = this.rows;
    let line = this.line;
    try {
      while (p < limit) {
        let c = buf[p];
        if (c === LF || c === CR) {
          p += c === CR && buf[p + 1] === LF ? 2 : 1;
          line++;
          continue;
        }
        for (let i = 0; ; i++) {
          p = cols[i].scanCell(buf, p, delim);
          c = buf[p];
          if (i === last) break;
          if (c !== delim) {
            this.line = line;
            this.ragged(i + 1, cols.length);
          }
          p++;
        }
        if (c === delim) {
          this.line = line;
          this.ragged(cols.length + countByte(buf, p, limit, delim), cols.length);
        }
        p += c === CR && buf[p + 1] === LF ? 2 : 1;
        rows++;
        line++;
      }
    } finally {
      this.rows = rows;
      this.line = line;
    }
    return p;
  }

  private parse(buf: Uint8Array, start: number, end: number, eof: boolean): number {
    let p = start;
    if (!this.started) {
      if (end - p < 3 && !eof) return p;
      if (end - p >= 3 && buf[p] === 0xef && buf[p + 1] === 0xbb && buf[p + 2] === 0xbf) p += 3;
      this.dialect = sniffDialect(buf, p, end, this.ext);
      this.started = true;
    }
    const delim = (this.dialect as Dialect).delimiter;
    let fs = this.fs;
    let fe = this.fe;
    let fq = this.fq;
    const cols = this.cols;
    const ncols = cols.length;
    while (p < end) {
      const recStart = p;
      let c = buf[p];
      if (c === LF || c === CR) {
        // A blank line: skipped, as pandas does.
        if (c === CR) {
          if (p + 1 >= end && !eof) return recStart;
          p += p + 1 < end && buf[p + 1] === LF ? 2 : 1;
        } else p++;
        this.line++;
        continue;
      }
      let nf = 0;
      let lines = 0;
      for (;;) {
        if (nf === fs.length) {
          this.grow();
          fs = this.fs;
          fe = this.fe;
          fq = this.fq;
        }
        if (p < end && buf[p] === QUOTE) {
          const open = p;
          p++;
          let escaped = false;
          for (;;) {
            if (p >= end) {
              if (!eof) return recStart;
              throw new ProfileError(
                'UNTERMINATED_QUOTE',
                `${this.path}: the quoted field that starts on line ${this.line} is never closed. Add the missing closing quote (") or double the quotes inside the field.`,
                this.path,
                this.line,
              );
            }
            c = buf[p];
            if (c === QUOTE) {
              if (p + 1 >= end && !eof) return recStart;
              if (p + 1 < end && buf[p + 1] === QUOTE) {
                escaped = true;
                p += 2;
                continue;
              }
              break;
            }
            if (c === LF || (c === CR && !(p + 1 < end && buf[p + 1] === LF))) lines++;
            p++;
          }
          const close = p;
          p++;
          if (p < end && (c = buf[p]) !== delim && c !== LF && c !== CR) {
            // Text after the closing quote ("ab"cd): pandas keeps it; unescape the whole raw field.
            while (p < end && (c = buf[p]) !== delim && c !== LF && c !== CR) p++;
            fs[nf] = open;
            fe[nf] = p;
            fq[nf] = 1;
          } else if (escaped) {
            fs[nf] = open;
            fe[nf] = close + 1;
            fq[nf] = 1;
          } else {
            fs[nf] = open + 1;
            fe[nf] = close;
            fq[nf] = 0;
          }
        } else {
          const s = p;
          while (p < end && (c = buf[p]) !== delim && c !== LF && c !== CR) p++;
          fs[nf] = s;
          fe[nf] = p;
          fq[nf] = 0;
        }
        nf++;
        if (p >= end) {
          if (!eof) return recStart;
          break;
        }
        c = buf[p];
        if (c === delim) {
          p++;
          continue;
        }
        if (c === LF) {
          p++;
        } else {
          if (p + 1 >= end && !eof) return recStart;
          p += p + 1 < end && buf[p + 1] === LF ? 2 : 1;
        }
        lines++;
        break;
      }
      if (this.header === null) {
        this.takeHeader(buf, nf);
        this.line += lines;
        return this.parse(buf, this.fastPrefix(buf, p, end), end, eof);
      }
      if (nf !== ncols) this.ragged(nf, ncols);
      for (let i = 0; i < nf; i++) {
        if (fq[i] === 0) cols[i].addCell(buf, fs[i], fe[i]);
        else {
          const len = this.unescape(buf, fs[i], fe[i]);
          cols[i].addCell(this.scratch, 0, len);
        }
      }
      this.rows++;
      this.line += lines;
    }
    return p;
  }

  private takeHeader(buf: Uint8Array, nf: number): void {
    const names: string[] = [];
    for (let i = 0; i < nf; i++) {
      let s = this.fs[i];
      let e = this.fe[i];
      let src: Uint8Array = buf;
      if (this.fq[i] !== 0) {
        e = this.unescape(buf, s, e);
        s = 0;
        src = this.scratch;
      }
      names.push(Buffer.from(src.buffer, src.byteOffset + s, e - s).toString('utf8'));
    }
    this.header = mangleHeader(names);
    this.cols = this.onHeader(this.header, this.dialect as Dialect);
  }

  private ragged(found: number, expected: number): never {
    const names = (this.header ?? []).join(', ');
    throw new ProfileError(
      'RAGGED',
      `${this.path}, line ${this.line}: expected ${expected} fields (the header has ${names}) but found ${found}. ` +
        `Fix that row, or quote fields that contain the delimiter "${String.fromCharCode((this.dialect as Dialect).delimiter).replace('\t', '\\t')}".`,
      this.path,
      this.line,
    );
  }

  /** Copies raw field bytes [s, e) to the scratch buffer without its quotes ("" -> "). */
  private unescape(buf: Uint8Array, s: number, e: number): number {
    if (this.scratch.length < e - s) this.scratch = Buffer.allocUnsafe((e - s) * 2);
    const out = this.scratch;
    let n = 0;
    let inQ = false;
    for (let i = s; i < e; i++) {
      const c = buf[i];
      if (c === QUOTE) {
        if (inQ && i + 1 < e && buf[i + 1] === QUOTE) {
          out[n++] = QUOTE;
          i++;
        } else inQ = !inQ;
      } else out[n++] = c;
    }
    return n;
  }

  private grow(): void {
    const n = this.fs.length * 2;
    const fs = new Int32Array(n);
    fs.set(this.fs);
    const fe = new Int32Array(n);
    fe.set(this.fe);
    const fq = new Uint8Array(n);
    fq.set(this.fq);
    this.fs = fs;
    this.fe = fe;
    this.fq = fq;
  }
}
