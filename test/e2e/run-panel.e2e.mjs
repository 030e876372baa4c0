// UI test of the run panel, in code-server's real workbench: opens real runs of the Titanic example
// (scripts/demo-data.ts trains ml.js classifiers on the Titanic data and logs them with the SDK), checks
// the numbers in the webview's DOM against the tracking store, checks that an HTML-looking run name is
// shown as text, measures a 100,000-point history, saves a chart and a note, and screenshots every
// section in a dark and a light theme: test-results/screenshots/run-<section>-<theme>.png.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const XSS = '<img src=x onerror=alert(1)>';
const SECTIONS = ['overview', 'data', 'hyperparameters', 'metrics', 'confusion-matrix'];
const THEMES = { dark: 'Dark 2026', light: 'Light 2026', hc: 'Default High Contrast' };
const TITANIC_RUN = 'tree depth 5';
const CURVE_RUN = 'mlp (training)';
const BIG_RUN = 'long curve, 100 classes';
const EMPTY_RUN = 'nothing logged yet';
const HISTORY_POINTS = 100_000;

// ---------------------------------------------------------------------------------------------- workspace

function runFile(ws, runId) {
  const runs = join(ws, '.mlops', 'runs');
  for (const d of readdirSync(runs)) {
    const f = join(runs, d, `${runId}.jsonl`);
    if (existsSync(f)) return f;
  }
  throw new Error(`no log file for run ${runId}`);
}

/** The Titanic example's runs (real classifiers), plus runs for the edge cases, written with the SDK. */
async function makeRuns(ctx) {
  const t = Date.now();
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/demo-data.ts', ctx.workspace], { cwd: ctx.repoRoot, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`scripts/demo-data.ts failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  ctx.log(`Titanic runs written by scripts/demo-data.ts in ${Date.now() - t} ms`);

  const { MLOpsContext } = require(join(ctx.repoRoot, 'dist', 'sdk.js'));
  const mlops = await MLOpsContext.open({ workspace: ctx.workspace });

  // User text that looks like HTML everywhere: run name, parameter names and values, class labels.
  const xss = await mlops.lifeCycle.createRun({ experimentName: 'Edge cases', name: XSS });
  await mlops.training.logHyperParameters(xss.runId, { '<b>bold</b>': '<script>alert(2)</script>', depth: 3 });
  const actual = ['<i>a</i>', '<i>a</i>', 'b&amp;', 'b&amp;', 'b&amp;'];
  const predicted = ['<i>a</i>', 'b&amp;', 'b&amp;', 'b&amp;', '<i>a</i>'];
  await mlops.evaluation.logConfusionMatrix(xss.runId, { actual, predicted }, { name: 'test' });
  await mlops.evaluation.logConfusionMatrix(xss.runId, { actual, predicted: actual }, { name: 'train' });
  await mlops.lifeCycle.endRun(xss.runId);

  const empty = await mlops.lifeCycle.createRun({ experimentName: 'Edge cases', name: EMPTY_RUN });
  await mlops.lifeCycle.endRun(empty.runId);

  // 100,000 points of one metric (one append: the SDK would write them one call at a time) and 100 classes.
  const big = await mlops.lifeCycle.createRun({ experimentName: 'Edge cases', name: BIG_RUN });
  const t0 = Date.now() - HISTORY_POINTS * 10;
  const lines = [];
  for (let step = 0; step < HISTORY_POINTS; step++) {
    const value = 2.3 * Math.exp(-step / 15_000) + 0.12 + 0.08 * Math.sin(step / 40) * Math.exp(-step / 50_000) + 0.02 * Math.sin(step * 12.9898);
    lines.push(JSON.stringify({ v: 1, ts: t0 + step * 10, type: 'metric', runId: big.runId, key: 'loss', value, step, timestamp: t0 + step * 10 }));
  }
  appendFileSync(runFile(ctx.workspace, big.runId), lines.join('\n') + '\n');
  const n = 100;
  const labels = Array.from({ length: n }, (_, i) => `class_${String(i).padStart(3, '0')}_${['cat', 'dog', 'bird', 'fish'][i % 4]}`);
  const counts = labels.map((_, i) => labels.map((_, j) => (i === j ? 40 + (i % 17) : Math.abs(i - j) === 1 ? 3 + (i % 5) : (i * 7 + j * 13) % 23 === 0 ? 1 : 0)));
  await mlops.evaluation.logConfusionMatrix(big.runId, { labels, counts }, { name: 'test' });
  await mlops.lifeCycle.endRun(big.runId);
  return { xss: xss.runId, empty: empty.runId, big: big.runId };
}

