import { test } from 'node:test';
import { exportAndCompare, mixedRows, trainRun } from './onnxFixture';

const HOLDOUT = 'validation: { method: holdout, test_size: 0.2 }';
const PREPARE = [
  'prepare:',
  '  - impute: { strategy: median }',
  '  - impute: { columns: [colour], strategy: most_frequent }',
  '  - onehot: { columns: [colour] }',
  '  - scale: { method: standard }',
];

test('ONNX: svm with rbf, poly and linear kernels (3 classes): vote labels and coupled Platt probabilities', async () => {
  for (const kernel of ['rbf', 'poly', 'linear']) {
    const run = await trainRun(`svm3${kernel}`, mixedRows('iris'), 'species', [...PREPARE, `model: { type: svm, params: { kernel: ${kernel} } }`, HOLDOUT]);
    console.log(`svm ${kernel} 3 classes`, (await exportAndCompare(run)).maxDifference);
  }
});

test('ONNX: svm (2 classes, rbf): vote labels and Platt probabilities', async () => {
  const run = await trainRun('svm2', mixedRows('breast_cancer'), 'diagnosis', [...PREPARE, 'model: { type: svm }', HOLDOUT]);
  console.log('svm rbf 2 classes', (await exportAndCompare(run)).maxDifference);
});
