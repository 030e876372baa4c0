// Data: for each dataset name, whether every run trained on the same bytes (SHA-256), the schema
// differences (columns added, removed, or with another type), and for each column whose distribution two or
// more runs logged, two of them overlaid with the population stability index and a plain verdict.
import { DriftError, PSI_THRESHOLDS, VERDICT_TEXT, hashSummary, overlayBins, populationStabilityIndex, schemaDiff, type DriftResult, type SchemaDiff } from '../../../src/core/compare';
import { formatNumber } from '../../../src/core/format';
import type { DatasetProfile, Distribution } from '../../../src/core/model';
import type { CompareViewState } from '../../../src/protocol/compare';
import { overlayConfig } from '../../charts/compareConfigs';
import { formatEpochMs } from '../../charts/series';
import { ManagedChart, chartColors } from '../../charts/managed';
import { toCsv } from '../../components/csv';
import { h } from '../../components/dom';
import { card, copyCsvButton, howToLog, savePngButton, section } from '../../components/layout';
import { table } from '../../components/table';
import { dropdown } from '../../components/toolkit';
import { wideTable, type WideRow } from '../../components/wideTable';
import type { CompareContext, CompareSection } from '../context';
import { datasetNames, sharedColumns, versionName } from '../model';
import { runColumns } from '../runHeader';

const int = (x: number): string => x.toLocaleString('en');

interface DriftSummary {
  column: string;
  /** The reference run (index) and the others that logged the column. */
  ref: number;
  others: number[];
  dist(i: number): Distribution;
  results: Map<number, DriftResult | string>;
  psiOf(i: number): number;
  /** The largest PSI against the reference (-1 when none could be computed), and its run. */
  worst: number;
  worstRun: number;
}

export class DataSection implements CompareSection {
  readonly el: HTMLElement;
  private readonly body = h('div', { class: 'section-body' });
  private charts: ManagedChart[] = [];
  private signature = '';

  constructor(private readonly ctx: CompareContext) {
    this.el = section('data', 'Data', this.body);
  }

  update(state: CompareViewState, runsChanged: boolean): void {
    const sig = JSON.stringify(state.runs.map((r) => [r.id, r.datasets, r.distributions]));
    if (sig === this.signature && !runsChanged) return;
    this.signature = sig;
    this.render();
  }

  refresh(): void {
    this.render();
  }

  destroy(): void {
    for (const c of this.charts) c.destroy();
    this.charts = [];
  }

  private render(): void {
    this.destroy();
    const runs = this.ctx.state.runs;
    if (runs.length === 0) { this.body.replaceChildren(); return; }
    const names = datasetNames(runs);
    if (names.length === 0) {
      this.body.replaceChildren(howToLog(this.ctx,
        'None of these runs logged a dataset. Log the file each model was trained on: its SHA-256 tells whether the runs saw the same data, its schema what changed:',
        "await mlops.data.logData(run.runId, 'train.csv');\nawait mlops.data.logDataDistribution(run.runId, 'train.csv', 'Age');"));
      return;
    }
    this.body.replaceChildren(...names.map((n) => this.dataset(n)));
  }

