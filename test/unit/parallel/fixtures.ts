/** Small data sets of test/fixtures/datasets for the parallel tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DenseMatrix } from '../../../src/core/types';

export const DATASETS = join(__dirname, '..', '..', 'fixtures', 'datasets');

/** A csv of numbers whose last column is the target. */
export function loadCsv(name: string): { X: DenseMatrix; labels: string[]; values: Float64Array } {
  const rows = readFileSync(join(DATASETS, name), 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','));
  const cols = (rows[0]?.length ?? 1) - 1;
  const data = Float64Array.from(rows.flatMap((r) => r.slice(0, cols).map(Number)));
  const labels = rows.map((r) => r[cols] as string);
  return { X: { kind: 'dense', rows: rows.length, cols, data }, labels, values: Float64Array.from(labels, Number) };
}
