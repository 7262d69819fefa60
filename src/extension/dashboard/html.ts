/** The dashboard, compare and leaderboard pages: the shared webview shell with their own bundle. */
import type * as vscode from 'vscode';
import { panelHtml, panelOptions } from '../webviewShell';
import type { ViewName } from './contract';

export const webviewOptions = panelOptions;

/** The page of one view; its script bundle (dist/webview/<view>.js) draws everything from the state it is sent. */
export function renderHtml(webview: vscode.Webview, extensionUri: vscode.Uri, view: ViewName, title: string): string {
  return panelHtml(webview, extensionUri, {
    script: `dist/webview/${view}.js`,
    style: 'media/dashboard.css',
    title,
    view,
    body: '<main id="root" aria-busy="true"><p class="mlwb-muted">Loading…</p></main>',
  });
}