  private dataset(name: string): HTMLElement {
    const { ctx } = this;
    const runs = ctx.state.runs;
    const profiles = runs.map((r) => r.datasets.find((d) => d.name === name) ?? null);
    const logged = profiles.filter((p) => p && p.sha256).length;
    const hashes = hashSummary(profiles);
    const b = ctx.baseline();
    const status = this.hashStatus(hashes, logged, runs.length);
    const versions = logged ? this.versionsTable(name, profiles, hashes) : null;
    const schema = logged > 1 ? this.schema(name, schemaDiff(profiles.map((p) => (p && p.sha256 ? p.columns : null)), profiles[b]?.sha256 ? b : hashes.versions[0]?.runs[0] ?? 0)) : null;
    const shared = sharedColumns(runs, name);
    const multi = shared.filter((c) => c.runs.length >= 2).map((c) => this.drift(name, c.column, c.runs));
    const single = shared.filter((c) => c.runs.length < 2).map((c) => c.column);
    let dists: HTMLElement[];
    if (multi.length) {
      const drifting = multi.filter((d) => d.worst >= PSI_THRESHOLDS.small);
      const calm = multi.filter((d) => d.worst < PSI_THRESHOLDS.small);
      const grid = (ds: DriftSummary[]) => h('div', { class: 'dist-grid compare-dist-grid' }, ds.map((d) => this.distribution(name, d)));
      dists = [
        this.driftTable(name, multi),
        ...(drifting.length ? [grid(drifting)] : []),
        ...(calm.length ? [h('details', { class: 'calm-dists' },
          h('summary', null, `${drifting.length ? 'Columns without drift' : 'Show the distributions'} (${calm.map((d) => d.column).join(', ')})`), grid(calm))] : []),
        h('p', { class: 'hint' }, 'PSI (population stability index) of each run against the reference: below 0.1 no change, 0.1 to 0.25 small, above 0.25 large. Numeric columns: about ten buckets of equal reference share; categorical columns: one per value; nulls are a bucket of their own.'),
      ];
    } else {
      dists = [h('p', { class: 'muted empty-line' }, shared.length
        ? `Only one run logged distributions of ${name} (${single.join(', ')}), so there is nothing to overlay.`
        : `No run logged a column distribution of ${name}. Log the same column in each run to see drift: mlops.data.logDataDistribution(run.runId, source, column).`)];
    }
    const el = card({
      title: name,
      subtitle: [`logged by ${logged} of ${runs.length} run${runs.length === 1 ? '' : 's'}`],
      className: 'dataset dataset-compare',
    }, status, versions, schema, h('h4', { class: 'dist-title' }, 'Distributions'), ...dists,
    multi.length && single.length ? h('p', { class: 'hint' }, `Logged by one run only: ${single.join(', ')}.`) : null);
    el.dataset.dataset = name;
    return el;
  }

  private hashStatus(s: ReturnType<typeof hashSummary>, logged: number, n: number): HTMLElement {
    const missing = n - logged;
    const rest = missing ? ` ${missing} run${missing === 1 ? '' : 's'} did not log it.` : '';
    if (logged === 0) return h('p', { class: 'hash-status muted', data: { equal: 'unknown' } }, 'Only distributions were logged under this name; the data itself was not profiled, so there is no hash to compare.');
    if (logged === 1) return h('p', { class: 'hash-status muted', data: { equal: 'unknown' } }, `Only one run logged this dataset.${rest}`);
    if (s.allEqual) {
      const v = s.versions[0];
      return h('p', { class: 'hash-status hash-equal', data: { equal: 'true', sha256: v.sha256 } },
        h('span', { class: 'change change-same' }, `✓ same data in all ${logged} runs`), ' ',
        h('span', { class: 'muted' }, 'SHA-256 '), h('code', { class: 'hash', title: v.sha256 }, v.sha256.slice(0, 12)),
        ` · ${int(v.rows)} rows.`, rest);
    }
    return h('p', { class: 'hash-status hash-differ', data: { equal: 'false' } },
      h('span', { class: 'change change-changed' }, `${s.versions.length} different versions across ${logged} runs`), ' ',
      h('span', { class: 'muted' }, '(different SHA-256: the runs did not train on the same bytes).'), rest);
  }

