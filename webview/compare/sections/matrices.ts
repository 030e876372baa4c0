// Confusion matrices: side by side for the compared runs (the 12 most accurate when there are more),
// and the difference of two of them as a diverging heat map with the per-class recall and precision changes.
// Matrices are fetched when the section comes near the screen (100 runs × 100 classes is a lot of numbers).
import type { Normalization } from '../../../src/core/classification';
import { classDeltas, matrixDiff } from '../../../src/core/compare';
import type { ConfusionMatrix } from '../../../src/core/model';
import type { CompareViewState } from '../../../src/protocol/compare';
import { diffHeatmapCanvas, diffHeatmapTable } from '../../charts/diffHeatmap';
import { heatmapCanvas, heatmapModel, heatmapTable } from '../../charts/heatmap';
import { chartColors } from '../../charts/managed';
import { toCsv } from '../../components/csv';
import { h } from '../../components/dom';
import { card, copyCsvButton, howToLog, savePngButton, section } from '../../components/layout';
import { table } from '../../components/table';
import { dropdown, progressRing, radioGroup } from '../../components/toolkit';
import type { CompareContext, CompareSection } from '../context';
import { signed } from '../model';

/** Matrices shown side by side at most (the difference compares any two). */
const MAX_SIDE_BY_SIDE = 12;

const NORMALIZATIONS: { value: Normalization; label: string; title: string }[] = [
  { value: 'none', label: 'Counts', title: 'Number of samples in each cell' },
  { value: 'row', label: 'By row (recall)', title: 'Each actual class sums to 100%: fair when the runs were evaluated on different numbers of samples' },
  { value: 'column', label: 'By column (precision)', title: 'Each predicted class sums to 100%' },
];

const f3 = (x: number): string => x.toFixed(3);

function matrixCsv(m: ConfusionMatrix): string {
  return toCsv(['actual \\ predicted', ...m.labels], m.labels.map((l, i) => [l, ...m.counts[i]]));
}

export class MatricesSection implements CompareSection {
  readonly el: HTMLElement;
  private readonly body = h('div', { class: 'section-body' });
  private readonly observer: IntersectionObserver;
  private near = false;
  private signature = '';
  private pending = new Set<string>();

  constructor(private readonly ctx: CompareContext) {
    this.el = section('matrices', 'Confusion matrices', this.body);
    this.observer = new IntersectionObserver((entries) => {
      this.near = entries.some((e) => e.isIntersecting);
      if (this.near) this.render();
    }, { rootMargin: '600px 0px' });
    this.observer.observe(this.el);
  }

  update(state: CompareViewState, runsChanged: boolean): void {
    const sig = JSON.stringify(state.runs.map((r) => [r.id, r.matrices]));
    if (sig === this.signature && !runsChanged) return;
    this.signature = sig;
    this.pending.clear();
    this.render(true);
  }

  refresh(): void {
    this.render();
  }

  destroy(): void {
    this.observer.disconnect();
  }

  onMatrices(_name: string): void {
    this.pending.clear();
    this.render();
  }

  private names(): string[] {
    const names: string[] = [];
    for (const r of this.ctx.state.runs) for (const m of r.matrices) if (!names.includes(m.name)) names.push(m.name);
    return names;
  }

