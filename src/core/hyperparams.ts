// Hyper-parameters read from a trainer object: what MLOps.NET did by reflection over ML.NET trainers,
// for the trainers of today's npm ML libraries.
//
// What is read:
// - A plain options object: every setting. The algorithm is its `algorithm`, `name` or `type` string
//   field (first found, in that order; that field is then not repeated as a parameter), else "unknown".
// - A class instance (ml.js trainers such as ml-cart's DecisionTreeClassifier, ml-random-forest's
//   RandomForestClassifier, ml-logistic-regression's LogisticRegression, or any other class):
//   algorithm = the class name; params = its own public fields (not `_`-prefixed), with an `options`
//   object lifted to the top (ml-cart keeps its settings in `this.options`). Learned state is left out:
//   functions, typed arrays, nested class instances (trees, Matrix, estimators), arrays of them, and
//   the learned scalars of the known ml.js trainers (see LEARNED). The result is the same before and
//   after train().
// - Anything with getConfig() (TensorFlow.js models, layers, optimizers): the config. A model's
//   algorithm is getClassName() (`Sequential`, `Model`); a compiled model also gets `optimizer`,
//   `optimizer.<setting>`, `loss` and `metrics`. An optimizer alone gives algorithm = its class name
//   (`Adam`) and the same `optimizer`, `optimizer.<setting>` params as a model compiled with it.
//
// How nested values are named:
// - nested objects: dotted names (`optimizer.beta1`, `treeOptions.maxDepth`);
// - serialized objects {className, config} (Keras/TF.js) and objects with getConfig(): the class name at
//   the key itself and the config below it (`layers.0` = "Dense", `layers.0.units` = 64,
//   `layers.0.kernelInitializer` = "VarianceScaling", `layers.0.kernelInitializer.scale` = 1);
// - arrays with an object element: indexed (`layers.0.units`);
// - other arrays (scalars, nested arrays of scalars): kept whole as a JSON string (`"[64,32]"`), so a
//   list setting stays one comparable value;
// - NaN, Infinity and -Infinity (e.g. ml-cart's default maxDepth) become the strings "NaN", "Infinity",
//   "-Infinity" (the event log spelling: parameter values must be JSON); Dates become ISO strings.
//
// Bounds (the event log's, so a logged trainer never fails later): at most MAX_PARAMS parameters, names
// up to MAX_KEY characters, string values up to MAX_VALUE characters. Past a bound, and on a cycle,
// extraction throws a HyperParameterError that names the parameter: it never truncates silently.
import type { ParamValue } from './model';

export const MAX_PARAMS = 1_000;
export const MAX_KEY = 250;
export const MAX_VALUE = 8_000;
export const MAX_ALGORITHM = 256;

export interface HyperParameters {
  algorithm: string;
  params: Record<string, ParamValue>;
}

export class HyperParameterError extends Error {
  override name = 'HyperParameterError';
}

/** Scalar fields the known ml.js trainers compute during train(): learned state, not settings. */
const LEARNED: Record<string, readonly string[]> = {
  DecisionTreeClassifier: ['root'],
  DecisionTreeRegression: ['root'],
  RandomForestClassifier: ['estimators', 'indexes', 'oobResults', 'n', 'numberFeatures', 'numberSamples'],
  RandomForestRegression: ['estimators', 'indexes', 'oobResults', 'n', 'numberFeatures', 'numberSamples'],
  LogisticRegression: ['classifiers', 'numberClasses'],
  LogisticRegressionTwoClasses: ['weights'],
};

type Obj = Record<string, unknown>;
interface Configurable { getConfig(): unknown; getClassName?: () => unknown }

function isPlain(x: unknown): x is Obj {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return false;
  const proto: unknown = Object.getPrototypeOf(x);
  if (proto === null) return true;
  // Also plain objects from another realm (vm, worker), whose Object.prototype is a different object.
  return Object.getPrototypeOf(proto) === null && (proto as { constructor?: { name?: string } }).constructor?.name === 'Object';
}

