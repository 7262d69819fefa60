import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Table, stringColumn } from '../../../src/core/data/table';
import { trainExperiment } from '../../../src/core/experiment';
import type { ClassificationMetrics, RegressionMetrics } from '../../../src/core/metrics';
import { KnnClassifier, KnnRegressor, knnFromJSON, type KnnOptions } from '../../../src/core/models/knn';
import { useKdTree, useSimdKernels } from '../../../src/core/models/knn/search';
import { simdKernels } from '../../../src/core/models/knn/simd';
import { createModel, modelFromJSON } from '../../../src/core/models/registry';
import { Random } from '../../../src/core/random';
import { MlError, type DenseMatrix } from '../../../src/core/types';
import { dense, loadCsv, takeRows, toCsr } from '../matrices';
import { readCsvTable } from '../validation/doubles';

// Figures from bench/reference/knn.py: scikit-learn 1.2.1 (algorithm='brute') and the NumPy rule it spells out.
const FIXTURES = join(__dirname, '..', '..', 'fixtures');
interface Case {
  params: KnnOptions;
  sklearn: { predict: (string | number)[]; proba?: number[][] };
  rule: { predict: (string | number)[]; proba?: number[][] };
  ambiguous: number[];
}
const reference: { datasets: Record<string, { train: number[]; test: number[]; cases: Case[] }> } = JSON.parse(
  readFileSync(join(FIXTURES, 'reference', 'knn.json'), 'utf8'),
);

