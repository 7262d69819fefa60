import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NaiveBayes } from '../../../src/core/models/naiveBayes';
import { dense, loadCsv, toCsr } from '../matrices';
import { CancelledError, CsrMatrix, DenseMatrix, ProgressEvent } from '../../../src/core/types';
import { DEFAULT_SEED } from '../../../src/core/random';

// Figures from bench/reference/trees.py (scikit-learn 1.2's MultinomialNB and GaussianNB).
const FIXTURES = join(__dirname, '..', '..', 'fixtures');
const reference = JSON.parse(readFileSync(join(FIXTURES, 'reference', 'trees.json'), 'utf8'));

/** The same rows as CSR, storing only the non-zero entries. */
function csr(rows: number[][]): CsrMatrix {
  return toCsr(dense(rows));
}

function assertClose(actual: ArrayLike<number>, expected: readonly number[], tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let k = 0; k < expected.length; k++) {
    const diff = Math.abs((actual[k] as number) - (expected[k] as number));
    assert.ok(diff <= tolerance, `${what}[${k}]: ${actual[k]} vs ${expected[k]} (diff ${diff})`);
  }
}

const mnb = reference.multinomial_nb;

for (const c of mnb.cases) {
  test(`multinomial NB ${JSON.stringify(c.params)} on CSR counts gives scikit-learn's probabilities to 1e-9`, () => {
    const model = new NaiveBayes(c.params);
    model.fit(csr(mnb.X), mnb.y, { seed: DEFAULT_SEED });
    assert.equal(model.distribution, 'multinomial');
    assert.deepEqual(model.classes, c.classes);
    const json = model.toJSON();
    assertClose(json.class_log_prior, c.class_log_prior, 1e-12, 'class_log_prior');
    assertClose(json.feature_log_prob ?? [], c.feature_log_prob.flat(), 1e-12, 'feature_log_prob');
    assertClose(model.predictProba(csr(mnb.X)).data, c.proba_train.flat(), 1e-9, 'train proba');
    assertClose(model.predictProba(csr(mnb.queries)).data, c.proba_queries.flat(), 1e-9, 'query proba');
    assert.deepEqual(model.predict(csr(mnb.queries)), c.predict_queries);
    // Dense counts with an explicit distribution give the same model.
    const fromDense = new NaiveBayes({ ...c.params, distribution: 'multinomial' });
    fromDense.fit(dense(mnb.X), mnb.y, { seed: DEFAULT_SEED });
    assertClose(fromDense.predictProba(dense(mnb.queries)).data, c.proba_queries.flat(), 1e-9, 'dense query proba');
  });
}

test('multinomial NB stays finite on very long documents (log-space normalisation)', () => {
  const model = new NaiveBayes();
  model.fit(csr(mnb.X), mnb.y, { seed: DEFAULT_SEED });
  const long = csr([[4000, 0, 0, 0, 6000, 0]]);
  const proba = model.predictProba(long).data;
  assert.ok(Array.from(proba).every(Number.isFinite));
  assert.ok(Math.abs(proba.reduce((a, b) => a + b, 0) - 1) < 1e-12);
  assert.deepEqual(model.predict(long), ['ham']);
});

test('gaussian NB on iris matches scikit-learn: means, variances and probabilities to 1e-9', () => {
  const { X, labels } = loadCsv('iris.csv');
  const model = new NaiveBayes();
  model.fit(X, labels, { seed: DEFAULT_SEED });
  assert.equal(model.distribution, 'gaussian');
  const expected = reference.gaussian_nb_iris;
  assert.deepEqual(model.classes, expected.classes);
  const json = model.toJSON();
  assertClose(json.theta ?? [], expected.theta.flat(), 1e-12, 'theta');
  assertClose(json.var ?? [], expected.var.flat(), 1e-12, 'var');
  assertClose(model.predictProba(X).data, expected.proba.flat(), 1e-9, 'proba');
});

