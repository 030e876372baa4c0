// Confusion matrices and the per-class figures derived from them.
// The reference for every number here is scikit-learn's `confusion_matrix` and
// `classification_report(..., output_dict=True, zero_division=0)` (tests compare against it).
import type { ClassificationReport, ClassReport, ConfusionMatrix } from './model';

/** Most class labels a matrix may have (the event log enforces the same bound). */
export const MAX_LABELS = 1_000;

export type Label = string | number | boolean;
export type Normalization = 'none' | 'row' | 'column';

/** Every bad input to this module gets one of these, with a message naming the input and what to do. */
export class ClassificationError extends Error {
  override name = 'ClassificationError';
}

// ---------------------------------------------------------------------------------------------
// Label ordering
// ---------------------------------------------------------------------------------------------

type LabelKind = 'string' | 'number' | 'boolean';

/** Python compares strings by code point; JS `<` compares UTF-16 code units, which differs past U+FFFF. */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Only a surrogate (D800-DFFF) against E000-FFFF orders differently by code point.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys && Math.max(x, y) >= 0xe000) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

function kindOf(v: unknown, where: string): LabelKind {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (typeof v === 'number') {
    // Non-integers are almost always scores or probabilities passed by mistake (scikit-learn rejects them too).
    if (!Number.isInteger(v)) {
      throw new ClassificationError(
        `${where} is ${v}, not a class label: labels must be strings, integers or booleans. ` +
        'If these are scores or probabilities, threshold or argmax them into classes first.');
    }
    return 'number';
  }
  throw new ClassificationError(`${where} is ${describe(v)}: labels must be strings, integers or booleans`);
}

/** The sorted union of labels, the way scikit-learn's `unique_labels` orders them. */
function sortedUnion(actual: readonly unknown[], predicted: readonly unknown[]): string[] {
  let kind: LabelKind | undefined;
  let kindWhere = '';
  const seen = new Map<string, string | number | boolean>();
  const scan = (values: readonly unknown[], name: string): void => {
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      const k = kindOf(v, `${name}[${i}]`);
      if (kind === undefined) {
        kind = k;
        kindWhere = `${name}[${i}]`;
      } else if (k !== kind) {
        // Stored as strings, 1 and "1" would silently merge; scikit-learn refuses the mix too.
        throw new ClassificationError(
          `${name}[${i}] is a ${k} (${describe(v)}) but ${kindWhere} is a ${kind}: actual and predicted must use ` +
          'one label type; convert them all to strings or all to numbers');
      }
      const key = String(v);
      if (!seen.has(key)) {
        seen.set(key, v as Label);
        if (seen.size > MAX_LABELS) {
          throw new ClassificationError(
            `actual and predicted hold more than ${MAX_LABELS} distinct labels: a confusion matrix is for ` +
            'classification; if these are regression targets, log error metrics instead');
        }
      }
    }
  };
  scan(actual, 'actual');
  scan(predicted, 'predicted');
  const values = [...seen.values()];
  if (kind === 'number') (values as number[]).sort((a, b) => a - b);
  else if (kind === 'boolean') (values as boolean[]).sort((a, b) => Number(a) - Number(b));
  else (values as string[]).sort(compareCodePoints);
  return values.map(String);
}

function checkLabelList(labels: unknown, name: string): string[] {
  if (!Array.isArray(labels)) throw new ClassificationError(`${name} must be an array of strings, got ${describe(labels)}`);
  if (labels.length === 0) throw new ClassificationError(`${name} is empty: give at least one label, or leave it out`);
  if (labels.length > MAX_LABELS) {
    throw new ClassificationError(`${name} has ${labels.length} labels, more than the ${MAX_LABELS} a confusion matrix may have`);
  }
  const seen = new Set<string>();
  labels.forEach((l, i) => {
    if (typeof l !== 'string') throw new ClassificationError(`${name}[${i}] is ${describe(l)}: labels must be strings`);
    if (seen.has(l)) throw new ClassificationError(`${name} lists ${describe(l)} twice (at ${name}[${i}]): labels must be unique`);
    seen.add(l);
  });
  return labels as string[];
}

// ---------------------------------------------------------------------------------------------
// Building and checking matrices
// ---------------------------------------------------------------------------------------------

