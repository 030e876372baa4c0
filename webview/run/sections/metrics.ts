// Metrics: a table of every metric (last, best, min, max, points) and a chart of each history, loaded
// lazily when its card scrolls into view (histories can have 100,000 points), smoothed and decimated.
import { formatNumber } from '../../../src/core/format';
import { fromWire } from '../../../src/protocol/common';
import type { MetricHistory, MetricView, RunViewState } from '../../../src/protocol/run';
import { metricChartConfig } from '../../charts/configs';
import { metricSeries, type XMode } from '../../charts/series';
import { ManagedChart, chartColors } from '../../charts/managed';
import { h } from '../../components/dom';
import { card, copyCsvButton, howToLog, savePngButton, section } from '../../components/layout';
import { slider } from '../../components/slider';
import { table } from '../../components/table';
import { button, dropdown, progressRing } from '../../components/toolkit';
import type { PanelContext } from '../context';
import { historyCsv, metricsCsv } from '../model';

/** A running metric's chart asks for its history again at most this often. */
const REFETCH_MS = 1000;

class MetricCard {
  readonly el: HTMLElement;
  private readonly box: HTMLElement;
  private readonly status = h('div', { class: 'chart-status muted' });
  private chart?: ManagedChart;
  private canvas?: HTMLCanvasElement;
  visible = false;
  expected = 0;
  private loaded = -1;
  private inFlight = false;
  private requestedAt = 0;
  private timer?: number;
  private pendingCsv = false;
  private drawnMode: XMode = 'step';

  constructor(private readonly ctx: PanelContext, readonly key: string, private color: number, private readonly section: MetricsSection) {
    this.box = h('div', { class: 'chart-box metric-chart' }, this.status);
    this.el = card({
      title: key,
      className: 'metric-card',
      actions: [
        savePngButton(ctx, `metric-${key}`, () => this.chart?.toPng() ?? ''),
        button('Save as CSV', () => this.saveCsv(), { title: `Save the history of ${key} as CSV`, props: { class: 'action-save-csv' } }),
      ],
    }, this.box);
    this.el.dataset.metric = key;
  }

  setColor(i: number): void {
    this.color = i;
  }

  private needsTimes(): boolean {
    return this.ctx.ui.xAxis === 'time' || this.pendingCsv;
  }

  private fresh(h: MetricHistory | undefined): h is MetricHistory {
    return h !== undefined && h.values.length === this.expected && (!this.needsTimes() || h.times !== null);
  }

  /** Loads or refreshes the history when the card is on screen and the store has more points than drawn. */
  ensure(force = false): void {
    if ((!this.visible && !force) || this.inFlight) return;
    const cached = this.ctx.history(this.key);
    if (this.fresh(cached)) {
      if (this.loaded !== this.expected || this.drawnMode !== this.ctx.ui.xAxis) this.draw(cached, performance.now());
      this.flushCsv(cached);
      return;
    }
    const wait = this.requestedAt + REFETCH_MS - performance.now();
    if (!force && this.loaded >= 0 && wait > 0) {
      if (this.timer === undefined) this.timer = window.setTimeout(() => { this.timer = undefined; this.ensure(); }, wait);
      return;
    }
    this.inFlight = true;
    this.requestedAt = performance.now();
    if (this.loaded < 0) this.status.replaceChildren(progressRing('Loading'), ` Loading ${this.expected.toLocaleString('en')} points…`);
    this.ctx.requestHistory(this.key, this.needsTimes());
  }

  received(history: MetricHistory): void {
    this.inFlight = false;
    if (this.ctx.ui.xAxis === 'step' || history.times) this.draw(history, this.requestedAt);
    this.flushCsv(history);
    if (this.expected > history.values.length || (this.needsTimes() && !history.times)) this.ensure(this.pendingCsv);
  }

  /** "Save as CSV" needs the times, which the chart may not have asked for. */
  saveCsv(): void {
    this.pendingCsv = true;
    this.ensure(true);
  }

