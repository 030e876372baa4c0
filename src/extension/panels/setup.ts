// What every panel does first: its icon, and its page (strict CSP with a fresh nonce, the panel's bundle and CSS).
import * as vscode from 'vscode';
import { makeNonce, panelHtml } from './html';

export function initPanelWebview(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, kind: 'run' | 'compare', title: string): void {
  const media = vscode.Uri.joinPath(extensionUri, 'media');
  panel.iconPath = { light: vscode.Uri.joinPath(media, `${kind}-light.svg`), dark: vscode.Uri.joinPath(media, `${kind}-dark.svg`) };
  const webview = panel.webview;
  webview.html = panelHtml({
    cspSource: webview.cspSource,
    nonce: makeNonce(),
    scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', `${kind}.js`)).toString(),
    styleUri: webview.asWebviewUri(vscode.Uri.joinPath(media, `${kind}.css`)).toString(),
    title,
  });
}
