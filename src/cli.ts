// The `mlops` command-line tool: profile files, log to runs, list and show runs, rebuild the store.
// It works on the workspace in the current directory (or --workspace).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { classificationReport, parseConfusionMatrixFile } from './core/classification';
import { formatDuration, formatNumber, formatRelative, shortId } from './core/format';
import type { ParamValue } from './core/model';
import { profileFile } from './core/profile';
import { MLOpsContext } from './sdk/context';
import { importMlflowPath } from './store/mlflowImport';
import { problemLocation } from './store/mlflowSync';
import { openReadOnlyStore } from './store/readonly';
import { TrackingService } from './store/service';
import type { RunDetail } from './store/store';

const USAGE = `Usage: mlops <command> [options]   (works on the workspace in the current directory)

  mlops profile <file> [--column C ...] [--bins N] [--json]   profile a dataset (schema, nulls, hash, distributions)
  mlops run start --experiment E [--name N]                 start a run, print its id
  mlops run end <runId> [--status finished|failed|killed]
  mlops log param <runId> <name> <value>
  mlops log metric <runId> <name> <value> [--step N]
  mlops log data <runId> <file> [--name N] [--column C ...]
  mlops log confusion-matrix <runId> <file.csv|file.json> [--name N]
  mlops runs [--experiment E] [--json]                      list runs
  mlops show <runId> [--json]                               everything the run panel shows
  mlops rebuild                                             rebuild .mlops/tracking.db from the logs
  mlops import <mlruns-folder|mlflow.db> [--run ID ...]     copy MLflow runs into .mlops/runs/ (keeps their ids)

Options: --workspace DIR (default: the current directory)`;

class UsageError extends Error {}

function parseParamValue(text: string): ParamValue {
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null') return null;
  const n = Number(text);
  return text.trim() !== '' && Number.isFinite(n) ? n : text;
}

function parseMetricValue(name: string, text: string): number {
  if (text === 'NaN' || text === 'nan') return NaN;
  if (/^[+]?inf(inity)?$/i.test(text)) return Infinity;
  if (/^-inf(inity)?$/i.test(text)) return -Infinity;
  const n = Number(text);
  if (text.trim() === '' || Number.isNaN(n)) throw new UsageError(`The value of metric "${name}" must be a number (or NaN, Infinity); got "${text}".`);
  return n;
}

/** The run panel's data, derived figures included, as JSON-ready data. */
export function runView(detail: RunDetail): unknown {
  return {
    ...detail,
    durationMs: detail.endTime !== null ? detail.endTime - detail.startTime : null,
    confusionMatrices: detail.confusionMatrices.map((c) => ({ ...c, report: classificationReport(c.matrix) })),
  };
}

