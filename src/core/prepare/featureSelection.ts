/** Variance-threshold and LASSO feature selection on an assembled matrix (dense or CSR). */
import { Lasso } from '../models/lasso';
import { DEFAULT_SEED } from '../random';
import { Matrix, MlError, Target } from '../types';

/** Population variance of each column (sklearn's VarianceThreshold.variances_). */
export function columnVariances(X: Matrix): Float64Array {
  const n = X.rows;
  const sum = new Float64Array(X.cols);
  const sumSq = new Float64Array(X.cols);
  const add = (j: number, v: number): void => {
    sum[j] = (sum[j] as number) + v;
    sumSq[j] = (sumSq[j] as number) + v * v;
  };
  if (X.kind === 'dense') {
    for (let k = 0; k < X.data.length; k++) add(k % X.cols, X.data[k] as number);
  } else {
    for (let k = 0; k < X.values.length; k++) add(X.indices[k] as number, X.values[k] as number);
  }
  const variances = new Float64Array(X.cols);
  if (X.kind === 'dense') {
    // Two passes on dense data for accuracy.
    const mean = sum.map((s) => s / n);
    const centered = new Float64Array(X.cols);
    for (let k = 0; k < X.data.length; k++) {
      const j = k % X.cols;
      centered[j] = (centered[j] as number) + ((X.data[k] as number) - (mean[j] as number)) ** 2;
    }
    for (let j = 0; j < X.cols; j++) variances[j] = (centered[j] as number) / n;
    return variances;
  }
  for (let j = 0; j < X.cols; j++) variances[j] = Math.max((sumSq[j] as number) / n - ((sum[j] as number) / n) ** 2, 0);
  return variances;
}

/** Indices of the columns whose variance is above `threshold`. */
export function varianceSupport(X: Matrix, threshold: number): number[] {
  const variances = columnVariances(X);
  return [...variances.keys()].filter((j) => (variances[j] as number) > threshold);
}

/** Coefficients of a lasso on standardised features and target (one lasso per class, one-vs-rest, for labels). */
export function lassoCoefficients(X: Matrix, y: Target, alpha: number, tol = 1e-4, max_iter = 1000): Float64Array[] {
  const std = columnVariances(X).map((v) => Math.sqrt(v));
  // Dividing by the std keeps CSR sparse; the lasso's intercept does the centring.
  const scaled = scaleColumns(
    X,
    std.map((s) => (s > 0 ? 1 / s : 0)),
  );
  const targets: Float64Array[] = [];
  if (y instanceof Float64Array) targets.push(y);
  else {
    const classes = [...new Set(y)].sort();
    if (classes.length < 2) throw new MlError('select (lasso): the target has a single class');
    const used = classes.length === 2 ? classes.slice(1) : classes;
    for (const label of used) targets.push(Float64Array.from(y, (v) => (v === label ? 1 : 0)));
  }
  return targets.map((target) => {
    let mean = 0;
    for (const v of target) mean += v;
    mean /= target.length;
    let variance = 0;
    for (const v of target) variance += (v - mean) ** 2;
    const sd = Math.sqrt(variance / target.length) || 1;
    const lasso = new Lasso({ alpha, tol, max_iter });
    // Cyclic coordinate descent draws nothing: the seed is never read (a prepare step is not handed the run's).
    lasso.fit(
      scaled,
      target.map((v) => (v - mean) / sd),
      { seed: DEFAULT_SEED },
    );
    return lasso.coef as Float64Array;
  });
}

/** Columns with a coefficient above sklearn SelectFromModel's L1 threshold (1e-5) for any output. */
export function lassoSupport(X: Matrix, y: Target, alpha: number): number[] {
  const coefficients = lassoCoefficients(X, y, alpha);
  const kept: number[] = [];
  for (let j = 0; j < X.cols; j++) if (coefficients.some((c) => Math.abs(c[j] as number) > 1e-5)) kept.push(j);
  return kept;
}

function scaleColumns(X: Matrix, factor: Float64Array): Matrix {
  if (X.kind === 'dense') return { ...X, data: X.data.map((v, k) => v * (factor[k % X.cols] as number)) };
  return { ...X, values: X.values.map((v, k) => v * (factor[X.indices[k] as number] as number)) };
}

/** The matrix restricted to the given columns, in their order; CSR stays CSR. */
export function takeColumns(X: Matrix, keep: readonly number[]): Matrix {
  if (X.kind === 'dense') {
    const data = new Float64Array(X.rows * keep.length);
    for (let i = 0; i < X.rows; i++) keep.forEach((j, c) => (data[i * keep.length + c] = X.data[i * X.cols + j] as number));
    return { kind: 'dense', rows: X.rows, cols: keep.length, data };
  }
  const position = new Int32Array(X.cols).fill(-1);
  keep.forEach((j, c) => (position[j] = c));
  const indptr = new Int32Array(X.rows + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < X.rows; i++) {
    for (let k = X.indptr[i] as number; k < (X.indptr[i + 1] as number); k++) {
      const c = position[X.indices[k] as number] as number;
      if (c >= 0) {
        indices.push(c);
        values.push(X.values[k] as number);
      }
    }
    indptr[i + 1] = indices.length;
  }
  return { kind: 'csr', rows: X.rows, cols: keep.length, indptr, indices: Int32Array.from(indices), values: Float64Array.from(values) };
}
