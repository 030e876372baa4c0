// Metrics: the last (or the best) value of each metric per run, the best run per metric marked by the
// metric's direction, and each value's difference to the baseline run, absolute and relative.
import { changeOf } from '../../../src/core/compare';
import { formatNumber } from '../../../src/core/format';
import { fromWire } from '../../../src/protocol/common';
import type { CompareViewState } from '../../../src/protocol/compare';
import { h } from '../../components/dom';
import { copyCsvButton, howToLog, section } from '../../components/layout';
import { radioGroup } from '../../components/toolkit';
import { wideTable, type WideCell, type WideRow } from '../../components/wideTable';
import type { CompareContext, CompareSection } from '../context';
import { bestOf, deltaText, metricDelta, metricRows, metricsCsv, type MetricRow } from '../model';
import { runColumns } from '../runHeader';
import type { ValueKind } from '../uiState';

export class MetricsSection implements CompareSection {
  readonly el: HTMLElement;
  private readonly body = h('div', { class: 'section-body' });
  private signature = '';

  constructor(private readonly ctx: CompareContext) {
    this.el = section('metrics', 'Metrics', this.body);
  }

  update(state: CompareViewState, runsChanged: boolean): void {
    const sig = JSON.stringify([state.runs.map((r) => [r.id, r.metrics]), state.directions, state.primary]);
    if (sig === this.signature && !runsChanged) return;
    this.signature = sig;
    this.render();
  }

  refresh(): void {
    this.render();
  }

  destroy(): void {}

  private render(): void {
    const { ctx } = this;
    const state = ctx.state;
    if (state.runs.length === 0) { this.body.replaceChildren(); return; }
    const kind = ctx.ui.valueKind;
    const rows = metricRows(state, kind);
    if (rows.length === 0) {
      this.body.replaceChildren(howToLog(ctx, 'None of these runs logged a metric. Log scores once at the end, or a value per step to compare curves:',
        "await mlops.evaluation.logMetric(run.runId, 'accuracy', 0.81);\nawait mlops.evaluation.logMetric(run.runId, 'loss', loss, { step: epoch });"));
      return;
    }
    const b = ctx.baseline();
    const common = rows.filter((r) => r.common).length;
    const labels = state.runs.map((_, i) => ctx.label(i));
    const notice = state.runs.length > 1 && common === 0
      ? h('p', { class: 'notice notice-warn', data: { notice: 'no-common-metric' } },
        'These runs have no metric in common: every metric below was logged by only some of them, so no run can be ranked against all the others. Best values are marked among the runs that logged each metric.')
      : null;
    const toolbar = h('div', { class: 'toolbar' },
      radioGroup<ValueKind>([
        { value: 'last', label: 'Last value', title: 'The value at the highest step' },
        { value: 'best', label: 'Best value', title: 'The maximum or minimum over the history, by the metric’s direction' },
      ], kind, 'Compare', (v) => { ctx.setUi({ valueKind: v }); this.render(); }, { class: 'value-kind' }),
      state.runs.length > 1 ? h('span', { class: 'hint' }, `Differences are to the baseline, ${labels[b]}; ★ marks the best run per metric.`) : null,
      h('div', { class: 'actions' }, copyCsvButton(ctx, 'the metrics', () => metricsCsv(state.runs, labels, metricRows(state, ctx.ui.valueKind), ctx.baseline()))));
    const table = wideTable(kind === 'best' ? 'Metric (best value)' : 'Metric (last value)', runColumns(ctx), rows.map((r) => this.row(r, b, kind)),
      { caption: 'Metrics of the compared runs', className: 'metrics-compare' });
    this.body.replaceChildren(toolbar, ...(notice ? [notice] : []), h('div', { class: 'table-scroll wide-scroll' }, table));
  }

  private row(r: MetricRow, b: number, kind: ValueKind): WideRow {
    const state = this.ctx.state;
    const n = state.runs.length;
    const logged = r.cells.filter(Boolean).length;
    const arrow = r.direction === 'max' ? '↑' : '↓';
    const primary = state.primary?.key === r.key;
    const head: WideCell = {
      text: r.key,
      node: h('span', { class: 'metric-head' }, r.key, ' ',
        h('span', { class: 'direction', title: `${r.direction === 'max' ? 'higher' : 'lower'} is better (${r.source === 'experiment' ? 'the experiment’s primary metric direction' : 'guessed from the name'})` }, arrow),
        primary ? h('span', { class: 'pill' }, 'primary') : null,
        !r.common && n > 1 ? h('span', { class: 'muted partial-note', title: 'Runs without this metric show —' }, ` ${logged} of ${n}`) : null),
      data: { metric: r.key },
    };
    const cells = r.cells.map((c, i): WideCell => {
      const runId = state.runs[i].id;
      if (!c) return { text: '—', className: `not-logged${i === b ? ' is-baseline' : ''}`, title: 'not logged by this run', data: { metric: r.key, runId } };
      const value = r.values[i];
      const other = kind === 'last' ? bestOf(c, r.direction) : fromWire(c.last);
      const isBest = r.best.includes(i);
      const d = metricDelta(r, i, b);
      const change = d ? changeOf(d.abs, r.direction) : 'same';
      const showOther = c.count > 1 && !Object.is(other, value);
      return {
        text: formatNumber(value),
        node: h('div', { class: 'metric-cell' },
          h('div', { class: 'metric-value' }, isBest ? h('span', { class: 'best-mark', title: `best ${r.key} of the compared runs` }, '★ ') : null, formatNumber(value)),
          showOther ? h('div', { class: 'metric-other muted' }, `${kind === 'last' ? 'best' : 'last'} ${formatNumber(other)}`) : null,
          d ? h('div', { class: `delta delta-${change}`, title: `${d.abs} against the baseline (${change === 'same' ? 'no change' : change})` }, deltaText(d)) : null),
        title: `${r.key}: last ${String(fromWire(c.last))} at step ${c.lastStep}, best ${String(bestOf(c, r.direction))}, ${c.count.toLocaleString('en')} point${c.count === 1 ? '' : 's'}`,
        className: ['num', isBest ? 'is-best' : '', i === b ? 'is-baseline' : ''].filter(Boolean).join(' '),
        data: { metric: r.key, runId, value: String(value), best: String(isBest) },
      };
    });
    return { head, cells, className: [primary ? 'primary-row' : '', r.common ? '' : 'partial'].filter(Boolean).join(' ') || undefined, data: { metric: r.key } };
  }
}
