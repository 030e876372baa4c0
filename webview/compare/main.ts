// The comparison panel's webview: announces `ready`, renders the state the host sends (again whenever a
// run logs or the selection changes), and asks for metric histories and confusion matrices when their
// sections scroll into view.
import { formatRelative, shortId } from '../../src/core/format';
import type { ConfusionMatrix } from '../../src/core/model';
import { assertNever } from '../../src/protocol/common';
import { unpackHistories, type CompareToWebview, type CompareViewState, type RunHistory } from '../../src/protocol/compare';
import { setupCompareCharts } from '../charts/compareConfigs';
import { chartColors, onThemeChange, setupCharts } from '../charts/managed';
import { runPalette } from '../charts/palette';
import { h } from '../components/dom';
import { button, checkbox, dropdown, progressRing, registerToolkit } from '../components/toolkit';
import type { CompareContext } from './context';
import { loadState, saveState, send } from './host';
import { baselineIndex, runLabels } from './model';
import { DataSection } from './sections/data';
import { HistoriesSection } from './sections/histories';
import { MatricesSection } from './sections/matrices';
import { MetricsSection } from './sections/metrics';
import { ParamsSection } from './sections/params';
import { RelationsSection } from './sections/relations';
import { parseCompareUi, type CompareUi } from './uiState';
import { f64 } from '../components/wire';

// A blocked style or script would silently break the page: report it (the UI test checks for none).
let cspViolations = 0;
document.addEventListener('securitypolicyviolation', (e) => {
  cspViolations++;
  document.body.dataset.cspViolations = String(cspViolations);
  console.error(`compare panel: Content-Security-Policy blocked ${e.blockedURI || 'inline code'} (${e.violatedDirective})`);
});

registerToolkit();
setupCharts();
setupCompareCharts();

const app = document.getElementById('app') ?? document.body.appendChild(h('div', { id: 'app' }));
const saved = loadState();
let ui: CompareUi = parseCompareUi(saved.ui);
let state: CompareViewState = { runs: [], missing: [], experiments: [], directions: [], primary: null, follow: saved.follow ?? true, limit: 100 };
let colors: string[] = [];
let labels: string[] = [];
const histories = new Map<string, Map<string, RunHistory>>();
const matrices = new Map<string, Map<string, ConfusionMatrix>>();

function persist(): void {
  const runIds = state.runs.length ? [...state.runs.map((r) => r.id), ...state.missing] : saved.runIds ?? [];
  saveState({ runIds, follow: state.follow, ui });
}

const ctx: CompareContext = {
  get ui() { return ui; },
  setUi(patch) { ui = { ...ui, ...patch }; persist(); },
  get state() { return state; },
  baseline: () => baselineIndex(state.runs, ui.baseline),
  color: (i) => colors[i] ?? chartColors().foreground,
  label: (i) => labels[i] ?? '',
  visible: (run) => !ui.hidden.includes(run.id),
  setHidden: (ids) => {
    ctx.setUi({ hidden: ids });
    historiesSection.refresh();
    relations.refresh();
  },
  copy: (text, what) => send({ type: 'copyText', text, what }),
  savePng: (name, dataUrl) => { if (dataUrl) send({ type: 'savePng', name, dataUrl }); },
  saveCsv: (name, csv) => { if (csv) send({ type: 'saveCsv', name, csv }); },
  openRun: (id) => send({ type: 'openRun', runId: id }),
  removeRun: (id) => send({ type: 'removeRun', runId: id }),
  requestHistory: (key) => send({ type: 'requestHistory', key }),
  histories: (key) => histories.get(key),
  requestMatrices: (name, runIds) => send({ type: 'requestMatrices', name, runIds }),
  matrices: (name) => matrices.get(name),
};

const header = h('header', { class: 'compare-header' });
const nav = h('nav', { class: 'section-nav', attrs: { 'aria-label': 'Sections' } });
const params = new ParamsSection(ctx);
const metrics = new MetricsSection(ctx);
const historiesSection = new HistoriesSection(ctx);
const relations = new RelationsSection(ctx);
const data = new DataSection(ctx);
const matrixSection = new MatricesSection(ctx);
const sections = [params, metrics, historiesSection, relations, data, matrixSection];
const page = h('main', { class: 'page compare-page' }, header, nav, ...sections.map((s) => s.el));
let shown = false;
let restored = false;
let firstRender = true;

