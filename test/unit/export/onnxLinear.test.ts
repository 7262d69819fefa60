import { test } from 'node:test';
import assert from 'node:assert/strict';
import { exportAndCompare, mixedRows, trainRun } from './onnxFixture';

const PREPARE = [
  'prepare:',
  '  - impute: { strategy: median }',
  '  - impute: { columns: [colour], strategy: most_frequent }',
  '  - onehot: { columns: [colour] }',
  '  - scale: { method: standard }',
];

test('ONNX: logistic regression (3 classes) with impute, onehot and scale gives the run’s labels and probabilities', async () => {
  const run = await trainRun('logistic', mixedRows('iris'), 'species', [
    ...PREPARE,
    'model: { type: logistic_regression }',
    'validation: { method: holdout, test_size: 0.2 }',
  ]);
  const agreement = await exportAndCompare(run);
  console.log('logistic_regression', agreement.maxDifference);
});

test('ONNX: ridge regression with impute, onehot and scale gives the run’s values', async () => {
  const run = await trainRun('ridge', mixedRows('diabetes'), 'progression', [
    ...PREPARE,
    'task: regression',
    'model: { type: ridge }',
    'validation: { method: holdout, test_size: 0.2 }',
  ]);
  const agreement = await exportAndCompare(run);
  console.log('ridge', agreement.maxDifference);
  assert.ok(agreement.rows > 50);
});
