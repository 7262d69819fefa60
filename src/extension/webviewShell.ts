/**
 * The one HTML shell and option set of every webview panel: a strict CSP (`default-src 'none'`,
 * scripts and styles only by nonce or from the extension), resources only from the extension's own
 * dist/ and media/ folders, and a page whose bundled script draws everything from the state it is sent.
 */
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';

/** Panel options: scripts on, and nothing loadable from the workspace. */
export function panelOptions(extensionUri: vscode.Uri): vscode.WebviewOptions & vscode.WebviewPanelOptions {
  return {
    enableScripts: true,
    enableFindWidget: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist'), vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

export interface ShellContent {
  /** Path of the script under the extension, e.g. `dist/webview/dashboard.js`. */
  readonly script: string;
  /** Path of the stylesheet under the extension. */
  readonly style: string;
  readonly title: string;
  /** The body's markup before the script: fixed markup of the extension, never data. */
  readonly body: string;
  /** `data-view` of the body, for scripts shared by several views. */
  readonly view?: string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The page of one panel. */
export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, content: ShellContent): string {
  const nonce = randomBytes(16).toString('base64');
  const asUri = (relative: string): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...relative.split('/'))).toString();
  const csp = [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${asUri('media/panel.css')}" nonce="${nonce}">
<link rel="stylesheet" href="${asUri(content.style)}" nonce="${nonce}">
<title>${escapeHtml(content.title)}</title>
</head>
<body${content.view ? ` data-view="${escapeHtml(content.view)}"` : ''}>
${content.body}
<script nonce="${nonce}" src="${asUri(content.script)}"></script>
</body>
</html>`;
}
