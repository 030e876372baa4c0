// What the command handlers share: turning their arguments (a run id, a tree node and the tree's selection,
// or nothing: then a quick pick) into runs, and reporting bad input as one clear message.
import * as vscode from 'vscode';
import { formatRelative, shortId } from '../../core/format';
import type { RunSummary } from '../../store/store';
import type { ExplorerNode } from '../explorer/tree';
import type { StoreHost } from '../storeHost';

/** Bad input from the user: shown as an error message; nothing was changed. */
export class UserError extends Error {}

/** What a command returns to a caller such as a test: the error it showed, if any. */
export interface CommandResult { error?: string }

const INPUT_ERRORS = new Set(['UserError', 'MLOpsError', 'QueryError', 'ClassificationError', 'ProfileError', 'MetricsFileError', 'HyperParameterError', 'YAMLParseError', 'SyntaxError']);

/** Wraps a handler: input errors become an error message (and the result's `error`); anything else is logged too. */
export function guarded<A extends unknown[], R>(output: vscode.LogOutputChannel, fn: (...args: A) => Promise<R>): (...args: A) => Promise<R | CommandResult> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (e) {
      const err = e as Error;
      const ctor = err?.constructor?.name ?? '';
      if (!INPUT_ERRORS.has(err?.name) && !INPUT_ERRORS.has(ctor)) output.error(err?.stack ?? String(e));
      const message = `MLOps: ${err?.message ?? String(e)}`;
      void vscode.window.showErrorMessage(message);
      return { error: message };
    }
  };
}

export type RunArg = string | ExplorerNode | { runId: string } | undefined;

function idOf(arg: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg && typeof arg === 'object') {
    const o = arg as { kind?: string; run?: { id?: unknown }; runId?: unknown };
    if (o.kind === 'run' && typeof o.run?.id === 'string') return o.run.id;
    if (typeof o.runId === 'string') return o.runId;
  }
  return undefined;
}

/**
 * The runs a command acts on: the tree selection when the clicked node is part of it, else the clicked
 * node or given id, else the user picks (one, or several with `many`). Unknown ids are an error.
 */
export async function resolveRuns(host: StoreHost, arg: unknown, selection: unknown, opts: { many?: boolean; title: string; filter?: (r: RunSummary) => boolean; edit?: boolean }): Promise<RunSummary[] | undefined> {
  const runs = await pickRuns(host, arg, selection, { ...opts, filter: opts.edit ? (r) => r.origin === 'native' && (opts.filter ?? ((x) => !x.deleted))(r) : opts.filter });
  if (opts.edit) {
    const foreign = runs?.find((r) => r.origin !== 'native');
    if (foreign) {
      throw new UserError(`Run "${foreign.name ?? shortId(foreign.id)}" comes from the MLflow store ${foreign.origin.replace(/^mlflow:/, '')} and is read-only here. Import it with "MLOps: Import MLflow Runs" to edit or log to it.`);
    }
  }
  return runs;
}

async function pickRuns(host: StoreHost, arg: unknown, selection: unknown, opts: { many?: boolean; title: string; filter?: (r: RunSummary) => boolean }): Promise<RunSummary[] | undefined> {
  const store = (await host.get()).db;
  let ids: string[] = [];
  const clicked = idOf(arg);
  if (Array.isArray(selection) && selection.length > 0) {
    const selected = selection.map(idOf).filter((x): x is string => x !== undefined);
    ids = clicked && !selected.includes(clicked) ? [clicked] : selected;
  } else if (Array.isArray(arg)) {
    ids = arg.map(idOf).filter((x): x is string => x !== undefined);
  } else if (clicked) {
    ids = [clicked];
  } else if (arg !== undefined) {
    throw new UserError(`${JSON.stringify(arg)} is not a run id; pass a run id or pick a run in the Runs view.`);
  }
  if (ids.length > 0) {
    return ids.map((id) => {
      const run = store.getRun(id);
      if (!run) throw new UserError(`Unknown run id "${id}": it is not in this workspace's store. Copy the id from the Runs view ("Copy Run Id").`);
      return run;
    });
  }
  const experiments = new Map(store.listExperiments().map((e) => [e.id, e.name]));
  const runs = [...experiments.keys()].flatMap((id) => store.listRuns(id, { includeDeleted: true })).filter(opts.filter ?? ((r) => !r.deleted));
  if (runs.length === 0) throw new UserError('There is no run to pick. Log a run first (see "MLOps: Show How to Log Runs").');
  const items = runs.map((r) => ({ label: r.name ?? shortId(r.id), description: `${experiments.get(r.experimentId)} · ${r.status} · ${formatRelative(r.startTime)}`, detail: r.id, run: r }));
  if (opts.many) {
    const picked = await vscode.window.showQuickPick(items, { title: opts.title, canPickMany: true, matchOnDescription: true, matchOnDetail: true });
    return picked && picked.length ? picked.map((p) => p.run) : undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { title: opts.title, matchOnDescription: true, matchOnDetail: true });
  return picked ? [picked.run] : undefined;
}

export async function resolveRun(host: StoreHost, arg: unknown, opts: { title: string; filter?: (r: RunSummary) => boolean; edit?: boolean }): Promise<RunSummary | undefined> {
  return (await resolveRuns(host, arg, undefined, opts))?.[0];
}

/** Reads a workspace file as UTF-8 text, with an error that names it when it is missing or not UTF-8. */
export async function readTextFile(uri: vscode.Uri): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await vscode.workspace.fs.readFile(uri);
  } catch {
    throw new UserError(`Cannot read ${uri.fsPath}: the file does not exist or is not readable.`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    throw new UserError(`${uri.fsPath} is not UTF-8 text; save it as UTF-8 and try again.`);
  }
}

/** A file argument (path or Uri), or an open dialog. */
export async function resolveFile(arg: unknown, folder: vscode.WorkspaceFolder | undefined, title: string, filters: Record<string, string[]>): Promise<vscode.Uri | undefined> {
  if (arg instanceof vscode.Uri) return arg;
  if (typeof arg === 'string' && arg) {
    return folder && !/^([a-zA-Z]:[\\/]|\/)/.test(arg) ? vscode.Uri.joinPath(folder.uri, arg) : vscode.Uri.file(arg);
  }
  if (arg !== undefined) throw new UserError(`${JSON.stringify(arg)} is not a file path.`);
  const picked = await vscode.window.showOpenDialog({ title, canSelectMany: false, defaultUri: folder?.uri, filters });
  return picked?.[0];
}
