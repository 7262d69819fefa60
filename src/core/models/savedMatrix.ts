/** A dense or CSR matrix as a saved model holds it (plain JSON arrays), and back. */
import { MlError, type Matrix } from '../types';

export type SavedMatrix =
  | { kind: 'dense'; rows: number; cols: number; data: number[] }
  | { kind: 'csr'; rows: number; cols: number; indptr: number[]; indices: number[]; values: number[] };

/** The matrix as JSON arrays (what toJSON saves). */
export function matrixToJSON(M: Matrix): SavedMatrix {
  return M.kind === 'dense'
    ? { kind: 'dense', rows: M.rows, cols: M.cols, data: Array.from(M.data) }
    : { kind: 'csr', rows: M.rows, cols: M.cols, indptr: Array.from(M.indptr), indices: Array.from(M.indices), values: Array.from(M.values) };
}

/** The matrix a saved model holds; anything else throws an MlError with `problem` as its message. */
export function matrixFromJSON(value: unknown, problem: string): Matrix {
  const m = value as Partial<{ kind: string; rows: number; cols: number; data: number[]; indptr: number[]; indices: number[]; values: number[] }> | undefined;
  if (m && typeof m.rows === 'number' && typeof m.cols === 'number') {
    if (m.kind === 'dense' && Array.isArray(m.data) && m.data.length === m.rows * m.cols) {
      return { kind: 'dense', rows: m.rows, cols: m.cols, data: Float64Array.from(m.data) };
    }
    if (m.kind === 'csr' && Array.isArray(m.indptr) && Array.isArray(m.indices) && Array.isArray(m.values)) {
      return {
        kind: 'csr',
        rows: m.rows,
        cols: m.cols,
        indptr: Int32Array.from(m.indptr),
        indices: Int32Array.from(m.indices),
        values: Float64Array.from(m.values),
      };
    }
  }
  throw new MlError(problem);
}
