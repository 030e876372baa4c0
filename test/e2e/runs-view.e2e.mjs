// Starter UI test: the MLOps activity-bar container opens and shows the "Runs" view.
// (What the tree shows is asserted by the explorer's own UI tests.)
import assert from 'node:assert/strict';

export default async function (ctx) {
  await ctx.openWorkbench();
  const sidebar = await ctx.openMlopsView();

  // With one view in the container VS Code merges the titles ("MLOPS: RUNS"); with several, each
  // view has a pane header. Either way the view's name is on screen.
  const viewTitle = sidebar.locator('.composite.title .title-label, .pane-header .title', { hasText: /Runs/i }).first();
  await viewTitle.waitFor({ state: 'visible' });
  const text = (await viewTitle.innerText()).trim();
  ctx.log(`view title: ${JSON.stringify(text)}`);
  assert.match(text, /runs/i);

  await ctx.screenshot('runs-view');
}
