/** Import worker: runs one import or refresh (network, DuckDB) off the extension host thread and reports rows as they arrive. */
import { parentPort, workerData } from 'node:worker_threads';
import { importData, refreshImport } from '../core/sources';
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

(job.type === 'refresh' ? refreshImport(job.sidecar, options) : importData(job.spec, job.out, options)).then(
  (result) => {
    post({ type: 'done', result });
    port.close();
  },
  (error: unknown) => {
    post({ type: 'failed', message: errorMessage(error), cancelled: error instanceof CancelledError || controller.signal.aborted });
    port.close();
  },
);
