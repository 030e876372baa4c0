// The run panel's webview: announces `ready`, renders the state the host sends (again on every change
// while the run logs), and asks for metric histories as their charts scroll into view.
import { formatDuration, formatRelative, shortId } from '../../src/core/format';
import { assertNever } from '../../src/protocol/common';
import { decodeSteps, type MetricHistory, type RunToWebview, type RunViewState } from '../../src/protocol/run';
import { setupCharts } from '../charts/managed';
import { h } from '../components/dom';
import { progressRing, registerToolkit } from '../components/toolkit';
import type { PanelContext } from './context';
import { loadState, saveState, send } from './host';
import { DataSection } from './sections/data';
import { MatrixSection } from './sections/matrix';
import { MetricsSection } from './sections/metrics';
import { OverviewSection } from './sections/overview';
import { ParamsSection } from './sections/params';
import { parseUiState, type UiState } from './uiState';
import { f64 } from '../components/wire';

// A blocked style or script would silently break the page: report it (the UI test checks for none).
let cspViolations = 0;
document.addEventListener('securitypolicyviolation', (e) => {
  cspViolations++;
  document.body.dataset.cspViolations = String(cspViolations);
  console.error(`run panel: Content-Security-Policy blocked ${e.blockedURI || 'inline code'} (${e.violatedDirective})`);
});

registerToolkit();
setupCharts();

const app = document.getElementById('app') ?? document.body.appendChild(h('div', { id: 'app' }));
const saved = loadState();
let runId = saved.runId;
let ui: UiState = parseUiState(saved.ui);
const histories = new Map<string, MetricHistory>();

function persist(): void {
  if (runId) saveState({ runId, ui });
}

const ctx: PanelContext = {
  get ui() { return ui; },
  setUi(patch) { ui = { ...ui, ...patch }; persist(); },
  copy: (text, what) => send({ type: 'copyText', text, what }),
  savePng: (name, dataUrl) => { if (dataUrl) send({ type: 'savePng', name, dataUrl }); },
  saveCsv: (name, csv) => { if (csv) send({ type: 'saveCsv', name, csv }); },
  openRun: (id) => send({ type: 'openRun', runId: id }),
  saveNote: (text) => send({ type: 'saveNote', text }),
  requestHistory: (key, withTimes) => send({ type: 'requestHistory', key, withTimes }),
  history: (key) => histories.get(key),
};

const header = h('header', { class: 'run-header' });
const nav = h('nav', { class: 'section-nav', attrs: { 'aria-label': 'Sections' } });
const overview = new OverviewSection(ctx);
const data = new DataSection(ctx);
const params = new ParamsSection(ctx);
const metrics = new MetricsSection(ctx);
const matrix = new MatrixSection(ctx);
const page = h('main', { class: 'page' }, header, nav, overview.el, data.el, params.el, metrics.el, matrix.el);
let shown = false;
let restored = false;

app.replaceChildren(h('div', { class: 'loading' }, progressRing('Loading'), h('span', null, 'Loading the run…')));

function navLink(id: string, label: string, count?: number): HTMLElement {
  return h('a', {
    class: 'nav-link', attrs: { href: `#${id}` }, data: { target: id },
    on: { click: (e) => { e.preventDefault(); document.getElementById(id)?.scrollIntoView({ behavior: 'smooth', block: 'start' }); } },
  }, label, count !== undefined ? h('span', { class: count ? 'count' : 'count zero' }, String(count)) : null);
}

function renderHeader(state: RunViewState): void {
  const r = state.run;
  const duration = r.durationMs !== null ? formatDuration(r.durationMs) : r.status === 'running' ? `running for ${formatDuration(Date.now() - r.startTime)}` : '';
  header.replaceChildren(
    h('div', { class: 'title-row' },
      h('h1', { class: 'run-name', title: r.displayName }, r.displayName),
      h('span', { class: `status status-${r.status}` }, r.status === 'running' ? '● running' : r.status),
      r.starred ? h('span', { class: 'star', title: 'Starred' }, '★') : null,
      r.deleted ? h('span', { class: 'status status-deleted', title: 'Restore it from the Runs view (Show Deleted Runs)' }, 'deleted') : null),
    h('div', { class: 'subtitle' },
      h('span', { class: 'experiment' }, r.experimentName), ' · started ', h('span', { title: new Date(r.startTime).toLocaleString() }, formatRelative(r.startTime)),
      duration ? ` · ${duration}` : '', state.algorithm ? ` · ${state.algorithm}` : '', ' · ', h('code', { title: r.id }, shortId(r.id))));
  nav.replaceChildren(
    navLink('overview', 'Overview'),
    navLink('data', 'Data', state.datasets.length),
    navLink('hyperparameters', 'Hyper-parameters', state.params.length),
    navLink('metrics', 'Metrics', state.metrics.length),
    navLink('confusion-matrix', 'Confusion matrix', state.matrices.length));
}

function render(state: RunViewState): void {
  runId = state.run.id;
  persist();
  renderHeader(state);
  if (!shown) {
    app.replaceChildren(page);
    shown = true;
  }
  overview.update(state);
  data.update(state);
  params.update(state);
  metrics.update(state);
  matrix.update(state);
  document.body.dataset.runStatus = state.run.status;
  document.body.dataset.ready = 'true';
  if (ui.scrollY && !restored) {
    restored = true;
    requestAnimationFrame(() => window.scrollTo(0, ui.scrollY));
  }
}
function missing(id: string, message: string): void {
  runId = id;
  persist();
  shown = false;
  app.replaceChildren(h('div', { class: 'missing' }, h('h1', null, 'Run not found'), h('p', null, message),
    h('p', { class: 'muted' }, 'The panel updates by itself if the run appears (for example after "MLOps: Rebuild Store").')));
  document.body.dataset.ready = 'missing';
}

window.addEventListener('message', (e: MessageEvent<RunToWebview>) => {
  const msg = e.data;
  if (typeof msg !== 'object' || msg === null || typeof msg.type !== 'string') return;
  switch (msg.type) {
    case 'state':
      render(msg.state);
      return;
    case 'history': {
      const x = msg.history;
      const values = f64(x.values);
      const steps = ArrayBuffer.isView(x.steps) || Array.isArray(x.steps) ? f64(x.steps) : decodeSteps(x.steps, values.length);
      const history: MetricHistory = { key: x.key, steps, times: x.times === null ? null : f64(x.times), values };
      histories.set(history.key, history);
      metrics.onHistory(history);
      return;
    }
    case 'missing':
      missing(msg.runId, msg.message);
      return;
    case 'noteSaved':
      overview.noteSaved(msg.text);
      return;
    case 'noteFailed':
      overview.noteFailed(msg.message);
      return;
    default:
      assertNever(msg, 'message from the host');
  }
});

let scrollTimer: number | undefined;
window.addEventListener('scroll', () => {
  if (scrollTimer !== undefined) clearTimeout(scrollTimer);
  scrollTimer = window.setTimeout(() => ctx.setUi({ scrollY: Math.round(window.scrollY) }), 200);
  highlightNav();
}, { passive: true });

function highlightNav(): void {
  let current = 'overview';
  for (const s of document.querySelectorAll<HTMLElement>('section.section')) {
    if (s.getBoundingClientRect().top < 90) current = s.id;
  }
  for (const a of nav.querySelectorAll<HTMLElement>('.nav-link')) a.classList.toggle('current', a.dataset.target === current);
}

send({ type: 'ready' });
