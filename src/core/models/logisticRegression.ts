/**
 * Logistic regression (`logistic_regression`), as scikit-learn's LogisticRegression: binary (sigmoid)
 * or multinomial (softmax) for three classes or more, penalty 'l2' (L-BFGS, the lbfgs solution) or
 * 'l1' (OWL-QN, the solution saga converges to: intercept unpenalised), or 'none'.
 */
import {
  cParam,
  checkFitted,
  checkInteger,
  checkMatrix,
  checkOneOf,
  checkPositive,
  checkTag,
  fitInterceptParam,
  fromNumbers,
  maxIterParam,
  toNumbers,
  tolParam,
} from './linear/common';
import { minimizeLbfgs } from './linear/lbfgs';
import { objectiveTeam, objectiveThreads, type ObjectiveTeam } from './linear/objectiveTeam';
import { N_JOBS_PARAM, nJobsProblem } from '../parallel/jobs';
import { binaryColumnsObjective, binaryColumnsProbabilities, logisticObjective, logisticProbabilities } from './linear/logisticLoss';
import { learningRate, needsRetraining, readSamplesSeen, sgdEpoch, withModelName } from './linear/sgd';
import { CLASS_WEIGHT_PARAM, checkClassWeight, classWeightsOf, sampleWeightsOf, type ClassWeight } from './classWeight';
import { resolveParams, type ModelDefinition, type ModelSpec } from './spec';
import { argmaxLabels, encodeLabels } from './targets';
import { knownClassCodes } from '../data/target';
import { MlError, throwIfAborted } from '../types';
import type { Classifier, DenseMatrix, EstimatorJSON, FitOptions, Matrix, OnlineLearner, PartialFitOptions, Target } from '../types';

export interface LogisticRegressionOptions {
  readonly penalty?: 'l2' | 'l1' | 'none';
  /** Inverse regularisation strength: objective Σ log-loss + (1/C)·penalty, as in sklearn. */
  readonly C?: number;
  readonly max_iter?: number;
  /** Stop when the largest gradient entry of the mean loss falls below tol. */
  readonly tol?: number;
  readonly fit_intercept?: boolean;
  /** Weights each row's loss by its class's weight (sklearn's class_weight); fit only, not partialFit. */
  readonly class_weight?: ClassWeight;
  /** Threads for the objective of a large binary fit on columns (the model is the same for any count). */
  readonly n_jobs?: number | null;
}

const MODEL = 'logistic_regression';

export const LOGISTIC_REGRESSION_SPEC: ModelSpec = {
  type: MODEL,
  doc: 'Linear classifier with calibrated probabilities; a strong baseline.',
  tasks: ['classification'],
  input: 'matrix',
  online: true,
  needsScaling: true,
  params: {
    penalty: { schema: { type: 'string', enum: ['l2', 'l1', 'none'] }, default: 'l2', doc: 'Regularisation: l2, l1 (sparse weights) or none.' },
    C: cParam,
    max_iter: maxIterParam(100),
    tol: tolParam(1e-4),
    fit_intercept: fitInterceptParam,
    class_weight: CLASS_WEIGHT_PARAM,
    n_jobs: {
      ...N_JOBS_PARAM,
      doc: 'Threads for a large binary fit (rows × features ≥ 2M, columns in shared memory): a count, -1 for every core, or null (default) for two where there are two cores. The model does not depend on it.',
    },
  },
  starter: { C: 1.0, penalty: 'l2', max_iter: 200 },
};

/** Linear classifier with calibrated probabilities; accepts CSR input without densifying. */
export class LogisticRegression implements Classifier, OnlineLearner {
  readonly type = MODEL;
  readonly penalty: 'l2' | 'l1' | 'none';
  readonly C: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly fitIntercept: boolean;
  readonly classWeight: ClassWeight;
  readonly nJobs: number | null;
  classes: string[] = [];
  /** Blocks of cols + 1 weights (coefficients, then intercept): one block when binary, one per class otherwise. */
  weights: Float64Array | undefined;
  nFeatures = 0;
  /** Rows learnt from: training rows plus those of later partialFit calls (undefined for models saved before it was kept). */
  nSamplesSeen: number | undefined;
  nIter = 0;
  converged = false;

  constructor(options: LogisticRegressionOptions = {}) {
    const p = resolveParams(LOGISTIC_REGRESSION_SPEC, options);
    this.penalty = checkOneOf(MODEL, 'penalty', p.penalty, ['l2', 'l1', 'none']);
    this.C = checkPositive(MODEL, 'C', p.C);
    this.maxIter = checkInteger(MODEL, 'max_iter', p.max_iter, 1);
    this.tol = checkPositive(MODEL, 'tol', p.tol);
    this.fitIntercept = checkOneOf(MODEL, 'fit_intercept', p.fit_intercept, [true, false]);
    this.classWeight = checkClassWeight(MODEL, p.class_weight);
    const jobsProblem = nJobsProblem(p.n_jobs);
    if (jobsProblem) throw new MlError(`${MODEL}: n_jobs ${jobsProblem}`);
    this.nJobs = (p.n_jobs as number | null | undefined) ?? null;
  }