for (const name of ['iris.csv', 'breast_cancer.csv']) {
  test(`gaussian NB 5-fold accuracy on ${name} is within 1 point of scikit-learn's`, () => {
    const { X, labels } = loadCsv(name);
    const entry = reference.datasets[name];
    let total = 0;
    for (const testRows of entry.folds as number[][]) {
      const held = new Set(testRows);
      const train = Array.from({ length: X.rows }, (_, i) => i).filter((i) => !held.has(i));
      const take = (rows: number[]): DenseMatrix => dense(rows.map((r) => Array.from(X.data.subarray(r * X.cols, (r + 1) * X.cols))));
      const model = new NaiveBayes({ distribution: 'gaussian' });
      model.fit(
        take(train),
        train.map((i) => labels[i] as string),
        { seed: DEFAULT_SEED },
      );
      const predicted = model.predict(take(testRows));
      total += predicted.filter((p, k) => p === labels[testRows[k] as number]).length / testRows.length;
    }
    const mean = total / entry.folds.length;
    assert.ok(Math.abs(mean - entry.gaussian_nb.mean) <= 0.01, `ours ${mean}, scikit-learn ${entry.gaussian_nb.mean}`);
  });
}

test('JSON round trip gives identical probabilities for both distributions; fromJSON checks the tag', () => {
  const multinomial = new NaiveBayes({ alpha: 0.3 });
  multinomial.fit(csr(mnb.X), mnb.y, { seed: DEFAULT_SEED });
  const back = NaiveBayes.fromJSON(JSON.parse(JSON.stringify(multinomial.toJSON())));
  assert.deepEqual(back.predictProba(csr(mnb.queries)).data, multinomial.predictProba(csr(mnb.queries)).data);

  const { X, labels } = loadCsv('iris.csv');
  const gaussian = new NaiveBayes();
  gaussian.fit(X, labels, { seed: DEFAULT_SEED });
  const restored = NaiveBayes.fromJSON(JSON.parse(JSON.stringify(gaussian.toJSON())));
  assert.deepEqual(restored.predictProba(X).data, gaussian.predictProba(X).data);
  assert.deepEqual(restored.predict(X), gaussian.predict(X));
  assert.throws(() => NaiveBayes.fromJSON({ ...gaussian.toJSON(), type: 'decision_tree' }), /expected type 'naive_bayes'/);
  assert.throws(() => NaiveBayes.fromJSON({ ...gaussian.toJSON(), theta: [1, 2] }), /sizes do not match/);
});

test('fit reports progress, is reproducible, and an aborted signal throws CancelledError', () => {
  const events: ProgressEvent[] = [];
  const a = new NaiveBayes();
  a.fit(csr(mnb.X), mnb.y, { seed: DEFAULT_SEED, onProgress: (e) => events.push(e) });
  assert.deepEqual(events, [{ stage: 'naive_bayes', step: 1, of: 1 }]);
  const b = new NaiveBayes();
  b.fit(csr(mnb.X), mnb.y, { seed: DEFAULT_SEED });
  assert.deepEqual(b.toJSON(), a.toJSON());
  const controller = new AbortController();
  controller.abort();
  assert.throws(() => new NaiveBayes().fit(csr(mnb.X), mnb.y, { seed: DEFAULT_SEED, signal: controller.signal }), CancelledError);
});

test('bad parameters and bad input are errors naming the parameter or the cell', () => {
  assert.throws(() => new NaiveBayes({ alpha: -1 }), /naive_bayes: alpha/);
  assert.throws(() => new NaiveBayes({ distribution: 'bernoulli' as never }), /naive_bayes: distribution/);
  assert.throws(() => new NaiveBayes({ fit_prior: 1 as never }), /naive_bayes: fit_prior/);
  assert.throws(() => new NaiveBayes({ var_smoothing: NaN }), /naive_bayes: var_smoothing/);
  assert.throws(() => new NaiveBayes({ smoothing: 1 } as never), /unknown parameter 'smoothing'/);
  assert.throws(
    () =>
      new NaiveBayes().fit(
        csr([
          [1, -2],
          [0, 1],
        ]),
        ['a', 'b'],
        { seed: DEFAULT_SEED },
      ),
    /row 0, feature 1 is -2/,
  );
  assert.throws(
    () =>
      new NaiveBayes().fit(
        dense([
          [1, NaN],
          [0, 1],
        ]),
        ['a', 'b'],
        { seed: DEFAULT_SEED },
      ),
    /row 0, feature 1 is NaN/,
  );
  assert.throws(() => new NaiveBayes().fit(csr([[1], [2]]), ['a', 'a'], { seed: DEFAULT_SEED }), /single class/);
  const model = new NaiveBayes();
  assert.throws(() => model.predict(csr([[1]])), /before fit/);
  model.fit(csr(mnb.X), mnb.y, { seed: DEFAULT_SEED });
  assert.throws(() => model.predict(csr([[1, 2]])), /fitted on 6 features, X has 2/);
});
