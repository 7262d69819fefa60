/** L2-penalised least squares (`ridge`), as scikit-learn's Ridge: ||y - Xw||² + alpha·||w||². */
import { checkFitted, checkOneOf, checkPositive, checkTag, fitInterceptParam, penaltyAlphaParam } from './linear/common';
import { LeastSquaresRegressor } from './linear/leastSquaresRegressor';
import { needsRetraining, partialFitRegressor } from './linear/sgd';
import { resolveParams, type ModelDefinition, type ModelSpec } from './spec';
import type { EstimatorJSON, Matrix, PartialFitOptions, Target } from '../types';

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
export class Ridge extends LeastSquaresRegressor {
  readonly type = MODEL;
  readonly alpha: number;

  constructor(options: RidgeOptions = {}) {
    const p = resolveParams(RIDGE_SPEC, options);
    const alpha = checkPositive(MODEL, 'alpha', p.alpha, true);
    super(checkOneOf(MODEL, 'fit_intercept', p.fit_intercept, [true, false]), alpha);
    this.alpha = alpha;
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

  toJSON(): EstimatorJSON {
    return { type: MODEL, alpha: this.alpha, ...this.savedState() };
  }

  /** Restores a model saved by toJSON. */
  static fromJSON(json: EstimatorJSON): Ridge {
    checkTag(json, MODEL);
    return new Ridge({ alpha: json.alpha as number, fit_intercept: json.fit_intercept !== false }).restoreState(json);
  }
}

export const ridgeModel: ModelDefinition = { spec: RIDGE_SPEC, create: (params) => new Ridge(params), fromJSON: (json) => Ridge.fromJSON(json) };
