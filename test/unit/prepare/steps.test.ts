import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Column, Table, tableFromRows, stringColumn } from '../../../src/core/data/table';
import { frameFromTable } from '../../../src/core/prepare/frame';
import { Pipeline } from '../../../src/core/prepare/pipeline';
import { fitPca, transformPca } from '../../../src/core/prepare/pca';
import { columnVariances, lassoCoefficients, varianceSupport } from '../../../src/core/prepare/featureSelection';
import { quantileSorted, sortedPresent } from '../../../src/core/prepare/stats';
import { DenseMatrix, Matrix } from '../../../src/core/types';
import { Grid, readDataset, reference } from './reference';
import { DEFAULT_SEED } from '../../../src/core/random';

function numericTable(grid: Grid, prefix = 'x'): Table {
  const cols = (grid[0] as Array<number | null>).length;
  const columns: Column[] = Array.from({ length: cols }, (_, j) => ({
    name: `${prefix}${j}`,
    kind: 'numeric',
    values: Float64Array.from(grid, (row) => row[j] ?? NaN),
  }));
  return { rowCount: grid.length, columns };
}

function dense(m: Matrix): DenseMatrix {
  assert.equal(m.kind, 'dense');
  return m as DenseMatrix;
}

function assertGridClose(actual: DenseMatrix, expected: Grid, tolerance: number, label: string): void {
  assert.equal(actual.rows, expected.length, `${label}: rows`);
  expected.forEach((row, i) =>
    row.forEach((v, j) => {
      const a = actual.data[i * actual.cols + j] as number;
      if (v === null) assert.ok(Number.isNaN(a), `${label}[${i},${j}] should be NaN`);
      else assert.ok(Math.abs(a - v) <= tolerance * Math.max(1, Math.abs(v)), `${label}[${i},${j}]: ${a} vs ${v}`);
    }),
  );
}

const dummyTarget = (n: number): Float64Array => new Float64Array(n);

for (const method of ['standard', 'minmax', 'robust'] as const) {
  test(`scale ${method} agrees with sklearn to 1e-12, fitted on training rows only`, () => {
    const { train, test: testRows } = reference.scalers;
    const step = Pipeline.fromSpec([{ scale: { method } }]);
    // The fixture has NaN cells, which the pipeline's final check would reject: drive the step directly.
    const scale = step.steps[0]!;
    scale.fit(frameFromTable(numericTable(train)), dummyTarget(train.length));
    const toGrid = (t: Table): DenseMatrix => {
      const frame = scale.transform(frameFromTable(t));
      const cols = frame.parts.length;
      const data = new Float64Array(t.rowCount * cols);
      frame.parts.forEach((p, j) => {
        if (p.type !== 'column' || p.column.kind !== 'numeric') throw new Error('numeric column expected');
        p.column.values.forEach((v, i) => (data[i * cols + j] = v));
      });
      return { kind: 'dense', rows: t.rowCount, cols, data };
    };
    assertGridClose(toGrid(numericTable(train)), reference.scalers[method].train, 1e-12, `${method} train`);
    assertGridClose(toGrid(numericTable(testRows)), reference.scalers[method].test, 1e-12, `${method} test`);
  });
}

for (const strategy of ['mean', 'median', 'most_frequent', 'constant'] as const) {
  test(`impute ${strategy} agrees with sklearn SimpleImputer to 1e-12`, () => {
    const { train, test: testRows } = reference.imputers;
    const options = strategy === 'constant' ? { strategy, fill_value: -7 } : { strategy };
    const pipeline = Pipeline.fromSpec([{ impute: options }]);
    pipeline.fitTransform(numericTable(train), dummyTarget(train.length), { seed: DEFAULT_SEED });
    assertGridClose(dense(pipeline.transform(numericTable(testRows))), reference.imputers[strategy].test, 1e-12, strategy);
  });
}

test("impute most_frequent on strings picks sklearn's value (smallest among ties)", () => {
  const { values, most_frequent } = reference.imputers.strings;
  const table: Table = { rowCount: values.length, columns: [stringColumn('colour', 'categorical', values)] };
  const pipeline = Pipeline.fromSpec([{ impute: { strategy: 'most_frequent' } }, { ordinal: {} }]);
  const { X } = pipeline.fitTransform(table, dummyTarget(values.length), { seed: DEFAULT_SEED });
  const categories = [...new Set(values.filter((v) => v !== null))].sort();
  assert.equal(dense(X).data[2], categories.indexOf(most_frequent));
});

