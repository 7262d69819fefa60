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

/** addTreeOutput on binned row-major rows of `cols` features (`missingBin` is the bin of NaN). */
export function addTreeOutputBinned(
  tree: BoostedTree,
  binned: Uint8Array,
  cols: number,
  missingBin: number,
  out: Float64Array,
  stride: number,
  offset: number,
): void {
  const rows = binned.length / cols;
  const { feature, binThreshold, missingLeft, left, right, value } = tree;
  for (let i = 0; i < rows; i++) {
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
