/** Row-oriented helpers that work on dense and CSR matrices alike, so models never densify sparse input. */
import type { CsrMatrix, DenseMatrix, Matrix } from '../types';

/** A dense row-major matrix over the given data (zero-filled when omitted). */
export function denseMatrix(rows: number, cols: number, data?: Float64Array): DenseMatrix {
  const values = data ?? new Float64Array(rows * cols);
  if (values.length !== rows * cols) throw new RangeError(`dense matrix data has ${values.length} values, expected ${rows * cols}`);
  return { kind: 'dense', rows, cols, data: values };
}

/** Builds a dense matrix from nested arrays (handy in tests and small callers). */
export function denseFromRows(rows: readonly (readonly number[])[]): DenseMatrix {
  const cols = rows[0]?.length ?? 0;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, i) => data.set(row, i * cols));
  return denseMatrix(rows.length, cols, data);
}

/** Converts a dense matrix to CSR, keeping only non-zero entries. */
export function denseToCsr(X: DenseMatrix): CsrMatrix {
  const indptr = new Int32Array(X.rows + 1);
  let nnz = 0;
  for (let k = 0; k < X.data.length; k++) if (X.data[k] !== 0) nnz++;
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  let at = 0;
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < X.cols; j++) {
      const v = X.data[i * X.cols + j] as number;
      if (v !== 0) {
        indices[at] = j;
        values[at++] = v;
      }
    }
    indptr[i + 1] = at;
  }
  return { kind: 'csr', rows: X.rows, cols: X.cols, indptr, indices, values };
}

/** Dot product of row i of X with w[offset .. offset + cols). */
export function rowDot(X: Matrix, i: number, w: Float64Array, offset = 0): number {
  let sum = 0;
  if (X.kind === 'dense') {
    const base = i * X.cols;
    const data = X.data;
    for (let j = 0; j < X.cols; j++) sum += (data[base + j] as number) * (w[offset + j] as number);
  } else {
    const end = X.indptr[i + 1] as number;
    for (let k = X.indptr[i] as number; k < end; k++) sum += (X.values[k] as number) * (w[offset + (X.indices[k] as number)] as number);
  }
  return sum;
}

/** out[offset + j] += scale * X[i, j] for every (non-zero) j of row i. */
export function addScaledRow(X: Matrix, i: number, scale: number, out: Float64Array, offset = 0): void {
  if (X.kind === 'dense') {
    const base = i * X.cols;
    for (let j = 0; j < X.cols; j++) out[offset + j] = (out[offset + j] as number) + scale * (X.data[base + j] as number);
  } else {
    const end = X.indptr[i + 1] as number;
    for (let k = X.indptr[i] as number; k < end; k++) {
      const j = offset + (X.indices[k] as number);
      out[j] = (out[j] as number) + scale * (X.values[k] as number);
    }
  }
}

/** Squared euclidean norm of each row. */
export function rowSquaredNorms(X: Matrix): Float64Array {
  const out = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    let sum = 0;
    if (X.kind === 'dense') {
      const base = i * X.cols;
      for (let j = 0; j < X.cols; j++) sum += (X.data[base + j] as number) ** 2;
    } else {
      for (let k = X.indptr[i] as number; k < (X.indptr[i + 1] as number); k++) sum += (X.values[k] as number) ** 2;
    }
    out[i] = sum;
  }
  return out;
}

/** Dot product of row i of A with row j of B (both dense or CSR with sorted indices, same column count). */
export function rowRowDot(A: Matrix, i: number, B: Matrix, j: number): number {
  if (A.kind === 'dense' && B.kind === 'dense') {
    let sum = 0;
    const a = i * A.cols;
    const b = j * B.cols;
    for (let c = 0; c < A.cols; c++) sum += (A.data[a + c] as number) * (B.data[b + c] as number);
    return sum;
  }
  if (A.kind === 'csr' && B.kind === 'csr') {
    let p = A.indptr[i] as number;
    let q = B.indptr[j] as number;
    const pEnd = A.indptr[i + 1] as number;
    const qEnd = B.indptr[j + 1] as number;
    let sum = 0;
    while (p < pEnd && q < qEnd) {
      const ca = A.indices[p] as number;
      const cb = B.indices[q] as number;
      if (ca === cb) sum += (A.values[p++] as number) * (B.values[q++] as number);
      else if (ca < cb) p++;
      else q++;
    }
    return sum;
  }
  // Mixed kinds: walk the sparse row and index into the dense one.
  const [sparse, si, dense, di] = A.kind === 'csr' ? [A, i, B as DenseMatrix, j] : [B as CsrMatrix, j, A, i];
  let sum = 0;
  const base = di * dense.cols;
  for (let k = sparse.indptr[si] as number; k < (sparse.indptr[si + 1] as number); k++) {
    sum += (sparse.values[k] as number) * (dense.data[base + (sparse.indices[k] as number)] as number);
  }
  return sum;
}

