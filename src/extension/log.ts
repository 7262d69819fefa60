import * as vscode from 'vscode';
import { errorMessage } from '../core/types';

/** The extension's one output channel, "ML Workbench", with timestamped lines. */
export class Log implements vscode.Disposable {
  readonly channel = vscode.window.createOutputChannel('ML Workbench');

  info(message: string): void {
    this.channel.appendLine(`[${new Date().toISOString()}] ${message}`);
  }

  error(message: string, error?: unknown): void {
    const detail = error === undefined ? '' : `: ${errorMessage(error)}`;
    this.channel.appendLine(`[${new Date().toISOString()}] ERROR ${message}${detail}`);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
