// Parameters against metrics: a parallel-coordinates chart of the numeric parameters that vary and one
// metric (the primary metric by default), and a scatter of one metric against one parameter.
import { bestIndices } from '../../../src/core/compare';
import type { CompareViewState } from '../../../src/protocol/compare';
import { scatterConfig, type ScatterPoint } from '../../charts/compareConfigs';
import { ManagedChart } from '../../charts/managed';
import { ParallelChart, type PcpModel } from '../../charts/parallel';
import { axisScale } from '../../charts/parallelScale';
import { toCsv } from '../../components/csv';
import { h } from '../../components/dom';
import { card, copyCsvButton, savePngButton, section } from '../../components/layout';
import { dropdown } from '../../components/toolkit';
import type { CompareContext, CompareSection } from '../context';
import { metricRows, paramRows } from '../model';

/** More axes than this do not fit side by side; the parameters that vary most widely come first. */
const MAX_AXES = 12;

export class RelationsSection implements CompareSection {
  readonly el: HTMLElement;
  private readonly body = h('div', { class: 'section-body' });
  private pcp?: ParallelChart;
  private scatter?: ManagedChart;
  private signature = '';

  constructor(private readonly ctx: CompareContext) {
    this.el = section('relations', 'Parameters against metrics', this.body);
  }

  update(state: CompareViewState, runsChanged: boolean): void {
    const sig = JSON.stringify([state.runs.map((r) => [r.id, r.params, r.metrics.map((m) => [m.key, m.last])]), state.primary, state.directions]);
    if (sig === this.signature && !runsChanged) return;
    this.signature = sig;
    this.render();
  }

  refresh(): void {
    this.render();
  }

  destroy(): void {
    this.pcp?.destroy();
    this.scatter?.destroy();
  }

  /** Numeric parameters, the varying ones first (most distinct values first), then the constant ones. */
  private numericParams(): { key: string; values: number[]; varies: boolean }[] {
    const { params } = paramRows(this.ctx.state.runs);
    return params.filter((p) => p.numeric).map((p) => {
      const values = p.values.map((v) => (typeof v === 'number' ? v : NaN));
      return { key: p.key, values, varies: p.differs, distinct: new Set(values.filter((v) => !Number.isNaN(v))).size };
    }).sort((a, b) => Number(b.varies) - Number(a.varies) || b.distinct - a.distinct || a.key.localeCompare(b.key));
  }

  private render(): void {
    const { ctx } = this;
    const state = ctx.state;
    this.destroy();
    this.pcp = undefined;
    this.scatter = undefined;
    if (state.runs.length === 0) { this.body.replaceChildren(); return; }
    const params = this.numericParams();
    const metrics = metricRows(state, 'last');
    if (params.length === 0 || metrics.length === 0) {
      this.body.replaceChildren(h('p', { class: 'muted empty-line' }, params.length === 0
        ? 'None of these runs logged a numeric parameter, so there is nothing to plot against the metrics.'
        : 'None of these runs logged a metric, so there is nothing to plot the parameters against.'));
      return;
    }
    const keys = metrics.map((m) => m.key);
    const pcpMetric = keys.includes(ctx.ui.pcpMetric ?? '') ? ctx.ui.pcpMetric! : state.primary && keys.includes(state.primary.key) ? state.primary.key : keys[0];
    const scatterMetric = keys.includes(ctx.ui.scatterMetric ?? '') ? ctx.ui.scatterMetric! : pcpMetric;
    const scatterParam = params.some((p) => p.key === ctx.ui.scatterParam) ? ctx.ui.scatterParam! : params[0].key;
    this.body.replaceChildren(
      h('div', { class: 'relations-grid' },
        this.parallel(params, metrics.find((m) => m.key === pcpMetric)!, keys),
        this.scatterCard(params, metrics.find((m) => m.key === scatterMetric)!, keys, scatterParam)));
  }