// JSON has no NaN / Infinity: spell them as strings, like the event log does.
const jsonReplacer = (_k: string, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v);
const printJson = (x: unknown) => process.stdout.write(JSON.stringify(x, jsonReplacer, 2) + '\n');

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      workspace: { type: 'string' }, json: { type: 'boolean' }, column: { type: 'string', multiple: true }, bins: { type: 'string' },
      experiment: { type: 'string' }, name: { type: 'string' }, status: { type: 'string' }, step: { type: 'string' }, run: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' },
    },
  });
  const [cmd, sub, ...rest] = positionals;
  if (values.help || !cmd) {
    process.stdout.write(USAGE + '\n');
    return cmd || values.help ? 0 : 2;
  }
  const workspace = resolve(values.workspace ?? '.');
  const intOpt = (name: string, v: string | undefined) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n)) throw new UsageError(`--${name} must be an integer; got "${v}".`);
    return n;
  };

  switch (cmd) {
    case 'profile': {
      if (!sub) throw new UsageError('mlops profile needs a file: mlops profile data/train.csv');
      const res = await profileFile(resolve(sub), { columns: values.column, bins: intOpt('bins', values.bins) });
      if (values.json) printJson(res);
      else {
        const p = res.profile;
        process.stdout.write(`${p.source}: ${p.rows} rows, ${p.columns.length} columns, sha256 ${p.sha256}\n`);
        for (const c of p.columns) {
          const range = c.min !== undefined ? `  ${c.min} .. ${c.max}` : '';
          process.stdout.write(`  ${c.name.padEnd(24)} ${c.type.padEnd(9)} nulls ${String(c.nulls).padStart(7)}  distinct ${String(c.distinct).padStart(7)}${c.distinctExact ? '' : '~'}${range}\n`);
        }
      }
      return 0;
    }
    case 'run': {
      const ctx = await MLOpsContext.open({ workspace });
      if (sub === 'start') {
        if (!values.experiment) throw new UsageError('mlops run start needs --experiment NAME');
        const run = await ctx.lifeCycle.createRun({ experimentName: values.experiment, name: values.name });
        process.stdout.write(values.json ? JSON.stringify(run) + '\n' : run.runId + '\n');
        return 0;
      }
      if (sub === 'end') {
        if (!rest[0]) throw new UsageError('mlops run end needs a run id');
        await ctx.lifeCycle.endRun(rest[0], (values.status ?? 'finished') as 'finished');
        return 0;
      }
      throw new UsageError(`Unknown "mlops run ${sub ?? ''}": use "run start" or "run end".`);
    }
    case 'log': {
      const ctx = await MLOpsContext.open({ workspace });
      const [runId, a, b] = rest;
      if (!runId) throw new UsageError(`mlops log ${sub ?? '<what>'} needs a run id`);
      switch (sub) {
        case 'param':
          if (a === undefined || b === undefined) throw new UsageError('mlops log param <runId> <name> <value>');
          await ctx.training.logHyperParameter(runId, a, parseParamValue(b));
          return 0;
        case 'metric':
          if (a === undefined || b === undefined) throw new UsageError('mlops log metric <runId> <name> <value> [--step N]');
          await ctx.evaluation.logMetric(runId, a, parseMetricValue(a, b), { step: intOpt('step', values.step) });
          return 0;
        case 'data': {
          if (!a) throw new UsageError('mlops log data <runId> <file> [--name N] [--column C]');
          const profile = await ctx.data.logData(runId, a, { name: values.name });
          for (const c of values.column ?? []) await ctx.data.logDataDistribution(runId, a, c, { name: values.name, bins: intOpt('bins', values.bins) });
          process.stdout.write(`logged ${profile.name}: ${profile.rows} rows, sha256 ${profile.sha256}\n`);
          return 0;
        }
        case 'confusion-matrix': {
          if (!a) throw new UsageError('mlops log confusion-matrix <runId> <file> [--name N]');
          const matrix = parseConfusionMatrixFile(readFileSync(resolve(a), 'utf8'), a);
          const { report } = await ctx.evaluation.logConfusionMatrix(runId, matrix, { name: values.name });
          process.stdout.write(`logged a ${matrix.labels.length}-class confusion matrix: accuracy ${formatNumber(report.accuracy)}\n`);
          return 0;
        }
        default:
          throw new UsageError(`Unknown "mlops log ${sub ?? ''}": use param, metric, data or confusion-matrix.`);
      }
    }
    case 'runs': {
      const { store } = await openReadOnlyStore(workspace);
      const experiments = store.listExperiments().filter((e) => !values.experiment || e.name === values.experiment || e.id === values.experiment);
      if (values.experiment && experiments.length === 0) throw new UsageError(`No experiment named "${values.experiment}" in ${workspace}.`);
      const out = experiments.map((e) => ({ ...e, runs: store.listRuns(e.id).map((r) => ({ ...r, metrics: Object.fromEntries(store.metricSummaries(r.id).map((m) => [m.key, m.last])) })) }));
      if (values.json) printJson(out);
      else for (const e of out) {
        process.stdout.write(`${e.name} (${e.runs.length} runs)${e.origin === 'native' ? '' : ` [${e.origin}]`}\n`);
        for (const r of e.runs) process.stdout.write(`  ${shortId(r.id)}  ${r.status.padEnd(8)}  ${formatRelative(r.startTime).padEnd(16)}  ${r.name ?? ''}\n`);
      }
      return 0;
    }
    case 'show': {
      if (!sub) throw new UsageError('mlops show needs a run id');
      const { store } = await openReadOnlyStore(workspace);
      const detail = store.getRunDetail(sub) ?? store.listExperiments().flatMap((e) => store.listRuns(e.id, { includeDeleted: true })).filter((r) => r.id.startsWith(sub)).map((r) => store.getRunDetail(r.id)).find(Boolean);
      if (!detail) throw new UsageError(`Unknown run id "${sub}" in ${workspace}; "mlops runs" lists the runs.`);
      if (values.json) printJson(runView(detail));
      else {
        process.stdout.write(`${detail.experimentName} / ${detail.name ?? shortId(detail.id)}  ${detail.status}${detail.endTime ? `, ${formatDuration(detail.endTime - detail.startTime)}` : ''}\n`);
        if (detail.algorithm) process.stdout.write(`algorithm ${detail.algorithm}\n`);
        for (const [k, v] of Object.entries(detail.params)) process.stdout.write(`  param  ${k} = ${String(v)}\n`);
        for (const m of detail.metrics) process.stdout.write(`  metric ${m.key} = ${formatNumber(m.last)} (${m.count} points)\n`);
        for (const d of detail.datasets) process.stdout.write(`  data   ${d.name}: ${d.rows} rows, sha256 ${d.sha256.slice(0, 12)}\n`);
      }
      return 0;
    }
    case 'rebuild': {
      const service = new TrackingService(workspace);
      await service.start();
      try {
        if (service.role !== 'writer') throw new UsageError('Another process (a VS Code window) writes this store; run "MLOps: Rebuild Store" there, or close it and try again.');
        const res = service.rebuild();
        process.stdout.write(`rebuilt ${service.layout.dbPath}: ${res.lines} events from ${res.files} files, ${service.db.countRuns()} runs, ${res.problems.length} lines skipped\n`);
        for (const p of res.problems) process.stderr.write(`skipped ${p.file}:${p.line}: ${p.message}\n`);
      } finally {
        service.dispose();
      }
      return 0;
    }
    case 'import': {
      if (!sub) throw new UsageError('mlops import needs an MLflow store: mlops import mlruns (or mlflow.db)');
      const res = await importMlflowPath(workspace, resolve(sub), { runIds: values.run });
      if (values.json) printJson(res);
      else {
        process.stdout.write(`imported ${res.imported.length} runs (${res.metricPoints} metric points) from ${res.store} into .mlops/runs/${res.alreadyImported.length ? `; ${res.alreadyImported.length} already imported, left as they are` : ''}\n`);
        for (const p of res.problems) process.stderr.write(`skipped ${problemLocation(res.store, res.kind, p)}: ${p.message}\n`);
        for (const e of res.errors) process.stderr.write(`not imported: ${e.message}\n`);
      }
      return res.errors.length > 0 ? 1 : 0;
    }
    default:
      throw new UsageError(`Unknown command "${cmd}".\n\n${USAGE}`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      const err = e as Error;
      process.stderr.write(`mlops: ${err.message}\n`);
      process.exit(err instanceof UsageError ? 2 : 1);
    },
  );
}