/**
 * Counts actual/predicted pairs into a matrix (counts[actual][predicted]).
 * `labels` fixes the order and may hold labels absent from the data; without it, the sorted union is used.
 */
export function confusionFromPairs(
  actual: readonly Label[],
  predicted: readonly Label[],
  labels?: string[],
): ConfusionMatrix {
  if (!Array.isArray(actual)) throw new ClassificationError(`actual must be an array of labels, got ${describe(actual)}`);
  if (!Array.isArray(predicted)) throw new ClassificationError(`predicted must be an array of labels, got ${describe(predicted)}`);
  if (actual.length !== predicted.length) {
    throw new ClassificationError(
      `actual has ${actual.length} values but predicted has ${predicted.length}: give one prediction per actual value`);
  }
  if (actual.length === 0) throw new ClassificationError('actual and predicted are empty: give at least one pair');

  let order: string[];
  if (labels === undefined) {
    order = sortedUnion(actual, predicted);
  } else {
    order = checkLabelList(labels, 'labels');
    // Still validate the value types (same rules as without labels).
    sortedUnionTypesOnly(actual, predicted);
  }
  const index = new Map<string, number>();
  order.forEach((l, i) => index.set(l, i));
  const n = order.length;
  const counts: number[][] = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const find = (v: Label, where: string): number => {
    const i = index.get(String(v));
    if (i === undefined) {
      const shown = order.slice(0, 5).map((l) => JSON.stringify(l)).join(', ') + (order.length > 5 ? ', ...' : '');
      throw new ClassificationError(
        `${where} is ${describe(v)}, which is not in labels [${shown}]: add it to labels, or leave labels out to use every value`);
    }
    return i;
  };
  for (let k = 0; k < actual.length; k++) {
    counts[find(actual[k], `actual[${k}]`)][find(predicted[k], `predicted[${k}]`)] += 1;
  }
  return { labels: [...order], counts };
}

function sortedUnionTypesOnly(actual: readonly unknown[], predicted: readonly unknown[]): void {
  let kind: LabelKind | undefined;
  for (const [values, name] of [[actual, 'actual'], [predicted, 'predicted']] as const) {
    for (let i = 0; i < values.length; i++) {
      const k = kindOf(values[i], `${name}[${i}]`);
      kind ??= k;
      if (k !== kind) {
        throw new ClassificationError(
          `${name}[${i}] is a ${k} (${describe(values[i])}) but earlier values are ${kind}s: ` +
          'use one label type; convert them all to strings or all to numbers');
      }
    }
  }
}

/** Checks a matrix from outside (a file, the SDK, a message): square, non-negative integers, unique string labels. */
export function validateMatrix(m: unknown): ConfusionMatrix {
  if (typeof m !== 'object' || m === null || Array.isArray(m)) {
    throw new ClassificationError(`a confusion matrix must be an object with "labels" and "counts", got ${describe(m)}`);
  }
  const o = m as Record<string, unknown>;
  if (o.labels === undefined) throw new ClassificationError('the confusion matrix has no "labels": add the class labels, in row order');
  if (o.counts === undefined) throw new ClassificationError('the confusion matrix has no "counts": add counts[actual][predicted]');
  const labels = checkLabelList(o.labels, 'labels');
  const n = labels.length;
  if (!Array.isArray(o.counts)) throw new ClassificationError(`"counts" must be an array of rows, got ${describe(o.counts)}`);
  if (o.counts.length !== n) {
    throw new ClassificationError(`"counts" has ${o.counts.length} rows but there are ${n} labels: the matrix must be ${n} x ${n}`);
  }
  let total = 0;
  const counts = o.counts.map((row: unknown, i: number) => {
    const rowName = `row ${i} (actual ${JSON.stringify(labels[i])})`;
    if (!Array.isArray(row)) throw new ClassificationError(`counts ${rowName} is ${describe(row)}, not an array of counts`);
    if (row.length !== n) {
      throw new ClassificationError(`counts ${rowName} has ${row.length} values, expected ${n} (one per label)`);
    }
    return row.map((c: unknown, j: number) => {
      if (typeof c !== 'number' || !Number.isInteger(c) || c < 0) {
        throw new ClassificationError(
          `counts ${rowName}, column ${j} (predicted ${JSON.stringify(labels[j])}) is ${describe(c)}: counts must be non-negative integers`);
      }
      total += c;
      return c;
    });
  });
  if (total === 0) throw new ClassificationError('every count in the confusion matrix is 0: there are no samples to report on');
  if (!Number.isSafeInteger(total)) throw new ClassificationError('the counts add up to more than 2^53: they cannot be added exactly');
  return { labels: [...labels], counts };
}

