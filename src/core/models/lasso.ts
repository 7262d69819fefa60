/** The lasso (`lasso`), as scikit-learn's Lasso: coordinate descent on 1/(2n)·||y - Xw||² + alpha·||w||₁. */
import { Random } from '../random';
import { checkFitted, checkInteger, checkKnownOptions, checkMatrix, checkOneOf, checkPositive, checkRegressionTarget, checkTag, toNumbers } from './linear/common';
import { fitElasticNet } from './linear/coordinateDescent';
import { predictLinear, readLinearState } from './linear/linearPredict';
import { partialFitRegressor, readSamplesSeen } from './linear/sgd';
import type { EstimatorJSON, FitOptions, Matrix, OnlineLearner, PartialFitOptions, Regressor, Target } from '../types';

export interface LassoOptions {
  /** L1 penalty strength (sklearn default 1.0). */
  readonly alpha?: number;
  readonly fit_intercept?: boolean;
  readonly max_iter?: number;
  /** Duality-gap tolerance, relative to ||y - mean(y)||². */
  readonly tol?: number;
  readonly selection?: 'cyclic' | 'random';
}

const MODEL = 'lasso';
const PARAMETERS = ['alpha', 'fit_intercept', 'max_iter', 'tol', 'selection'];

/** L1-penalised least squares; `coef` has exact zeros for dropped features (LASSO feature selection reads them). */
export class Lasso implements Regressor, OnlineLearner {
  readonly type = MODEL;
  readonly alpha: number;
  readonly fitIntercept: boolean;
  readonly maxIter: number;
  readonly tol: number;
  readonly selection: 'cyclic' | 'random';
  coef: Float64Array | undefined;
  intercept = 0;
  /** Rows learnt from: training rows plus those of later partialFit calls (undefined for models saved before it was kept). */
  nSamplesSeen: number | undefined;
  nIter = 0;
  converged = false;

  constructor(options: LassoOptions = {}) {
    checkKnownOptions(MODEL, options, PARAMETERS);
    const { alpha = 1.0, fit_intercept = true, max_iter = 1000, tol = 1e-4, selection = 'cyclic' } = options;
    this.alpha = checkPositive(MODEL, 'alpha', alpha, true);
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
    const result = fitElasticNet(X, target, { alpha: this.alpha, l1Ratio: 1, fitIntercept: this.fitIntercept, maxIter: this.maxIter, tol: this.tol, random }, options);
    this.coef = result.coef;
    this.intercept = result.intercept;
    this.nSamplesSeen = X.rows;
    this.nIter = result.nIter;
    this.converged = result.converged;
  }

  /** One SGD epoch over the rows (sklearn's SGDRegressor): alpha·||w||₁ as SGD's L1 penalty. */
  partialFit(X: Matrix, y: Target, options: PartialFitOptions = {}): void {
    const coef = checkFitted(MODEL, this.coef);
    const next = partialFitRegressor(MODEL, { coef, intercept: this.intercept }, X, y, { alpha: this.alpha, l1Ratio: 1 }, this.fitIntercept, options);
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
  static fromJSON(json: EstimatorJSON): Lasso {
    checkTag(json, MODEL);
    const { alpha, fit_intercept, max_iter, tol, selection } = json as unknown as Required<LassoOptions>;
    const model = new Lasso({ alpha, fit_intercept, max_iter, tol, selection });
    Object.assign(model, readLinearState(MODEL, json));
    model.nSamplesSeen = readSamplesSeen(MODEL, json);
    return model;
  }
}