function close(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance * (1 + Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
}

for (const name of ['iris.csv', 'breast_cancer.csv', 'diabetes.csv']) {
  test(`${name}: every metric and weighting as scikit-learn's brute k-neighbours on held-out rows`, () => {
    const { X, labels, values } = loadCsv(name);
    const { train, test: held, cases } = reference.datasets[name] as { train: number[]; test: number[]; cases: Case[] };
    const trainX = takeRows(X, train);
    const testX = takeRows(X, held);
    let compared = 0;
    for (const c of cases) {
      const what = `${name} ${JSON.stringify(c.params)}`;
      const ambiguous = new Set(c.ambiguous);
      if (name === 'diabetes.csv') {
        const model = new KnnRegressor(c.params);
        model.fit(
          trainX,
          Float64Array.from(train, (i) => values[i] as number),
        );
        const predicted = model.predict(testX);
        predicted.forEach((v, i) => {
          close(v, c.rule.predict[i] as number, 1e-12, `${what} row ${i} (rule)`);
          if (!ambiguous.has(i)) close(v, c.sklearn.predict[i] as number, 1e-9, `${what} row ${i} (sklearn)`);
        });
      } else {
        const model = new KnnClassifier(c.params);
        model.fit(
          trainX,
          train.map((i) => labels[i] as string),
        );
        const predicted = model.predict(testX);
        const proba = model.predictProba(testX);
        predicted.forEach((label, i) => {
          assert.equal(label, c.rule.predict[i], `${what} row ${i} (rule)`);
          if (!ambiguous.has(i)) assert.equal(label, c.sklearn.predict[i], `${what} row ${i} (sklearn)`);
          for (let k = 0; k < proba.cols; k++) {
            const ours = proba.data[i * proba.cols + k] as number;
            close(ours, (c.rule.proba as number[][])[i]?.[k] as number, 1e-12, `${what} proba ${i},${k} (rule)`);
            if (!ambiguous.has(i)) close(ours, (c.sklearn.proba as number[][])[i]?.[k] as number, 1e-9, `${what} proba ${i},${k} (sklearn)`);
          }
        });
      }
      compared += held.length - ambiguous.size;
    }
    assert.ok(compared > cases.length * held.length * 0.6, `${name}: only ${compared} rows were unambiguous`);
  });
}

test('a hand-computed case: votes, distance weights, ties of distance and of votes', () => {
  // Training rows on a line; a query at 1.5 has rows 1 and 2 at 0.5 and row 0 at 1.5.
  const X = dense([[0], [1], [2], [5]]);
  const model = new KnnClassifier({ n_neighbors: 3 });
  model.fit(X, ['a', 'a', 'b', 'b']);
  assert.deepEqual(Array.from(model.predictProba(dense([[1.5]])).data), [2 / 3, 1 / 3]);
  const weighted = new KnnClassifier({ n_neighbors: 3, weights: 'distance' });
  weighted.fit(X, ['a', 'a', 'b', 'b']);
  // Weights 1/0.5 (a), 1/0.5 (b), 1/1.5 (a): a = (2 + 2/3) / (4 + 2/3) = 4/7.
  const proba = weighted.predictProba(dense([[1.5]])).data;
  close(proba[0] as number, 4 / 7, 1e-15, 'a');
  close(proba[1] as number, 3 / 7, 1e-15, 'b');

  // Equal distances: the earlier training row is the neighbour (row 0, class b, although a sorts first).
  const tie = new KnnClassifier({ n_neighbors: 1 });
  tie.fit(dense([[0], [1]]), ['b', 'a']);
  assert.deepEqual(tie.predict(dense([[0.5]])), ['b']);
  // A tied vote goes to the first class.
  const vote = new KnnClassifier({ n_neighbors: 2 });
  vote.fit(dense([[0], [1]]), ['b', 'a']);
  assert.deepEqual(Array.from(vote.predictProba(dense([[0.5]])).data), [0.5, 0.5]);
  assert.deepEqual(vote.predict(dense([[0.5]])), ['a']);

  // Exact matches take all the weight: rows 1 and 2 sit on the query, row 0 (distance 1) gets none.
  const exact = new KnnClassifier({ n_neighbors: 3, weights: 'distance' });
  exact.fit(dense([[0], [1], [1], [2]]), ['a', 'b', 'a', 'b']);
  assert.deepEqual(Array.from(exact.predictProba(dense([[1]])).data), [0.5, 0.5]);
  const regressor = new KnnRegressor({ n_neighbors: 3, weights: 'distance' });
  regressor.fit(dense([[0], [1], [1], [2]]), Float64Array.from([10, 20, 40, 80]));
  assert.deepEqual(Array.from(regressor.predict(dense([[1], [0.5]]))), [30, (10 / 0.5 + 20 / 0.5 + 40 / 0.5) / (3 / 0.5)]);

  // Manhattan and cosine on a 2-d case: (3, 4) is 7 from the origin in manhattan, and along (6, 8) in cosine.
  const points = dense([
    [0, 0],
    [3, 4],
    [6, 8],
    [4, 0],
  ]);
  const manhattan = new KnnRegressor({ n_neighbors: 1, metric: 'manhattan' });
  manhattan.fit(points, Float64Array.from([1, 2, 3, 4]));
  assert.deepEqual(Array.from(manhattan.predict(dense([[3.5, 0.5]]))), [4]);
  const cosine = new KnnRegressor({ n_neighbors: 2, metric: 'cosine' });
  cosine.fit(points, Float64Array.from([1, 2, 3, 4]));
  // (3, 4) and (6, 8) are both at cosine distance 0 from (0.3, 0.4); the zero row is at distance 1.
  assert.deepEqual(Array.from(cosine.predict(dense([[0.3, 0.4]]))), [2.5]);

  // Values whose squares overflow: the neighbours are still found (the distances are Infinity, so the first rows win).
  const huge = new KnnRegressor({ n_neighbors: 2 });
  huge.fit(dense([[1e200], [3e200], [-2e200]]), Float64Array.from([1, 2, 3]));
  assert.deepEqual(Array.from(huge.predict(dense([[2e200], [0]]))), [1.5, 1.5]);
});

/** A random sparse matrix with about `density` of its cells set, and a few all-zero rows. */
function sparseRows(random: Random, rows: number, cols: number, density: number): DenseMatrix {
  const data = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    if (i % 17 === 3) continue;
    for (let j = 0; j < cols; j++) if (random.next() < density) data[i * cols + j] = Math.round(random.next() * 40) / 8;
  }
  return { kind: 'dense', rows, cols, data };
}

test('sparse input gives what dense input gives, for cosine and euclidean, without densifying', () => {
  const random = new Random(3);
  const train = sparseRows(random, 300, 200, 0.03);
  const queries = sparseRows(random, 60, 200, 0.03);
  const labels = Array.from({ length: 300 }, (_, i) => `c${i % 3}`);
  for (const metric of ['cosine', 'euclidean'] as const) {
    for (const weights of ['uniform', 'distance'] as const) {
      const fromDense = new KnnClassifier({ n_neighbors: 7, metric, weights });
      fromDense.fit(train, labels);
      const fromSparse = new KnnClassifier({ n_neighbors: 7, metric, weights });
      fromSparse.fit(toCsr(train), labels);
      const expected = fromDense.predictProba(queries);
      assert.deepEqual(fromSparse.predictProba(toCsr(queries)), expected, `${metric} ${weights}`);
      assert.deepEqual(fromSparse.predictProba(queries), expected, `${metric} ${weights}, dense queries`);
      assert.deepEqual(fromDense.predictProba(toCsr(queries)), expected, `${metric} ${weights}, sparse queries`);
      // The saved sparse model keeps its rows sparse.
      const saved = JSON.parse(JSON.stringify(fromSparse.toJSON()));
      assert.equal(saved.X.kind, 'csr');
      assert.deepEqual(knnFromJSON(saved).predict(toCsr(queries)), fromDense.predict(queries));
    }
  }
  // Manhattan densifies a sparse matrix and still agrees.
  const manhattan = new KnnClassifier({ metric: 'manhattan' });
  manhattan.fit(toCsr(train), labels);
  const reference = new KnnClassifier({ metric: 'manhattan' });
  reference.fit(train, labels);
  assert.deepEqual(manhattan.predictProba(toCsr(queries)), reference.predictProba(queries));
});