// ---------------------------------------------------------------------------------------------
// Derived figures
// ---------------------------------------------------------------------------------------------

/**
 * numpy's pairwise summation (`pairwise_sum_DOUBLE`), so that averages over many classes match
 * scikit-learn to the last bit instead of drifting by an ulp or two.
 */
export function numpySum(a: readonly number[], start = 0, n = a.length): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i];
    return res;
  }
  if (n <= 128) {
    const r = [0, 1, 2, 3, 4, 5, 6, 7].map((j) => a[start + j]);
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] += a[start + i + j];
    }
    let res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; i++) res += a[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return numpySum(a, start, n2) + numpySum(a, start + n2, n - n2);
}

/**
 * Per-class precision, recall, F1 and support, accuracy, and macro and weighted averages,
 * equal to scikit-learn's classification_report(output_dict=True, zero_division=0):
 * a class never predicted has precision 0, a class without support has recall 0, and F1 is 0 when both are.
 */
export function classificationReport(matrix: ConfusionMatrix): ClassificationReport {
  const m = validateMatrix(matrix);
  const n = m.labels.length;
  const tp: number[] = [];
  const support: number[] = [];
  const predicted = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    tp.push(m.counts[i][i]);
    let s = 0;
    for (let j = 0; j < n; j++) {
      s += m.counts[i][j];
      predicted[j] += m.counts[i][j];
    }
    support.push(s);
  }
  const precision = tp.map((t, i) => (predicted[i] === 0 ? 0 : t / predicted[i]));
  const recall = tp.map((t, i) => (support[i] === 0 ? 0 : t / support[i]));
  // Same operation order as scikit-learn: (1 + beta^2) * p * r / (beta^2 * p + r).
  const f1 = precision.map((p, i) => {
    const denom = p + recall[i];
    return (2 * p * recall[i]) / (denom === 0 ? 1 : denom);
  });
  const total = support.reduce((a, b) => a + b, 0);
  const trace = tp.reduce((a, b) => a + b, 0);
  const mean = (xs: number[]): number => numpySum(xs) / xs.length;
  const weighted = (xs: number[]): number => numpySum(xs.map((x, i) => x * support[i])) / total;
  const classes: ClassReport[] = m.labels.map((label, i) => ({
    label, precision: precision[i], recall: recall[i], f1: f1[i], support: support[i],
  }));
  return {
    classes,
    accuracy: trace / total,
    macro: { precision: mean(precision), recall: mean(recall), f1: mean(f1), support: total },
    weighted: { precision: weighted(precision), recall: weighted(recall), f1: weighted(f1), support: total },
  };
}

/**
 * Flat metric names for a report (the same names `parseClassificationReportJson` gives a scikit-learn file):
 * `accuracy`; `<label>.precision|recall|f1|support`; `macro_avg.*` and `weighted_avg.*` with the same four fields.
 */
export function classificationReportMetrics(r: ClassificationReport): Record<string, number> {
  const out: Record<string, number> = {};
  const put = (prefix: string, c: Omit<ClassReport, 'label'>): void => {
    out[`${prefix}.precision`] = c.precision;
    out[`${prefix}.recall`] = c.recall;
    out[`${prefix}.f1`] = c.f1;
    out[`${prefix}.support`] = c.support;
  };
  for (const c of r.classes) put(c.label, c);
  out.accuracy = r.accuracy;
  put('macro_avg', r.macro);
  put('weighted_avg', r.weighted);
  return out;
}

