/** Regression metrics, as scikit-learn computes them. */
import { checkSameLength } from './labels';

type Values = ArrayLike<number>;

/** Mean squared error. */
export function meanSquaredError(yTrue: Values, yPred: Values): number {
  checkSameLength('mse', yTrue, yPred);
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) sum += ((yTrue[i] as number) - (yPred[i] as number)) ** 2;
  return sum / yTrue.length;
}

/** Root mean squared error. */
export function rootMeanSquaredError(yTrue: Values, yPred: Values): number {
  return Math.sqrt(meanSquaredError(yTrue, yPred));
}

/** Mean absolute error. */
export function meanAbsoluteError(yTrue: Values, yPred: Values): number {
  checkSameLength('mae', yTrue, yPred);
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) sum += Math.abs((yTrue[i] as number) - (yPred[i] as number));
  return sum / yTrue.length;
}

/** Coefficient of determination; a constant truth gives 1 when predicted exactly, else 0 (scikit-learn's force_finite). */
export function r2Score(yTrue: Values, yPred: Values): number {
  checkSameLength('r2', yTrue, yPred);
  let mean = 0;
  for (let i = 0; i < yTrue.length; i++) mean += yTrue[i] as number;
  mean /= yTrue.length;
  let residual = 0;
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) {
    residual += ((yTrue[i] as number) - (yPred[i] as number)) ** 2;
    total += ((yTrue[i] as number) - mean) ** 2;
  }
  if (total === 0) return residual === 0 ? 1 : 0;
  return 1 - residual / total;
}

/** Mean absolute percentage error as a fraction (0.1 = 10 %); a zero truth divides by float64 epsilon, as scikit-learn does. */
export function meanAbsolutePercentageError(yTrue: Values, yPred: Values): number {
  checkSameLength('mape', yTrue, yPred);
  const eps = 2.220446049250313e-16;
  let sum = 0;
  for (let i = 0; i < yTrue.length; i++) {
    const truth = yTrue[i] as number;
    sum += Math.abs(truth - (yPred[i] as number)) / Math.max(Math.abs(truth), eps);
  }
  return sum / yTrue.length;
}
