/**
 * One monitor panel of one deployment: waits for the webview's `ready`, then pushes the whole state
 * whenever it is asked to (every poll of the service), and remembers what it last sent and what
 * the webview reported drawing.
 */
import * as vscode from 'vscode';
import { isWebviewMessage, type HostMessage, type MonitorState, type WebviewMessage } from './contract';
import { monitorWebviewOptions, renderMonitorHtml } from './html';

export type RenderedMessage = Extract<WebviewMessage, { type: 'rendered' }>;
export type PanelCommand = Extract<WebviewMessage, { type: 'command' }>['command'];

/** A state the panel drew: what the host sent, and what the webview said it drew. */
export interface Delivered {
  readonly state: MonitorState;
  readonly rendered: RenderedMessage;
}

export class MonitorPanel implements vscode.Disposable {
  private ready = false;
  private last: HostMessage | undefined;
  private rendered: RenderedMessage | undefined;
  private waiters: ((delivered: Delivered | undefined) => void)[] = [];
  private readonly subscriptions: vscode.Disposable[] = [];
  private disposed = false;
  private readonly closed = new vscode.EventEmitter<void>();
  readonly onDidClose = this.closed.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    extensionUri: vscode.Uri,
    private readonly build: () => HostMessage,
    private readonly onCommand: (command: PanelCommand) => void,
  ) {
    panel.webview.options = monitorWebviewOptions(extensionUri);
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'ml-workbench.svg');
    panel.webview.html = renderMonitorHtml(panel.webview, extensionUri, panel.title);
    this.subscriptions.push(
      panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      // A hidden webview is discarded; it says `ready` again when shown (its history comes back from setState).
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** The state last sent to the webview. */
  lastState(): MonitorState | undefined {
    return this.last?.type === 'state' ? this.last.state : undefined;
  }

  lastRendered(): RenderedMessage | undefined {
    return this.rendered;
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

  /** Sends the whole current state, if the webview is listening. */
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
      this.rendered = message;
      const state = this.lastState();
      for (const waiter of this.waiters.splice(0)) waiter(state ? { state, rendered: message } : undefined);
    } else {
      this.onCommand(message.command);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    this.closed.fire();
    this.closed.dispose();
    this.panel.dispose();
  }
}