/** 'row': each actual class sums to 1 (recall view); 'column': each predicted class sums to 1. Zero lines stay zero. */
export function normalizeMatrix(matrix: ConfusionMatrix, mode: Normalization): number[][] {
  const m = validateMatrix(matrix);
  const n = m.labels.length;
  if (mode === 'none') return m.counts.map((r) => [...r]);
  if (mode === 'row') {
    return m.counts.map((r) => {
      const s = r.reduce((a, b) => a + b, 0);
      return r.map((c) => (s === 0 ? 0 : c / s));
    });
  }
  if (mode === 'column') {
    const sums = new Array<number>(n).fill(0);
    for (const r of m.counts) r.forEach((c, j) => { sums[j] += c; });
    return m.counts.map((r) => r.map((c, j) => (sums[j] === 0 ? 0 : c / sums[j])));
  }
  throw new ClassificationError(`normalization must be "none", "row" or "column", got ${describe(mode)}`);
}

// ---------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------

/** Parses RFC 4180 CSV. Returns each record with the (1-based) line it starts on. */
export function parseCsvRecords(text: string, delimiter: string): { line: number; cells: string[] }[] {
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let wasQuoted = false;
  let line = 1;
  let startLine = 1;
  const endCell = (): void => {
    cells.push(wasQuoted ? cell : cell.trim());
    cell = '';
    wasQuoted = false;
  };
  const endRecord = (): void => {
    endCell();
    // Blank lines carry no record (trailing newlines, spacing).
    if (!(cells.length === 1 && cells[0] === '')) records.push({ line: startLine, cells });
    cells = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { cell += '"'; i++; } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"' && cell.trim() === '') { quoted = true; wasQuoted = true; cell = ''; continue; }
    if (ch === delimiter) { endCell(); continue; }
    if (ch === '\r' && text[i + 1] === '\n') continue;
    if (ch === '\n' || ch === '\r') { endRecord(); line++; startLine = line; continue; }
    cell += ch;
  }
  if (quoted) throw new ClassificationError(`a quoted cell that starts on line ${startLine} is never closed`);
  if (cell !== '' || cells.length > 0) endRecord();
  return records;
}

function sniffDelimiter(text: string, fileName: string): string {
  if (/\.tsv$/i.test(fileName)) return '\t';
  const first = text.split(/\r?\n/, 1)[0];
  const counts = [',', ';', '\t'].map((d) => [d, first.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0][1] > 0 ? counts[0][0] : ',';
}

function parseCount(cell: string, where: string): number {
  const x = cell === '' ? NaN : Number(cell);
  if (!Number.isInteger(x) || x < 0) {
    throw new ClassificationError(`${where} is ${describe(cell)}: counts must be non-negative integers`);
  }
  return x;
}

function matrixFromCsv(text: string, fileName: string): ConfusionMatrix {
  const records = wrapFile(fileName, () => parseCsvRecords(text, sniffDelimiter(text, fileName)));
  if (records.length === 0) throw new ClassificationError(`${fileName} has no rows`);
  const header = records[0];
  const width = header.cells.length;
  for (const r of records) {
    if (r.cells.length !== width) {
      throw new ClassificationError(
        `${fileName} line ${r.line} has ${r.cells.length} cells but line ${header.line} has ${width}: every row needs the same number of cells`);
    }
  }
  // A bare grid of numbers (numpy.savetxt): no labels, so use the class indices.
  const allNumeric = records.every((r) => r.cells.every((c) => c !== '' && Number.isFinite(Number(c))));
  if (allNumeric) {
    if (records.length !== width) {
      throw new ClassificationError(`${fileName} has ${records.length} rows of ${width} counts: a confusion matrix must be square`);
    }
    const counts = records.map((r) => r.cells.map((c, j) => parseCount(c, `${fileName} line ${r.line}, column ${j + 1}`)));
    return wrapFile(fileName, () => validateMatrix({ labels: counts.map((_, i) => String(i)), counts }));
  }
  // First row: corner cell (empty or "actual\predicted"-style, ignored), then the predicted labels.
  const colLabels = header.cells.slice(1);
  const body = records.slice(1);
  if (colLabels.length === 0) throw new ClassificationError(`${fileName} has only one column: expected a corner cell and one column per label`);
  if (body.length !== colLabels.length) {
    throw new ClassificationError(
      `${fileName} has ${colLabels.length} predicted labels in its first row but ${body.length} actual rows: a confusion matrix must be square`);
  }
  const colIndex = new Map<string, number>();
  colLabels.forEach((l, j) => {
    if (l === '') throw new ClassificationError(`${fileName} line ${header.line}, column ${j + 2}: the label is empty`);
    if (colIndex.has(l)) throw new ClassificationError(`${fileName} line ${header.line}: label ${describe(l)} appears twice`);
    colIndex.set(l, j);
  });
  const n = colLabels.length;
  const counts: number[][] = Array.from({ length: n }, () => []);
  const rowSeen = new Set<string>();
  for (const r of body) {
    const label = r.cells[0];
    const i = colIndex.get(label);
    if (i === undefined) {
      throw new ClassificationError(
        `${fileName} line ${r.line}: actual label ${describe(label)} is not among the predicted labels of line ${header.line}; ` +
        'rows and columns must list the same classes');
    }
    if (rowSeen.has(label)) throw new ClassificationError(`${fileName} line ${r.line}: actual label ${describe(label)} appears twice`);
    rowSeen.add(label);
    // Rows may come in another order than columns; store them in column order.
    counts[i] = r.cells.slice(1).map((c, j) => parseCount(c, `${fileName} line ${r.line}, column ${j + 2}`));
  }
  return wrapFile(fileName, () => validateMatrix({ labels: colLabels, counts }));
}

function wrapFile<T>(fileName: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ClassificationError) throw new ClassificationError(`${fileName}: ${e.message}`);
    throw e;
  }
}

