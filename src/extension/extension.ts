import * as vscode from 'vscode';

export function activate(_context: vscode.ExtensionContext): void {
  // composition root is added below
}

export function deactivate(): void {}
