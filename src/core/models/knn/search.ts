/**
 * The neighbour search of `knn`: the k training rows nearest to each query row, by brute force in
 * blocks, as scikit-learn's brute algorithm. Neighbours are ordered by distance and, among equal
 * distances, by training row (scikit-learn scans training rows in order and keeps the earlier one).
 *
 * Every distance is computed the same way wherever it is needed (dense or sparse, first pass or a
 * recheck), so a tie is a tie of the exact same double and sparse input gives dense input's answer:
 * euclidean as the sum of squared differences in column order, manhattan and minkowski likewise,
 * cosine as 1 − (x/‖x‖)·(q/‖q‖) clipped to [0, 2] (scikit-learn's cosine_distances; a zero row is
 * at distance 1 from everything).
 */
import { denseToCsr, transposeCsr } from '../../linalg/matrix';
import { MlError, type CsrMatrix, type DenseMatrix } from '../../types';
import { toDense } from '../tree/data';
import { buildKdTree, searchKdTree, type KdQuery, type KdTree } from './kdTree';
import { simdKernels, type KernelName, type SimdKernels } from './simd';

/** The distance actually computed: minkowski with p 1 or 2 is manhattan or euclidean, as scikit-learn's effective_metric_. */
export type EffectiveMetric =
  { readonly name: 'euclidean' } | { readonly name: 'manhattan' } | { readonly name: 'cosine' } | { readonly name: 'minkowski'; readonly p: number };

/** The training rows as the search reads them. */
export interface SearchIndex {
  readonly metric: EffectiveMetric;
  readonly rows: number;
  readonly cols: number;
  /** Dense rows (for cosine: each row divided by its norm). */
  readonly dense?: Float64Array;
  /** Sparse rows by column (an inverted index; for cosine normalised): column j's entries are at colptr[j] .. colptr[j+1]-1. */
  readonly sparse?: SparseIndex;
  /** The dense rows copied into WebAssembly memory for the SIMD kernels, made on the first search. */
  simd?: SimdRows | null;
  /** The k-d tree over the dense rows, made on the first search that uses one. */
  tree?: KdTree;
}

/** Dense rows in the SIMD kernels' memory: groups of 8 rows from byte 0, then one query, a block's kept sums and their group numbers. */
interface SimdRows {
  readonly kernels: SimdKernels;
  readonly groups: number;
  readonly query: number;
  readonly out: number;
  readonly list: number;
  readonly blockGroups: number;
  readonly view: Float64Array;
  readonly listView: Int32Array;
}

let simdEnabled = true;
let kdTreeEnabled = true;

/**
 * Columns up to which a k-d tree is used. scikit-learn's `auto` goes to 15, but against the SIMD
 * brute force (100,000 normal rows, 2,000 queries) the tree wins at 3, ties at 5 and loses 4× at 8.
 */
const KD_TREE_MAX_COLS = 5;
/** Training rows from which a k-d tree is used; below, brute force is as fast. */
const KD_TREE_MIN_ROWS = 1000;

/** Turns the k-d tree on or off (tests compare it with brute force; results are the same). */
export function useKdTree(enabled: boolean): void {
  kdTreeEnabled = enabled;
}

/** Turns the WebAssembly SIMD kernels on or off (tests compare both; results are the same). */
export function useSimdKernels(enabled: boolean): void {
  simdEnabled = enabled;
}

interface SparseIndex {
  readonly rows: CsrMatrix;
  readonly colptr: Int32Array;
  readonly rowOf: Int32Array;
  readonly valueOf: Float64Array;
  /** Each row's squared norm (euclidean). */
  readonly squaredNorms: Float64Array;
}

/** Neighbours of each query: row q's k indices and distances at q*k .. q*k+k-1, nearest first. */
export interface Neighbours {
  readonly k: number;
  readonly indices: Int32Array;
  readonly distances: Float64Array;
}

/** Training rows kept per block, so a block stays in the cache while every query passes over it. */
const BLOCK_BYTES = 256 * 1024;

