// Finds MLflow tracking stores in a workspace: `mlruns/` folders (file stores) and SQLite files named
// `mlflow.db` / `mlruns.db` (checked by their header, not trusted by name). Never reads store contents.
import type { Dirent } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { open, readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { createLimiter } from './common';
import type { MlflowStoreKind } from './model';
import { SQLITE_MAGIC } from './sqliteStore';

export interface FoundMlflowStore {
  kind: MlflowStoreKind;
  /** Absolute path of the `mlruns` folder or the database file. */
  path: string;
}

export interface FindMlflowStoresOptions {
  /**
   * More places to look (a setting): absolute or relative to `root`. Each may be a store itself
   * (a file-store folder of any name, or a SQLite file of any name) or a folder to search.
   */
  extraPaths?: string[];
  /** Folder levels below each search root to look into (default 6; 0 = the root only). */
  maxDepth?: number;
  signal?: AbortSignal;
}

/** Folders that never hold a user's stores and can be huge. */
export const SKIPPED_FOLDERS: ReadonlySet<string> = new Set([
  'node_modules', '.git', '.mlops', '.venv', 'venv', '__pycache__',
]);

const SQLITE_NAMES = new Set(['mlflow.db', 'mlruns.db']);
const DEFAULT_MAX_DEPTH = 6;

const isNumericName = (name: string): boolean => /^\d+$/.test(name);

/** A SQLite 3 file, by its first 16 bytes. */
export async function hasSqliteHeader(file: string): Promise<boolean> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(file, 'r');
    const buf = Buffer.alloc(16);
    const { bytesRead } = await handle.read(buf, 0, 16, 0);
    return bytesRead === 16 && buf.toString('latin1') === SQLITE_MAGIC;
  } catch {
    return false;
  } finally {
    await handle?.close();
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/**
 * A file store: `0/meta.yaml` (the default experiment MLflow always creates), or any numbered
 * experiment folder with a meta.yaml (MLflow 2 ids are long integers; experiment 0 may be deleted).
 */
export async function looksLikeFileStore(dir: string, entries?: Dirent[]): Promise<boolean> {
  let list = entries;
  if (!list) {
    try {
      list = await readdir(dir, { withFileTypes: true });
    } catch {
      return false;
    }
  }
  const numbered = list.filter((e) => isNumericName(e.name) && !e.isFile()).map((e) => e.name);
  numbered.sort((a, b) => (a === '0' ? -1 : b === '0' ? 1 : 0)); // 0 first: one stat in the usual case
  for (const name of numbered.slice(0, 20)) {
    if (await exists(path.join(dir, name, 'meta.yaml'))) return true;
  }
  return false;
}

/**
 * Finds the MLflow stores under `root` (and in `extraPaths`), sorted by path, without duplicates.
 * Symbolic links to folders are not followed (no cycles); unreadable folders are passed over.
 */
export async function findMlflowStores(root: string, opts: FindMlflowStoresOptions = {}): Promise<FoundMlflowStore[]> {
  const { signal } = opts;
  const maxDepth = Math.max(0, opts.maxDepth ?? DEFAULT_MAX_DEPTH);
  const limit = createLimiter(32);
  const found = new Map<string, FoundMlflowStore>();
  const visited = new Set<string>();
  const base = path.resolve(root);

  async function visit(dir: string, depth: number): Promise<void> {
    signal?.throwIfAborted();
    if (visited.has(dir)) return;
    visited.add(dir);
    let entries: Dirent[];
    try {
      entries = await limit(() => readdir(dir, { withFileTypes: true }));
    } catch {
      return; // unreadable or gone: nothing to find there
    }
    signal?.throwIfAborted();
    const children: Promise<void>[] = [];
    for (const e of entries) {
      const abs = path.join(dir, e.name);
      if (e.isFile()) {
        if (SQLITE_NAMES.has(e.name)) {
          children.push(limit(() => hasSqliteHeader(abs)).then((ok) => {
            if (ok) found.set(abs, { kind: 'sqlite', path: abs });
          }));
        }
      } else if (e.isDirectory() && !SKIPPED_FOLDERS.has(e.name)) {
        if (e.name === 'mlruns') {
          children.push(looksLikeFileStore(abs).then((ok) => {
            if (ok) found.set(abs, { kind: 'file', path: abs });
            // A store's insides are experiments and runs, not more stores.
            else if (depth < maxDepth) return visit(abs, depth + 1);
          }));
        } else if (depth < maxDepth) {
          children.push(visit(abs, depth + 1));
        }
      }
    }
    await Promise.all(children);
  }

  /** An extra path: a store itself, or a folder to search. */
  async function visitExtra(p: string): Promise<void> {
    const abs = path.resolve(base, p);
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(abs);
    } catch {
      return; // a setting that points nowhere finds nothing
    }
    if (info.isFile()) {
      if (await hasSqliteHeader(abs)) found.set(abs, { kind: 'sqlite', path: abs });
    } else if (info.isDirectory()) {
      if (await looksLikeFileStore(abs)) found.set(abs, { kind: 'file', path: abs });
      else await visit(abs, 0);
    }
  }

  // A workspace opened on the mlruns folder itself is that store.
  if (path.basename(base) === 'mlruns' && await looksLikeFileStore(base)) found.set(base, { kind: 'file', path: base });
  else await visit(base, 0);
  for (const p of opts.extraPaths ?? []) await visitExtra(p);
  signal?.throwIfAborted();
  return [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
