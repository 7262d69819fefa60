import * as vscode from 'vscode';
import { errorMessage } from '../core/types';
import { notificationText } from './failureText';
import type { Log } from './log';
import { executeCommand } from './commands';

let failureLog: Log | undefined;

/** Where showFailure writes each failure in full; set once at activation. */
export function logFailuresTo(log: Log): vscode.Disposable {
  failureLog = log;
  return { dispose: () => (failureLog === log ? (failureLog = undefined) : undefined) };
}

/**
 * Shows what failed and why in one error notification, `ML Workbench: <what>: <the error's message>`,
 * in full (every line, expanded by its action) with "Show Log", which opens `showLog` (the ML
 * Workbench output channel, where the failure is written with its stack, unless given).
 */
export function showFailure(
  what: string | undefined,
  error: unknown,
  options: { readonly showLog?: () => unknown; readonly actions?: Readonly<Record<string, () => unknown>> } = {},
): void {
  const message = what === undefined ? errorMessage(error) : `${what}: ${errorMessage(error)}`;
  failureLog?.error(what ?? 'failure', error instanceof Error && error.stack ? `${errorMessage(error)}\n${error.stack}` : error);
  const actions: Record<string, () => unknown> = { ...options.actions, 'Show Log': options.showLog ?? (() => executeCommand('mlWorkbench.showLog')) };
  void vscode.window.showErrorMessage(notificationText(`ML Workbench: ${message}`), ...Object.keys(actions)).then((choice) => {
    if (choice !== undefined) void actions[choice]?.();
  });
}
