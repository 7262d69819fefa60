/**
 * Elastic-net coordinate descent, following scikit-learn's `enet_coordinate_descent`:
 * minimises 1/(2n)·||y - Xw - b||² + alpha·l1_ratio·||w||₁ + alpha·(1 - l1_ratio)/2·||w||²,
 * stopping on the duality gap (tol·||y||²). Sparse X stays sparse: centring is carried as a scalar shift.
 */
import { columnMeanVariance, transposeCsr } from '../../linalg/matrix';
import { throwIfAborted } from '../../types';
import type { CsrMatrix, FitOptions, Matrix } from '../../types';
import type { Random } from '../../random';

export interface ElasticNetSettings {
  readonly alpha: number;
  readonly l1Ratio: number;
  readonly fitIntercept: boolean;
  readonly maxIter: number;
  readonly tol: number;
  /** Visit features in a seeded random order each epoch instead of cyclically. */
  readonly random?: Random;
}

export interface ElasticNetFit {
  readonly coef: Float64Array;
  readonly intercept: number;
  readonly nIter: number;
  readonly dualGap: number;
  readonly converged: boolean;
}

/**
 * Column access to the centred design Xc = X - 1·meanᵀ. The residual is stored as `stored + shift`
 * (shift a scalar) so a sparse column update costs its non-zeros only.
 */
class CenteredColumns {
  readonly normSq: Float64Array;
  private readonly dense: Float64Array | undefined;
  private readonly csc: CsrMatrix | undefined;
  private readonly colSum: Float64Array;
  shift = 0;
  storedSum = 0;

  constructor(
    private readonly X: Matrix,
    private readonly mean: Float64Array,
  ) {
    const n = X.rows;
    const p = X.cols;
    this.normSq = new Float64Array(p);
    this.colSum = new Float64Array(p);
    if (X.kind === 'dense') {
      const columns = new Float64Array(n * p);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < p; j++) columns[j * n + i] = (X.data[i * p + j] as number) - (mean[j] as number);
      }
      for (let j = 0; j < p; j++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += (columns[j * n + i] as number) ** 2;
        this.normSq[j] = s;
      }
      this.dense = columns;
    } else {
      const csc = transposeCsr(X);
      for (let j = 0; j < p; j++) {
        let s = 0;
        let sq = 0;
        for (let k = csc.indptr[j] as number; k < (csc.indptr[j + 1] as number); k++) {
          s += csc.values[k] as number;
          sq += (csc.values[k] as number) ** 2;
        }
        this.colSum[j] = s;
        this.normSq[j] = Math.max(0, sq - n * (mean[j] as number) ** 2);
      }
      this.csc = csc;
    }
  }

  /** Starts the residual at the (already centred) target. */
  reset(stored: Float64Array): void {
    this.shift = 0;
    this.storedSum = 0;
    for (const v of stored) this.storedSum += v;
  }

  /** Xc[:, j] · R. */
  dot(j: number, stored: Float64Array): number {
    const n = this.X.rows;
    if (this.dense) {
      let s = 0;
      const base = j * n;
      for (let i = 0; i < n; i++) s += (this.dense[base + i] as number) * (stored[i] as number);
      return s;
    }
    const csc = this.csc as CsrMatrix;
    let s = 0;
    for (let k = csc.indptr[j] as number; k < (csc.indptr[j + 1] as number); k++) s += (csc.values[k] as number) * (stored[csc.indices[k] as number] as number);
    // (x - m)·(Rs + c) = x·Rs + c·Σx - m·(ΣRs + n·c)
    return s + this.shift * (this.colSum[j] as number) - (this.mean[j] as number) * (this.storedSum + n * this.shift);
  }

  /** R -= a·Xc[:, j]. */
  subtract(j: number, a: number, stored: Float64Array): void {
    const n = this.X.rows;
    if (this.dense) {
      const base = j * n;
      for (let i = 0; i < n; i++) stored[i] = (stored[i] as number) - a * (this.dense[base + i] as number);
      return;
    }
    const csc = this.csc as CsrMatrix;
    for (let k = csc.indptr[j] as number; k < (csc.indptr[j + 1] as number); k++) {
      const i = csc.indices[k] as number;
      stored[i] = (stored[i] as number) - a * (csc.values[k] as number);
    }
    this.storedSum -= a * (this.colSum[j] as number);
    this.shift += a * (this.mean[j] as number);
  }

  /** Writes the true residual into `out`. */
  residual(stored: Float64Array, out: Float64Array): Float64Array {
    for (let i = 0; i < stored.length; i++) out[i] = (stored[i] as number) + this.shift;
    return out;
  }
}

