import { test } from 'node:test';
import assert from 'node:assert/strict';
import { denseToCsr } from '../../../src/core/linalg/matrix';
import { LinearSvm } from '../../../src/core/models/linearSvm';
import type { LinearSvmOptions } from '../../../src/core/models/linearSvm';
import { CancelledError, MlError } from '../../../src/core/types';
import { accuracy, assertClose, crossValidate, readDataset, referenceFor, standardise } from './linearFixtures';
import { DEFAULT_SEED } from '../../../src/core/random';

const datasets = { iris: readDataset('iris.csv'), breast_cancer: readDataset('breast_cancer.csv') };

for (const [name, data] of Object.entries(datasets)) {
  const X = standardise(data.X);

  test(`linear_svm squared_hinge on ${name}: coefficients match LinearSVC run to tol 1e-10 (abs/rel 1e-4)`, () => {
    const { model: expected } = referenceFor(name, 'linear_svm_squared_hinge');
    const model = new LinearSvm({ ...(expected.params as LinearSvmOptions), tol: 1e-10, max_iter: 100000 });
    model.fit(X, data.labels, { seed: DEFAULT_SEED });
    assert.ok(model.converged);
    assertClose(
      (model.coef ?? []).flatMap((row) => [...row]),
      (expected.coef ?? []).flat(),
      1e-4,
      1,
      'coef',
    );
    assertClose(model.intercept as Float64Array, expected.intercept ?? [], 1e-4, 1, 'intercept');
  });

  for (const variant of ['linear_svm_squared_hinge', 'linear_svm_hinge']) {
    test(`${variant} on ${name}: 5-fold CV accuracy within 1 point of LinearSVC on the same folds`, async () => {
      const { folds, model: expected } = referenceFor(name, variant);
      const params = { ...(expected.params as LinearSvmOptions), ...(variant === 'linear_svm_hinge' ? { max_iter: 10000 } : {}) };
      const score = await crossValidate(() => new LinearSvm(params), X, data.labels, folds, accuracy);
      assert.ok(Math.abs(score - (expected.cv_accuracy as number)) <= 0.01, `accuracy ${score} vs sklearn ${expected.cv_accuracy}`);
    });
  }

  test(`linear_svm on ${name}: CSR input gives the same model as dense`, () => {
    for (const loss of ['hinge', 'squared_hinge'] as const) {
      const dense = new LinearSvm({ loss });
      dense.fit(X, data.labels, { seed: 3 });
      const sparse = new LinearSvm({ loss });
      sparse.fit(denseToCsr(X), data.labels, { seed: 3 });
      assertClose(
        (sparse.coef ?? []).flatMap((r) => [...r]),
        (dense.coef ?? []).flatMap((r) => [...r]),
        1e-9,
        1,
        `${loss} sparse coef`,
      );
    }
  });
}

const iris = datasets.iris;
const irisX = standardise(iris.X);

test('linear_svm: same seed identical, save/load identical, probabilities sum to one', () => {
  const model = new LinearSvm();
  model.fit(irisX, iris.labels, { seed: 7 });
  const again = new LinearSvm();
  again.fit(irisX, iris.labels, { seed: 7 });
  assert.deepEqual(again.coef, model.coef);
  const restored = LinearSvm.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
  assert.deepEqual(restored.predict(irisX), model.predict(irisX));
  assert.deepEqual(restored.predictProba(irisX), model.predictProba(irisX));
  const proba = model.predictProba(irisX);
  for (let i = 0; i < proba.rows; i++)
    assert.ok(Math.abs((proba.data[i * 3] as number) + (proba.data[i * 3 + 1] as number) + (proba.data[i * 3 + 2] as number) - 1) < 1e-12);
  assert.throws(() => LinearSvm.fromJSON({ ...model.toJSON(), type: 'svm' }), MlError);
});

test('linear_svm: progress per epoch, cancellation, bad parameters, single class', () => {
  let events = 0;
  new LinearSvm().fit(irisX, iris.labels, { seed: DEFAULT_SEED, onProgress: (e) => (events++, assert.ok(Number.isFinite(e.loss))) });
  assert.ok(events > 0);
  const controller = new AbortController();
  controller.abort();
  assert.throws(() => new LinearSvm().fit(irisX, iris.labels, { seed: DEFAULT_SEED, signal: controller.signal }), CancelledError);
  assert.throws(() => new LinearSvm({ loss: 'log' as 'hinge' }), /'loss' must be one of "hinge", "squared_hinge"/);
  assert.throws(() => new LinearSvm({ C: -1 }), /'C'/);
  assert.throws(
    () =>
      new LinearSvm().fit(
        irisX,
        iris.labels.map(() => 'a'),
        { seed: DEFAULT_SEED },
      ),
    /single class/,
  );
});
