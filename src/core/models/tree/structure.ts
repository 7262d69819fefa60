/** A fitted CART tree as flat typed arrays (one slot per node), with prediction and serialisation. */
import { DenseMatrix, MlError } from '../../types';

/** Flat node arrays; `feature[n] === -1` marks a leaf. `value` has `outputs` numbers per node. */
export interface TreeStructure {
  readonly nodeCount: number;
  /** Class weights (classification) or the mean target (regression): one or more numbers per node. */
  readonly outputs: number;
  readonly feature: Int32Array;
  /** Rows with `x[feature] <= threshold` go left. */
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
  /** Node impurity and weighted row count; kept for feature importances, not serialised. */
  readonly impurity: Float64Array;
  readonly weight: Float64Array;
}

/** Growable storage for a tree being built. */
export class TreeBuffer {
  nodeCount = 0;
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
  impurity: Float64Array;
  weight: Float64Array;

  constructor(
    readonly outputs: number,
    capacity = 64,
  ) {
    this.feature = new Int32Array(capacity);
    this.threshold = new Float64Array(capacity);
    this.left = new Int32Array(capacity);
    this.right = new Int32Array(capacity);
    this.value = new Float64Array(capacity * outputs);
    this.impurity = new Float64Array(capacity);
    this.weight = new Float64Array(capacity);
  }

  /** Adds a leaf-for-now node and links it to its parent; returns its id. */
  add(parent: number, isLeft: boolean, impurity: number, weight: number): number {
    if (this.nodeCount === this.feature.length) this.grow();
    const id = this.nodeCount++;
    this.feature[id] = -1;
    this.left[id] = -1;
    this.right[id] = -1;
    this.impurity[id] = impurity;
    this.weight[id] = weight;
    if (parent >= 0) {
      if (isLeft) this.left[parent] = id;
      else this.right[parent] = id;
    }
    return id;
  }

  private grow(): void {
    const size = this.feature.length * 2;
    const widen = <T extends Int32Array | Float64Array>(a: T, n: number): T => {
      const b = new (a.constructor as new (n: number) => T)(n);
      b.set(a);
      return b;
    };
    this.feature = widen(this.feature, size);
    this.threshold = widen(this.threshold, size);
    this.left = widen(this.left, size);
    this.right = widen(this.right, size);
    this.value = widen(this.value, size * this.outputs);
    this.impurity = widen(this.impurity, size);
    this.weight = widen(this.weight, size);
  }

  /** Trims the arrays to the nodes actually built. */
  finish(): TreeStructure {
    const n = this.nodeCount;
    return {
      nodeCount: n,
      outputs: this.outputs,
      feature: this.feature.slice(0, n),
      threshold: this.threshold.slice(0, n),
      left: this.left.slice(0, n),
      right: this.right.slice(0, n),
      value: this.value.slice(0, n * this.outputs),
      impurity: this.impurity.slice(0, n),
      weight: this.weight.slice(0, n),
    };
  }
}

/** The leaf each row of X lands in; X is rounded to float32 as in training (see rankColumns). */
export function applyTree(tree: TreeStructure, X: DenseMatrix): Int32Array {
  const { feature, threshold, left, right } = tree;
  const { rows, cols, data } = X;
  const leaves = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    const base = i * cols;
    let node = 0;
    let f = feature[0] as number;
    while (f >= 0) {
      node = Math.fround(data[base + f] as number) <= (threshold[node] as number) ? (left[node] as number) : (right[node] as number);
      f = feature[node] as number;
    }
    leaves[i] = node;
  }
  return leaves;
}

/** Impurity-decrease importance per feature, normalised to sum 1 (scikit-learn's `feature_importances_`). */
export function treeImportances(tree: TreeStructure, cols: number): Float64Array {
  const importances = new Float64Array(cols);
  const { feature, left, right, impurity, weight } = tree;
  for (let n = 0; n < tree.nodeCount; n++) {
    const f = feature[n] as number;
    if (f < 0) continue;
    const l = left[n] as number;
    const r = right[n] as number;
    importances[f] =
      (importances[f] as number) +
      (weight[n] as number) * (impurity[n] as number) -
      (weight[l] as number) * (impurity[l] as number) -
      (weight[r] as number) * (impurity[r] as number);
  }
  normalise(importances);
  return importances;
}

/** Scales to sum 1 in place; an all-zero vector (a single-leaf tree) stays zero. */
export function normalise(values: Float64Array): void {
  let total = 0;
  for (const v of values) total += v;
  if (total > 0) for (let k = 0; k < values.length; k++) values[k] = (values[k] as number) / total;
}

/** Serialised tree: typed arrays as little-endian base64, so thresholds round-trip exactly and compactly. */
export interface TreeJSON {
  readonly nodeCount: number;
  readonly outputs: number;
  readonly feature: string;
  readonly threshold: string;
  readonly left: string;
  readonly right: string;
  readonly value: string;
}

/** Encodes the arrays prediction needs. */
export function treeToJSON(tree: TreeStructure): TreeJSON {
  const b64 = (a: Int32Array | Float64Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
  return {
    nodeCount: tree.nodeCount,
    outputs: tree.outputs,
    feature: b64(tree.feature),
    threshold: b64(tree.threshold),
    left: b64(tree.left),
    right: b64(tree.right),
    value: b64(tree.value),
  };
}

/** Decodes a serialised tree, checking sizes and links so a corrupt file fails here, not in predict. */
export function treeFromJSON(owner: string, json: TreeJSON, cols: number): TreeStructure {
  const n = json.nodeCount;
  const decode = <T extends Int32Array | Float64Array>(text: string, make: (b: ArrayBuffer) => T, length: number, name: string): T => {
    const bytes = Buffer.from(String(text), 'base64');
    const copy = new ArrayBuffer(bytes.byteLength);
    new Uint8Array(copy).set(bytes);
    const array = make(copy);
    if (array.length !== length) throw new MlError(`${owner}: serialised tree has ${array.length} ${name} values, expected ${length}`);
    return array;
  };
  if (!Number.isInteger(n) || n < 1) throw new MlError(`${owner}: serialised tree has no nodes`);
  const tree: TreeStructure = {
    nodeCount: n,
    outputs: json.outputs,
    feature: decode(json.feature, (b) => new Int32Array(b), n, 'feature'),
    threshold: decode(json.threshold, (b) => new Float64Array(b), n, 'threshold'),
    left: decode(json.left, (b) => new Int32Array(b), n, 'left'),
    right: decode(json.right, (b) => new Int32Array(b), n, 'right'),
    value: decode(json.value, (b) => new Float64Array(b), n * json.outputs, 'value'),
    impurity: new Float64Array(n),
    weight: new Float64Array(n),
  };
  for (let k = 0; k < n; k++) {
    const f = tree.feature[k] as number;
    if (f < 0) continue;
    const l = tree.left[k] as number;
    const r = tree.right[k] as number;
    if (f >= cols || l <= k || r <= k || l >= n || r >= n) throw new MlError(`${owner}: serialised tree node ${k} is malformed`);
  }
  return tree;
}
