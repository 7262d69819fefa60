/** Training data in the form CART wants: per-feature ranks of each row's value, and encoded targets. */
import { DenseMatrix, Matrix, MlError } from '../../types';

/** Feature columns as ranks among each column's distinct values; built once, shared by every tree of a forest. */
export interface RankedColumns {
  readonly rows: number;
  readonly cols: number;
  /** ranks[f * rows + i] is the rank of row i's value among the sorted distinct values of feature f. */
  readonly ranks: Int32Array;
  /** distinct[f]: the sorted distinct values of feature f. */
  readonly distinct: readonly Float64Array[];
  /** order[f * rows + p] is the row at position p when rows are sorted on feature f. */
  readonly order: Int32Array;
}

/**
 * Returns X as a dense matrix. Trees split on one feature at a time over every row, so a CSR input
 * is densified here (rows × cols doubles); sparse-aware splitting is not worth it for tabular data.
 */
export function toDense(X: Matrix): DenseMatrix {
  if (X.kind === 'dense') return X;
  const data = new Float64Array(X.rows * X.cols);
  for (let i = 0; i < X.rows; i++) {
    for (let p = X.indptr[i] as number; p < (X.indptr[i + 1] as number); p++) {
      const at = i * X.cols + (X.indices[p] as number);
      data[at] = (data[at] as number) + (X.values[p] as number);
    }
  }
  return { kind: 'dense', rows: X.rows, cols: X.cols, data };
}

/** Throws MlError naming `owner` when X is empty or holds NaN/Infinity. */
export function checkFeatures(owner: string, X: DenseMatrix): void {
  if (X.rows === 0) throw new MlError(`${owner}: the training data has no rows`);
  if (X.cols === 0) throw new MlError(`${owner}: the training data has no feature columns`);
  const { data, cols } = X;
  for (let k = 0; k < data.length; k++) {
    if (!Number.isFinite(Math.fround(data[k] as number))) {
      throw new MlError(
        `${owner}: row ${Math.floor(k / cols)}, feature ${k % cols} is ${String(data[k])}; impute or drop missing values first (trees need values within float32 range)`,
      );
    }
  }
}

/**
 * Sorts each feature once and replaces values by their rank, so nodes sort small integers instead.
 * Values are rounded to float32 first, as scikit-learn's trees do (they fit and predict on float32
 * X), so thresholds and scores agree with its trees; applyTree rounds the same way.
 */
export function rankColumns(X: DenseMatrix): RankedColumns {
  const { rows, cols, data } = X;
  const ranks = new Int32Array(rows * cols);
  const order = new Int32Array(rows * cols);
  const distinct: Float64Array[] = [];
  const column = new Float64Array(rows);
  for (let f = 0; f < cols; f++) {
    for (let i = 0; i < rows; i++) column[i] = Math.fround(data[i * cols + f] as number);
    const sorted = column.slice().sort();
    let count = 0;
    for (let i = 0; i < rows; i++) {
      const v = sorted[i] as number;
      if (count === 0 || v !== sorted[count - 1]) sorted[count++] = v;
    }
    const values = sorted.slice(0, count);
    distinct.push(values);
    const base = f * rows;
    for (let i = 0; i < rows; i++) ranks[base + i] = lowerBound(values, column[i] as number);
    countingSortByRank(ranks.subarray(base, base + rows), count, order.subarray(base, base + rows));
  }
  return { rows, cols, ranks, distinct, order };
}

function countingSortByRank(ranks: Int32Array, distinctCount: number, out: Int32Array): void {
  const start = new Int32Array(distinctCount + 1);
  for (const r of ranks) start[r + 1] = (start[r + 1] as number) + 1;
  for (let r = 0; r < distinctCount; r++) start[r + 1] = (start[r + 1] as number) + (start[r] as number);
  for (let i = 0; i < ranks.length; i++) {
    const r = ranks[i] as number;
    out[start[r] as number] = i;
    start[r] = (start[r] as number) + 1;
  }
}

function lowerBound(values: Float64Array, v: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Throws MlError naming `owner` when X's width differs from what the model was fitted on. */
export function checkWidth(owner: string, X: Matrix, cols: number): void {
  if (X.cols !== cols) throw new MlError(`${owner}: the model was fitted on ${cols} features, X has ${X.cols}`);
}
