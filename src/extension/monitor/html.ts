/** The monitor page: the shared webview shell with the monitor bundle. */
import type * as vscode from 'vscode';
import { panelHtml, panelOptions } from '../webviewShell';

export const monitorWebviewOptions = panelOptions;

/** The page; dist/webview/monitor.js draws everything from the state the host sends. */
export function renderMonitorHtml(webview: vscode.Webview, extensionUri: vscode.Uri, title: string): string {
  return panelHtml(webview, extensionUri, {
    script: 'dist/webview/monitor.js',
    style: 'media/monitor.css',
    title,
    view: 'monitor',
    body: '<main id="root" aria-busy="true"><p class="mon-muted">Waiting for the service…</p></main>',
  });
}
