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

test('ONNX: mlp classifier (relu, two hidden layers) and regressor (tanh) from the TensorFlow.js weights', async () => {
  const classifier = await trainRun('mlpc', mixedRows('iris'), 'species', [
    ...PREPARE,
    'model: { type: mlp, params: { hidden_layer_sizes: [16, 8], max_iter: 60 } }',
    HOLDOUT,
  ]);
  console.log('mlp classification', (await exportAndCompare(classifier)).maxDifference);
  const regressor = await trainRun('mlpr', mixedRows('diabetes'), 'progression', [
    ...PREPARE,
    'task: regression',
    'model: { type: mlp, params: { hidden_layer_sizes: [12], activation: tanh, max_iter: 60 } }',
    HOLDOUT,
  ]);
  console.log('mlp regression', (await exportAndCompare(regressor)).maxDifference);
});

test('ONNX: mlp with the logistic activation and PCA before it', async () => {
  const prepare = [...PREPARE, '  - select: { method: pca, variance: 0.95 }'];
  const run = await trainRun('mlpl', mixedRows('breast_cancer'), 'diagnosis', [
    ...prepare,
    'model: { type: mlp, params: { hidden_layer_sizes: [10], activation: logistic, max_iter: 40 } }',
    HOLDOUT,
  ]);
  console.log('mlp logistic + pca', (await exportAndCompare(run)).maxDifference);
});
