import { test } from 'node:test';
import { IMPUTE_ONEHOT, roundTrip } from './onnxFixture';

test('ONNX: decision tree (classification and regression) as TreeEnsemble', async () => {
  await roundTrip('tree', 'iris', IMPUTE_ONEHOT, 'model: { type: decision_tree, params: { max_depth: 6 } }', 'decision_tree classification');
  await roundTrip('treereg', 'diabetes', IMPUTE_ONEHOT, 'model: { type: decision_tree }', 'decision_tree regression');
});

test('ONNX: random forest (3 classes, 2 classes, regression) as TreeEnsemble', async () => {
  await roundTrip('forest3', 'iris', IMPUTE_ONEHOT, 'model: { type: random_forest, params: { n_estimators: 25 } }', 'random_forest 3 classes');
  await roundTrip('forest2', 'breast_cancer', IMPUTE_ONEHOT, 'model: { type: random_forest, params: { n_estimators: 15 } }', 'random_forest 2 classes');
  await roundTrip('forestreg', 'diabetes', IMPUTE_ONEHOT, 'model: { type: random_forest, params: { n_estimators: 20 } }', 'random_forest regression');
});

test('ONNX: gradient boosting (3 classes, 2 classes, regression) with missing numbers routed as trained', async () => {
  // No numeric impute: the model handles NaN itself, and the graph must send missing values the same way.
  const prepare = ['prepare:', '  - onehot: { columns: [colour] }'];
  await roundTrip('boost3', 'iris', prepare, 'model: { type: gradient_boosting, params: { max_iter: 30 } }', 'gradient_boosting 3 classes');
  await roundTrip('boost2', 'breast_cancer', prepare, 'model: { type: gradient_boosting, params: { max_iter: 30 } }', 'gradient_boosting 2 classes');
  await roundTrip('boostreg', 'diabetes', prepare, 'model: { type: gradient_boosting, params: { max_iter: 40 } }', 'gradient_boosting regression');
});
