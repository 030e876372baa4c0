// The `ctx` given to each UI test (test/e2e/*.e2e.mjs) by scripts/test-vscode.mjs.
//
// A UI test file:
//   import assert from 'node:assert/strict';
//   export default async function (ctx) {
//     await ctx.openWorkbench();                 // opens ctx.workspace (a fresh copy of test/fixtures/workspace/)
//     await ctx.openMlopsView();                 // clicks the MLOps activity-bar icon
//     await ctx.page.locator('.monaco-list-row', { hasText: 'Titanic' }).waitFor();
//     await ctx.screenshot('runs-view');         // -> test-results/screenshots/runs-view.png
//   }
// A test fails by throwing. Each test file gets its own browser profile and workspace copy; the
// extension is installed in code-server from the .vsix that `vsce package` makes of the repository.
//
// ctx = {
//   page            playwright-core Page (1400x900), not yet navigated: call openWorkbench() first
//   baseUrl         http://127.0.0.1:<port> of code-server
//   workspace       absolute path of this test's workspace folder (write fixture files before opening)
//   repoRoot        absolute path of the repository
//   log(...args)    prints a line prefixed with the test's name
//   screenshot(name, { fullPage, locator }?)  saves test-results/screenshots/<name>.png, prints and returns its absolute path
//   openWorkbench(folder = workspace, { waitForExtension = true }?)
//                                             loads the workbench on a folder; waits until it is restored and
//                                             the extension's contributions are registered (its activity-bar icon)
//   runCommand(title, { timeout }?)           runs a palette command by its title ("MLOps: Refresh"); the row
//                                             whose text contains `title` is clicked
//   openMlopsView()                           opens the MLOps view container; returns the sidebar Locator
//   sidebar()                                 Locator of the side bar part
//   treeRows(viewTitle?)                      Locator of the tree rows (of one view, by its title)
//   webviewFrame(index = -1)                  FrameLocator of the inner document of a webview (the last one by default)
//   notifications()                           texts of the notifications (toasts are hidden by the smoke-test driver)
//   waitFor(fn, { timeout, interval, message }) polls an async predicate until it returns a truthy value
// }
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

export function createContext({ page, baseUrl, workspace, repoRoot, name, screenshotsDir, manifest }) {
  const log = (...args) => console.log(`  [${name}]`, ...args);

  async function screenshot(shotName, { fullPage = false, locator } = {}) {
    const file = resolve(screenshotsDir, shotName.endsWith('.png') ? shotName : `${shotName}.png`);
    mkdirSync(screenshotsDir, { recursive: true });
    if (locator) await locator.screenshot({ path: file });
    else await page.screenshot({ path: file, fullPage });
    console.log(`  screenshot: ${file}`);
    return file;
  }

  async function openWorkbench(folder = workspace, { waitForExtension = true } = {}) {
    await page.goto(`${baseUrl}/?folder=${encodeURIComponent(folder)}`, { waitUntil: 'domcontentloaded' });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // The smoke-test driver (code-server --vscode-option enable-smoke-test-driver) exposes window.driver.
    await page.waitForFunction(() => typeof window.driver?.whenWorkbenchRestored === 'function', null, { timeout: 60_000 });
    await page.evaluate(() => window.driver.whenWorkbenchRestored());
    await page.locator('.part.activitybar').waitFor({ timeout: 30_000 });
    // "Restored" comes before the remote extension host has registered the extensions' contributions
    // (commands, views): until then the palette does not list our commands. The MLOps icon in the
    // activity bar shows that they are registered.
    if (waitForExtension) await activityItem().waitFor({ timeout: 60_000 });
  }

  async function runCommand(title, { timeout = 20_000 } = {}) {
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await page.keyboard.press('F1');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    // The list is computed when the text changes: retype until the command shows (it may still be
    // being registered).
    const deadline = Date.now() + timeout;
    for (;;) {
      await input.fill('>');
      await input.fill(`>${title}`);
      try {
        await row.waitFor({ timeout: 2000 });
        break;
      } catch (err) {
        if (Date.now() > deadline) throw new Error(`command "${title}" not found in the palette within ${timeout} ms`, { cause: err });
      }
    }
    await row.click();
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => {});
  }

  const sidebar = () => page.locator('.part.sidebar');

  function containerTitle() {
    const containers = manifest.contributes?.viewsContainers?.activitybar ?? [];
    const c = containers.find((x) => x.id === 'mlops') ?? containers[0];
    if (!c) throw new Error('package.json declares no contributes.viewsContainers.activitybar container (expected id "mlops")');
    return c.title;
  }

  function activityItem() {
    const title = containerTitle();
    return page.locator(`.part.activitybar .action-item a[aria-label^="${title}"], .part.activitybar [aria-label^="${title}"]`).first();
  }

  async function openMlopsView() {
    const title = containerTitle();
    const item = activityItem();
    await item.waitFor({ timeout: 30_000 });
    const sb = sidebar();
    const header = sb.locator('.composite.title', { hasText: title });
    if (!(await sb.isVisible()) || !(await header.isVisible().catch(() => false))) await item.click();
    await header.waitFor({ timeout: 15_000 });
    // Let the view's progress bar (shown while the extension activates and loads) finish.
    await sb.locator('.monaco-progress-container.active').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => {});
    return sb;
  }

  function treeRows(viewTitle) {
    if (!viewTitle) return sidebar().locator('.monaco-list-row');
    return sidebar().locator('.pane', { has: page.locator('.pane-header', { hasText: viewTitle }) }).locator('.monaco-list-row');
  }

  function webviewFrame(index = -1) {
    const outer = page.locator('iframe.webview.ready');
    const pick = index < 0 ? outer.last() : outer.nth(index);
    return pick.contentFrame().locator('iframe#active-frame').contentFrame();
  }

  async function notifications() {
    await runCommand('Notifications: Show Notifications');
    const items = page.locator('.notifications-center .notification-list-item-message');
    await page.locator('.notifications-center').waitFor({ timeout: 5000 }).catch(() => {});
    return items.allInnerTexts();
  }

  async function waitFor(fn, { timeout = 15_000, interval = 200, message = 'condition' } = {}) {
    const deadline = Date.now() + timeout;
    let last;
    for (;;) {
      try {
        last = await fn();
        if (last) return last;
      } catch (err) { last = err; }
      if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${message}${last instanceof Error ? `: ${last.message}` : ''}`);
      await new Promise((r) => setTimeout(r, interval));
    }
  }

  return {
    page, baseUrl, workspace, repoRoot, log, screenshot, openWorkbench, runCommand, openMlopsView,
    sidebar, treeRows, webviewFrame, notifications, waitFor, screenshotsDir: resolve(screenshotsDir),
    name, resultsDir: join(repoRoot, 'test-results'),
  };
}
