/** Runs an import job in the import worker with a cancellable progress notification that counts rows. */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { ImportPreview, ImportResult } from '../../core/sources';
import { isImportReply, type ImportJob, type ImportReply } from '../../worker/importProtocol';

type Answer = Exclude<ImportReply, { type: 'progress' } | { type: 'failed' }>;

/** The worker's answer, or undefined when the user cancelled; rejects with the job's one-line reason. */
function runJob(extensionPath: string, job: ImportJob, title: string): Promise<Answer | undefined> {
  return Promise.resolve(
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title, cancellable: true },
      (progress, token) =>
        new Promise<Answer | undefined>((resolve, reject) => {
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
            else if (message.type === 'failed') settle(() => (message.cancelled ? resolve(undefined) : reject(new Error(message.message))));
            else settle(() => resolve(message));
          });
          worker.on('error', (error) => settle(() => reject(error)));
          worker.on('exit', (code) =>
            settle(() => (token.isCancellationRequested ? resolve(undefined) : reject(new Error(`the import worker stopped (exit code ${code})`)))),
          );
        }),
    ),
  );
}

/** Imports or refreshes: the result, or undefined when the user cancelled. */
export async function runImportJob(extensionPath: string, job: ImportJob & { type: 'import' | 'refresh' }, title: string): Promise<ImportResult | undefined> {
  const answer = await runJob(extensionPath, job, title);
  return answer?.type === 'done' ? answer.result : undefined;
}

/** The first rows of a source as they would be imported, or undefined when the user cancelled. */
export async function previewInWorker(extensionPath: string, job: ImportJob & { type: 'preview' }, title: string): Promise<ImportPreview | undefined> {
  const answer = await runJob(extensionPath, job, title);
  return answer?.type === 'preview' ? answer.preview : undefined;
}

/** The tables of a database, or undefined when the user cancelled. */
export async function tablesInWorker(extensionPath: string, job: ImportJob & { type: 'tables' }, title: string): Promise<readonly string[] | undefined> {
  const answer = await runJob(extensionPath, job, title);
  return answer?.type === 'tables' ? answer.tables : undefined;
}
