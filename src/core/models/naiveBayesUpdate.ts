/** The gaussian naive Bayes online update, as scikit-learn 1.2's GaussianNB._partial_fit. */
import { DenseMatrix, MlError, throwIfAborted } from '../types';

/** Per-class counts, means and variances (classes × features, variances with epsilon added). */
export interface GaussianState {
  readonly classCount: Float64Array;
  readonly theta: Float64Array;
  readonly variance: Float64Array;
}

/**
 * sklearn 1.2's GaussianNB._partial_fit, literally: epsilon is recomputed from the NEW batch and
 * that value is taken off the stored variances and put back after the merge (so the old epsilon
 * stays in them); each class in the batch merges its count, mean and variance by Chan et al.
 */
export function mergeGaussian(
  state: GaussianState,
  X: DenseMatrix,
  codes: Int32Array,
  varSmoothing: number,
  signal?: AbortSignal,
): GaussianState & { epsilon: number } {
  const { rows, cols, data } = X;
  const K = state.classCount.length;
  const epsilon = varSmoothing * largestColumnVariance(X);
  const classCount = state.classCount.slice();
  const theta = state.theta.slice();
  const variance = state.variance.map((v) => v - epsilon);
  for (let k = 0; k < K; k++) {
    throwIfAborted(signal);
    let nNew = 0;
    const mean = new Float64Array(cols);
    for (let i = 0; i < rows; i++) {
      if (codes[i] !== k) continue;
      nNew++;
      for (let j = 0; j < cols; j++) mean[j] = (mean[j] as number) + (data[i * cols + j] as number);
    }
    if (nNew === 0) continue;
    for (let j = 0; j < cols; j++) mean[j] = (mean[j] as number) / nNew;
    const newVar = new Float64Array(cols);
    for (let i = 0; i < rows; i++) {
      if (codes[i] !== k) continue;
      for (let j = 0; j < cols; j++) newVar[j] = (newVar[j] as number) + ((data[i * cols + j] as number) - (mean[j] as number)) ** 2;
    }
    const nPast = classCount[k] as number;
    const nTotal = nPast + nNew;
    for (let j = 0; j < cols; j++) {
      const at = k * cols + j;
      const batchVar = (newVar[j] as number) / nNew;
      if (nPast === 0) {
        theta[at] = mean[j] as number;
        variance[at] = batchVar;
        continue;
      }
      const mu = theta[at] as number;
      theta[at] = (nNew * (mean[j] as number) + nPast * mu) / nTotal;
      const ssd = nPast * (variance[at] as number) + nNew * batchVar + ((nNew * nPast) / nTotal) * (mu - (mean[j] as number)) ** 2;
      variance[at] = ssd / nTotal;
    }
    classCount[k] = nTotal;
  }
  for (let k = 0; k < variance.length; k++) {
    variance[k] = (variance[k] as number) + epsilon;
    // sklearn would go on with a zero or negative variance and predict NaN; refuse instead.
    if (!((variance[k] as number) > 0)) {
      throw new MlError(
        `naive_bayes: after the update feature ${k % cols} has no variance in class ${Math.floor(k / cols)}; raise var_smoothing or update with more rows`,
      );
    }
  }
  return { classCount, theta, variance, epsilon };
}

/** The largest population variance of X's columns (numpy's var, two passes). */
export function largestColumnVariance(X: DenseMatrix): number {
  let largest = 0;
  for (let j = 0; j < X.cols; j++) {
    let mean = 0;
    for (let i = 0; i < X.rows; i++) mean += X.data[i * X.cols + j] as number;
    mean /= X.rows;
    let sq = 0;
    for (let i = 0; i < X.rows; i++) sq += ((X.data[i * X.cols + j] as number) - mean) ** 2;
    largest = Math.max(largest, sq / X.rows);
  }
  return largest;
}
