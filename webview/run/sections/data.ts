// Data: each dataset the run logged (source, rows, SHA-256 and whether it changed since the previous run),
// its schema, and its logged distributions as charts with the numbers beside them.
import { formatNumber } from '../../../src/core/format';
import type { CategoricalDistribution, Distribution, NumericDistribution } from '../../../src/core/model';
import type { DatasetView, RunViewState } from '../../../src/protocol/run';
import { categoricalConfig, edgeFormatter, numericConfig } from '../../charts/configs';
import { displayValue } from '../../charts/series';
import { ManagedChart, type ChartHandle } from '../../charts/managed';
import { binLabel } from '../../charts/series';
import { toCsv } from '../../components/csv';
import { h } from '../../components/dom';
import { card, copyCsvButton, howToLog, savePngButton, section, type Exporters } from '../../components/layout';
import { table } from '../../components/table';
import { button, link } from '../../components/toolkit';
import type { PanelContext } from '../context';
import { formatBytes, quantileName, schemaCsv, statText } from '../model';

const int = (x: number): string => x.toLocaleString('en');
/** A single-quoted JavaScript string literal, for the code snippets. */
const jsString = (x: string): string => `'${x.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n')}'`;

export class DataSection {
  readonly el: HTMLElement;
  private readonly body = h('div', { class: 'section-body' });
  private charts: ChartHandle[] = [];
  private signature = '';

  constructor(private readonly ctx: PanelContext) {
    this.el = section('data', 'Data', this.body);
  }

  update(state: RunViewState): void {
    const sig = JSON.stringify(state.datasets);
    if (sig === this.signature) return;
    this.signature = sig;
    this.destroyCharts();
    if (state.datasets.length === 0) {
      this.body.replaceChildren(howToLog(this.ctx,
        'No dataset was logged for this run. Log the file the model was trained on to record its columns, types, row count, nulls and a SHA-256 hash that tells whether the data changed between runs:',
        "await mlops.data.logData(run.runId, 'train.csv');\nawait mlops.data.logDataDistribution(run.runId, 'train.csv', 'Age');",
        'CSV, TSV, JSON Lines, JSON arrays, Parquet and in-memory row arrays are profiled in one streaming pass.'));
      return;
    }
    this.body.replaceChildren(...state.datasets.map((d) => this.dataset(d)));
  }

  private destroyCharts(): void {
    for (const c of this.charts) c.destroy();
    this.charts = [];
  }

  destroy(): void {
    this.destroyCharts();
  }

  private change(d: DatasetView): HTMLElement {
    const p = d.previous;
    if (!p) return h('span', { class: 'change change-first', title: 'No earlier run of this experiment logged a dataset with this name.' }, 'first run with this dataset');
    const who = link(p.runName ?? p.runId.slice(0, 8), () => this.ctx.openRun(p.runId), { title: `Open the previous run (${p.runId})` });
    return p.changed
      ? h('span', { class: 'change change-changed', title: `SHA-256 differs from ${p.sha256}` }, 'changed since ', who)
      : h('span', { class: 'change change-same', title: 'Same SHA-256: the same bytes (or the same rows) as the previous run.' }, 'same as ', who);
  }

  private dataset(d: DatasetView): HTMLElement {
    const p = d.profile;
    const hasProfile = p.sha256 !== '';
    const subtitle = hasProfile
      ? [
        h('span', { class: 'source', title: p.source }, p.source), ' · ', p.format, ' · ',
        h('span', { class: 'rows', data: { rows: String(p.rows) } }, int(p.rows)), ' rows · ', int(p.columns.length), ' columns',
        p.bytes !== undefined ? ` · ${formatBytes(p.bytes)}` : '',
      ]
      : [h('span', { class: 'muted' }, 'distributions only: the dataset itself was not profiled')];
    const hash = hasProfile
      ? h('div', { class: 'hash-line' },
        h('span', { class: 'muted' }, 'SHA-256 '),
        h('code', { class: 'hash', title: p.sha256, data: { sha256: p.sha256 } }, p.sha256.slice(0, 12)),
        ' ', button('Copy Hash', () => this.ctx.copy(p.sha256, 'the SHA-256'), { title: 'Copy the full SHA-256', props: { class: 'inline-btn' } }),
        ' ', this.change(d))
      : null;
    const csv = (): string => schemaCsv(p.columns, p.rows);
    const schema = p.columns.length
      ? h('div', { class: 'table-block' },
        h('div', { class: 'block-header' }, h('h4', null, 'Schema'), h('div', { class: 'actions' }, copyCsvButton(this.ctx, `the schema of ${p.name}`, csv))),
        h('div', { class: 'table-scroll' }, table(
          [{ label: 'Column' }, { label: 'Type' }, { label: 'Nulls', align: 'right' }, { label: 'Distinct', align: 'right', title: '≈ marks an estimate (too many values to count exactly)' },
            { label: 'Min', align: 'right' }, { label: 'Max', align: 'right' }, { label: 'Mean', align: 'right' }],
          p.columns.map((c) => [
            c.name,
            { text: c.type, className: `type type-${c.type}` },
            { text: c.nulls ? `${int(c.nulls)} (${((100 * c.nulls) / Math.max(1, p.rows)).toFixed(1)}%)` : '0', className: c.nulls ? 'has-nulls' : 'muted' },
            { text: `${c.distinctExact ? '' : '≈ '}${int(c.distinct)}` },
            { text: statText(c.min), title: String(c.min ?? '') },
            { text: statText(c.max), title: String(c.max ?? '') },
            { text: c.mean === undefined ? '' : formatNumber(c.mean), title: c.mean === undefined ? undefined : `mean ${c.mean}${c.std === undefined ? '' : `, std ${c.std}`}` },
          ]),
          { caption: `Schema of ${p.name}`, className: 'schema' })))
      : null;
    const firstColumn = p.columns.find((c) => c.type !== 'empty')?.name ?? 'Age';
    const dists = d.distributions.length
      ? h('div', { class: 'dist-grid' }, d.distributions.map((x) => this.distribution(p.name, x)))
      : howToLog(this.ctx, `No column distribution was logged for ${p.name}. Log the columns you want to see as charts:`,
        p.source === 'memory'
          ? `await mlops.data.logDataDistribution(run.runId, rows, ${jsString(firstColumn)}, { name: ${jsString(p.name)} });`
          : `await mlops.data.logDataDistribution(run.runId, ${jsString(p.source)}, ${jsString(firstColumn)});`);
    return card({ title: p.name, subtitle, className: 'dataset' }, hash, schema, h('h4', { class: 'dist-title' }, 'Distributions'), dists);
  }

