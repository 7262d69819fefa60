/** Worker entry point of the core's worker pool (src/core/parallel/pool.ts): runs one task at a time and answers with its output. */
import { parentPort } from 'node:worker_threads';
import { markPoolWorker } from '../core/parallel/jobs';
import { isPoolRequest, type PoolRequest, type PoolResponse } from '../core/parallel/protocol';
import { POOL_TASKS } from '../core/parallel/tasks';
import { errorMessage } from '../core/types';

markPoolWorker();
const post = (message: PoolResponse): void => parentPort?.postMessage(message);

async function run(request: PoolRequest): Promise<void> {
  const handler = POOL_TASKS[request.kind];
  if (!handler) {
    post({ type: 'error', index: request.index, name: 'MlError', message: `unknown parallel task "${request.kind}"` });
    return;
  }
  try {
    const output = await handler(request.input as never, { progress: (event) => post({ type: 'progress', index: request.index, event }) });
    post({ type: 'result', index: request.index, output });
  } catch (error) {
    post({ type: 'error', index: request.index, name: error instanceof Error ? error.name : 'Error', message: errorMessage(error) });
  }
}

parentPort?.on('message', (message: unknown) => {
  if (isPoolRequest(message)) void run(message);
});