  private parallel(params: ReturnType<RelationsSection['numericParams']>, metric: ReturnType<typeof metricRows>[number], keys: string[]): HTMLElement {
    const { ctx } = this;
    const runs = ctx.state.runs;
    const varying = params.filter((p) => p.varies);
    const axesParams = (varying.length ? varying : params).slice(0, MAX_AXES);
    const model: PcpModel = {
      axes: [...axesParams.map((p) => ({ key: p.key, values: p.values })), { key: metric.key, values: metric.values, metric: { direction: metric.direction } }],
      lines: runs.map((r, i) => ({ label: ctx.label(i), hidden: !ctx.visible(r) })),
    };
    const canvas = h('canvas', { attrs: { role: 'img', 'aria-label': `Parallel coordinates of ${axesParams.map((p) => p.key).join(', ')} and ${metric.key}` } });
    const box = h('div', { class: 'pcp-box' }, canvas);
    const notes: string[] = [];
    if (varying.length === 0) notes.push('No numeric parameter varies across these runs; the axes show their common values.');
    if (varying.length > MAX_AXES) notes.push(`${varying.length} numeric parameters vary; the ${MAX_AXES} with the most distinct values are shown.`);
    const constant = params.length - varying.length;
    if (varying.length && constant) notes.push(`${constant} numeric parameter${constant === 1 ? ' is' : 's are'} the same in every run and left out.`);
    const csv = (): string => toCsv(['run', 'run_id', ...model.axes.map((a) => a.key)],
      runs.map((r, i) => [ctx.label(i), r.id, ...model.axes.map((a) => (Number.isNaN(a.values[i]) ? '' : a.values[i]))]));
    const el = card({
      title: 'Parallel coordinates',
      subtitle: [`${axesParams.length} numeric parameter${axesParams.length === 1 ? '' : 's'} and `, h('strong', null, metric.key), ` (last value; lines from worse to better ${metric.direction === 'max' ? '↑' : '↓'})`],
      className: 'pcp-card',
      actions: [
        h('label', { class: 'control' }, h('span', null, 'Metric'),
          dropdown(keys.map((k) => ({ value: k, label: k })), metric.key, 'Metric axis', (v) => { ctx.setUi({ pcpMetric: v }); this.render(); }, { class: 'pcp-metric' })),
        savePngButton(ctx, `parallel-coordinates-${metric.key}`, () => this.pcp?.toPng() ?? ''),
        copyCsvButton(ctx, 'the parameters and the metric', csv),
      ],
    }, box, ...notes.map((n) => h('p', { class: 'hint' }, n)), h('p', { class: 'hint' }, 'Hover a line to read its run; a gap means the run did not log that parameter; dashed lines lack the metric.'));
    el.dataset.axes = model.axes.map((a) => a.key).join('\u0000');
    // Drawn once the card is in the page (it sizes itself to its box).
    requestAnimationFrame(() => { if (box.isConnected) this.pcp = new ParallelChart(canvas, model); });
    return el;
  }

  private scatterCard(params: ReturnType<RelationsSection['numericParams']>, metric: ReturnType<typeof metricRows>[number], keys: string[], paramKey: string): HTMLElement {
    const { ctx } = this;
    const runs = ctx.state.runs;
    const p = params.find((x) => x.key === paramKey)!;
    const best = new Set(bestIndices(metric.values, metric.direction));
    const points: ScatterPoint[] = [];
    runs.forEach((r, i) => {
      const x = p.values[i];
      const y = metric.values[i];
      if (!ctx.visible(r) || !Number.isFinite(x) || !Number.isFinite(y)) return;
      points.push({ x, y, label: ctx.label(i), color: ctx.color(i), best: best.has(i) });
    });
    const logX = axisScale(points.map((q) => q.x)).log;
    const canvas = h('canvas', { attrs: { role: 'img', 'aria-label': `${metric.key} against ${p.key}` } });
    const box = h('div', { class: 'chart-box scatter-chart' }, canvas);
    const missing = runs.filter((r, i) => ctx.visible(r) && (!Number.isFinite(p.values[i]) || !Number.isFinite(metric.values[i]))).length;
    const csv = (): string => toCsv(['run', 'run_id', p.key, metric.key], runs.map((r, i) => [ctx.label(i), r.id, Number.isNaN(p.values[i]) ? '' : p.values[i], Number.isNaN(metric.values[i]) ? '' : metric.values[i]]));
    const el = card({
      title: 'Scatter',
      subtitle: [`${points.length} run${points.length === 1 ? '' : 's'}`, missing ? ` (${missing} without both values)` : '', best.size ? ' · the ringed point is the best run' : ''],
      className: 'scatter-card',
      actions: [
        h('label', { class: 'control' }, h('span', null, 'Parameter'),
          dropdown(params.map((q) => ({ value: q.key, label: q.varies ? q.key : `${q.key} (same in all)` })), p.key, 'Parameter (x axis)', (v) => { ctx.setUi({ scatterParam: v }); this.render(); }, { class: 'scatter-param' })),
        h('label', { class: 'control' }, h('span', null, 'Metric'),
          dropdown(keys.map((k) => ({ value: k, label: k })), metric.key, 'Metric (y axis)', (v) => { ctx.setUi({ scatterMetric: v }); this.render(); }, { class: 'scatter-metric' })),
        savePngButton(ctx, `scatter-${metric.key}-${p.key}`, () => this.scatter?.toPng() ?? ''),
        copyCsvButton(ctx, `${metric.key} against ${p.key}`, csv),
      ],
    }, box);
    el.dataset.points = String(points.length);
    this.scatter = new ManagedChart(canvas, (c) => scatterConfig(points, p.key, metric.key, logX, c));
    return el;
  }
}