function setTheme(ws, theme) {
  mkdirSync(join(ws, '.vscode'), { recursive: true });
  writeFileSync(join(ws, '.vscode', 'settings.json'), JSON.stringify({ 'workbench.colorTheme': theme }, null, 2) + '\n');
}

// ---------------------------------------------------------------------------------------------- the store

/** Reads .mlops/tracking.db (the extension saves it shortly after ingesting) with sql.js. */
async function openStore(ctx, runId) {
  const initSqlJs = require('sql.js');
  const SQL = await initSqlJs({ locateFile: (f) => require.resolve(`sql.js/dist/${f}`) });
  const file = join(ctx.workspace, '.mlops', 'tracking.db');
  return ctx.waitFor(() => {
    if (!existsSync(file)) return undefined;
    const db = new SQL.Database(readFileSync(file));
    const found = db.exec('SELECT 1 FROM runs WHERE id = ?', [runId]).length > 0
      && db.exec('SELECT 1 FROM confusion_matrices WHERE run_id = ?', [runId]).length > 0;
    if (found) return db;
    db.close();
    return undefined;
  }, { timeout: 30_000, message: 'the run in .mlops/tracking.db' });
}

const one = (db, sql, params) => db.exec(sql, params)[0]?.values[0];

// ---------------------------------------------------------------------------------------------- UI helpers

function panel(ctx) {
  const outer = ctx.page.locator('iframe.webview.ready').filter({ visible: true }).last();
  return outer.contentFrame().locator('iframe#active-frame').contentFrame();
}

async function waitForRun(ctx, name, timeout = 30_000) {
  const f = panel(ctx);
  await f.locator('body[data-ready="true"] h1.run-name').filter({ hasText: name }).first().waitFor({ timeout });
  return f;
}

async function openFromTree(ctx, runName) {
  await ctx.openMlopsView();
  const row = ctx.treeRows().filter({ hasText: runName }).first();
  await row.waitFor({ timeout: 30_000 });
  await row.click();
  return waitForRun(ctx, runName);
}

async function closeEditors(ctx) {
  await ctx.runCommand('View: Close All Editors');
  await ctx.page.locator('iframe.webview.ready').filter({ visible: true }).first().waitFor({ state: 'detached', timeout: 5000 }).catch(() => {});
}

async function switchTheme(ctx, kind) {
  setTheme(ctx.workspace, THEMES[kind]);
  const cls = { light: 'vscode-light', dark: 'vscode-dark', hc: 'vscode-high-contrast' }[kind];
  await panel(ctx).locator(`body.${cls}`).waitFor({ timeout: 20_000 });
  await ctx.page.waitForTimeout(400); // charts redraw on the next frame
}

/** Screenshots of a webview element, with the window made tall enough for all of it (an element screenshot stops at the viewport). */
async function shoot(ctx, name, locator) {
  const page = ctx.page;
  const vp = page.viewportSize();
  const h = await locator.evaluate((el) => el.getBoundingClientRect().height);
  const want = Math.min(4000, Math.max(vp.height, Math.ceil(h) + 260));
  if (want !== vp.height) {
    await page.setViewportSize({ width: vp.width, height: want });
    await page.waitForTimeout(400);
  }
  try {
    await locator.scrollIntoViewIfNeeded();
    await page.waitForTimeout(200);
    await ctx.screenshot(name, { locator });
  } finally {
    if (want !== vp.height) await page.setViewportSize(vp);
  }
}

async function shootSections(ctx, f, theme, prefix = 'run') {
  for (const id of SECTIONS) await shoot(ctx, `${prefix}-${id}-${theme}`, f.locator(`section#${id}`));
}

const text = async (loc) => (await loc.first().textContent())?.trim() ?? '';
const num = (s) => Number(String(s).replace(/[,\s%↑↓]/g, ''));

// ---------------------------------------------------------------------------------------------- the test