const isConfigurable = (x: unknown): x is Configurable =>
  typeof x === 'object' && x !== null && typeof (x as Obj).getConfig === 'function';

function isSerializedClass(x: unknown): x is Obj & { className: string; config: Obj } {
  return isPlain(x) && typeof x.className === 'string' && isPlain(x.config);
}

function className(x: object): string | undefined {
  const f = (x as Obj).getClassName;
  if (typeof f === 'function') {
    try {
      const n: unknown = f.call(x);
      if (typeof n === 'string' && n !== '') return n;
    } catch {
      // fall through to the constructor name
    }
  }
  const ctor = (x as { constructor?: { name?: unknown } }).constructor;
  const name = ctor?.name;
  return typeof name === 'string' && name !== '' && name !== 'Object' ? name : undefined;
}

const join = (prefix: string, k: string): string => (prefix === '' ? k : `${prefix}.${k}`);
const shortKey = (k: string): string => (k.length > 60 ? `${k.slice(0, 60)}...` : k);

function encodeNumber(x: number): ParamValue {
  if (Number.isFinite(x)) return x;
  if (Number.isNaN(x)) return 'NaN';
  return x > 0 ? 'Infinity' : '-Infinity';
}

function read(o: object, k: string): unknown {
  try {
    return (o as Obj)[k];
  } catch {
    return undefined; // a throwing getter is not a setting
  }
}

class Collector {
  readonly entries = new Map<string, ParamValue>();
  private readonly path: object[] = [];
  private readonly pathKeys: string[] = [];

  emit(key: string, value: ParamValue): void {
    if (key === '') throw new HyperParameterError('a parameter has an empty name: give every setting a name');
    if (key.length > MAX_KEY) {
      throw new HyperParameterError(`parameter name "${shortKey(key)}" is longer than ${MAX_KEY} characters: shorten it or nest less deeply`);
    }
    if (typeof value === 'string' && value.length > MAX_VALUE) {
      throw new HyperParameterError(
        `parameter "${shortKey(key)}" is ${value.length} characters long, more than ${MAX_VALUE}: ` +
        'leave it out of the logged parameters (log large values as a file or tag)');
    }
    if (this.entries.has(key)) {
      throw new HyperParameterError(`parameter "${shortKey(key)}" is given twice (a dotted name and a nested object give the same name): rename one`);
    }
    if (this.entries.size >= MAX_PARAMS) {
      throw new HyperParameterError(
        `the trainer has more than ${MAX_PARAMS} parameters (the next is "${shortKey(key)}"): ` +
        'log a plain object with the settings that matter instead');
    }
    this.entries.set(key, value);
  }

  /** Runs `f` with `o` on the current path; meeting `o` again below it is a cycle. */
  within(o: object, key: string, f: () => void): void {
    const at = this.path.indexOf(o);
    if (at >= 0) {
      const target = this.pathKeys[at] === '' ? 'the trainer itself' : `"${shortKey(this.pathKeys[at])}"`;
      throw new HyperParameterError(`parameter "${shortKey(key)}" refers back to ${target}: the settings contain a cycle; remove it`);
    }
    if (key.length > MAX_KEY) {
      throw new HyperParameterError(`parameter name "${shortKey(key)}" is longer than ${MAX_KEY} characters: shorten it or nest less deeply`);
    }
    this.path.push(o);
    this.pathKeys.push(key);
    try {
      f();
    } finally {
      this.path.pop();
      this.pathKeys.pop();
    }
  }

