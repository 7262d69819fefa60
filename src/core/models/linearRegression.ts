/** Ordinary least squares (`linear_regression`), as scikit-learn's LinearRegression. */
import { checkFitted, checkOneOf, checkTag, fitInterceptParam } from './linear/common';
import { LeastSquaresRegressor } from './linear/leastSquaresRegressor';
import { partialFitRegressor } from './linear/sgd';
import { resolveParams, type ModelDefinition, type ModelSpec } from './spec';
import type { EstimatorJSON, Matrix, PartialFitOptions, Target } from '../types';

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
export class LinearRegression extends LeastSquaresRegressor {
  readonly type = MODEL;

  constructor(options: LinearRegressionOptions = {}) {
    const p = resolveParams(LINEAR_REGRESSION_SPEC, options);
    super(checkOneOf(MODEL, 'fit_intercept', p.fit_intercept, [true, false]), 0);
  }

  /** One SGD epoch over the rows (sklearn's SGDRegressor): squared loss, no penalty. */
  partialFit(X: Matrix, y: Target, options: PartialFitOptions = {}): void {
    const coef = checkFitted(MODEL, this.coef);
    const next = partialFitRegressor(MODEL, { coef, intercept: this.intercept }, X, y, { alpha: 0, l1Ratio: 0 }, this.fitIntercept, options);
    this.coef = next.coef;
    this.intercept = next.intercept;
    if (this.nSamplesSeen !== undefined) this.nSamplesSeen += X.rows;
  }

  toJSON(): EstimatorJSON {
    return { type: MODEL, ...this.savedState() };
  }

  /** Restores a model saved by toJSON. */
  static fromJSON(json: EstimatorJSON): LinearRegression {
    checkTag(json, MODEL);
    return new LinearRegression({ fit_intercept: json.fit_intercept !== false }).restoreState(json);
  }
}

export const linearRegressionModel: ModelDefinition = {
  spec: LINEAR_REGRESSION_SPEC,
  create: (params) => new LinearRegression(params),
  fromJSON: (json) => LinearRegression.fromJSON(json),
};
