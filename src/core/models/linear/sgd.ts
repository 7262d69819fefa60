/**
 * One epoch of scikit-learn's plain SGD (`_sgd_fast.pyx` `_plain_sgd`), the update behind the
 * linear models' partialFit: rows in order, constant learning rate, no averaging, starting from
 * the model's weights. Weights are blocks of cols + 1 (coefficients, then intercept), as the
 * logistic regression stores them; a regressor is one block.
 */
import { MlError, throwIfAborted } from '../../types';
import type { Matrix, PartialFitOptions, Target } from '../../types';
import { checkRegressionTarget } from '../targets';
import { checkMatrix } from './common';
import { softmaxInPlace } from '../softmax';

/** 'squared': ½(p − y)²; 'log': sklearn's log loss with y ∈ {−1, +1}; 'softmax': multinomial log loss, y a class index. */
export type SgdLoss = 'squared' | 'log' | 'softmax';

export interface SgdSettings {
  readonly loss: SgdLoss;
  /** Constant learning rate (sklearn's eta0). */
  readonly eta: number;
  /** Penalty strength of the mean-loss objective, sklearn's SGD alpha. */
  readonly alpha: number;
  /** Share of the penalty that is L1 (sklearn's l1_ratio). */
  readonly l1Ratio: number;
  readonly fitIntercept: boolean;
  readonly signal?: AbortSignal;
}

/** The default step of the linear models' online updates. */
export const DEFAULT_LEARNING_RATE = 0.01;
// sklearn clips the loss derivative to this so one extreme row cannot blow the weights up.
const MAX_DLOSS = 1e12;
// WeightVector folds its lazy scale into the weights when it gets this small.
const WSCALE_THRESHOLD = 1e-9;
const CHECK_EVERY = 4096;

/**
 * Runs one SGD epoch over X's rows in order and returns the new weights (the input is not
 * touched). `targets` holds y (squared), ±1 (log) or the class index (softmax) of each row.
 */
export function sgdEpoch(X: Matrix, targets: Float64Array, weights: Float64Array, blocks: number, settings: SgdSettings): Float64Array {
  const { loss, eta, alpha, l1Ratio, fitIntercept, signal } = settings;
  const cols = X.cols;
  const stride = cols + 1;
  // As sklearn's WeightVector: block k's coefficients are wscale[k] · w[k·stride + j], so the L2
  // shrink of every step is one multiplication.
  const w = weights.slice();
  const wscale = new Float64Array(blocks).fill(1);
  const useL1 = l1Ratio > 0 && alpha > 0;
  const q = useL1 ? new Float64Array(blocks * cols) : undefined;
  let u = 0;
  const shrink = Math.max(0, 1 - (1 - l1Ratio) * eta * alpha);
  const scores = new Float64Array(blocks);
  const updates = new Float64Array(blocks);
  // The row's entries are values[start..end), in columns indices[p] (CSR) or p − start (dense):
  // `base` below is where column 0 of a block sits relative to p, so both read w[base + column].
  const values = X.kind === 'csr' ? X.values : X.data;
  const indices = X.kind === 'csr' ? X.indices : undefined;
  for (let i = 0; i < X.rows; i++) {
    if (i % CHECK_EVERY === 0) throwIfAborted(signal);
    const start = X.kind === 'csr' ? (X.indptr[i] as number) : i * cols;
    const end = X.kind === 'csr' ? (X.indptr[i + 1] as number) : start + cols;
    const shift = indices ? 0 : start;
    for (let k = 0; k < blocks; k++) {
      const offset = k * stride;
      scores[k] = rowDot(w, offset - shift, values, indices, start, end) * (wscale[k] as number) + (w[offset + cols] as number);
    }
    lossDerivative(loss, scores, targets[i] as number, updates);
    for (let k = 0; k < blocks; k++) {
      const dloss = Math.min(MAX_DLOSS, Math.max(-MAX_DLOSS, updates[k] as number));
      const update = -eta * dloss;
      const offset = k * stride;
      if (shrink !== 1) {
        wscale[k] = (wscale[k] as number) * shrink;
        if ((wscale[k] as number) < WSCALE_THRESHOLD) foldScale(w, wscale, k, stride, cols);
      }
      if (update !== 0) {
        rowAxpy(w, offset - shift, values, indices, start, end, update / (wscale[k] as number));
        if (fitIntercept) w[offset + cols] = (w[offset + cols] as number) + update;
      }
    }
    if (q) {
      u += l1Ratio * eta * alpha;
      for (let k = 0; k < blocks; k++) {
        const scale = wscale[k] as number;
        const offset = k * stride;
        for (let p = start; p < end; p++) {
          const j = indices ? (indices[p] as number) : p - start;
          const at = offset + j;
          const z = w[at] as number;
          const qAt = k * cols + j;
          // Truncated gradient with memory (Tsuruoka et al.): each weight has received at most the
          // total penalty u so far; q remembers how much it actually got.
          if (scale * z > 0) w[at] = Math.max(0, z - (u + (q[qAt] as number)) / scale);
          else if (scale * z < 0) w[at] = Math.min(0, z + (u - (q[qAt] as number)) / scale);
          q[qAt] = (q[qAt] as number) + scale * ((w[at] as number) - z);
        }
      }
    }
  }
  for (let k = 0; k < blocks; k++) foldScale(w, wscale, k, stride, cols);
  for (const v of w) {
    if (!Number.isFinite(v)) throw new MlError(`the SGD update overflowed (weights became ${String(v)}); lower learningRate`);
  }
  return w;
}

