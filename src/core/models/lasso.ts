/** The lasso (`lasso`), as scikit-learn's Lasso: the elastic net with l1_ratio 1, 1/(2n)·||y - Xw||² + alpha·||w||₁. */
import { ELASTIC_NET_SPEC, ElasticNet, restore } from './elasticNet';
import { penaltyAlphaParam } from './linear/common';
import type { ModelDefinition, ModelSpec } from './spec';
import type { EstimatorJSON } from '../types';

export interface LassoOptions {
  /** L1 penalty strength (sklearn default 1.0). */
  readonly alpha?: number;
  readonly fit_intercept?: boolean;
  readonly max_iter?: number;
  /** Duality-gap tolerance, relative to ||y - mean(y)||². */
  readonly tol?: number;
  readonly selection?: 'cyclic' | 'random';
}

const { l1_ratio: _l1Ratio, ...params } = ELASTIC_NET_SPEC.params;

export const LASSO_SPEC: ModelSpec = {
  ...ELASTIC_NET_SPEC,
  type: 'lasso',
  doc: 'Least squares with an L1 penalty; drives weak features to zero.',
  params: { ...params, alpha: penaltyAlphaParam([0.001, 0.01, 0.1, 1]) },
  fixed: { l1_ratio: 1 },
  starter: { alpha: 0.1, max_iter: 1000 },
};

/** L1-penalised least squares; `coef` has exact zeros for dropped features (LASSO feature selection reads them). */
export class Lasso extends ElasticNet {
  constructor(options: LassoOptions = {}) {
    super(options, LASSO_SPEC);
  }

  /** Restores a model saved by toJSON. */
  static override fromJSON(json: EstimatorJSON): Lasso {
    return restore(json, LASSO_SPEC, (options) => new Lasso(options));
  }
}

export const lassoModel: ModelDefinition = { spec: LASSO_SPEC, create: (params) => new Lasso(params), fromJSON: (json) => Lasso.fromJSON(json) };
