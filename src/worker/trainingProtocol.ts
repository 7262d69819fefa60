/** Message contract between the extension host and a training worker, a union keyed on `type`. */
import type { RunEvent } from '../core/runs/execute';

export interface TrainRequest {
  readonly type: 'train';
  readonly workspaceRoot: string;
  readonly experimentFile: string;
  readonly runId: string;
  readonly seed?: number;
  /** Retraining: the run whose collected feedback is added to the data. */
  readonly feedbackFrom?: string;
  readonly tfjsBackend: string;
  readonly wasmDir: string;
  /** Worker threads that score a grid or random sweep's candidates (1: inside the training). */
  readonly sweepJobs?: number;
  /** mlWorkbench.queue.url: the sweep's candidates go to queue workers instead. */
  readonly queueUrl?: string;
  /** mlWorkbench.training.memoryLimitMb: a table that does not fit is streamed from its file (core/stream/run.ts). */
  readonly maxMemoryMb?: number;
}

export type TrainingRequest = TrainRequest | { readonly type: 'cancel' };

export type TrainingResponse = { readonly type: 'event'; readonly event: RunEvent } | { readonly type: 'done' };

/** Checks a message from a training worker before the host trusts it. */
export function isTrainingResponse(value: unknown): value is TrainingResponse {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as { type?: unknown; event?: { type?: unknown; runId?: unknown } };
  if (message.type === 'done') return true;
  return message.type === 'event' && typeof message.event?.type === 'string' && typeof message.event.runId === 'string';
}