test('the WebAssembly SIMD search finds what the JavaScript loop finds, to the last bit', () => {
  assert.ok(simdKernels(), 'WebAssembly SIMD is available on Node 20');
  const random = new Random(5);
  // 203 rows: the last group of 8 is partial; 7 columns: not a multiple of anything; rounded values make ties.
  const rows = (count: number): DenseMatrix => ({
    kind: 'dense',
    rows: count,
    cols: 7,
    data: Float64Array.from({ length: count * 7 }, () => Math.round(random.normal() * 4) / 4),
  });
  const train = rows(203);
  const queries = rows(50);
  const labels = Array.from({ length: 203 }, (_, i) => `c${i % 4}`);
  try {
    for (const metric of ['euclidean', 'manhattan', 'cosine', 'minkowski'] as const) {
      for (const weights of ['uniform', 'distance'] as const) {
        const results = [true, false].map((simd) => {
          useSimdKernels(simd);
          const model = new KnnClassifier({ n_neighbors: 9, metric, weights });
          model.fit(train, labels);
          return model.predictProba(queries);
        });
        assert.deepEqual(results[0], results[1], `${metric} ${weights}`);
      }
    }
  } finally {
    useSimdKernels(true);
  }
});

test('the k-d tree of few columns finds what brute force finds, ties included', () => {
  const random = new Random(9);
  // 3 columns on a coarse grid: many rows at equal distances, so ties decide neighbours.
  const grid = (count: number): DenseMatrix => ({
    kind: 'dense',
    rows: count,
    cols: 3,
    data: Float64Array.from({ length: count * 3 }, () => Math.round(random.normal() * 3) / 3),
  });
  const train = grid(3000);
  const queries = grid(300);
  const values = Float64Array.from({ length: 3000 }, (_, i) => (i * 37) % 101);
  try {
    for (const params of [
      { n_neighbors: 1 },
      { n_neighbors: 7, weights: 'distance' },
      { metric: 'manhattan' },
      { metric: 'minkowski', p: 3, n_neighbors: 4 },
    ] as KnnOptions[]) {
      const results = [true, false].map((tree) => {
        useKdTree(tree);
        const model = new KnnRegressor(params);
        model.fit(train, values);
        return model.predict(queries);
      });
      assert.deepEqual(results[0], results[1], JSON.stringify(params));
    }
  } finally {
    useKdTree(true);
  }
});

test('a saved model predicts as the fitted one, through the registry too', () => {
  const { X, labels } = loadCsv('breast_cancer.csv');
  const rows = Array.from({ length: 400 }, (_, i) => i);
  const held = takeRows(
    X,
    Array.from({ length: X.rows - 400 }, (_, i) => i + 400),
  );
  const classifier = createModel('knn', { n_neighbors: 7, weights: 'distance', metric: 'manhattan' }, 'classification') as KnnClassifier;
  classifier.fit(
    takeRows(X, rows),
    rows.map((i) => labels[i] as string),
  );
  const restored = modelFromJSON(JSON.parse(JSON.stringify(classifier.toJSON()))) as KnnClassifier;
  assert.deepEqual(restored.predictProba(held), classifier.predictProba(held));
  assert.deepEqual(restored.classes, classifier.classes);
  assert.deepEqual(restored.params, classifier.params);

  const regressor = new KnnRegressor({ metric: 'minkowski', p: 3 });
  regressor.fit(
    takeRows(X, rows),
    Float64Array.from(rows, (i) => (i % 7) + 0.5),
  );
  const back = KnnRegressor.fromJSON(JSON.parse(JSON.stringify(regressor.toJSON())));
  assert.deepEqual(back.predict(held), regressor.predict(held));
  assert.throws(() => KnnClassifier.fromJSON(regressor.toJSON()), /expected task 'classification'/);
  assert.throws(() => knnFromJSON({ type: 'knn', task: 'regression', params: {}, values: [] }), /saved training rows \(X\) are not a matrix/);
});