/** Builds the search index of the training rows (dense, or sparse for cosine and euclidean). */
export function buildIndex(X: DenseMatrix | CsrMatrix, metric: EffectiveMetric): SearchIndex {
  if (X.kind === 'dense') {
    const dense = metric.name === 'cosine' ? normaliseDense(X.data, X.rows, X.cols) : X.data;
    return { metric, rows: X.rows, cols: X.cols, dense };
  }
  const rows = sortedCsr(metric.name === 'cosine' ? normaliseCsr(X) : X);
  return { metric, rows: X.rows, cols: X.cols, sparse: invert(rows) };
}

/** The k nearest training rows of each query row. */
export function kneighbors(index: SearchIndex, Q: DenseMatrix | CsrMatrix, k: number): Neighbours {
  if (k > index.rows) throw new MlError(`knn: n_neighbors (${k}) is more than the ${index.rows} training rows`);
  const out: Neighbours = { k, indices: new Int32Array(Q.rows * k), distances: new Float64Array(Q.rows * k) };
  const { metric } = index;
  if (index.dense) {
    const raw = toDense(Q).data;
    const queries = metric.name === 'cosine' ? normaliseDense(raw, Q.rows, Q.cols) : raw;
    const kernel: KernelName | undefined =
      metric.name === 'euclidean' ? 'squared' : metric.name === 'manhattan' ? 'absolute' : metric.name === 'cosine' ? 'dot' : undefined;
    const simd = kernel && simdEnabled ? simdRows(index) : undefined;
    const tree = kdTreeEnabled && metric.name !== 'cosine' && index.cols <= KD_TREE_MAX_COLS && index.rows >= KD_TREE_MIN_ROWS && 2 * k < index.rows;
    if (tree) treeSearch(index, queries, Q.rows, out);
    else if (simd && kernel) simdSearch(simd, index.rows, index.cols, queries, Q.rows, kernel, metric, out);
    else denseSearch(index.dense, index.rows, index.cols, queries, Q.rows, metric, out);
  } else {
    const sparse = index.sparse as SparseIndex;
    const csr = sortedCsr(Q.kind === 'csr' ? Q : denseToCsr(Q));
    if (metric.name === 'cosine') sparseCosine(sparse, normaliseCsr(csr), out);
    else sparseEuclidean(sparse, csr, out);
  }
  return out;
}

/** The k nearest through the index's k-d tree (built on first use), one query at a time. */
function treeSearch(index: SearchIndex, Q: Float64Array, nq: number, out: Neighbours): void {
  const data = index.dense as Float64Array;
  index.tree ??= buildKdTree(data, index.rows, index.cols);
  const heap = new Best(out.k);
  const search: KdQuery = {
    data,
    cols: index.cols,
    query: Q,
    offset: 0,
    metric: index.metric,
    bound: () => heap.bound(),
    offer: (distance, row) => heap.offer(distance, row),
  };
  const finish = finisher(index.metric);
  for (let q = 0; q < nq; q++) {
    heap.reset();
    search.offset = q * index.cols;
    searchKdTree(index.tree, search);
    heap.write(out, q, finish);
  }
}

/** The index's rows in the SIMD kernels' memory (copied once), or undefined where WebAssembly SIMD is missing. */
function simdRows(index: SearchIndex): SimdRows | undefined {
  if (index.simd !== undefined) return index.simd ?? undefined;
  const kernels = simdKernels();
  if (!kernels || !index.dense) {
    index.simd = null;
    return undefined;
  }
  const { rows, cols, dense } = index;
  const groups = Math.ceil(rows / 8);
  const blockGroups = Math.max(1, Math.floor(BLOCK_BYTES / (64 * cols)));
  const query = groups * cols * 64;
  const out = query + cols * 16;
  const list = out + blockGroups * 64;
  const bytes = list + blockGroups * 4;
  try {
    kernels.memory.grow(Math.ceil(bytes / 65536));
  } catch {
    // Past WebAssembly's 4 GiB (or the memory the host allows): the JavaScript loop needs no copy.
    index.simd = null;
    return undefined;
  }
  const view = new Float64Array(kernels.memory.buffer);
  for (let i = 0; i < rows; i++) {
    const base = (i >> 3) * cols * 8 + (i & 7);
    for (let j = 0; j < cols; j++) view[base + j * 8] = dense[i * cols + j] as number;
  }
  index.simd = { kernels, groups, query, out, list, blockGroups, view, listView: new Int32Array(kernels.memory.buffer) };
  return index.simd;
}

