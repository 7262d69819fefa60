/** A fitted boosting tree as flat arrays (one slot per node), applied to raw or binned rows, and its JSON. */
import { MlError, type DenseMatrix } from '../../types';

/** Node arrays; `feature[n] === -1` marks a leaf whose output is `value[n]` (shrinkage included). */
export interface BoostedTree {
  readonly feature: Int32Array;
  /** Rows with x <= threshold go left; +Infinity is a split on missing values (all values left, NaN right). */
  readonly threshold: Float64Array;
  /** The same split in bins: bin <= binThreshold goes left (used on training rows). */
  readonly binThreshold: Uint8Array;
  /** 1 where missing values go left. */
  readonly missingLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
}

/** Adds `scale` × the tree's output for each row of X to out[i * stride + offset]. */
export function addTreeOutput(tree: BoostedTree, X: DenseMatrix, out: Float64Array, stride: number, offset: number): void {
  const { feature, threshold, missingLeft, left, right, value } = tree;
  const { rows, cols, data } = X;
  for (let i = 0; i < rows; i++) {
    let node = 0;
    let f = feature[0] as number;
    while (f >= 0) {
      const v = data[i * cols + f] as number;
      if (v !== v) node = missingLeft[node] ? (left[node] as number) : (right[node] as number);
      else node = v <= (threshold[node] as number) ? (left[node] as number) : (right[node] as number);
      f = feature[node] as number;
    }
    out[i * stride + offset] = (out[i * stride + offset] as number) + (value[node] as number);
  }
}

/**
 * addTreeOutput on feature columns (columns[f][r] is row r's feature f, NaN missing): the same sums, no row-major matrix.
 * With `rows`, out's row i is the columns' row rows[i] (scoring some rows of a table without copying them).
 */
export function addTreeOutputColumns(
  tree: BoostedTree,
  columns: readonly Float64Array[],
  out: Float64Array,
  stride: number,
  offset: number,
  rows?: Int32Array,
): void {
  const { feature, threshold, missingLeft, left, right, value } = tree;
  const count = rows ? rows.length : (columns[0]?.length ?? 0);
  for (let i = 0; i < count; i++) {
    const r = rows ? (rows[i] as number) : i;
    let node = 0;
    let f = feature[0] as number;
    while (f >= 0) {
      const v = (columns[f] as Float64Array)[r] as number;
      if (v !== v) node = missingLeft[node] ? (left[node] as number) : (right[node] as number);
      else node = v <= (threshold[node] as number) ? (left[node] as number) : (right[node] as number);
      f = feature[node] as number;
    }
    out[i * stride + offset] = (out[i * stride + offset] as number) + (value[node] as number);
  }
}

/** addTreeOutput on binned row-major rows of `cols` features (`missingBin` is the bin of NaN), rows from … to − 1 (all by default). */
export function addTreeOutputBinned(
  tree: BoostedTree,
  binned: Uint8Array,
  cols: number,
  missingBin: number,
  out: Float64Array,
  stride: number,
  offset: number,
  from = 0,
  to = binned.length / cols,
): void {
  const { feature, binThreshold, missingLeft, left, right, value } = tree;
  for (let i = from; i < to; i++) {
    let node = 0;
    let f = feature[0] as number;
    while (f >= 0) {
      const b = binned[i * cols + f] as number;
      const goLeft = b === missingBin ? missingLeft[node] === 1 : b <= (binThreshold[node] as number);
      node = goLeft ? (left[node] as number) : (right[node] as number);
      f = feature[node] as number;
    }
    out[i * stride + offset] = (out[i * stride + offset] as number) + (value[node] as number);
  }
}

/** A saved tree: plain arrays, thresholds as numbers (Infinity written as null by JSON, read back). */
export interface BoostedTreeJSON {
  readonly feature: number[];
  readonly threshold: (number | null)[];
  readonly bin_threshold: number[];
  readonly missing_left: number[];
  readonly left: number[];
  readonly right: number[];
  readonly value: number[];
}

