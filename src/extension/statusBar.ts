// A status-bar item with the number of running runs; a click opens the Runs view.
import * as vscode from 'vscode';
import { VIEW_RUNS } from './commands/ids';
import type { StoreHost } from './storeHost';

export class RunningStatus implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('mlops.running', vscode.StatusBarAlignment.Left, 20);
  private readonly subscription: vscode.Disposable;

  constructor(private readonly host: StoreHost) {
    this.item.name = 'MLOps running runs';
    this.item.command = `${VIEW_RUNS}.focus`;
    this.subscription = host.onDidChange(() => this.update());
  }

  update(): void {
    const store = this.host.current?.db;
    const running = store ? store.countRunning() : 0;
    if (running === 0) {
      this.item.hide();
      return;
    }
    this.item.text = `$(sync~spin) ${running} run${running === 1 ? '' : 's'} running`;
    this.item.tooltip = 'MLOps: runs still logging. Click to open the Runs view.';
    this.item.show();
  }

  /** What the item shows now (for tests). */
  get text(): string | undefined {
    return this.item.text && this.host.current && this.host.current.db.countRunning() > 0 ? this.item.text : undefined;
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
