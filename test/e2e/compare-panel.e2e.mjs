// UI test of the comparison panel, in code-server's real workbench. Real runs of the Titanic example
// (scripts/demo-data.ts, as the run-panel test does): the three decision trees differ only in maxDepth.
// They are selected in the Runs view and compared from its context menu; the DOM must list exactly
// maxDepth under "only what differs", mark the best accuracy on the right run (read from the store with
// the CLI), and show the data hashes as equal. Then the panel follows the selection (a fourth run, still
// logging, whose new points arrive live), comes back after a reload, and opens on 100 synthetic runs;
// the time to first render is logged. Screenshots: test-results/screenshots/compare-<section>.png and
// compare-100-<section>.png.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const TREES = ['tree depth 3', 'tree depth 5', 'tree depth 8'];
const LIVE_RUN = 'mlp (training)';
const SWEEP = 'Wide sweep';
const SWEEP_RUNS = 100;
const SECTIONS = ['parameters', 'metrics', 'histories', 'relations', 'data', 'matrices'];

// ---------------------------------------------------------------------------------------------- workspace

function runFile(ws, runId) {
  const runs = join(ws, '.mlops', 'runs');
  for (const d of readdirSync(runs)) {
    const f = join(runs, d, `${runId}.jsonl`);
    if (existsSync(f)) return f;
  }
  throw new Error(`no log file for run ${runId}`);
}

function mulberry32(seed) {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** 100 runs of a hyper-parameter sweep, written with the SDK; their loss curves appended in bulk. */
async function makeSweep(ctx) {
  const t = Date.now();
  const { MLOpsContext } = require(join(ctx.repoRoot, 'dist', 'sdk.js'));
  const mlops = await MLOpsContext.open({ workspace: ctx.workspace });
  const rnd = mulberry32(11);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rnd())) * Math.cos(2 * Math.PI * rnd());
  const labels = ['cat', 'dog', 'bird'];
  for (let k = 0; k < SWEEP_RUNS; k++) {
    const lr = 10 ** (-4 + 3 * rnd());
    const depth = 2 + Math.floor(rnd() * 11);
    const dropout = Math.round(50 * rnd()) / 100;
    const batchSize = [32, 64, 128][k % 3];
    const run = await mlops.lifeCycle.createRun({ experimentName: SWEEP, name: `sweep ${String(k).padStart(3, '0')}` });
    await mlops.training.logHyperParameters(run.runId, { optimizer: k % 4 ? 'adam' : 'sgd', learningRate: Number(lr.toPrecision(3)), depth, dropout, batchSize, epochs: 40 });
    // Half of the runs trained on shifted data: the drift shows in the Data section.
    const shift = k % 2 ? 0.8 : 0;
    const rows = Array.from({ length: 300 }, (_, i) => ({ x: Number((gauss() + shift).toFixed(3)), segment: ['a', 'b', 'c'][(i + (k % 2) * (i % 2)) % 3], y: labels[i % 3] }));
    await mlops.data.logData(run.runId, rows, { name: 'train' });
    await mlops.data.logDataDistribution(run.runId, rows, 'x', { name: 'train' });
    await mlops.data.logDataDistribution(run.runId, rows, 'segment', { name: 'train' });
    const quality = 0.6 + 0.3 * Math.exp(-((Math.log10(lr) + 2.3) ** 2)) - 0.01 * Math.abs(depth - 7) - 0.1 * dropout + 0.02 * gauss();
    const acc = Math.max(0.3, Math.min(0.99, quality));
    const counts = labels.map((_, i) => labels.map((_, j) => (i === j ? Math.round(100 * acc) : Math.round((100 * (1 - acc)) / 2))));
    await mlops.evaluation.logConfusionMatrix(run.runId, { labels, counts }, { name: 'test' });
    await mlops.evaluation.logMetrics(run.runId, { accuracy: acc, f1: acc - 0.02 });
    const lines = [];
    const t0 = Date.now() - 400_000;
    for (let step = 0; step < 400; step++) {
      const value = (1.2 - acc) + 1.4 * Math.exp(-step * lr * 30) + 0.03 * Math.sin(step / 7 + k);
      lines.push(JSON.stringify({ v: 1, ts: t0 + step * 1000, type: 'metric', runId: run.runId, key: 'loss', value, step, timestamp: t0 + step * 1000 }));
    }
    appendFileSync(runFile(ctx.workspace, run.runId), lines.join('\n') + '\n');
    await mlops.lifeCycle.endRun(run.runId);
  }
  ctx.log(`${SWEEP_RUNS} sweep runs written in ${Date.now() - t} ms`);
}

