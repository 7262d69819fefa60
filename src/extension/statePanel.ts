/**
 * The host side of a webview panel that draws whatever state it is sent (dashboard, compare,
 * leaderboard, monitor): waits for the webview's `ready`, pushes the whole state on request,
 * remembers what it last sent, and lets callers wait until the webview reports having drawn it.
 * A hidden webview is discarded by VS Code and says `ready` again when shown.
 */
import * as vscode from 'vscode';
import { errorMessage } from '../core/types';

type Rendered<W> = Extract<W, { type: 'rendered' }>;

export interface StatePanelOptions<H, W extends { type: string }, D> {
  readonly html: string;
  readonly webviewOptions: vscode.WebviewOptions;
  readonly iconPath: vscode.Uri;
  /** The whole state to send; a throw is sent as the error message instead. */
  readonly build: () => H;
  readonly errorMessage: (message: string) => H;
  /** Checks a message where it arrives: anything else is ignored. */
  readonly isMessage: (value: unknown) => value is W;
  /** What a waiter of whenRendered gets for the last message sent and the webview's report. */
  readonly deliver: (last: H, rendered: Rendered<W>) => D | undefined;
  /** Every other message of the webview (commands). */
  readonly onMessage: (message: Exclude<W, { type: 'ready' | 'rendered' }>) => void;
}

/** How long a state sent may go unacknowledged before the next is sent anyway (a webview that stopped reporting). */
const IN_FLIGHT_MS = 3000;

export class StatePanel<H, W extends { type: string }, D> implements vscode.Disposable {
  private ready = false;
  /**
   * A state was sent and the webview has not said it drew it: later pushes wait and the newest is
   * sent then. Without it, states sent faster than the webview draws them queued up in it, and a
   * finished run's dashboard showed "running 88 %" with Cancel 10-17 s after the run completed.
   */
  private inFlight: NodeJS.Timeout | undefined;
  private pending = false;
  private last: H | undefined;
  private rendered: Rendered<W> | undefined;
  private waiters: ((delivered: D | undefined) => void)[] = [];
  private readonly subscriptions: vscode.Disposable[] = [];
  protected disposed = false;
  private readonly closed = new vscode.EventEmitter<void>();
  readonly onDidClose = this.closed.event;

  constructor(
    readonly panel: vscode.WebviewPanel,
    private readonly options: StatePanelOptions<H, W, D>,
  ) {
    panel.webview.options = options.webviewOptions;
    panel.iconPath = options.iconPath;
    panel.webview.html = options.html;
    this.subscriptions.push(
      panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      panel.onDidChangeViewState(() => {
        if (!panel.visible) this.ready = false;
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** The message last sent to the webview. */
  protected lastMessage(): H | undefined {
    return this.last;
  }

  /** What the webview last reported drawing. */
  lastRendered(): Rendered<W> | undefined {
    return this.rendered;
  }

  /** Resolves after the webview drew the next state (or with undefined after `timeoutMs`). */
  whenRendered(timeoutMs = 30_000): Promise<D | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(undefined);
      }, timeoutMs);
      const waiter = (delivered: D | undefined): void => {
        clearTimeout(timer);
        resolve(delivered);
      };
      this.waiters.push(waiter);
    });
  }

  /** Sends the whole current state, if the webview is listening; while it draws the last one, once it has. */
  push(): void {
    if (!this.ready || this.disposed) return;
    if (this.inFlight) {
      this.pending = true;
      return;
    }
    this.inFlight = setTimeout(() => this.drawn(), IN_FLIGHT_MS);
    let message: H;
    try {
      message = this.options.build();
    } catch (error) {
      message = this.options.errorMessage(errorMessage(error));
    }
    this.last = message;
    void this.panel.webview.postMessage(message);
  }

  /** The webview drew the state in flight (or stopped answering): send the newest one waiting. */
  private drawn(): void {
    clearTimeout(this.inFlight);
    this.inFlight = undefined;
    if (this.pending) {
      this.pending = false;
      this.push();
    }
  }

  private receive(message: unknown): void {
    if (!this.options.isMessage(message)) return;
    if (message.type === 'ready') {
      this.ready = true;
      clearTimeout(this.inFlight);
      this.inFlight = undefined;
      this.pending = false;
      this.push();
    } else if (message.type === 'rendered') {
      const rendered = message as Rendered<W>;
      this.rendered = rendered;
      const last = this.last;
      const delivered = last === undefined ? undefined : this.options.deliver(last, rendered);
      for (const waiter of this.waiters.splice(0)) waiter(delivered);
      this.drawn();
    } else {
      this.options.onMessage(message as Exclude<W, { type: 'ready' | 'rendered' }>);
    }
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.inFlight);
    for (const waiter of this.waiters.splice(0)) waiter(undefined);
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
    this.closed.fire();
    this.closed.dispose();
    this.panel.dispose();
  }
}
