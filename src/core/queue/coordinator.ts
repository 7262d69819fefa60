/**
 * The queue executor of runSweep: puts a sweep's inputs into Redis once (the data by sha256), adds
 * one BullMQ job per candidate, and reads the workers' results as they arrive. It never hangs on a
 * lost Redis: it reconnects and sends again what Redis forgot, or fails with the reason after
 * `timeoutMs` without Redis. Cancel removes the waiting jobs and tells workers to stop active ones.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { SweepHooks, SweepTask, TrialExecutor } from '../runs/sweepRun';
import { loadExperimentFile } from '../runs/experimentFile';
import { sweepCandidates } from '../runs/sweep';
import type { Params } from '../search';
import { CancelledError, errorMessage } from '../types';
import { hashOf } from './inputs';
import { connectQueue, redactMessage, redactQueueUrl } from './connection';
import { BLOB_TTL_S, KEYS, SWEEP_TTL_S, isTrialResult, queueName, queueVersion, trialJobId, type SweepSpec, type TrialJobData } from './protocol';
import { listWorkers } from './worker';

export interface QueueExecutorOptions {
  /** How long Redis may stay unreachable before the sweep fails (ms; default 60 s, MLWB_QUEUE_TIMEOUT in seconds overrides). */
  readonly timeoutMs?: number;
}

/** runSweep's executor that sends the candidates to `mlwb worker` processes through Redis. */
export function queueExecutor(url: string, options: QueueExecutorOptions = {}): TrialExecutor {
  const where = redactQueueUrl(url);
  const envTimeout = Number(process.env.MLWB_QUEUE_TIMEOUT);
  const timeoutMs = options.timeoutMs ?? (envTimeout > 0 ? envTimeout * 1000 : 60_000);
  return {
    kind: 'queue',
    describe: (candidates) => `sweep of ${candidates} candidates on the queue ${where} (${queueName()})`,
    scoreCandidates: (task, indices, hooks) => scoreOnQueue(url, task, indices, hooks, timeoutMs),
  };
}

async function scoreOnQueue(url: string, task: SweepTask, indices: readonly number[], hooks: SweepHooks, timeoutMs: number): Promise<void> {
  const where = redactQueueUrl(url);
  const sweepId = task.runId;
  const redis = connectQueue(url, { commandTimeout: 5000, maxRetriesPerRequest: 1 });
  const reader = connectQueue(url, { maxRetriesPerRequest: 1 });
  let lastError = '';
  for (const connection of [redis, reader]) connection.on('error', (error: Error) => (lastError = redactMessage(error.message, url)));
  const queue = new Queue<TrialJobData>(queueName(), { connection: connectQueue(url) });
  queue.on('error', (error: Error) => (lastError = redactMessage(error.message, url)));
  const done = new Set<number>();
  const dataBytes = readFileSync(task.dataPath);
  const spec = sweepSpec(task, dataBytes);
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

  /** Puts the inputs and the unfinished candidates' jobs into Redis (again, after Redis lost them). */
  const publish = async (): Promise<number> => {
    await redis.set(KEYS.blob(spec.data.sha256), dataBytes, 'EX', BLOB_TTL_S);
    await redis.set(KEYS.sweep(sweepId), JSON.stringify(spec), 'EX', SWEEP_TTL_S);
    const pending = indices.filter((index) => !done.has(index));
    await queue.addBulk(
      pending.map((index) => ({
        name: 'trial',
        data: { sweepId, index },
        opts: { jobId: trialJobId(sweepId, index), removeOnComplete: true, removeOnFail: { age: 3600 }, attempts: 1 },
      })),
    );
    return pending.length;
  };

  const report = (text: string): void => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return;
    }
    if (!isTrialResult(value) || value.sweepId !== sweepId || done.has(value.trial.index) || !indices.includes(value.trial.index)) return;
    done.add(value.trial.index);
    const trial = { ...value.trial, score: value.trial.score ?? Number.NaN };
    hooks.onTrial({ trial, metric: value.metric, greaterIsBetter: value.greaterIsBetter, worker: value.worker });
  };

  /** Jobs BullMQ gave up on (their worker died again and again): failed trials, so the sweep goes on. */
  const checkFailedJobs = async (): Promise<void> => {
    for (const index of indices) {
      if (done.has(index)) continue;
      const job = await queue.getJob(trialJobId(sweepId, index));
      if (!job || !(await job.isFailed())) continue;
      done.add(index);
      hooks.log(`trial ${index + 1}: its job failed: ${job.failedReason}`);
      const candidate = sweepCandidate(task, index);
      hooks.onTrial({
        trial: { index, params: candidate, score: Number.NaN, error: `its worker stopped before finishing it: ${job.failedReason}` },
        metric: '',
        greaterIsBetter: true,
      });
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
        : `no worker of mlwb ${version} is connected yet; the trials wait for one (mlwb worker --queue ${where})`,
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
        if (popped) report(popped[1]);
        const more = await redis.lpop(KEYS.results(sweepId), 1000);
        for (const text of more ?? []) report(text);
        if (Date.now() - lastRefresh > 1000) {
          lastRefresh = Date.now();
          // EXPIRE answers 0 when the key is gone: Redis restarted (or evicted it) and forgot the sweep.
          if ((await redis.expire(KEYS.sweep(sweepId), SWEEP_TTL_S)) === 0) {
            const resent = await publish();
            hooks.log(`Redis at ${where} had lost this sweep (restarted?): sent its ${resent} unfinished trial(s) again`);
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
  await redis.del(KEYS.sweep(sweepId), KEYS.results(sweepId));
  for (const index of indices) {
    if (done.has(index) && finished) continue;
    // An active job is locked by its worker and stays; the worker sees the cancel and stops it.
    await queue.remove(trialJobId(sweepId, index)).catch(() => 0);
  }
}

function sweepSpec(task: SweepTask, bytes: Buffer): SweepSpec {
  return {
    version: queueVersion(),
    runId: task.runId,
    experimentName: path.basename(task.experimentFile),
    experimentText: readFileSync(task.experimentFile, 'utf8'),
    data: { relativePath: path.relative(path.dirname(task.experimentFile), task.dataPath), sha256: hashOf(bytes), bytes: bytes.length },
    seed: task.seed,
    candidates: task.candidates,
    coordinator: { host: hostname(), pid: process.pid },
  };
}

function sweepCandidate(task: SweepTask, index: number): Params {
  const experiment = loadExperimentFile(task.experimentFile).experiment;
  return (experiment ? sweepCandidates(experiment)?.[index] : undefined) ?? {};
}
