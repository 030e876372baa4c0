// Parameters: one column per run, one row per parameter, the algorithm first; rows whose values differ
// are marked, and cells that differ from the baseline run are highlighted. "Only what differs" is on by default.
import type { ParamRow } from '../../../src/core/compare';
import { differsFromBaseline } from '../../../src/core/compare';
import type { CompareViewState } from '../../../src/protocol/compare';
import { h } from '../../components/dom';
import { copyCsvButton, howToLog, section } from '../../components/layout';
import { checkbox, textField, type TextInput } from '../../components/toolkit';
import { wideTable, type WideRow } from '../../components/wideTable';
import type { CompareContext, CompareSection } from '../context';
import { matchesFilter, paramRows, paramsCsv, paramText } from '../model';
import { runColumns } from '../runHeader';

export class ParamsSection implements CompareSection {
  readonly el: HTMLElement;
  private readonly body = h('div', { class: 'section-body' });
  private readonly count = h('span', { class: 'muted filter-count', attrs: { role: 'status' } });
  private readonly tableBox = h('div', { class: 'table-scroll wide-scroll' });
  private readonly controls: HTMLElement;
  private readonly filter: TextInput;
  private signature = '';

  constructor(private readonly ctx: CompareContext) {
    this.filter = textField({
      label: 'Filter parameters by name', placeholder: 'Filter by name', value: ctx.ui.paramFilter,
      onInput: (v) => { ctx.setUi({ paramFilter: v }); this.renderTable(); },
      props: { class: 'param-filter' },
    });
    this.controls = h('div', { class: 'toolbar' },
      checkbox('Only what differs', ctx.ui.onlyDiffers, (v) => { ctx.setUi({ onlyDiffers: v }); this.renderTable(); }, { class: 'only-differs' }),
      this.filter.el, this.count,
      h('div', { class: 'actions' }, copyCsvButton(ctx, 'the parameters', () => {
        const { algorithm, params } = paramRows(ctx.state.runs);
        return paramsCsv(ctx.state.runs, ctx.state.runs.map((_, i) => ctx.label(i)), [algorithm, ...this.visible(params)]);
      })));
    this.el = section('parameters', 'Parameters', this.body);
  }

  update(state: CompareViewState, runsChanged: boolean): void {
    const sig = JSON.stringify(state.runs.map((r) => [r.id, r.algorithm, r.params]));
    if (sig === this.signature && !runsChanged) return;
    this.signature = sig;
    this.render();
  }

  refresh(): void {
    this.render();
  }

  destroy(): void {}

  private visible(params: ParamRow[]): ParamRow[] {
    return params.filter((p) => (!this.ctx.ui.onlyDiffers || p.differs) && matchesFilter(p.key, this.ctx.ui.paramFilter));
  }

  private render(): void {
    const runs = this.ctx.state.runs;
    if (runs.length === 0) { this.body.replaceChildren(); return; }
    if (runs.every((r) => r.params.length === 0 && r.algorithm === null)) {
      this.body.replaceChildren(howToLog(this.ctx,
        'None of these runs logged hyper-parameters. Log the trainer in each training script: its settings are read from the object:',
        'await mlops.training.logHyperParameters(run.runId, trainer);'));
      return;
    }
    this.body.replaceChildren(this.controls, this.tableBox);
    this.renderTable();
  }

  private row(p: ParamRow, b: number, algorithm: boolean): WideRow {
    const off = differsFromBaseline(p.values, b);
    return {
      head: { text: p.key, className: algorithm ? 'algorithm-head' : undefined, data: algorithm ? undefined : { param: p.key } },
      className: [p.differs ? 'differs' : 'same', algorithm ? 'algorithm-row' : ''].filter(Boolean).join(' '),
      data: algorithm ? { row: 'algorithm' } : { param: p.key, differs: String(p.differs) },
      cells: p.values.map((v, i) => ({
        text: paramText(v),
        title: v === undefined ? 'not logged by this run' : `${typeof v === 'object' ? 'null' : typeof v}${i !== b && off[i] ? ' · differs from the baseline' : ''}`,
        className: ['value', v === undefined ? 'not-logged' : `value-${v === null ? 'null' : typeof v}`, i !== b && off[i] ? 'cell-differs' : '', i === b ? 'is-baseline' : ''].filter(Boolean).join(' '),
        data: { runId: this.ctx.state.runs[i].id },
      })),
    };
  }

  private renderTable(): void {
    const runs = this.ctx.state.runs;
    if (runs.length === 0) return;
    const { algorithm, params } = paramRows(runs);
    const shown = this.visible(params);
    const differing = params.filter((p) => p.differs).length;
    this.count.textContent = runs.length === 1
      ? `${params.length} parameter${params.length === 1 ? '' : 's'}`
      : `${differing} of ${params.length} parameter${params.length === 1 ? '' : 's'} differ${differing === 1 ? 's' : ''}${this.ctx.ui.onlyDiffers ? '; the others are hidden' : ''}`;
    const b = this.ctx.baseline();
    const rows = [this.row(algorithm, b, true), ...shown.map((p) => this.row(p, b, false))];
    const table = wideTable('Parameter', runColumns(this.ctx), rows, { caption: 'Parameters of the compared runs', className: 'params-compare' });
    const empty = shown.length === 0
      ? h('p', { class: 'muted empty-line' }, this.ctx.ui.onlyDiffers && params.length > 0 && differing === 0
        ? `All ${params.length} parameters have the same value in every run.`
        : 'No parameter matches the filter.')
      : null;
    this.tableBox.replaceChildren(table, ...(empty ? [empty] : []));
  }
}
