/** L2-penalised least squares (`ridge`), as scikit-learn's Ridge: ||y - Xw||² + alpha·||w||². */
import { checkFitted, checkMatrix, checkOneOf, checkPositive, checkTag, fitInterceptParam, penaltyAlphaParam, toNumbers } from './linear/common';
import { fitLeastSquares } from './linear/leastSquares';
import { predictLinear, readLinearState } from './linear/linearPredict';
import { needsRetraining, partialFitRegressor, readSamplesSeen } from './linear/sgd';
import { resolveParams, type ModelDefinition, type ModelSpec } from './spec';
import { checkRegressionTarget } from './targets';
import type { EstimatorJSON, FitOptions, Matrix, OnlineLearner, PartialFitOptions, Regressor, Target } from '../types';

export interface RidgeOptions {
  /** Strength of the L2 penalty (sklearn default 1.0). */
  readonly alpha?: number;
  readonly fit_intercept?: boolean;
}

const MODEL = 'ridge';

export const RIDGE_SPEC: ModelSpec = {
  type: MODEL,
  doc: 'Least squares with an L2 penalty; robust to correlated features.',
  tasks: ['regression'],
  input: 'matrix',
  online: true,
  needsScaling: true,
  params: { alpha: penaltyAlphaParam([0.01, 0.1, 1, 10]), fit_intercept: fitInterceptParam },
  starter: { alpha: 1.0 },
};

/** Ridge regression solved exactly (Cholesky on the centred Gram matrix; CG for very wide sparse X). */
export class Ridge implements Regressor, OnlineLearner {
  readonly type = MODEL;
  readonly alpha: number;
  readonly fitIntercept: boolean;
  coef: Float64Array | undefined;
  intercept = 0;
  /** Rows learnt from: training rows plus those of later partialFit calls (undefined for models saved before it was kept). */
  nSamplesSeen: number | undefined;

  constructor(options: RidgeOptions = {}) {
    const p = resolveParams(RIDGE_SPEC, options);
    this.alpha = checkPositive(MODEL, 'alpha', p.alpha, true);
    this.fitIntercept = checkOneOf(MODEL, 'fit_intercept', p.fit_intercept, [true, false]);
  }

  /** Fits the coefficients on (X, y). */
  fit(X: Matrix, y: Target, options: FitOptions = {}): void {
    checkMatrix(MODEL, X);
    const target = checkRegressionTarget(MODEL, y, X.rows);
    const { coef, intercept } = fitLeastSquares(X, target, this.alpha, this.fitIntercept, options);
    this.coef = coef;
    this.intercept = intercept;
    this.nSamplesSeen = X.rows;
  }

  /** One SGD epoch over the rows (sklearn's SGDRegressor, squared loss): ridge's objective over all rows seen is SGD's L2 penalty with alpha / n. */
  partialFit(X: Matrix, y: Target, options: PartialFitOptions = {}): void {
    const coef = checkFitted(MODEL, this.coef);
    if (this.nSamplesSeen === undefined) throw needsRetraining(MODEL);
    const seen = this.nSamplesSeen + X.rows;
    const next = partialFitRegressor(MODEL, { coef, intercept: this.intercept }, X, y, { alpha: this.alpha / seen, l1Ratio: 0 }, this.fitIntercept, options);
    this.coef = next.coef;
    this.intercept = next.intercept;
    this.nSamplesSeen = seen;
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
      coef: toNumbers(checkFitted(MODEL, this.coef)),
      intercept: this.intercept,
      n_samples_seen: this.nSamplesSeen,
    };
  }

  /** Restores a model saved by toJSON. */
  static fromJSON(json: EstimatorJSON): Ridge {
    checkTag(json, MODEL);
    const model = new Ridge({ alpha: json.alpha as number, fit_intercept: json.fit_intercept !== false });
    Object.assign(model, readLinearState(MODEL, json));
    model.nSamplesSeen = readSamplesSeen(MODEL, json);
    return model;
  }
}

export const ridgeModel: ModelDefinition = { spec: RIDGE_SPEC, create: (params) => new Ridge(params), fromJSON: (json) => Ridge.fromJSON(json) };