/**
 * The dense search with the SIMD kernel summing a block's rows for one query at a time and passing
 * on only the groups of 8 that hold a row within the query's current k-th distance; the same
 * neighbours as denseSearch.
 */
function simdSearch(simd: SimdRows, n: number, d: number, Q: Float64Array, nq: number, kernel: KernelName, metric: EffectiveMetric, out: Neighbours): void {
  const { view, listView, groups, blockGroups } = simd;
  const run = simd.kernels.run[kernel];
  const heaps = Array.from({ length: nq }, () => new Best(out.k));
  const queryAt = simd.query / 8;
  const outAt = simd.out / 8;
  const listAt = simd.list / 4;
  const cosine = kernel === 'dot';
  for (let g0 = 0; g0 < groups; g0 += blockGroups) {
    const g = Math.min(blockGroups, groups - g0);
    for (let q = 0; q < nq; q++) {
      for (let j = 0; j < d; j++) {
        const v = Q[q * d + j] as number;
        view[queryAt + 2 * j] = v;
        view[queryAt + 2 * j + 1] = v;
      }
      const heap = heaps[q] as Best;
      let bound = heap.bound();
      // For cosine the kernel keeps dot products ≥ 1 − bound, less a margin far above rounding; the exact test is below.
      const threshold = cosine ? 1 - bound - 1e-9 : bound;
      const kept = run(g0 * d * 64, simd.query, simd.out, g, d, simd.list, threshold);
      for (let c = 0; c < kept; c++) {
        const start = (g0 + (listView[listAt + c] as number)) * 8;
        const end = Math.min(n, start + 8);
        for (let i = start; i < end; i++) {
          const sum = view[outAt + c * 8 + i - start] as number;
          const distance = cosine ? cosineDistance(sum) : sum;
          if (distance <= bound) {
            heap.offer(distance, i);
            bound = heap.bound();
          }
        }
      }
    }
  }
  const finish = finisher(metric);
  heaps.forEach((heap, q) => heap.write(out, q, finish));
}

/** A bounded max-heap of (distance, row) per query: the root is the worst kept neighbour. */
class Best {
  readonly distance: Float64Array;
  readonly row: Int32Array;
  size = 0;

  constructor(readonly k: number) {
    this.distance = new Float64Array(k);
    this.row = new Int32Array(k);
  }

  reset(): void {
    this.size = 0;
  }

  /** The distance a row must beat to get in (Infinity while there is room). */
  bound(): number {
    return this.size < this.k ? Infinity : (this.distance[0] as number);
  }

  /** Keeps (d, i) when it comes before the worst kept pair in (distance, row) order. */
  offer(d: number, i: number): void {
    const { distance, row, k } = this;
    if (this.size < k) {
      let at = this.size++;
      while (at > 0) {
        const parent = (at - 1) >> 1;
        if (!worse(d, i, distance[parent] as number, row[parent] as number)) break;
        distance[at] = distance[parent] as number;
        row[at] = row[parent] as number;
        at = parent;
      }
      distance[at] = d;
      row[at] = i;
      return;
    }
    if (!worse(distance[0] as number, row[0] as number, d, i)) return;
    let at = 0;
    for (;;) {
      const left = 2 * at + 1;
      if (left >= k) break;
      const right = left + 1;
      const child = right < k && worse(distance[right] as number, row[right] as number, distance[left] as number, row[left] as number) ? right : left;
      if (!worse(distance[child] as number, row[child] as number, d, i)) break;
      distance[at] = distance[child] as number;
      row[at] = row[child] as number;
      at = child;
    }
    distance[at] = d;
    row[at] = i;
  }