  private distribution(dataset: string, d: Distribution): HTMLElement {
    const canvas = h('canvas', { attrs: { role: 'img', 'aria-label': `Distribution of ${d.column}` } });
    const box = h('div', { class: 'chart-box' }, canvas);
    const name = `${dataset}-${d.column}`;
    const valid = d.total - d.nulls;
    const subtitle = [`${d.kind} · ${int(valid)} values`, d.nulls ? ` · ${int(d.nulls)} nulls` : ''];
    let side: HTMLElement | null = null;
    let details: HTMLElement;
    let csv: () => string;
    if (d.kind === 'numeric') {
      box.classList.add('histogram');
      this.charts.push(new ManagedChart(canvas, (c) => numericConfig(d, c)));
      side = quantileTable(this.ctx, d);
      details = binsDetails(d);
      const fmt = edgeFormatter(d);
      csv = () => toCsv(['bin', 'from', 'to', 'count'], d.counts.map((n, i) => [binLabel(d.edges, i, fmt), d.edges[i], d.edges[i + 1], n]));
    } else {
      box.style.height = `${Math.min(420, Math.max(120, 22 * Math.min(d.values.length + (d.other > 0 ? 1 : 0), 21) + 50))}px`;
      this.charts.push(new ManagedChart(canvas, (c) => categoricalConfig(d, c)));
      details = valuesDetails(d);
      csv = () => toCsv(['value', 'count'], [...d.values.map((v) => [v.value, v.count]), ...(d.other ? [['(other values)', d.other]] : []), ...(d.nulls ? [['(null)', d.nulls]] : [])]);
    }
    const chart = this.charts[this.charts.length - 1];
    const warn = d.kind === 'numeric' && d.rankError
      ? h('p', { class: 'hint' }, `Approximate: the column was too long to keep whole, so each quantile may be off by up to ${int(d.rankError)} ranks.`)
      : d.kind === 'categorical' && d.countError
        ? h('p', { class: 'hint' }, `Approximate: too many distinct values to count exactly; each count may be up to ${int(d.countError)} too low.`)
        : null;
    return card({
      title: d.column,
      subtitle,
      className: `dist dist-${d.kind}`,
      actions: [savePngButton(this.ctx, name, () => chart.toPng()), copyCsvButton(this.ctx, `the distribution of ${d.column}`, csv)],
    }, h('div', { class: side ? 'dist-body with-side' : 'dist-body' }, box, side), warn, details);
  }
}

function quantileTable(x: Exporters, d: NumericDistribution): HTMLElement {
  const fmt = edgeFormatter(d);
  const csv = (): string => toCsv(['quantile', 'p', 'value'], d.quantiles.map((q) => [quantileName(q.p), q.p, q.value]));
  return h('div', { class: 'quantiles' }, copyCsvButton(x, `the quantiles of ${d.column}`, csv), table(
    [{ label: 'Quantile' }, { label: 'Value', align: 'right' }],
    d.quantiles.map((q) => [quantileName(q.p), { text: fmt(q.value), title: String(q.value), data: { p: String(q.p) } }]),
    { caption: `Quantiles of ${d.column}`, className: 'compact' }));
}

function binsDetails(d: NumericDistribution): HTMLElement {
  const fmt = edgeFormatter(d);
  return h('details', { class: 'chart-data' },
    h('summary', null, `Bin counts (${d.counts.length} bins)`),
    table([{ label: 'Bin' }, { label: 'Count', align: 'right' }],
      d.counts.map((n, i) => [{ text: binLabel(d.edges, i, fmt), data: { from: String(d.edges[i]), to: String(d.edges[i + 1]) } }, { text: int(n), data: { count: String(n) } }]),
      { caption: `Histogram of ${d.column}`, className: 'compact bins' }));
}

function valuesDetails(d: CategoricalDistribution): HTMLElement {
  const valid = Math.max(1, d.total - d.nulls);
  const rows = d.values.map((v) => [displayValue(v.value), { text: int(v.count), data: { count: String(v.count) } }, `${((100 * v.count) / valid).toFixed(1)}%`]);
  if (d.other) rows.push(['(other values)', { text: int(d.other), data: { count: String(d.other) } }, `${((100 * d.other) / valid).toFixed(1)}%`]);
  return h('details', { class: 'chart-data' },
    h('summary', null, `Value counts (${d.values.length}${d.other ? '+' : ''} values)`),
    table([{ label: 'Value' }, { label: 'Count', align: 'right' }, { label: 'Share', align: 'right' }], rows, { caption: `Value counts of ${d.column}`, className: 'compact values' }));
}
