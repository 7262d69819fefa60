/** Import worker: runs one import or refresh (network, DuckDB) off the extension host thread and reports rows as they arrive. */
import { parentPort, workerData } from 'node:worker_threads';
import { importData, listTables, previewImport, refreshImport } from '../core/sources';
import { CancelledError, errorMessage } from '../core/types';
import { isImportRequest, type ImportJob, type ImportReply } from './importProtocol';

const port = parentPort;
if (!port) throw new Error('the import worker runs in a worker thread');
const job = workerData as ImportJob;
const controller = new AbortController();
const post = (reply: ImportReply): void => port.postMessage(reply);
port.on('message', (message: unknown) => {
  if (isImportRequest(message)) controller.abort();
});

let last = 0;
const options = {
  signal: controller.signal,
  // Secrets live only in this worker's memory: the sources read them from this map, never from disk.
  env: { ...process.env, ...job.secrets },
  onProgress: (rows: number) => {
    if (Date.now() - last < 200) return;
    last = Date.now();
    post({ type: 'progress', rows });
  },
};

function work(): Promise<ImportReply> {
  switch (job.type) {
    case 'refresh':
      return refreshImport(job.sidecar, options).then((result) => ({ type: 'done', result }));
    case 'import':
      return importData(job.spec, job.out, options).then((result) => ({ type: 'done', result }));
    case 'preview':
      return previewImport(job.spec, { ...options, rows: job.rows, timeoutMs: 30_000 }).then((preview) => ({ type: 'preview', preview }));
    case 'tables':
      return listTables(job.url, { ...options, timeoutMs: 15_000 }).then((tables) => ({ type: 'tables', tables }));
  }
}

work().then(
  (reply) => {
    post(reply);
    port.close();
  },
  (error: unknown) => {
    post({ type: 'failed', message: errorMessage(error), cancelled: error instanceof CancelledError || controller.signal.aborted });
    port.close();
  },
);
