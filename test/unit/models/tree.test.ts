import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DecisionTreeClassifier, DecisionTreeRegressor, decisionTreeFromJSON } from '../../../src/core/models/decisionTree';
import { CancelledError, DenseMatrix, MlError } from '../../../src/core/types';
import { DEFAULT_SEED } from '../../../src/core/random';
import { loadCsv, r2, takeRows } from '../matrices';

// Figures from bench/reference/trees.py (scikit-learn 1.2 on the same folds).
const FIXTURES = join(__dirname, '..', '..', 'fixtures');
const reference = JSON.parse(readFileSync(join(FIXTURES, 'reference', 'trees.json'), 'utf8'));

/** Mean score over the fixture's folds; `fitScore` trains on the other rows and scores the fold. */
async function crossValidate(name: string, fitScore: (train: number[], test: number[]) => Promise<number>): Promise<number> {
  const folds: number[][] = reference.datasets[name].folds;
  const n = folds.reduce((a, f) => a + f.length, 0);
  let total = 0;
  for (const test of folds) {
    const held = new Set(test);
    const train = Array.from({ length: n }, (_, i) => i).filter((i) => !held.has(i));
    total += await fitScore(train, test);
  }
  return total / folds.length;
}

for (const name of ['iris.csv', 'breast_cancer.csv']) {
  test(`DecisionTreeClassifier 5-fold accuracy on ${name} is within 1 point of scikit-learn for each parameter set`, async () => {
    const { X, labels } = loadCsv(name);
    for (const entry of reference.datasets[name].decision_tree) {
      const mean = await crossValidate(name, async (train, test) => {
        const model = new DecisionTreeClassifier(entry.params);
        await model.fit(
          takeRows(X, train),
          train.map((i) => labels[i] as string),
          { seed: 0 },
        );
        const predicted = model.predict(takeRows(X, test));
        return predicted.filter((p, k) => p === labels[test[k] as number]).length / test.length;
      });
      assert.ok(Math.abs(mean - entry.mean) <= 0.01, `${JSON.stringify(entry.params)}: ours ${mean}, scikit-learn ${entry.mean}`);
    }
  });
}

test('DecisionTreeRegressor 5-fold R² on diabetes is within 0.01 of scikit-learn for each parameter set', async () => {
  const { X, values } = loadCsv('diabetes.csv');
  for (const entry of reference.datasets['diabetes.csv'].decision_tree) {
    const mean = await crossValidate('diabetes.csv', async (train, test) => {
      const model = new DecisionTreeRegressor(entry.params);
      await model.fit(
        takeRows(X, train),
        Float64Array.from(train, (i) => values[i] as number),
        { seed: 0 },
      );
      return r2(
        Float64Array.from(test, (i) => values[i] as number),
        model.predict(takeRows(X, test)),
      );
    });
    assert.ok(Math.abs(mean - entry.mean) <= 0.01, `${JSON.stringify(entry.params)}: ours ${mean}, scikit-learn ${entry.mean}`);
  }
});

test('feature importances on breast_cancer match scikit-learn (no tie at the top of the tree)', async () => {
  const { X, labels } = loadCsv('breast_cancer.csv');
  const model = new DecisionTreeClassifier();
  await model.fit(X, labels, { seed: DEFAULT_SEED });
  const expected: number[] = reference.breast_cancer_importances.decision_tree;
  const argmax = (v: ArrayLike<number>): number => Array.from(v).indexOf(Math.max(...Array.from(v)));
  assert.equal(argmax(model.featureImportances), argmax(expected));
  const top = argmax(expected);
  assert.ok(Math.abs((model.featureImportances[top] as number) - (expected[top] as number)) < 1e-9);
  assert.ok(Math.abs(model.featureImportances.reduce((a, b) => a + b, 0) - 1) < 1e-12);
});

test('on iris the most important feature is one scikit-learn also ranks first (petal length and width tie at the root)', async () => {
  const { X, labels } = loadCsv('iris.csv');
  const sklearnTops = new Set((reference.iris_importances.decision_tree as number[][]).map((v) => v.indexOf(Math.max(...v))));
  for (const seed of [0, 1, 2]) {
    const model = new DecisionTreeClassifier();
    await model.fit(X, labels, { seed });
    const imp = Array.from(model.featureImportances);
    assert.ok(sklearnTops.has(imp.indexOf(Math.max(...imp))), `seed ${seed}: ${imp.join(', ')}`);
  }
});

test('JSON round trip gives identical predictions and probabilities', async () => {
  const { X, labels, values } = loadCsv('breast_cancer.csv');
  const classifier = new DecisionTreeClassifier({ max_depth: 6, criterion: 'entropy' });
  await classifier.fit(X, labels, { seed: DEFAULT_SEED });
  const restored = decisionTreeFromJSON(JSON.parse(JSON.stringify(classifier.toJSON())));
  assert.ok(restored instanceof DecisionTreeClassifier);
  assert.deepEqual(restored.predict(X), classifier.predict(X));
  assert.deepEqual(restored.predictProba(X).data, classifier.predictProba(X).data);

  const diabetes = loadCsv('diabetes.csv');
  const regressor = new DecisionTreeRegressor({ min_samples_leaf: 5 });
  await regressor.fit(diabetes.X, diabetes.values, { seed: DEFAULT_SEED });
  const back = DecisionTreeRegressor.fromJSON(JSON.parse(JSON.stringify(regressor.toJSON())));
  assert.deepEqual(back.predict(diabetes.X), regressor.predict(diabetes.X));
  assert.deepEqual(back.featureImportances, regressor.featureImportances);
  assert.equal(values.length, X.rows);
});

