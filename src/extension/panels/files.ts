// What every panel's webview may ask for besides its own messages: copy text, save a chart as PNG or a
// table as CSV (through the save dialog). Shared by the panels.
import * as vscode from 'vscode';
import { assertNever, safeFileName, type CommonFromWebview } from '../../protocol/common';

export function handleCommonMessage(msg: CommonFromWebview, folder: vscode.Uri | undefined, output: vscode.LogOutputChannel): Promise<unknown> {
  switch (msg.type) {
    case 'copyText': {
      const what = msg.what;
      return Promise.resolve(vscode.env.clipboard.writeText(msg.text).then(() => vscode.window.setStatusBarMessage(`$(copy) Copied ${what ?? 'to the clipboard'}`, 3000)));
    }
    case 'savePng':
      return saveExport(folder, output, msg.name, 'png', Buffer.from(msg.dataUrl.slice(msg.dataUrl.indexOf(',') + 1), 'base64'));
    case 'saveCsv':
      return saveExport(folder, output, msg.name, 'csv', Buffer.from(msg.csv, 'utf8'));
    default:
      return assertNever(msg, 'panel message');
  }
}

async function saveExport(folder: vscode.Uri | undefined, output: vscode.LogOutputChannel, name: string, ext: 'png' | 'csv', bytes: Uint8Array): Promise<void> {
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