  /** Fits by minimising the mean log-loss plus penalty/(C·n), the same optimum as sklearn's objective. */
  fit(X: Matrix, y: Target, options: FitOptions): void {
    checkMatrix(MODEL, X);
    this.fitWith({ rows: X.rows, cols: X.cols }, y, options, (codes, blocks, l2, sampleWeight) =>
      logisticObjective(X, codes, blocks, l2, this.fitIntercept, sampleWeight),
    );
  }

  /**
   * `fit` on the feature columns themselves (the pipeline's numeric columns, no row-major copy): a binary problem is
   * fitted on them with the same arithmetic as `fit` (the same weights, bit for bit); softmax asks for `dense`.
   */
  fitColumns(columns: readonly Float64Array[], y: Target, options: FitOptions, dense: () => Matrix): void {
    const rows = columns[0]?.length ?? 0;
    const binary = !(y instanceof Float64Array) && new Set(y).size === 2;
    if (!binary || columns.some((c) => c.length !== rows)) {
      this.fit(dense(), y, options);
      return;
    }
    checkColumns(columns);
    let team: ObjectiveTeam | undefined;
    try {
      this.fitWith({ rows, cols: columns.length }, y, options, (codes, _blocks, l2, sampleWeight) => {
        // Chunks of rows on two threads when the data is large (the same sums in the same order either way).
        team = objectiveTeam(objectiveThreads(this.nJobs, rows, columns.length), columns, codes, sampleWeight);
        return binaryColumnsObjective(columns, codes, l2, this.fitIntercept, sampleWeight, team);
      });
    } finally {
      (team as ObjectiveTeam | undefined)?.close();
    }
  }

  private fitWith(
    X: { readonly rows: number; readonly cols: number },
    y: Target,
    options: FitOptions,
    objectiveOf: (codes: Int32Array, blocks: number, l2: number, sampleWeight: Float64Array | undefined) => (w: Float64Array, grad: Float64Array) => number,
  ): void {
    const { classes, codes } = encodeLabels(MODEL, y, X.rows);
    const blocks = classes.length === 2 ? 1 : classes.length;
    const n = X.rows;
    const stride = X.cols + 1;
    const strength = 1 / (this.C * n);
    const sampleWeight = sampleWeightsOf(classWeightsOf(this.classWeight, classes, codes), codes);
    const objective = objectiveOf(codes, blocks, this.penalty === 'l2' ? strength : 0, sampleWeight);
    let l1: Float64Array | undefined;
    if (this.penalty === 'l1') {
      l1 = new Float64Array(blocks * stride);
      for (let k = 0; k < blocks; k++) l1.fill(strength, k * stride, k * stride + X.cols);
    }
    const result = minimizeLbfgs(objective, new Float64Array(blocks * stride), {
      maxIter: this.maxIter,
      gtol: this.tol,
      l1,
      signal: options.signal,
      onIteration: (step, loss) => options.onProgress?.({ stage: 'lbfgs', step, of: this.maxIter, loss }),
    });
    if (blocks > 1 && this.fitIntercept) {
      // Softmax is unchanged by a common shift of the intercepts; centre them as sklearn's solvers end up.
      let mean = 0;
      for (let k = 0; k < blocks; k++) mean += (result.x[k * stride + X.cols] as number) / blocks;
      for (let k = 0; k < blocks; k++) result.x[k * stride + X.cols] = (result.x[k * stride + X.cols] as number) - mean;
    }
    this.classes = classes;
    this.weights = result.x;
    this.nFeatures = X.cols;
    this.nSamplesSeen = n;
    this.nIter = result.nIter;
    this.converged = result.converged;
  }

  /**
   * One SGD epoch over the rows: sklearn's SGDClassifier log loss (y = ±1, +1 for classes[1]) when
   * binary, a softmax step per weight block otherwise. C·Σ log-loss + ½||w||² over all rows seen is
   * the mean loss plus SGD's penalty with alpha = 1/(C·n); penalty 'l1' makes it an L1 penalty.
   */
  partialFit(X: Matrix, y: Target, options: PartialFitOptions = {}): void {
    const weights = checkFitted(MODEL, this.weights);
    if (this.nSamplesSeen === undefined) throw needsRetraining(MODEL);
    throwIfAborted(options.signal);
    checkMatrix(MODEL, X, this.nFeatures);
    const codes = this.encodeKnownLabels(X, y);
    const eta = learningRate(MODEL, options);
    const binary = this.classes.length === 2;
    const targets = Float64Array.from(codes, (c) => (binary ? (c === 1 ? 1 : -1) : c));
    const seen = this.nSamplesSeen + X.rows;
    const settings = {
      loss: binary ? ('log' as const) : ('softmax' as const),
      eta,
      alpha: this.penalty === 'none' ? 0 : 1 / (this.C * seen),
      l1Ratio: this.penalty === 'l1' ? 1 : 0,
      fitIntercept: this.fitIntercept,
      signal: options.signal,
    };
    this.weights = withModelName(MODEL, () => sgdEpoch(X, targets, weights, binary ? 1 : this.classes.length, settings));
    this.nSamplesSeen = seen;
  }

