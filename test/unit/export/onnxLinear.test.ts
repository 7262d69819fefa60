import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportAndCompare, mixedRows, trainRun } from './onnxFixture';

const HOLDOUT = 'validation: { method: holdout, test_size: 0.2 }';
const PREPARE = [
  'prepare:',
  '  - impute: { strategy: median }',
  '  - impute: { columns: [colour], strategy: most_frequent }',
  '  - onehot: { columns: [colour] }',
  '  - scale: { method: standard }',
];

test('ONNX: logistic regression (3 classes) with impute, onehot and scale gives the run’s labels and probabilities', async () => {
  const run = await trainRun('logistic', mixedRows('iris'), 'species', [...PREPARE, 'model: { type: logistic_regression }', HOLDOUT]);
  console.log('logistic_regression (3 classes)', (await exportAndCompare(run)).maxDifference);
});

test('ONNX: logistic regression (2 classes) with ordinal (missing kept NaN then imputed), clip and robust scale', async () => {
  const prepare = [
    'prepare:',
    '  - ordinal: { columns: [colour] }',
    '  - clip: { method: quantile, lower: 0.05, upper: 0.95 }',
    '  - impute: { strategy: mean }',
    '  - scale: { method: robust }',
  ];
  const run = await trainRun('binary', mixedRows('breast_cancer'), 'diagnosis', [
    ...prepare,
    'model: { type: logistic_regression, params: { C: 0.5 } }',
    HOLDOUT,
  ]);
  console.log('logistic_regression (2 classes)', (await exportAndCompare(run)).maxDifference);
});

test('ONNX: linear SVM (3 and 2 classes) with minmax scale and PCA', async () => {
  const prepare = [
    'prepare:',
    '  - dropMissing: { threshold: 0.5 }',
    '  - impute: { strategy: mean }',
    '  - drop: { columns: [colour] }',
    '  - scale: { method: minmax }',
    '  - select: { method: pca, components: 3 }',
  ];
  const three = await trainRun('linsvm3', mixedRows('iris'), 'species', [...prepare, 'model: { type: linear_svm }', HOLDOUT]);
  console.log('linear_svm (3 classes)', (await exportAndCompare(three)).maxDifference);
  const two = await trainRun('linsvm2', mixedRows('breast_cancer'), 'diagnosis', [...prepare, 'model: { type: linear_svm, params: { C: 0.1 } }', HOLDOUT]);
  console.log('linear_svm (2 classes)', (await exportAndCompare(two)).maxDifference);
});

test('ONNX: ridge regression with impute, onehot and scale gives the run’s values', async () => {
  const run = await trainRun('ridge', mixedRows('diabetes'), 'progression', [...PREPARE, 'task: regression', 'model: { type: ridge }', HOLDOUT]);
  const agreement = await exportAndCompare(run);
  console.log('ridge', agreement.maxDifference);
  assert.ok(agreement.rows > 50);
});

test('ONNX: linear regression, lasso and elastic net with a numeric column one-hot encoded and feature selection', async () => {
  const base = ['prepare:', '  - impute: { strategy: constant, fill_value: 0 }', '  - impute: { columns: [colour], strategy: constant }'];
  // The first impute fills every column (colour with "0"); the second finds nothing left to fill.
  const cases: [string, string[]][] = [
    ['linear_regression', ['  - ordinal: { columns: [colour, sex] }', '  - select: { method: variance, threshold: 0.001 }']],
    ['lasso', ['  - onehot: { columns: [colour, sex] }', '  - scale: { method: standard }', '  - select: { method: lasso, alpha: 0.5 }']],
    ['elastic_net', ['  - onehot: { columns: [colour, sex] }', '  - scale: { method: standard }']],
  ];
  for (const [type, extra] of cases) {
    const run = await trainRun(type, mixedRows('diabetes'), 'progression', [...base, ...extra, 'task: regression', `model: { type: ${type} }`, HOLDOUT]);
    console.log(type, (await exportAndCompare(run)).maxDifference);
  }
});