test('onehot agrees with sklearn and unknown categories become all zeros', () => {
  const { columns, train, test: testRows, onehot, ordinal } = reference.encoders;
  const pipeline = Pipeline.fromSpec([{ onehot: {} }]);
  const { X, featureNames } = pipeline.fitTransform(tableFromRows(columns, train), ['a', 'b', 'a', 'b', 'a'], { seed: DEFAULT_SEED });
  assert.deepEqual(featureNames, onehot.feature_names);
  assertGridClose(dense(X), onehot.train, 0, 'onehot train');
  assertGridClose(dense(pipeline.transform(tableFromRows(columns, testRows))), onehot.test, 0, 'onehot test');
  const ord = Pipeline.fromSpec([{ ordinal: {} }]);
  assertGridClose(dense(ord.fitTransform(tableFromRows(columns, train), dummyTarget(5), { seed: DEFAULT_SEED }).X), ordinal.train, 0, 'ordinal train');
  assertGridClose(dense(ord.transform(tableFromRows(columns, testRows))), ordinal.test, 0, 'ordinal test');
});

test('numpy linear quantiles are reproduced', () => {
  const sorted = sortedPresent(reference.quantiles.values);
  for (const [q, expected] of Object.entries(reference.quantiles.quantiles)) {
    assert.ok(Math.abs(quantileSorted(sorted, Number(q)) - expected) < 1e-15, `q=${q}`);
  }
});

const iris = readDataset('iris.csv');
const irisMatrix: DenseMatrix = { kind: 'dense', rows: iris.rows.length, cols: 4, data: Float64Array.from(iris.rows.flat()) };

for (const [key, expected] of Object.entries(reference.pca)) {
  test(`PCA on iris agrees with sklearn to 1e-6 (up to sign): ${key}`, () => {
    const target =
      expected.n_components === null
        ? { components: 4 }
        : expected.n_components < 1
          ? { variance: expected.n_components }
          : { components: expected.n_components };
    const model = fitPca(irisMatrix, target);
    assert.equal(model.components.length, expected.components.length);
    expected.components.forEach((axis, k) => {
      const sign = Math.sign(axis.reduce((s, v, j) => s + v * (model.components[k]![j] as number), 0));
      axis.forEach((v, j) => assert.ok(Math.abs(sign * model.components[k]![j]! - v) < 1e-6, `component ${k},${j}`));
      assert.ok(Math.abs(model.explained_variance[k]! - expected.explained_variance[k]!) < 1e-6);
      assert.ok(Math.abs(model.explained_variance_ratio[k]! - expected.explained_variance_ratio[k]!) < 1e-6);
    });
    const scores = transformPca(model, irisMatrix);
    expected.transformed.forEach((row, i) =>
      row.forEach((v, k) => {
        const sign = Math.sign(expected.components[k]!.reduce((s, c, j) => s + c * model.components[k]![j]!, 0));
        assert.ok(Math.abs(sign * scores.data[i * scores.cols + k]! - v) < 1e-6, `score ${i},${k}`);
      }),
    );
  });
}

test('variance threshold keeps the same features as sklearn', () => {
  const cancer = readDataset('breast_cancer.csv');
  const X: DenseMatrix = { kind: 'dense', rows: cancer.rows.length, cols: 30, data: Float64Array.from(cancer.rows.flat()) };
  const { threshold, support, variances } = reference.selection.variance;
  columnVariances(X).forEach((v, j) => assert.ok(Math.abs(v - variances[j]!) <= 1e-9 * Math.max(1, variances[j]!)));
  assert.deepEqual(
    varianceSupport(X, threshold),
    support.flatMap((kept, j) => (kept ? [j] : [])),
  );
});

test('lasso selection coefficients agree with sklearn Lasso on standardised diabetes', () => {
  const diabetes = readDataset('diabetes.csv');
  const X: DenseMatrix = { kind: 'dense', rows: diabetes.rows.length, cols: 10, data: Float64Array.from(diabetes.rows.flat()) };
  const y = Float64Array.from(diabetes.target, Number);
  const { alpha, coef } = reference.selection.lasso;
  const [fitted] = lassoCoefficients(X, y, alpha, 1e-12, 100000);
  coef.forEach((c, j) => assert.ok(Math.abs(fitted![j]! - c) < 1e-6, `coef ${j}: ${fitted![j]} vs ${c}`));
  const pipeline = Pipeline.fromSpec([{ select: { method: 'lasso', alpha } }]);
  const table = numericTable(diabetes.rows);
  const { featureNames } = pipeline.fitTransform(table, y, { seed: DEFAULT_SEED });
  const expected = reference.selection.lasso.support.flatMap((kept, j) => (kept ? [`x${j}`] : []));
  assert.deepEqual(featureNames, expected);
});