export default async function (ctx) {
  await makeRuns(ctx);
  setTheme(ctx.workspace, THEMES.dark);
  const dialogs = [];
  ctx.page.on('dialog', (d) => { dialogs.push(d.message()); void d.dismiss(); });
  await ctx.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: ctx.baseUrl }).catch(() => {});
  await ctx.openWorkbench();

  // ---- a real Titanic run, opened by clicking it in the Runs view
  let f = await openFromTree(ctx, TITANIC_RUN);
  const runId = await f.locator('.run-id').first().textContent();
  assert.match(runId ?? '', /^[0-9a-f]{32}$/);
  const tabTitle = await ctx.page.locator('.tab.active .label-name, .tab.active .monaco-icon-label').first().textContent();
  assert.match(tabTitle ?? '', new RegExp(`Run: ${TITANIC_RUN}`));
  const db = await openStore(ctx, runId);

  // Data: row count and hash of the dataset, a histogram bin of Age.
  const [rows, sha] = one(db, "SELECT rows, sha256 FROM datasets WHERE run_id = ? AND name = 'titanic-train.csv'", [runId]);
  const ds = f.locator('.card.dataset').filter({ has: f.locator('.card-title', { hasText: 'titanic-train.csv' }) });
  assert.equal(num(await text(ds.locator('.rows'))), rows, 'row count');
  assert.equal(await ds.locator('.hash').first().getAttribute('data-sha256'), sha, 'SHA-256');
  assert.equal(await text(ds.locator('.hash')), sha.slice(0, 12), 'short hash shown');
  // The previous run of the experiment that logged this dataset: same file, so "same as" that run.
  const prev = one(db, `SELECT p.name, d.sha256 FROM runs cur JOIN runs p ON p.experiment_id = cur.experiment_id AND p.id <> cur.id AND p.deleted = 0
    AND (p.start_time < cur.start_time OR (p.start_time = cur.start_time AND p.id < cur.id))
    JOIN datasets d ON d.run_id = p.id AND d.name = 'titanic-train.csv' WHERE cur.id = ? ORDER BY p.start_time DESC, p.id DESC LIMIT 1`, [runId]);
  if (prev) {
    const badge = ds.locator(prev[1] === sha ? '.change-same' : '.change-changed');
    assert.match(await text(badge), new RegExp(`^(same as|changed since) ${prev[0]}$`), 'the change against the previous run');
  } else {
    assert.equal(await ds.locator('.change-first').count(), 1);
  }
  const age = JSON.parse(one(db, "SELECT distribution_json FROM distributions WHERE run_id = ? AND column_name = 'Age'", [runId])[0]);
  const ageCard = f.locator('.card.dist').filter({ has: f.locator('.card-title', { hasText: /^Age$/ }) });
  const bins = ageCard.locator('table.bins tbody tr');
  assert.equal(await bins.count(), age.counts.length, 'one row per histogram bin');
  const k = age.counts.indexOf(Math.max(...age.counts));
  assert.equal(num(await text(bins.nth(k).locator('td'))), age.counts[k], `histogram bin ${k} count`);
  assert.equal(Number(await bins.nth(k).locator('th').getAttribute('data-from')), age.edges[k], `histogram bin ${k} left edge`);
  assert.equal(await ageCard.locator('.quantiles tr', { hasText: 'median' }).locator('td').first().getAttribute('title'),
    String(age.quantiles.find((q) => q.p === 0.5).value), 'median beside the histogram');
  ctx.log(`data: ${rows} rows, sha ${sha.slice(0, 12)}, Age bin ${k} = ${age.counts[k]}`);

  // Hyper-parameters: every logged setting, exactly.
  const params = db.exec('SELECT key, value FROM params WHERE run_id = ? ORDER BY key', [runId])[0].values;
  assert.equal(await f.locator('table.params tbody tr').count(), params.length, 'one row per hyper-parameter');
  for (const [key, value] of params) {
    assert.equal(await text(f.locator(`table.params td.value[data-param="${key}"]`)), value === null ? 'null' : String(value), `hyper-parameter ${key}`);
  }
  assert.equal(await text(f.locator('.algorithm-name')), one(db, 'SELECT algorithm FROM runs WHERE id = ?', [runId])[0]);
  const depth = params.find(([key]) => key === 'maxDepth');
  assert.ok(depth && depth[1] === '5', `maxDepth logged from the ml-cart trainer: ${JSON.stringify(params)}`);

  // Metrics and the confusion matrix.
  const accuracy = one(db, "SELECT last_value FROM metric_series WHERE run_id = ? AND key = 'accuracy'", [runId])[0];
  assert.equal(Number(await f.locator('[data-metric="accuracy"][data-field="last"]').first().getAttribute('title')), accuracy, 'accuracy in the metrics table');
  assert.equal(Number(await f.locator('.accuracy-value').getAttribute('data-value')), accuracy, 'accuracy beside the matrix');
  assert.equal(await text(f.locator('.accuracy-value')), accuracy.toFixed(3));
  const [labelsJson, countsJson] = one(db, "SELECT labels_json, counts_json FROM confusion_matrices WHERE run_id = ? AND name = 'test'", [runId]);
  const labels = JSON.parse(labelsJson);
  const counts = JSON.parse(countsJson);
  for (let i = 0; i < labels.length; i++) {
    for (let j = 0; j < labels.length; j++) {
      assert.equal(num(await text(f.locator(`td.cm-cell[data-actual="${i}"][data-predicted="${j}"]`))), counts[i][j], `matrix cell [${i}][${j}]`);
    }
  }
  const recall = counts[1][1] / counts[1].reduce((a, b) => a + b, 0);
  assert.equal(await text(f.locator(`table.report tr[data-label="${labels[1]}"] td[data-field="recall"]`)), recall.toFixed(3), `recall of class ${labels[1]}`);
  ctx.log(`accuracy ${accuracy}, matrix ${JSON.stringify(counts)}, recall(${labels[1]}) ${recall.toFixed(3)}`);

  // Normalising by row shows the recall on the diagonal.
  await f.locator('vscode-radio', { hasText: 'By row' }).click();
  await f.locator('td.cm-cell[data-actual="1"][data-predicted="1"]', { hasText: '%' }).waitFor();
  assert.equal(await text(f.locator('td.cm-cell[data-actual="1"][data-predicted="1"]')), `${(100 * recall).toFixed(1)}%`);
  await f.locator('vscode-radio', { hasText: 'Counts' }).click();
  await f.locator('td.cm-cell[data-actual="1"][data-predicted="1"]', { hasText: String(counts[1][1]) }).waitFor();

  // Hyper-parameter filter.
  await f.locator('vscode-text-field.param-filter input').fill('depth');
  await ctx.waitFor(async () => (await f.locator('table.params tbody tr').count()) === params.filter(([k2]) => /depth/i.test(k2)).length, { message: 'the filtered table' });
  await f.locator('vscode-text-field.param-filter input').fill('');

  // Copy as CSV reaches the clipboard through the host.
  await f.locator('section#hyperparameters vscode-button.action-csv').click();
  const clip = await ctx.waitFor(() => ctx.page.evaluate(() => globalThis.navigator.clipboard.readText()).then((x) => (x.startsWith('name,value,type') ? x : '')).catch(() => ''), { timeout: 5000, message: 'the CSV on the clipboard' }).catch(() => '');
  if (clip) assert.match(clip, /maxDepth,5,number/);
  else ctx.log('clipboard not readable in this browser: Copy as CSV not checked');

  // Save as PNG goes through VS Code's save dialog (code-server's simple dialog, prefilled with the
  // workspace folder and the chart's name) and writes the file.
  await ageCard.locator('vscode-button.action-png').click();
  const input = ctx.page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await ctx.waitFor(async () => /titanic-train\.csv-Age/.test(await input.inputValue()), { message: 'the suggested file name' });
  await ctx.page.keyboard.press('Enter');
  const target = join(ctx.workspace, 'titanic-train.csv-Age.png');
  await ctx.waitFor(() => existsSync(target) && readFileSync(target).subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), { message: `the saved PNG ${target}` });
  ctx.log(`saved ${target} (${readFileSync(target).length} bytes)`);

  // The note is saved as an event in the run's own log, and comes back through the store.
  const note = 'Depth 5 over-fits less than 8; try min samples 5 next. <b>not bold</b>';
  await f.locator('vscode-text-area.note-input textarea').fill(note);
  await f.locator('vscode-button.note-save').click();
  await f.locator('.note-status.ok').waitFor({ timeout: 10_000 });
  const logged = readFileSync(runFile(ctx.workspace, runId), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.type === 'note');
  assert.equal(logged.at(-1)?.text, note, 'note event appended to the run log');

  // No script dialog, no CSP violation, in dark theme; then screenshots of each section in both themes.
  assert.equal(await f.locator('body').getAttribute('data-csp-violations'), null, 'no Content-Security-Policy violation');
  await f.locator('section#overview').scrollIntoViewIfNeeded();
  await shootSections(ctx, f, 'dark');
  await switchTheme(ctx, 'light');
  f = panel(ctx);
  assert.equal(await f.locator('vscode-text-area.note-input textarea').inputValue(), note, 'the saved note is shown after the theme change');
  await shootSections(ctx, f, 'light');
  await switchTheme(ctx, 'hc');
  await shootSections(ctx, panel(ctx), 'hc');
  await switchTheme(ctx, 'dark');

  // ---- a run still logging a training curve: the metrics chart (Step axis, smoothing) in both themes.
  await closeEditors(ctx);
  f = await openFromTree(ctx, CURVE_RUN);
  const curve = f.locator('.metric-card[data-metric="loss"]');
  await curve.scrollIntoViewIfNeeded();
  await curve.locator('canvas').waitFor();
  await ctx.waitFor(async () => Number(await curve.getAttribute('data-points')) > 0, { message: 'the loss curve' });
  await shoot(ctx, 'run-metrics-curve-dark', f.locator('section#metrics'));
  // The wall-time axis asks for the times it did not need for steps, and redraws.
  await f.locator('section#metrics vscode-dropdown').click();
  await f.locator('vscode-option', { hasText: 'Wall time' }).click();
  await f.locator('.metric-card[data-metric="loss"][data-x-axis="time"]').waitFor({ timeout: 10_000 });
  await f.locator('section#metrics vscode-dropdown').click();
  await f.locator('vscode-option', { hasText: 'Step' }).click();
  await f.locator('.metric-card[data-metric="loss"][data-x-axis="step"]').waitFor({ timeout: 10_000 });
  await switchTheme(ctx, 'light');
  await shoot(ctx, 'run-metrics-curve-light', panel(ctx).locator('section#metrics'));
  await switchTheme(ctx, 'dark');
  f = panel(ctx);

  // Live: points the training script appends show up in the open panel, table and chart.
  const curveId = (await f.locator('.run-id').first().textContent()) ?? '';
  const before = Number(await f.locator('.metric-card[data-metric="loss"]').getAttribute('data-points'));
  const more = [];
  for (let i = 1; i <= 50; i++) {
    const step = 2000 + 10 * i;
    more.push(JSON.stringify({ v: 1, ts: Date.now(), type: 'metric', runId: curveId, key: 'loss', value: 0.3 + 0.01 * Math.sin(i), step, timestamp: Date.now() }));
  }
  appendFileSync(runFile(ctx.workspace, curveId), more.join('\n') + '\n');
  await f.locator('.metric-card[data-metric="loss"]').and(f.locator(`[data-points="${before + 50}"]`)).waitFor({ timeout: 20_000 });
  await f.locator('table.metrics tbody tr', { hasText: 'val_loss' }).waitFor();
  assert.equal(num(await text(f.locator('table.metrics tbody tr').filter({ has: f.locator('th[data-metric="loss"]') }).locator('td').nth(4))), before + 50, 'points column follows the log');
  ctx.log(`live update: loss went from ${before} to ${before + 50} points while the panel was open`);

  // ---- after a window reload the panel comes back (serializer), showing the same run
  await ctx.page.reload({ waitUntil: 'domcontentloaded' });
  await ctx.page.waitForFunction(() => typeof window.driver?.whenWorkbenchRestored === 'function', null, { timeout: 60_000 });
  await ctx.page.evaluate(() => window.driver.whenWorkbenchRestored());
  // The restored panel may sit behind another editor, and the extension activates again first: bring its
  // tab forward and give a loaded machine more time.
  await ctx.page.locator('.tabs-container .tab', { hasText: CURVE_RUN }).first().click({ timeout: 30_000 }).catch(() => {});
  f = await waitForRun(ctx, CURVE_RUN, 60_000);
  assert.equal(await f.locator('.run-id').first().textContent(), curveId, 'the restored panel shows the same run');
  ctx.log('the run panel was restored after a reload');

  // ---- the HTML-looking run name, opened from the palette's run picker
  await closeEditors(ctx);
  await ctx.runCommand('MLOps: Open Run');
  const pick = ctx.page.locator('.quick-input-widget .quick-input-box input');
  await pick.waitFor({ state: 'visible' });
  await pick.fill('onerror');
  await ctx.page.locator('.quick-input-list .monaco-list-row', { hasText: 'onerror' }).first().waitFor();
  await ctx.page.keyboard.press('Enter');
  f = await waitForRun(ctx, XSS);
  assert.equal(await f.locator('h1.run-name').textContent(), XSS, 'the run name is shown as its characters');
  assert.equal(await f.locator('img').count(), 0, 'no <img> element was created from user text');
  assert.equal(await f.locator('b, i').count(), 0, 'no element was created from parameter values or labels');
  assert.ok((await f.locator('script').allTextContents()).every((t) => !t.includes('alert(')), 'no script was created from user text');
  assert.equal(await text(f.locator('table.params td.value[data-param="<b>bold</b>"]')), '<script>alert(2)</script>');
  assert.ok(await f.locator('th.cm-row-label', { hasText: '<i>a</i>' }).count() > 0, 'class labels as text');
  await f.locator('vscode-dropdown.matrix-picker').waitFor();
  assert.deepEqual(dialogs, [], 'no alert() ran');
  await shoot(ctx, 'run-xss-dark', f.locator('main.page'));

  // ---- nothing logged: each section says how to log it
  await closeEditors(ctx);
  f = await openFromTree(ctx, EMPTY_RUN);
  const hints = await f.locator('.how-to-log code').allTextContents();
  for (const call of ['mlops.data.logData(run.runId', 'mlops.training.logHyperParameters(run.runId', 'mlops.evaluation.logMetric(run.runId', 'mlops.evaluation.logConfusionMatrix(run.runId']) {
    assert.ok(hints.some((h) => h.includes(call)), `a "how to log" hint with ${call}`);
  }
  await shoot(ctx, 'run-empty-dark', f.locator('main.page'));
  await switchTheme(ctx, 'light');
  await shoot(ctx, 'run-empty-light', panel(ctx).locator('main.page'));
  await switchTheme(ctx, 'dark');

  // ---- 100,000 points draw in under a second; 100 classes stay readable
  await closeEditors(ctx);
  f = await openFromTree(ctx, BIG_RUN);
  const loss = f.locator('.metric-card[data-metric="loss"]');
  await loss.scrollIntoViewIfNeeded();
  await ctx.waitFor(async () => Number(await loss.getAttribute('data-points')) === HISTORY_POINTS, { timeout: 20_000, message: `${HISTORY_POINTS} points drawn` });
  const loadMs = Number(await loss.getAttribute('data-load-ms'));
  const drawMs = Number(await loss.getAttribute('data-draw-ms'));
  // The machine running the tests is shared: a wall-clock bound only means something when it is not
  // overloaded (scripts/bench measures the pipeline against a baseline instead). Under load the bound
  // is loose, to catch only a pathological slowdown (a chart without decimation takes tens of seconds).
  const load = loadavg()[0] / cpus().length;
  const bound = load < 1 ? 1000 : 15_000;
  ctx.log(`${HISTORY_POINTS} points: ${loadMs} ms from request to drawn chart, ${drawMs} ms of it drawing (load ${load.toFixed(1)} per core; bound ${bound} ms)`);
  assert.ok(loadMs < bound, `a ${HISTORY_POINTS}-point history must draw in under ${bound} ms; took ${loadMs} ms`);
  await shoot(ctx, 'run-metrics-100k-dark', loss);
  const cells = f.locator('table.cm td.cm-cell');
  assert.equal(await cells.count(), 100 * 100);
  assert.equal(await f.locator('table.cm.cm-xs').count(), 1, 'small cells for 100 classes');
  const title = await f.locator('td.cm-cell[data-actual="7"][data-predicted="7"]').getAttribute('title');
  assert.match(title ?? '', /actual "class_007_fish", predicted "class_007_fish": 47/, 'a cell names its classes in its tooltip');
  await shoot(ctx, 'run-confusion-matrix-100-dark', f.locator('section#confusion-matrix'));
  assert.equal(await f.locator('body').getAttribute('data-csp-violations'), null, 'no Content-Security-Policy violation');
  db.close();
}
