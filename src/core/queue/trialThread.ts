/**
 * A worker thread kept alive between trials (the core pool's entry point, src/worker/pool.ts), so a
 * queue worker's event loop stays free to renew its job locks and heartbeat while a trial computes.
 * Stopping a trial terminates the thread; the next trial starts a fresh one.
 */
import { Worker } from 'node:worker_threads';
import { poolScript, startPoolWorker } from '../parallel/pool';
import { isPoolResponse, type PoolRequest } from '../parallel/protocol';
import type { ShareTaskInput } from '../runs/sweepRun';
import type { ShareResult } from '../runs/sweep';
import type { TrainingOutcome, TrainTaskInput } from '../runs/remoteTraining';
import { CancelledError, MlError } from '../types';
import type { TrainProgressEvent } from '../validation/progress';

export class TrialThread {
  private worker: Worker | undefined;
  private next = 0;

  private start(): Worker {
    const worker = startPoolWorker(poolScript());
    worker.unref();
    return worker;
  }

  /** Scores candidates of a sweep in the thread; a signal aborts by terminating the thread. */
  score(input: ShareTaskInput, signal?: AbortSignal): Promise<ShareResult> {
    return this.run<ShareResult>('sweep.share', input, signal);
  }

  /** Trains a whole experiment in the thread (a single training sent to the queue), telling its progress events. */
  train(input: TrainTaskInput, signal?: AbortSignal, onProgress?: (event: TrainProgressEvent) => void): Promise<TrainingOutcome> {
    return this.run<TrainingOutcome>('queue.train', input, signal, onProgress);
  }

  private run<T>(kind: string, input: unknown, signal?: AbortSignal, onProgress?: (event: TrainProgressEvent) => void): Promise<T> {
    const worker = (this.worker ??= this.start());
    const index = this.next++;
    return new Promise<T>((resolve, reject) => {
      const done = (): void => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        signal?.removeEventListener('abort', onAbort);
      };
      const onMessage = (message: unknown): void => {
        if (!isPoolResponse(message) || message.index !== index) return;
        if (message.type === 'progress') return onProgress?.(message.event as TrainProgressEvent);
        done();
        if (message.type === 'result') resolve(message.output as T);
        else reject(message.name === 'CancelledError' ? new CancelledError() : new MlError(message.message));
      };
      const onError = (error: Error): void => {
        done();
        this.worker = undefined;
        reject(new MlError(`the trial's thread failed: ${error.message}`));
      };
      const onExit = (code: number): void => {
        done();
        this.worker = undefined;
        reject(signal?.aborted ? new CancelledError() : new MlError(`the trial's thread stopped with exit code ${code}`));
      };
      const onAbort = (): void => {
        void worker.terminate();
      };
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
      signal?.addEventListener('abort', onAbort, { once: true });
      const request: PoolRequest = { type: 'task', index, kind, input };
      worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
}
