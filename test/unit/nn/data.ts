/** Small helpers for the nn tests: read the CSV fixtures, standardise, split. */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { DenseMatrix } from '../../../src/core/types';

export interface Dataset {
  readonly header: string[];
  readonly X: DenseMatrix;
  readonly target: string[];
}

/** Parses a fixture CSV (no quotes): all columns but the last are numeric features. */
export function readDataset(name: string): Dataset {
  const file = path.join(__dirname, '../../fixtures/datasets', `${name}.csv`);
  const lines = readFileSync(file, 'utf8').trim().split('\n');
  const header = (lines[0] as string).split(',');
  const rows = lines.slice(1).map((line) => line.split(','));
  const cols = header.length - 1;
  const data = new Float64Array(rows.length * cols);
  rows.forEach((row, i) => row.slice(0, cols).forEach((v, j) => (data[i * cols + j] = Number(v))));
  return { header, X: { kind: 'dense', rows: rows.length, cols, data }, target: rows.map((row) => row[cols] as string) };
}

/** Column-wise standardisation (the pipeline's job in real runs). */
export function standardise(X: DenseMatrix): DenseMatrix {
  const data = Float64Array.from(X.data);
  for (let j = 0; j < X.cols; j++) {
    let mean = 0;
    for (let i = 0; i < X.rows; i++) mean += data[i * X.cols + j] as number;
    mean /= X.rows;
    let variance = 0;
    for (let i = 0; i < X.rows; i++) variance += ((data[i * X.cols + j] as number) - mean) ** 2;
    const std = Math.sqrt(variance / X.rows) || 1;
    for (let i = 0; i < X.rows; i++) data[i * X.cols + j] = ((data[i * X.cols + j] as number) - mean) / std;
  }
  return { ...X, data };
}

/** The given rows of X as a new matrix. */
export function takeRows(X: DenseMatrix, rows: readonly number[]): DenseMatrix {
  const data = new Float64Array(rows.length * X.cols);
  rows.forEach((r, i) => data.set(X.data.subarray(r * X.cols, (r + 1) * X.cols), i * X.cols));
  return { kind: 'dense', rows: rows.length, cols: X.cols, data };
}