/** Runs coordinate descent and returns coefficients, intercept and convergence facts. */
export function fitElasticNet(X: Matrix, y: Float64Array, settings: ElasticNetSettings, options: FitOptions): ElasticNetFit {
  const n = X.rows;
  const p = X.cols;
  const { alpha, l1Ratio, fitIntercept, maxIter, random } = settings;
  const mean = fitIntercept ? columnMeanVariance(X).mean : new Float64Array(p);
  let yMean = 0;
  if (fitIntercept) for (const v of y) yMean += v / n;
  const yc = y.map((v) => v - yMean);
  const columns = new CenteredColumns(X, mean);
  const l1 = alpha * l1Ratio * n;
  const l2 = alpha * (1 - l1Ratio) * n;
  const w = new Float64Array(p);
  const stored = Float64Array.from(yc);
  columns.reset(stored);
  let yNormSq = 0;
  for (const v of yc) yNormSq += v * v;
  const tol = settings.tol * yNormSq;
  const order = Array.from({ length: p }, (_, j) => j);
  const residual = new Float64Array(n);
  let gap = tol + 1;
  let iteration = 0;
  let converged = false;
  for (; iteration < maxIter; iteration++) {
    throwIfAborted(options.signal);
    if (random) random.shuffle(order);
    let wMax = 0;
    let dwMax = 0;
    for (const j of order) {
      const norm = columns.normSq[j] as number;
      if (norm === 0) continue;
      const old = w[j] as number;
      // Gradient with feature j's own contribution added back: Xcⱼ·(R + wⱼ·Xcⱼ) = Xcⱼ·R + wⱼ·||Xcⱼ||².
      const rho = columns.dot(j, stored) + old * norm;
      const next = (Math.sign(rho) * Math.max(Math.abs(rho) - l1, 0)) / (norm + l2);
      if (next !== old) {
        columns.subtract(j, next - old, stored);
        w[j] = next;
      }
      dwMax = Math.max(dwMax, Math.abs(next - old));
      wMax = Math.max(wMax, Math.abs(next));
    }
    const last = iteration === maxIter - 1;
    if (wMax === 0 || dwMax / wMax < settings.tol || last) {
      gap = dualityGap(columns, stored, residual, w, yc, l1, l2);
      if (gap < tol) {
        converged = true;
        iteration++;
        break;
      }
    }
    if (options.onProgress) {
      columns.residual(stored, residual);
      let loss = 0;
      for (const r of residual) loss += r * r;
      let l1Norm = 0;
      let l2Norm = 0;
      for (const v of w) {
        l1Norm += Math.abs(v);
        l2Norm += v * v;
      }
      options.onProgress({
        stage: 'coordinate descent',
        step: iteration + 1,
        of: maxIter,
        loss: loss / (2 * n) + alpha * l1Ratio * l1Norm + 0.5 * alpha * (1 - l1Ratio) * l2Norm,
      });
    }
  }
  let intercept = 0;
  if (fitIntercept) {
    intercept = yMean;
    for (let j = 0; j < p; j++) intercept -= (mean[j] as number) * (w[j] as number);
  }
  return { coef: w, intercept, nIter: Math.min(iteration, maxIter), dualGap: gap / Math.max(n, 1), converged };
}

function dualityGap(columns: CenteredColumns, stored: Float64Array, residual: Float64Array, w: Float64Array, yc: Float64Array, l1: number, l2: number): number {
  columns.residual(stored, residual);
  let dualNorm = 0;
  for (let j = 0; j < w.length; j++) dualNorm = Math.max(dualNorm, Math.abs(columns.dot(j, stored) - l2 * (w[j] as number)));
  let rNormSq = 0;
  let ry = 0;
  for (let i = 0; i < residual.length; i++) {
    rNormSq += (residual[i] as number) ** 2;
    ry += (residual[i] as number) * (yc[i] as number);
  }
  let wNormSq = 0;
  let l1Norm = 0;
  for (const v of w) {
    wNormSq += v * v;
    l1Norm += Math.abs(v);
  }
  let scale = 1;
  let gap = rNormSq;
  if (dualNorm > l1) {
    scale = l1 / dualNorm;
    gap = 0.5 * (rNormSq + rNormSq * scale * scale);
  }
  return gap + l1 * l1Norm - scale * ry + 0.5 * l2 * (1 + scale * scale) * wNormSq;
}
