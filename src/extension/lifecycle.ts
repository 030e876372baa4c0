import * as vscode from 'vscode';

/** Owns disposables and disposes them in reverse order (cf. vscode-pull-request-github's lifecycle.ts). */
export class DisposableStore implements vscode.Disposable {
  private readonly items: vscode.Disposable[] = [];
  private disposed = false;

  add<T extends vscode.Disposable>(d: T): T {
    if (this.disposed) d.dispose();
    else this.items.push(d);
    return d;
  }

  dispose(): void {
    this.disposed = true;
    while (this.items.length) {
      try { this.items.pop()!.dispose(); } catch { /* keep disposing the rest */ }
    }
  }
}
