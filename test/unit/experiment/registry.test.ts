import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createModel, modelFromJSON, modelTypes, MODEL_TYPES } from '../../../src/core/models/registry';
import type { DenseMatrix } from '../../../src/core/types';
import { DEFAULT_SEED } from '../../../src/core/random';

const contract = [
  'linear_regression',
  'ridge',
  'lasso',
  'elastic_net',
  'logistic_regression',
  'linear_svm',
  'svm',
  'decision_tree',
  'random_forest',
  'gradient_boosting',
  'knn',
  'naive_bayes',
  'mlp',
  'transformer',
];

test('the registry knows every contract model type with its tasks', () => {
  assert.deepEqual([...MODEL_TYPES].sort(), [...contract].sort());
  const info = Object.fromEntries(modelTypes().map((m) => [m.type, m]));
  assert.deepEqual(info.ridge?.tasks, ['regression']);
  assert.deepEqual(info.logistic_regression?.tasks, ['classification']);
  assert.deepEqual(info.random_forest?.tasks, ['classification', 'regression']);
  assert.equal(info.transformer?.input, 'text');
  assert.ok(
    modelTypes().every((m) => m.available),
    'every contract model has landed',
  );
  assert.ok(info.logistic_regression?.params.includes('C'));
});

test('unknown type, wrong task and bad parameters are MlErrors that say what is allowed', () => {
  assert.throws(() => createModel('xgboost', {}, 'classification'), /unknown model type "xgboost"; known types: linear_regression, ridge/);
  assert.throws(
    () => createModel('ridge', {}, 'classification'),
    /ridge does regression, not classification; for classification use one of: logistic_regression/,
  );
  assert.throws(() => createModel('logistic_regression', { C: -1 }, 'classification'), /C/);
});

test("createModel picks the task's class and modelFromJSON restores a fitted model", async () => {
  const X: DenseMatrix = { kind: 'dense', rows: 6, cols: 1, data: Float64Array.from([0, 1, 2, 10, 11, 12]) };
  const y = ['a', 'a', 'a', 'b', 'b', 'b'];
  for (const type of ['logistic_regression', 'decision_tree', 'random_forest', 'linear_svm', 'svm', 'naive_bayes']) {
    const model = createModel(type, {}, 'classification');
    await model.fit(X as never, y, { seed: DEFAULT_SEED });
    const restored = modelFromJSON(model.toJSON());
    assert.equal(restored.type, type);
    assert.deepEqual(restored.predict(X as never), model.predict(X as never));
  }
  const tree = createModel('decision_tree', {}, 'regression');
  await tree.fit(X as never, Float64Array.from([1, 1, 1, 5, 5, 5]), { seed: DEFAULT_SEED });
  assert.deepEqual(Array.from(tree.predict(X as never) as Float64Array), [1, 1, 1, 5, 5, 5]);
});
