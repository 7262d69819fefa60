/**
 * The epoch loop shared by the tfjs models: seeded shuffling with core/random, mini-batches,
 * Adam steps, per-epoch progress, cancellation, and sklearn-style stopping on a plateau.
 */
import * as tf from '@tensorflow/tfjs';
import { Random } from '../random';
import type { FitOptions } from '../types';
import { MlError, throwIfAborted } from '../types';

export interface TrainLoopOptions {
  readonly epochs: number;
  readonly batchSize: number;
  readonly trainRows: readonly number[];
  /** Rows held out for val_loss; empty when there is no validation split. */
  readonly validationRows: readonly number[];
  readonly rng: Random;
  readonly optimizer: tf.Optimizer;
  readonly variables: tf.Variable[];
  /** Mean loss of these rows (including regularisation when training); called inside tf.tidy. */
  readonly batchLoss: (rows: readonly number[], training: boolean) => tf.Scalar;
  /** A whole optimisation step on these rows, returning the batch loss (disposed here); default: optimizer.minimize of batchLoss. */
  readonly trainStep?: (rows: readonly number[]) => tf.Scalar;
  /** Stop after this many epochs without an improvement of `tol` (0 never stops early). */
  readonly nIterNoChange: number;
  readonly tol: number;
  /** Monitor val_loss and restore the best epoch's weights (needs validationRows). */
  readonly earlyStopping: boolean;
  readonly fit: FitOptions;
}

export interface TrainLoopResult {
  readonly loss: number[];
  readonly valLoss: number[];
  /** Epochs actually run. */
  readonly epochs: number;
}

/** Trains for up to `epochs` epochs; throws CancelledError when the signal is aborted. */
export async function trainLoop(options: TrainLoopOptions): Promise<TrainLoopResult> {
  const { optimizer, variables, rng, fit } = options;
  const rows = [...options.trainRows];
  return epochLoop({
    ...options,
    runEpoch: async () => {
      rng.shuffle(rows);
      const batchLosses: tf.Scalar[] = [];
      for (let start = 0; start < rows.length; start += options.batchSize) {
        const batch = rows.slice(start, start + options.batchSize);
        // Weighted by batch size so the epoch loss is the mean over rows, as sklearn reports it.
        const cost = options.trainStep ? options.trainStep(batch) : optimizer.minimize(() => options.batchLoss(batch, true), true, variables);
        if (cost) {
          batchLosses.push(tf.mul(cost, batch.length));
          cost.dispose();
        }
        // Yield to the event loop so an abort from a timer or a message can land mid-epoch.
        if (fit.signal && start % (options.batchSize * 20) === 0) await new Promise((resolve) => setImmediate(resolve));
        throwIfAborted(fit.signal);
      }
      return sumAndDispose(batchLosses) / rows.length;
    },
    validationLoss: () => (options.validationRows.length > 0 ? meanLoss(options) : undefined),
  });
}

/** What the epoch loop needs: how to run an epoch and score the held-out rows, and when to stop. */
export interface EpochLoopOptions {
  readonly epochs: number;
  readonly variables: tf.Variable[];
  readonly nIterNoChange: number;
  readonly tol: number;
  /** Monitor the validation loss and restore the best epoch's weights (needs held-out rows). */
  readonly earlyStopping: boolean;
  readonly fit: FitOptions;
  /** One epoch of training steps; resolves to the mean training loss over its rows. */
  readonly runEpoch: (epoch: number) => Promise<number>;
  /** Mean loss of the held-out rows with the current weights; undefined when none are held out. */
  readonly validationLoss: () => number | undefined;
}

/**
 * Runs epochs with per-epoch progress and sklearn-style stopping on a plateau (of the validation loss with early
 * stopping, restoring the best epoch's weights; else of the training loss). Shared by the in-memory loop and the
 * streamed MLP, whose epochs read the file.
 */
export async function epochLoop(options: EpochLoopOptions): Promise<TrainLoopResult> {
  const { variables, fit } = options;
  const loss: number[] = [];
  const valLoss: number[] = [];
  let best = Infinity;
  let sinceBest = 0;
  let bestWeights: tf.Tensor[] | undefined;
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      throwIfAborted(fit.signal);
      const epochLoss = await options.runEpoch(epoch);
      loss.push(epochLoss);
      const val = options.validationLoss();
      if (val !== undefined) valLoss.push(val);
      fit.onProgress?.({
        stage: 'train',
        step: epoch + 1,
        of: options.epochs,
        loss: epochLoss,
        ...(val !== undefined ? { metrics: { val_loss: val } } : {}),
      });
      if (!Number.isFinite(epochLoss)) break;
      const monitored = options.earlyStopping && val !== undefined ? val : epochLoss;
      if (monitored < best - options.tol) {
        sinceBest = 0;
        if (options.earlyStopping) {
          bestWeights?.forEach((t) => t.dispose());
          bestWeights = variables.map((v) => tf.clone(v));
        }
      } else {
        sinceBest++;
      }
      if (monitored < best) best = monitored;
      if (options.nIterNoChange > 0 && sinceBest >= options.nIterNoChange) break;
    }
    if (bestWeights) variables.forEach((v, i) => v.assign(bestWeights?.[i] as tf.Tensor));
  } finally {
    bestWeights?.forEach((t) => t.dispose());
  }
  return { loss, valLoss, epochs: loss.length };
}

