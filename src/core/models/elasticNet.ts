/**
 * Elastic net (`elastic_net`), as scikit-learn's ElasticNet, by coordinate descent. The lasso
 * (lasso.ts) is this model with l1_ratio fixed at 1, as scikit-learn's Lasso is.
 */
import { Random } from '../random';
import {
  checkFitted,
  checkFraction,
  checkInteger,
  checkMatrix,
  checkOneOf,
  checkPositive,
  checkTag,
  fitInterceptParam,
  maxIterParam,
  penaltyAlphaParam,
  selectionParam,
  toNumbers,
  tolParam,
} from './linear/common';
import { fitElasticNet } from './linear/coordinateDescent';
import { predictLinear, readLinearState } from './linear/linearPredict';
import { partialFitRegressor, readSamplesSeen } from './linear/sgd';
import { resolveParams, type ModelDefinition, type ModelSpec } from './spec';
import { checkRegressionTarget } from './targets';
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

export const ELASTIC_NET_SPEC: ModelSpec = {
  type: 'elastic_net',
  doc: 'Least squares with mixed L1 and L2 penalties.',
  tasks: ['regression'],
  input: 'matrix',
  online: true,
  needsScaling: true,
  params: {
    alpha: penaltyAlphaParam([0.01, 0.1, 1]),
    l1_ratio: {
      schema: { type: 'number', minimum: 0, maximum: 1 },
      default: 0.5,
      grid: [0.2, 0.5, 0.8],
      doc: 'Mix of L1 and L2 penalties in [0, 1]: 1 is the lasso, 0 ridge.',
    },
    fit_intercept: fitInterceptParam,
    max_iter: maxIterParam(1000),
    tol: tolParam(1e-4),
    selection: selectionParam,
  },
  starter: { alpha: 0.1, l1_ratio: 0.5 },
};

/** Minimises 1/(2n)·||y - Xw||² + alpha·l1_ratio·||w||₁ + alpha·(1 - l1_ratio)/2·||w||². */
export class ElasticNet implements Regressor, OnlineLearner {
  /** `elastic_net`, or the type of the variant's spec (`lasso`). */
  readonly type: string;
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

  /** `spec` is a variant's (the lasso's), whose fixed values (l1_ratio) it cannot set. */
  constructor(
    options: ElasticNetOptions = {},
    private readonly spec: ModelSpec = ELASTIC_NET_SPEC,
  ) {
    const model = spec.type;
    const p = resolveParams(spec, options);
    this.type = model;
    this.alpha = checkPositive(model, 'alpha', p.alpha, true);
    this.l1Ratio = checkFraction(model, 'l1_ratio', p.l1_ratio);
    this.fitIntercept = checkOneOf(model, 'fit_intercept', p.fit_intercept, [true, false]);
    this.maxIter = checkInteger(model, 'max_iter', p.max_iter, 1);
    this.tol = checkPositive(model, 'tol', p.tol);
    this.selection = checkOneOf(model, 'selection', p.selection, ['cyclic', 'random']);
  }

  /** Fits the coefficients on (X, y). */
  fit(X: Matrix, y: Target, options: FitOptions): void {
    checkMatrix(this.type, X);
    const target = checkRegressionTarget(this.type, y, X.rows);
    const random = this.selection === 'random' ? new Random(options.seed) : undefined;
    const result = fitElasticNet(
      X,
      target,
      { alpha: this.alpha, l1Ratio: this.l1Ratio, fitIntercept: this.fitIntercept, maxIter: this.maxIter, tol: this.tol, random },
      options,
    );
    this.coef = result.coef;
    this.intercept = result.intercept;
    this.nSamplesSeen = X.rows;
    this.nIter = result.nIter;
    this.converged = result.converged;
  }

  /** One SGD epoch over the rows (sklearn's SGDRegressor): the same alpha and l1_ratio as SGD's elastic-net penalty. */
  partialFit(X: Matrix, y: Target, options: PartialFitOptions = {}): void {
    const coef = checkFitted(this.type, this.coef);
    const next = partialFitRegressor(
      this.type,
      { coef, intercept: this.intercept },
      X,
      y,
      { alpha: this.alpha, l1Ratio: this.l1Ratio },
      this.fitIntercept,
      options,
    );
    this.coef = next.coef;
    this.intercept = next.intercept;
    if (this.nSamplesSeen !== undefined) this.nSamplesSeen += X.rows;
  }

  /** Predicted values X·coef + intercept. */
  predict(X: Matrix): Float64Array {
    const coef = checkFitted(this.type, this.coef);
    checkMatrix(this.type, X, coef.length);
    return predictLinear(X, coef, this.intercept);
  }

  /** The parameters of its spec (a variant saves no fixed value) and the fitted coefficients. */
  toJSON(): EstimatorJSON {
    const params: Record<string, unknown> = {
      alpha: this.alpha,
      l1_ratio: this.l1Ratio,
      fit_intercept: this.fitIntercept,
      max_iter: this.maxIter,
      tol: this.tol,
      selection: this.selection,
    };
    for (const name of Object.keys(this.spec.fixed ?? {})) delete params[name];
    return { type: this.type, ...params, coef: toNumbers(checkFitted(this.type, this.coef)), intercept: this.intercept, n_samples_seen: this.nSamplesSeen };
  }

  /** Restores a model saved by toJSON. */
  static fromJSON(json: EstimatorJSON): ElasticNet {
    return restore(json, ELASTIC_NET_SPEC, (options) => new ElasticNet(options));
  }
}

/** Builds the spec's model from the parameters a toJSON saved, then sets the fitted state. */
export function restore<T extends ElasticNet>(json: EstimatorJSON, spec: ModelSpec, create: (options: ElasticNetOptions) => T): T {
  checkTag(json, spec.type);
  const options = Object.fromEntries(Object.keys(spec.params).map((name) => [name, json[name]]));
  const model = create(options);
  Object.assign(model, readLinearState(spec.type, json));
  model.nSamplesSeen = readSamplesSeen(spec.type, json);
  return model;
}

export const elasticNetModel: ModelDefinition = {
  spec: ELASTIC_NET_SPEC,
  create: (params) => new ElasticNet(params),
  fromJSON: (json) => ElasticNet.fromJSON(json),
};
