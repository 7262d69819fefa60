/** Worker entry point: trains one experiment into the run store, streaming its events to the host. */
import { parentPort } from 'node:worker_threads';
import { initBackend, type BackendPreference } from '../core/nn/backend';
import { executeRun } from '../core/runs/execute';
import { scoreShare } from '../core/runs/sweep';
import type { TrainingRequest, TrainingResponse } from './trainingProtocol';
import { errorMessage } from '../core/types';

const controller = new AbortController();
const post = (message: TrainingResponse): void => parentPort?.postMessage(message);

async function train(request: Extract<TrainingRequest, { type: 'train' }>): Promise<void> {
  const backend = await initBackend(request.tfjsBackend as BackendPreference, { wasmDir: request.wasmDir }).catch(() =>
    initBackend('auto', { wasmDir: request.wasmDir }),
  );
  await executeRun({
    workspaceRoot: request.workspaceRoot,
    experimentFile: request.experimentFile,
    runId: request.runId,
    seed: request.seed,
    feedbackFrom: request.feedbackFrom,
    sweep: request.sweep,
    signal: controller.signal,
    environment: { client: 'vscode', tfjsBackend: backend.name, tfjsVersion: backend.tfjsVersion },
    onEvent: (event) => post({ type: 'event', event }),
  });
  post({ type: 'done' });
}

async function share(request: Extract<TrainingRequest, { type: 'share' }>): Promise<void> {
  await initBackend(request.tfjsBackend as BackendPreference, { wasmDir: request.wasmDir }).catch(() => initBackend('auto', { wasmDir: request.wasmDir }));
  try {
    const result = await scoreShare(request.experimentFile, request.indices, {
      seed: request.seed,
      signal: controller.signal,
      onTrial: (trial) => post({ type: 'trial', trial }),
    });
    post({ type: 'share-done', result });
  } catch (error) {
    post({ type: 'share-failed', message: errorMessage(error) });
  }
}

parentPort?.on('message', (message: TrainingRequest) => {
  if (message.type === 'cancel') controller.abort();
  else if (message.type === 'train') void train(message);
  else if (message.type === 'share') void share(message);
});
