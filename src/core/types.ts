/** Shared shapes of the ML core: matrices, estimators, progress and cancellation. */

/** A dense row-major matrix: `data[i * cols + j]` is row i, column j. */
export interface DenseMatrix {
  readonly kind: 'dense';
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/** A compressed-sparse-row matrix, as TF-IDF produces. */
export interface CsrMatrix {
  readonly kind: 'csr';
  readonly rows: number;
  readonly cols: number;
  /** Row i's entries are at indptr[i] .. indptr[i+1]-1. */
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float64Array;
}

export type Matrix = DenseMatrix | CsrMatrix;

/** Targets: class labels (strings) for classification, numbers for regression. */
export type Target = readonly string[] | Float64Array;

export type Task = 'classification' | 'regression';

/** Called by long fits; `step` is an epoch or iteration, `of` its planned total when known. */
export interface ProgressEvent {
  readonly stage: string;
  readonly step: number;
  readonly of?: number;
  readonly loss?: number;
  readonly metrics?: Readonly<Record<string, number>>;
}

export interface FitOptions {
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Checked between iterations; a fit that sees it aborted throws `CancelledError`. */
  readonly signal?: AbortSignal;
  /** Seed of the run's RNG (see core/random.ts); trainExperiment settles it (runSeed), everything below is handed it. */
  readonly seed: number;
}

/** Thrown by any fit or pipeline step that notices its signal was aborted. */
export class CancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

/** Thrown for bad input or parameters; names the step, column or parameter at fault. */
export class MlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MlError';
  }
}

/** The message of anything thrown: an Error's message, else the value as text. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Throws CancelledError when the signal has been aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new CancelledError();
}

/** Serialised estimator: tagged with its model type so `load` can check it. */
export interface EstimatorJSON {
  readonly type: string;
  readonly [key: string]: unknown;
}

/** One shape for every model: classifiers take string labels, regressors numbers. */
export interface Estimator {
  readonly type: string;
  fit(X: Matrix, y: Target, options: FitOptions): Promise<void> | void;
  /** Classifiers return labels, regressors numbers. */
  predict(X: Matrix): Target;
  toJSON(): EstimatorJSON;
}

export interface Classifier extends Estimator {
  readonly classes: readonly string[];
  predict(X: Matrix): string[];
  /** rows × classes probabilities, columns in `classes` order. */
  predictProba(X: Matrix): DenseMatrix;
}

export interface Regressor extends Estimator {
  predict(X: Matrix): Float64Array;
}

/** Options of an online update: a fitted model learning from new labelled rows. */
export interface PartialFitOptions {
  /**
   * Step size of the update's SGD (linear models) or Adam (MLP) steps; left out, each model's
   * default (0.01 for the linear models, the MLP's learning_rate_init). Naive Bayes ignores it.
   */
  readonly learningRate?: number;
  readonly signal?: AbortSignal;
}

/**
 * A fitted model that learns from new rows without its training data, as scikit-learn's
 * partial_fit: naive Bayes adds the rows to its counts and moments; the linear models take one SGD
 * epoch over the rows in order; the MLP one Adam epoch. Labels the model has never seen, wrong
 * widths or non-finite values are MlErrors, and the model is left unchanged by a failed update.
 */
export interface OnlineLearner {
  partialFit(X: Matrix, y: Target, options?: PartialFitOptions): Promise<void> | void;
}

/** True for a model instance that implements partialFit. */
export function isOnlineLearner(model: unknown): model is OnlineLearner {
  return typeof (model as { partialFit?: unknown } | null)?.partialFit === 'function';
}
