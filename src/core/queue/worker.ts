/**
 * A queue worker (`mlwb worker`): takes trials of its code version's BullMQ queue, scores each on a
 * thread of its own with the sweep's inputs fetched from Redis, and pushes the trial to the sweep's
 * results list. It writes no run: the coordinator does. A killed worker's trial stalls and BullMQ
 * gives it to another worker; a trial whose sweep was cancelled or whose coordinator is gone stops.
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism, hostname } from 'node:os';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { loadExperimentFile } from '../runs/experimentFile';
import { sweepCandidates } from '../runs/sweep';
import type { Params } from '../search';
import { errorMessage } from '../types';
import { connectQueue, redactMessage, redactQueueUrl } from './connection';
import { SweepInputs, type PreparedSweep } from './inputs';
import { serialize } from 'node:v8';
import {
  HEARTBEAT_MS,
  HEARTBEAT_TTL_S,
  KEYS,
  queueName,
  queueVersion,
  type SweepSpec,
  type TrainingNote,
  type TrainingProgressNote,
  type TrialJobData,
  type TrialResult,
  type WorkerHeartbeat,
} from './protocol';
import { TrialThread } from './trialThread';
import type { TrainProgressEvent } from '../validation/progress';

/** How often a training's progress events are sent to the coordinator. */
const PROGRESS_FLUSH_MS = 250;

export interface QueueWorkerOptions {
  readonly url: string;
  readonly concurrency: number;
  readonly name?: string;
  readonly cacheDir: string;
  /** Lines for the terminal (never with the password). */
  readonly log: (line: string) => void;
  /** How long a killed worker's trial waits before another worker takes it (ms; default 10 s). */
  readonly lockDurationMs?: number;
}

export interface QueueWorkerHandle {
  readonly id: string;
  readonly name: string;
  /** Finishes the trials it runs, takes no more, and disconnects. */
  close(): Promise<void>;
}

interface ActiveTrial {
  readonly sweepId: string;
  readonly index: number;
  readonly controller: AbortController;
  /** Heartbeats that found the sweep's key missing in a row. */
  misses: number;
}

