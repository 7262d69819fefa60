/** Worker entry point: trains one experiment into the run store, streaming its events to the host. */
import { parentPort } from 'node:worker_threads';
import { initBackend, type BackendPreference } from '../core/nn/backend';
import { runSweep, threadExecutor } from '../core/runs/sweepRun';
import { queueExecutor } from '../core/queue/coordinator';
import type { TrainingRequest, TrainingResponse } from './trainingProtocol';

const controller = new AbortController();
const post = (message: TrainingResponse): void => parentPort?.postMessage(message);

async function train(request: Extract<TrainingRequest, { type: 'train' }>): Promise<void> {
  const backend = await initBackend(request.tfjsBackend as BackendPreference, { wasmDir: request.wasmDir }).catch(() =>
    initBackend('auto', { wasmDir: request.wasmDir }),
  );
  await runSweep({
    workspaceRoot: request.workspaceRoot,
    experimentFile: request.experimentFile,
    runId: request.runId,
    seed: request.seed,
    feedbackFrom: request.feedbackFrom,
    ...(request.maxMemoryMb !== undefined ? { maxMemoryMb: request.maxMemoryMb } : {}),
    executor: request.queueUrl ? queueExecutor(request.queueUrl) : request.sweepJobs && request.sweepJobs > 1 ? threadExecutor(request.sweepJobs) : undefined,
    signal: controller.signal,
    environment: { client: 'vscode', tfjsBackend: backend.name, tfjsVersion: backend.tfjsVersion },
    onEvent: (event) => post({ type: 'event', event }),
  });
  post({ type: 'done' });
}

parentPort?.on('message', (message: TrainingRequest) => {
  if (message.type === 'cancel') controller.abort();
  else if (message.type === 'train') void train(message);
});
