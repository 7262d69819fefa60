/** PCA from the eigendecomposition of the covariance (or Gram) matrix, matching sklearn's PCA up to rounding. */
import { DenseMatrix, Matrix, MlError } from '../types';
import { symmetricEigen } from './linalg';

export interface PcaModel {
  readonly mean: number[];
  /** components[k] is the k-th principal axis (length = input features). */
  readonly components: number[][];
  readonly explained_variance: number[];
  readonly explained_variance_ratio: number[];
}

/** Largest side the Jacobi eigensolver is asked to handle (its cost grows as the cube). */
const MAX_EIGEN_SIZE = 600;

function denseRow(X: Matrix, i: number, out: Float64Array): Float64Array {
  if (X.kind === 'dense') return X.data.subarray(i * X.cols, (i + 1) * X.cols);
  out.fill(0);
  for (let k = X.indptr[i] as number; k < (X.indptr[i + 1] as number); k++) out[X.indices[k] as number] = X.values[k] as number;
  return out;
}

/** Fits PCA keeping `components` axes, or the fewest whose cumulative explained variance exceeds `variance`. */
export function fitPca(X: Matrix, target: { components?: number; variance?: number }): PcaModel {
  const n = X.rows;
  const p = X.cols;
  if (n < 2) throw new MlError('select (pca): needs at least 2 rows');
  const mean = new Float64Array(p);
  const row = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const r = denseRow(X, i, row);
    for (let j = 0; j < p; j++) mean[j] = (mean[j] as number) + (r[j] as number);
  }
  for (let j = 0; j < p; j++) mean[j] = (mean[j] as number) / n;
  const centered = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    const r = denseRow(X, i, row);
    for (let j = 0; j < p; j++) centered[i * p + j] = (r[j] as number) - (mean[j] as number);
  }
  const { values, axes } = p <= n ? covarianceAxes(centered, n, p) : gramAxes(centered, n, p);
  const total = values.reduce((s, v) => s + Math.max(v, 0), 0);
  const ratio = values.map((v) => Math.max(v, 0) / total);
  const rank = Math.min(n, p);
  let k: number;
  if (target.components !== undefined) {
    if (target.components > rank) throw new MlError(`select (pca): components=${target.components} must be at most min(rows, features) = ${rank}`);
    k = target.components;
  } else {
    // sklearn: searchsorted(cumsum, variance, side='right') + 1.
    const goal = target.variance ?? 1;
    let cumulative = 0;
    k = rank;
    for (let j = 0; j < rank; j++) {
      cumulative += ratio[j] as number;
      if (cumulative > goal) {
        k = j + 1;
        break;
      }
    }
  }
  const components: number[][] = [];
  for (let c = 0; c < k; c++) {
    const axis = Array.from({ length: p }, (_, j) => axes[j * rank + c] as number);
    // sklearn's svd_flip (u-based): the score with the largest magnitude is made positive.
    let best = 0;
    let bestAbs = -1;
    for (let i = 0; i < n; i++) {
      let score = 0;
      for (let j = 0; j < p; j++) score += (centered[i * p + j] as number) * (axis[j] as number);
      if (Math.abs(score) > bestAbs) {
        bestAbs = Math.abs(score);
        best = score;
      }
    }
    components.push(best < 0 ? axis.map((v) => -v) : axis);
  }
  return {
    mean: [...mean],
    components,
    explained_variance: values.slice(0, k),
    explained_variance_ratio: ratio.slice(0, k),
  };
}

/** Eigenpairs of Xcᵀ·Xc/(n-1) (features × features). Axes are column-major `axes[j * rank + c]`. */
function covarianceAxes(centered: Float64Array, n: number, p: number): { values: number[]; axes: Float64Array } {
  if (p > MAX_EIGEN_SIZE) throw tooLarge(n, p);
  const cov = new Float64Array(p * p);
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < p; a++) {
      const xa = centered[i * p + a] as number;
      if (xa === 0) continue;
      for (let b = a; b < p; b++) cov[a * p + b] = (cov[a * p + b] as number) + xa * (centered[i * p + b] as number);
    }
  }
  for (let a = 0; a < p; a++) {
    for (let b = a; b < p; b++) {
      const v = (cov[a * p + b] as number) / (n - 1);
      cov[a * p + b] = v;
      cov[b * p + a] = v;
    }
  }
  const { values, vectors } = symmetricEigen(cov, p);
  return { values: [...values], axes: vectors };
}

/** When features outnumber rows: eigenpairs of Xc·Xcᵀ/(n-1), mapped back to feature space. */
function gramAxes(centered: Float64Array, n: number, p: number): { values: number[]; axes: Float64Array } {
  if (n > MAX_EIGEN_SIZE) throw tooLarge(n, p);
  const gram = new Float64Array(n * n);
  for (let a = 0; a < n; a++) {
    for (let b = a; b < n; b++) {
      let s = 0;
      for (let j = 0; j < p; j++) s += (centered[a * p + j] as number) * (centered[b * p + j] as number);
      gram[a * n + b] = s / (n - 1);
      gram[b * n + a] = s / (n - 1);
    }
  }
  const { values, vectors } = symmetricEigen(gram, n);
  const axes = new Float64Array(p * n);
  for (let c = 0; c < n; c++) {
    const lambda = values[c] as number;
    if (lambda <= 1e-12 * Math.max(values[0] as number, 1e-300)) continue;
    const scale = 1 / Math.sqrt(lambda * (n - 1));
    for (let j = 0; j < p; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += (centered[i * p + j] as number) * (vectors[i * n + c] as number);
      axes[j * n + c] = s * scale;
    }
  }
  return { values: [...values], axes };
}

function tooLarge(n: number, p: number): MlError {
  return new MlError(
    `select (pca): ${n} rows × ${p} features is too large for PCA here (both above ${MAX_EIGEN_SIZE}); lower text max_features or add select: { method: variance } first`,
  );
}

/** Projects rows onto the fitted axes: (X - mean)·componentsᵀ. */
export function transformPca(model: PcaModel, X: Matrix): DenseMatrix {
  const k = model.components.length;
  const p = model.mean.length;
  if (X.cols !== p) throw new MlError(`select (pca): expected ${p} features, got ${X.cols}`);
  const out = new Float64Array(X.rows * k);
  const row = new Float64Array(p);
  for (let i = 0; i < X.rows; i++) {
    const r = denseRow(X, i, row);
    for (let c = 0; c < k; c++) {
      const axis = model.components[c] as number[];
      let s = 0;
      for (let j = 0; j < p; j++) s += ((r[j] as number) - (model.mean[j] as number)) * (axis[j] as number);
      out[i * k + c] = s;
    }
  }
  return { kind: 'dense', rows: X.rows, cols: k, data: out };
}