  private versionsTable(name: string, profiles: (DatasetProfile | null)[], s: ReturnType<typeof hashSummary>): HTMLElement {
    const { ctx } = this;
    const runs = ctx.state.runs;
    const versionOf = (i: number): number => s.versions.findIndex((v) => v.runs.includes(i));
    const cell = (i: number, text: (p: DatasetProfile) => string, title?: (p: DatasetProfile) => string) => {
      const p = profiles[i];
      if (!p || !p.sha256) return { text: '—', className: 'not-logged', title: 'not logged by this run' };
      const v = versionOf(i);
      return { text: text(p), title: title?.(p), className: `version version-${v % 6}`, data: { runId: runs[i].id, version: versionName(v) } };
    };
    const rows: WideRow[] = [
      { head: { text: 'Version' }, cells: runs.map((_, i) => cell(i, () => versionName(versionOf(i)), (p) => `version ${versionName(versionOf(i))}: ${p.sha256}`)), data: { row: 'version' } },
      { head: { text: 'SHA-256' }, cells: runs.map((_, i) => cell(i, (p) => p.sha256.slice(0, 12), (p) => p.sha256)), data: { row: 'sha256' } },
      { head: { text: 'Rows' }, cells: runs.map((_, i) => cell(i, (p) => int(p.rows))), data: { row: 'rows' } },
      { head: { text: 'Columns' }, cells: runs.map((_, i) => cell(i, (p) => int(p.columns.length))), data: { row: 'columns' } },
      { head: { text: 'Source' }, cells: runs.map((_, i) => cell(i, (p) => p.source, (p) => `${p.source} (${p.format})`)), data: { row: 'source' } },
    ];
    const csv = (): string => toCsv(['run', 'run_id', 'version', 'sha256', 'rows', 'columns', 'source', 'format'],
      runs.map((r, i) => {
        const p = profiles[i];
        return p && p.sha256 ? [ctx.label(i), r.id, versionName(versionOf(i)), p.sha256, p.rows, p.columns.length, p.source, p.format] : [ctx.label(i), r.id, '', '', '', '', '', ''];
      }));
    const body = [
      h('div', { class: 'block-header' }, h('h4', null, 'Versions'), h('div', { class: 'actions' }, copyCsvButton(ctx, `the versions of ${name}`, csv))),
      h('div', { class: 'table-scroll wide-scroll' }, wideTable('', runColumns(ctx), rows, { caption: `Versions of ${name}`, className: 'versions' })),
    ];
    // One version everywhere: the line above says it all; the table stays one click away.
    return s.allEqual
      ? h('details', { class: 'table-block versions-details' }, h('summary', null, 'Hash, rows, columns and source per run'), ...body)
      : h('div', { class: 'table-block' }, ...body);
  }

  private schema(name: string, d: SchemaDiff): HTMLElement {
    const { ctx } = this;
    const runs = ctx.state.runs;
    if (d.same) {
      const n = d.columns.length;
      return h('div', { class: 'table-block' }, h('h4', null, 'Schema'),
        h('p', { class: 'schema-status schema-same', data: { same: 'true' } }, `Same ${n} column${n === 1 ? '' : 's'} with the same types in every run.`));
    }
    const differing = d.columns.filter((c) => c.differs);
    const b = ctx.baseline();
    const summary = d.changes.flatMap((c, i) => {
      if (!c.added.length && !c.removed.length && !c.retyped.length) return [];
      const parts = [
        c.added.length ? `added ${c.added.join(', ')}` : '',
        c.removed.length ? `removed ${c.removed.join(', ')}` : '',
        c.retyped.length ? `changed type of ${c.retyped.map((t) => `${t.name} (${t.from} → ${t.to})`).join(', ')}` : '',
      ].filter(Boolean);
      return [h('li', { data: { runId: runs[i].id } }, h('strong', null, ctx.label(i)), `: ${parts.join('; ')}`)];
    });
    const rows: WideRow[] = differing.map((c) => ({
      head: { text: c.name, data: { column: c.name } },
      cells: c.types.map((t, i) => ({
        text: t === undefined ? '—' : t === null ? 'absent' : t,
        className: t === undefined ? 'not-logged' : t === null ? 'schema-absent' : `type type-${t}${t !== c.types[b] && i !== b ? ' cell-differs' : ''}`,
        title: t === undefined ? 'the run did not log this dataset' : t === null ? 'the column is not in this run’s data' : undefined,
      })),
    }));
    const csv = (): string => toCsv(['column', ...runs.map((_, i) => ctx.label(i))], differing.map((c) => [c.name, ...c.types.map((t) => (t === undefined ? '' : t === null ? 'absent' : t))]));
    return h('div', { class: 'table-block' },
      h('div', { class: 'block-header' }, h('h4', null, 'Schema differences'), h('div', { class: 'actions' }, copyCsvButton(ctx, `the schema differences of ${name}`, csv))),
      h('p', { class: 'schema-status schema-differ', data: { same: 'false' } },
        `${differing.length} of ${d.columns.length} column${d.columns.length === 1 ? '' : 's'} differ between the runs; against the baseline, ${ctx.label(b)}:`),
      summary.length ? h('ul', { class: 'schema-changes' }, summary) : null,
      h('div', { class: 'table-scroll wide-scroll' }, wideTable('Column', runColumns(ctx), rows, { caption: `Schema differences of ${name}`, className: 'schema-compare' })));
  }

