/**
 * The queue executor of runSweep: puts a sweep's inputs into Redis once (the data and the
 * coordinator's splits, each by sha256), adds one BullMQ job per candidate (a sweep's, a halving
 * round's) or one for a single training, and reads the workers' results as they arrive. It never hangs on a
 * lost Redis: it reconnects and sends again what Redis forgot, or fails with the reason after
 * `timeoutMs` without Redis. Cancel removes the waiting jobs and tells workers to stop active ones.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { deserialize } from 'node:v8';
import type { SweepHooks, SweepTask, TrialExecutor, TrialReport } from '../runs/sweepRun';
import type { TrainSplits } from '../experiment/train';
import type { TrainingOutcome } from '../runs/remoteTraining';
import { encodeSplits } from './folds';
import { loadExperimentFile } from '../runs/experimentFile';
import { sweepCandidates } from '../runs/sweep';
import type { Params, Trial } from '../search';
import { CancelledError, errorMessage } from '../types';
import type { TrainProgressEvent } from '../validation/progress';
import { extraFiles, hashOf, type ExtraFile } from './inputs';
import { connectQueue, redactMessage, redactQueueUrl } from './connection';
import {
  BLOB_TTL_S,
  KEYS,
  SWEEP_TTL_S,
  isTrainingNote,
  isTrainingProgressNote,
  isTrialResult,
  queueName,
  queueVersion,
  trialJobId,
  type SweepSpec,
  type TrialJobData,
} from './protocol';
import { listWorkers } from './worker';

export interface QueueExecutorOptions {
  /** How long Redis may stay unreachable before the sweep fails (ms; default 60 s, MLWB_QUEUE_TIMEOUT in seconds overrides). */
  readonly timeoutMs?: number;
}

/** runSweep's executor that sends the candidates (a sweep's, halving rounds', or one training) to `mlwb worker` processes through Redis. */
export function queueExecutor(url: string, options: QueueExecutorOptions = {}): TrialExecutor {
  const where = redactQueueUrl(url);
  const envTimeout = Number(process.env.MLWB_QUEUE_TIMEOUT);
  const timeoutMs = options.timeoutMs ?? (envTimeout > 0 ? envTimeout * 1000 : 60_000);
  return {
    kind: 'queue',
    describe: (candidates) => `sweep of ${candidates} candidates on the queue ${where} (${queueName()})`,
    async scoreCandidates(task, indices, hooks) {
      const splits = task.splits ?? (await splitsOf(task));
      const jobs = indices.map((index) => ({ index, name: 'trial' as const, data: { sweepId: task.runId, index } }));
      await runOnQueue(url, { ...task, splits }, 'candidates', jobs, hooks, timeoutMs, {
        onTrial: (report) => hooks.onTrial(report),
        failedTrial: (index, reason) => ({ index, params: sweepCandidate(task, index), score: Number.NaN, error: reason }),
      });
    },
    async scoreRound(task, round, splits, hooks) {
      const jobs = round.candidates.map((job) => ({
        index: job.index,
        name: 'trial' as const,
        data: { sweepId: task.runId, index: job.index, params: job.params, iteration: round.iteration },
      }));
      const params = new Map(round.candidates.map((job) => [job.index, job.params]));
      await runOnQueue(url, { ...task, splits }, 'halving', jobs, hooks, timeoutMs, {
        onTrial: (report) => hooks.onTrial(report),
        failedTrial: (index, reason) => ({ index, params: params.get(index) ?? {}, score: Number.NaN, error: reason, iteration: round.iteration }),
      });
    },
    async train(task, hooks) {
      const splits = task.splits ?? (await splitsOf(task));
      let trained: { outcome: TrainingOutcome; worker: string } | undefined;
      let failure: string | undefined;
      await runOnQueue(url, { ...task, splits }, 'train', [{ index: 0, name: 'train', data: { sweepId: task.runId, index: 0 } }], hooks, timeoutMs, {
        onTraining: (outcome, worker) => (trained = { outcome, worker }),
        onTrainingFailed: (reason) => (failure = reason),
        ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
      });
      if (!trained) throw new Error(failure ?? 'the training on the queue finished without a result');
      return trained;
    },
  };
}

