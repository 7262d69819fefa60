import * as vscode from 'vscode';
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import type { RunEvent } from '../../core/runs/execute';
import type { ProgressReport } from '../../core/runs/progress';
import { RunStore, type RunRecord } from '../../core/runs/store';
import { isTrainingResponse, type TrainRequest, type TrainingRequest } from '../../worker/trainingProtocol';
import type { Log } from '../log';

export interface RunChange {
  readonly runId: string;
  readonly event?: RunEvent;
}

interface Job {
  readonly record: RunRecord;
  readonly experimentFile: string;
  readonly seed?: number;
  readonly feedbackFrom?: string;
  readonly done: (record: RunRecord) => void;
  readonly progress: (event: RunEvent) => void;
  worker?: Worker;
  cancelled?: boolean;
}

/** How long a cancelled worker gets to stop by itself before it is terminated. */
const CANCEL_GRACE_MS = 3000;

/**
 * Queues trainings and runs each in its own worker thread, at most `mlWorkbench.maxConcurrentWorkers`
 * at once. The host only relays messages: a worker that throws, runs out of memory or exits early
 * leaves its run marked failed with the reason.
 */
export class TrainingManager implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunChange>();
  /** Fires for every event of every run (progress, trial, log, finished) and for queue changes. */
  readonly onDidChangeRun = this.changed.event;
  private readonly queue: Job[] = [];
  private readonly active = new Map<string, Job>();
  /** Where each running run is, as its worker last said: the one progress every view shows. */
  private readonly live = new Map<string, ProgressReport>();

  constructor(
    private readonly extensionPath: string,
    private readonly log: Log,
  ) {}

  /** The run store of the first workspace folder, or undefined without a folder. */
  store(): RunStore | undefined {
    const folder = vscode.workspace.workspaceFolders?.[0];
    return folder ? new RunStore(folder.uri.fsPath) : undefined;
  }

  /** The fraction and phase of a run training here, as its worker last reported them; undefined otherwise. */
  progressOf(runId: string): ProgressReport | undefined {
    return this.live.get(runId);
  }

  isActive(runId: string): boolean {
    return this.active.has(runId) || this.queue.some((job) => job.record.id === runId);
  }

  /** Queues a training of the experiment file; resolves with the finished run record. */
  train(
    experimentFile: string,
    options: { seed?: number; feedbackFrom?: string; onEvent?: (event: RunEvent) => void } = {},
  ): { runId: string; finished: Promise<RunRecord> } {
    const store = this.store();
    if (!store) throw new Error('open a folder first: runs are kept under .mlwb/runs in the workspace');
    const relative = path.relative(store.workspaceRoot, experimentFile);
    const name = path.basename(experimentFile).replace(/\.experiment\.(ya?ml|json)$/, '');
    const record = store.create(name, relative, null);
    let done!: (record: RunRecord) => void;
    const finished = new Promise<RunRecord>((resolve) => (done = resolve));
    this.queue.push({ record, experimentFile, seed: options.seed, feedbackFrom: options.feedbackFrom, done, progress: options.onEvent ?? (() => undefined) });
    this.log.info(`queued run ${record.id} of ${relative}`);
    this.changed.fire({ runId: record.id });
    this.pump();
    return { runId: record.id, finished };
  }

  /** Cancels a queued or running training: cooperatively first, then by terminating its worker. */
  cancel(runId: string): boolean {
    const queued = this.queue.findIndex((job) => job.record.id === runId);
    if (queued >= 0) {
      const [job] = this.queue.splice(queued, 1);
      if (job) this.settle(job, 'cancelled', 'cancelled before it started');
      return true;
    }
    const job = this.active.get(runId);
    if (!job?.worker) return false;
    job.cancelled = true;
    const message: TrainingRequest = { type: 'cancel' };
    job.worker.postMessage(message);
    const worker = job.worker;
    setTimeout(() => {
      if (this.active.get(runId) === job) {
        void worker.terminate();
        this.settle(job, 'cancelled', 'cancelled by the user (worker terminated)');
      }
    }, CANCEL_GRACE_MS).unref();
    return true;
  }

  private capacity(): number {
    const setting = vscode.workspace.getConfiguration('mlWorkbench').get<number>('maxConcurrentWorkers', 0);
    return setting > 0 ? setting : Math.max(1, availableParallelism() - 1);
  }

  private pump(): void {
    while (this.active.size < this.capacity() && this.queue.length > 0) this.start(this.queue.shift() as Job);
  }

  private newWorker(): Worker {
    const limit = vscode.workspace.getConfiguration('mlWorkbench').get<number>('training.memoryLimitMb', 4096);
    return new Worker(path.join(this.extensionPath, 'dist', 'worker', 'training.js'), { resourceLimits: { maxOldGenerationSizeMb: limit } });
  }

  private start(job: Job): void {
    const store = this.store() as RunStore;
    const config = vscode.workspace.getConfiguration('mlWorkbench');
    const worker = this.newWorker();
    job.worker = worker;
    this.active.set(job.record.id, job);
    worker.on('message', (message: unknown) => {
      if (!isTrainingResponse(message)) {
        this.log.error(`run ${job.record.id}: unknown message from its worker`);
        return;
      }
      if (message.type !== 'event') return;
      const event = message.event;
      if (event.type === 'log') this.log.info(`run ${event.runId}: ${event.line}`);
      if (event.type === 'progress') this.live.set(job.record.id, { fraction: event.fraction, phase: event.phase });
      if (event.type === 'finished') this.live.delete(job.record.id);
      job.progress(event);
      this.changed.fire({ runId: job.record.id, event });
      if (event.type === 'finished') {
        this.active.delete(job.record.id);
        job.done(event.record);
        void worker.terminate();
        this.pump();
      }
    });
    worker.on('error', (error) => {
      // An uncaught throw or ERR_WORKER_OUT_OF_MEMORY: the run is kept, marked failed with the reason.
      const reason =
        error.message.includes('out of memory') || (error as NodeJS.ErrnoException).code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `the training worker ran out of memory (limit ${config.get<number>('training.memoryLimitMb', 4096)} MB): ${error.message}`
          : `the training worker crashed: ${error.message}`;
      this.settle(job, 'failed', reason);
    });
    worker.on('exit', (code) => {
      if (this.active.get(job.record.id) === job) {
        this.settle(job, job.cancelled ? 'cancelled' : 'failed', job.cancelled ? 'cancelled by the user' : `the training worker exited with code ${code}`);
      }
    });
    const request: TrainRequest = {
      type: 'train',
      workspaceRoot: store.workspaceRoot,
      experimentFile: job.experimentFile,
      runId: job.record.id,
      seed: job.seed,
      feedbackFrom: job.feedbackFrom,
      // A grid or random sweep runs in this one worker, which scores its candidates on its own threads
      // and is the run's only writer (core/runs/sweepRun.ts).
      sweepJobs: this.capacity(),
      queueUrl: config.get<string>('queue.url', '').trim() || undefined,
      maxMemoryMb: config.get<number>('training.memoryLimitMb', 4096),
      tfjsBackend: config.get<string>('tfjsBackend', 'auto'),
      wasmDir: path.join(this.extensionPath, 'dist', 'wasm'),
    };
    worker.postMessage(request);
  }

  /** Ends a job the worker could not finish itself, keeping its run with the reason. */
  private settle(job: Job, status: 'failed' | 'cancelled', reason: string): void {
    this.active.delete(job.record.id);
    this.live.delete(job.record.id);
    const store = this.store();
    const record = store?.get(job.record.id) ?? job.record;
    if (record.status !== 'completed' && record.status !== 'failed' && record.status !== 'cancelled') {
      store?.finish(record, status, reason);
      store?.appendLog(record.id, `${status}: ${reason}`);
    }
    this.log.info(`run ${record.id} ${record.status}: ${record.reason ?? reason}`);
    job.done(record);
    this.changed.fire({ runId: record.id });
    this.pump();
  }

  dispose(): void {
    for (const job of this.queue.splice(0)) this.settle(job, 'cancelled', 'the window closed');
    for (const job of this.active.values()) {
      void job.worker?.terminate();
    }
    this.changed.dispose();
  }
}
