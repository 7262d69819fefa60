/**
 * What linear_regression and ridge share (scikit-learn's LinearModel): coefficients solved exactly
 * by least squares with an L2 penalty (0 for ordinary least squares), predictions X·coef + intercept,
 * and the saved state. The subclasses differ in their name, their penalty and their online update.
 */
import type { EstimatorJSON, FitOptions, Matrix, OnlineLearner, PartialFitOptions, Regressor, Target } from '../../types';
import { checkRegressionTarget } from '../targets';
import { checkFitted, checkMatrix, toNumbers } from './common';
import { fitLeastSquares } from './leastSquares';
import { predictLinear, readLinearState } from './linearPredict';
import { readSamplesSeen } from './sgd';

export abstract class LeastSquaresRegressor implements Regressor, OnlineLearner {
  abstract readonly type: string;
  coef: Float64Array | undefined;
  intercept = 0;
  /** Rows learnt from: training rows plus those of later partialFit calls (undefined for models saved before it was kept). */
  nSamplesSeen: number | undefined;

  /** `penalty`: the L2 penalty of the exact fit (ridge's alpha; 0 for ordinary least squares). */
  protected constructor(
    readonly fitIntercept: boolean,
    private readonly penalty: number,
  ) {}

  /** Fits the coefficients on (X, y). */
  fit(X: Matrix, y: Target, options: FitOptions): void {
    checkMatrix(this.type, X);
    const target = checkRegressionTarget(this.type, y, X.rows);
    const { coef, intercept } = fitLeastSquares(X, target, this.penalty, this.fitIntercept, options);
    this.coef = coef;
    this.intercept = intercept;
    this.nSamplesSeen = X.rows;
  }

  abstract partialFit(X: Matrix, y: Target, options?: PartialFitOptions): void;

  /** Predicted values X·coef + intercept. */
  predict(X: Matrix): Float64Array {
    const coef = checkFitted(this.type, this.coef);
    checkMatrix(this.type, X, coef.length);
    return predictLinear(X, coef, this.intercept);
  }

  abstract toJSON(): EstimatorJSON;

  /** The saved fields after the subclass's own (type, parameters). */
  protected savedState(): Record<string, unknown> {
    return {
      fit_intercept: this.fitIntercept,
      coef: toNumbers(checkFitted(this.type, this.coef)),
      intercept: this.intercept,
      n_samples_seen: this.nSamplesSeen,
    };
  }

  /** Restores coef, intercept and the rows seen from a saved model. */
  protected restoreState(json: EstimatorJSON): this {
    Object.assign(this, readLinearState(this.type, json));
    this.nSamplesSeen = readSamplesSeen(this.type, json);
    return this;
  }
}
