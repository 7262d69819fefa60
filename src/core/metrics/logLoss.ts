/** Cross-entropy of predicted probabilities, as scikit-learn's log_loss computes it. */
import type { DenseMatrix } from '../types';
import { MlError } from '../types';
import { checkSameLength, labelIndex } from './labels';

/** Machine epsilon of float64, scikit-learn's `eps="auto"`. */
const EPS = 2.220446049250313e-16;

/**
 * Mean negative log-likelihood of the truth. Columns of `proba` follow `labels`; each probability is
 * clipped to [eps, 1 - eps] and each row renormalised, so a confident mistake costs ~36, not infinity.
 */
export function logLoss(yTrue: readonly string[], proba: DenseMatrix, labels: readonly string[]): number {
  checkSameLength('log_loss', yTrue, { length: proba.rows });
  if (proba.cols !== labels.length) {
    throw new MlError(`log_loss: the probabilities have ${proba.cols} columns but there are ${labels.length} labels`);
  }
  const index = labelIndex(labels);
  let total = 0;
  for (let i = 0; i < proba.rows; i++) {
    const truth = index.get(yTrue[i] as string);
    if (truth === undefined) throw new MlError(`log_loss: label "${yTrue[i]}" of row ${i} is not among the labels ${labels.join(', ')}`);
    let rowSum = 0;
    let clippedTruth = 0;
    for (let j = 0; j < proba.cols; j++) {
      const p = Math.min(Math.max(proba.data[i * proba.cols + j] as number, EPS), 1 - EPS);
      rowSum += p;
      if (j === truth) clippedTruth = p;
    }
    total += -Math.log(clippedTruth / rowSum);
  }
  return total / proba.rows;
}