/** Per-column mean and (population) variance, counting a sparse matrix's implicit zeros. */
export function columnMeanVariance(X: Matrix): { mean: Float64Array; variance: Float64Array } {
  const mean = new Float64Array(X.cols);
  const sumSq = new Float64Array(X.cols);
  if (X.kind === 'dense') {
    for (let i = 0; i < X.rows; i++) {
      const base = i * X.cols;
      for (let j = 0; j < X.cols; j++) mean[j] = (mean[j] as number) + (X.data[base + j] as number);
    }
  } else {
    for (let k = 0; k < (X.indptr[X.rows] as number); k++) {
      const j = X.indices[k] as number;
      mean[j] = (mean[j] as number) + (X.values[k] as number);
    }
  }
  for (let j = 0; j < X.cols; j++) mean[j] = (mean[j] as number) / Math.max(1, X.rows);
  // Two-pass variance on dense data; sparse uses the shifted form over non-zeros plus the zeros' share.
  if (X.kind === 'dense') {
    for (let i = 0; i < X.rows; i++) {
      const base = i * X.cols;
      for (let j = 0; j < X.cols; j++) sumSq[j] = (sumSq[j] as number) + ((X.data[base + j] as number) - (mean[j] as number)) ** 2;
    }
  } else {
    const nnzPerCol = new Float64Array(X.cols);
    for (let k = 0; k < (X.indptr[X.rows] as number); k++) {
      const j = X.indices[k] as number;
      sumSq[j] = (sumSq[j] as number) + ((X.values[k] as number) - (mean[j] as number)) ** 2;
      nnzPerCol[j] = (nnzPerCol[j] as number) + 1;
    }
    for (let j = 0; j < X.cols; j++) sumSq[j] = (sumSq[j] as number) + (X.rows - (nnzPerCol[j] as number)) * (mean[j] as number) ** 2;
  }
  const variance = sumSq.map((s) => s / Math.max(1, X.rows));
  return { mean, variance };
}

/** Variance of all entries of X taken together (sklearn's `X.var()`, used by gamma='scale'). */
export function overallVariance(X: Matrix): number {
  const total = X.rows * X.cols;
  if (total === 0) return 0;
  const values = X.kind === 'dense' ? X.data : X.values.subarray(0, X.indptr[X.rows] as number);
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / total;
  let sq = 0;
  for (const v of values) sq += (v - mean) ** 2;
  sq += (total - values.length) * mean * mean;
  return sq / total;
}

/** Selects rows of X (used by cross-validation and one-vs-one subsets), keeping its kind. */
export function takeRows(X: Matrix, rows: ArrayLike<number>): Matrix {
  if (X.kind === 'dense') {
    const data = new Float64Array(rows.length * X.cols);
    for (let r = 0; r < rows.length; r++) {
      const i = rows[r] as number;
      data.set(X.data.subarray(i * X.cols, (i + 1) * X.cols), r * X.cols);
    }
    return denseMatrix(rows.length, X.cols, data);
  }
  let nnz = 0;
  for (let r = 0; r < rows.length; r++) nnz += (X.indptr[(rows[r] as number) + 1] as number) - (X.indptr[rows[r] as number] as number);
  const indptr = new Int32Array(rows.length + 1);
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  let at = 0;
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r] as number;
    const start = X.indptr[i] as number;
    const end = X.indptr[i + 1] as number;
    indices.set(X.indices.subarray(start, end), at);
    values.set(X.values.subarray(start, end), at);
    at += end - start;
    indptr[r + 1] = at;
  }
  return { kind: 'csr', rows: rows.length, cols: X.cols, indptr, indices, values };
}

/** Transposes a CSR matrix into CSR of the transpose (i.e. CSC of the original): column access for coordinate descent. */
export function transposeCsr(X: CsrMatrix): CsrMatrix {
  const nnz = X.indptr[X.rows] as number;
  const indptr = new Int32Array(X.cols + 1);
  for (let k = 0; k < nnz; k++) {
    const at = (X.indices[k] as number) + 1;
    indptr[at] = (indptr[at] as number) + 1;
  }
  for (let j = 0; j < X.cols; j++) indptr[j + 1] = (indptr[j + 1] as number) + (indptr[j] as number);
  const fill = indptr.slice(0, X.cols);
  const indices = new Int32Array(nnz);
  const values = new Float64Array(nnz);
  for (let i = 0; i < X.rows; i++) {
    for (let k = X.indptr[i] as number; k < (X.indptr[i + 1] as number); k++) {
      const j = X.indices[k] as number;
      const at = fill[j] as number;
      indices[at] = i;
      values[at] = X.values[k] as number;
      fill[j] = at + 1;
    }
  }
  return { kind: 'csr', rows: X.cols, cols: X.rows, indptr, indices, values };
}

/** X·W for W stored as `outputs` blocks of length cols (block k at offset k*stride); result is rows × outputs. */
export function multiplyBlocks(X: Matrix, W: Float64Array, outputs: number, stride: number, out?: Float64Array): Float64Array {
  const result = out ?? new Float64Array(X.rows * outputs);
  for (let i = 0; i < X.rows; i++) {
    for (let k = 0; k < outputs; k++) result[i * outputs + k] = rowDot(X, i, W, k * stride);
  }
  return result;
}