  /** Class indices of y; labels the model was not trained on are an MlError naming them. */
  private encodeKnownLabels(X: Matrix, y: Target): Int32Array {
    if (y instanceof Float64Array) throw new MlError(`${MODEL}: target must be class labels (a classification target)`);
    if (y.length !== X.rows) throw new MlError(`${MODEL}: target has ${y.length} values but X has ${X.rows} rows`);
    return knownClassCodes(MODEL, this.classes, y);
  }

  /** Coefficient rows (one when binary, for the second class; one per class otherwise), as sklearn's coef_. */
  get coef(): Float64Array[] {
    const w = checkFitted(MODEL, this.weights);
    const blocks = this.classes.length === 2 ? 1 : this.classes.length;
    return Array.from({ length: blocks }, (_, k) => w.slice(k * (this.nFeatures + 1), k * (this.nFeatures + 1) + this.nFeatures));
  }

  /** Intercepts, as sklearn's intercept_. */
  get intercept(): Float64Array {
    const w = checkFitted(MODEL, this.weights);
    const blocks = this.classes.length === 2 ? 1 : this.classes.length;
    return Float64Array.from({ length: blocks }, (_, k) => w[k * (this.nFeatures + 1) + this.nFeatures] as number);
  }

  /** rows × classes probabilities (sigmoid when binary, softmax otherwise). */
  predictProba(X: Matrix): DenseMatrix {
    const w = checkFitted(MODEL, this.weights);
    checkMatrix(MODEL, X, this.nFeatures);
    const blocks = this.classes.length === 2 ? 1 : this.classes.length;
    return { kind: 'dense', rows: X.rows, cols: this.classes.length, data: logisticProbabilities(X, w, blocks) };
  }

  /**
   * predictProba on feature columns (no row-major matrix) for a binary model, the same values bit for bit; undefined
   * (predict the matrix instead) for softmax, another column count or non-finite values (predictProba names them).
   */
  predictProbaColumns(columns: readonly Float64Array[]): DenseMatrix | undefined {
    const w = checkFitted(MODEL, this.weights);
    if (this.classes.length !== 2 || columns.length !== this.nFeatures || columns.length === 0) return undefined;
    const rows = (columns[0] as Float64Array).length;
    if (columns.some((c) => c.length !== rows || !allFinite(c))) return undefined;
    return { kind: 'dense', rows, cols: 2, data: binaryColumnsProbabilities(columns, w) };
  }

  /** The most probable class of each row. */
  predict(X: Matrix): string[] {
    return argmaxLabels(this.predictProba(X).data, this.classes);
  }

  toJSON(): EstimatorJSON {
    return {
      type: MODEL,
      penalty: this.penalty,
      C: this.C,
      max_iter: this.maxIter,
      tol: this.tol,
      fit_intercept: this.fitIntercept,
      class_weight: this.classWeight,
      classes: this.classes,
      n_features: this.nFeatures,
      weights: toNumbers(checkFitted(MODEL, this.weights)),
      n_samples_seen: this.nSamplesSeen,
    };
  }

  /** Restores a model saved by toJSON. */
  static fromJSON(json: EstimatorJSON): LogisticRegression {
    checkTag(json, MODEL);
    const { penalty, C, max_iter, tol, fit_intercept, class_weight } = json as unknown as LogisticRegressionOptions;
    const model = new LogisticRegression({ penalty, C, max_iter, tol, fit_intercept, class_weight });
    if (!Array.isArray(json.classes) || typeof json.n_features !== 'number') throw new MlError(`${MODEL}: saved model lacks classes or n_features`);
    model.classes = (json.classes as unknown[]).map(String);
    model.nFeatures = json.n_features;
    model.weights = fromNumbers(MODEL, 'weights', json.weights);
    model.nSamplesSeen = readSamplesSeen(MODEL, json);
    return model;
  }
}

function allFinite(values: Float64Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i] as number)) return false;
  return true;
}

/** checkMatrix for columns: the first non-finite value in row order is the one named, as checkMatrix names it. */
function checkColumns(columns: readonly Float64Array[]): void {
  const rows = columns[0]?.length ?? 0;
  if (rows === 0) throw new MlError(`${MODEL}: X has no rows`);
  if (columns.length === 0) throw new MlError(`${MODEL}: X has no columns`);
  let badRow = rows;
  let badColumn = -1;
  columns.forEach((values, j) => {
    for (let i = 0; i < badRow; i++) {
      if (!Number.isFinite(values[i] as number)) {
        badRow = i;
        badColumn = j;
        break;
      }
    }
  });
  if (badColumn >= 0) {
    const value = (columns[badColumn] as Float64Array)[badRow] as number;
    throw new MlError(`${MODEL}: X column ${badColumn} holds ${String(value)}; remove or impute non-finite values before fitting`);
  }
}

export const logisticRegressionModel: ModelDefinition = {
  spec: LOGISTIC_REGRESSION_SPEC,
  create: (params) => new LogisticRegression(params),
  fromJSON: (json) => LogisticRegression.fromJSON(json),
};
