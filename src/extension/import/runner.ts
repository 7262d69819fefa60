/** Runs an import in the import worker with a cancellable progress notification that counts rows. */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { ImportResult } from '../../core/sources';
import { isImportReply, type ImportJob } from '../../worker/importProtocol';

/** Resolves with the result, or undefined when the user cancelled; rejects with the import's one-line reason. */
export function runImportJob(extensionPath: string, job: ImportJob, title: string): Promise<ImportResult | undefined> {
  return Promise.resolve(
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      (progress, token) =>
        new Promise<ImportResult | undefined>((resolve, reject) => {
          const worker = new Worker(path.join(extensionPath, 'dist', 'worker', 'import.js'), { workerData: job });
          let settled = false;
          const settle = (finish: () => void): void => {
            if (settled) return;
            settled = true;
            cancelling.dispose();
            finish();
          };
          const cancelling = token.onCancellationRequested(() => {
            worker.postMessage({ type: 'cancel' });
            // A source stuck in a native call gets a few seconds to notice, then the thread goes.
            setTimeout(() => void worker.terminate(), 5000).unref();
          });
          worker.on('message', (message: unknown) => {
            if (!isImportReply(message)) return;
            if (message.type === 'progress') progress.report({ message: `${message.rows.toLocaleString()} rows fetched` });
            else if (message.type === 'done') settle(() => resolve(message.result));
            else settle(() => (message.cancelled ? resolve(undefined) : reject(new Error(message.message))));
          });
          worker.on('error', (error) => settle(() => reject(error)));
          worker.on('exit', (code) =>
            settle(() => (token.isCancellationRequested ? resolve(undefined) : reject(new Error(`the import worker stopped (exit code ${code})`)))),
          );
        }),
    ),
  );
}
