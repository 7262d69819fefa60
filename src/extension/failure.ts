import * as vscode from 'vscode';
import { errorMessage } from '../core/types';

/** Shows what failed and why in one error notification: `ML Workbench: <what>: <the error's message>`. */
export function showFailure(what: string | undefined, error: unknown): void {
  void vscode.window.showErrorMessage(`ML Workbench: ${what === undefined ? '' : `${what}: `}${errorMessage(error)}`);
}