  private render(refetch = false): void {
    const { ctx } = this;
    const runs = ctx.state.runs;
    if (runs.length === 0) { this.body.replaceChildren(); return; }
    const names = this.names();
    if (names.length === 0) {
      this.body.replaceChildren(howToLog(ctx, 'None of these runs logged a confusion matrix. Log the actual and predicted classes of the evaluation set in each run:',
        'await mlops.evaluation.logConfusionMatrix(run.runId, { actual, predicted });'));
      return;
    }
    const name = names.includes(ctx.ui.matrix ?? '') ? ctx.ui.matrix! : names.find((n) => /^(test|validation|val|eval)$/i.test(n)) ?? names[0];
    const having = runs.map((r, i) => ({ i, meta: r.matrices.find((m) => m.name === name) })).filter((x) => x.meta !== undefined);
    const accuracy = (i: number): number => { const m = runs[i].matrices.find((x) => x.name === name); return m && m.total > 0 ? m.correct / m.total : -1; };
    const side = having.length <= MAX_SIDE_BY_SIDE ? having.map((x) => x.i) : [...having].sort((a, b) => accuracy(b.i) - accuracy(a.i)).slice(0, MAX_SIDE_BY_SIDE).map((x) => x.i).sort((a, b) => a - b);
    const b = ctx.baseline();
    const ids = having.map((x) => runs[x.i].id);
    const aIndex = runs.findIndex((r) => r.id === ctx.ui.matrixA && ids.includes(r.id));
    const A = aIndex >= 0 ? aIndex : ids.includes(runs[b].id) ? b : having[0].i;
    const bIndex = runs.findIndex((r) => r.id === ctx.ui.matrixB && ids.includes(r.id) && r.id !== runs[A].id);
    const B = bIndex >= 0 ? bIndex : [...having].filter((x) => x.i !== A).sort((p, q) => accuracy(q.i) - accuracy(p.i))[0]?.i ?? -1;
    const need = [...new Set([...side, A, ...(B >= 0 ? [B] : [])])].map((i) => runs[i].id);
    const cache = ctx.matrices(name);
    const missing = need.filter((id) => refetch || !cache?.has(id));
    const controls = h('div', { class: 'toolbar' },
      names.length > 1
        ? h('label', { class: 'control' }, h('span', null, 'Matrix'),
          dropdown(names.map((n) => ({ value: n, label: n })), name, 'Confusion matrix', (v) => { ctx.setUi({ matrix: v, matrixA: null, matrixB: null }); this.render(); }, { class: 'matrix-picker' }))
        : h('span', { class: 'muted' }, `Matrix “${name}” · logged by ${having.length} of ${runs.length} runs`),
      radioGroup(NORMALIZATIONS, ctx.ui.normalization, 'Show', (v) => { ctx.setUi({ normalization: v }); this.render(); }, { class: 'normalization' }));
    if (missing.length) {
      const key = `${name}\u0000${missing.join()}`;
      if (this.near && !this.pending.has(key)) {
        this.pending.add(key);
        ctx.requestMatrices(name, missing);
      }
      if (!cache || need.some((id) => !cache.has(id))) {
        this.body.replaceChildren(controls, h('div', { class: 'loading' }, progressRing('Loading'), h('span', null, `Loading ${need.length} confusion matrices…`)));
        return;
      }
    }
    const get = (i: number): ConfusionMatrix => cache!.get(runs[i].id)!;
    const mode = ctx.ui.normalization;
    const totals = new Set(having.map((x) => x.meta!.total));
    const sizeHint = totals.size > 1 && mode === 'none'
      ? h('p', { class: 'hint' }, 'These runs were evaluated on different numbers of samples: compare shares (by row or by column) rather than counts.')
      : null;
    const grid = h('div', { class: 'cm-grid' }, side.map((i) => this.small(name, i, get(i), mode)));
    const sideNote = having.length > side.length
      ? h('p', { class: 'hint' }, `Showing the ${side.length} most accurate of ${having.length} runs; the difference below compares any two.`)
      : null;
    const diff = B >= 0 ? this.difference(name, A, B, get(A), get(B), mode, having.map((x) => x.i)) : h('p', { class: 'muted empty-line' }, 'Only one run logged this matrix, so there is no difference to show.');
    this.body.replaceChildren(controls, sizeHint ?? '', h('h4', null, 'Side by side'), grid, sideNote ?? '', h('h4', null, 'Difference'), diff);
  }

  private small(name: string, i: number, m: ConfusionMatrix, mode: Normalization): HTMLElement {
    const { ctx } = this;
    const model = heatmapModel(m, mode);
    const total = model.rowTotals.reduce((a, x) => a + x, 0);
    const correct = m.counts.reduce((a, r, k) => a + (r[k] ?? 0), 0);
    const swatch = h('span', { class: 'swatch', attrs: { 'aria-hidden': 'true' } });
    swatch.style.backgroundColor = ctx.color(i);
    const title = `${ctx.label(i)}: confusion matrix “${name}”`;
    const el = card({
      subtitle: [swatch, h('strong', null, ctx.label(i)), ` · accuracy ${total ? f3(correct / total) : '—'} · ${total.toLocaleString('en')} samples`],
      className: 'cm-card',
      actions: [
        savePngButton(ctx, `confusion-matrix-${name}-${ctx.label(i)}`, () => heatmapCanvas(model, chartColors(), title).toDataURL('image/png')),
        copyCsvButton(ctx, `the confusion matrix of ${ctx.label(i)}`, () => matrixCsv(m)),
      ],
    }, h('div', { class: 'cm-scroll' }, heatmapTable(model, chartColors())));
    el.dataset.runId = ctx.state.runs[i].id;
    return el;
  }

