import { Worker } from 'node:worker_threads';
import * as path from 'node:path';
import { isRuntimeResponse, type RuntimeInfo } from '../worker/protocol';

/** Starts the runtime worker once and asks it which TensorFlow.js backend and DuckDB version it loaded. */
export function probeRuntime(extensionPath: string, preference: string): Promise<RuntimeInfo> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(extensionPath, 'dist', 'worker', 'runtime.js'));
    const finish = (action: () => void): void => {
      action();
      void worker.terminate();
    };
    worker.once('message', (message: unknown) => {
      if (!isRuntimeResponse(message)) finish(() => reject(new Error('runtime worker sent an unknown message')));
      else if (message.type === 'error') finish(() => reject(new Error(message.message)));
      else finish(() => resolve(message.info));
    });
    worker.once('error', (error) => finish(() => reject(error)));
    worker.postMessage({ type: 'probe', preference, wasmDir: path.join(extensionPath, 'dist', 'wasm') });
  });
}
