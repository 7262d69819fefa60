/** Kernel functions over dense or CSR rows, and a column cache for the SMO solver. */
import { rowRowDot } from '../../linalg/matrix';
import { expNonPositive } from './exp';
import type { Matrix } from '../../types';

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
  private readonly capacity: number;
  private readonly rows: Int32Array;
  private readonly signs: Int8Array;
  /** Scratch for one column's dot products. */
  private readonly dots: Float64Array;
  /** Cached column by problem position (null when not cached) and how many leading entries are valid. */
  private readonly data: (Float32Array | null)[];
  private readonly lens: Int32Array;
  /** Least-recently-used order of the cached positions: a circular doubly linked list through node l. */
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  private cached = 0;
  /** Evicted columns' arrays and slab-allocated ones, reused so a fit does not churn the garbage collector. */
  private readonly spare: Float32Array[] = [];
  private allocated = 0;
  /**
   * swapIndex's entry exchanges, applied to a cached column only when it is next read (`synced` counts
   * how many it has seen): libsvm walks every cached column per swap, which misses the CPU cache twice
   * per column and is wasted on columns that are evicted or never read again. Same values either way.
   */
  private swapLow = new Int32Array(64);
  private swapHigh = new Int32Array(64);
  private swaps = 0;
  private readonly synced: Int32Array;
  private readonly store: Float32Array | undefined;
  /** Dense problems: the pair's rows copied in problem order (swapped along), so a column streams through memory. */
  private readonly local: Float64Array | undefined;

  constructor(
    private readonly spec: KernelSpec,
    private readonly X: Matrix,
    rows: Int32Array,
    signs: Int8Array,
    private readonly norms: Float64Array,
    cacheBytes: number,
    /** Optional backing store for the columns, shared by the one-vs-one pairs solved one after another. */
    store?: Float32Array,
  ) {
    // Own copies: swapIndex permutes them, and the caller still needs its original order.
    this.rows = Int32Array.from(rows);
    this.signs = Int8Array.from(signs);
    const l = rows.length;
    const columns = Math.max(2, Math.floor(cacheBytes / (4 * Math.max(1, l))));
    this.store = store && store.length >= 2 * l ? store : undefined;
    this.capacity = this.store ? Math.min(columns, Math.floor(this.store.length / Math.max(1, l))) : columns;
    this.synced = new Int32Array(l);
    if (X.kind === 'dense') {
      const cols = X.cols;
      this.local = new Float64Array(l * cols);
      for (let t = 0; t < l; t++) this.local.set(X.data.subarray((rows[t] as number) * cols, ((rows[t] as number) + 1) * cols), t * cols);
    }
    this.diagonal = new Float64Array(l);
    this.dots = new Float64Array(l);
    this.data = new Array<Float32Array | null>(l).fill(null);
    this.lens = new Int32Array(l);
    this.prev = new Int32Array(l + 1).fill(l);
    this.next = new Int32Array(l + 1).fill(l);
    for (let t = 0; t < l; t++) {
      const r = rows[t] as number;
      this.diagonal[t] = kernelValue(spec, X, r, norms[r] as number, X, r, norms[r] as number);
    }
  }

  /** Column i of Q in float32 as libsvm's Qfloat cache; entries from `len` (default: all) on may be stale. */
  column(i: number, len = this.rows.length): Float32Array {
    let column = this.data[i] ?? null;
    let from = 0;
    if (column !== null) {
      this.unlink(i);
      this.linkLast(i);
      if ((this.synced[i] as number) < this.swaps) this.sync(i, column);
      from = this.lens[i] as number;
      if (from >= len) return column;
    } else {
      if (this.cached >= this.capacity) this.evict(this.next[this.rows.length] as number);
      column = this.spare.pop() ?? this.allocate();
      this.data[i] = column;
      this.cached++;
      this.linkLast(i);
      this.synced[i] = this.swaps;
    }
    if (this.X.kind === 'dense') {
      this.denseDots(i, this.local as Float64Array, this.X.cols, from, len);
      this.finishColumn(i, column, from, len);
    } else {
      this.fillGeneric(i, column, from, len);
    }
    this.lens[i] = len;
    return column;
  }

  /** libsvm's SVC_Q::swap_index with Cache::swap_index: exchanges problem positions i and j. */
  swapIndex(i: number, j: number): void {
    if (i === j) return;
    swapAt(this.rows, i, j);
    if (this.local) swapRows(this.local, this.X.cols, i, j);
    swapAt(this.signs, i, j);
    swapAt(this.diagonal, i, j);
    const atI = this.data[i] ?? null;
    const atJ = this.data[j] ?? null;
    if (atI !== null) this.unlink(i);
    if (atJ !== null) this.unlink(j);
    this.data[i] = atJ;
    this.data[j] = atI;
    swapAt(this.lens, i, j);
    if (atJ !== null) this.linkLast(i);
    if (atI !== null) this.linkLast(j);
    swapAt(this.synced, i, j);
    if (this.swaps === this.swapLow.length) {
      this.swapLow = growInt32(this.swapLow);
      this.swapHigh = growInt32(this.swapHigh);
    }
    this.swapLow[this.swaps] = Math.min(i, j);
    this.swapHigh[this.swaps] = Math.max(i, j);
    this.swaps++;
  }

  /** Applies the swaps column i has not seen, as libsvm's Cache::swap_index would have at each swap. */
  private sync(i: number, column: Float32Array): void {
    let len = this.lens[i] as number;
    for (let s = this.synced[i] as number; s < this.swaps && len > 0; s++) {
      const low = this.swapLow[s] as number;
      const high = this.swapHigh[s] as number;
      if (len > high) swapAt(column, low, high);
      else if (len > low) len = 0; // the prefix would lose entry `low`; libsvm drops the column, we refill it
    }
    this.lens[i] = len;
    this.synced[i] = this.swaps;
  }

  // Columns come from slabs of up to 64 so a fit makes few large allocations; the cap keeps memory at capacity.
  private allocate(): Float32Array {
    const l = this.rows.length;
    if (this.store) return this.store.subarray(this.allocated * l, ++this.allocated * l);
    const count = Math.max(1, Math.min(64, this.capacity - this.allocated));
    const slab = new Float32Array(count * l);
    for (let c = 1; c < count; c++) this.spare.push(slab.subarray(c * l, (c + 1) * l));
    this.allocated += count;
    return slab.subarray(0, l);
  }

  private evict(h: number): void {
    this.unlink(h);
    this.spare.push(this.data[h] as Float32Array);
    this.data[h] = null;
    this.lens[h] = 0;
    this.cached--;
  }

  private unlink(h: number): void {
    const before = this.prev[h] as number;
    const after = this.next[h] as number;
    this.next[before] = after;
    this.prev[after] = before;
  }

  private linkLast(h: number): void {
    const head = this.rows.length;
    const last = this.prev[head] as number;
    this.next[last] = h;
    this.prev[h] = last;
    this.next[h] = head;
    this.prev[head] = h;
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
  // Four rows go through the feature loop together: four independent sums hide the add latency that
  // bounds a single running sum, while each sum still adds in feature order (bit-identical values).
  /** Dot products of problem row i with problem rows [from, to) of the local copy, into `dots`. */
  private denseDots(i: number, data: Float64Array, cols: number, from: number, to: number): void {
    const base = i * cols;
    const dots = this.dots;
    // The remainder goes first: code after a long loop that has not run yet makes V8's on-stack-replaced
    // loop deoptimise at every call (seen as hundreds of fillDense bailouts in the first fit).
    let t = from;
    for (; (to - t) % 4 !== 0; t++) {
      const other = t * cols;
      let dot = 0;
      for (let k = 0; k < cols; k++) dot += (data[base + k] as number) * (data[other + k] as number);
      dots[t] = dot;
    }
    for (; t < to; t += 4) {
      const o0 = t * cols;
      const o1 = o0 + cols;
      const o2 = o1 + cols;
      const o3 = o2 + cols;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let k = 0; k < cols; k++) {
        const v = data[base + k] as number;
        s0 += v * (data[o0 + k] as number);
        s1 += v * (data[o1 + k] as number);
        s2 += v * (data[o2 + k] as number);
        s3 += v * (data[o3 + k] as number);
      }
      dots[t] = s0;
      dots[t + 1] = s1;
      dots[t + 2] = s2;
      dots[t + 3] = s3;
    }
  }

  /** Turns the dot products in `dots[from..to)` into yᵢ·yₜ·K entries of column i. */
  private finishColumn(i: number, column: Float32Array, from: number, to: number): void {
    const { kernel, gamma, degree, coef0 } = this.spec;
    const dots = this.dots;
    const rows = this.rows;
    const signs = this.signs;
    const norms = this.norms;
    const yi = signs[i] as number;
    const ni = norms[rows[i] as number] as number;
    if (kernel === 'rbf') {
      for (let t = from; t < to; t++) {
        const value = expNonPositive(-gamma * Math.max(0, ni + (norms[rows[t] as number] as number) - 2 * (dots[t] as number)));
        column[t] = yi * (signs[t] as number) * value;
      }
    } else if (kernel === 'poly') {
      for (let t = from; t < to; t++) column[t] = yi * (signs[t] as number) * (gamma * (dots[t] as number) + coef0) ** degree;
    } else {
      for (let t = from; t < to; t++) column[t] = yi * (signs[t] as number) * (dots[t] as number);
    }
  }
}

function growInt32(array: Int32Array): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(array.length * 2);
  grown.set(array);
  return grown;
}

function swapRows(data: Float64Array, cols: number, i: number, j: number): void {
  for (let k = 0; k < cols; k++) swapAt(data, i * cols + k, j * cols + k);
}

function swapAt(array: Int8Array | Int32Array | Float32Array | Float64Array, i: number, j: number): void {
  const held = array[i] as number;
  array[i] = array[j] as number;
  array[j] = held;
}