const asLabelStrings = (x: unknown): unknown =>
  Array.isArray(x) ? x.map((l) => (typeof l === 'number' || typeof l === 'boolean' ? String(l) : l)) : x;

function matrixFromJson(text: string, fileName: string): ConfusionMatrix {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch (e) {
    throw new ClassificationError(`${fileName} is not valid JSON (${(e as Error).message}): fix the file or export the matrix as CSV`);
  }
  if (typeof o !== 'object' || o === null || Array.isArray(o)) {
    throw new ClassificationError(
      `${fileName} must hold a JSON object: {"labels", "counts"}, {"labels", "matrix"} or {"actual", "predicted"}`);
  }
  const obj = o as Record<string, unknown>;
  const actual = obj.actual ?? obj.y_true;
  const predicted = obj.predicted ?? obj.y_pred;
  if (actual !== undefined || predicted !== undefined) {
    if (actual === undefined || predicted === undefined) {
      throw new ClassificationError(`${fileName} has ${actual === undefined ? '"predicted" but no "actual"' : '"actual" but no "predicted"'}: give both`);
    }
    return wrapFile(fileName, () => confusionFromPairs(actual as Label[], predicted as Label[],
      obj.labels === undefined ? undefined : asLabelStrings(obj.labels) as string[]));
  }
  const counts = obj.counts ?? obj.matrix;
  if (obj.labels === undefined || counts === undefined) {
    throw new ClassificationError(
      `${fileName} has neither {"labels", "counts"}, {"labels", "matrix"} nor {"actual", "predicted"}: ` +
      `found keys ${Object.keys(obj).slice(0, 10).map((k) => JSON.stringify(k)).join(', ') || 'none'}`);
  }
  return wrapFile(fileName, () => validateMatrix({ labels: asLabelStrings(obj.labels), counts }));
}

/**
 * Reads a confusion matrix file:
 * - CSV/TSV: first row = a corner cell (empty or e.g. "actual\predicted", ignored) then the predicted labels;
 *   each further row = an actual label then its counts. A bare square grid of counts gets labels "0".."n-1".
 * - JSON: {labels, counts}, {labels, matrix}, or {actual: [...], predicted: [...]} (optionally with labels).
 */
export function parseConfusionMatrixFile(text: string, fileName: string): ConfusionMatrix {
  if (typeof text !== 'string') throw new ClassificationError(`${fileName} could not be read as text`);
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') throw new ClassificationError(`${fileName} is empty: expected a confusion matrix as CSV or JSON`);
  const isJson = /\.json$/i.test(fileName) || (!/\.(csv|tsv|txt)$/i.test(fileName) && /^\s*\{/.test(body));
  return isJson ? matrixFromJson(body, fileName) : matrixFromCsv(body, fileName);
}
