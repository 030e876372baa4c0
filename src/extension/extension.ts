import type * as vscode from 'vscode';
import { MlopsExtension, type MlopsApi } from './app';

export function activate(context: vscode.ExtensionContext): MlopsApi {
  return new MlopsExtension(context).api;
}

// Disposing the composition root (registered in context.subscriptions) saves the store and releases the lock.
export function deactivate(): void {}
