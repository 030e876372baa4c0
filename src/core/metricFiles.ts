// Metrics files written by other tools, read into metric points.
//
// Metric names (documented in docs, kept stable because runs are compared by them):
// - scikit-learn classification_report(output_dict=True) JSON:
//     `accuracy`; `<label>.precision`, `<label>.recall`, `<label>.f1`, `<label>.support` for each class
//     (the label exactly as the JSON key, e.g. `class_0.f1`); `macro_avg.<field>`, `weighted_avg.<field>`,
//     and, when scikit-learn wrote them, `micro_avg.<field>` and `samples_avg.<field>`.
//     scikit-learn's "f1-score" is named `f1` (as in ClassReport), "macro avg" becomes `macro_avg`.
//     These are the names classificationReportMetrics() gives a report computed here.
// - Hugging Face trainer_state.json: each numeric field of each `log_history` entry, under its own
//   name (`loss`, `eval_loss`, `learning_rate`, `grad_norm`, `epoch`, `train_runtime`, ...), at that entry's `step`.
// - A flat object {name: number}: the names as given; nested objects become dotted names
//   (`{val: {loss: 1}}` -> `val.loss`); an array of numbers is a history at steps 0, 1, 2, ...
//   (Keras `history.history`). Single values are at step 0.
import { parse as parseYaml } from 'yaml';

/** Longest metric name (the event log enforces the same bound). */
export const MAX_METRIC_KEY = 250;

export interface MetricPoint {
  key: string;
  /** May be NaN or ±Infinity: such values are kept, not dropped. */
  value: number;
  step: number;
}

export type MetricsFileFormat = 'classification-report' | 'hf-trainer-state' | 'flat';

export interface ParsedMetricsFile {
  format: MetricsFileFormat;
  points: MetricPoint[];
}