  /** The PSI of every run that logged the column against the reference (the baseline, else the first run with it). */
  private drift(dataset: string, column: string, having: number[]): DriftSummary {
    const runs = this.ctx.state.runs;
    const dist = (i: number): Distribution => runs[i].distributions.find((d) => d.dataset === dataset && d.distribution.column === column)!.distribution;
    const b = this.ctx.baseline();
    const ref = having.includes(b) ? b : having[0];
    const others = having.filter((i) => i !== ref);
    const refDist = dist(ref);
    const fmt = (x: number): string => (refDist.kind === 'numeric' && refDist.unit === 'epoch-ms' ? formatEpochMs(x) : formatNumber(x));
    const results = new Map<number, DriftResult | string>();
    for (const i of others) {
      try {
        results.set(i, populationStabilityIndex(refDist, dist(i), fmt));
      } catch (e) {
        results.set(i, e instanceof DriftError ? e.message : String(e));
      }
    }
    const psiOf = (i: number): number => { const r = results.get(i); return typeof r === 'object' ? r.psi : -1; };
    const worstRun = [...others].sort((x, y) => psiOf(y) - psiOf(x))[0];
    return { column, ref, others, dist, results, psiOf, worst: psiOf(worstRun), worstRun };
  }

  private driftTable(name: string, drifts: DriftSummary[]): HTMLElement {
    const { ctx } = this;
    const runs = ctx.state.runs;
    const rows = drifts.map((d) => {
      const r = d.results.get(d.worstRun);
      return [
        { text: d.column, data: { column: d.column } },
        d.dist(d.ref).kind,
        { text: String(d.others.length + 1) },
        { text: ctx.label(d.ref) },
        typeof r === 'object' ? { text: r.psi.toFixed(3), title: String(r.psi), data: { psi: String(r.psi) } } : { text: '—', title: String(r) },
        typeof r === 'object' ? { text: VERDICT_TEXT[r.verdict], className: `verdict verdict-${r.verdict}`, data: { verdict: r.verdict } } : { text: 'not comparable', className: 'muted' },
        d.worst > 0 ? { text: ctx.label(d.worstRun), data: { runId: runs[d.worstRun].id } } : { text: '—', className: 'muted', title: 'every run has the same distribution' },
      ];
    });
    const csv = (): string => toCsv(['column', 'reference_run', 'run', 'run_id', 'psi', 'verdict'], drifts.flatMap((d) => d.others.map((i) => {
      const r = d.results.get(i);
      return [d.column, ctx.label(d.ref), ctx.label(i), runs[i].id, typeof r === 'object' ? r.psi : '', typeof r === 'object' ? VERDICT_TEXT[r.verdict] : String(r)];
    })));
    return h('div', { class: 'table-block' },
      h('div', { class: 'block-header' }, h('span', { class: 'muted' }, 'Largest drift of each column against the reference run'),
        h('div', { class: 'actions' }, copyCsvButton(ctx, `the drift of the columns of ${name}`, csv))),
      h('div', { class: 'table-scroll' }, table(
        [{ label: 'Column' }, { label: 'Kind' }, { label: 'Runs', align: 'right' }, { label: 'Reference' }, { label: 'Largest PSI', align: 'right' }, { label: 'Verdict' }, { label: 'Most different run' }],
        rows, { caption: `Drift of the columns of ${name}`, className: 'compact drift-table' })));
  }

