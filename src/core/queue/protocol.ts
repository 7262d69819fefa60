/**
 * What the coordinator and queue workers share through Redis: the BullMQ queue of trials (one queue
 * per code version, so a worker never takes a trial it would score differently), the sweep's
 * inputs, the results list the coordinator reads, and the workers' heartbeats.
 */
import packageJson from '../../../package.json';
import type { Params, Trial } from '../search';
import type { TrainProgressEvent } from '../validation/progress';

/** Bumped when the jobs, keys or results below change shape. */
const PROTOCOL = 4;

/** The code version both sides must run: mlwb's version and the protocol (MLWB_QUEUE_VERSION overrides it, for tests). */
export function queueVersion(): string {
  return process.env.MLWB_QUEUE_VERSION || `${packageJson.version}+q${PROTOCOL}`;
}

/** The BullMQ queue of one code version (BullMQ names may not hold ':'). */
export function queueName(version = queueVersion()): string {
  return `mlwb-trials-${version.replace(/[^\w.-]/g, '_')}`;
}

export const KEYS = {
  /** JSON SweepSpec; its TTL is refreshed by the coordinator while it runs, so a dead coordinator's sweep lapses. */
  sweep: (sweepId: string) => `mlwb:sweep:${sweepId}`,
  /** A data file by content. */
  blob: (sha256: string) => `mlwb:blob:${sha256}`,
  /** A single training's outcome (v8-serialised TrainingOutcome), set by the worker that trained it. */
  training: (sweepId: string) => `mlwb:training:${sweepId}`,
  /** JSON TrialResult (or TrainingNote, TrainingProgressNote) lines, pushed by workers, popped by the coordinator. */
  results: (sweepId: string) => `mlwb:results:${sweepId}`,
  /** Set when the coordinator cancels: workers stop the sweep's active trials. */
  cancel: (sweepId: string) => `mlwb:cancel:${sweepId}`,
  /** JSON WorkerHeartbeat, expiring unless refreshed. */
  worker: (workerId: string) => `mlwb:worker:${workerId}`,
  workerPattern: 'mlwb:worker:*',
  sweepPattern: 'mlwb:sweep:*',
} as const;

/** Seconds a sweep's key lives without the coordinator refreshing it. */
export const SWEEP_TTL_S = 15;
/** Seconds a data blob stays in Redis after its last sweep started. */
export const BLOB_TTL_S = 24 * 3600;
/** Seconds a heartbeat lives; workers refresh it every HEARTBEAT_MS. */
export const HEARTBEAT_TTL_S = 10;
export const HEARTBEAT_MS = 2000;

/** The prepared inputs of one sweep, put into Redis once by the coordinator. */
export interface SweepSpec {
  readonly version: string;
  readonly runId: string;
  /** The experiment file's name and text, as the user wrote it. */
  readonly experimentName: string;
  readonly experimentText: string;
  /** The data file: its path relative to the experiment file's folder, its sha256 (the blob's key) and size. */
  readonly data: { readonly relativePath: string; readonly sha256: string; readonly bytes: number };
  /** The run's seed (models' own randomness). */
  readonly seed: number;
  /**
   * Files the experiment reads besides its data (each file of its embed steps' model folders named relative to it), by path
   * relative to the experiment file's folder, as blobs by sha256.
   */
  readonly files?: readonly { readonly relativePath: string; readonly sha256: string; readonly bytes: number }[];
  /** The coordinator's splits (queue/folds.ts encoding) as a blob by sha256: every worker scores on exactly these rows. */
  readonly folds: { readonly sha256: string; readonly bytes: number };
  /** What the jobs are: a sweep's candidates by index, halving trials by parameters and round, or one training. */
  readonly kind: 'candidates' | 'halving' | 'train';
  readonly candidates: number;
  readonly coordinator: { readonly host: string; readonly pid: number };
}

/** Data of a BullMQ job: one candidate of a sweep ('trial'), one training ('train'), or nothing ('noop', the benchmark's empty trial). */
export interface TrialJobData {
  readonly sweepId: string;
  /** The trial's index (0 for a training). */
  readonly index: number;
  /** Halving: the candidate's parameters and round. */
  readonly params?: Params;
  readonly iteration?: number;
}

/** What a worker pushes when it finished a training ('train' job): the outcome itself is under KEYS.training. */
export interface TrainingNote {
  readonly sweepId: string;
  readonly training: true;
  readonly worker: string;
  /** Why the training failed; absent when it completed. */
  readonly error?: string;
}

export function isTrainingNote(value: unknown): value is TrainingNote {
  if (typeof value !== 'object' || value === null) return false;
  const note = value as { sweepId?: unknown; training?: unknown; worker?: unknown };
  return typeof note.sweepId === 'string' && note.training === true && typeof note.worker === 'string';
}

/** What a worker pushes while a training ('train' job) runs: its progress events since the last note, in order. */
export interface TrainingProgressNote {
  readonly sweepId: string;
  readonly progress: readonly TrainProgressEvent[];
  readonly worker: string;
}

export function isTrainingProgressNote(value: unknown): value is TrainingProgressNote {
  if (typeof value !== 'object' || value === null) return false;
  const note = value as { sweepId?: unknown; progress?: unknown; worker?: unknown };
  return typeof note.sweepId === 'string' && Array.isArray(note.progress) && typeof note.worker === 'string';
}

/** What a worker pushes for each trial it ran. `score` is null when the trial failed (JSON has no NaN). */
export interface TrialResult {
  readonly sweepId: string;
  readonly trial: Omit<Trial, 'score'> & { readonly score: number | null };
  readonly metric: string;
  readonly greaterIsBetter: boolean;
  readonly worker: string;
}

/** A worker's heartbeat: who it is, where, and what it runs now. */
export interface WorkerHeartbeat {
  readonly id: string;
  readonly name: string;
  readonly host: string;
  readonly pid: number;
  readonly cores: number;
  readonly concurrency: number;
  readonly version: string;
  readonly startedAt: string;
  readonly seenAt: string;
  /** The trials it runs now: run id and 0-based candidate index. */
  readonly current: readonly { readonly sweepId: string; readonly index: number }[];
  readonly trialsDone: number;
}

/** The job id of a sweep's candidate: adding it twice adds it once. */
export function trialJobId(sweepId: string, index: number): string {
  return `${sweepId}.${index}`;
}

/** Checks a TrialResult read from Redis before the coordinator trusts it. */
export function isTrialResult(value: unknown): value is TrialResult {
  if (typeof value !== 'object' || value === null) return false;
  const result = value as { sweepId?: unknown; trial?: { index?: unknown; params?: unknown }; worker?: unknown; metric?: unknown };
  return (
    typeof result.sweepId === 'string' &&
    typeof result.trial?.index === 'number' &&
    typeof result.trial.params === 'object' &&
    typeof result.worker === 'string' &&
    typeof result.metric === 'string'
  );
}