app.replaceChildren(h('div', { class: 'loading' }, progressRing('Loading'), h('span', null, 'Loading the runs…')));

function navLink(id: string, label: string, count?: number): HTMLElement {
  return h('a', {
    class: 'nav-link', attrs: { href: `#${id}` }, data: { target: id },
    on: { click: (e) => { e.preventDefault(); document.getElementById(id)?.scrollIntoView({ behavior: 'smooth', block: 'start' }); } },
  }, label, count !== undefined ? h('span', { class: count ? 'count' : 'count zero' }, String(count)) : null);
}

/** One section that fails to render says so in its place; the others still render. */
function guard(s: { el: HTMLElement }, fn: () => void): void {
  try {
    fn();
  } catch (e) {
    console.error(`compare panel: the ${s.el.id} section failed: ${(e as Error).stack ?? e}`);
    s.el.querySelector('.render-error')?.remove();
    s.el.append(h('p', { class: 'error render-error' }, `This section could not be drawn: ${(e as Error).message}`));
  }
}

/** Re-renders everything that depends on the view settings (baseline, hidden runs). */
function refreshAll(): void {
  for (const s of sections) guard(s, () => s.refresh());
  renderHeader();
}

function setBaseline(id: string): void {
  ctx.setUi({ baseline: id });
  refreshAll();
}

function renderHeader(): void {
  const runs = state.runs;
  const b = ctx.baseline();
  const experiments = state.experiments;
  const notices: HTMLElement[] = [];
  if (runs.length === 1) {
    notices.push(h('p', { class: 'notice notice-info', data: { notice: 'one-run' } },
      'Only one run is selected, so there is nothing to compare it with yet. Select more runs in the Runs view (Ctrl/Cmd+click or Shift+click): this panel follows the selection. Or add runs with "Add Runs…".'));
  }
  if (experiments.length > 1) {
    notices.push(h('p', { class: 'notice notice-warn', data: { notice: 'experiments' } },
      `These runs come from ${experiments.length} experiments (${experiments.map((e) => e.name).join(', ')}). They are compared anyway: parameters and metrics are matched by name.`));
  }
  if (state.missing.length) {
    notices.push(h('p', { class: 'notice notice-warn', data: { notice: 'missing' } },
      `${state.missing.length} selected run${state.missing.length === 1 ? ' is' : 's are'} not in the store (deleted from .mlops/runs/ or not read yet): ${state.missing.map(shortId).join(', ')}.`));
  }
  const chips = runs.map((r, i) => h('li', { class: `run-chip${i === b ? ' is-baseline' : ''}`, data: { runId: r.id, index: String(i) } },
    h('span', { class: 'swatch', attrs: { 'aria-hidden': 'true' } }),
    h('a', { class: 'run-chip-name', attrs: { href: '#' }, title: `Open ${r.displayName} (${r.id})`, on: { click: (e) => { e.preventDefault(); ctx.openRun(r.id); } } }, labels[i]),
    h('span', { class: `status status-${r.status}` }, r.status),
    r.deleted ? h('span', { class: 'status status-deleted', title: 'Deleted: restore it from the Runs view (Show Deleted Runs)' }, 'deleted') : null,
    experiments.length > 1 ? h('span', { class: 'muted chip-experiment' }, r.experimentName) : null,
    i === b ? h('span', { class: 'pill baseline-pill', title: 'Deltas are computed against this run' }, 'baseline') : null,
    runs.length > 1 ? h('button', { class: 'chip-remove', title: `Remove ${labels[i]} from the comparison`, attrs: { type: 'button', 'aria-label': `Remove ${labels[i]}` }, on: { click: () => ctx.removeRun(r.id) } }, '×') : null));
  for (const li of chips) {
    const sw = li.querySelector<HTMLElement>('.swatch');
    if (sw) sw.style.backgroundColor = colors[Number(li.dataset.index)];
  }
  const title = runs.length === 1 ? 'One run' : `Comparing ${runs.length} runs`;
  const sub = experiments.length === 1 ? experiments[0].name : experiments.length > 1 ? `${experiments.length} experiments` : '';
  const oldest = runs[0];
  header.replaceChildren(
    h('div', { class: 'title-row' },
      h('h1', { class: 'compare-title' }, title),
      sub ? h('span', { class: 'experiment-name' }, sub) : null,
      oldest ? h('span', { class: 'muted' }, `${runs.length === 1 ? 'started' : 'oldest started'} ${formatRelative(oldest.startTime)}`) : null),
    ...(notices.length ? [h('div', { class: 'notices' }, notices)] : []),
    h('ul', { class: 'run-chips', attrs: { 'aria-label': 'Compared runs' } }, chips),
    h('div', { class: 'toolbar header-toolbar' },
      runs.length > 1
        ? h('label', { class: 'control' }, h('span', null, 'Baseline'),
          dropdown(runs.map((r, i) => ({ value: r.id, label: labels[i] })), runs[b]?.id ?? '', 'Baseline run', (v) => setBaseline(v), { class: 'baseline-picker' }))
        : null,
      button('Add Runs…', () => send({ type: 'addRuns' }), { title: 'Pick more runs to compare', props: { class: 'add-runs' } }),
      checkbox('Follow the Runs view selection', state.follow, (v) => { state = { ...state, follow: v }; persist(); send({ type: 'setFollow', follow: v }); }, { class: 'follow-selection', title: 'While on, selecting two or more runs in the Runs view shows them here' })));
  nav.replaceChildren(
    navLink('parameters', 'Parameters'),
    navLink('metrics', 'Metrics'),
    navLink('histories', 'Histories'),
    navLink('relations', 'Parameters vs metrics'),
    navLink('data', 'Data'),
    navLink('matrices', 'Confusion matrices'));
}