  value(v: unknown, key: string): void {
    switch (typeof v) {
      case 'undefined': case 'function': case 'symbol':
        return; // not settings (functions are behaviour or learned state)
      case 'string': case 'boolean':
        return this.emit(key, v);
      case 'number':
        return this.emit(key, encodeNumber(v));
      case 'bigint':
        return this.emit(key, Number.isSafeInteger(Number(v)) ? Number(v) : v.toString());
      default:
        break;
    }
    if (v === null) return this.emit(key, null);
    const o = v as object;
    if (o instanceof Date) return this.emit(key, Number.isNaN(o.getTime()) ? 'Invalid Date' : o.toISOString());
    if (ArrayBuffer.isView(o) || o instanceof ArrayBuffer) return; // weights, buffers: learned state
    if (Array.isArray(o)) return this.array(o, key);
    if (isConfigurable(o)) return this.configurable(o, key);
    if (isSerializedClass(o)) return this.serializedClass(o, key);
    if (isPlain(o)) return this.object(o, key);
    // Any other class instance inside a trainer (tree node, Matrix, tensor, Map...) is learned state.
  }

  object(o: Obj, prefix: string, skip: ReadonlySet<string> = new Set()): void {
    this.within(o, prefix, () => {
      for (const k of Object.keys(o)) {
        if (!skip.has(k)) this.value(read(o, k), join(prefix, k));
      }
    });
  }

  private serializedClass(o: Obj & { className: string; config: Obj }, key: string): void {
    this.emit(key === '' ? 'className' : key, o.className);
    this.within(o, key, () => {
      this.object(o.config, key);
      for (const k of Object.keys(o)) {
        // Functional models repeat `name` beside the config: the config's copy wins.
        if (k !== 'className' && k !== 'config' && !this.entries.has(join(key, k))) this.value(read(o, k), join(key, k));
      }
    });
  }

  configurable(o: Configurable, key: string): void {
    const name = className(o);
    const cfg = callGetConfig(o, key);
    this.within(o, key, () => {
      if (name !== undefined && key !== '') this.emit(key, name);
      this.value(cfg, key);
    });
  }

  private array(a: readonly unknown[], key: string): void {
    this.within(a, key, () => {
      if (a.some((e) => isConfigurable(e) || (isPlain(e) && Object.keys(e).length > 0))) {
        a.forEach((e, i) => this.value(e, join(key, String(i))));
      } else if (a.every((e, i) => this.isJsonData(e, join(key, String(i))))) {
        const text = JSON.stringify(a, (_k, x: unknown) =>
          (typeof x === 'number' ? encodeNumber(x) : typeof x === 'bigint' ? x.toString() : x));
        this.emit(key, text);
      }
      // else: an array of class instances, functions or buffers (estimators, classifiers): learned state.
    });
  }

  /** Scalars, arrays and plain objects only (what JSON can hold); a cycle is reported by name. */
  private isJsonData(x: unknown, key: string): boolean {
    if (x === null || typeof x !== 'object') return typeof x !== 'function' && typeof x !== 'symbol';
    if (!Array.isArray(x) && !isPlain(x)) return false;
    let ok = true;
    this.within(x, key, () => {
      ok = Object.keys(x).every((k) => this.isJsonData(read(x, k), join(key, k)));
    });
    return ok;
  }
}

function callGetConfig(o: Configurable, key: string): unknown {
  try {
    return o.getConfig();
  } catch (e) {
    const who = key === '' ? 'the trainer' : `parameter "${shortKey(key)}"`;
    throw new HyperParameterError(`getConfig() of ${who} failed (${(e as Error).message ?? String(e)}): build the model first, or log a plain object`);
  }
}

function checkAlgorithm(a: string): string {
  if (a.length > MAX_ALGORITHM) throw new HyperParameterError(`the algorithm name "${a.slice(0, 40)}..." is longer than ${MAX_ALGORITHM} characters`);
  return a;
}

const ALGORITHM_FIELDS = ['algorithm', 'name', 'type'] as const;

function fromPlain(t: Obj, c: Collector): string {
  const field = ALGORITHM_FIELDS.find((f) => typeof t[f] === 'string' && t[f] !== '');
  c.object(t, '', new Set(field ? [field] : []));
  return field ? (t[field] as string) : 'unknown';
}

