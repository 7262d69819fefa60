import { test } from 'node:test';
import { IMPUTE_ONEHOT_SCALE, roundTrip } from './onnxFixture';

test('ONNX: mlp classifier (relu, two hidden layers) and regressor (tanh) from the TensorFlow.js weights', async () => {
  await roundTrip('mlpc', 'iris', IMPUTE_ONEHOT_SCALE, 'model: { type: mlp, params: { hidden_layer_sizes: [16, 8], max_iter: 60 } }', 'mlp classification');
  await roundTrip(
    'mlpr',
    'diabetes',
    IMPUTE_ONEHOT_SCALE,
    'model: { type: mlp, params: { hidden_layer_sizes: [12], activation: tanh, max_iter: 60 } }',
    'mlp regression',
  );
});

test('ONNX: mlp with the logistic activation and PCA before it', async () => {
  const prepare = [...IMPUTE_ONEHOT_SCALE, '  - select: { method: pca, variance: 0.95 }'];
  await roundTrip(
    'mlpl',
    'breast_cancer',
    prepare,
    'model: { type: mlp, params: { hidden_layer_sizes: [10], activation: logistic, max_iter: 40 } }',
    'mlp logistic + pca',
  );
});
