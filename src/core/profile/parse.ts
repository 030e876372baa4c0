// Cell parsers that work on bytes, so the CSV hot path never creates a JS string for a number, a
// boolean, a date or a null. Each parser returns a small integer kind and leaves the value in a
// module-level variable: returning an object per cell would allocate millions of them.

/** The null spellings of text formats: pandas' default `na_values` (pandas 2.x, which added "None"). */
export const NULL_SPELLINGS: readonly string[] = [
  '', '#N/A', '#N/A N/A', '#NA', '-1.#IND', '-1.#QNAN', '-NaN', '-nan', '1.#IND', '1.#QNAN',
  '<NA>', 'N/A', 'NA', 'NULL', 'NaN', 'None', 'n/a', 'nan', 'null',
];

const NULL_BYTES: Uint8Array[] = NULL_SPELLINGS.filter((s) => s !== '').map((s) => Buffer.from(s, 'latin1'));
// (first byte, length) pairs of the non-empty spellings: one lookup rejects almost every real value.
const NULL_MAXLEN = 15;
const NULL_FIRST_LEN = new Uint8Array(256 * (NULL_MAXLEN + 1));
for (const b of NULL_BYTES) NULL_FIRST_LEN[b[0] * (NULL_MAXLEN + 1) + b.length] = 1;

/** True when bytes [s, e) are one of NULL_SPELLINGS (the empty cell included). */
export function isNullBytes(b: Uint8Array, s: number, e: number): boolean {
  const len = e - s;
  if (len === 0) return true;
  if (len > NULL_MAXLEN || NULL_FIRST_LEN[b[s] * (NULL_MAXLEN + 1) + len] === 0) return false;
  outer: for (let k = 0; k < NULL_BYTES.length; k++) {
    const n = NULL_BYTES[k];
    if (n.length !== len) continue;
    for (let i = 0; i < len; i++) if (n[i] !== b[s + i]) continue outer;
    return true;
  }
  return false;
}

export const K_NONE = 0;
/** An integer written the way String(n) writes it (no sign '+', spaces or leading zeros). */
export const K_INT = 1;
export const K_FLOAT = 2;
/** An integer written some other way ("007", "+5", " 5"): equal in value, different as text. */
export const K_INT_OTHER = 3;

/**
 * The value of the last successful parseNumber / parseDatetime. A shared cell rather than an
 * exported `let`: compiled to CommonJS (tsx, tests) every read of an imported binding is a getter call.
 */
export const parsed = new Float64Array(1);

// The powers of ten pandas' C parser scales by (its table e[] of double literals 1e0..1e308).
const E10: number[] = [];
for (let i = 0; i <= 308; i++) E10.push(Number(`1e${i}`));

/**
 * Parses a number the way pandas' default CSV parser (precise_xstrtod, pandas 1.x and 2.x) does,
 * so that every value, and so every statistic, is the double pandas holds: optional spaces, sign,
 * digits, one decimal mark (`.` or the sniffed `,`), exponent, or inf/infinity. Like pandas it keeps
 * the first 17 digits (leading zeros included) and scales once by a power of ten: identical to
 * correct rounding up to 15 significant digits, and pandas' answer beyond (pandas reads back
 * 0.054000000000000006, which it wrote itself, as 0.054).
 * Returns K_INT / K_INT_OTHER for integers within int64 (or uint64), K_FLOAT for other numbers,
 * K_NONE when the text is not a number as pandas sees it (the column is then text).
 */
