// Histories: each metric's history for all runs overlaid in one chart, loaded when its card scrolls into
// view (the host decimates long histories so 100 runs stay fast), smoothed, over steps or wall time; a
// legend of the runs hides and shows them in every chart.
import type { CompareViewState, RunHistory } from '../../../src/protocol/compare';
import { historiesConfig, type RunSeries } from '../../charts/compareConfigs';
import { ManagedChart } from '../../charts/managed';
import { metricSeries, type XMode } from '../../charts/series';
import { toCsv } from '../../components/csv';
import { h } from '../../components/dom';
import { card, howToLog, saveCsvButton, savePngButton, section } from '../../components/layout';
import { slider } from '../../components/slider';
import { button, dropdown, progressRing } from '../../components/toolkit';
import type { CompareContext, CompareSection } from '../context';

/** A metric still being logged asks for its histories again at most this often. */
const REFETCH_MS = 1000;

class HistoryCard {
  readonly el: HTMLElement;
  private readonly box: HTMLElement;
  private readonly status = h('div', { class: 'chart-status muted' });
  private readonly subtitle = h('span', null);
  private chart?: ManagedChart;
  private canvas?: HTMLCanvasElement;
  visible = false;
  /** Sum of the points the runs logged, from the state: more than loaded means fetch again. */
  expected = 0;
  private loaded = -1;
  private inFlight = false;
  private requestedAt = 0;
  private timer?: number;

  constructor(private readonly ctx: CompareContext, readonly key: string) {
    this.box = h('div', { class: 'chart-box history-chart' }, this.status);
    this.el = card({
      title: key,
      subtitle: [this.subtitle],
      className: 'history-card',
      actions: [
        savePngButton(ctx, `histories-${key}`, () => this.chart?.toPng() ?? ''),
        saveCsvButton(ctx, `histories-${key}`, () => this.csv()),
      ],
    }, this.box);
    this.el.dataset.metric = key;
  }

  private csv(): string {
    const m = this.ctx.histories(this.key);
    if (!m) return '';
    const rows: (string | number)[][] = [];
    this.ctx.state.runs.forEach((r, i) => {
      const x = m.get(r.id);
      if (!x) return;
      for (let k = 0; k < x.values.length; k++) rows.push([this.ctx.label(i), r.id, x.steps[k], Number.isFinite(x.times[k]) ? new Date(x.times[k]).toISOString() : '', x.values[k]]);
    });
    return toCsv(['run', 'run_id', 'step', 'time', this.key], rows);
  }

  invalidate(): void {
    this.loaded = -1;
  }

  ensure(): void {
    if (!this.visible || this.inFlight) return;
    if (this.loaded === this.expected) return;
    const wait = this.requestedAt + REFETCH_MS - performance.now();
    if (this.loaded >= 0 && wait > 0) {
      if (this.timer === undefined) this.timer = window.setTimeout(() => { this.timer = undefined; this.ensure(); }, wait);
      return;
    }
    this.inFlight = true;
    this.requestedAt = performance.now();
    if (this.loaded < 0 && !this.canvas) this.status.replaceChildren(progressRing('Loading'), ` Loading ${this.expected.toLocaleString('en')} points…`);
    this.ctx.requestHistory(this.key);
  }

  received(): void {
    this.inFlight = false;
    this.draw();
    if (this.expected > this.loaded) this.ensure();
  }

  draw(): void {
    const m = this.ctx.histories(this.key);
    if (!m) return;
    const { ui, state } = this.ctx;
    const b = this.ctx.baseline();
    const series: RunSeries[] = [];
    let total = 0;
    let sent = 0;
    state.runs.forEach((r, i) => {
      const x: RunHistory | undefined = m.get(r.id);
      if (!x) return;
      total += x.total;
      sent += x.values.length;
      if (!this.ctx.visible(r)) return;
      const s = metricSeries({ steps: x.steps, times: x.times, values: x.values, xMode: ui.xAxis, smoothing: ui.smoothing, origin: r.startTime });
      series.push({ label: this.ctx.label(i), color: this.ctx.color(i), raw: s.raw, smoothed: s.smoothed, emphasis: i === b && state.runs.length > 1 });
    });
    const build = (c: Parameters<typeof historiesConfig>[3]) => historiesConfig(this.key, series, ui.xAxis, c);
    if (!this.canvas) {
      this.canvas = h('canvas', { attrs: { role: 'img', 'aria-label': `Histories of ${this.key}` } });
      this.box.replaceChildren(this.canvas, this.status);
      this.chart = new ManagedChart(this.canvas, build);
    } else {
      this.chart?.update(build);
    }
    this.loaded = total;
    this.el.dataset.runs = String(m.size);
    this.el.dataset.drawn = String(series.length);
    this.el.dataset.points = String(total);
    this.el.dataset.sent = String(sent);
    this.subtitle.textContent = `${m.size} run${m.size === 1 ? '' : 's'} · ${total.toLocaleString('en')} points`;
    this.status.textContent = sent < total ? `Drawn from ${sent.toLocaleString('en')} of ${total.toLocaleString('en')} points (each run’s highs and lows kept).` : '';
  }

  destroy(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.chart?.destroy();
  }
}