/** The coordinator's splits of a task: the data read and the seed's folds planned once, here. */
async function splitsOf(task: SweepTask): Promise<TrainSplits> {
  const loaded = loadExperimentFile(task.experimentFile);
  if (!loaded.experiment || !loaded.dataPath) throw new Error(`invalid experiment file: ${task.experimentFile}`);
  const { readRunTable } = await import('../runs/runTable');
  const { planSplits } = await import('../experiment/train');
  return planSplits(loaded.experiment, await readRunTable(loaded.dataPath, loaded.experiment, task.seed), task.seed);
}

interface QueueJob {
  readonly index: number;
  readonly name: 'trial' | 'train';
  readonly data: TrialJobData;
}

/** What becomes of each result: a trial, a failed job's trial, or a training's outcome. */
interface ResultHandlers {
  readonly onTrial?: (report: TrialReport) => void;
  readonly failedTrial?: (index: number, reason: string) => Trial;
  readonly onTraining?: (outcome: TrainingOutcome, worker: string) => void;
  readonly onTrainingFailed?: (reason: string) => void;
  readonly onProgress?: (event: TrainProgressEvent) => void;
}

/** Puts the task's inputs into Redis, adds the jobs, and hands each result over as it arrives; resolves when every job reported. */
async function runOnQueue(
  url: string,
  task: SweepTask & { readonly splits: TrainSplits },
  kind: SweepSpec['kind'],
  jobs: readonly QueueJob[],
  hooks: SweepHooks,
  timeoutMs: number,
  handlers: ResultHandlers,
): Promise<void> {
  const where = redactQueueUrl(url);
  const sweepId = task.runId;
  const indices = jobs.map((job) => job.index);
  // Read before any connection opens: a missing file or encoder folder fails the run with nothing to close.
  const loaded = loadExperimentFile(task.experimentFile);
  const files = loaded.experiment ? extraFiles(task.experimentFile, loaded.experiment) : [];
  const dataBytes = readFileSync(task.dataPath);
  const foldBytes = encodeSplits(task.splits);
  const redis = connectQueue(url, { commandTimeout: 5000, maxRetriesPerRequest: 1 });
  const reader = connectQueue(url, { maxRetriesPerRequest: 1 });
  let lastError = '';
  for (const connection of [redis, reader]) connection.on('error', (error: Error) => (lastError = redactMessage(error.message, url)));
  // BullMQ does not close a connection it was given: ours is disconnected below with the others.
  const queueConnection = connectQueue(url);
  const queue = new Queue<TrialJobData>(queueName(), { connection: queueConnection });
  queue.on('error', (error: Error) => (lastError = redactMessage(error.message, url)));
  const done = new Set<number>();
  const spec = sweepSpec(task, kind, dataBytes, foldBytes, files);
  let lastOk = Date.now();
  let finished = false;
  const bounded = <T>(promise: Promise<T>, what: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what} took over ${timeoutMs / 1000} s`)), timeoutMs);
      promise.then(
        (value) => (clearTimeout(timer), resolve(value)),
        (error: unknown) => (clearTimeout(timer), reject(error instanceof Error ? error : new Error(String(error)))),
      );
    });
  const lost = (error: unknown): Error =>
    new Error(
      `lost the queue's Redis at ${where} for over ${Math.round(timeoutMs / 1000)} s: ${redactMessage(errorMessage(error), url)}${lastError ? ` (${lastError})` : ''}`,
    );

  /** A blob by content: sent when Redis does not hold it yet (a halving's later rounds find it there), its TTL renewed. */
  const putBlob = async (sha256: string, bytes: Buffer): Promise<void> => {
    if ((await redis.expire(KEYS.blob(sha256), BLOB_TTL_S)) === 0) await redis.set(KEYS.blob(sha256), bytes, 'EX', BLOB_TTL_S);
  };

  /** Puts the inputs and the unfinished jobs into Redis (again, after Redis lost them). */
  const publish = async (): Promise<number> => {
    await putBlob(spec.data.sha256, dataBytes);
    await putBlob(spec.folds.sha256, foldBytes);
    for (const [i, file] of files.entries()) await putBlob(spec.files?.[i]?.sha256 ?? hashOf(file.bytes), file.bytes);
    await redis.set(KEYS.sweep(sweepId), JSON.stringify(spec), 'EX', SWEEP_TTL_S);
    const pending = jobs.filter((job) => !done.has(job.index));
    await queue.addBulk(
      pending.map((job) => ({
        name: job.name,
        data: job.data,
        opts: { jobId: trialJobId(sweepId, job.index), removeOnComplete: true, removeOnFail: { age: 3600 }, attempts: 1 },
      })),
    );
    return pending.length;
  };

  const report = async (text: string): Promise<void> => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return;
    }
    if (isTrainingProgressNote(value)) {
      if (value.sweepId === sweepId && kind === 'train' && !done.has(0)) for (const event of value.progress) handlers.onProgress?.(event);
      return;
    }
    if (isTrainingNote(value)) {
      if (value.sweepId !== sweepId || done.has(0) || kind !== 'train') return;
      done.add(0);
      if (value.error !== undefined) return handlers.onTrainingFailed?.(`${value.error} (on ${value.worker})`);
      const bytes = await redis.getBuffer(KEYS.training(sweepId));
      if (!bytes) return handlers.onTrainingFailed?.(`the training's result on ${value.worker} was not found in Redis`);
      handlers.onTraining?.(deserialize(bytes) as TrainingOutcome, value.worker);
      return;
    }
    if (!isTrialResult(value) || value.sweepId !== sweepId || done.has(value.trial.index) || !indices.includes(value.trial.index)) return;
    done.add(value.trial.index);
    const trial = { ...value.trial, score: value.trial.score ?? Number.NaN };
    handlers.onTrial?.({ trial, metric: value.metric, greaterIsBetter: value.greaterIsBetter, worker: value.worker });
  };

  /** Jobs BullMQ gave up on (their worker died again and again): failed trials (the sweep goes on), or a failed training. */
  const checkFailedJobs = async (): Promise<void> => {
    for (const index of indices) {
      if (done.has(index)) continue;
      const job = await queue.getJob(trialJobId(sweepId, index));
      if (!job || !(await job.isFailed())) continue;
      done.add(index);
      const reason = `its worker stopped before finishing it: ${job.failedReason}`;
      if (kind === 'train') {
        handlers.onTrainingFailed?.(`the training's ${reason}`);
        continue;
      }
      hooks.log(`trial ${index + 1}: its job failed: ${job.failedReason}`);
      const trial = handlers.failedTrial?.(index, reason);
      if (trial) handlers.onTrial?.({ trial, metric: '', greaterIsBetter: true });
    }
  };

  const tellAboutWorkers = async (): Promise<void> => {
    const workers = await listWorkers(redis);
    const version = queueVersion();
    const others = workers.filter((worker) => worker.version !== version);
    for (const worker of others)
      hooks.log(`worker ${worker.name} on ${worker.host} runs mlwb ${worker.version}, not ${version}: it takes no trial of this sweep`);
    const ours = workers.filter((worker) => worker.version === version);
    hooks.log(
      ours.length > 0
        ? `${ours.length} worker(s) of mlwb ${version} connected: ${ours.map((w) => w.name).join(', ')}`
        : `no worker of mlwb ${version} is connected yet; the ${kind === 'train' ? 'training waits' : 'trials wait'} for one (mlwb worker --queue ${where})`,
    );
  };

  try {
    try {
      await bounded(redis.ping(), `reaching Redis at ${where}`);
      await bounded(publish(), 'sending the sweep');
      await tellAboutWorkers().catch(() => undefined);
    } catch (error) {
      throw new Error(
        `cannot use the queue's Redis at ${where}: ${redactMessage(errorMessage(error), url)}${lastError && !errorMessage(error).includes(lastError) ? ` (${lastError})` : ''}`,
      );
    }
    let lastRefresh = 0;
    let lastFailedCheck = Date.now();
    while (done.size < indices.length) {
      if (hooks.signal?.aborted) throw new CancelledError();
      try {
        const popped = await reader.blpop(KEYS.results(sweepId), 0.5);
        if (popped) await report(popped[1]);
        const more = await redis.lpop(KEYS.results(sweepId), 1000);
        for (const text of more ?? []) await report(text);
        if (Date.now() - lastRefresh > 1000) {
          lastRefresh = Date.now();
          // EXPIRE answers 0 when the key is gone: Redis restarted (or evicted it) and forgot the sweep.
          if ((await redis.expire(KEYS.sweep(sweepId), SWEEP_TTL_S)) === 0) {
            const resent = await publish();
            hooks.log(`Redis at ${where} had lost this sweep (restarted?): sent its ${resent} unfinished ${kind === 'train' ? 'training' : 'trial(s)'} again`);
          }
        }
        if (Date.now() - lastFailedCheck > 3000) {
          lastFailedCheck = Date.now();
          await checkFailedJobs();
        }
        lastOk = Date.now();
      } catch (error) {
        if (Date.now() - lastOk > timeoutMs) throw lost(error);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    finished = true;
  } finally {
    await bounded(cleanUp(redis, queue, sweepId, indices, done, finished), 'cleaning up the sweep').catch(() => undefined);
    await queue.close().catch(() => undefined);
    queueConnection.disconnect();
    redis.disconnect();
    reader.disconnect();
  }
}

/** Ends a sweep in Redis: when it did not finish, workers stop its active trials and its waiting jobs are removed. */
async function cleanUp(
  redis: Redis,
  queue: Queue<TrialJobData>,
  sweepId: string,
  indices: readonly number[],
  done: Set<number>,
  finished: boolean,
): Promise<void> {
  if (!finished) await redis.set(KEYS.cancel(sweepId), '1', 'EX', 3600);
  await redis.del(KEYS.sweep(sweepId), KEYS.results(sweepId), KEYS.training(sweepId));
  for (const index of indices) {
    if (done.has(index) && finished) continue;
    // An active job is locked by its worker and stays; the worker sees the cancel and stops it.
    await queue.remove(trialJobId(sweepId, index)).catch(() => 0);
  }
}

function sweepSpec(task: SweepTask, kind: SweepSpec['kind'], bytes: Buffer, folds: Buffer, files: readonly ExtraFile[]): SweepSpec {
  return {
    version: queueVersion(),
    runId: task.runId,
    experimentName: path.basename(task.experimentFile),
    experimentText: readFileSync(task.experimentFile, 'utf8'),
    data: { relativePath: path.relative(path.dirname(task.experimentFile), task.dataPath), sha256: hashOf(bytes), bytes: bytes.length },
    seed: task.seed,
    folds: { sha256: hashOf(folds), bytes: folds.length },
    ...(files.length > 0 ? { files: files.map((file) => ({ relativePath: file.relativePath, sha256: hashOf(file.bytes), bytes: file.bytes.length })) } : {}),
    kind,
    candidates: task.candidates,
    coordinator: { host: hostname(), pid: process.pid },
  };
}

function sweepCandidate(task: SweepTask, index: number): Params {
  const experiment = loadExperimentFile(task.experimentFile).experiment;
  return (experiment ? sweepCandidates(experiment)?.[index] : undefined) ?? {};
}
