import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DatasetEngine, readTableWith } from '../../../src/core/datasets';
import { categoryCounts, cellAt, tableFromRecords, takeRows, type CategoricalColumn, type Column, type Table } from '../../../src/core/data/table';
import { splitTarget, targetValues } from '../../../src/core/data/target';
import { LogisticRegression } from '../../../src/core/models/logisticRegression';
import { Pipeline } from '../../../src/core/prepare/pipeline';
import { DEFAULT_SEED } from '../../../src/core/random';
import type { DenseMatrix } from '../../../src/core/types';

// scikit-learn 1.2.1's figures on the same file, written by bench/reference/categorical.py.
const FIXTURES = path.join(__dirname, '../../fixtures');
const CSV = path.join(FIXTURES, 'datasets', 'categorical_orders.csv');
const reference = JSON.parse(readFileSync(path.join(FIXTURES, 'reference', 'categorical.json'), 'utf8')) as {
  train_rows: number;
  classes: string[];
  most_frequent: Record<string, string>;
  ordinal_categories: Record<string, string[]>;
  predictions: string[];
  proba: number[][];
};
const CATEGORICAL = ['region', 'channel', 'product'];
const NUMERIC = ['price', 'quantity'];

const engine = new DatasetEngine();
after(() => engine.close());

/** The file read as a run reads it, split into its first `train_rows` rows and the rest. */
async function orders(): Promise<{ columns: readonly Column[]; train: ReturnType<typeof takeRows>; test: ReturnType<typeof takeRows>; y: string[] }> {
  const table = await readTableWith(engine, CSV);
  const { features, target } = splitTarget(table, 'label');
  const y = targetValues(target, 'classification') as string[];
  const rows = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);
  return {
    columns: table.columns,
    train: takeRows(features, rows(0, reference.train_rows)),
    test: takeRows(features, rows(reference.train_rows, table.rowCount)),
    y,
  };
}

/** The table's rows coded afresh from records read bottom up (so each dictionary lists categories in another order). */
function recoded(table: Table): Table {
  const n = table.rowCount;
  const bottomUp = Array.from({ length: n }, (_, i) => n - 1 - i);
  const records = bottomUp.map((r) => Object.fromEntries(table.columns.map((c) => [c.name, cellAt(c, r)])));
  const kinds = Object.fromEntries(table.columns.map((c) => [c.name, c.kind]));
  return takeRows(tableFromRecords(records, { kinds }), bottomUp);
}

test('categorical columns are read as dictionary codes: an Int32Array per column, distinct categories, no per-row strings', async () => {
  const { columns } = await orders();
  for (const name of [...CATEGORICAL, 'label']) {
    const column = columns.find((c) => c.name === name) as CategoricalColumn;
    assert.equal(column.kind, 'categorical', name);
    assert.ok(column.codes instanceof Int32Array, `${name}: codes are an Int32Array`);
    assert.equal(column.codes.length, 600, name);
    assert.ok(!('values' in column), `${name}: no per-row array`);
    for (const value of Object.values(column)) assert.ok(!Array.isArray(value) || value === column.categories, `${name}: the only array is the dictionary`);
    assert.equal(new Set(column.categories).size, column.categories.length, `${name}: categories are distinct`);
    assert.ok(column.categories.length <= 14, `${name}: ${column.categories.length} categories`);
  }
  const product = columns.find((c) => c.name === 'product') as CategoricalColumn;
  const missing = product.codes.filter((code) => code === -1).length;
  assert.ok(missing > 0, 'missing cells are code -1');
  assert.equal([...categoryCounts(product)].reduce((a, b) => a + b, 0) + missing, 600);
});

test("impute + onehot + scale + logistic regression on the codes equal scikit-learn's pipeline (predictions, probabilities to 1e-4)", async () => {
  const { train, test: held, y } = await orders();
  const yTrain = y.slice(0, reference.train_rows);
  const pipeline = Pipeline.fromSpec([
    { impute: { strategy: 'most_frequent', columns: CATEGORICAL } },
    { scale: { method: 'standard', columns: NUMERIC } },
    { onehot: { columns: CATEGORICAL } },
  ]);
  const { X } = pipeline.fitTransform(train, yTrain, { seed: DEFAULT_SEED });
  const model = new LogisticRegression({ C: 1, tol: 1e-10, max_iter: 10000 });
  model.fit(X, yTrain, { seed: DEFAULT_SEED });
  assert.ok(model.converged);
  assert.deepEqual(model.classes, reference.classes);
  // The held-out rows coded afresh, as a request's rows are: their dictionary's order differs from the training table's.
  const fresh = recoded(held);
  assert.notDeepEqual((fresh.columns[0] as CategoricalColumn).categories, (held.columns[0] as CategoricalColumn).categories);
  const XTest = pipeline.transform(fresh);
  assert.deepEqual((XTest as DenseMatrix).data, (pipeline.transform(held) as DenseMatrix).data, 'the same features whatever the dictionary');
  assert.deepEqual(model.predict(XTest), reference.predictions);
  const proba = model.predictProba(XTest) as DenseMatrix;
  reference.proba.forEach((row, i) =>
    row.forEach((p, k) =>
      assert.ok(Math.abs((proba.data[i * proba.cols + k] as number) - p) < 1e-4, `row ${i} class ${k}: ${proba.data[i * proba.cols + k]} vs ${p}`),
    ),
  );
  // The imputer's statistics are sklearn's most frequent values (ties to the smallest).
  const impute = pipeline.toJSON().steps[0] as { state: { name: string; value: string }[] };
  assert.deepEqual(Object.fromEntries(impute.state.map((f) => [f.name, f.value])), reference.most_frequent);
});

test("impute constant then ordinal on the codes learn scikit-learn's categories (missing_value among them)", async () => {
  const { train } = await orders();
  const pipeline = Pipeline.fromSpec([{ impute: { strategy: 'constant', columns: CATEGORICAL } }, { ordinal: { columns: CATEGORICAL } }]);
  pipeline.fitTransform(train, new Array<string>(train.rowCount).fill('x'), { seed: DEFAULT_SEED });
  const ordinal = pipeline.toJSON().steps[1] as { state: { name: string; categories: string[] }[] };
  assert.deepEqual(Object.fromEntries(ordinal.state.map((c) => [c.name, c.categories])), reference.ordinal_categories);
});