/** Starts a worker; it runs until close(). */
export async function startQueueWorker(options: QueueWorkerOptions): Promise<QueueWorkerHandle> {
  const version = queueVersion();
  const id = `${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const name = options.name ?? `${hostname()}:${process.pid}`;
  const where = redactQueueUrl(options.url);
  const redis = connectQueue(options.url);
  const say = (line: string): void => options.log(redactMessage(line, options.url));
  redis.on('error', (error: Error) => say(`redis ${where}: ${error.message}`));
  await redis.ping();
  const inputs = new SweepInputs(redis, options.cacheDir);
  const threads = Array.from({ length: options.concurrency }, () => new TrialThread());
  const freeThreads = [...threads];
  const active = new Set<ActiveTrial>();
  const startedAt = new Date().toISOString();
  const refused = new Set<string>();
  let trialsDone = 0;

  const runTrial = async (job: Job<TrialJobData>): Promise<unknown> => {
    if (job.name === 'noop') return { noop: true };
    const { sweepId, index } = job.data;
    const spec = await inputs.spec(sweepId);
    if (!spec || (await redis.exists(KEYS.cancel(sweepId)))) return { skipped: 'the sweep is gone (finished, cancelled or its coordinator stopped)' };
    const thread = freeThreads.pop() ?? new TrialThread();
    const trial: ActiveTrial = { sweepId, index, controller: new AbortController(), misses: 0 };
    active.add(trial);
    void heartbeat();
    try {
      const prepared = await inputs.prepare(spec);
      if (job.name === 'train') return await runTraining(job.data, prepared, thread, trial);
      let result: TrialResult;
      const halving = job.data.params && job.data.iteration !== undefined ? [{ index, params: job.data.params, iteration: job.data.iteration }] : undefined;
      try {
        const share = await thread.score(
          { experimentFile: prepared.experimentFile, indices: [index], seed: spec.seed, splits: prepared.splits, ...(halving ? { halving } : {}) },
          trial.controller.signal,
        );
        const scored = share.trials[0];
        if (!scored) throw new Error(`candidate ${index} gave no trial`);
        result = {
          sweepId,
          trial: { ...scored, score: Number.isNaN(scored.score) ? null : scored.score },
          metric: share.metric,
          greaterIsBetter: share.greaterIsBetter,
          worker: name,
        };
      } catch (error) {
        if (trial.controller.signal.aborted) return { skipped: 'stopped: the sweep was cancelled or its coordinator is gone' };
        // A trial that throws is a failed trial of the sweep, not a failed job: the sweep goes on.
        result = {
          sweepId,
          trial: {
            index,
            params: job.data.params ?? candidateParams(prepared.experimentFile, index),
            score: null,
            error: errorMessage(error),
            ...(job.data.iteration !== undefined ? { iteration: job.data.iteration } : {}),
          },
          metric: '',
          greaterIsBetter: true,
          worker: name,
        };
      }
      await redis.rpush(KEYS.results(sweepId), JSON.stringify(result));
      trialsDone++;
      say(`trial ${index + 1} of run ${sweepId}: ${result.trial.error ? `failed: ${result.trial.error}` : result.trial.score}`);
      return { index };
    } finally {
      active.delete(trial);
      freeThreads.push(thread);
      void heartbeat();
    }
  };

  /** A single training: its outcome goes under KEYS.training, a note to the results list. */
  const runTraining = async (data: TrialJobData, prepared: PreparedSweep, thread: TrialThread, trial: ActiveTrial): Promise<unknown> => {
    const { sweepId } = data;
    // Progress events go to the coordinator in batches, at most every PROGRESS_FLUSH_MS, each batch one line of the results list.
    let pending: TrainProgressEvent[] = [];
    let flushing = Promise.resolve();
    const flush = (): Promise<void> => {
      if (pending.length > 0) {
        const note: TrainingProgressNote = { sweepId, progress: pending, worker: name };
        pending = [];
        flushing = flushing.then(() =>
          redis.rpush(KEYS.results(sweepId), JSON.stringify(note)).then(
            () => undefined,
            () => undefined,
          ),
        );
      }
      return flushing;
    };
    const timer = setInterval(() => void flush(), PROGRESS_FLUSH_MS);
    let note: TrainingNote;
    try {
      const outcome = await thread
        .train({ experimentFile: prepared.experimentFile, seed: prepared.spec.seed, splits: prepared.splits }, trial.controller.signal, (event) =>
          pending.push(event),
        )
        .finally(() => {
          clearInterval(timer);
          return flush();
        });
      await redis.set(KEYS.training(sweepId), serialize({ ...outcome, environment: { ...outcome.environment, host: hostname() } }), 'EX', 3600);
      note = { sweepId, training: true, worker: name };
    } catch (error) {
      if (trial.controller.signal.aborted) return { skipped: 'stopped: the run was cancelled or its coordinator is gone' };
      note = { sweepId, training: true, worker: name, error: errorMessage(error) };
    }
    await redis.rpush(KEYS.results(sweepId), JSON.stringify(note));
    trialsDone++;
    say(`training of run ${sweepId}: ${note.error ? `failed: ${note.error}` : 'done'}`);
    return { trained: true };
  };

  const heartbeat = async (): Promise<void> => {
    const beat: WorkerHeartbeat = {
      id,
      name,
      host: hostname(),
      pid: process.pid,
      cores: availableParallelism(),
      concurrency: options.concurrency,
      version,
      startedAt,
      seenAt: new Date().toISOString(),
      current: [...active].map(({ sweepId, index }) => ({ sweepId, index })),
      trialsDone,
    };
    await redis.set(KEYS.worker(id), JSON.stringify(beat), 'EX', HEARTBEAT_TTL_S).catch(() => undefined);
  };

  /** Stops trials whose sweep was cancelled, or whose key stayed missing over two heartbeats (its coordinator is gone). */
  const checkActive = async (): Promise<void> => {
    for (const trial of active) {
      const [cancelled, present] = await Promise.all([redis.exists(KEYS.cancel(trial.sweepId)), redis.exists(KEYS.sweep(trial.sweepId))]);
      trial.misses = present ? 0 : trial.misses + 1;
      if (cancelled || trial.misses >= 3) trial.controller.abort();
    }
  };

  /** Tells the user once about each sweep of another version: this worker will not take its trials. */
  const checkOtherVersions = async (): Promise<void> => {
    const keys = await redis.keys(KEYS.sweepPattern);
    for (const key of keys) {
      if (refused.has(key)) continue;
      const text = await redis.get(key);
      if (!text) continue;
      const spec = JSON.parse(text) as SweepSpec;
      if (spec.version === version) continue;
      refused.add(key);
      say(
        `refused the trials of run ${spec.runId} (from ${spec.coordinator.host}): it was sent by mlwb ${spec.version}, this worker is mlwb ${version}; run the same version on both sides`,
      );
    }
  };

  const worker = new Worker<TrialJobData>(queueName(version), runTrial, {
    connection: connectQueue(options.url),
    concurrency: options.concurrency,
    lockDuration: options.lockDurationMs ?? 10_000,
    stalledInterval: Math.max(1000, Math.floor((options.lockDurationMs ?? 10_000) / 2)),
    maxStalledCount: 1,
    autorun: true,
  });
  worker.on('error', (error) => say(`queue: ${error.message}`));
  const timer = setInterval(() => {
    void heartbeat();
    void checkActive().catch(() => undefined);
    void checkOtherVersions().catch(() => undefined);
  }, HEARTBEAT_MS);
  await heartbeat();
  await checkOtherVersions().catch(() => undefined);
  say(`worker ${name} (mlwb ${version}) takes trials from ${where} queue ${queueName(version)}, ${options.concurrency} at a time`);

  return {
    id,
    name,
    close: async () => {
      clearInterval(timer);
      await worker.close();
      await Promise.all(threads.map((thread) => thread.close()));
      await redis.del(KEYS.worker(id)).catch(() => undefined);
      redis.disconnect();
    },
  };
}

/** The parameters of a sweep's candidate, for a trial that failed before reporting any. */
function candidateParams(experimentFile: string, index: number): Params {
  const experiment = loadExperimentFile(experimentFile).experiment;
  return (experiment ? sweepCandidates(experiment)?.[index] : undefined) ?? {};
}

/** Workers whose heartbeat is current, read from Redis (for `mlwb worker --list`, the Workers view and the coordinator). */
export async function listWorkers(redis: Redis): Promise<WorkerHeartbeat[]> {
  const keys = await redis.keys(KEYS.workerPattern);
  const beats = keys.length > 0 ? await redis.mget(...keys) : [];
  return beats.flatMap((text) => (text ? [JSON.parse(text) as WorkerHeartbeat] : [])).sort((a, b) => a.name.localeCompare(b.name));
}
