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
 * kept in a least-recently-used cache bounded by `cacheBytes` (libsvm's cache_size). As libsvm's Cache,
 * a column may be filled only over its first `len` entries (the solver's active set) and is extended
 * when a longer prefix is asked for; swapIndex permutes the problem the way the shrinking solver does.
 */
export class KernelColumns {
  readonly diagonal: Float64Array;
  private readonly cache = new Map<number, { data: Float32Array; len: number }>();
  private readonly capacity: number;
  private readonly rows: Int32Array;
  private readonly signs: Int8Array;

  constructor(
    private readonly spec: KernelSpec,
    private readonly X: Matrix,
    rows: Int32Array,
    signs: Int8Array,
    private readonly norms: Float64Array,
    cacheBytes: number,
  ) {
    // Own copies: swapIndex permutes them, and the caller still needs its original order.
    this.rows = Int32Array.from(rows);
    this.signs = Int8Array.from(signs);
    const l = rows.length;
    this.capacity = Math.max(2, Math.floor(cacheBytes / (4 * Math.max(1, l))));
    this.diagonal = new Float64Array(l);
    for (let t = 0; t < l; t++) {
      const r = rows[t] as number;
      this.diagonal[t] = kernelValue(spec, X, r, norms[r] as number, X, r, norms[r] as number);
    }
  }

  /** Column i of Q in float32 as libsvm's Qfloat cache; entries from `len` (default: all) on may be stale. */
  column(i: number, len = this.rows.length): Float32Array {
    let entry = this.cache.get(i);
    if (entry) {
      // Re-insert to mark it as most recently used (Map keeps insertion order).
      this.cache.delete(i);
      this.cache.set(i, entry);
      if (entry.len >= len) return entry.data;
    } else {
      if (this.cache.size >= this.capacity) {
        const oldest = this.cache.keys().next().value;
        if (oldest !== undefined) this.cache.delete(oldest);
      }
      entry = { data: new Float32Array(this.rows.length), len: 0 };
      this.cache.set(i, entry);
    }
    if (this.X.kind === 'dense') this.fillDense(i, this.X, entry.data, entry.len, len);
    else this.fillGeneric(i, entry.data, entry.len, len);
    entry.len = len;
    return entry.data;
  }

  /** libsvm's SVC_Q::swap_index with Cache::swap_index: exchanges problem positions i and j. */
  swapIndex(i: number, j: number): void {
    if (i === j) return;
    swapAt(this.rows, i, j);
    swapAt(this.signs, i, j);
    swapAt(this.diagonal, i, j);
    const atI = this.cache.get(i);
    const atJ = this.cache.get(j);
    this.cache.delete(i);
    this.cache.delete(j);
    if (atJ) this.cache.set(i, atJ);
    if (atI) this.cache.set(j, atI);
    const low = Math.min(i, j);
    const high = Math.max(i, j);
    for (const [key, entry] of this.cache) {
      if (entry.len <= low) continue;
      if (entry.len > high) swapAt(entry.data, low, high);
      else this.cache.delete(key); // the prefix would lose entry `low`; drop it as libsvm does
    }
  }

  private fillGeneric(i: number, column: Float32Array, from: number, to: number): void {
    const ri = this.rows[i] as number;
    const yi = this.signs[i] as number;
    const ni = this.norms[ri] as number;
    for (let t = from; t < to; t++) {
      const rt = this.rows[t] as number;
      column[t] = yi * (this.signs[t] as number) * kernelValue(this.spec, this.X, ri, ni, this.X, rt, this.norms[rt] as number);
    }
  }

  // Dense rows get one tight loop per kernel: the generic per-entry rowRowDot call was ~60% of a fit's time.
  private fillDense(i: number, X: DenseMatrix, column: Float32Array, from: number, to: number): void {
    const cols = X.cols;
    const data = X.data;
    const ri = this.rows[i] as number;
    const yi = this.signs[i] as number;
    const ni = this.norms[ri] as number;
    const base = ri * cols;
    const { kernel, gamma, degree, coef0 } = this.spec;
    for (let t = from; t < to; t++) {
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
  }
}

function swapAt(array: Int8Array | Int32Array | Float32Array | Float64Array, i: number, j: number): void {
  const held = array[i] as number;
  array[i] = array[j] as number;
  array[j] = held;
}