export class HistoriesSection implements CompareSection {
  readonly el: HTMLElement;
  private readonly body = h('div', { class: 'section-body' });
  private readonly grid = h('div', { class: 'metric-grid history-grid' });
  private readonly legend = h('div', { class: 'run-legend', attrs: { role: 'group', 'aria-label': 'Runs shown in the charts' } });
  private readonly controls: HTMLElement;
  private readonly cards = new Map<string, HistoryCard>();
  private readonly observer: IntersectionObserver;
  private signature = '';

  constructor(private readonly ctx: CompareContext) {
    this.controls = h('div', { class: 'toolbar chart-controls' },
      h('label', { class: 'control' }, h('span', null, 'X axis'),
        dropdown<XMode>([{ value: 'step', label: 'Step' }, { value: 'time', label: 'Wall time' }], ctx.ui.xAxis, 'X axis', (v) => { ctx.setUi({ xAxis: v }); this.redrawAll(); }, { class: 'x-axis' })),
      slider({
        label: 'Smoothing', min: 0, max: 0.99, step: 0.01, value: ctx.ui.smoothing,
        format: (v) => (v === 0 ? 'off' : v.toFixed(2)),
        onChange: (v) => { ctx.setUi({ smoothing: v }); this.redrawAll(); },
      }));
    this.observer = new IntersectionObserver((entries) => {
      for (const e of entries) {
        const c = [...this.cards.values()].find((x) => x.el === e.target);
        if (!c) continue;
        c.visible = e.isIntersecting;
        c.ensure();
      }
    }, { rootMargin: '300px 0px' });
    this.el = section('histories', 'Histories', this.body);
  }

  private redrawAll(): void {
    for (const c of this.cards.values()) c.draw();
  }

  onHistories(key: string): void {
    this.cards.get(key)?.received();
  }

  update(state: CompareViewState, runsChanged: boolean): void {
    // A chart for each metric some run logged as a curve (runs that logged it once add a point).
    const curves = new Set(state.runs.flatMap((r) => r.metrics.filter((m) => m.count > 1).map((m) => m.key)));
    const counts = new Map<string, number>();
    for (const r of state.runs) for (const m of r.metrics) if (curves.has(m.key)) counts.set(m.key, (counts.get(m.key) ?? 0) + m.count);
    const sig = JSON.stringify([...counts.keys()]);
    if (runsChanged) for (const c of this.cards.values()) c.invalidate();
    if (sig !== this.signature || runsChanged) {
      this.signature = sig;
      this.layout([...counts.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true })));
    }
    for (const [key, c] of this.cards) {
      c.expected = counts.get(key) ?? 0;
      c.ensure();
    }
  }

  refresh(): void {
    this.renderLegend();
    this.redrawAll();
  }

  private layout(keys: string[]): void {
    for (const [key, c] of this.cards) {
      if (!keys.includes(key)) { this.observer.unobserve(c.el); c.destroy(); this.cards.delete(key); }
    }
    if (keys.length === 0) {
      const any = this.ctx.state.runs.some((r) => r.metrics.length > 0);
      this.body.replaceChildren(any
        ? h('p', { class: 'muted empty-line' }, 'Every metric of these runs was logged once, so there is no curve to overlay: compare the values under Metrics.')
        : howToLog(this.ctx, 'No run logged a metric history. Log a value per step (epoch, batch) to compare how runs evolve:', "await mlops.evaluation.logMetric(run.runId, 'loss', loss, { step: epoch });"));
      return;
    }
    const ordered = keys.map((key) => {
      let c = this.cards.get(key);
      if (!c) this.cards.set(key, (c = new HistoryCard(this.ctx, key)));
      return c;
    });
    this.grid.replaceChildren(...ordered.map((c) => c.el));
    for (const c of ordered) this.observer.observe(c.el);
    this.renderLegend();
    this.body.replaceChildren(this.controls, this.legend, this.grid,
      h('p', { class: 'hint' }, 'Long histories are decimated (each run’s highs and lows kept); smoothing applies to the points drawn. Wall time counts from each run’s start.'));
  }

  private renderLegend(): void {
    const { ctx } = this;
    const runs = ctx.state.runs;
    const hidden = new Set(ctx.ui.hidden);
    const items = runs.map((r, i) => {
      const on = !hidden.has(r.id);
      const curves = r.metrics.some((m) => this.cards.has(m.key));
      const sw = h('span', { class: 'swatch', attrs: { 'aria-hidden': 'true' } });
      sw.style.backgroundColor = ctx.color(i);
      return h('button', {
        class: `legend-item${on ? '' : ' off'}${curves ? '' : ' no-history'}`,
        title: `${on ? 'Hide' : 'Show'} ${ctx.label(i)} in the charts${curves ? '' : ' (it logged no history drawn here)'}`,
        attrs: { type: 'button', 'aria-pressed': String(on) },
        data: { runId: r.id },
        on: { click: () => ctx.setHidden(on ? [...hidden, r.id] : [...hidden].filter((x) => x !== r.id)) },
      }, sw, ctx.label(i));
    });
    const all = runs.length > 3
      ? [button('Show All', () => ctx.setHidden([]), { props: { class: 'inline-btn' } }), button('Hide All', () => ctx.setHidden(runs.map((r) => r.id)), { props: { class: 'inline-btn' } })]
      : [];
    this.legend.replaceChildren(...items, ...all);
  }

  destroy(): void {
    this.observer.disconnect();
    for (const c of this.cards.values()) c.destroy();
  }
}