function fromInstance(t: object, c: Collector): string {
  const algorithm = className(t) ?? 'unknown';
  const learned = new Set(LEARNED[algorithm] ?? []);
  const options = read(t, 'options');
  const lifted = isPlain(options) ? new Set(Object.keys(options)) : new Set<string>();
  c.within(t, '', () => {
    if (isPlain(options)) c.object(options, '');
    for (const k of Object.keys(t)) {
      // `_x` is private by convention; an own field that repeats a lifted option is that option.
      if (k.startsWith('_') || learned.has(k) || (k === 'options' && isPlain(options)) || lifted.has(k)) continue;
      c.value(read(t, k), k);
    }
  });
  return algorithm;
}

function fromConfigurable(t: Configurable, c: Collector): string {
  const name = className(t);
  const isOptimizer = typeof read(t, 'applyGradients') === 'function' || typeof read(t, 'minimize') === 'function';
  if (isOptimizer) {
    c.configurable(t, 'optimizer');
    return name ?? 'unknown';
  }
  const cfg = callGetConfig(t, '');
  // The model is on the path while its config is walked, so a config that contains the model is a cycle.
  c.within(t, '', () => c.value(cfg, ''));
  if (typeof read(t, 'compile') === 'function') {
    // A compiled TF.js LayersModel keeps what compile() was given; an uncompiled one has none of these.
    const optimizer = read(t, 'optimizer');
    if (isConfigurable(optimizer) && !c.entries.has('optimizer')) c.configurable(optimizer, 'optimizer');
    const loss = namesOf(read(t, 'loss'));
    if (loss !== undefined && !c.entries.has('loss')) c.value(loss, 'loss');
    const metrics = namesOf(read(t, 'metrics'));
    if (metrics !== undefined && !c.entries.has('metrics')) c.value(metrics, 'metrics');
  }
  const fromCfg = isPlain(cfg) ? ALGORITHM_FIELDS.map((f) => cfg[f]).find((x) => typeof x === 'string' && x !== '') : undefined;
  return name ?? (fromCfg as string | undefined) ?? 'unknown';
}

/** Losses and metrics may be names, functions, or arrays/maps of them: keep the names. */
function namesOf(x: unknown): unknown {
  if (x === undefined || x === null) return undefined;
  if (typeof x === 'string') return x;
  if (typeof x === 'function') return x.name || 'custom';
  if (Array.isArray(x)) return x.map(namesOf);
  if (isPlain(x)) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, namesOf(v)]));
  return undefined;
}

/**
 * Reads the algorithm name and the hyper-parameters of a trainer: a plain options object, an ml.js
 * trainer instance, or anything with getConfig() (TensorFlow.js models and optimizers). Naming rules
 * and bounds are at the top of this file.
 */
export function extractHyperParameters(trainer: unknown): HyperParameters {
  if (typeof trainer === 'function') {
    const n = (trainer as { name?: string }).name || 'a class';
    throw new HyperParameterError(`got the class or function ${n} itself: pass an instance (e.g. new ${n}(options)) or an options object`);
  }
  if (typeof trainer !== 'object' || trainer === null || Array.isArray(trainer)) {
    const got = trainer === null ? 'null' : Array.isArray(trainer) ? 'an array' : `a ${typeof trainer}`;
    throw new HyperParameterError(
      `a trainer must be an object (an options object, an ml.js trainer, a TensorFlow.js model or optimizer), got ${got}`);
  }
  const c = new Collector();
  let algorithm: string;
  if (isConfigurable(trainer)) algorithm = fromConfigurable(trainer, c);
  else if (isPlain(trainer)) algorithm = fromPlain(trainer, c);
  else algorithm = fromInstance(trainer, c);
  return { algorithm: checkAlgorithm(algorithm), params: Object.fromEntries(c.entries) };
}
