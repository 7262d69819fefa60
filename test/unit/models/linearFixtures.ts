/** Shared loaders for the linear/kernel model tests: fixture data sets, the sklearn reference, CV on given folds. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { columnMeanVariance, takeRows } from '../../../src/core/linalg/matrix';
import type { DenseMatrix, Estimator, Matrix } from '../../../src/core/types';
import { DEFAULT_SEED } from '../../../src/core/random';

const ROOT = join(__dirname, '..', '..', 'fixtures');

export interface Dataset {
  readonly X: DenseMatrix;
  readonly labels: string[];
  readonly values: Float64Array;
}

/** Reads a fixture CSV (header line, numeric features, target last). */
export function readDataset(name: string): Dataset {
  const lines = readFileSync(join(ROOT, 'datasets', name), 'utf8')
    .trim()
    .split('\n')
    .slice(1);
  const cols = (lines[0] ?? '').split(',').length - 1;
  const data = new Float64Array(lines.length * cols);
  const labels: string[] = [];
  lines.forEach((line, i) => {
    const cells = line.split(',');
    for (let j = 0; j < cols; j++) data[i * cols + j] = Number(cells[j]);
    labels.push(cells[cols] ?? '');
  });
  return { X: { kind: 'dense', rows: lines.length, cols, data }, labels, values: Float64Array.from(labels, Number) };
}

/** Standardises columns with the population std, as the reference script does. */
export function standardise(X: DenseMatrix): DenseMatrix {
  const { mean, variance } = columnMeanVariance(X);
  const data = X.data.map((v, k) => (v - (mean[k % X.cols] as number)) / Math.sqrt(variance[k % X.cols] as number));
  return { ...X, data };
}

export interface ReferenceModel {
  readonly params: Record<string, unknown>;
  readonly coef?: number[][];
  readonly intercept?: number[];
  readonly cv_r2?: number;
  readonly cv_accuracy?: number;
  readonly n_support?: number[];
  readonly train_accuracy?: number;
  readonly decision_head?: number[][] | number[];
}

export interface ReferenceDataset {
  readonly folds: number[][];
  readonly classes?: string[];
  readonly models: Record<string, ReferenceModel>;
}

/** The scikit-learn figures written by bench/reference/linear.py. */
export const reference = JSON.parse(readFileSync(join(ROOT, 'reference', 'linear.json'), 'utf8')) as Record<string, ReferenceDataset>;

/** Returns the named dataset's reference entry, failing loudly when the fixture lacks it. */
export function referenceFor(dataset: string, model: string): { folds: number[][]; model: ReferenceModel } {
  const entry = reference[dataset];
  const found = entry?.models[model];
  if (!entry || !found) throw new Error(`fixture has no ${dataset}/${model}; rerun bench/reference/linear.py`);
  return { folds: entry.folds, model: found };
}

/** Mean score over the given test folds, fitting a fresh model on the rest each time. */
export async function crossValidate<T extends Estimator>(
  make: () => T,
  X: Matrix,
  target: readonly string[] | Float64Array,
  folds: number[][],
  score: (truth: readonly string[] | Float64Array, predicted: readonly string[] | Float64Array) => number,
): Promise<number> {
  let total = 0;
  for (const test of folds) {
    const inTest = new Set(test);
    const train = Array.from({ length: X.rows }, (_, i) => i).filter((i) => !inTest.has(i));
    const pick = (rows: number[]): readonly string[] | Float64Array =>
      target instanceof Float64Array ? Float64Array.from(rows, (i) => target[i] as number) : rows.map((i) => target[i] as string);
    const model = make();
    await model.fit(takeRows(X, train), pick(train), { seed: DEFAULT_SEED });
    total += score(pick(test), model.predict(takeRows(X, test)));
  }
  return total / folds.length;
}

/** Fraction of equal entries. */
export function accuracy(truth: readonly string[] | Float64Array, predicted: readonly string[] | Float64Array): number {
  let hits = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) hits++;
  return hits / truth.length;
}

/** Coefficient of determination. */
export function r2(truth: readonly string[] | Float64Array, predicted: readonly string[] | Float64Array): number {
  const y = truth as Float64Array;
  const p = predicted as Float64Array;
  let mean = 0;
  for (const v of y) mean += v / y.length;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < y.length; i++) {
    ssRes += ((y[i] as number) - (p[i] as number)) ** 2;
    ssTot += ((y[i] as number) - mean) ** 2;
  }
  return 1 - ssRes / ssTot;
}

/** Asserts |a - b| <= rtol·max(|b|, scale) elementwise, with a message naming the entry. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, scale: number, label: string): void {
  if (actual.length !== expected.length) throw new Error(`${label}: length ${actual.length} vs ${expected.length}`);
  for (let k = 0; k < expected.length; k++) {
    const a = actual[k] as number;
    const b = expected[k] as number;
    if (!(Math.abs(a - b) <= rtol * Math.max(Math.abs(b), scale))) throw new Error(`${label}[${k}]: got ${a}, expected ${b} (rtol ${rtol}, scale ${scale})`);
  }
}
