/** Centred least squares with an optional L2 penalty, shared by LinearRegression and Ridge. */
import { conjugateGradient, solveSymmetric } from '../../linalg/solve';
import { addScaledRow, columnMeanVariance, rowDot } from '../../linalg/matrix';
import { throwIfAborted } from '../../types';
import type { FitOptions, Matrix } from '../../types';

/** Above this many features the p × p Gram matrix is not formed; conjugate gradient works on X directly. */
const GRAM_LIMIT = 2000;

export interface LinearFit {
  readonly coef: Float64Array;
  readonly intercept: number;
}

/**
 * Minimises ||y - Xw - b||² + alpha·||w||² (b unpenalised when fitIntercept). Centring is implicit,
 * so sparse X stays sparse: the Gram matrix is built from non-zeros and corrected by n·mean·meanᵀ.
 */
export function fitLeastSquares(X: Matrix, y: Float64Array, alpha: number, fitIntercept: boolean, options: FitOptions): LinearFit {
  const n = X.rows;
  const p = X.cols;
  const mean = fitIntercept ? columnMeanVariance(X).mean : new Float64Array(p);
  let yMean = 0;
  if (fitIntercept) for (const v of y) yMean += v / n;
  const coef = p <= GRAM_LIMIT ? solveByGram(X, y, mean, yMean, alpha) : solveByCg(X, y, mean, yMean, alpha, options);
  throwIfAborted(options.signal);
  let intercept = 0;
  if (fitIntercept) {
    intercept = yMean;
    for (let j = 0; j < p; j++) intercept -= (mean[j] as number) * (coef[j] as number);
  }
  options.onProgress?.({ stage: 'least squares', step: 1, of: 1, loss: meanSquaredResidual(X, y, coef, intercept) });
  return { coef, intercept };
}

function solveByGram(X: Matrix, y: Float64Array, mean: Float64Array, yMean: number, alpha: number): Float64Array {
  const n = X.rows;
  const p = X.cols;
  const gram = new Float64Array(p * p);
  const rhs = new Float64Array(p);
  if (X.kind === 'dense') {
    // Centre each row explicitly: more accurate than correcting XᵀX afterwards.
    const row = new Float64Array(p);
    for (let i = 0; i < n; i++) {
      const base = i * p;
      for (let j = 0; j < p; j++) row[j] = (X.data[base + j] as number) - (mean[j] as number);
      const target = (y[i] as number) - yMean;
      for (let a = 0; a < p; a++) {
        const va = row[a] as number;
        if (va === 0) continue;
        rhs[a] = (rhs[a] as number) + va * target;
        const at = a * p;
        for (let b = a; b < p; b++) gram[at + b] = (gram[at + b] as number) + va * (row[b] as number);
      }
    }
  } else {
    for (let i = 0; i < n; i++) {
      const start = X.indptr[i] as number;
      const end = X.indptr[i + 1] as number;
      const target = y[i] as number;
      for (let k = start; k < end; k++) {
        const a = X.indices[k] as number;
        const va = X.values[k] as number;
        rhs[a] = (rhs[a] as number) + va * target;
        for (let l = start; l < end; l++) {
          const b = X.indices[l] as number;
          if (b >= a) gram[a * p + b] = (gram[a * p + b] as number) + va * (X.values[l] as number);
        }
      }
    }
    // Xcᵀ Xc = XᵀX - n·m·mᵀ and Xcᵀ yc = Xᵀy - n·m·ȳ.
    for (let a = 0; a < p; a++) {
      rhs[a] = (rhs[a] as number) - n * (mean[a] as number) * yMean;
      for (let b = a; b < p; b++) gram[a * p + b] = (gram[a * p + b] as number) - n * (mean[a] as number) * (mean[b] as number);
    }
  }
  for (let a = 0; a < p; a++) {
    gram[a * p + a] = (gram[a * p + a] as number) + alpha;
    for (let b = a + 1; b < p; b++) gram[b * p + a] = gram[a * p + b] as number;
  }
  return solveSymmetric(gram, rhs, p);
}

function solveByCg(X: Matrix, y: Float64Array, mean: Float64Array, yMean: number, alpha: number, options: FitOptions): Float64Array {
  const n = X.rows;
  const p = X.cols;
  const projected = new Float64Array(n);
  // v ↦ (Xcᵀ Xc + alpha I) v with Xc = X - 1·meanᵀ, never materialised.
  const multiply = (v: Float64Array, out: Float64Array): void => {
    let shift = 0;
    for (let j = 0; j < p; j++) shift += (mean[j] as number) * (v[j] as number);
    let sum = 0;
    for (let i = 0; i < n; i++) {
      const value = rowDot(X, i, v) - shift;
      projected[i] = value;
      sum += value;
    }
    out.fill(0);
    for (let i = 0; i < n; i++) addScaledRow(X, i, projected[i] as number, out);
    for (let j = 0; j < p; j++) out[j] = (out[j] as number) - (mean[j] as number) * sum + alpha * (v[j] as number);
  };
  const rhs = new Float64Array(p);
  for (let i = 0; i < n; i++) addScaledRow(X, i, (y[i] as number) - yMean, rhs);
  let residualSum = 0;
  for (let i = 0; i < n; i++) residualSum += (y[i] as number) - yMean;
  for (let j = 0; j < p; j++) rhs[j] = (rhs[j] as number) - (mean[j] as number) * residualSum;
  return conjugateGradient(multiply, rhs, {
    tol: 1e-10,
    onIteration: (iteration, residual) => {
      throwIfAborted(options.signal);
      options.onProgress?.({ stage: 'conjugate gradient', step: iteration + 1, loss: residual });
    },
  });
}

/** Mean squared residual of a fitted linear model on (X, y). */
export function meanSquaredResidual(X: Matrix, y: Float64Array, coef: Float64Array, intercept: number): number {
  let sum = 0;
  for (let i = 0; i < X.rows; i++) sum += ((y[i] as number) - rowDot(X, i, coef) - intercept) ** 2;
  return sum / Math.max(1, X.rows);
}
