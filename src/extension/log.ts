import * as vscode from 'vscode';

/** The extension's one output channel, "ML Workbench", with timestamped lines. */
export class Log implements vscode.Disposable {
  readonly channel = vscode.window.createOutputChannel('ML Workbench');

  info(message: string): void {
    this.channel.appendLine(`[${new Date().toISOString()}] ${message}`);
  }

  error(message: string, error?: unknown): void {
    const detail = error instanceof Error ? `: ${error.message}` : error === undefined ? '' : `: ${String(error)}`;
    this.channel.appendLine(`[${new Date().toISOString()}] ERROR ${message}${detail}`);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