export function parseNumber(b: Uint8Array, s0: number, e0: number, decimal: number): number {
  let s = s0;
  let e = e0;
  while (s < e && (b[s] === 32 || b[s] === 9)) s++;
  while (e > s && (b[e - 1] === 32 || b[e - 1] === 9)) e--;
  if (s === e) return K_NONE;
  let i = s;
  let neg = false;
  let c = b[i];
  let plain = s === s0 && e === e0;
  if (c === 45) {
    neg = true;
    i++;
  } else if (c === 43) {
    plain = false;
    i++;
  }
  let number = 0;
  let numDigits = 0;
  let exponent = 0;
  const ds = i;
  while (i < e) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) break;
    if (numDigits < 17) {
      number = number * 10 + d;
      numDigits++;
    } else exponent++;
    i++;
  }
  const intDigits = i - ds;
  if (i === e) {
    if (intDigits === 0) return K_NONE;
    if (intDigits <= 15) {
      parsed[0] = neg ? -number : number;
      // "0" is canonical, "-0", "00" and "012" are not.
      if (plain && (b[ds] !== 48 ? true : intDigits === 1 && !neg)) return K_INT;
      return K_INT_OTHER;
    }
    return slowInteger(b, s, e);
  }
  let fracDigits = 0;
  c = b[i];
  if (c === decimal) {
    i++;
    while (i < e) {
      const d = b[i] - 48;
      if (d < 0 || d > 9) break;
      if (numDigits < 17) {
        number = number * 10 + d;
        numDigits++;
        exponent--;
      }
      fracDigits++;
      i++;
    }
  }
  if (intDigits + fracDigits === 0) return parseInf(b, s, e);
  if (i < e) {
    c = b[i];
    if (c !== 101 && c !== 69) return K_NONE;
    i++;
    let eneg = false;
    if (i < e && (b[i] === 45 || b[i] === 43)) {
      eneg = b[i] === 45;
      i++;
    }
    let n = 0;
    let expDigits = 0;
    while (i < e) {
      const d = b[i] - 48;
      if (d < 0 || d > 9 || expDigits === 17) return K_NONE;
      n = n * 10 + d;
      expDigits++;
      i++;
    }
    if (expDigits === 0) return K_NONE;
    exponent += eneg ? -n : n;
  }
  // pandas reports a range error (and reads the column as text) past 1e308.
  if (exponent > 308) return K_NONE;
  let v = number;
  if (exponent > 0) v *= E10[exponent];
  else if (exponent < -308) v = exponent < -616 ? 0 : v / E10[-308 - exponent] / E10[308];
  else v /= E10[-exponent];
  if (v === Infinity) return K_NONE;
  parsed[0] = neg ? -v : v;
  return K_FLOAT;
}

const INT64_MIN = -9223372036854775808n;
const UINT64_MAX = 18446744073709551615n;

function slowInteger(b: Uint8Array, s: number, e: number): number {
  // pandas keeps int64 (and uint64) integers; beyond both it reads the column as text (object).
  const big = BigInt(latin1(b, s, e));
  if (big > UINT64_MAX || big < INT64_MIN) return K_NONE;
  parsed[0] = Number(big);
  return K_INT_OTHER;
}

function parseInf(b: Uint8Array, s: number, e: number): number {
  let i = s;
  let neg = false;
  if (b[i] === 45 || b[i] === 43) {
    neg = b[i] === 45;
    i++;
  }
  const len = e - i;
  if (len !== 3 && len !== 8) return K_NONE;
  const word = len === 3 ? 'inf' : 'infinity';
  for (let k = 0; k < len; k++) if ((b[i + k] | 0x20) !== word.charCodeAt(k)) return K_NONE;
  parsed[0] = neg ? -Infinity : Infinity;
  return K_FLOAT;
}

export function latin1(b: Uint8Array, s: number, e: number): string {
  return Buffer.from(b.buffer, b.byteOffset + s, e - s).toString('latin1');
}

export const B_NONE = 0;
export const B_TRUE = 1;
export const B_FALSE = 2;

const TRUE_SPELLINGS = ['true', 'True', 'TRUE'].map((w) => Buffer.from(w, 'latin1'));
const FALSE_SPELLINGS = ['false', 'False', 'FALSE'].map((w) => Buffer.from(w, 'latin1'));

function matchAny(b: Uint8Array, s: number, words: Uint8Array[]): boolean {
  outer: for (const w of words) {
    for (let k = 0; k < w.length; k++) if (b[s + k] !== w[k]) continue outer;
    return true;
  }
  return false;
}

/** pandas' default boolean spellings: true/True/TRUE and false/False/FALSE. */
export function parseBool(b: Uint8Array, s: number, e: number): number {
  const len = e - s;
  if (len === 4) return matchAny(b, s, TRUE_SPELLINGS) ? B_TRUE : B_NONE;
  if (len === 5) return matchAny(b, s, FALSE_SPELLINGS) ? B_FALSE : B_NONE;
  return B_NONE;
}

export const D_NONE = 0;
/** `YYYY-MM-DD` */
export const D_DATE = 1;
/** a date and time without an offset */
export const D_NAIVE = 2;
/** a date and time with `Z` or `±HH:MM` (parsed[0] is then UTC) */
export const D_AWARE = 3;

const CUM_DAYS = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334];