function meanLoss(options: TrainLoopOptions): number {
  const rows = options.validationRows;
  let total = 0;
  for (let start = 0; start < rows.length; start += 1024) {
    const batch = rows.slice(start, start + 1024);
    total += tf.tidy(() => options.batchLoss(batch, false).dataSync()[0] as number) * batch.length;
  }
  return total / rows.length;
}

/** The sum of scalars (NaN for none), which are disposed. */
export function sumAndDispose(scalars: tf.Scalar[]): number {
  if (scalars.length === 0) return NaN;
  const total = tf.tidy(() => tf.addN(scalars).dataSync()[0] as number);
  scalars.forEach((s) => s.dispose());
  return total;
}

/** Splits rows into train and validation, stratified by label when labels are given (sklearn's way). */
export function validationSplit(n: number, fraction: number, rng: Random, labels?: readonly number[]): { train: number[]; validation: number[] } {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const key = labels ? (labels[i] as number) : 0;
    const group = groups.get(key) ?? [];
    group.push(i);
    groups.set(key, group);
  }
  const train: number[] = [];
  const validation: number[] = [];
  for (const group of groups.values()) {
    rng.shuffle(group);
    const take = Math.max(labels ? 1 : 0, Math.round(group.length * fraction));
    // One push per row: spreading a group of millions of rows overflows the call stack.
    for (let k = 0; k < group.length; k++) (k < take ? validation : train).push(group[k] as number);
  }
  return { train: train.sort((a, b) => a - b), validation: validation.sort((a, b) => a - b) };
}

/** A fresh int seed for a tfjs random op, drawn from the run's generator. */
export function nextSeed(rng: Random): number {
  return rng.int(2147483647);
}

/**
 * One epoch over rows 0..rows-1 in order (no shuffling, so an online update is reproducible),
 * checking the signal between batches; returns the mean loss over the rows. A loss that turns NaN
 * or infinite is an MlError, so the caller can put the weights back.
 */
export async function orderedEpoch(rows: number, batchSize: number, step: (rows: readonly number[]) => tf.Scalar, signal?: AbortSignal): Promise<number> {
  const losses: tf.Scalar[] = [];
  try {
    for (let start = 0; start < rows; start += batchSize) {
      throwIfAborted(signal);
      const batch = Array.from({ length: Math.min(batchSize, rows - start) }, (_, i) => start + i);
      const cost = step(batch);
      losses.push(tf.mul(cost, batch.length));
      cost.dispose();
      // Yield so an abort from a timer or a message can land between batches.
      if (signal) await new Promise((resolve) => setImmediate(resolve));
    }
    throwIfAborted(signal);
    // splice empties the list, so the finally below has nothing left to free.
    const loss = sumAndDispose(losses.splice(0)) / rows;
    if (!Number.isFinite(loss)) throw new MlError(`the update diverged (loss ${loss}); try a smaller learning rate`);
    return loss;
  } finally {
    losses.forEach((t) => t.dispose());
  }
}

/**
 * Trains with a fresh Adam optimizer (scikit-learn's beta_1 0.9, beta_2 0.999, epsilon 1e-8): when
 * training fails or is cancelled, `onFailure` disposes the half-trained network before the error is
 * rethrown; the optimizer is released either way.
 */
export async function trainWithAdam(learningRate: number, options: Omit<TrainLoopOptions, 'optimizer'>, onFailure: () => void): Promise<TrainLoopResult> {
  const optimizer = tf.train.adam(learningRate, 0.9, 0.999, 1e-8);
  try {
    return await trainLoop({ ...options, optimizer });
  } catch (error) {
    onFailure();
    throw error;
  } finally {
    optimizer.dispose();
  }
}

/** Runs `update`; if it throws, the variables get back the values they had before, and the error is rethrown. */
export async function restoreOnFailure<T>(variables: readonly tf.Variable[], update: () => Promise<T>): Promise<T> {
  const saved = variables.map((v) => tf.clone(v));
  try {
    return await update();
  } catch (error) {
    variables.forEach((v, i) => v.assign(saved[i] as tf.Tensor));
    throw error;
  } finally {
    saved.forEach((t) => t.dispose());
  }
}
