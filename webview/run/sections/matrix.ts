// Confusion matrix: the heat map (counts, or shares by row = recall or by column = precision), and beside
// it the per-class precision, recall, F1 and support, the accuracy and the macro and weighted averages.
import type { Normalization } from '../../../src/core/classification';
import type { MatrixView, RunViewState } from '../../../src/protocol/run';
import { heatmapCanvas, heatmapModel, heatmapTable } from '../../charts/heatmap';
import { chartColors, onThemeChange } from '../../charts/managed';
import { h } from '../../components/dom';
import { card, copyCsvButton, howToLog, savePngButton, section } from '../../components/layout';
import { table } from '../../components/table';
import { dropdown, radioGroup } from '../../components/toolkit';
import type { PanelContext } from '../context';
import { fixed3, matrixCsv, pickMatrix, reportCsv } from '../model';

const NORMALIZATIONS: { value: Normalization; label: string; title: string }[] = [
  { value: 'none', label: 'Counts', title: 'Number of samples in each cell' },
  { value: 'row', label: 'By row (recall)', title: 'Each actual class sums to 100%: the diagonal is each class’s recall' },
  { value: 'column', label: 'By column (precision)', title: 'Each predicted class sums to 100%: the diagonal is each class’s precision' },
];

export class MatrixSection {
  readonly el: HTMLElement;
  private readonly body = h('div', { class: 'section-body' });
  private state?: RunViewState;
  private signature = '';
  private readonly stopTheme: () => void;

  constructor(private readonly ctx: PanelContext) {
    this.el = section('confusion-matrix', 'Confusion matrix', this.body);
    this.stopTheme = onThemeChange(() => this.render());
  }

  update(state: RunViewState): void {
    const sig = JSON.stringify(state.matrices);
    this.state = state;
    if (sig === this.signature) return;
    this.signature = sig;
    this.render();
  }

  destroy(): void {
    this.stopTheme();
  }

  private render(): void {
    const state = this.state;
    if (!state) return;
    if (state.matrices.length === 0) {
      this.body.replaceChildren(howToLog(this.ctx,
        'No confusion matrix was logged for this run. Log the actual and predicted classes of your evaluation set: the matrix, per-class precision, recall and F1, and the accuracy follow from them:',
        'await mlops.evaluation.logConfusionMatrix(run.runId, { actual, predicted });',
        'Pass a name to keep several (for example { name: \'train\' } and { name: \'test\' }), or log a matrix you already have: { labels, counts }.'));
      return;
    }
    const view = pickMatrix(state.matrices, this.ctx.ui.matrix);
    if (!view) return;
    const controls = h('div', { class: 'toolbar' },
      state.matrices.length > 1
        ? h('label', { class: 'control' }, h('span', null, 'Matrix'),
          dropdown(state.matrices.map((m) => ({ value: m.name, label: m.name })), view.name, 'Confusion matrix', (v) => { this.ctx.setUi({ matrix: v }); this.render(); }, { class: 'matrix-picker' }))
        : h('span', { class: 'muted' }, `Matrix “${view.name}”`),
      radioGroup(NORMALIZATIONS, this.ctx.ui.normalization, 'Show', (v) => { this.ctx.setUi({ normalization: v }); this.render(); }, { class: 'normalization' }));
    this.body.replaceChildren(controls, h('div', { class: 'matrix-layout' }, this.heatmap(view), this.report(view)));
  }

  private heatmap(view: MatrixView): HTMLElement {
    const mode = this.ctx.ui.normalization;
    const model = heatmapModel(view.matrix, mode);
    const n = view.matrix.labels.length;
    const total = model.rowTotals.reduce((a, b) => a + b, 0);
    const title = `Confusion matrix “${view.name}”${mode === 'none' ? '' : mode === 'row' ? ' (by row: recall)' : ' (by column: precision)'}`;
    return card({
      title: 'Heat map',
      subtitle: [`${n} classes · ${total.toLocaleString('en')} samples`],
      className: 'heatmap-card',
      actions: [
        savePngButton(this.ctx, `confusion-matrix-${view.name}`, () => heatmapCanvas(model, chartColors(), title).toDataURL('image/png')),
        copyCsvButton(this.ctx, `the confusion matrix “${view.name}”`, () => matrixCsv(view.matrix)),
      ],
    }, h('div', { class: 'cm-scroll' }, heatmapTable(model, chartColors())));
  }

  private report(view: MatrixView): HTMLElement {
    const r = view.report;
    if (!r) return card({ title: 'Per-class figures', className: 'report-card' }, h('p', { class: 'error' }, `They cannot be computed: ${view.problem ?? 'unknown problem'}.`));
    const num = (x: number, key?: string) => ({ text: fixed3(x), title: String(x), data: key ? { field: key } : undefined });
    return card({
      title: 'Per-class figures',
      className: 'report-card',
      actions: [copyCsvButton(this.ctx, `the classification report “${view.name}”`, () => reportCsv(r))],
    },
    h('div', { class: 'accuracy' },
      h('span', { class: 'accuracy-label' }, 'Accuracy'),
      h('span', { class: 'accuracy-value', title: String(r.accuracy), data: { value: String(r.accuracy) } }, fixed3(r.accuracy)),
      h('span', { class: 'muted' }, ` on ${r.macro.support.toLocaleString('en')} samples`)),
    h('div', { class: 'table-scroll report-scroll' }, table(
      [{ label: 'Class' }, { label: 'Precision', align: 'right' }, { label: 'Recall', align: 'right' }, { label: 'F1', align: 'right' }, { label: 'Support', align: 'right' }],
      r.classes.map((c) => [
        { text: c.label, data: { label: c.label } },
        num(c.precision, 'precision'), num(c.recall, 'recall'), num(c.f1, 'f1'),
        { text: c.support.toLocaleString('en'), data: { field: 'support' } },
      ]),
      {
        caption: 'Per-class precision, recall, F1 and support',
        className: 'report',
        rowProps: (i) => ({ data: { label: r.classes[i].label } }),
        footer: [
          ['macro avg', num(r.macro.precision), num(r.macro.recall), num(r.macro.f1), r.macro.support.toLocaleString('en')],
          ['weighted avg', num(r.weighted.precision), num(r.weighted.recall), num(r.weighted.f1), r.weighted.support.toLocaleString('en')],
        ],
      })),
    h('p', { class: 'hint' }, 'Recall: share of each actual class found. Precision: share of each prediction that was right. Macro: the plain mean over classes; weighted: by support.'));
  }
}
