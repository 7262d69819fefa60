import { test } from 'node:test';
import { exportAndCompare, mixedRows, trainRun } from './onnxFixture';

const HOLDOUT = 'validation: { method: holdout, test_size: 0.2 }';

test('ONNX: gaussian naive Bayes (3 and 2 classes) with dropDuplicates, impute and onehot', async () => {
  const prepare = [
    'prepare:',
    '  - dropDuplicates: {}',
    '  - impute: { strategy: mean }',
    '  - impute: { columns: [colour], strategy: constant, fill_value: none }',
    '  - onehot: { columns: [colour] }',
  ];
  const three = await trainRun('nb3', mixedRows('iris'), 'species', [...prepare, 'model: { type: naive_bayes }', HOLDOUT]);
  console.log('naive_bayes gaussian 3 classes', (await exportAndCompare(three)).maxDifference);
  const two = await trainRun('nb2', mixedRows('breast_cancer'), 'diagnosis', [...prepare, 'model: { type: naive_bayes }', HOLDOUT]);
  console.log('naive_bayes gaussian 2 classes', (await exportAndCompare(two)).maxDifference);
});

test('ONNX: multinomial naive Bayes on one-hot codes and z-score-clipped measurements', async () => {
  const prepare = [
    'prepare:',
    '  - drop: { columns: [sepal_length_cm] }',
    '  - impute: { strategy: most_frequent }',
    '  - onehot: { columns: [colour] }',
    '  - clip: { method: zscore, threshold: 2 }',
  ];
  const run = await trainRun('nbm', mixedRows('iris'), 'species', [...prepare, 'model: { type: naive_bayes, params: { distribution: multinomial } }', HOLDOUT]);
  console.log('naive_bayes multinomial', (await exportAndCompare(run)).maxDifference);
});
