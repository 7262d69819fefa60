/** Shared by the integration suites: the open workspace's files, waiting for a condition, training a fixture. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunRecord } from '../../src/core/runs/store';
import type { MlWorkbenchApi } from '../../src/extension/main';

export const EXTENSION_ID = 'mlwb.ml-workbench';

/** The open integration workspace's folder. */
export function workspaceRoot(): string {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the integration workspace is open');
  return folder.uri.fsPath;
}

/** The extension's API (activating it when it is not yet). */
export async function extensionApi(): Promise<MlWorkbenchApi> {
  const extension = vscode.extensions.getExtension<MlWorkbenchApi>(EXTENSION_ID);
  assert.ok(extension, `the extension ${EXTENSION_ID} is installed`);
  return extension.activate();
}

/** A file of the integration workspace by its relative path. */
export function workspaceFile(relative: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the integration workspace is open');
  return vscode.Uri.joinPath(folder.uri, relative);
}

/** Polls `read` until it gives a value; fails naming `what` after `timeoutMs`. */
export async function eventually<T>(read: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Trains a workspace experiment file with the Train command (no notifications) and checks the run completed. */
export async function trainCompleted(relative: string): Promise<RunRecord> {
  const record = await vscode.commands.executeCommand<RunRecord | undefined>('mlWorkbench.train', workspaceFile(relative), { silent: true });
  assert.ok(record, `training ${relative} gave no run`);
  assert.equal(record.status, 'completed', record.reason);
  return record;
}