/** Σ w[base + column(p)] · values[p] over the row's entries, in order (as sklearn's WeightVector.dot). */
function rowDot(w: Float64Array, base: number, values: Float64Array, indices: Int32Array | undefined, start: number, end: number): number {
  let sum = 0;
  if (indices) for (let p = start; p < end; p++) sum += (w[base + (indices[p] as number)] as number) * (values[p] as number);
  else for (let p = start; p < end; p++) sum += (w[base + p] as number) * (values[p] as number);
  return sum;
}

/** w[base + column(p)] += values[p] · step over the row's entries. */
function rowAxpy(w: Float64Array, base: number, values: Float64Array, indices: Int32Array | undefined, start: number, end: number, step: number): void {
  if (indices) {
    for (let p = start; p < end; p++) {
      const at = base + (indices[p] as number);
      w[at] = (w[at] as number) + (values[p] as number) * step;
    }
  } else {
    for (let p = start; p < end; p++) w[base + p] = (w[base + p] as number) + (values[p] as number) * step;
  }
}

function foldScale(w: Float64Array, wscale: Float64Array, k: number, stride: number, cols: number): void {
  const scale = wscale[k] as number;
  for (let j = k * stride; j < k * stride + cols; j++) w[j] = (w[j] as number) * scale;
  wscale[k] = 1;
}

/** Writes dloss/dp of each block into `out`; `scores` are the raw scores of the row. */
function lossDerivative(loss: SgdLoss, scores: Float64Array, y: number, out: Float64Array): void {
  const p = scores[0] as number;
  if (loss === 'squared') {
    out[0] = p - y;
  } else if (loss === 'log') {
    // sklearn's guards: for |z| > 18 the exact form is replaced by its asymptote.
    const z = p * y;
    out[0] = z > 18 ? Math.exp(-z) * -y : z < -18 ? -y : -y / (Math.exp(z) + 1);
  } else {
    out.set(scores);
    softmaxInPlace(out, 0, scores.length);
    for (let k = 0; k < scores.length; k++) out[k] = (out[k] as number) - (k === y ? 1 : 0);
  }
}

/** The SGD learning rate of an update: options.learningRate, checked, or the default 0.01. */
export function learningRate(model: string, options: PartialFitOptions): number {
  const eta = options.learningRate ?? DEFAULT_LEARNING_RATE;
  if (typeof eta !== 'number' || !Number.isFinite(eta) || eta <= 0) {
    throw new MlError(`${model}: learningRate must be a finite number > 0, got ${String(eta)}`);
  }
  return eta;
}

/** A linear regressor's state that an online update reads and replaces. */
export interface LinearRegressorState {
  readonly coef: Float64Array;
  readonly intercept: number;
}

/**
 * One squared-loss SGD epoch for a linear regressor; checks X (width, finite values) and y first.
 * Returns the new state; the caller assigns it, so a failed update changes nothing.
 */
export function partialFitRegressor(
  model: string,
  state: LinearRegressorState,
  X: Matrix,
  y: Target,
  penalty: { alpha: number; l1Ratio: number },
  fitIntercept: boolean,
  options: PartialFitOptions,
): LinearRegressorState {
  throwIfAborted(options.signal);
  checkMatrix(model, X, state.coef.length);
  const target = checkRegressionTarget(model, y, X.rows);
  const eta = learningRate(model, options);
  const weights = new Float64Array(X.cols + 1);
  weights.set(state.coef);
  weights[X.cols] = state.intercept;
  const updated = withModelName(model, () => sgdEpoch(X, target, weights, 1, { loss: 'squared', eta, ...penalty, fitIntercept, signal: options.signal }));
  return { coef: updated.slice(0, X.cols), intercept: updated[X.cols] as number };
}

/** Runs `step`, prefixing an MlError's message with the model's name. */
export function withModelName<T>(model: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof MlError) throw new MlError(`${model}: ${error.message}`);
    throw error;
  }
}

/** Reads `n_samples_seen` saved by a linear model's toJSON; undefined for models saved before it existed. */
export function readSamplesSeen(model: string, json: { readonly [key: string]: unknown }): number | undefined {
  const seen = json.n_samples_seen;
  if (seen === undefined) return undefined;
  if (typeof seen !== 'number' || !Number.isInteger(seen) || seen < 0) throw new MlError(`${model}: saved field 'n_samples_seen' is not a count`);
  return seen;
}

/** The MlError of an update that needs n_samples_seen on a model saved without it. */
export function needsRetraining(model: string): MlError {
  return new MlError(
    `${model}: this model was saved before online updates existed (it lacks n_samples_seen, which scales the penalty of an update); retrain it, then partialFit`,
  );
}
