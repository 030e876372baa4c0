// Saving what a panel exports (a chart as PNG, a table as CSV) through the save dialog; shared by the panels.
import * as vscode from 'vscode';
import { safeFileName } from '../../protocol/common';

export async function saveExport(folder: vscode.Uri | undefined, output: vscode.LogOutputChannel, name: string, ext: 'png' | 'csv', bytes: Uint8Array): Promise<void> {
  const uri = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, safeFileName(name, ext)) : undefined,
    filters: ext === 'png' ? { 'PNG image': ['png'] } : { 'CSV (comma-separated values)': ['csv'] },
    title: ext === 'png' ? 'Save Chart as PNG' : 'Save Table as CSV',
    saveLabel: 'Save',
  });
  if (!uri) return;
  try {
    await vscode.workspace.fs.writeFile(uri, bytes);
    output.info(`saved ${uri.toString(true)} (${bytes.length} bytes)`);
    void vscode.window.showInformationMessage(`Saved ${vscode.workspace.asRelativePath(uri)}.`, 'Open').then((a) => {
      if (a === 'Open') void vscode.commands.executeCommand('vscode.open', uri);
    });
  } catch (e) {
    void vscode.window.showErrorMessage(`Could not save ${uri.fsPath}: ${(e as Error).message}. Pick another folder and try again.`);
  }
}