  /** Writes the kept pairs nearest first into `out` at query q, mapping each kept value through `finish`. */
  write(out: Neighbours, q: number, finish: (d: number) => number): void {
    const order = Array.from({ length: this.size }, (_, m) => m);
    order.sort((a, b) => (this.distance[a] as number) - (this.distance[b] as number) || (this.row[a] as number) - (this.row[b] as number));
    order.forEach((m, r) => {
      out.indices[q * out.k + r] = this.row[m] as number;
      out.distances[q * out.k + r] = finish(this.distance[m] as number);
    });
  }
}

/** (d1, i1) comes after (d2, i2) in (distance, row) order. */
function worse(d1: number, i1: number, d2: number, i2: number): boolean {
  return d1 > d2 || (d1 === d2 && i1 > i2);
}

/** The reduced distance's final form: the root of a minkowski sum, the square root of a euclidean one. */
function finisher(metric: EffectiveMetric): (d: number) => number {
  if (metric.name === 'euclidean') return Math.sqrt;
  if (metric.name === 'minkowski') return (d) => d ** (1 / metric.p);
  return (d) => d;
}

/**
 * Dense brute force: training rows in cache-sized blocks, every query over each block. The sums of
 * euclidean, manhattan and minkowski only grow, so a row stops being summed once it cannot beat the
 * query's current k-th distance (checked every 4 columns); the rows that are summed in full get the
 * same double either way.
 */
function denseSearch(X: Float64Array, n: number, d: number, Q: Float64Array, nq: number, metric: EffectiveMetric, out: Neighbours): void {
  const heaps = Array.from({ length: nq }, () => new Best(out.k));
  const block = Math.max(1, Math.floor(BLOCK_BYTES / (8 * d)));
  for (let start = 0; start < n; start += block) {
    const end = Math.min(n, start + block);
    for (let q = 0; q < nq; q++) {
      const heap = heaps[q] as Best;
      const qo = q * d;
      if (metric.name === 'euclidean') squaredBlock(X, d, Q, qo, start, end, heap);
      else if (metric.name === 'manhattan') manhattanBlock(X, d, Q, qo, start, end, heap);
      else if (metric.name === 'cosine') cosineBlock(X, d, Q, qo, start, end, heap);
      else minkowskiBlock(X, d, Q, qo, start, end, metric.p, heap);
    }
  }
  const finish = finisher(metric);
  heaps.forEach((heap, q) => heap.write(out, q, finish));
}

function squaredBlock(X: Float64Array, d: number, Q: Float64Array, qo: number, start: number, end: number, heap: Best): void {
  const last4 = d - (d % 4);
  for (let i = start; i < end; i++) {
    const bound = heap.bound();
    const xo = i * d;
    let acc = 0;
    let j = 0;
    for (; j < last4; j += 4) {
      const t0 = (X[xo + j] as number) - (Q[qo + j] as number);
      acc += t0 * t0;
      const t1 = (X[xo + j + 1] as number) - (Q[qo + j + 1] as number);
      acc += t1 * t1;
      const t2 = (X[xo + j + 2] as number) - (Q[qo + j + 2] as number);
      acc += t2 * t2;
      const t3 = (X[xo + j + 3] as number) - (Q[qo + j + 3] as number);
      acc += t3 * t3;
      if (acc > bound) break;
    }
    if (acc > bound) continue;
    for (; j < d; j++) {
      const t = (X[xo + j] as number) - (Q[qo + j] as number);
      acc += t * t;
    }
    if (acc <= bound) heap.offer(acc, i);
  }
}

function manhattanBlock(X: Float64Array, d: number, Q: Float64Array, qo: number, start: number, end: number, heap: Best): void {
  for (let i = start; i < end; i++) {
    const bound = heap.bound();
    const xo = i * d;
    let acc = 0;
    for (let j = 0; j < d; j++) {
      acc += Math.abs((X[xo + j] as number) - (Q[qo + j] as number));
      if ((j & 3) === 3 && acc > bound) break;
    }
    if (acc <= bound) heap.offer(acc, i);
  }
}

