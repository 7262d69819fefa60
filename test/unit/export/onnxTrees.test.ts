import { test } from 'node:test';
import { exportAndCompare, mixedRows, trainRun } from './onnxFixture';

const HOLDOUT = 'validation: { method: holdout, test_size: 0.2 }';
const PREPARE = [
  'prepare:',
  '  - impute: { strategy: median }',
  '  - impute: { columns: [colour], strategy: most_frequent }',
  '  - onehot: { columns: [colour] }',
];

test('ONNX: decision tree (classification and regression) as TreeEnsemble', async () => {
  const classifier = await trainRun('tree', mixedRows('iris'), 'species', [...PREPARE, 'model: { type: decision_tree, params: { max_depth: 6 } }', HOLDOUT]);
  console.log('decision_tree classification', (await exportAndCompare(classifier)).maxDifference);
  const regressor = await trainRun('treereg', mixedRows('diabetes'), 'progression', [
    ...PREPARE,
    'task: regression',
    'model: { type: decision_tree }',
    HOLDOUT,
  ]);
  console.log('decision_tree regression', (await exportAndCompare(regressor)).maxDifference);
});

test('ONNX: random forest (3 classes, 2 classes, regression) as TreeEnsemble', async () => {
  const three = await trainRun('forest3', mixedRows('iris'), 'species', [...PREPARE, 'model: { type: random_forest, params: { n_estimators: 25 } }', HOLDOUT]);
  console.log('random_forest 3 classes', (await exportAndCompare(three)).maxDifference);
  const two = await trainRun('forest2', mixedRows('breast_cancer'), 'diagnosis', [
    ...PREPARE,
    'model: { type: random_forest, params: { n_estimators: 15 } }',
    HOLDOUT,
  ]);
  console.log('random_forest 2 classes', (await exportAndCompare(two)).maxDifference);
  const regressor = await trainRun('forestreg', mixedRows('diabetes'), 'progression', [
    ...PREPARE,
    'task: regression',
    'model: { type: random_forest, params: { n_estimators: 20 } }',
    HOLDOUT,
  ]);
  console.log('random_forest regression', (await exportAndCompare(regressor)).maxDifference);
});

test('ONNX: gradient boosting (3 classes, 2 classes, regression) with missing numbers routed as trained', async () => {
  // No numeric impute: the model handles NaN itself, and the graph must send missing values the same way.
  const prepare = ['prepare:', '  - onehot: { columns: [colour] }'];
  const three = await trainRun('boost3', mixedRows('iris'), 'species', [...prepare, 'model: { type: gradient_boosting, params: { max_iter: 30 } }', HOLDOUT]);
  console.log('gradient_boosting 3 classes', (await exportAndCompare(three)).maxDifference);
  const two = await trainRun('boost2', mixedRows('breast_cancer'), 'diagnosis', [
    ...prepare,
    'model: { type: gradient_boosting, params: { max_iter: 30 } }',
    HOLDOUT,
  ]);
  console.log('gradient_boosting 2 classes', (await exportAndCompare(two)).maxDifference);
  const regressor = await trainRun('boostreg', mixedRows('diabetes'), 'progression', [
    ...prepare,
    'task: regression',
    'model: { type: gradient_boosting, params: { max_iter: 40 } }',
    HOLDOUT,
  ]);
  console.log('gradient_boosting regression', (await exportAndCompare(regressor)).maxDifference);
});
