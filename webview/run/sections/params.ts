// Hyper-parameters: the algorithm and every setting, filterable by name.
import type { RunViewState } from '../../../src/protocol/run';
import { h } from '../../components/dom';
import { copyCsvButton, howToLog, section } from '../../components/layout';
import { table } from '../../components/table';
import { textField, type TextInput } from '../../components/toolkit';
import type { PanelContext } from '../context';
import { filterParams, paramText, paramType, paramsCsv } from '../model';

export class ParamsSection {
  readonly el: HTMLElement;
  private readonly head = h('div', { class: 'params-head' });
  private readonly body = h('div', { class: 'section-body' });
  private readonly filter: TextInput;
  private readonly count = h('span', { class: 'muted filter-count', attrs: { role: 'status' } });
  private readonly tableBox = h('div', { class: 'table-scroll params-table' });
  private readonly controls: HTMLElement;
  private params: RunViewState['params'] = [];
  private signature = '';

  constructor(private readonly ctx: PanelContext) {
    this.filter = textField({
      label: 'Filter hyper-parameters by name', placeholder: 'Filter by name', value: ctx.ui.paramFilter,
      onInput: (v) => { ctx.setUi({ paramFilter: v }); this.renderTable(); },
      props: { class: 'param-filter' },
    });
    this.controls = h('div', { class: 'toolbar' }, this.filter.el, this.count,
      h('div', { class: 'actions' }, copyCsvButton(ctx, 'the hyper-parameters', () => paramsCsv(this.visible()))));
    this.el = section('hyperparameters', 'Hyper-parameters', this.head, this.body);
  }

  private visible(): RunViewState['params'] {
    return filterParams(this.params, this.ctx.ui.paramFilter);
  }

  update(state: RunViewState): void {
    const sig = JSON.stringify([state.algorithm, state.params]);
    if (sig === this.signature) return;
    this.signature = sig;
    this.params = state.params;
    this.head.replaceChildren(
      h('div', { class: 'algorithm' },
        h('span', { class: 'muted' }, 'Algorithm '),
        state.algorithm ? h('span', { class: 'algorithm-name' }, state.algorithm) : h('span', { class: 'muted' }, 'not recorded')),
    );
    if (state.params.length === 0) {
      this.body.replaceChildren(howToLog(this.ctx,
        'No hyper-parameters were logged for this run. Log the trainer: its settings are read from the object (ml.js classifiers, TensorFlow.js models and optimizers, or a plain options object):',
        'await mlops.training.logHyperParameters(run.runId, trainer);'));
      return;
    }
    this.body.replaceChildren(this.controls, this.tableBox);
    this.renderTable();
  }

  private renderTable(): void {
    const rows = this.visible();
    const total = this.params.length;
    this.count.textContent = rows.length === total ? `${total} setting${total === 1 ? '' : 's'}` : `${rows.length} of ${total} settings`;
    if (rows.length === 0) {
      this.tableBox.replaceChildren(h('p', { class: 'muted' }, 'No setting matches the filter.'));
      return;
    }
    this.tableBox.replaceChildren(table(
      [{ label: 'Name' }, { label: 'Value' }, { label: 'Type' }],
      rows.map((p) => [
        { text: p.key, data: { param: p.key } },
        { text: paramText(p.value), className: `value value-${paramType(p.value)}`, data: { param: p.key } },
        { text: paramType(p.value), className: 'muted' },
      ]),
      { caption: 'Hyper-parameters', className: 'params' }));
  }
}
