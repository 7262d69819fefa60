/**
 * One webview panel of a view (dashboard, compare or leaderboard): waits for the webview's `ready`,
 * then pushes the whole state, again at most every REFRESH_MS while its runs change.
 */
import * as vscode from 'vscode';
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

export class ViewPanel implements vscode.Disposable {
  private ready = false;
  private timer: NodeJS.Timeout | undefined;
  private last: HostMessage | undefined;
  private waiters: ((delivered: Delivered | undefined) => void)[] = [];
  private readonly subscriptions: vscode.Disposable[] = [];
  private disposed = false;
  private readonly closed = new vscode.EventEmitter<void>();
  readonly onDidClose = this.closed.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly view: ViewName,
    extensionUri: vscode.Uri,
    private readonly build: () => HostMessage,
    private readonly onMessage: (message: WebviewMessage) => void,
  ) {
    panel.webview.options = webviewOptions(extensionUri);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'ml-workbench.svg');
    panel.webview.html = renderHtml(panel.webview, extensionUri, view, panel.title);
    this.subscriptions.push(
      panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      // A hidden webview is discarded; it says `ready` again when shown.
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Pushes fresh state soon; many changes in a burst give one push. */
  refresh(): void {
    if (this.timer || this.disposed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.push();
    }, REFRESH_MS);
  }

  /** Resolves after the webview drew the next state (or with undefined after `timeoutMs`). */
  whenRendered(timeoutMs = 30_000): Promise<Delivered | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(undefined);
      }, timeoutMs);
      const waiter = (delivered: Delivered | undefined): void => {
        clearTimeout(timer);
        resolve(delivered);
      };
      this.waiters.push(waiter);
    });
  }

  push(): void {
    if (!this.ready || this.disposed) return;
    let message: HostMessage;
    try {
      message = this.build();
    } catch (error) {
      message = { type: 'error', message: error instanceof Error ? error.message : String(error) };
    }
    this.last = message;
    void this.panel.webview.postMessage(message);
  }

  private receive(message: unknown): void {
    if (!isWebviewMessage(message)) return; // validated where it arrives: anything else is ignored
    if (message.type === 'ready') {
      this.ready = true;
      this.push();
    } else if (message.type === 'rendered') {
      const last = this.last;
      for (const waiter of this.waiters.splice(0)) waiter(last ? { message: last, rendered: message } : undefined);
    } else {
      this.onMessage(message);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    this.closed.fire();
    this.closed.dispose();
    this.panel.dispose();
  }
}
