/** Test helpers that build the core's matrix shapes from plain rows. */
import type { CsrMatrix, DenseMatrix } from '../../src/core/types';

/** A dense matrix from rows of numbers. */
export function dense(rows: number[][]): DenseMatrix {
  const cols = rows[0]?.length ?? 0;
  return { kind: 'dense', rows: rows.length, cols, data: Float64Array.from(rows.flat()) };
}

/** The same matrix in CSR form, zeros left out. */
export function toCsr(X: DenseMatrix): CsrMatrix {
  const indptr = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (let i = 0; i < X.rows; i++) {
    for (let j = 0; j < X.cols; j++) {
      const v = X.data[i * X.cols + j] as number;
      if (v !== 0) {
        indices.push(j);
        values.push(v);
      }
    }
    indptr.push(indices.length);
  }
  return { kind: 'csr', rows: X.rows, cols: X.cols, indptr: Int32Array.from(indptr), indices: Int32Array.from(indices), values: Float64Array.from(values) };
}