async function makeRuns(ctx) {
  const t = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/demo-data.ts', ctx.workspace], { cwd: ctx.repoRoot, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`scripts/demo-data.ts failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  ctx.log(`Titanic runs written by scripts/demo-data.ts in ${Date.now() - t} ms`);
  await makeSweep(ctx);
}

/** What the store says (the CLI reads .mlops/tracking.db, rebuilt from the logs when needed). */
function cli(ctx, ...args) {
  return JSON.parse(execFileSync(process.execPath, [join(ctx.repoRoot, 'dist/cli.js'), ...args, '--json', '--workspace', ctx.workspace], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }));
}

// ---------------------------------------------------------------------------------------------- UI helpers

/** The visible webview's document (hidden panels keep no webview: no retainContextWhenHidden). */
function panel(ctx) {
  const outer = ctx.page.locator('iframe.webview.ready').filter({ visible: true }).last();
  return outer.contentFrame().locator('iframe#active-frame').contentFrame();
}

async function waitForCompare(ctx, runs, timeout = 30_000) {
  const f = panel(ctx);
  await f.locator(`body[data-ready="true"][data-runs="${runs}"] h1.compare-title`).waitFor({ timeout });
  return f;
}

function treeRow(ctx, name) {
  return ctx.treeRows().filter({ has: ctx.page.locator('.label-name', { hasText: new RegExp(`^${name.replace(/[()]/g, '\\$&')}$`) }) }).first();
}

/** Opens the row's context menu; returns a function that picks `item` in it. */
async function contextMenu(ctx, row, item) {
  await row.click({ button: 'right' });
  const menu = ctx.page.locator('.context-view .monaco-menu');
  const entry = menu.locator('.action-item', { hasText: item }).first();
  await entry.waitFor({ timeout: 10_000 });
  return async () => {
    await entry.hover();
    await ctx.page.waitForTimeout(150);
    await entry.click();
    // A click that lands while the menu is still settling is lost: the hovered item takes Enter too.
    if (await menu.isVisible().catch(() => false)) {
      await ctx.page.waitForTimeout(300);
      if (await menu.isVisible().catch(() => false)) await ctx.page.keyboard.press('Enter');
    }
  };
}

async function closeEditors(ctx) {
  await ctx.runCommand('View: Close All Editors');
  await ctx.page.locator('iframe.webview.ready').filter({ visible: true }).first().waitFor({ state: 'detached', timeout: 5000 }).catch(() => {});
}

/** Each section whole: the window is made tall enough for the longest one, then set back. */
async function shootSections(ctx, f, prefix, only = SECTIONS) {
  const size = ctx.page.viewportSize();
  await ctx.page.setViewportSize({ width: 1600, height: 2200 });
  await ctx.page.waitForTimeout(400);
  try {
    for (const id of only) {
      const s = f.locator(`section#${id}`);
      await s.scrollIntoViewIfNeeded();
      await s.evaluate((el) => window.scrollTo(0, el.getBoundingClientRect().top + window.scrollY - 48));
      await ctx.page.waitForTimeout(300);
      await ctx.screenshot(`${prefix}-${id}`, { locator: s });
    }
  } finally {
    if (size) await ctx.page.setViewportSize(size);
  }
}

const texts = async (loc) => (await loc.allTextContents()).map((t) => t.trim());

