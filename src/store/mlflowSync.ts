// Keeps the read-only copies of the workspace's MLflow stores in the tracking store: finds the stores,
// reads them with src/core/mlflow, and replaces each store's rows (one foreign origin per store).
// Pure Node (no 'vscode'): the extension, the CLI and the SDK's read-only view all call it.
import { createHash } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { SqlJsStatic } from 'sql.js';
import { createLimiter } from '../core/mlflow/common';
import { findMlflowStores, hasSqliteHeader, looksLikeFileStore } from '../core/mlflow/discover';
import { readFileStore } from '../core/mlflow/fileStore';
import type { MlflowProblem, MlflowStore, MlflowStoreKind } from '../core/mlflow/model';
import { readSqliteStore } from '../core/mlflow/sqliteStore';
import { loadSqlJs } from './sqljs';
import type { ForeignRun, TrackingStore } from './store';

export const MLFLOW_ORIGIN_PREFIX = 'mlflow:';

/** What `replaceForeign` takes for one store. */
export interface ForeignRows {
  experiments: { id: string; name: string; createdAt?: number }[];
  runs: ForeignRun[];
}

export interface SyncedStore {
  /** `mlflow:<store path relative to the workspace>`, `/` separators. */
  origin: string;
  /** Absolute path of the `mlruns` folder or the database file. */
  path: string;
  kind: MlflowStoreKind;
  /** Experiments shown (deleted experiments and experiments whose runs were all imported are left out). */
  experiments: number;
  /** Active runs shown (not deleted, not imported). */
  runs: number;
  deletedRuns: number;
  /** Runs left to their native copy because they were imported. */
  imported: number;
  metricPoints: number;
  problems: MlflowProblem[];
  /** File store: the folders (`<experiment id>/<run id>`) of runs still RUNNING, whose metric files grow. */
  liveRuns: string[];
  /** Set when the store could not be read at all; its previous rows were kept. */
  error?: string;
}

export interface SyncResult {
  stores: SyncedStore[];
  /** Origins dropped because their store is gone (or no longer looks like one). */
  removed: string[];
}

export interface SyncOptions {
  /** Extra store paths (the `mlops.mlflow.paths` setting), absolute or relative to the workspace. */
  extraPaths?: readonly string[];
  signal?: AbortSignal;
  /**
   * Re-read only these stores (absolute paths, workspace-relative paths or origins) and skip the search.
   * One that no longer exists, or is no longer a store, is dropped.
   */
  only?: readonly string[];
  /** Folder levels searched below the workspace (default: findMlflowStores' default). */
  maxDepth?: number;
  SQL?: SqlJsStatic;
  /** Called just before a store is read (e.g. to fingerprint it first: a change after that shows as a difference). */
  beforeRead?: (store: { path: string; kind: MlflowStoreKind }) => Promise<void> | void;
  /** Called after each store was read and replaced (for progress). */
  onStore?: (store: SyncedStore) => void;
}

/** The workspace-relative store path with `/` separators (`.` for the workspace itself, absolute when outside it). */
export function storeLabel(workspace: string, storePath: string): string {
  const rel = relative(resolve(workspace), resolve(storePath));
  if (rel === '') return '.';
  if (rel.startsWith('..') || isAbsolute(rel)) return resolve(storePath).split(sep).join('/');
  return rel.split(sep).join('/');
}

export function originFor(workspace: string, storePath: string): string {
  return MLFLOW_ORIGIN_PREFIX + storeLabel(workspace, storePath);
}

export function isMlflowOrigin(origin: string): boolean {
  return origin.startsWith(MLFLOW_ORIGIN_PREFIX);
}

