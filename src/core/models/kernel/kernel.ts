/** Kernel functions over dense or CSR rows, and a column cache for the SMO solver. */
import { rowRowDot } from '../../linalg/matrix';
import type { DenseMatrix, Matrix } from '../../types';

export type KernelName = 'rbf' | 'poly' | 'linear';

export interface KernelSpec {
  readonly kernel: KernelName;
  readonly gamma: number;
  readonly degree: number;
  readonly coef0: number;
}

/** K(A[i], B[j]); squared row norms are passed in so the RBF distance costs one dot product. */
export function kernelValue(spec: KernelSpec, A: Matrix, i: number, normA: number, B: Matrix, j: number, normB: number): number {
  const dot = rowRowDot(A, i, B, j);
  switch (spec.kernel) {
    case 'linear':
      return dot;
    case 'poly':
      return (spec.gamma * dot + spec.coef0) ** spec.degree;
    case 'rbf':
      return Math.exp(-spec.gamma * Math.max(0, normA + normB - 2 * dot));
  }
}

/**
 * Columns Q[:, i] = yᵢ·yₜ·K(xᵢ, xₜ) of one binary problem over `rows` of X, computed on demand and
 * kept in a least-recently-used cache bounded by `cacheBytes` (libsvm's cache_size).
 */
export class KernelColumns {
  readonly diagonal: Float64Array;
  private readonly cache = new Map<number, Float32Array>();
  private readonly capacity: number;

  constructor(
    private readonly spec: KernelSpec,
    private readonly X: Matrix,
    private readonly rows: Int32Array,
    private readonly signs: Int8Array,
    private readonly norms: Float64Array,
    cacheBytes: number,
  ) {
    const l = rows.length;
    this.capacity = Math.max(2, Math.floor(cacheBytes / (4 * Math.max(1, l))));
    this.diagonal = new Float64Array(l);
    for (let t = 0; t < l; t++) {
      const r = rows[t] as number;
      this.diagonal[t] = kernelValue(spec, X, r, norms[r] as number, X, r, norms[r] as number);
    }
  }

  /** Column i of Q (length = number of rows in the problem), in float32 as libsvm's Qfloat cache. */
  column(i: number): Float32Array {
    const hit = this.cache.get(i);
    if (hit) {
      // Re-insert to mark it as most recently used (Map keeps insertion order).
      this.cache.delete(i);
      this.cache.set(i, hit);
      return hit;
    }
    const column = this.X.kind === 'dense' ? this.denseColumn(i, this.X) : this.genericColumn(i);
    if (this.cache.size >= this.capacity) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(i, column);
    return column;
  }

  private genericColumn(i: number): Float32Array {
    const l = this.rows.length;
    const column = new Float32Array(l);
    const ri = this.rows[i] as number;
    const yi = this.signs[i] as number;
    const ni = this.norms[ri] as number;
    for (let t = 0; t < l; t++) {
      const rt = this.rows[t] as number;
      column[t] = yi * (this.signs[t] as number) * kernelValue(this.spec, this.X, ri, ni, this.X, rt, this.norms[rt] as number);
    }
    return column;
  }

  // Dense rows get one tight loop per kernel: the generic per-entry rowRowDot call was ~60% of a fit's time.
  private denseColumn(i: number, X: DenseMatrix): Float32Array {
    const l = this.rows.length;
    const cols = X.cols;
    const data = X.data;
    const column = new Float32Array(l);
    const ri = this.rows[i] as number;
    const yi = this.signs[i] as number;
    const ni = this.norms[ri] as number;
    const base = ri * cols;
    const { kernel, gamma, degree, coef0 } = this.spec;
    for (let t = 0; t < l; t++) {
      const rt = this.rows[t] as number;
      const other = rt * cols;
      let dot = 0;
      for (let k = 0; k < cols; k++) dot += (data[base + k] as number) * (data[other + k] as number);
      let value: number;
      if (kernel === 'rbf') value = Math.exp(-gamma * Math.max(0, ni + (this.norms[rt] as number) - 2 * dot));
      else if (kernel === 'poly') value = (gamma * dot + coef0) ** degree;
      else value = dot;
      column[t] = yi * (this.signs[t] as number) * value;
    }
    return column;
  }
}