  private distribution(dataset: string, d: DriftSummary): HTMLElement {
    const { ctx } = this;
    const runs = ctx.state.runs;
    const { column, ref, others, dist, results, psiOf } = d;
    const b = ctx.baseline();
    const key = `${dataset}\u0000${column}`;
    const chosenId = ctx.ui.compared[key];
    const chosen = others.find((i) => runs[i].id === chosenId) ?? d.worstRun;
    const result = results.get(chosen);
    const canvas = h('canvas', { attrs: { role: 'img', 'aria-label': `Distributions of ${column}: ${ctx.label(ref)} and ${ctx.label(chosen)}` } });
    const box = h('div', { class: 'chart-box histogram overlay-chart' }, canvas);
    let chart: ManagedChart | undefined;
    let problem: string | null = null;
    try {
      const o = overlayBins(dist(ref), dist(chosen));
      const input = {
        column, unit: dist(ref).kind === 'numeric' ? (dist(ref) as { unit?: 'epoch-ms' }).unit : undefined,
        labels: [ctx.label(ref), ctx.label(chosen)] as [string, string],
        // Two fixed, contrasting theme colours: two runs' own colours can be close (blue and purple).
        colors: [chartColors().blue, chartColors().orange] as [string, string],
        shares: [o.expected, o.actual] as [number[], number[]],
        ...(o.kind === 'numeric' ? { edges: o.edges } : { categories: o.labels }),
      };
      if (o.kind === 'categorical') box.style.height = `${Math.min(420, Math.max(140, 26 * Math.min(o.labels.length, 16) + 70))}px`;
      chart = new ManagedChart(canvas, (c) => overlayConfig(input, c));
      this.charts.push(chart);
    } catch (e) {
      problem = (e as Error).message;
    }
    const verdict = typeof result === 'object'
      ? h('div', { class: `drift drift-${result.verdict}`, data: { psi: String(result.psi), verdict: result.verdict } },
        h('span', { class: 'drift-label' }, 'PSI '), h('span', { class: 'drift-value' }, result.psi.toFixed(3)), ' ',
        h('span', { class: 'drift-verdict' }, VERDICT_TEXT[result.verdict]))
      : h('div', { class: 'drift drift-error' }, typeof result === 'string' ? result : 'not comparable');
    const psiRows = others.map((i) => {
      const r = results.get(i);
      return [
        { text: ctx.label(i), data: { runId: runs[i].id } },
        typeof r === 'object' ? { text: r.psi.toFixed(3), title: String(r.psi), data: { psi: String(r.psi) } } : { text: '—', title: String(r) },
        typeof r === 'object' ? { text: VERDICT_TEXT[r.verdict], className: `verdict verdict-${r.verdict}` } : { text: 'not comparable', className: 'muted' },
      ];
    });
    const csv = (): string => toCsv(['reference_run', 'run', 'run_id', 'psi', 'verdict'],
      others.map((i) => { const r = results.get(i); return [ctx.label(ref), ctx.label(i), runs[i].id, typeof r === 'object' ? r.psi : '', typeof r === 'object' ? VERDICT_TEXT[r.verdict] : String(r)]; }));
    const picker = others.length > 1
      ? h('label', { class: 'control' }, h('span', null, 'Compared with'),
        dropdown(others.map((i) => ({ value: runs[i].id, label: `${ctx.label(i)} (PSI ${psiOf(i) >= 0 ? psiOf(i).toFixed(3) : '—'})` })), runs[chosen].id, `Run compared with ${ctx.label(ref)}`,
          (v) => { ctx.setUi({ compared: { ...ctx.ui.compared, [key]: v } }); this.render(); }, { class: 'compared-picker' }))
      : null;
    const el = card({
      title: column,
      subtitle: [h('span', null, `reference ${ctx.label(ref)}${ref === b ? ' (baseline)' : ''} · compared ${ctx.label(chosen)}`)],
      className: `dist dist-${dist(ref).kind} dist-compare`,
      actions: [
        ...(chart ? [savePngButton(ctx, `${dataset}-${column}-drift`, () => chart!.toPng())] : []),
        copyCsvButton(ctx, `the drift of ${column}`, csv),
      ],
    }, h('div', { class: 'toolbar' }, verdict, picker), problem ? h('p', { class: 'error' }, problem) : box,
    others.length > 1
      ? h('details', { class: 'chart-data' }, h('summary', null, `PSI of the ${others.length} other runs against ${ctx.label(ref)}`),
        table([{ label: 'Run' }, { label: 'PSI', align: 'right' }, { label: 'Verdict' }], psiRows, { caption: `Population stability index of ${column}`, className: 'compact psi-table' }))
      : null,
    null);
    el.dataset.column = column;
    return el;
  }
}
