/** Worker entry point that loads TensorFlow.js and DuckDB off the extension host thread and reports them. */
import { parentPort } from 'node:worker_threads';
import { initBackend } from '../core/nn/backend';
import type { RuntimeRequest, RuntimeResponse } from './protocol';
import { errorMessage } from '../core/types';

async function duckdbVersion(): Promise<string> {
  try {
    const duckdb = await import('@duckdb/node-api');
    return duckdb.version();
  } catch (error) {
    return `unavailable (${errorMessage(error)})`;
  }
}

async function probe(request: RuntimeRequest): Promise<RuntimeResponse> {
  const backend = await initBackend(request.preference as 'auto', { wasmDir: request.wasmDir });
  return {
    type: 'probed',
    info: {
      backend: backend.name,
      reason: backend.reason,
      tfjsVersion: backend.tfjsVersion,
      nodeVersion: process.version,
      duckdbVersion: await duckdbVersion(),
    },
  };
}

parentPort?.on('message', (request: RuntimeRequest) => {
  probe(request)
    .catch((error: unknown): RuntimeResponse => ({ type: 'error', message: errorMessage(error) }))
    .then((response) => parentPort?.postMessage(response));
});