function dig2(b: Uint8Array, i: number): number {
  const a = b[i] - 48;
  const c = b[i + 1] - 48;
  if (a < 0 || a > 9 || c < 0 || c > 9) return -1;
  return a * 10 + c;
}

let lastYM = -1;
let lastDays = 0;
let lastDim = 0;

function monthStart(year: number, mo: number): void {
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  lastDim = mo === 2 ? (leap ? 29 : 28) : mo === 4 || mo === 6 || mo === 9 || mo === 11 ? 30 : 31;
  // Days from 1970-01-01 to the month's first day (proleptic Gregorian), without a Date object.
  const yy = year - 1;
  lastDays = 365 * (year - 1970) + (Math.floor(yy / 4) - Math.floor(yy / 100) + Math.floor(yy / 400)) - 477 + CUM_DAYS[mo - 1] + (leap && mo > 2 ? 1 : 0);
  lastYM = year * 16 + mo;
}

/**
 * ISO 8601 dates and date-times: `YYYY-MM-DD`, then optionally `T` or a space, `HH:MM`, `:SS`,
 * `.fraction`, and `Z` / `±HH:MM` / `±HHMM` / `±HH`. parsed[0] = milliseconds since the epoch,
 * naive values read as UTC (so their ISO form round-trips unchanged).
 */
export function parseDatetime(b: Uint8Array, s: number, e: number): number {
  const len = e - s;
  if (len < 10 || b[s + 4] !== 45 || b[s + 7] !== 45) return D_NONE;
  const y1 = dig2(b, s);
  const y2 = dig2(b, s + 2);
  const mo = dig2(b, s + 5);
  const d = dig2(b, s + 8);
  if (y1 < 0 || y2 < 0 || mo < 1 || mo > 12 || d < 1) return D_NONE;
  const ym = (y1 * 100 + y2) * 16 + mo;
  // Consecutive cells are usually in the same month: reuse its first day and length.
  if (ym !== lastYM) monthStart(y1 * 100 + y2, mo);
  if (d > lastDim) return D_NONE;
  let ms = (lastDays + d - 1) * 86400000;
  if (len === 10) {
    parsed[0] = ms;
    return D_DATE;
  }
  let i = s + 10;
  const sep = b[i];
  if ((sep !== 84 && sep !== 32) || len < 16 || b[i + 3] !== 58) return D_NONE;
  const hh = dig2(b, i + 1);
  const mi = dig2(b, i + 4);
  if (hh < 0 || hh > 23 || mi < 0 || mi > 59) return D_NONE;
  ms += hh * 3600000 + mi * 60000;
  i += 6;
  if (i < e && b[i] === 58) {
    const ss = dig2(b, i + 1);
    if (i + 3 > e || ss < 0 || ss > 59) return D_NONE;
    ms += ss * 1000;
    i += 3;
    if (i < e && (b[i] === 46 || b[i] === 44)) {
      i++;
      let frac = 0;
      let scale = 100;
      const f0 = i;
      while (i < e) {
        const dd = b[i] - 48;
        if (dd < 0 || dd > 9) break;
        frac += dd * scale;
        scale /= 10;
        i++;
      }
      if (i === f0) return D_NONE;
      ms += frac;
    }
  }
  if (i === e) {
    parsed[0] = ms;
    return D_NAIVE;
  }
  const z = b[i];
  if (z === 90 && i + 1 === e) {
    parsed[0] = ms;
    return D_AWARE;
  }
  if (z !== 43 && z !== 45) return D_NONE;
  const oh = dig2(b, i + 1);
  if (oh < 0 || oh > 23) return D_NONE;
  let om = 0;
  let j = i + 3;
  if (j < e) {
    if (b[j] === 58) j++;
    om = dig2(b, j);
    if (om < 0 || om > 59 || j + 2 !== e) return D_NONE;
  } else if (j !== e) return D_NONE;
  const off = (oh * 60 + om) * 60000;
  parsed[0] = z === 43 ? ms - off : ms + off;
  return D_AWARE;
}

/** Formats epoch milliseconds the way the column was written: a date, a naive or a UTC date-time. */
export function formatDatetime(ms: number, kind: number): string {
  const iso = new Date(ms).toISOString();
  if (kind === D_DATE) return iso.slice(0, 10);
  const body = iso.endsWith('.000Z') ? iso.slice(0, 19) : iso.slice(0, 23);
  return kind === D_AWARE ? `${body}Z` : body;
}
