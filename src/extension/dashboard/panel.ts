/**
 * One webview panel of a view (dashboard, compare or leaderboard): the shared state panel, pushed
 * again at most every REFRESH_MS while its runs change.
 */
import * as vscode from 'vscode';
import { StatePanel } from '../statePanel';
import { isWebviewMessage, type HostMessage, type ViewName, type WebviewMessage } from './contract';
import { renderHtml, webviewOptions } from './html';

const REFRESH_MS = 250;

export type RenderedMessage = Extract<WebviewMessage, { type: 'rendered' }>;

export interface Delivered {
  /** The state last pushed to the webview. */
  readonly message: HostMessage;
  /** What the webview reported after drawing it. */
  readonly rendered: RenderedMessage;
}

export class ViewPanel extends StatePanel<HostMessage, WebviewMessage, Delivered> {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    panel: vscode.WebviewPanel,
    readonly view: ViewName,
    extensionUri: vscode.Uri,
    build: () => HostMessage,
    onMessage: (message: WebviewMessage) => void,
  ) {
    super(panel, {
      html: renderHtml(panel.webview, extensionUri, view, panel.title),
      webviewOptions: webviewOptions(extensionUri),
      iconPath: vscode.Uri.joinPath(extensionUri, 'media', 'ml-workbench.svg'),
      build,
      errorMessage: (message) => ({ type: 'error', message }),
      isMessage: isWebviewMessage,
      deliver: (message, rendered) => ({ message, rendered }),
      onMessage,
    });
  }

  /** Pushes fresh state soon (`now`: at once); many changes in a burst give one push. */
  refresh(now = false): void {
    if (now && !this.disposed) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.push();
      return;
    }
    if (this.timer || this.disposed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.push();
    }, REFRESH_MS);
  }

  override dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    super.dispose();
  }
}