test('bad parameters and input are MlErrors that name what is wrong', () => {
  const bad: [KnnOptions | Record<string, unknown>, RegExp][] = [
    [{ n_neighbors: 0 }, /n_neighbors must be an integer >= 1, got 0/],
    [{ n_neighbors: 2.5 }, /n_neighbors must be an integer >= 1, got 2.5/],
    [{ weights: 'gaussian' }, /weights must be 'uniform' or 'distance', got "gaussian"/],
    [{ metric: 'chebyshev' }, /metric must be one of minkowski, euclidean, manhattan, cosine, got "chebyshev"/],
    [{ p: 0.5 }, /p must be a finite number >= 1, got 0.5/],
    [{ n_jobs: 0 }, /n_jobs must be a whole number other than 0/],
    [{ k: 3 }, /unknown parameter 'k'; known: n_neighbors, weights, metric, p, n_jobs/],
  ];
  for (const [options, message] of bad) {
    assert.throws(
      () => new KnnClassifier(options as KnnOptions),
      (error: unknown) => error instanceof MlError && message.test(error.message),
      JSON.stringify(options),
    );
  }
  assert.doesNotThrow(() => new KnnClassifier({ n_jobs: -1 }));
  assert.doesNotThrow(() => new KnnRegressor({ n_jobs: 4 }));
  const X = dense([[0], [1], [2]]);
  assert.throws(() => new KnnClassifier().fit(X, ['a', 'b', 'a']), /n_neighbors \(5\) is more than the 3 training rows/);
  assert.throws(() => new KnnClassifier({ n_neighbors: 1 }).fit(dense([[0], [NaN]]), ['a', 'b']), /row 1, feature 0 is NaN; impute/);
  assert.throws(() => new KnnRegressor({ n_neighbors: 1 }).fit(X, ['a', 'b', 'c']), /target must be numeric/);
  assert.throws(() => new KnnClassifier({ n_neighbors: 1 }).predict(X), /predict called before fit/);
  const fitted = new KnnClassifier({ n_neighbors: 1 });
  fitted.fit(X, ['a', 'b', 'a']);
  assert.throws(() => fitted.predict(dense([[0, 1]])), /X has 2 features but the model was fitted on 1/);
  assert.throws(() => fitted.predict(dense([[Infinity]])), /row 0, feature 0 is Infinity/);
});

test('trainExperiment trains a knn classifier and regressor end to end', async () => {
  const iris = readCsvTable('iris.csv');
  const result = await trainExperiment(
    {
      data: { path: 'iris.csv', target: 'species' },
      prepare: [{ scale: { method: 'standard' } }],
      model: { type: 'knn', params: { n_neighbors: 5, weights: 'distance' } },
      validation: { method: 'kfold', folds: 5 },
      seed: 7,
    },
    iris,
  );
  assert.equal(result.status, 'completed');
  assert.equal(result.model.type, 'knn');
  assert.ok((result.metrics as ClassificationMetrics).accuracy > 0.9, `knn on iris: ${(result.metrics as ClassificationMetrics).accuracy}`);

  const diabetes = readCsvTable('diabetes.csv');
  const regression = await trainExperiment(
    {
      data: { path: 'diabetes.csv', target: 'progression' },
      model: { type: 'knn', params: { n_neighbors: 15 } },
      validation: { method: 'holdout', test_size: 0.25 },
      seed: 1,
    },
    diabetes,
  );
  assert.equal(regression.task, 'regression');
  assert.ok((regression.metrics as RegressionMetrics).r2 > 0.3, `knn on diabetes: r2 ${(regression.metrics as RegressionMetrics).r2}`);
});

test('knn with cosine takes the sparse TF-IDF matrix of a text step', async () => {
  const words = ['good great fine nice', 'bad awful poor sad'];
  const table: Table = {
    rowCount: 40,
    columns: [
      stringColumn(
        'review',
        'text',
        Array.from({ length: 40 }, (_, i) => `${words[i % 2]} item ${i}`),
      ),
      stringColumn(
        'label',
        'categorical',
        Array.from({ length: 40 }, (_, i) => (i % 2 ? 'neg' : 'pos')),
      ),
    ],
  };
  const result = await trainExperiment(
    {
      data: { path: 'reviews.csv', target: 'label' },
      prepare: [{ text: { column: 'review', method: 'tfidf' } }],
      model: { type: 'knn', params: { n_neighbors: 3, metric: 'cosine' } },
      validation: { method: 'holdout', test_size: 0.25 },
      seed: 1,
    },
    table,
  );
  assert.equal((result.metrics as ClassificationMetrics).accuracy, 1);
  assert.equal((result.model.toJSON() as unknown as { X: { kind: string } }).X.kind, 'csr');
});
