// Pieces shared by the file-store and SQLite readers: number parsing with Python's rules, capped problem
// lists, the derived run fields (name, git, user) and the ordering of the result.
import type {
  MlflowDataset, MlflowExperiment, MlflowGit, MlflowMetricPoint, MlflowProblem, MlflowRun,
} from './model';

/** Tags MLflow itself sets, which we lift into typed fields. */
export const TAG = {
  runName: 'mlflow.runName',
  user: 'mlflow.user',
  gitCommit: 'mlflow.source.git.commit',
  gitBranch: 'mlflow.source.git.branch',
  gitRepoUrl: 'mlflow.source.git.repoURL',
  datasetContext: 'mlflow.data.context',
} as const;

const SPECIAL = /^([+-]?)(nan|inf|infinity)$/i;

/**
 * Parses a float the way Python's float() does for what MLflow writes: decimal and exponent forms,
 * and `nan`, `inf`, `infinity` in any case with an optional sign. Returns undefined for anything else.
 */
export function parsePythonFloat(text: string): number | undefined {
  const v = Number(text);
  if (v === v) {
    // Number() also takes "" and "0x1f"/"0b1"/"0o7", which Python's float() does not.
    if (text.length === 0) return undefined;
    if (text.length > 1 && text.charCodeAt(0) === 48 && /[xXbBoO]/.test(text[1])) return undefined;
    return v;
  }
  const m = SPECIAL.exec(text);
  if (!m) return undefined;
  if (m[2].toLowerCase() === 'nan') return NaN;
  return m[1] === '-' ? -Infinity : Infinity;
}

/** Python int() on a stripped field: optional sign, then digits only. */
export function parsePythonInt(text: string): number | undefined {
  const n = text.length;
  let i = 0;
  const c0 = text.charCodeAt(0);
  if (c0 === 43 || c0 === 45) i = 1; // + -
  if (i >= n) return undefined;
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  return Number(text);
}

/**
 * Collects problems, with a cap per group (one metric file, one table) so a million bad lines make a
 * readable list: the first few are listed, then one summary line says how many more were skipped.
 */
export class Problems {
  readonly list: MlflowProblem[] = [];
  private readonly counts = new Map<string, number>();

  constructor(private readonly perGroup = 20) {}

  add(problem: MlflowProblem, group?: string): void {
    if (group === undefined) {
      this.list.push(problem);
      return;
    }
    const n = (this.counts.get(group) ?? 0) + 1;
    this.counts.set(group, n);
    if (n <= this.perGroup) this.list.push(problem);
  }

  /** Adds the "N more" summary for every group that went past the cap. */
  finish(describe: (group: string, skipped: number) => MlflowProblem): MlflowProblem[] {
    for (const [group, n] of this.counts) {
      if (n > this.perGroup) this.list.push(describe(group, n - this.perGroup));
    }
    return this.list;
  }
}

/** Sorts a metric history by step, then timestamp; stable, so equal points keep their stored order. */
export function sortHistory(points: MlflowMetricPoint[]): void {
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1];
    const b = points[i];
    if (a.step > b.step || (a.step === b.step && a.timestamp > b.timestamp)) {
      // Only pay for a sort when the stored order is not already the right one (the usual case).
      points.sort((x, y) => x.step - y.step || x.timestamp - y.timestamp);
      return;
    }
  }
}

function nonEmpty(value: string | null | undefined): string | undefined {
  return value !== undefined && value !== null && value !== '' ? value : undefined;
}

/** The fields every run derives from its tags, the same way for both stores. */
export function derivedRunFields(
  tags: Record<string, string>,
  storedName: string | null | undefined,
  storedUser: string | null | undefined,
): { name: string | null; git?: MlflowGit; user?: string } {
  const name = nonEmpty(tags[TAG.runName]) ?? nonEmpty(storedName) ?? null;
  const commit = nonEmpty(tags[TAG.gitCommit]);
  let git: MlflowGit | undefined;
  if (commit !== undefined) {
    git = { commit };
    const branch = nonEmpty(tags[TAG.gitBranch]);
    if (branch !== undefined) git.branch = branch;
    const repoUrl = nonEmpty(tags[TAG.gitRepoUrl]);
    if (repoUrl !== undefined) git.repoUrl = repoUrl;
  }
  const user = nonEmpty(storedUser) ?? nonEmpty(tags[TAG.user]);
  return { name, ...(git ? { git } : {}), ...(user !== undefined ? { user } : {}) };
}

/** Experiment ids are integers written as strings: order them numerically, odd ones last by text. */
export function compareExperimentIds(a: string, b: string): number {
  const na = parsePythonInt(a) !== undefined;
  const nb = parsePythonInt(b) !== undefined;
  if (na && nb) {
    // BigInt: MLflow 2 ids are 18-digit random integers, past Number's exact range.
    const x = BigInt(a);
    const y = BigInt(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (na !== nb) return na ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function sortExperiments(experiments: MlflowExperiment[]): void {
  experiments.sort((a, b) => compareExperimentIds(a.experimentId, b.experimentId));
}

export function sortRuns(runs: MlflowRun[]): void {
  runs.sort((a, b) =>
    compareExperimentIds(a.experimentId, b.experimentId)
    || (b.startTime ?? -Infinity) - (a.startTime ?? -Infinity)
    || (a.runId < b.runId ? -1 : a.runId > b.runId ? 1 : 0));
}

/** Builds a dataset entry from its stored fields and the input's tags. */
export function makeDataset(
  fields: { name: string; digest: string; sourceType?: string; source?: string; schema?: string; profile?: string },
  tags: Record<string, string>,
): MlflowDataset {
  const ds: MlflowDataset = { name: fields.name, digest: fields.digest, tags };
  if (fields.sourceType !== undefined) ds.sourceType = fields.sourceType;
  if (fields.source !== undefined) ds.source = fields.source;
  if (fields.schema !== undefined) ds.schema = fields.schema;
  if (fields.profile !== undefined) ds.profile = fields.profile;
  const context = tags[TAG.datasetContext];
  if (context !== undefined) ds.context = context;
  return ds;
}

/** Runs tasks with at most `limit` in flight; for I/O fan-out that must not open thousands of files at once. */
export function createLimiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const queue: (() => void)[] = [];
  const next = (): void => {
    active--;
    const start = queue.shift();
    if (start) start();
  };
  return <T>(task: () => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const start = (): void => {
        active++;
        task().then(resolve, reject).finally(next);
      };
      if (active < limit) start();
      else queue.push(start);
    });
}
