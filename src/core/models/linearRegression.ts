/** Ordinary least squares (`linear_regression`), as scikit-learn's LinearRegression. */
import { checkFitted, checkMatrix, checkOneOf, checkTag, fitInterceptParam, toNumbers } from './linear/common';
import { fitLeastSquares } from './linear/leastSquares';
import { predictLinear, readLinearState } from './linear/linearPredict';
import { partialFitRegressor, readSamplesSeen } from './linear/sgd';
import { resolveParams, type ModelDefinition, type ModelSpec } from './spec';
import { checkRegressionTarget } from './targets';
import type { EstimatorJSON, FitOptions, Matrix, OnlineLearner, PartialFitOptions, Regressor, Target } from '../types';

export interface LinearRegressionOptions {
  /** Fit an unpenalised intercept (features and target are centred). */
  readonly fit_intercept?: boolean;
}

const MODEL = 'linear_regression';

export const LINEAR_REGRESSION_SPEC: ModelSpec = {
  type: MODEL,
  doc: 'Ordinary least squares; a fast, interpretable baseline.',
  tasks: ['regression'],
  input: 'matrix',
  online: true,
  needsScaling: true,
  params: { fit_intercept: { ...fitInterceptParam, grid: [true, false] } },
  starter: { fit_intercept: true },
};

/** Least squares via the normal equations (Cholesky, tiny ridge fallback for singular systems; CG for very wide sparse X). */
export class LinearRegression implements Regressor, OnlineLearner {
  readonly type = MODEL;
  readonly fitIntercept: boolean;
  coef: Float64Array | undefined;
  intercept = 0;
  /** Rows learnt from: training rows plus those of later partialFit calls (undefined for models saved before it was kept). */
  nSamplesSeen: number | undefined;

  constructor(options: LinearRegressionOptions = {}) {
    const p = resolveParams(LINEAR_REGRESSION_SPEC, options);
    this.fitIntercept = checkOneOf(MODEL, 'fit_intercept', p.fit_intercept, [true, false]);
  }

  /** Fits the coefficients on (X, y). */
  fit(X: Matrix, y: Target, options: FitOptions = {}): void {
    checkMatrix(MODEL, X);
    const target = checkRegressionTarget(MODEL, y, X.rows);
    const { coef, intercept } = fitLeastSquares(X, target, 0, this.fitIntercept, options);
    this.coef = coef;
    this.intercept = intercept;
    this.nSamplesSeen = X.rows;
  }

  /** One SGD epoch over the rows (sklearn's SGDRegressor): squared loss, no penalty. */
  partialFit(X: Matrix, y: Target, options: PartialFitOptions = {}): void {
    const coef = checkFitted(MODEL, this.coef);
    const next = partialFitRegressor(MODEL, { coef, intercept: this.intercept }, X, y, { alpha: 0, l1Ratio: 0 }, this.fitIntercept, options);
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
      fit_intercept: this.fitIntercept,
      coef: toNumbers(checkFitted(MODEL, this.coef)),
      intercept: this.intercept,
      n_samples_seen: this.nSamplesSeen,
    };
  }

  /** Restores a model saved by toJSON. */
  static fromJSON(json: EstimatorJSON): LinearRegression {
    checkTag(json, MODEL);
    const model = new LinearRegression({ fit_intercept: json.fit_intercept !== false });
    Object.assign(model, readLinearState(MODEL, json));
    model.nSamplesSeen = readSamplesSeen(MODEL, json);
    return model;
  }
}

export const linearRegressionModel: ModelDefinition = {
  spec: LINEAR_REGRESSION_SPEC,
  create: (params) => new LinearRegression(params),
  fromJSON: (json) => LinearRegression.fromJSON(json),
};