function minkowskiBlock(X: Float64Array, d: number, Q: Float64Array, qo: number, start: number, end: number, p: number, heap: Best): void {
  for (let i = start; i < end; i++) {
    const bound = heap.bound();
    const xo = i * d;
    let acc = 0;
    for (let j = 0; j < d; j++) {
      acc += Math.abs((X[xo + j] as number) - (Q[qo + j] as number)) ** p;
      if ((j & 3) === 3 && acc > bound) break;
    }
    if (acc <= bound) heap.offer(acc, i);
  }
}

function cosineBlock(X: Float64Array, d: number, Q: Float64Array, qo: number, start: number, end: number, heap: Best): void {
  for (let i = start; i < end; i++) {
    const xo = i * d;
    let dot = 0;
    for (let j = 0; j < d; j++) dot += (X[xo + j] as number) * (Q[qo + j] as number);
    const distance = cosineDistance(dot);
    if (distance <= heap.bound()) heap.offer(distance, i);
  }
}

function cosineDistance(dot: number): number {
  const distance = -dot + 1;
  return distance < 0 ? 0 : distance > 2 ? 2 : distance;
}

/**
 * Sparse cosine: the query's dot products with every training row through the inverted index,
 * summed in column order (the order the dense sum takes), then every row's distance.
 */
function sparseCosine(index: SparseIndex, Q: CsrMatrix, out: Neighbours): void {
  const n = index.rows.rows;
  const dots = new Float64Array(n);
  const heap = new Best(out.k);
  for (let q = 0; q < Q.rows; q++) {
    dots.fill(0);
    scatterDots(index, Q, q, dots);
    heap.reset();
    for (let i = 0; i < n; i++) {
      const distance = cosineDistance(dots[i] as number);
      if (distance <= heap.bound()) heap.offer(distance, i);
    }
    heap.write(out, q, (d) => d);
  }
}

function scatterDots(index: SparseIndex, Q: CsrMatrix, q: number, dots: Float64Array): void {
  const { colptr, rowOf, valueOf } = index;
  for (let p = Q.indptr[q] as number; p < (Q.indptr[q + 1] as number); p++) {
    const j = Q.indices[p] as number;
    if (j >= colptr.length - 1) continue;
    const v = Q.values[p] as number;
    for (let e = colptr[j] as number; e < (colptr[j + 1] as number); e++) {
      const i = rowOf[e] as number;
      dots[i] = (dots[i] as number) + (valueOf[e] as number) * v;
    }
  }
}

/**
 * Sparse euclidean: ‖x‖² + ‖q‖² − 2x·q picks candidates (more than k, to allow for its rounding),
 * then the exact sums of squared differences of the candidates decide, as in the dense search. When
 * the rounding could have kept out a row that ties or beats the k-th, every row is summed exactly.
 */
function sparseEuclidean(index: SparseIndex, Q: CsrMatrix, out: Neighbours): void {
  const n = index.rows.rows;
  const extra = Math.min(n, out.k + 16);
  const dots = new Float64Array(n);
  const candidates = new Best(extra);
  const heap = new Best(out.k);
  let largestNorm = 0;
  for (const v of index.squaredNorms) largestNorm = Math.max(largestNorm, v);
  for (let q = 0; q < Q.rows; q++) {
    dots.fill(0);
    scatterDots(index, Q, q, dots);
    let qNorm = 0;
    for (let p = Q.indptr[q] as number; p < (Q.indptr[q + 1] as number); p++) qNorm += (Q.values[p] as number) ** 2;
    candidates.reset();
    for (let i = 0; i < n; i++) {
      const estimate = (index.squaredNorms[i] as number) + qNorm - 2 * (dots[i] as number);
      if (estimate <= candidates.bound()) candidates.offer(estimate, i);
    }
    heap.reset();
    for (let m = 0; m < candidates.size; m++) {
      const i = candidates.row[m] as number;
      heap.offer(sparseSquaredDistance(index.rows, i, Q, q), i);
    }
    // The estimates err by at most a few ulps of the norms' sum; a row left out is safe only if its estimate clears the k-th exact sum by that much.
    const slack = 8 * (Q.cols + 4) * Number.EPSILON * (largestNorm + qNorm);
    if (candidates.size === extra && extra < n && heap.bound() + slack >= (candidates.bound() as number)) {
      heap.reset();
      for (let i = 0; i < n; i++) heap.offer(sparseSquaredDistance(index.rows, i, Q, q), i);
    }
    heap.write(out, q, Math.sqrt);
  }
}

