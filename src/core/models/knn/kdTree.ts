/**
 * A k-d tree over few columns (search.ts uses one up to 5), for the euclidean,
 * manhattan and minkowski searches of knn: nodes split at the median of their widest column down to
 * leaves of LEAF_SIZE rows, and a query skips every node whose box is farther than its current k-th
 * neighbour. It finds exactly the brute search's neighbours: a row's distance is the same column-
 * ordered sum, and a box's bound is the same sum over terms no larger than any of its rows' terms
 * (rounding is monotone), so a skipped node can hold no row that would have got in, ties included.
 */
import type { EffectiveMetric } from './search';

/** Rows per leaf, as scikit-learn's default leaf_size (30) to twice that. */
const LEAF_SIZE = 40;

export interface KdTree {
  /** Row numbers, each node's rows contiguous. */
  readonly order: Int32Array;
  readonly start: Int32Array;
  readonly end: Int32Array;
  /** Children of an inner node (-1 at a leaf). */
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** Each node's box: lo[node * cols + j] .. hi[node * cols + j]. */
  readonly lo: Float64Array;
  readonly hi: Float64Array;
}

/** Builds the tree over the rows of a dense row-major matrix. */
export function buildKdTree(data: Float64Array, rows: number, cols: number): KdTree {
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  const capacity = 2 * Math.ceil(rows / (LEAF_SIZE / 2)) + 1;
  const start = new Int32Array(capacity);
  const end = new Int32Array(capacity);
  const left = new Int32Array(capacity).fill(-1);
  const right = new Int32Array(capacity).fill(-1);
  const lo = new Float64Array(capacity * cols);
  const hi = new Float64Array(capacity * cols);
  let nodes = 0;
  const build = (from: number, to: number): number => {
    const node = nodes++;
    start[node] = from;
    end[node] = to;
    let widest = 0;
    let spread = -1;
    for (let j = 0; j < cols; j++) {
      let min = Infinity;
      let max = -Infinity;
      for (let p = from; p < to; p++) {
        const v = data[(order[p] as number) * cols + j] as number;
        if (v < min) min = v;
        if (v > max) max = v;
      }
      lo[node * cols + j] = min;
      hi[node * cols + j] = max;
      if (max - min > spread) {
        spread = max - min;
        widest = j;
      }
    }
    if (to - from <= LEAF_SIZE || spread <= 0) return node;
    const middle = from + ((to - from) >> 1);
    selectMedian(order, data, cols, widest, from, to, middle);
    left[node] = build(from, middle);
    right[node] = build(middle, to);
    return node;
  };
  build(0, rows);
  return { order, start, end, left, right, lo, hi };
}

/**
 * Reorders order[from..to) so the row at `nth` has the nth smallest value of column `j`, smaller or
 * equal ones before it and larger or equal after (quickselect; the split needs no full sort).
 */
function selectMedian(order: Int32Array, data: Float64Array, cols: number, j: number, from: number, to: number, nth: number): void {
  let lo = from;
  let hi = to - 1;
  const value = (p: number): number => data[(order[p] as number) * cols + j] as number;
  while (hi > lo) {
    const pivot = value(lo + ((hi - lo) >> 1));
    let i = lo;
    let k = hi;
    while (i <= k) {
      while (value(i) < pivot) i++;
      while (value(k) > pivot) k--;
      if (i <= k) {
        const swap = order[i] as number;
        order[i] = order[k] as number;
        order[k] = swap;
        i++;
        k--;
      }
    }
    if (nth <= k) hi = k;
    else if (nth >= i) lo = i;
    else return;
  }
}

/** What a search tells the tree: the rows, the query and the heap of the k nearest so far. */
export interface KdQuery {
  readonly data: Float64Array;
  readonly cols: number;
  readonly query: Float64Array;
  /** Where the query row starts in `query`. */
  offset: number;
  readonly metric: EffectiveMetric;
  bound(): number;
  offer(distance: number, row: number): void;
}

/** Offers the query every row that could be among its k nearest (the heap keeps the k). */
export function searchKdTree(tree: KdTree, search: KdQuery): void {
  visit(tree, search, 0, boxBound(tree, search, 0));
}

function visit(tree: KdTree, search: KdQuery, node: number, bound: number): void {
  if (bound > search.bound()) return;
  const left = tree.left[node] as number;
  if (left < 0) {
    const { data, cols, query, offset, metric } = search;
    for (let p = tree.start[node] as number; p < (tree.end[node] as number); p++) {
      const row = tree.order[p] as number;
      const distance = rowDistance(data, row * cols, query, offset, cols, metric);
      if (distance <= search.bound()) search.offer(distance, row);
    }
    return;
  }
  const right = tree.right[node] as number;
  const leftBound = boxBound(tree, search, left);
  const rightBound = boxBound(tree, search, right);
  if (leftBound <= rightBound) {
    visit(tree, search, left, leftBound);
    visit(tree, search, right, rightBound);
  } else {
    visit(tree, search, right, rightBound);
    visit(tree, search, left, leftBound);
  }
}

/** The reduced distance of a row, summed in column order exactly as the brute search sums it. */
function rowDistance(data: Float64Array, at: number, query: Float64Array, offset: number, cols: number, metric: EffectiveMetric): number {
  let acc = 0;
  if (metric.name === 'euclidean') {
    for (let j = 0; j < cols; j++) {
      const t = (data[at + j] as number) - (query[offset + j] as number);
      acc += t * t;
    }
  } else if (metric.name === 'manhattan') {
    for (let j = 0; j < cols; j++) acc += Math.abs((data[at + j] as number) - (query[offset + j] as number));
  } else {
    const p = metric.name === 'minkowski' ? metric.p : 2;
    for (let j = 0; j < cols; j++) acc += Math.abs((data[at + j] as number) - (query[offset + j] as number)) ** p;
  }
  return acc;
}

/** A lower bound of the reduced distance from the query to any row in the node's box. */
function boxBound(tree: KdTree, search: KdQuery, node: number): number {
  const { cols, query, offset, metric } = search;
  let acc = 0;
  for (let j = 0; j < cols; j++) {
    const q = query[offset + j] as number;
    const low = tree.lo[node * cols + j] as number;
    const high = tree.hi[node * cols + j] as number;
    const gap = q < low ? low - q : q > high ? q - high : 0;
    if (metric.name === 'euclidean') acc += gap * gap;
    else if (metric.name === 'manhattan') acc += gap;
    else acc += gap ** (metric.name === 'minkowski' ? metric.p : 2);
  }
  // Math.pow need not be monotone to the last bit; a bound a hair lower is still a bound.
  return metric.name === 'minkowski' ? acc * (1 - 1e-12) : acc;
}
