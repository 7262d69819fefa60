/**
 * The webview end of a panel's channel to the extension host, typed by the panel's contract:
 * post messages, keep state across hide/restore, and receive only host messages that pass the
 * contract's check (anything else is ignored where it arrives).
 */

interface VsCodeApi {
  postMessage(message: unknown): void;
  setState(state: unknown): void;
  getState(): unknown;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface HostChannel<H, W, P> {
  post(message: W): void;
  /** Kept by VS Code while the panel is hidden, and given back to a restored panel. */
  persist(state: P): void;
  /** What `persist` last kept (unchecked: the caller validates it). */
  restored(): unknown;
  /** Listens for the host's messages, then says `ready` so the host sends the first state. */
  connect(onMessage: (message: H) => void): void;
}

// acquireVsCodeApi may be called once per page.
let api: VsCodeApi | undefined;

/** The channel of this page; `ready` is the message every contract starts with. */
export function hostChannel<H, W extends { readonly type: string }, P>(isHostMessage: (value: unknown) => value is H, ready: W): HostChannel<H, W, P> {
  const vscode = (api ??= acquireVsCodeApi());
  const post = (message: W): void => vscode.postMessage(message);
  return {
    post,
    persist: (state) => vscode.setState(state),
    restored: () => vscode.getState(),
    connect(onMessage) {
      window.addEventListener('message', (event: MessageEvent<unknown>) => {
        if (isHostMessage(event.data)) onMessage(event.data);
      });
      post(ready);
    },
  };
}
