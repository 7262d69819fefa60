import { test } from 'node:test';
import assert from 'node:assert/strict';
import { denseToCsr } from '../../../src/core/linalg/matrix';
import { LogisticRegression } from '../../../src/core/models/logisticRegression';
import { binaryColumnsObjective } from '../../../src/core/models/linear/logisticLoss';
import type { LogisticRegressionOptions } from '../../../src/core/models/logisticRegression';
import { CancelledError, MlError } from '../../../src/core/types';
import type { ProgressEvent } from '../../../src/core/types';
import { accuracy, assertClose, crossValidate, readDataset, referenceFor, standardise } from './linearFixtures';
import { DEFAULT_SEED } from '../../../src/core/random';

const datasets = {
  iris: readDataset('iris.csv'),
  breast_cancer: readDataset('breast_cancer.csv'),
};

for (const [name, data] of Object.entries(datasets)) {
  const X = standardise(data.X);
  for (const variant of ['logistic_l2', 'logistic_l1']) {
    const { folds, model: expected } = referenceFor(name, variant);
    const params = expected.params as LogisticRegressionOptions;

    test(`${variant} on ${name}: coefficients match scikit-learn's optimum (abs/rel 1e-5)`, () => {
      const model = new LogisticRegression({ ...params, tol: 1e-10, max_iter: 10000 });
      model.fit(X, data.labels, { seed: DEFAULT_SEED });
      assert.ok(model.converged);
      assertClose(
        model.coef.flatMap((row) => [...row]),
        (expected.coef ?? []).flat(),
        1e-5,
        1,
        `${variant} coef`,
      );
      assertClose(model.intercept, expected.intercept ?? [], 1e-5, 1, `${variant} intercept`);
    });

    test(`${variant} on ${name}: 5-fold CV accuracy within 1 point of scikit-learn (default tol)`, async () => {
      const score = await crossValidate(() => new LogisticRegression(params), X, data.labels, folds, accuracy);
      assert.ok(Math.abs(score - (expected.cv_accuracy as number)) <= 0.01, `accuracy ${score} vs sklearn ${expected.cv_accuracy}`);
    });
  }

  test(`logistic_regression on ${name}: CSR input gives the same model as dense`, () => {
    for (const penalty of ['l2', 'l1'] as const) {
      const dense = new LogisticRegression({ penalty, tol: 1e-8, max_iter: 1000 });
      dense.fit(X, data.labels, { seed: DEFAULT_SEED });
      const sparse = new LogisticRegression({ penalty, tol: 1e-8, max_iter: 1000 });
      sparse.fit(denseToCsr(X), data.labels, { seed: DEFAULT_SEED });
      assertClose(sparse.weights as Float64Array, dense.weights as Float64Array, 1e-6, 1, `${penalty} sparse weights`);
      assert.deepEqual(sparse.predict(denseToCsr(X)), dense.predict(X));
    }
  });
}

const iris = datasets.iris;
const irisX = standardise(iris.X);

test('fitColumns on feature columns gives the weights fit gives on the row-major matrix, bit for bit (binary; softmax asks for the matrix)', () => {
  const X = standardise(datasets.breast_cancer.X);
  const columns = Array.from({ length: X.cols }, (_, j) => Float64Array.from({ length: X.rows }, (_, i) => X.data[i * X.cols + j] as number));
  for (const options of [{ penalty: 'l2' }, { penalty: 'l1' }, { penalty: 'l2', class_weight: 'balanced' }] as LogisticRegressionOptions[]) {
    const dense = new LogisticRegression(options);
    dense.fit(X, datasets.breast_cancer.labels, { seed: DEFAULT_SEED });
    const columnar = new LogisticRegression(options);
    let asked = 0;
    columnar.fitColumns(columns, datasets.breast_cancer.labels, { seed: DEFAULT_SEED }, () => {
      asked++;
      return X;
    });
    assert.equal(asked, 0, 'a binary fit needs no row-major matrix');
    assert.deepEqual([...(columnar.weights as Float64Array)], [...(dense.weights as Float64Array)], `${JSON.stringify(options)} weights`);
    assert.equal(columnar.nIter, dense.nIter);
  }
  const softmax = new LogisticRegression();
  let asked = 0;
  const irisColumns = Array.from({ length: irisX.cols }, (_, j) =>
    Float64Array.from({ length: irisX.rows }, (_, i) => irisX.data[i * irisX.cols + j] as number),
  );
  softmax.fitColumns(irisColumns, iris.labels, { seed: DEFAULT_SEED }, () => {
    asked++;
    return irisX;
  });
  const reference = new LogisticRegression();
  reference.fit(irisX, iris.labels, { seed: DEFAULT_SEED });
  assert.equal(asked, 1);
  assert.deepEqual([...(softmax.weights as Float64Array)], [...(reference.weights as Float64Array)]);
  const bad = columns.map((c) => Float64Array.from(c));
  (bad[3] as Float64Array)[7] = Number.NaN;
  (bad[1] as Float64Array)[9] = Number.POSITIVE_INFINITY;
  assert.throws(() => new LogisticRegression().fitColumns(bad, datasets.breast_cancer.labels, { seed: DEFAULT_SEED }, () => X), /X column 3 holds NaN/);
});

