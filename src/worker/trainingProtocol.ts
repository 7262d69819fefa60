/** Message contract between the extension host and a training worker, a union keyed on `type`. */
import type { RunEvent } from '../core/runs/execute';
import type { ShareResult } from '../core/runs/sweep';
import type { Params, Trial } from '../core/search';

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
  /** The last step of a parallel sweep: train with the best parameters and record the trials. */
  readonly sweep?: {
    readonly params: Params;
    readonly trials: readonly Trial[];
    readonly best: { readonly params: Params; readonly score: number; readonly metric: string };
  };
}

/** One worker's share of a parallel sweep: score these candidates by cross-validation. */
export interface ShareRequest {
  readonly type: 'share';
  readonly experimentFile: string;
  readonly indices: readonly number[];
  readonly seed?: number;
  readonly tfjsBackend: string;
  readonly wasmDir: string;
}

export type TrainingRequest = TrainRequest | ShareRequest | { readonly type: 'cancel' };

export type TrainingResponse =
  | { readonly type: 'event'; readonly event: RunEvent }
  | { readonly type: 'done' }
  | { readonly type: 'trial'; readonly trial: Trial }
  | { readonly type: 'share-done'; readonly result: ShareResult }
  | { readonly type: 'share-failed'; readonly message: string };

/** Checks a message from a training worker before the host trusts it. */
export function isTrainingResponse(value: unknown): value is TrainingResponse {
  if (typeof value !== 'object' || value === null) return false;
  const message = value as { type?: unknown; event?: { type?: unknown; runId?: unknown } };
  if (message.type === 'done') return true;
  if (message.type === 'trial') return typeof (value as { trial?: unknown }).trial === 'object';
  if (message.type === 'share-done') return typeof (value as { result?: unknown }).result === 'object';
  if (message.type === 'share-failed') return typeof (value as { message?: unknown }).message === 'string';
  return message.type === 'event' && typeof message.event?.type === 'string' && typeof message.event.runId === 'string';
}