/** Σ (x_j − q_j)² over the columns either row has, in column order (the dense sum, less its zero terms). */
function sparseSquaredDistance(X: CsrMatrix, i: number, Q: CsrMatrix, q: number): number {
  let a = X.indptr[i] as number;
  const aEnd = X.indptr[i + 1] as number;
  let b = Q.indptr[q] as number;
  const bEnd = Q.indptr[q + 1] as number;
  let acc = 0;
  while (a < aEnd || b < bEnd) {
    const ja = a < aEnd ? (X.indices[a] as number) : Infinity;
    const jb = b < bEnd ? (Q.indices[b] as number) : Infinity;
    let t: number;
    if (ja === jb) t = (X.values[a++] as number) - (Q.values[b++] as number);
    else if (ja < jb) t = X.values[a++] as number;
    else t = -(Q.values[b++] as number);
    acc += t * t;
  }
  return acc;
}

/** Each row divided by its norm (sum of squares in column order); a zero row stays zero, as scikit-learn's normalize. */
function normaliseDense(data: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(data.length);
  for (let i = 0; i < rows; i++) {
    let sum = 0;
    for (let j = 0; j < cols; j++) sum += (data[i * cols + j] as number) ** 2;
    const norm = sum === 0 ? 1 : Math.sqrt(sum);
    for (let j = 0; j < cols; j++) out[i * cols + j] = (data[i * cols + j] as number) / norm;
  }
  return out;
}

function normaliseCsr(X: CsrMatrix): CsrMatrix {
  const values = new Float64Array(X.values.length);
  for (let i = 0; i < X.rows; i++) {
    let sum = 0;
    for (let p = X.indptr[i] as number; p < (X.indptr[i + 1] as number); p++) sum += (X.values[p] as number) ** 2;
    const norm = sum === 0 ? 1 : Math.sqrt(sum);
    for (let p = X.indptr[i] as number; p < (X.indptr[i + 1] as number); p++) values[p] = (X.values[p] as number) / norm;
  }
  return { ...X, values };
}

/** The CSR matrix with each row's columns ascending and repeated columns summed (as densifying would). */
export function sortedCsr(X: CsrMatrix): CsrMatrix {
  let sorted = true;
  for (let i = 0; i < X.rows && sorted; i++) {
    for (let p = (X.indptr[i] as number) + 1; p < (X.indptr[i + 1] as number); p++) {
      if ((X.indices[p] as number) <= (X.indices[p - 1] as number)) sorted = false;
    }
  }
  if (sorted) return X;
  const indptr = new Int32Array(X.rows + 1);
  const indices: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < X.rows; i++) {
    const entries = new Map<number, number>();
    for (let p = X.indptr[i] as number; p < (X.indptr[i + 1] as number); p++) {
      const j = X.indices[p] as number;
      entries.set(j, (entries.get(j) ?? 0) + (X.values[p] as number));
    }
    for (const j of [...entries.keys()].sort((a, b) => a - b)) {
      indices.push(j);
      values.push(entries.get(j) as number);
    }
    indptr[i + 1] = indices.length;
  }
  return { kind: 'csr', rows: X.rows, cols: X.cols, indptr, indices: Int32Array.from(indices), values: Float64Array.from(values) };
}

/** The inverted index of the rows: their transpose (each column's entries by ascending row) and squared norms. */
function invert(X: CsrMatrix): SparseIndex {
  const columns = transposeCsr(X);
  const squaredNorms = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    for (let p = X.indptr[i] as number; p < (X.indptr[i + 1] as number); p++) squaredNorms[i] = (squaredNorms[i] as number) + (X.values[p] as number) ** 2;
  }
  return { rows: X, colptr: columns.indptr, rowOf: columns.indices, valueOf: columns.values, squaredNorms };
}
