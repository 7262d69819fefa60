import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IMPUTE_ONEHOT_SCALE, roundTrip } from './onnxFixture';

test('ONNX: logistic regression (3 classes) with impute, onehot and scale gives the run’s labels and probabilities', async () => {
  await roundTrip('logistic', 'iris', IMPUTE_ONEHOT_SCALE, 'model: { type: logistic_regression }', 'logistic_regression (3 classes)');
});

test('ONNX: logistic regression (2 classes) with ordinal (missing kept NaN then imputed), clip and robust scale', async () => {
  const prepare = [
    'prepare:',
    '  - ordinal: { columns: [colour] }',
    '  - clip: { method: quantile, lower: 0.05, upper: 0.95 }',
    '  - impute: { strategy: mean }',
    '  - scale: { method: robust }',
  ];
  await roundTrip('binary', 'breast_cancer', prepare, 'model: { type: logistic_regression, params: { C: 0.5 } }', 'logistic_regression (2 classes)');
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
  await roundTrip('linsvm3', 'iris', prepare, 'model: { type: linear_svm }', 'linear_svm (3 classes)');
  await roundTrip('linsvm2', 'breast_cancer', prepare, 'model: { type: linear_svm, params: { C: 0.1 } }', 'linear_svm (2 classes)');
});

test('ONNX: ridge regression with impute, onehot and scale gives the run’s values', async () => {
  const agreement = await roundTrip('ridge', 'diabetes', IMPUTE_ONEHOT_SCALE, 'model: { type: ridge }');
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
  for (const [type, extra] of cases) await roundTrip(type, 'diabetes', [...base, ...extra], `model: { type: ${type} }`);
});
