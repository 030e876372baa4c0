// Reads an MLflow file store (`mlruns/`), read-only, into the normalized model.
// Layout (MLflow's FileStore): <exp>/meta.yaml, <exp>/tags/<key>, <exp>/datasets/<id>/meta.yaml,
// <exp>/<run>/meta.yaml, <run>/metrics/<key> ("<timestamp> <value> [<step>]" a line), <run>/params/<key>
// and <run>/tags/<key> (raw value, no newline added or stripped), <run>/inputs/<id>/meta.yaml.
// A `/` in any key is a sub-folder. `.trash` (deleted experiments) and `models` (registry) are not read.
// Anything unreadable becomes a problem entry and the rest is still read.
import type { Dirent, Stats } from 'node:fs';
import { readdir as readdirCb, readFile as readFileCb, stat as statCb } from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  createLimiter, derivedRunFields, makeDataset, parsePythonFloat, parsePythonInt, Problems, sortExperiments,
  sortHistory, sortRuns,
} from './common';
import type {
  MlflowDataset, MlflowExperiment, MlflowLifecycleStage, MlflowMetricPoint, MlflowRun, MlflowStore,
} from './model';
import { emptyRecord, MLFLOW_STATUS_BY_CODE, runStatusFromMlflow } from './model';

export interface ReadFileStoreOptions {
  /** Files read at once (default 64): enough to hide latency, far below the open-file limit. */
  concurrency?: number;
  signal?: AbortSignal;
}

/** Root-level folders that are not experiments. */
const ROOT_SKIP = new Set(['.trash', 'models']);
/** Experiment-level folders that are not runs (MLflow's RESERVED_EXPERIMENT_FOLDERS, plus MLflow 3's logged models). */
const EXPERIMENT_SKIP = new Set(['tags', 'datasets', 'traces', 'models']);

const utf8 = new TextDecoder('utf-8', { fatal: true });
const utf8Lossy = new TextDecoder('utf-8');

// The callback API, wrapped: fs.promises.readFile makes four thread-pool round trips per file
// (open, fstat, read, close) and measured 4x slower than fs.readFile on a store of 1,200 small files.
function readFile(file: string): Promise<Buffer> {
  return new Promise((resolve, reject) => readFileCb(file, (err, data) => (err ? reject(err) : resolve(data))));
}
function readdir(dir: string): Promise<Dirent[]> {
  return new Promise((resolve, reject) =>
    readdirCb(dir, { withFileTypes: true }, (err, entries) => (err ? reject(err) : resolve(entries))));
}
function stat(file: string): Promise<Stats> {
  return new Promise((resolve, reject) => statCb(file, (err, st) => (err ? reject(err) : resolve(st))));
}

type YamlMap = Record<string, unknown>;

function isMap(v: unknown): v is YamlMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function errorText(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code ? `${code}: ${err.message}` : err.message;
  }
  return String(err);
}

/** JSON text of a parsed YAML value; BigInt (our integer representation) written as a number. */
function jsonText(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x)) ?? String(v);
}

function isNotFound(err: unknown): boolean {
  return err instanceof Error && (err as NodeJS.ErrnoException).code === 'ENOENT';
}

/** Typed access to one parsed meta.yaml; a field of the wrong type is reported and treated as absent. */
class Fields {
  constructor(private readonly map: YamlMap, readonly file: string, private readonly problems: Problems) {}

  private wrong(key: string, expected: string): undefined {
    this.problems.add({ file: this.file, message: `field "${key}" is not ${expected}: ${jsonText(this.map[key])}` });
    return undefined;
  }

  /** Strings; numbers too (old MLflow wrote experiment ids as integers). */
  str(key: string): string | undefined {
    const v = this.map[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'bigint') return String(v);
    return this.wrong(key, 'a string');
  }

  /** Free-form fields (dataset schema/profile) that some writers dumped as YAML rather than JSON text. */
  text(key: string): string | undefined {
    const v = this.map[key];
    if (v === undefined || v === null) return undefined;
    return typeof v === 'string' ? v : jsonText(v);
  }

  /** Integers (epoch ms, status codes); null stays null. */
  int(key: string): number | null | undefined {
    const v = this.map[key];
    if (v === undefined) return undefined;
    if (v === null) return null;
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (typeof v === 'bigint') return Number(v);
    if (typeof v === 'string') {
      const n = parsePythonInt(v);
      if (n !== undefined) return n;
    }
    return this.wrong(key, 'an integer');
  }