/** The absolute store path of an origin, an absolute path or a workspace-relative path. */
export function storePathOf(workspace: string, originOrPath: string): string {
  const p = isMlflowOrigin(originOrPath) ? originOrPath.slice(MLFLOW_ORIGIN_PREFIX.length) : originOrPath;
  return resolve(workspace, p);
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The tracking store's id for an experiment of one MLflow store. Namespaced by the store, so that two
 * stores' "0 Default" stay apart and never meet a native experiment id (16 hex digits). At most 64 characters.
 */
export function foreignExperimentId(origin: string, experimentId: string): string {
  const prefix = `mlflow-${sha256(origin).slice(0, 8)}-`;
  return prefix.length + experimentId.length <= 64 ? prefix + experimentId : prefix + sha256(experimentId).slice(0, 32);
}

/** Turns a read store into the rows of one foreign origin. Runs of deleted experiments are left out, as MLflow's UI hides them. */
export function toForeign(store: MlflowStore, origin: string): ForeignRows {
  const live = new Map(store.experiments.filter((e) => e.lifecycleStage === 'active').map((e) => [e.experimentId, e]));
  const firstStart = new Map<string, number>();
  const runs: ForeignRun[] = [];
  for (const r of store.runs) {
    if (!live.has(r.experimentId)) continue;
    const startTime = r.startTime ?? earliestPoint(r.metrics) ?? 0;
    firstStart.set(r.experimentId, Math.min(firstStart.get(r.experimentId) ?? Infinity, startTime));
    runs.push({
      runId: r.runId,
      experimentId: foreignExperimentId(origin, r.experimentId),
      name: r.name,
      status: r.status,
      startTime,
      endTime: r.endTime,
      deleted: r.lifecycleStage === 'deleted',
      params: { ...r.params },
      tags: { ...r.tags },
      metrics: r.metrics,
      git: r.git && { commit: r.git.commit, branch: r.git.branch },
    });
  }
  const experiments = [...live.values()].map((e) => ({
    id: foreignExperimentId(origin, e.experimentId),
    name: e.name,
    createdAt: e.creationTime ?? (firstStart.has(e.experimentId) ? firstStart.get(e.experimentId) : undefined),
  }));
  return { experiments, runs };
}

function earliestPoint(metrics: MlflowStore['runs'][number]['metrics']): number | undefined {
  let min: number | undefined;
  for (const key of Object.keys(metrics)) for (const p of metrics[key]) if (min === undefined || p.timestamp < min) min = p.timestamp;
  return min;
}

/** One problem as a log line's location: `notebooks/mlruns/1/<run>/metrics/loss:3` or `mlflow.db (table metrics)`. */
export function problemLocation(label: string, kind: MlflowStoreKind, p: MlflowProblem): string {
  const where = kind === 'file' ? (p.file ? `${label === '.' ? '' : `${label}/`}${p.file}` : label) : label;
  return `${where}${p.line !== undefined ? `:${p.line}` : ''}${p.table ? ` (table ${p.table})` : ''}`;
}

/** Reads the store at `path`, whichever kind it is. Throws when there is no store there. */
export async function readMlflowStore(path: string, opts: { signal?: AbortSignal; SQL?: SqlJsStatic } = {}): Promise<MlflowStore> {
  const kind = await storeKindAt(path);
  if (!kind) throw new Error(`${path} is not an MLflow store: expected an mlruns/ folder (with experiment folders holding meta.yaml) or an MLflow SQLite file such as mlflow.db.`);
  if (kind === 'file') return readFileStore(path, { signal: opts.signal });
  return readSqliteStore(path, opts.SQL ?? await loadSqlJs(), { signal: opts.signal });
}

/** 'file', 'sqlite', or undefined when `path` is missing or not a store. */
export async function storeKindAt(path: string): Promise<MlflowStoreKind | undefined> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) return (await looksLikeFileStore(path)) ? 'file' : undefined;
    if (info.isFile()) return (await hasSqliteHeader(path)) ? 'sqlite' : undefined;
  } catch {
    // missing or unreadable: not a store
  }
  return undefined;
}

/** Removes every MLflow origin from the tracking store (the feature was turned off). Returns the origins dropped. */
export function dropMlflowOrigins(store: TrackingStore): string[] {
  const origins = store.foreignOrigins().filter(isMlflowOrigin);
  for (const o of origins) store.replaceForeign(o, '', [], []);
  return origins;
}

/**
 * Finds the workspace's MLflow stores (or re-reads only `opts.only`), reads each, and replaces its rows in
 * `store`. A store that cannot be read at all keeps its previous rows and reports `error`; a store that
 * is gone is dropped. Throws only when `opts.signal` aborts (stores already replaced stay replaced).
 */
