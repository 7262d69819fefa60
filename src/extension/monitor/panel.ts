/**
 * One monitor panel of one deployment: the shared state panel, pushed on every poll of the
 * service, remembering the state it last sent (the monitors and tests read it).
 */
import * as vscode from 'vscode';
import { StatePanel } from '../statePanel';
import { isWebviewMessage, type HostMessage, type MonitorState, type WebviewMessage } from './contract';
import { monitorWebviewOptions, renderMonitorHtml } from './html';

export type RenderedMessage = Extract<WebviewMessage, { type: 'rendered' }>;
export type PanelCommand = Extract<WebviewMessage, { type: 'command' }>['command'];

/** A state the panel drew: what the host sent, and what the webview said it drew. */
export interface Delivered {
  readonly state: MonitorState;
  readonly rendered: RenderedMessage;
}

export class MonitorPanel extends StatePanel<HostMessage, WebviewMessage, Delivered> {
  constructor(panel: vscode.WebviewPanel, extensionUri: vscode.Uri, build: () => HostMessage, onCommand: (command: PanelCommand) => void) {
    super(panel, {
      html: renderMonitorHtml(panel.webview, extensionUri, panel.title),
      webviewOptions: monitorWebviewOptions(extensionUri),
      iconPath: vscode.Uri.joinPath(extensionUri, 'media', 'ml-workbench.svg'),
      build,
      errorMessage: (message) => ({ type: 'error', message }),
      isMessage: isWebviewMessage,
      deliver: (last, rendered) => (last.type === 'state' ? { state: last.state, rendered } : undefined),
      onMessage: (message) => onCommand(message.command),
    });
  }

  /** The state last sent to the webview. */
  lastState(): MonitorState | undefined {
    const last = this.lastMessage();
    return last?.type === 'state' ? last.state : undefined;
  }
}
