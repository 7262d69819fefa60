// Small test doubles of the pipeline and estimator shapes, so validation, search and the trainer
// are tested without depending on the real preparation steps and models.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringColumn, type Column, type NumericColumn, type Table } from '../../../src/core/data/table';
import type { Classifier, DenseMatrix, EstimatorJSON, FitOptions, Matrix, Target } from '../../../src/core/types';
import { throwIfAborted } from '../../../src/core/types';
import type { PipelineLike, PreparedData } from '../../../src/core/validation';

/** Reads a fixture CSV (no quotes); numeric columns become numeric, others categorical. */
export function readCsvTable(name: string): Table {
  const text = readFileSync(join(__dirname, '../../fixtures/datasets', name), 'utf8').trim();
  const [headerLine, ...lines] = text.split('\n');
  const header = (headerLine as string).split(',');
  const cells = lines.map((l) => l.split(','));
  const columns = header.map((name, j): Column => {
    const raw = cells.map((row) => row[j] as string);
    if (raw.every((v) => v !== '' && Number.isFinite(Number(v)))) return { name, kind: 'numeric', values: Float64Array.from(raw, Number) };
    return stringColumn(name, 'categorical', raw);
  });
  return { rowCount: cells.length, columns };
}

/** Adds an `id` column holding the row number, so a spy can tell which rows it saw. */
export function withIds(table: Table): Table {
  const id: Column = { name: 'id', kind: 'numeric', values: Float64Array.from({ length: table.rowCount }, (_, i) => i) };
  return { rowCount: table.rowCount, columns: [id, ...table.columns] };
}

export interface SpyLog {
  fitted: number[][];
  transformed: number[][];
}

/** Standardises numeric columns (other than `id`) with statistics of the rows it is fitted on, and logs those rows' ids. */
export class SpyPipeline implements PipelineLike {
  private means: number[] = [];
  private scales: number[] = [];

  constructor(private readonly log: SpyLog = { fitted: [], transformed: [] }) {}

  fitTransform(features: Table, y: Target): PreparedData {
    this.log.fitted.push(ids(features));
    const cols = numericColumns(features);
    this.means = cols.map((c) => c.reduce((a, b) => a + b, 0) / c.length);
    this.scales = cols.map((c, j) => Math.sqrt(c.reduce((a, v) => a + (v - (this.means[j] as number)) ** 2, 0) / c.length) || 1);
    return { X: this.toMatrix(features), y, featureNames: featureNames(features) };
  }

  transform(features: Table): Matrix {
    this.log.transformed.push(ids(features));
    return this.toMatrix(features);
  }

  toJSON(): { type: 'spy'; means: number[] } {
    return { type: 'spy', means: this.means };
  }

  private toMatrix(features: Table): DenseMatrix {
    const cols = numericColumns(features);
    const data = new Float64Array(features.rowCount * cols.length);
    for (let i = 0; i < features.rowCount; i++) {
      cols.forEach((c, j) => (data[i * cols.length + j] = ((c[i] as number) - (this.means[j] as number)) / (this.scales[j] as number)));
    }
    return { kind: 'dense', rows: features.rowCount, cols: cols.length, data };
  }
}

function ids(table: Table): number[] {
  const id = table.columns.find((c) => c.name === 'id');
  return id && id.kind === 'numeric' ? Array.from(id.values) : [];
}

function featureNames(table: Table): string[] {
  return table.columns.filter((c) => c.kind === 'numeric' && c.name !== 'id').map((c) => c.name);
}

function numericColumns(table: Table): Float64Array[] {
  return table.columns.filter((c) => c.kind === 'numeric' && c.name !== 'id').map((c) => (c as NumericColumn).values);
}

/** k-nearest neighbours for both tasks: votes (classification) or the mean (regression) of the k closest training rows. */
export class Knn implements Classifier {
  readonly type = 'knn';
  classes: string[] = [];
  private X: DenseMatrix | undefined;
  private y: Target = [];
  fitCount = 0;

  constructor(readonly params: { n_neighbors?: number } = {}) {}

  fit(X: Matrix, y: Target, options?: FitOptions): void {
    throwIfAborted(options?.signal);
    if (X.kind !== 'dense') throw new Error('dense only');
    this.X = X;
    this.y = y;
    this.fitCount++;
    if (!(y instanceof Float64Array)) this.classes = [...new Set(y)].sort();
    options?.onProgress?.({ stage: 'fit', step: 1, of: 1 });
  }

  private neighbours(X: Matrix, i: number): number[] {
    const train = this.X as DenseMatrix;
    const x = X as DenseMatrix;
    const distance = (r: number): number => {
      let s = 0;
      for (let j = 0; j < x.cols; j++) s += ((x.data[i * x.cols + j] as number) - (train.data[r * train.cols + j] as number)) ** 2;
      return s;
    };
    const order = Array.from({ length: train.rows }, (_, r) => [distance(r), r] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    return order.slice(0, this.params.n_neighbors ?? 5).map(([, r]) => r);
  }

  predict(X: Matrix): string[] {
    if (this.y instanceof Float64Array) {
      const y = this.y;
      return Array.from({ length: X.rows }, (_, i) => {
        const near = this.neighbours(X, i);
        return String(near.reduce((a, r) => a + (y[r] as number), 0) / near.length);
      });
    }
    const proba = this.predictProba(X);
    return Array.from({ length: X.rows }, (_, i) => {
      let best = 0;
      for (let j = 1; j < proba.cols; j++) if ((proba.data[i * proba.cols + j] as number) > (proba.data[i * proba.cols + best] as number)) best = j;
      return this.classes[best] as string;
    });
  }

  predictProba(X: Matrix): DenseMatrix {
    const y = this.y as readonly string[];
    const data = new Float64Array(X.rows * this.classes.length);
    for (let i = 0; i < X.rows; i++) {
      const near = this.neighbours(X, i);
      for (const r of near) {
        const cell = i * this.classes.length + this.classes.indexOf(y[r] as string);
        data[cell] = (data[cell] as number) + 1 / near.length;
      }
    }
    return { kind: 'dense', rows: X.rows, cols: this.classes.length, data };
  }

  toJSON(): EstimatorJSON {
    return { type: this.type, params: this.params };
  }
}

/** Knn for regression: numbers out, as the Regressor shape asks. */
export class KnnRegressor {
  readonly type = 'knn_regressor';
  private readonly inner: Knn;
  constructor(params: { n_neighbors?: number } = {}) {
    this.inner = new Knn(params);
  }
  fit(X: Matrix, y: Target, options?: FitOptions): void {
    this.inner.fit(X, y, options);
  }
  predict(X: Matrix): Float64Array {
    return Float64Array.from(this.inner.predict(X), Number);
  }
  toJSON(): EstimatorJSON {
    return { type: this.type, params: this.inner.params };
  }
}