test('the same seed gives identical trees; fromJSON checks the tag', async () => {
  const { X, labels } = loadCsv('iris.csv');
  const fit = async (seed: number): Promise<string> => {
    const model = new DecisionTreeClassifier({ max_features: 2 });
    await model.fit(X, labels, { seed });
    return JSON.stringify(model.toJSON());
  };
  assert.equal(await fit(5), await fit(5));
  assert.notEqual(await fit(5), await fit(6));
  const json = JSON.parse(await fit(5));
  assert.throws(() => DecisionTreeClassifier.fromJSON({ ...json, type: 'random_forest' }), /expected type 'decision_tree'/);
  assert.throws(() => DecisionTreeRegressor.fromJSON(json), /expected task 'regression'/);
});

test('cancellation before or during the fit throws CancelledError', async () => {
  const { X, labels } = loadCsv('breast_cancer.csv');
  const before = new AbortController();
  before.abort();
  await assert.rejects(new DecisionTreeClassifier().fit(X, labels, { seed: DEFAULT_SEED, signal: before.signal }), CancelledError);

  // A larger set, so growth reports progress (every 1024 nodes) before it ends.
  const n = 6000;
  const data = Float64Array.from({ length: n * 3 }, (_, k) => (Math.sin(k * 12.9898) * 43758.5453) % 1);
  const noisy = Array.from({ length: n }, (_, i) => (Math.sin(i * 78.233) > 0 ? 'a' : 'b'));
  const during = new AbortController();
  const steps: number[] = [];
  const fit = new DecisionTreeClassifier().fit({ kind: 'dense', rows: n, cols: 3, data }, noisy, {
    seed: DEFAULT_SEED,
    signal: during.signal,
    onProgress: (event) => {
      steps.push(event.step);
      during.abort();
    },
  });
  await assert.rejects(fit, CancelledError);
  assert.equal(steps.length, 1);
});

test('bad parameters and bad input are errors that name the parameter or problem', async () => {
  assert.throws(() => new DecisionTreeClassifier({ max_depth: 0 }), /decision_tree: max_depth/);
  assert.throws(() => new DecisionTreeClassifier({ criterion: 'squared_error' }), /decision_tree: criterion/);
  assert.throws(() => new DecisionTreeRegressor({ criterion: 'gini' }), /decision_tree: criterion/);
  assert.throws(() => new DecisionTreeClassifier({ min_samples_leaf: 0 }), /min_samples_leaf/);
  assert.throws(() => new DecisionTreeClassifier({ min_samples_split: 1 }), /min_samples_split/);
  assert.throws(() => new DecisionTreeClassifier({ max_features: 'half' as never }), /max_features/);
  assert.throws(() => new DecisionTreeClassifier({ maxDepth: 3 } as never), /unknown parameter 'maxDepth'/);
  const X: DenseMatrix = { kind: 'dense', rows: 3, cols: 1, data: Float64Array.from([1, NaN, 3]) };
  await assert.rejects(new DecisionTreeClassifier().fit(X, ['a', 'b', 'a'], { seed: DEFAULT_SEED }), /row 1, feature 0 is NaN/);
  const ok: DenseMatrix = { kind: 'dense', rows: 3, cols: 1, data: Float64Array.from([1, 2, 3]) };
  await assert.rejects(new DecisionTreeClassifier().fit(ok, ['a', 'a', 'a'], { seed: DEFAULT_SEED }), /single class/);
  await assert.rejects(new DecisionTreeClassifier({ max_features: 4 }).fit(ok, ['a', 'b', 'a'], { seed: DEFAULT_SEED }), /max_features/);
  await assert.rejects(new DecisionTreeRegressor().fit(ok, ['a', 'b', 'a'], { seed: DEFAULT_SEED }), MlError);
  assert.throws(() => new DecisionTreeClassifier().predict(ok), /before fit/);
});

test('a CSR input is densified and gives the same tree as its dense form', async () => {
  const dense: DenseMatrix = { kind: 'dense', rows: 4, cols: 2, data: Float64Array.from([0, 1, 2, 0, 0, 3, 4, 0]) };
  const csr = {
    kind: 'csr' as const,
    rows: 4,
    cols: 2,
    indptr: Int32Array.from([0, 1, 2, 3, 4]),
    indices: Int32Array.from([1, 0, 1, 0]),
    values: Float64Array.from([1, 2, 3, 4]),
  };
  const y = ['a', 'b', 'a', 'b'];
  const a = new DecisionTreeClassifier();
  await a.fit(dense, y, { seed: DEFAULT_SEED });
  const b = new DecisionTreeClassifier();
  await b.fit(csr, y, { seed: DEFAULT_SEED });
  assert.deepEqual(b.toJSON(), a.toJSON());
  assert.deepEqual(b.predict(csr), y);
});