/** Switches the colour theme through the workspace settings and waits for the panel to follow. */
async function switchTheme(ctx, kind) {
  mkdirSync(join(ctx.workspace, '.vscode'), { recursive: true });
  writeFileSync(join(ctx.workspace, '.vscode', 'settings.json'), JSON.stringify({ 'workbench.colorTheme': kind === 'dark' ? 'Dark 2026' : 'Light 2026' }, null, 2) + '\n');
  await panel(ctx).locator(`body.${kind === 'dark' ? 'vscode-dark' : 'vscode-light'}`).waitFor({ timeout: 20_000 });
  await ctx.page.waitForTimeout(500); // charts redraw on the next frame
  return panel(ctx);
}

// ---------------------------------------------------------------------------------------------- the test

export default async function (ctx) {
  await makeRuns(ctx);
  const dialogs = [];
  ctx.page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  await ctx.openWorkbench();
  await ctx.openMlopsView();

  const titanic = cli(ctx, 'runs').find((e) => e.name === 'Titanic');
  const byName = new Map(titanic.runs.map((r) => [r.name, r]));
  const trees = TREES.map((n) => byName.get(n));
  assert.ok(trees.every(Boolean), `the three trees are in the store: ${[...byName.keys()]}`);
  const details = trees.map((r) => cli(ctx, 'show', r.id));

  // ---- select the three trees in the Runs view (Ctrl+click: no run panel opens) and compare them
  for (const name of TREES) await treeRow(ctx, name).waitFor({ timeout: 30_000 });
  for (const name of TREES) await treeRow(ctx, name).click({ modifiers: ['Control'] });
  await ctx.waitFor(async () => (await ctx.sidebar().locator('.monaco-list-row.selected').count()) === 3, { message: 'three selected rows' });
  await (await contextMenu(ctx, treeRow(ctx, TREES[1]), 'Compare Runs'))();
  let f = await waitForCompare(ctx, 3);
  // Away from the Runs view, whose hovers would cover the panel.
  await ctx.page.mouse.move(900, 700);
  const tab = await ctx.page.locator('.tab.active .label-name, .tab.active .monaco-icon-label').first().textContent();
  assert.match(tab ?? '', /Compare: 3 runs/);

  // Columns are the runs, oldest first (the trees were trained in order of depth).
  const columns = await f.locator('table.params-compare thead th.wide-col').evaluateAll((ths) => ths.map((t) => t.dataset.runId));
  assert.deepEqual(columns, trees.map((r) => r.id), 'one column per run, oldest first');

  // Parameters: "only what differs" is on, and exactly maxDepth differs.
  assert.equal(await f.locator('vscode-checkbox.only-differs').evaluate((el) => el.checked), true, '"only what differs" is on by default');
  const differing = await texts(f.locator('table.params-compare tbody tr[data-param] th'));
  assert.deepEqual(differing, ['maxDepth'], `only maxDepth differs: ${differing}`);
  const depthCells = await texts(f.locator('table.params-compare tr[data-param="maxDepth"] td'));
  assert.deepEqual(depthCells, details.map((d) => String(d.params.maxDepth)));
  assert.deepEqual(depthCells, ['3', '5', '8']);
  assert.equal(await f.locator('table.params-compare tr[data-row="algorithm"] td').first().textContent(), 'DecisionTreeClassifier', 'the algorithm row first');
  const same = Object.keys(details[0].params).filter((k) => k !== 'maxDepth');
  assert.ok(same.length >= 3, `the trees share other parameters: ${same}`);
  await f.locator('vscode-checkbox.only-differs').click();
  await ctx.waitFor(async () => (await f.locator('table.params-compare tbody tr[data-param]').count()) === same.length + 1, { message: 'every parameter once "only what differs" is off' });
  await f.locator('vscode-checkbox.only-differs').click();
  await ctx.waitFor(async () => (await f.locator('table.params-compare tbody tr[data-param]').count()) === 1, { message: 'back to the differing parameter' });
  ctx.log(`parameters: only maxDepth differs (${depthCells.join(', ')}); the same in all: ${same.join(', ')}`);

  // Metrics: the best accuracy (from the store) is marked on its run, and only there.
  const accuracy = trees.map((r) => r.metrics.accuracy);
  const top = Math.max(...accuracy);
  const expectedBest = trees.filter((r) => r.metrics.accuracy === top).map((r) => r.id);
  const marked = await f.locator('table.metrics-compare td[data-metric="accuracy"][data-best="true"]').evaluateAll((tds) => tds.map((t) => t.dataset.runId));
  assert.deepEqual(marked, expectedBest, `best accuracy ${top} marked on ${expectedBest}`);
  assert.ok((await f.locator('table.metrics-compare td[data-metric="accuracy"].is-best .best-mark').count()) === expectedBest.length, 'a ★ on the best');
  const shown = await f.locator('table.metrics-compare td[data-metric="accuracy"]').evaluateAll((tds) => tds.map((t) => Number(t.dataset.value)));
  assert.deepEqual(shown, accuracy, 'accuracy per run as in the store');
  const deltaOf2 = await f.locator(`table.metrics-compare td[data-metric="accuracy"][data-run-id="${trees[2].id}"] .delta`).textContent();
  assert.match(deltaOf2 ?? '', /^[+−±]/, `a difference to the baseline: ${deltaOf2}`);
  ctx.log(`metrics: accuracy ${accuracy.map((a) => a.toFixed(3)).join(', ')}; best marked on ${TREES[trees.findIndex((r) => r.id === expectedBest[0])]}; delta of depth 8 ${deltaOf2}`);

  // Data: the same file in every run, so the hashes are shown as equal, and no drift.
  const sha = details[0].datasets.find((d) => d.name === 'titanic-train.csv').sha256;
  assert.ok(details.every((d) => d.datasets.find((x) => x.name === 'titanic-train.csv').sha256 === sha), 'the store has one hash');
  const ds = f.locator('.dataset-compare[data-dataset="titanic-train.csv"]');
  assert.equal(await ds.locator('.hash-status').getAttribute('data-equal'), 'true', 'hashes shown as equal');
  assert.equal(await ds.locator('.hash-status').getAttribute('data-sha256'), sha);
  assert.match(await ds.locator('.hash-status').textContent(), /same data in all 3 runs/);
  assert.equal(await ds.locator('.schema-status').getAttribute('data-same'), 'true');
  assert.equal(await ds.locator('.dist-compare[data-column="Age"] .drift').getAttribute('data-verdict'), 'none', 'the same data does not drift');
  assert.equal(Number(await ds.locator('.dist-compare[data-column="Age"] .drift').getAttribute('data-psi')), 0);
  assert.equal(await f.locator('.dataset-compare[data-dataset="test split"] .hash-status').getAttribute('data-equal'), 'true');

  // Confusion matrices: side by side, and the difference of two.
  await f.locator('section#matrices').scrollIntoViewIfNeeded();
  await f.locator('section#matrices .cm-card').nth(2).waitFor({ timeout: 15_000 });
  assert.equal(await f.locator('section#matrices .cm-card').count(), 3);
  await f.locator('section#matrices table.cm-diff td.diff-cell').first().waitFor();
  const testMatrix = (d) => d.confusionMatrices.find((m) => m.name === 'test').matrix;
  const a = testMatrix(details[0]);
  const bestIdx = trees.findIndex((r) => r.id === expectedBest[0]);
  const b = testMatrix(details[bestIdx === 0 ? 1 : bestIdx]);
  const cell = Number(await f.locator('table.cm-diff td[data-actual="1"][data-predicted="1"]').getAttribute('data-diff'));
  assert.equal(cell, b.counts[1][1] - a.counts[1][1], 'difference of the diagonal cell, B − A');
  const recall = (m, i) => m.counts[i][i] / m.counts[i].reduce((x, y) => x + y, 0);
  assert.equal(await f.locator('table.deltas-table tr[data-label="1"] td[data-field="recall"]').getAttribute('title'), String(recall(b, 1) - recall(a, 1)));

  // Screenshots of each section; no CSP violation, no script ran from text.
  assert.equal(await f.locator('body').getAttribute('data-csp-violations'), null, 'no Content-Security-Policy violation');
  await f.locator('header.compare-header').scrollIntoViewIfNeeded();
  await ctx.screenshot('compare-header', { locator: f.locator('header.compare-header') });
  await shootSections(ctx, f, 'compare', SECTIONS.filter((s) => s !== 'histories'));
  // The same in a dark theme: every colour comes from the theme.
  f = await switchTheme(ctx, 'dark');
  await shootSections(ctx, f, 'compare-dark', ['metrics', 'relations', 'matrices']);
  f = await switchTheme(ctx, 'light');

  // ---- the panel follows the selection: Ctrl+click a run that is still logging adds it
  await treeRow(ctx, LIVE_RUN).click({ modifiers: ['Control'] });
  f = await waitForCompare(ctx, 4);
  await ctx.page.mouse.move(900, 700);
  const live = byName.get(LIVE_RUN);
  const loss = f.locator('.history-card[data-metric="loss"]');
  await loss.scrollIntoViewIfNeeded();
  const before = cli(ctx, 'show', live.id).metrics.find((m) => m.key === 'loss').count;
  await ctx.waitFor(async () => Number(await loss.getAttribute('data-points')) === before, { message: `the ${before} loss points of ${LIVE_RUN}` });
  // New points arrive in its log: the chart follows.
  const t0 = Date.now();
  const lines = [];
  for (let step = 2000; step < 2100; step += 2) lines.push(JSON.stringify({ v: 1, ts: t0, type: 'metric', runId: live.id, key: 'loss', value: 0.3 + 0.01 * Math.sin(step), step, timestamp: t0 + step }));
  appendFileSync(runFile(ctx.workspace, live.id), lines.join('\n') + '\n');
  await ctx.waitFor(async () => Number(await loss.getAttribute('data-points')) === before + lines.length, { timeout: 20_000, message: 'the new points drawn' });
  ctx.log(`live: ${lines.length} new loss points of ${LIVE_RUN} drawn ${Date.now() - t0} ms after they were logged`);
  await shootSections(ctx, f, 'compare', ['histories']);

  // ---- a reload brings the panel back on the same runs
  // "Developer: Reload Window" saves the workbench state (and the webview's) before reloading, as users do.
  const navigated = ctx.page.waitForEvent('framenavigated', { predicate: (fr) => fr === ctx.page.mainFrame(), timeout: 30_000 });
  await ctx.runCommand('Developer: Reload Window');
  await navigated;
  await ctx.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
  f = await waitForCompare(ctx, 4, 60_000);
  ctx.log('the comparison came back after a reload, on 4 runs');
  assert.equal(await f.locator('body').getAttribute('data-csp-violations'), null, 'no Content-Security-Policy violation');
  assert.deepEqual(dialogs, [], 'no alert() ran');

  // The trees log scores, the network a loss: no metric is common to all four, and the panel says so.
  await f.locator('[data-notice="no-common-metric"]').waitFor();
  await ctx.screenshot('compare-no-common-metric', { locator: f.locator('section#metrics') });
  // Removing runs with their × down to one: the panel suggests selecting more.
  for (const name of [LIVE_RUN, TREES[2], TREES[1]]) {
    const before = Number(await f.locator('body').getAttribute('data-runs'));
    await f.locator('.run-chip', { hasText: name }).locator('.chip-remove').click();
    f = await waitForCompare(ctx, before - 1);
  }
  await f.locator('[data-notice="one-run"]').waitFor();
  assert.match(await ctx.page.locator('.tab.active .label-name, .tab.active .monaco-icon-label').first().textContent() ?? '', /Compare: 1 run/);
  await ctx.screenshot('compare-one-run', { locator: f.locator('header.compare-header') });
  // "Add Runs…" picks a run of another experiment: compared anyway, and said so.
  await f.locator('vscode-button.add-runs').click();
  const pick = ctx.page.locator('.quick-input-widget .quick-input-box input');
  await pick.waitFor({ state: 'visible' });
  await pick.fill('sweep 042');
  await ctx.page.locator('.quick-input-list .monaco-list-row', { hasText: 'sweep 042' }).first().click();
  await ctx.page.keyboard.press('Enter');
  f = await waitForCompare(ctx, 2);
  await f.locator('[data-notice="experiments"]').waitFor();
  assert.match(await f.locator('[data-notice="experiments"]').textContent(), /2 experiments \(Titanic, Wide sweep\)/);
  await ctx.screenshot('compare-two-experiments', { locator: f.locator('header.compare-header') });

  // ---- 100 runs: select the sweep (Ctrl+click the top one, scroll down, Shift+click the last) and compare
  await closeEditors(ctx);
  await ctx.openMlopsView();
  // The Runs view lists the newest first: sweep 099 at the top, sweep 000 at the bottom.
  const first = treeRow(ctx, `sweep ${String(SWEEP_RUNS - 1).padStart(3, '0')}`);
  await first.waitFor({ timeout: 30_000 });
  // Clear the old selection: Escape clears it in VS Code's lists.
  await first.click({ modifiers: ['Control'] });
  await ctx.page.keyboard.press('Escape');
  await first.click({ modifiers: ['Control'] });
  // Scroll the view to its end (the wheel moves neither the focus nor the selection's anchor).
  const last = treeRow(ctx, 'sweep 000');
  const box = await ctx.sidebar().locator('.monaco-list').first().boundingBox();
  await ctx.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let k = 0; k < 40 && !(await last.isVisible()); k++) {
    await ctx.page.mouse.wheel(0, 400);
    await ctx.page.waitForTimeout(60);
  }
  await last.waitFor({ timeout: 10_000 });
  await last.click({ modifiers: ['Shift'] });
  const pickCompare = await contextMenu(ctx, last, 'Compare Runs');
  const started = Date.now();
  await pickCompare();
  f = await waitForCompare(ctx, SWEEP_RUNS, 60_000);
  await ctx.page.mouse.move(900, 700);
  const openMs = Date.now() - started;
  const firstRender = Number(await f.locator('body').getAttribute('data-first-render-ms'));
  const renderMs = Number(await f.locator('body').getAttribute('data-render-ms'));
  ctx.log(`${SWEEP_RUNS} runs: ${openMs} ms from "Compare Runs" to the rendered panel; the webview rendered ${firstRender} ms after its document started (the render itself took ${renderMs} ms)`);
  assert.equal(await f.locator('table.params-compare thead th.wide-col').count(), SWEEP_RUNS);
  // Responsive: the histories of 100 runs load and draw.
  const sweepLoss = f.locator('.history-card[data-metric="loss"]');
  await sweepLoss.scrollIntoViewIfNeeded();
  const t1 = Date.now();
  await ctx.waitFor(async () => Number(await sweepLoss.getAttribute('data-runs')) === SWEEP_RUNS, { timeout: 30_000, message: 'the loss histories of 100 runs' });
  ctx.log(`${SWEEP_RUNS} loss histories (${await sweepLoss.getAttribute('data-points')} points) drawn ${Date.now() - t1} ms after scrolling to them`);
  assert.equal(await sweepLoss.getAttribute('data-sent'), String(SWEEP_RUNS * 400), 'every point of every run arrived (400 per run, under the budget)');
  const drift = await f.locator('.dataset-compare[data-dataset="train"] .dist-compare[data-column="x"] .drift').getAttribute('data-verdict');
  assert.ok(drift === 'small' || drift === 'large', `shifted data drifts: ${drift}`);
  await f.locator('section#matrices').scrollIntoViewIfNeeded();
  await f.locator('section#matrices table.cm-diff').waitFor({ timeout: 20_000 });
  assert.equal(await f.locator('section#matrices .cm-card').count(), 12, 'the 12 most accurate side by side');
  await f.locator('header.compare-header').scrollIntoViewIfNeeded();
  await ctx.screenshot('compare-100-header', { locator: f.locator('header.compare-header') });
  await shootSections(ctx, f, 'compare-100');
  assert.equal(await f.locator('body').getAttribute('data-csp-violations'), null, 'no Content-Security-Policy violation');
}