  stringMap(key: string): Record<string, string> {
    const out = emptyRecord<string>();
    const v = this.map[key];
    if (v === undefined || v === null) return out;
    if (!isMap(v)) {
      this.wrong(key, 'a mapping');
      return out;
    }
    for (const [k, val] of Object.entries(v)) {
      if (typeof val === 'string') out[k] = val;
      else if (typeof val === 'number' || typeof val === 'bigint' || typeof val === 'boolean') out[k] = String(val);
      else if (val === null) out[k] = '';
      else this.problems.add({ file: this.file, message: `field "${key}.${k}" is not a string` });
    }
    return out;
  }
}

/** ASCII whitespace, what strip() removes from the lines MLflow writes. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/**
 * Parses one metric file's text. Lines that do not parse are reported with their number and skipped.
 * Hand-rolled scanning (no trim/split per line): this is the hot loop of a large store.
 */
export function parseMetricLines(text: string, file: string, problems: Problems): MlflowMetricPoint[] {
  const points: MlflowMetricPoint[] = [];
  const len = text.length;
  let lineNo = 0;
  let start = 0;
  while (start < len) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = len;
    lineNo++;
    // MLflow: line.strip().split(" ") must give 3 fields (2 in files from before steps existed: step 0).
    let s = start;
    let e = end;
    start = end + 1;
    while (s < e && isSpace(text.charCodeAt(s))) s++;
    while (e > s && isSpace(text.charCodeAt(e - 1))) e--;
    if (s === e) continue; // a blank line carries no point
    const sp1 = text.indexOf(' ', s);
    let fields = 1;
    let sp2 = -1;
    if (sp1 !== -1 && sp1 < e) {
      fields = 2;
      sp2 = text.indexOf(' ', sp1 + 1);
      if (sp2 !== -1 && sp2 < e) {
        fields = 3;
        const sp3 = text.indexOf(' ', sp2 + 1);
        if (sp3 !== -1 && sp3 < e) fields = text.slice(s, e).split(' ').length;
      }
    }
    let bad: string | undefined;
    if (fields !== 2 && fields !== 3) {
      bad = `expected "<timestamp> <value> <step>", found ${fields} field${fields === 1 ? '' : 's'}`;
    } else {
      const tsText = text.slice(s, sp1);
      const valueText = text.slice(sp1 + 1, fields === 3 ? sp2 : e);
      const stepText = fields === 3 ? text.slice(sp2 + 1, e) : '0';
      const timestamp = parsePythonInt(tsText);
      const value = parsePythonFloat(valueText);
      const step = parsePythonInt(stepText);
      if (timestamp === undefined) bad = `timestamp "${tsText}" is not an integer`;
      else if (value === undefined) bad = `value "${valueText}" is not a number`;
      else if (step === undefined) bad = `step "${stepText}" is not an integer`;
      else points.push({ step, timestamp, value });
    }
    if (bad !== undefined) {
      problems.add({ file, line: lineNo, message: `metric line ${lineNo} skipped: ${bad}` }, `metric:${file}`);
    }
  }
  return points;
}

/**
 * Reads an MLflow file store. Throws only when `mlrunsDir` itself cannot be listed; everything below it
 * that cannot be read is recorded in `problems` and skipped.
 */