  private difference(name: string, A: number, B: number, a: ConfusionMatrix, b: ConfusionMatrix, mode: Normalization, having: number[]): HTMLElement {
    const { ctx } = this;
    const runs = ctx.state.runs;
    const names: [string, string] = [ctx.label(A), ctx.label(B)];
    const d = matrixDiff(a, b, mode);
    let deltas: ReturnType<typeof classDeltas> | null = null;
    let problem: string | null = null;
    try {
      deltas = classDeltas(a, b);
    } catch (e) {
      problem = (e as Error).message;
    }
    const pick = (label: string, value: number, exclude: number, onPick: (id: string) => void, cls: string) =>
      h('label', { class: 'control' }, h('span', null, label),
        dropdown(having.filter((i) => i !== exclude).map((i) => ({ value: runs[i].id, label: ctx.label(i) })), runs[value].id, `${label} run`, onPick, { class: cls }));
    const pickers = h('div', { class: 'toolbar' },
      pick('A', A, B, (v) => { ctx.setUi({ matrixA: v }); this.render(); }, 'matrix-a'),
      pick('B', B, A, (v) => { ctx.setUi({ matrixB: v }); this.render(); }, 'matrix-b'),
      h('span', { class: 'hint' }, `Cells show B − A${mode === 'none' ? ' in samples' : ' in percentage points'}: green where B is better (more on the diagonal, fewer off it), red where it is worse.`));
    const title = `${names[1]} − ${names[0]}: confusion matrix “${name}”${mode === 'none' ? '' : mode === 'row' ? ' (by row)' : ' (by column)'}`;
    const heat = card({
      title: 'B − A',
      subtitle: [`${names[1]} minus ${names[0]}`],
      className: 'heatmap-card diff-card',
      actions: [
        savePngButton(ctx, `confusion-matrix-difference-${name}`, () => diffHeatmapCanvas(d, chartColors(), title).toDataURL('image/png')),
        copyCsvButton(ctx, 'the difference of the two matrices', () => toCsv(['actual \\ predicted', ...d.labels], d.labels.map((l, i) => [l, ...d.diff[i]]))),
      ],
    }, h('div', { class: 'cm-scroll' }, diffHeatmapTable(d, chartColors(), names)));
    let report: HTMLElement;
    if (!deltas) report = card({ title: 'Per-class changes', className: 'report-card' }, h('p', { class: 'error' }, `They cannot be computed: ${problem ?? 'unknown problem'}.`));
    else {
      const dl = deltas;
      const ch = (x: number, key: string) => ({ text: x === 0 ? '±0' : signed(x, 3), title: String(x), className: `delta delta-${x > 0 ? 'better' : x < 0 ? 'worse' : 'same'}`, data: { field: key } });
      const num = (x: number) => ({ text: f3(x), title: String(x) });
      const csv = (): string => toCsv(['class', 'recall_a', 'recall_b', 'recall_change', 'precision_a', 'precision_b', 'precision_change', 'f1_a', 'f1_b', 'f1_change', 'support_a', 'support_b'],
        dl.classes.map((c) => [c.label, c.recall.a, c.recall.b, c.recall.delta, c.precision.a, c.precision.b, c.precision.delta, c.f1.a, c.f1.b, c.f1.delta, c.support.a, c.support.b]));
      report = card({
        title: 'Per-class changes',
        subtitle: [`A: ${names[0]} · B: ${names[1]}`],
        className: 'report-card class-deltas',
        actions: [copyCsvButton(ctx, 'the per-class changes', csv)],
      },
      h('div', { class: 'accuracy' },
        h('span', { class: 'accuracy-label' }, 'Accuracy'),
        h('span', { class: 'accuracy-value' }, f3(dl.accuracy.b)),
        h('span', { class: `delta delta-${dl.accuracy.delta > 0 ? 'better' : dl.accuracy.delta < 0 ? 'worse' : 'same'}`, data: { field: 'accuracy' } }, `${dl.accuracy.delta === 0 ? '±0' : signed(dl.accuracy.delta, 3)} from ${f3(dl.accuracy.a)}`)),
      h('div', { class: 'table-scroll report-scroll' }, table(
        [{ label: 'Class' }, { label: 'Recall A', align: 'right' }, { label: 'Recall B', align: 'right' }, { label: 'Δ recall', align: 'right' },
          { label: 'Precision A', align: 'right' }, { label: 'Precision B', align: 'right' }, { label: 'Δ precision', align: 'right' }, { label: 'Support A / B', align: 'right' }],
        dl.classes.map((c) => [c.label, num(c.recall.a), num(c.recall.b), ch(c.recall.delta, 'recall'), num(c.precision.a), num(c.precision.b), ch(c.precision.delta, 'precision'),
          `${c.support.a.toLocaleString('en')} / ${c.support.b.toLocaleString('en')}`]),
        { caption: 'Per-class recall and precision of A and B, and their changes', className: 'report deltas-table', rowProps: (i) => ({ data: { label: dl.classes[i].label } }) })),
      h('p', { class: 'hint' }, 'Recall: share of each actual class found. Precision: share of each prediction that was right. Δ is B − A; green is better.'));
    }
    return h('div', { class: 'diff-block' }, pickers, h('div', { class: 'matrix-layout' }, heat, report));
  }
}