export async function syncMlflowStores(store: TrackingStore, workspace: string, opts: SyncOptions = {}): Promise<SyncResult> {
  const { signal } = opts;
  const result: SyncResult = { stores: [], removed: [] };
  let targets: { kind: MlflowStoreKind; path: string }[];
  const present = new Set(store.foreignOrigins().filter(isMlflowOrigin));
  if (opts.only) {
    targets = [];
    for (const p of new Set(opts.only.map((x) => storePathOf(workspace, x)))) {
      const kind = await storeKindAt(p);
      if (kind) targets.push({ kind, path: p });
      else drop(originFor(workspace, p));
    }
  } else {
    targets = await findMlflowStores(workspace, { extraPaths: opts.extraPaths ? [...opts.extraPaths] : undefined, maxDepth: opts.maxDepth, signal });
    const found = new Set(targets.map((t) => originFor(workspace, t.path)));
    for (const o of present) if (!found.has(o)) drop(o);
  }
  let SQL = opts.SQL;
  for (const t of targets) {
    signal?.throwIfAborted();
    const origin = originFor(workspace, t.path);
    const label = storeLabel(workspace, t.path);
    const synced: SyncedStore = { origin, path: t.path, kind: t.kind, experiments: 0, runs: 0, deletedRuns: 0, imported: 0, metricPoints: 0, problems: [], liveRuns: [] };
    let mlflow: MlflowStore;
    try {
      if (t.kind === 'sqlite') SQL ??= await loadSqlJs();
      await opts.beforeRead?.(t);
      mlflow = await readMlflowStore(t.path, { signal, SQL });
    } catch (e) {
      if (signal?.aborted) throw e;
      synced.error = (e as Error).message;
      result.stores.push(synced);
      opts.onStore?.(synced);
      continue;
    }
    signal?.throwIfAborted();
    const rows = toForeign(mlflow, origin);
    // Imported runs live natively now; an experiment whose runs were all imported is not shown twice.
    const problems = [...mlflow.problems];
    const runs = rows.runs.filter((r) => {
      const existing = store.getRun(r.runId)?.origin;
      if (existing === undefined || existing === origin) return true;
      if (existing === 'native') synced.imported++;
      else problems.push({ file: '', message: `run ${r.runId} is also in the MLflow store ${existing.slice(MLFLOW_ORIGIN_PREFIX.length)}; it is shown there only` });
      return false;
    });
    const withRuns = new Set(runs.map((r) => r.experimentId));
    const hadRuns = new Set(rows.runs.map((r) => r.experimentId));
    const experiments = rows.experiments.filter((e) => withRuns.has(e.id) || !hadRuns.has(e.id));
    store.replaceForeign(origin, label, experiments, runs);
    synced.experiments = experiments.length;
    for (const r of runs) {
      if (r.deleted) synced.deletedRuns++;
      else synced.runs++;
      for (const k of Object.keys(r.metrics)) synced.metricPoints += r.metrics[k].length;
    }
    synced.problems = problems;
    if (t.kind === 'file') synced.liveRuns = mlflow.runs.filter((r) => r.status === 'running').map((r) => `${r.experimentId}/${r.runId}`);
    result.stores.push(synced);
    opts.onStore?.(synced);
  }
  return result;

  function drop(origin: string): void {
    if (!present.has(origin)) return;
    store.replaceForeign(origin, '', [], []);
    present.delete(origin);
    result.removed.push(origin);
  }
}

/**
 * A cheap fingerprint of what MLflow changes in a store, for polling: file events miss changes inside
 * folders created in one burst (Linux inotify; parcel-bundler/watcher#97), which is how MLflow makes a
 * run's folders. SQLite: the file's size and time. File store: every experiment's entries, every run's
 * meta.yaml, and the metric files of `liveRuns`. 'missing' when the store is gone.
 */
export async function storeFingerprint(path: string, kind: MlflowStoreKind, liveRuns: readonly string[] = []): Promise<string> {
  const stamp = async (p: string): Promise<string> => {
    try {
      const s = await stat(p);
      return `${s.size}:${s.mtimeMs}`;
    } catch {
      return '-';
    }
  };
  if (kind === 'sqlite') {
    const s = await stamp(path);
    return s === '-' ? 'missing' : s;
  }
  let top: Dirent[];
  try {
    top = await readdir(path, { withFileTypes: true });
  } catch {
    return 'missing';
  }
  const limit = createLimiter(32);
  const parts: string[] = [];
  const list = (dir: string): Promise<Dirent[]> => limit(() => readdir(dir, { withFileTypes: true })).catch(() => []);
  await Promise.all(top.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map(async (exp) => {
    const entries = await list(join(path, exp.name));
    parts.push(`${exp.name}/ ${entries.map((e) => e.name).sort().join(' ')}`);
    await Promise.all(entries.filter((e) => e.isDirectory()).map(async (run) => {
      parts.push(`${exp.name}/${run.name}/meta.yaml ${await limit(() => stamp(join(path, exp.name, run.name, 'meta.yaml')))}`);
    }));
  }));
  const walk = async (dir: string, rel: string): Promise<void> => {
    await Promise.all((await list(dir)).map(async (e) => {
      if (e.isDirectory()) await walk(join(dir, e.name), `${rel}/${e.name}`);
      else parts.push(`${rel}/${e.name} ${await limit(() => stamp(join(dir, e.name)))}`);
    }));
  };
  await Promise.all(liveRuns.map((run) => walk(join(path, run, 'metrics'), `${run}/metrics`)));
  return sha256(parts.sort().join('\n'));
}