export async function readFileStore(mlrunsDir: string, opts: ReadFileStoreOptions = {}): Promise<MlflowStore> {
  const root = path.resolve(mlrunsDir);
  const signal = opts.signal;
  const limit = createLimiter(Math.max(1, opts.concurrency ?? 64));
  const problems = new Problems();
  const rel = (abs: string): string => path.relative(root, abs).split(path.sep).join('/') || '.';

  const io = <T>(task: () => Promise<T>): Promise<T> =>
    limit(() => {
      signal?.throwIfAborted();
      return task();
    });

  const byName = (a: Dirent, b: Dirent): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

  /** Lists a folder, sorted by name; undefined (and a problem unless `missingOk`) when it cannot be listed. */
  async function list(dir: string, missingOk: boolean): Promise<Dirent[] | undefined> {
    try {
      return (await io(() => readdir(dir))).sort(byName);
    } catch (err) {
      signal?.throwIfAborted();
      if (!(missingOk && isNotFound(err))) problems.add({ file: rel(dir), message: `cannot list folder: ${errorText(err)}` });
      return undefined;
    }
  }

  /** Directory or not, following symlinks (and file systems that report no type). */
  async function isDir(entry: Dirent, abs: string): Promise<boolean> {
    if (entry.isDirectory()) return true;
    if (entry.isFile()) return false;
    try {
      return (await io(() => stat(abs))).isDirectory();
    } catch {
      return false; // a dangling link: reading it will report the problem
    }
  }

  async function readBytes(file: string): Promise<Buffer | undefined> {
    try {
      return await io(() => readFile(file));
    } catch (err) {
      signal?.throwIfAborted();
      problems.add({ file: rel(file), message: `cannot read: ${errorText(err)}` });
      return undefined;
    }
  }

  /** A raw value file (param, tag): exact content; invalid UTF-8 is reported and decoded with U+FFFD. */
  async function readValue(file: string): Promise<string | undefined> {
    const bytes = await readBytes(file);
    if (bytes === undefined) return undefined;
    try {
      return utf8.decode(bytes);
    } catch {
      problems.add({ file: rel(file), message: 'not valid UTF-8; undecodable bytes shown as U+FFFD' });
      return utf8Lossy.decode(bytes);
    }
  }

  async function readMeta(dir: string, missing: string): Promise<Fields | undefined> {
    const file = path.join(dir, 'meta.yaml');
    let bytes: Buffer;
    try {
      bytes = await io(() => readFile(file));
    } catch (err) {
      signal?.throwIfAborted();
      problems.add({ file: rel(file), message: isNotFound(err) ? missing : `cannot read: ${errorText(err)}` });
      return undefined;
    }
    let doc: unknown;
    try {
      // PyYAML writes YAML 1.1; reading with the same rules keeps e.g. a run named `0o17` a string.
      // BigInt: an unquoted 18-digit experiment id must not lose digits on its way to a string.
      doc = parseYaml(utf8Lossy.decode(bytes), { version: '1.1', intAsBigInt: true });
    } catch (err) {
      problems.add({ file: rel(file), message: `not valid YAML: ${errorText(err).split('\n')[0]}` });
      return undefined;
    }
    if (!isMap(doc)) {
      problems.add({ file: rel(file), message: doc === null ? 'empty meta.yaml' : 'meta.yaml is not a mapping' });
      return undefined;
    }
    return new Fields(doc, rel(file), problems);
  }

  /** Every file under `dir`, keyed by its path relative to `dir` with `/` separators. */
  async function walk(dir: string, prefix = ''): Promise<{ key: string; file: string }[]> {
    const entries = await list(dir, prefix === '');
    if (!entries) return [];
    const nested = await Promise.all(entries.map(async (e) => {
      const abs = path.join(dir, e.name);
      const key = prefix + e.name;
      return (await isDir(e, abs)) ? walk(abs, `${key}/`) : [{ key, file: abs }];
    }));
    return nested.flat();
  }

  async function readValues(dir: string): Promise<Record<string, string>> {
    const out = emptyRecord<string>();
    const files = await walk(dir);
    const values = await Promise.all(files.map((f) => readValue(f.file)));
    files.forEach((f, i) => {
      const v = values[i];
      if (v !== undefined) out[f.key] = v;
    });
    return out;
  }

  async function readMetrics(dir: string): Promise<Record<string, MlflowMetricPoint[]>> {
    const out = emptyRecord<MlflowMetricPoint[]>();
    const files = await walk(dir);
    const relDir = rel(dir); // once per run: path.relative for each of thousands of files adds up
    await Promise.all(files.map(async (f) => {
      const bytes = await readBytes(f.file);
      if (bytes === undefined) return;
      const file = `${relDir}/${f.key}`;
      const points = parseMetricLines(bytes.toString('utf8'), file, problems);
      if (points.length === 0) {
        if (bytes.length === 0 || bytes.toString('utf8').trim() === '') problems.add({ file, message: 'metric file is empty' });
        return;
      }
      sortHistory(points);
      out[f.key] = points;
    }));
    return out;
  }

  function lifecycle(fields: Fields, key: string): MlflowLifecycleStage {
    const v = fields.str(key);
    if (v === undefined || v === 'active') return 'active'; // MLflow's default when absent
    if (v === 'deleted') return 'deleted';
    problems.add({ file: fields.file, message: `unknown ${key} "${v}"; read as active` });
    return 'active';
  }

  async function readDatasets(expDir: string): Promise<Map<string, Omit<MlflowDataset, 'tags' | 'context'>>> {
    const out = new Map<string, Omit<MlflowDataset, 'tags' | 'context'>>();
    const dir = path.join(expDir, 'datasets');
    const entries = await list(dir, true);
    if (!entries) return out;
    await Promise.all(entries.map(async (e) => {
      const abs = path.join(dir, e.name);
      if (!(await isDir(e, abs))) return;
      const meta = await readMeta(abs, 'dataset folder has no meta.yaml');
      if (!meta) return;
      const name = meta.str('name');
      const digest = meta.str('digest');
      if (name === undefined || digest === undefined) {
        problems.add({ file: rel(path.join(abs, 'meta.yaml')), message: 'dataset has no name or digest; skipped' });
        return;
      }
      const ds: Omit<MlflowDataset, 'tags' | 'context'> = { name, digest };
      const sourceType = meta.str('source_type');
      const source = meta.text('source');
      const schema = meta.text('schema');
      const profile = meta.text('profile');
      if (sourceType !== undefined) ds.sourceType = sourceType;
      if (source !== undefined) ds.source = source;
      if (schema !== undefined) ds.schema = schema;
      if (profile !== undefined) ds.profile = profile;
      out.set(e.name, ds);
    }));
    return out;
  }

  async function readInputs(
    runDir: string, datasets: Promise<Map<string, Omit<MlflowDataset, 'tags' | 'context'>>>,
  ): Promise<MlflowDataset[]> {
    const dir = path.join(runDir, 'inputs');
    const entries = await list(dir, true);
    if (!entries || entries.length === 0) return [];
    const known = await datasets;
    const found = await Promise.all(entries.map(async (e): Promise<MlflowDataset | undefined> => {
      const abs = path.join(dir, e.name);
      if (!(await isDir(e, abs))) return undefined;
      const meta = await readMeta(abs, 'input folder has no meta.yaml');
      if (!meta) return undefined;
      if ((meta.str('source_type') ?? 'DATASET') !== 'DATASET') return undefined; // only dataset inputs exist so far
      const sourceId = meta.str('source_id');
      const ds = sourceId !== undefined ? known.get(sourceId) : undefined;
      if (!ds) {
        problems.add({ file: rel(path.join(abs, 'meta.yaml')), message: `dataset "${sourceId ?? '?'}" not found in the experiment's datasets/` });
        return undefined;
      }
      return makeDataset(ds, meta.stringMap('tags'));
    }));
    return found.filter((d): d is MlflowDataset => d !== undefined);
  }

  async function readRun(
    expId: string, runDir: string, folder: string,
    datasets: Promise<Map<string, Omit<MlflowDataset, 'tags' | 'context'>>>,
  ): Promise<MlflowRun | undefined> {
    const meta = await readMeta(runDir, 'no meta.yaml; folder not read as a run');
    if (!meta) return undefined;
    const metaFile = rel(path.join(runDir, 'meta.yaml'));
    const runExp = meta.str('experiment_id');
    if (runExp !== undefined && runExp !== expId) {
      // MLflow ignores such a run too ("Wrong experiment ID recorded for run").
      problems.add({ file: metaFile, message: `run records experiment_id "${runExp}" but is in experiment folder "${expId}"; skipped, as MLflow does` });
      return undefined;
    }
    const runId = meta.str('run_id') ?? meta.str('run_uuid') ?? folder;
    if (runId !== folder) problems.add({ file: metaFile, message: `run_id "${runId}" differs from its folder name "${folder}"` });

    // An integer code in meta.yaml (RunStatus enum); a status name is taken as well. RUNNING when absent.
    const statusText = meta.str('status');
    let mlflowStatus = statusText ?? 'RUNNING';
    const code = statusText !== undefined ? parsePythonInt(statusText) : undefined;
    if (code !== undefined) mlflowStatus = MLFLOW_STATUS_BY_CODE[code] ?? statusText ?? '';
    let status = runStatusFromMlflow(mlflowStatus);
    if (!status) {
      problems.add({ file: metaFile, message: `unknown status code ${mlflowStatus}; shown as failed` });
      status = 'failed';
    }

    const [metrics, params, tags, inputs] = await Promise.all([
      readMetrics(path.join(runDir, 'metrics')),
      readValues(path.join(runDir, 'params')),
      readValues(path.join(runDir, 'tags')),
      readInputs(runDir, datasets),
    ]);
    const storedName = meta.str('run_name') ?? meta.str('name');
    const run: MlflowRun = {
      runId,
      experimentId: expId,
      ...derivedRunFields(tags, storedName, meta.str('user_id')),
      status,
      mlflowStatus,
      startTime: meta.int('start_time') ?? null,
      endTime: meta.int('end_time') ?? null,
      lifecycleStage: lifecycle(meta, 'lifecycle_stage'),
      params,
      tags,
      metrics,
      datasets: inputs,
    };
    const artifactUri = meta.str('artifact_uri');
    if (artifactUri !== undefined) run.artifactUri = artifactUri;
    return run;
  }

  async function readExperiment(expDir: string, folder: string): Promise<{ exp: MlflowExperiment; runs: MlflowRun[] } | undefined> {
    const meta = await readMeta(expDir, 'no meta.yaml; folder not read as an experiment');
    if (!meta) return undefined;
    const metaFile = rel(path.join(expDir, 'meta.yaml'));
    const id = meta.str('experiment_id');
    if (id !== undefined && id !== folder) {
      problems.add({ file: metaFile, message: `experiment_id "${id}" differs from its folder name "${folder}"; skipped, as MLflow does` });
      return undefined;
    }
    if (id === undefined) problems.add({ file: metaFile, message: 'no experiment_id; the folder name is used' });
    let name = meta.str('name');
    if (name === undefined) {
      problems.add({ file: metaFile, message: 'no experiment name; the id is used' });
      name = folder;
    }
    const exp: MlflowExperiment = { experimentId: folder, name, lifecycleStage: lifecycle(meta, 'lifecycle_stage'), tags: emptyRecord() };
    const artifactLocation = meta.str('artifact_location');
    if (artifactLocation !== undefined) exp.artifactLocation = artifactLocation;
    const creationTime = meta.int('creation_time');
    if (typeof creationTime === 'number') exp.creationTime = creationTime;
    const lastUpdateTime = meta.int('last_update_time');
    if (typeof lastUpdateTime === 'number') exp.lastUpdateTime = lastUpdateTime;

    const datasets = readDatasets(expDir);
    const [tags, entries] = await Promise.all([readValues(path.join(expDir, 'tags')), list(expDir, false)]);
    exp.tags = tags;
    const runs = await Promise.all((entries ?? []).map(async (e) => {
      if (EXPERIMENT_SKIP.has(e.name) || e.name.startsWith('.')) return undefined;
      const abs = path.join(expDir, e.name);
      if (!(await isDir(e, abs))) return undefined; // stray files (e.g. .DS_Store) are not runs
      return readRun(folder, abs, e.name, datasets);
    }));
    await datasets; // settle it even when no run has inputs
    return { exp, runs: runs.filter((r): r is MlflowRun => r !== undefined) };
  }

  signal?.throwIfAborted();
  const top = (await readdir(root)).sort(byName); // throws: no store at all
  const results = await Promise.all(top.map(async (e) => {
    if (ROOT_SKIP.has(e.name) || e.name.startsWith('.')) return undefined;
    const abs = path.join(root, e.name);
    if (!(await isDir(e, abs))) return undefined;
    return readExperiment(abs, e.name);
  }));

  const experiments: MlflowExperiment[] = [];
  const runs: MlflowRun[] = [];
  for (const r of results) {
    if (!r) continue;
    experiments.push(r.exp);
    runs.push(...r.runs);
  }
  sortExperiments(experiments);
  sortRuns(runs);
  const list_ = problems.finish((group, skipped) => ({
    file: group.slice('metric:'.length),
    message: `${skipped} more metric line${skipped === 1 ? '' : 's'} in this file did not parse and were skipped`,
  }));
  return { kind: 'file', path: root, experiments, runs, problems: list_ };
}