  private flushCsv(h: MetricHistory): void {
    if (!this.pendingCsv || !h.times) return;
    this.pendingCsv = false;
    this.ctx.saveCsv(`metric-${this.key}`, historyCsv(h));
  }

  redraw(): void {
    const x = this.ctx.history(this.key);
    if (this.loaded < 0) return;
    if (this.ctx.ui.xAxis === 'time' && !x?.times) this.ensure(true);
    else if (x) this.draw(x, performance.now());
  }

  private draw(history: MetricHistory, since: number): void {
    const ui = this.ctx.ui;
    this.drawnMode = ui.xAxis;
    const input = {
      key: this.key, steps: history.steps, times: history.times ?? history.steps, values: history.values,
      xMode: ui.xAxis as XMode, smoothing: ui.smoothing, origin: this.section.runStart,
    };
    const series = metricSeries(input);
    const build = (c: ReturnType<typeof chartColors>) => metricChartConfig({ ...input, color: c.series[this.color % c.series.length] }, series, c);
    if (!this.canvas) {
      this.canvas = h('canvas', { attrs: { role: 'img', 'aria-label': `History of ${this.key}` } });
      this.box.replaceChildren(this.canvas, this.status);
      this.chart = new ManagedChart(this.canvas, build);
    } else {
      this.chart?.update(build);
    }
    this.loaded = history.values.length;
    const total = performance.now() - since;
    this.el.dataset.points = String(history.values.length);
    this.el.dataset.xAxis = ui.xAxis;
    this.el.dataset.drawMs = String(Math.round(this.chart?.lastDrawMs ?? 0));
    this.el.dataset.loadMs = String(Math.round(total));
    this.status.textContent = series.skipped ? `${series.skipped.toLocaleString('en')} NaN or infinite points are not drawn.` : '';
  }

  destroy(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.chart?.destroy();
  }
}

export class MetricsSection {
  readonly el: HTMLElement;
  private readonly body = h('div', { class: 'section-body' });
  private readonly tableBox = h('div', { class: 'table-block' });
  private readonly chartsBox = h('div', { class: 'metric-charts' });
  private readonly grid = h('div', { class: 'metric-grid' });
  private readonly controls: HTMLElement;
  private readonly cards = new Map<string, MetricCard>();
  private readonly observer: IntersectionObserver;
  private signature = '';
  runStart = 0;

  constructor(private readonly ctx: PanelContext) {
    this.controls = h('div', { class: 'toolbar chart-controls' },
      h('label', { class: 'control' }, h('span', null, 'X axis'),
        dropdown<XMode>([{ value: 'step', label: 'Step' }, { value: 'time', label: 'Wall time' }], ctx.ui.xAxis, 'X axis', (v) => { ctx.setUi({ xAxis: v }); this.redrawAll(); })),
      slider({
        label: 'Smoothing', min: 0, max: 0.99, step: 0.01, value: ctx.ui.smoothing,
        format: (v) => (v === 0 ? 'off' : v.toFixed(2)),
        onChange: (v) => { ctx.setUi({ smoothing: v }); this.redrawAll(); },
      }),
      h('span', { class: 'hint' }, 'Long histories are decimated to the chart’s width (min/max per pixel, so peaks stay visible).'));
    this.chartsBox.append(this.controls, this.grid);
    this.observer = new IntersectionObserver((entries) => {
      for (const e of entries) {
        const card = [...this.cards.values()].find((c) => c.el === e.target);
        if (!card) continue;
        card.visible = e.isIntersecting;
        card.ensure();
      }
    }, { rootMargin: '300px 0px' });
    this.el = section('metrics', 'Metrics', this.body);
  }

  private redrawAll(): void {
    for (const c of this.cards.values()) c.redraw();
  }

  onHistory(history: MetricHistory): void {
    this.cards.get(history.key)?.received(history);
  }

