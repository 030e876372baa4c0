// The Runs view in the browser: the welcome view of an empty folder, the demo's real runs appearing by
// themselves once logged, and a filter typed into the palette; each screenshotted.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default async function (ctx) {
  await ctx.openWorkbench();
  const sidebar = await ctx.openMlopsView();

  // 1. An empty folder: the welcome view with the next steps.
  const welcome = sidebar.locator('.welcome-view-content', { hasText: 'No runs are tracked' });
  await welcome.waitFor({ timeout: 20_000 });
  for (const text of ['TypeScript:', 'Python:', 'MLflow']) assert.ok((await welcome.innerText()).includes(text), `the welcome view mentions ${text}`);
  await ctx.screenshot('runs-view-welcome');

  // 2. A training script logs runs (the demo: real classifiers on the Titanic data): they appear by themselves.
  execFileSync(process.execPath, ['--import', 'tsx', join(ctx.repoRoot, 'scripts/demo-data.ts'), ctx.workspace], { cwd: ctx.repoRoot, stdio: 'pipe' });
  const runs = JSON.parse(execFileSync(process.execPath, [join(ctx.repoRoot, 'dist/cli.js'), 'runs', '--json', '--workspace', ctx.workspace], { encoding: 'utf8' }));
  const titanic = runs.find((e) => e.name === 'Titanic');
  assert.equal(titanic.runs.length, 7);
  const rows = ctx.treeRows();
  await ctx.waitFor(async () => (await rows.count()) === 8, { timeout: 20_000, message: 'the experiment and its 7 runs in the tree' });
  const texts = await rows.allInnerTexts();
  ctx.log(texts.map((t) => t.replace(/\s+/g, ' ')).join(' | '));
  assert.match(texts[0], /Titanic/);
  assert.match(texts[0], /7 runs · 1 running · max accuracy/);
  for (const r of titanic.runs) assert.ok(texts.some((t) => t.includes(r.name)), `run ${r.name} is listed`);
  const best = [...titanic.runs].filter((r) => Number.isFinite(r.metrics.accuracy)).sort((a, b) => b.metrics.accuracy - a.metrics.accuracy)[0];
  const bestRow = texts.find((t) => t.includes(best.name));
  assert.match(bestRow, /best · accuracy/, `the best run (${best.name}) is marked`);
  await ctx.screenshot('runs-view');

  // 3. A filter from the palette: only the matching runs stay, and the view says which filter is on.
  const query = 'metrics.accuracy > 0.78 and status = finished';
  await ctx.runCommand('MLOps: Filter Runs');
  const input = ctx.page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor();
  await input.fill(query);
  await input.press('Enter');
  const expected = titanic.runs.filter((r) => r.status === 'finished' && r.metrics.accuracy > 0.78).map((r) => r.name).sort();
  assert.ok(expected.length > 0 && expected.length < 7, `the filter keeps some runs: ${expected}`);
  await ctx.waitFor(async () => (await rows.count()) === expected.length + 1, { message: `${expected.length} runs after the filter` });
  const shown = (await rows.allInnerTexts()).slice(1).map((t) => expected.find((n) => t.includes(n))).sort();
  assert.deepEqual(shown, expected);
  // The message above the tree renders on its own schedule, possibly after the rows.
  await ctx.waitFor(async () => (await sidebar.innerText()).includes(`Filter: ${query}`), { message: `the view to show "Filter: ${query}"` });
  await ctx.screenshot('runs-view-filtered');
  // Cleared in one click: the clear button in the view's title bar.
  await sidebar.locator('.composite.title .actions-container [aria-label="Clear Filter"]').first().click();
  await ctx.waitFor(async () => (await rows.count()) === 8, { message: 'all runs back after Clear Filter' });

  // 4. A click on a run opens its panel beside the tree: the picture for the README.
  await rows.filter({ hasText: best.name }).first().click();
  const panel = ctx.webviewFrame();
  await panel.locator('body', { hasText: 'Confusion matrix' }).waitFor({ timeout: 30_000 });
  await ctx.page.waitForTimeout(1500); // let the charts finish their first animation
  await ctx.screenshot('workbench-run-panel');
}