export class MetricsFileError extends Error {
  override name = 'MetricsFileError';
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

/** A number, or one of the spellings the event log and Python use for non-finite values. */
function asNumber(x: unknown): number | undefined {
  if (typeof x === 'number') return x;
  if (x === 'NaN' || x === 'nan') return NaN;
  if (x === 'Infinity' || x === 'inf') return Infinity;
  if (x === '-Infinity' || x === '-inf') return -Infinity;
  return undefined;
}

function checkKey(key: string, where: string): string {
  if (key.length === 0) throw new MetricsFileError(`${where}: a metric name is empty`);
  if (key.length > MAX_METRIC_KEY) {
    throw new MetricsFileError(`${where}: metric name "${key.slice(0, 40)}..." is longer than ${MAX_METRIC_KEY} characters`);
  }
  return key;
}

// ---------------------------------------------------------------------------------------------
// scikit-learn classification_report(output_dict=True)
// ---------------------------------------------------------------------------------------------

const REPORT_FIELDS: readonly (readonly [string, string])[] = [
  ['precision', 'precision'], ['recall', 'recall'], ['f1-score', 'f1'], ['support', 'support'],
];
const AVERAGES: Record<string, string> = {
  'macro avg': 'macro_avg', 'weighted avg': 'weighted_avg', 'micro avg': 'micro_avg', 'samples avg': 'samples_avg',
};

const looksLikeReportEntry = (x: unknown): boolean => isObj(x) && ('f1-score' in x || ('precision' in x && 'recall' in x));

/** Flat metrics from scikit-learn's classification_report(output_dict=True); names are listed at the top of this file. */
export function parseClassificationReportJson(obj: unknown): Record<string, number> {
  if (!isObj(obj) || !Object.values(obj).some(looksLikeReportEntry)) {
    throw new MetricsFileError(
      'not a scikit-learn classification report: expected an object of {precision, recall, f1-score, support} ' +
      'per class (write it with classification_report(..., output_dict=True))');
  }
  const out: Record<string, number> = {};
  const put = (key: string, value: number, where: string): void => {
    checkKey(key, where);
    if (key in out) throw new MetricsFileError(`${where}: metric "${key}" would be written twice; rename the class`);
    out[key] = value;
  };
  for (const [name, entry] of Object.entries(obj)) {
    const direct = asNumber(entry);
    if (direct !== undefined) {
      put(name, direct, `"${name}"`);
      continue;
    }
    if (!isObj(entry)) throw new MetricsFileError(`"${name}" is neither a number nor a {precision, recall, f1-score, support} object`);
    const prefix = AVERAGES[name] ?? name;
    for (const [field, short] of REPORT_FIELDS) {
      if (entry[field] === undefined) continue;
      const v = asNumber(entry[field]);
      if (v === undefined) throw new MetricsFileError(`"${name}"."${field}" is ${JSON.stringify(entry[field])}, not a number`);
      put(`${prefix}.${short}`, v, `"${name}"`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Hugging Face trainer_state.json
// ---------------------------------------------------------------------------------------------

/**
 * Metric points from a Hugging Face `trainer_state.json`: every numeric field of every `log_history`
 * entry (epoch included, as its own metric) at the entry's `step`. Non-numeric fields are skipped;
 * a value repeated at the same step (the epoch of consecutive eval entries) is kept once.
 */
export function parseTrainerState(obj: unknown): MetricPoint[] {
  if (!isObj(obj) || !Array.isArray(obj.log_history)) {
    throw new MetricsFileError('not a Hugging Face trainer_state.json: it has no "log_history" array');
  }
  const points: MetricPoint[] = [];
  const last = new Map<string, { step: number; value: number }>();
  obj.log_history.forEach((entry: unknown, i: number) => {
    if (!isObj(entry)) throw new MetricsFileError(`log_history[${i}] is not an object`);
    const step = entry.step;
    if (typeof step !== 'number' || !Number.isFinite(step) || step < 0) {
      throw new MetricsFileError(`log_history[${i}] has no numeric "step" (found ${JSON.stringify(step)})`);
    }
    for (const [key, raw] of Object.entries(entry)) {
      if (key === 'step') continue;
      if (typeof raw !== 'number') continue;
      checkKey(key, `log_history[${i}]`);
      const prev = last.get(key);
      if (prev && prev.step === step && Object.is(prev.value, raw)) continue;
      last.set(key, { step, value: raw });
      points.push({ key, value: raw, step });
    }
  });
  return points;
}

// ---------------------------------------------------------------------------------------------
// Flat {name: number}
// ---------------------------------------------------------------------------------------------

function flatMetrics(obj: Obj): MetricPoint[] {
  const points: MetricPoint[] = [];
  const single = new Set<string>();
  const walk = (o: Obj, prefix: string, depth: number): void => {
    if (depth > 32) throw new MetricsFileError(`"${prefix}" is nested more than 32 levels deep`);
    for (const [k, v] of Object.entries(o)) {
      const key = checkKey(prefix ? `${prefix}.${k}` : k, 'metrics');
      const n = asNumber(v);
      if (n !== undefined) {
        // `{"a.b": 1, "a": {"b": 2}}` names one metric twice: which value is meant is unknowable.
        if (single.has(key)) throw new MetricsFileError(`metric "${key}" is given twice (a dotted name and a nested object); rename one`);
        single.add(key);
        points.push({ key, value: n, step: 0 });
      } else if (Array.isArray(v)) {
        v.forEach((x, step) => {
          const y = asNumber(x);
          if (y === undefined) throw new MetricsFileError(`"${key}"[${step}] is ${JSON.stringify(x)}, not a number`);
          points.push({ key, value: y, step });
        });
      } else if (isObj(v)) {
        walk(v, key, depth + 1);
      } else {
        throw new MetricsFileError(
          `metric "${key}" is ${JSON.stringify(v) ?? String(v)}, not a number: a metrics file maps names to numbers ` +
          '(log text values as parameters or tags)');
      }
    }
  };
  walk(obj, '', 0);
  return points;
}

// ---------------------------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------------------------

const NONFINITE = '\u0000mlops-nonfinite:';

/**
 * JSON.parse that also takes the bare NaN / Infinity / -Infinity Python's json module writes
 * (a NaN loss in a trainer state is real and must be kept, not rejected).
 */
export function parseJsonAllowingNonFinite(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (first) {
    let out = '';
    let changed = false;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch === '"') {
        // Copy a string literal untouched.
        let j = i + 1;
        while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
        out += text.slice(i, j + 1);
        i = j;
        continue;
      }
      const m = /^(-?Infinity|NaN)/.exec(text.slice(i, i + 9));
      if (m && !/[A-Za-z0-9_]/.test(text[i - 1] ?? '')) {
        out += JSON.stringify(NONFINITE + m[1]);
        i += m[1].length - 1;
        changed = true;
        continue;
      }
      out += ch;
    }
    if (!changed) throw first;
    return JSON.parse(out, (_k, v: unknown) =>
      (typeof v === 'string' && v.startsWith(NONFINITE) ? Number(v.slice(NONFINITE.length)) : v));
  }
}

/**
 * Reads a metrics file (JSON or YAML; chosen by extension, else sniffed): a scikit-learn classification
 * report, a Hugging Face trainer_state.json, or a flat {name: number} object. Names: see the top of this file.
 */
export function parseMetricsFile(text: string, fileName: string): ParsedMetricsFile {
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') throw new MetricsFileError(`${fileName} is empty: expected metrics as JSON or YAML`);
  const yamlName = /\.ya?ml$/i.test(fileName);
  const jsonName = /\.json$/i.test(fileName);
  let data: unknown;
  try {
    if (jsonName || (!yamlName && /^\s*[{[]/.test(body))) data = parseJsonAllowingNonFinite(body);
    else data = parseYaml(body);
  } catch (e) {
    throw new MetricsFileError(`${fileName} is not valid ${jsonName ? 'JSON' : 'YAML'}: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!isObj(data)) {
    throw new MetricsFileError(`${fileName} must hold an object of metrics ({"name": number, ...}), not ${Array.isArray(data) ? 'an array' : typeof data}`);
  }
  try {
    let result: ParsedMetricsFile;
    if (Array.isArray(data.log_history)) {
      result = { format: 'hf-trainer-state', points: parseTrainerState(data) };
    } else if (Object.values(data).some(looksLikeReportEntry)) {
      const flat = parseClassificationReportJson(data);
      result = { format: 'classification-report', points: Object.entries(flat).map(([key, value]) => ({ key, value, step: 0 })) };
    } else {
      result = { format: 'flat', points: flatMetrics(data) };
    }
    if (result.points.length === 0) throw new MetricsFileError('it holds no numeric metrics');
    return result;
  } catch (e) {
    if (e instanceof MetricsFileError) throw new MetricsFileError(`${fileName}: ${e.message}`);
    throw e;
  }
}