export function treeToJSON(tree: BoostedTree): BoostedTreeJSON {
  return {
    feature: Array.from(tree.feature),
    threshold: Array.from(tree.threshold, (t) => (Number.isFinite(t) ? t : null)),
    bin_threshold: Array.from(tree.binThreshold),
    missing_left: Array.from(tree.missingLeft),
    left: Array.from(tree.left),
    right: Array.from(tree.right),
    value: Array.from(tree.value),
  };
}

/** Restores a tree, checking its arrays agree and its links and features are in range. */
export function treeFromJSON(owner: string, json: BoostedTreeJSON, features: number): BoostedTree {
  const n = json?.feature?.length ?? 0;
  const arrays = [json?.threshold, json?.bin_threshold, json?.missing_left, json?.left, json?.right, json?.value];
  if (n === 0 || arrays.some((a) => !Array.isArray(a) || a.length !== n)) throw new MlError(`${owner}: a serialised tree is malformed`);
  const tree: BoostedTree = {
    feature: Int32Array.from(json.feature),
    threshold: Float64Array.from(json.threshold, (t) => (t === null ? Infinity : t)),
    binThreshold: Uint8Array.from(json.bin_threshold),
    missingLeft: Uint8Array.from(json.missing_left),
    left: Int32Array.from(json.left),
    right: Int32Array.from(json.right),
    value: Float64Array.from(json.value),
  };
  for (let k = 0; k < n; k++) {
    const f = tree.feature[k] as number;
    if (f < 0) continue;
    const l = tree.left[k] as number;
    const r = tree.right[k] as number;
    if (f >= features || l <= k || r <= k || l >= n || r >= n) throw new MlError(`${owner}: a serialised tree is malformed`);
  }
  return tree;
}

/** A tree grown on another thread, and its splits' importance credits (feature, gain) in the order they were made. */
export interface GrownTree {
  readonly tree: BoostedTree;
  readonly credits: readonly number[];
}

/** The node fields writeGrownTree keeps per node. */
const NODE_SLOTS = 7;

/** Numbers writeGrownTree takes for a tree of at most `maxLeafNodes` leaves: node and credit counts, the nodes, the credits. */
export function grownTreeSize(maxLeafNodes: number): number {
  const nodes = 2 * maxLeafNodes - 1;
  return 2 + NODE_SLOTS * nodes + 2 * nodes;
}

/** Writes a grown tree into out[at …] (grownTreeSize numbers at most), for readGrownTree on another thread. */
export function writeGrownTree(grown: GrownTree, out: Float64Array, at: number): void {
  const { tree, credits } = grown;
  const nodes = tree.feature.length;
  out[at] = nodes;
  out[at + 1] = credits.length;
  const fields = [tree.feature, tree.threshold, tree.binThreshold, tree.missingLeft, tree.left, tree.right, tree.value];
  fields.forEach((field, j) => out.set(field, at + 2 + j * nodes));
  out.set(credits, at + 2 + NODE_SLOTS * nodes);
}

/** The tree writeGrownTree wrote at block[at …]. */
export function readGrownTree(block: Float64Array, at: number): GrownTree {
  const nodes = block[at] as number;
  const field = (j: number): Float64Array => block.subarray(at + 2 + j * nodes, at + 2 + (j + 1) * nodes);
  const creditsAt = at + 2 + NODE_SLOTS * nodes;
  return {
    tree: {
      feature: Int32Array.from(field(0)),
      threshold: Float64Array.from(field(1)),
      binThreshold: Uint8Array.from(field(2)),
      missingLeft: Uint8Array.from(field(3)),
      left: Int32Array.from(field(4)),
      right: Int32Array.from(field(5)),
      value: Float64Array.from(field(6)),
    },
    credits: Array.from(block.subarray(creditsAt, creditsAt + (block[at + 1] as number))),
  };
}
