import { test } from 'node:test';
import assert from 'node:assert/strict';
import { denseToCsr, takeRows } from '../../../src/core/linalg/matrix';
import { Svm } from '../../../src/core/models/svm';
import type { SvmOptions } from '../../../src/core/models/svm';
import { CancelledError, MlError } from '../../../src/core/types';
import { accuracy, assertClose, crossValidate, readDataset, referenceFor, standardise } from './linearFixtures';
import { DEFAULT_SEED } from '../../../src/core/random';

const datasets = { iris: readDataset('iris.csv'), breast_cancer: readDataset('breast_cancer.csv') };
const head = Array.from({ length: 20 }, (_, i) => i);

for (const [name, data] of Object.entries(datasets)) {
  const X = standardise(data.X);
  for (const variant of ['svm_rbf', 'svm_poly', 'svm_linear']) {
    const { folds, model: expected } = referenceFor(name, variant);
    const params = expected.params as SvmOptions;

    test(`${variant} on ${name}: decision values match libsvm (tol 1e-6 both sides, abs/rel 1e-4)`, () => {
      const model = new Svm({ ...params, tol: 1e-6 });
      model.fit(X, data.labels, { seed: DEFAULT_SEED });
      const decisions = model.decisionFunction(takeRows(X, head));
      // sklearn flips the sign of binary decision values so that positive means classes[1].
      const reference = (expected.decision_head as number[][] | number[]).flat();
      const sign = model.classes.length === 2 ? -1 : 1;
      assertClose(
        Array.from(decisions.data, (v) => sign * v),
        reference,
        1e-4,
        1,
        `${variant} decision`,
      );
      const supportCount = (expected.n_support ?? []).reduce((a, b) => a + b, 0);
      assert.ok(Math.abs((model.supportVectors?.rows ?? 0) - supportCount) <= 2, `support vectors ${model.supportVectors?.rows} vs ${supportCount}`);
      assert.equal(accuracy(data.labels, model.predict(X)), expected.train_accuracy);
    });

    test(`${variant} on ${name}: 5-fold CV accuracy within 1 point of SVC on the same folds`, async () => {
      const score = await crossValidate(() => new Svm(params), X, data.labels, folds, accuracy);
      assert.ok(Math.abs(score - (expected.cv_accuracy as number)) <= 0.01, `accuracy ${score} vs sklearn ${expected.cv_accuracy}`);
    });
  }
}

const iris = datasets.iris;
const irisX = standardise(iris.X);

test('svm: CSR input gives the same decision values as dense', () => {
  for (const kernel of ['rbf', 'poly', 'linear'] as const) {
    const dense = new Svm({ kernel });
    dense.fit(irisX, iris.labels, { seed: DEFAULT_SEED });
    const sparse = new Svm({ kernel });
    sparse.fit(denseToCsr(irisX), iris.labels, { seed: DEFAULT_SEED });
    assertClose(sparse.decisionFunction(denseToCsr(irisX)).data, dense.decisionFunction(irisX).data, 1e-9, 1, `${kernel} sparse decision`);
  }
});

test('svm: probabilities sum to one and mostly agree with the vote; save/load and refit are identical', () => {
  const model = new Svm();
  model.fit(irisX, iris.labels, { seed: DEFAULT_SEED });
  const proba = model.predictProba(irisX);
  const predicted = model.predict(irisX);
  let agree = 0;
  for (let i = 0; i < proba.rows; i++) {
    const row = Array.from(proba.data.subarray(i * 3, i * 3 + 3));
    assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-9);
    if (model.classes[row.indexOf(Math.max(...row))] === predicted[i]) agree++;
  }
  assert.ok(agree >= 0.95 * proba.rows, `argmax of probabilities agrees with the vote on ${agree} rows`);
  const restored = Svm.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
  assert.deepEqual(restored.predictProba(irisX), proba);
  assert.deepEqual(restored.predict(irisX), predicted);
  const again = new Svm();
  again.fit(irisX, iris.labels, { seed: DEFAULT_SEED });
  assert.deepEqual(again.pairs, model.pairs);
  assert.throws(() => Svm.fromJSON({ ...model.toJSON(), type: 'linear_svm' }), MlError);
});

test('svm: gamma scale/auto, progress per pair, cancellation, bad parameters, single class', () => {
  const scale = new Svm();
  scale.fit(iris.X, iris.labels, { seed: DEFAULT_SEED });
  let sum = 0;
  for (const v of iris.X.data) sum += v;
  const mean = sum / iris.X.data.length;
  let variance = 0;
  for (const v of iris.X.data) variance += (v - mean) ** 2 / iris.X.data.length;
  assert.ok(Math.abs(scale.gammaValue - 1 / (4 * variance)) < 1e-12);
  const auto = new Svm({ gamma: 'auto' });
  const stages: string[] = [];
  auto.fit(iris.X, iris.labels, { seed: DEFAULT_SEED, onProgress: (e) => stages.push(e.stage) });
  assert.equal(auto.gammaValue, 0.25);
  assert.deepEqual(stages, ['smo (setosa vs versicolor)', 'smo (setosa vs virginica)', 'smo (versicolor vs virginica)']);
  const controller = new AbortController();
  controller.abort();
  assert.throws(() => new Svm().fit(irisX, iris.labels, { seed: DEFAULT_SEED, signal: controller.signal }), CancelledError);
  assert.throws(() => new Svm({ kernel: 'sigmoid' as 'rbf' }), /'kernel' must be one of "rbf", "poly", "linear"/);
  assert.throws(() => new Svm({ gamma: 'big' as 'auto' }), /'gamma'/);
  assert.throws(() => new Svm({ kernal: 'rbf' } as never), /unknown parameter 'kernal'/);
  assert.throws(
    () =>
      new Svm().fit(
        irisX,
        iris.labels.map(() => 'x'),
        { seed: DEFAULT_SEED },
      ),
    /single class/,
  );
});

test('svm: shrinking (libsvm default) reaches the same optimum as the full solver', () => {
  const data = datasets.breast_cancer;
  const X = standardise(data.X);
  const shrunk = new Svm({ C: 10, tol: 1e-6 });
  shrunk.fit(X, data.labels, { seed: DEFAULT_SEED });
  const full = new Svm({ C: 10, tol: 1e-6, shrinking: false });
  full.fit(X, data.labels, { seed: DEFAULT_SEED });
  // Shrinking first runs after min(l, 1000) = 569 iterations; make sure it did.
  assert.ok(shrunk.nIter > 569, `only ${shrunk.nIter} iterations`);
  assert.equal(shrunk.supportVectors?.rows, full.supportVectors?.rows);
  assertClose(shrunk.decisionFunction(X).data, full.decisionFunction(X).data, 1e-5, 1, 'shrinking decision');
  assert.throws(() => new Svm({ shrinking: 'yes' as unknown as boolean }), MlError);
});
