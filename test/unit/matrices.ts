/** Test helpers that build the core's matrix shapes from plain rows and fixture CSVs, and score predictions. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CsrMatrix, DenseMatrix } from '../../src/core/types';

const DATASETS = join(__dirname, '..', 'fixtures', 'datasets');

/** A numeric fixture CSV of test/fixtures/datasets (`iris.csv`), its last column the target: as labels and as numbers. */
export function loadCsv(name: string): { X: DenseMatrix; labels: string[]; values: Float64Array } {
  const rows = readFileSync(join(DATASETS, name), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  const cols = (rows[0]?.length ?? 1) - 1;
  const labels = rows.map((r) => r[cols] as string);
  return { X: dense(rows.map((r) => r.slice(0, cols).map(Number))), labels, values: Float64Array.from(labels, Number) };
}

/** The given rows of X as a new matrix. */
export function takeRows(X: DenseMatrix, rows: readonly number[]): DenseMatrix {
  const data = new Float64Array(rows.length * X.cols);
  rows.forEach((r, i) => data.set(X.data.subarray(r * X.cols, (r + 1) * X.cols), i * X.cols));
  return { kind: 'dense', rows: rows.length, cols: X.cols, data };
}

/** Coefficient of determination of `predicted` against `truth`. */
export function r2(truth: ArrayLike<number>, predicted: ArrayLike<number>): number {
  let mean = 0;
  for (let i = 0; i < truth.length; i++) mean += truth[i] as number;
  mean /= truth.length;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < truth.length; i++) {
    ssRes += ((truth[i] as number) - (predicted[i] as number)) ** 2;
    ssTot += ((truth[i] as number) - mean) ** 2;
  }
  return 1 - ssRes / ssTot;
}

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