  update(state: RunViewState): void {
    this.runStart = state.run.startTime;
    const sig = JSON.stringify([state.metrics, state.primary?.key]);
    if (sig === this.signature) return;
    this.signature = sig;
    const metrics = state.metrics;
    if (metrics.length === 0) {
      for (const c of this.cards.values()) { this.observer.unobserve(c.el); c.destroy(); }
      this.cards.clear();
      this.body.replaceChildren(howToLog(this.ctx,
        'No metrics were logged for this run. Log scores once at the end, or a value per step to see its curve:',
        "await mlops.evaluation.logMetric(run.runId, 'accuracy', 0.81);\nawait mlops.evaluation.logMetric(run.runId, 'loss', loss, { step: epoch });"));
      return;
    }
    this.renderTable(state);
    const curves = metrics.filter((m) => m.count > 1);
    // Keep the cards (and their charts) of metrics still there; add new ones in order.
    for (const [key, c] of this.cards) {
      if (!curves.some((m) => m.key === key)) { this.observer.unobserve(c.el); c.destroy(); this.cards.delete(key); }
    }
    const ordered = curves.map((m, i) => {
      let c = this.cards.get(m.key);
      if (!c) {
        c = new MetricCard(this.ctx, m.key, i, this);
        this.cards.set(m.key, c);
      }
      c.setColor(i);
      c.expected = m.count;
      return c;
    });
    this.grid.replaceChildren(...ordered.map((c) => c.el));
    for (const c of ordered) this.observer.observe(c.el);
    const once = metrics.filter((m) => m.count === 1).map((m) => m.key);
    const parts: (HTMLElement | null)[] = [this.tableBox];
    if (curves.length) parts.push(this.chartsBox);
    else {
      parts.push(howToLog(this.ctx, 'Every metric of this run was logged once, so there is no curve to draw. Log a value per step (epoch, batch) to see how it evolved:',
        "await mlops.evaluation.logMetric(run.runId, 'loss', loss, { step: epoch });"));
    }
    if (curves.length && once.length) parts.push(h('p', { class: 'hint' }, `Logged once, so shown in the table only: ${once.join(', ')}.`));
    this.body.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
    for (const c of ordered) c.ensure();
  }

  private renderTable(state: RunViewState): void {
    const metrics = state.metrics;
    const primary = state.primary?.key;
    const arrow = (m: MetricView): string => (m.direction === 'max' ? '↑' : '↓');
    const directionTitle = (m: MetricView): string =>
      `${m.direction === 'max' ? 'higher' : 'lower'} is better (${m.directionSource === 'experiment' ? 'the experiment’s primary metric direction' : 'guessed from the name'})`;
    const num = (x: number, extra?: Record<string, string>) => ({ text: formatNumber(x), title: String(x), data: extra });
    this.tableBox.replaceChildren(
      h('div', { class: 'block-header' }, h('h4', null, 'Summary'), h('div', { class: 'actions' }, copyCsvButton(this.ctx, 'the metrics', () => metricsCsv(metrics)))),
      h('div', { class: 'table-scroll' }, table(
        [{ label: 'Metric' }, { label: 'Last', align: 'right' }, { label: 'Best', align: 'right', title: 'max or min over the history, by the metric’s direction' },
          { label: 'Min', align: 'right' }, { label: 'Max', align: 'right' }, { label: 'Points', align: 'right' }, { label: 'Last step', align: 'right' }],
        metrics.map((m) => [
          { text: m.key, node: h('span', null, m.key, m.key === primary ? h('span', { class: 'pill' }, state.primary?.inferred ? 'headline' : 'primary') : null), data: { metric: m.key } },
          num(fromWire(m.last), { metric: m.key, field: 'last' }),
          { text: `${formatNumber(fromWire(m.best))} ${arrow(m)}`, title: directionTitle(m), className: 'best', data: { metric: m.key, field: 'best' } },
          num(fromWire(m.min)),
          num(fromWire(m.max)),
          { text: m.count.toLocaleString('en') },
          { text: String(m.lastStep) },
        ]),
        { caption: 'Metrics', className: 'metrics', rowProps: (i) => ({ className: metrics[i].key === primary ? 'primary-row' : undefined }) })));
  }

  destroy(): void {
    this.observer.disconnect();
    for (const c of this.cards.values()) c.destroy();
  }
}