function render(next: CompareViewState): void {
  const t0 = performance.now();
  const runsChanged = next.runs.map((r) => r.id).join() !== state.runs.map((r) => r.id).join();
  state = next;
  colors = runPalette(state.runs.length, chartColors());
  labels = runLabels(state.runs);
  if (runsChanged) {
    // Histories and matrices were fetched for the previous runs.
    histories.clear();
    matrices.clear();
  }
  persist();
  renderHeader();
  if (!shown) {
    app.replaceChildren(page);
    shown = true;
  }
  for (const s of sections) guard(s, () => s.update(state, runsChanged));
  document.body.dataset.runs = String(state.runs.length);
  document.body.dataset.ready = 'true';
  if (firstRender) {
    firstRender = false;
    // Milliseconds since this document started loading: the UI test logs it (100 runs must stay fast).
    document.body.dataset.firstRenderMs = String(Math.round(performance.now()));
  }
  document.body.dataset.renderMs = String(Math.round(performance.now() - t0));
  if (ui.scrollY && !restored) {
    restored = true;
    requestAnimationFrame(() => window.scrollTo(0, ui.scrollY));
  }
}

window.addEventListener('message', (e: MessageEvent<CompareToWebview>) => {
  const msg = e.data;
  if (typeof msg !== 'object' || msg === null || typeof msg.type !== 'string') return;
  switch (msg.type) {
    case 'state':
      render(msg.state);
      return;
    case 'histories': {
      const m = new Map<string, RunHistory>();
      for (const s of unpackHistories({ ...msg, steps: f64(msg.steps), times: f64(msg.times), values: f64(msg.values) })) m.set(s.runId, s);
      histories.set(msg.key, m);
      historiesSection.onHistories(msg.key);
      return;
    }
    case 'matrices': {
      const m = matrices.get(msg.name) ?? new Map<string, ConfusionMatrix>();
      for (const it of msg.items) m.set(it.runId, it.matrix);
      matrices.set(msg.name, m);
      matrixSection.onMatrices(msg.name);
      return;
    }
    default:
      assertNever(msg, 'message from the host');
  }
});

onThemeChange(() => {
  colors = runPalette(state.runs.length, chartColors());
  refreshAll();
});

let scrollTimer: number | undefined;
window.addEventListener('scroll', () => {
  if (scrollTimer !== undefined) clearTimeout(scrollTimer);
  scrollTimer = window.setTimeout(() => ctx.setUi({ scrollY: Math.round(window.scrollY) }), 200);
  highlightNav();
}, { passive: true });

function highlightNav(): void {
  let current = 'parameters';
  for (const s of document.querySelectorAll<HTMLElement>('section.section')) {
    if (s.getBoundingClientRect().top < 90) current = s.id;
  }
  for (const a of nav.querySelectorAll<HTMLElement>('.nav-link')) a.classList.toggle('current', a.dataset.target === current);
}

window.addEventListener('unload', () => {
  for (const s of sections) s.destroy();
});

send({ type: 'ready' });