test('predictProba rows sum to one, columns follow classes, predict is their argmax', () => {
  const model = new LogisticRegression();
  model.fit(irisX, iris.labels, { seed: DEFAULT_SEED });
  assert.deepEqual(model.classes, ['setosa', 'versicolor', 'virginica']);
  const proba = model.predictProba(irisX);
  assert.equal(proba.cols, 3);
  for (let i = 0; i < proba.rows; i++) {
    const row = [...proba.data.subarray(i * 3, i * 3 + 3)];
    assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  }
  assert.equal(model.predict(irisX)[0], 'setosa');
});

test('save/load round trip predicts identically; same data gives identical results', () => {
  const model = new LogisticRegression({ penalty: 'l1', C: 0.5 });
  model.fit(irisX, iris.labels, { seed: DEFAULT_SEED });
  const restored = LogisticRegression.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
  assert.deepEqual(restored.predictProba(irisX), model.predictProba(irisX));
  const again = new LogisticRegression({ penalty: 'l1', C: 0.5 });
  again.fit(irisX, iris.labels, { seed: DEFAULT_SEED });
  assert.deepEqual(again.weights, model.weights);
  assert.throws(() => LogisticRegression.fromJSON({ ...model.toJSON(), type: 'ridge' }), MlError);
});

test('progress reports a falling loss per iteration; an aborted signal throws CancelledError', () => {
  const events: ProgressEvent[] = [];
  new LogisticRegression().fit(irisX, iris.labels, { seed: DEFAULT_SEED, onProgress: (e) => events.push(e) });
  assert.ok(events.length > 3);
  assert.ok((events.at(-1)?.loss as number) < (events[0]?.loss as number));
  const controller = new AbortController();
  let calls = 0;
  assert.throws(
    () =>
      new LogisticRegression({ max_iter: 1000, tol: 1e-12 }).fit(irisX, iris.labels, {
        seed: DEFAULT_SEED,
        signal: controller.signal,
        onProgress: () => ++calls === 2 && controller.abort(),
      }),
    CancelledError,
  );
});

test('bad parameters and single-class targets are named', () => {
  assert.throws(() => new LogisticRegression({ penalty: 'elasticnet' as 'l2' }), /'penalty' must be one of "l2", "l1", "none"/);
  assert.throws(() => new LogisticRegression({ C: 0 }), /'C'.*> 0/);
  assert.throws(() => new LogisticRegression({ c: 1 } as never), /unknown parameter 'c'/);
  assert.throws(
    () =>
      new LogisticRegression().fit(
        irisX,
        iris.labels.map(() => 'setosa'),
        { seed: DEFAULT_SEED },
      ),
    /single class/,
  );
  assert.throws(() => new LogisticRegression().fit(irisX, iris.values, { seed: DEFAULT_SEED }), /class labels/);
});

test('binaryColumnsObjective: loss and gradient equal a one-column-at-a-time reference bit for bit (1 to 9 columns, past one block of rows, weights)', () => {
  let seed = 3;
  const random = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const n = 5000;
  for (let p = 1; p <= 9; p++) {
    const columns = Array.from({ length: p }, () => Float64Array.from({ length: n }, () => (random() - 0.5) * 6));
    const codes = Int32Array.from({ length: n }, () => (random() < 0.4 ? 1 : 0));
    const w = Float64Array.from({ length: p + 1 }, () => random() - 0.5);
    for (const weights of [undefined, Float64Array.from({ length: n }, () => 0.5 + random())]) {
      // Reference: each row's score summed over the features in order, each gradient over the rows in order.
      const reference = new Float64Array(p + 1);
      let loss = 0;
      const residuals = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        let s = w[p] as number;
        for (let j = 0; j < p; j++) s = s + (columns[j]![i] as number) * (w[j] as number);
        const weight = weights ? (weights[i] as number) : 1;
        const positive = s > 0;
        const e = Math.exp(positive ? -s : s);
        const log1pE = Math.log1p(e);
        loss += weight * (codes[i] === 1 ? (positive ? log1pE : -s + log1pE) : positive ? s + log1pE : log1pE);
        residuals[i] = weight * ((s >= 0 ? 1 / (1 + e) : e / (1 + e)) - (codes[i] as number));
      }
      for (let j = 0; j < p; j++) {
        let g = 0;
        for (let i = 0; i < n; i++) g += (residuals[i] as number) * (columns[j]![i] as number);
        reference[j] = g / n + 0.01 * (w[j] as number);
      }
      let intercept = 0;
      for (let i = 0; i < n; i++) intercept += residuals[i] as number;
      reference[p] = intercept / n;
      let penalty = 0;
      for (let j = 0; j < p; j++) penalty += (w[j] as number) * (w[j] as number);
      const grad = new Float64Array(p + 1);
      const value = binaryColumnsObjective(columns, codes, 0.01, true, weights)(w, grad);
      assert.equal(value, loss / n + 0.5 * 0.01 * penalty, `p ${p} loss`);
      assert.deepEqual([...grad], [...reference], `p ${p} gradient`);
    }
  }
});
