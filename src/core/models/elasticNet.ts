/** Elastic net (`elastic_net`), as scikit-learn's ElasticNet, by coordinate descent. */
import { Random } from '../random';
import { checkFitted, checkFraction, checkInteger, checkKnownOptions, checkMatrix, checkOneOf, checkPositive, checkRegressionTarget, checkTag, toNumbers } from './linear/common';
import { fitElasticNet } from './linear/coordinateDescent';
import { predictLinear, readLinearState } from './linear/linearPredict';
import { partialFitRegressor, readSamplesSeen } from './linear/sgd';
import type { EstimatorJSON, FitOptions, Matrix, OnlineLearner, PartialFitOptions, Regressor, Target } from '../types';

export interface ElasticNetOptions {
  /** Overall penalty strength (sklearn default 1.0). */
  readonly alpha?: number;
  /** Share of the penalty that is L1: 1 is the lasso, 0 is ridge-like. */
  readonly l1_ratio?: number;
  readonly fit_intercept?: boolean;
  readonly max_iter?: number;
  /** Duality-gap tolerance, relative to ||y - mean(y)||². */
  readonly tol?: number;
  /** 'cyclic' visits features in order; 'random' in a seeded random order (FitOptions.seed). */
  readonly selection?: 'cyclic' | 'random';
}

const MODEL = 'elastic_net';
const PARAMETERS = ['alpha', 'l1_ratio', 'fit_intercept', 'max_iter', 'tol', 'selection'];

/** Minimises 1/(2n)·||y - Xw||² + alpha·l1_ratio·||w||₁ + alpha·(1 - l1_ratio)/2·||w||². */
export class ElasticNet implements Regressor, OnlineLearner {
  readonly type = MODEL;
  readonly alpha: number;
  readonly l1Ratio: number;
  readonly fitIntercept: boolean;
  readonly maxIter: number;
  readonly tol: number;
  readonly selection: 'cyclic' | 'random';
  coef: Float64Array | undefined;
  intercept = 0;
  /** Rows learnt from: training rows plus those of later partialFit calls (undefined for models saved before it was kept). */
  nSamplesSeen: number | undefined;
  /** Epochs run by the last fit, and whether the duality gap fell below tol. */
  nIter = 0;
  converged = false;

  constructor(options: ElasticNetOptions = {}) {
    checkKnownOptions(MODEL, options, PARAMETERS);
    const { alpha = 1.0, l1_ratio = 0.5, fit_intercept = true, max_iter = 1000, tol = 1e-4, selection = 'cyclic' } = options;
    this.alpha = checkPositive(MODEL, 'alpha', alpha, true);
    this.l1Ratio = checkFraction(MODEL, 'l1_ratio', l1_ratio);
    this.fitIntercept = checkOneOf(MODEL, 'fit_intercept', fit_intercept, [true, false]);
    this.maxIter = checkInteger(MODEL, 'max_iter', max_iter, 1);
    this.tol = checkPositive(MODEL, 'tol', tol);
    this.selection = checkOneOf(MODEL, 'selection', selection, ['cyclic', 'random']);
  }

  /** Fits the coefficients on (X, y). */
  fit(X: Matrix, y: Target, options: FitOptions = {}): void {
    checkMatrix(MODEL, X);
    const target = checkRegressionTarget(MODEL, X, y);
    const random = this.selection === 'random' ? new Random(options.seed ?? 42) : undefined;
    const result = fitElasticNet(X, target, { alpha: this.alpha, l1Ratio: this.l1Ratio, fitIntercept: this.fitIntercept, maxIter: this.maxIter, tol: this.tol, random }, options);
    this.coef = result.coef;
    this.intercept = result.intercept;
    this.nSamplesSeen = X.rows;
    this.nIter = result.nIter;
    this.converged = result.converged;
  }

  /** One SGD epoch over the rows (sklearn's SGDRegressor): the same alpha and l1_ratio as SGD's elastic-net penalty. */
  partialFit(X: Matrix, y: Target, options: PartialFitOptions = {}): void {
    const coef = checkFitted(MODEL, this.coef);
    const next = partialFitRegressor(MODEL, { coef, intercept: this.intercept }, X, y, { alpha: this.alpha, l1Ratio: this.l1Ratio }, this.fitIntercept, options);
    this.coef = next.coef;
    this.intercept = next.intercept;
    if (this.nSamplesSeen !== undefined) this.nSamplesSeen += X.rows;
  }

  /** Predicted values X·coef + intercept. */
  predict(X: Matrix): Float64Array {
    const coef = checkFitted(MODEL, this.coef);
    checkMatrix(MODEL, X, coef.length);
    return predictLinear(X, coef, this.intercept);
  }

  toJSON(): EstimatorJSON {
    return {
      type: MODEL,
      alpha: this.alpha,
      l1_ratio: this.l1Ratio,
      fit_intercept: this.fitIntercept,
      max_iter: this.maxIter,
      tol: this.tol,
      selection: this.selection,
      coef: toNumbers(checkFitted(MODEL, this.coef)),
      intercept: this.intercept,
      n_samples_seen: this.nSamplesSeen,
    };
  }

  /** Restores a model saved by toJSON. */
  static fromJSON(json: EstimatorJSON): ElasticNet {
    checkTag(json, MODEL);
    const { alpha, l1_ratio, fit_intercept, max_iter, tol, selection } = json as unknown as Required<ElasticNetOptions>;
    const model = new ElasticNet({ alpha, l1_ratio, fit_intercept, max_iter, tol, selection });
    Object.assign(model, readLinearState(MODEL, json));
    model.nSamplesSeen = readSamplesSeen(MODEL, json);
    return model;
  }
}
