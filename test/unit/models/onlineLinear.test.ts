import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ElasticNet } from '../../../src/core/models/elasticNet';
import { Lasso } from '../../../src/core/models/lasso';
import { LinearRegression } from '../../../src/core/models/linearRegression';
import { LogisticRegression } from '../../../src/core/models/logisticRegression';
import { Ridge } from '../../../src/core/models/ridge';
import { CancelledError, isOnlineLearner, MlError } from '../../../src/core/types';
import type { EstimatorJSON, Regressor } from '../../../src/core/types';
import { assertClose, dense, reference, relativeError, toCsr } from './onlineFixtures';
import { DEFAULT_SEED } from '../../../src/core/random';

// Both sides do the same operations in the same order (sklearn's lazy weight scale included), so
// they agree to ~1e-15 (the regressors bit for bit); numpy's eager scaling in the softmax
// reference and its dot products account for the last bits.
const RTOL = 1e-12;

type RegressorModel = Regressor & { partialFit: Ridge['partialFit']; coef: Float64Array | undefined; intercept: number };

function loadRegressor(json: EstimatorJSON): RegressorModel {
  switch (json.type) {
    case 'linear_regression':
      return LinearRegression.fromJSON(json);
    case 'ridge':
      return Ridge.fromJSON(json);
    case 'lasso':
      return Lasso.fromJSON(json);
    case 'elastic_net':
      return ElasticNet.fromJSON(json);
    default:
      throw new Error(`unexpected ${json.type}`);
  }
}

function regressorJSON(c: (typeof reference.sgd_regressor.cases)[number], seen: number | undefined): EstimatorJSON {
  return {
    type: c.model ?? '',
    fit_intercept: true,
    max_iter: 1000,
    tol: 1e-4,
    selection: 'cyclic',
    ...c.params,
    coef: c.coef_before,
    intercept: c.intercept_before,
    n_samples_seen: seen,
  };
}

function logisticJSON(
  c: (typeof reference.sgd_classifier.cases)[number] | (typeof reference.softmax_sgd.cases)[number],
  seen: number | undefined,
  cols: number,
): EstimatorJSON {
  const intercepts = Array.isArray(c.intercept_before) ? c.intercept_before : [c.intercept_before];
  const weights = intercepts.flatMap((b, k) => [...c.coef_before.slice(k * cols, (k + 1) * cols), b]);
  return {
    type: 'logistic_regression',
    max_iter: 100,
    tol: 1e-4,
    fit_intercept: true,
    ...c.params,
    classes: c.classes,
    n_features: cols,
    weights,
    n_samples_seen: seen,
  };
}

test('linear regressors: one partialFit epoch matches SGDRegressor(learning_rate=constant, max_iter=1) from the batch solution', () => {
  const data = reference.sgd_regressor;
  const X = dense(data.X_B);
  const y = Float64Array.from(data.y_B);
  for (const c of data.cases) {
    const model = loadRegressor(regressorJSON(c, data.n_samples_seen_before));
    assert.ok(isOnlineLearner(model));
    model.partialFit(X, y, { learningRate: c.sgd?.eta0 });
    assertClose(model.coef ?? [], c.coef, RTOL, `${c.model}: coef`);
    assertClose([model.intercept], [c.intercept], RTOL, `${c.model}: intercept`);
    assert.equal(model.toJSON().n_samples_seen, data.n_samples_seen_before + X.rows);
  }
});

test('logistic regression (binary): one partialFit epoch matches SGDClassifier(loss=log_loss) for l2, l1 and none', () => {
  const data = reference.sgd_classifier;
  const X = dense(data.X_B);
  for (const c of data.cases) {
    const model = LogisticRegression.fromJSON(logisticJSON(c, data.n_samples_seen_before, X.cols));
    model.partialFit(X, data.y_B, { learningRate: c.eta0 });
    const what = `${String(c.params.penalty)} C=${String(c.params.C)}`;
    assertClose(model.coef[0] ?? [], c.coef, RTOL, `${what}: coef`, 1e-12);
    assertClose(model.intercept, [c.intercept], RTOL, `${what}: intercept`);
    if (c.params.penalty === 'l1')
      assert.ok(
        c.coef.some((v) => v === 0),
        'the l1 case keeps exact zeros',
      );
    if (c.params.penalty === 'l1')
      assert.deepEqual(
        Array.from(model.coef[0] ?? [], (v) => v === 0),
        c.coef.map((v) => v === 0),
      );
  }
});

test('logistic regression (multiclass): softmax SGD epoch matches the independent numpy re-implementation', () => {
  const data = reference.softmax_sgd;
  const X = dense(data.X_B);
  for (const c of data.cases) {
    const model = LogisticRegression.fromJSON(logisticJSON(c, data.n_samples_seen_before, X.cols));
    model.partialFit(X, data.y_B, { learningRate: c.eta0 });
    const what = `softmax ${String(c.params.penalty)}`;
    // numpy scales the weights eagerly where we (as sklearn) keep a lazy scale: a few ulps apart.
    assertClose(
      model.coef.flatMap((row) => Array.from(row)),
      c.coef,
      RTOL,
      `${what}: coef`,
      1e-12,
    );
    assertClose(model.intercept, c.intercept, RTOL, `${what}: intercept`);
  }
});

test('softmax step by hand: one row, two features, three classes, L2', () => {
  // W = 0, b = 0 → p = 1/3 each; row x = (1, 2), label 'b' (k = 1); eta = 0.5, C = 1, n = 3 + 1 → alpha = 1/4.
  const model = LogisticRegression.fromJSON({
    type: 'logistic_regression',
    penalty: 'l2',
    C: 1,
    max_iter: 100,
    tol: 1e-4,
    fit_intercept: true,
    classes: ['a', 'b', 'c'],
    n_features: 2,
    weights: [0, 0, 0, 0, 0, 0, 0, 0, 0],
    n_samples_seen: 3,
  });
  model.partialFit(dense([[1, 2]]), ['b'], { learningRate: 0.5 });
  // update_k = −0.5·(1/3 − [k = 1]): −1/6 for a and c, +1/3 for b; W_k = update_k·x (shrink of 0 is 0).
  const expected = [
    [-1 / 6, -2 / 6],
    [1 / 3, 2 / 3],
    [-1 / 6, -2 / 6],
  ];
  model.coef.forEach((row, k) => assertClose(row, expected[k] ?? [], 1e-15, `class ${k}`));
  assertClose(model.intercept, [-1 / 6, 1 / 3, -1 / 6], 1e-15, 'intercepts');
  // A second identical row: p = softmax(W x + b) from the updated weights, then shrink by 1 − eta·alpha
  // with alpha = 1/(C·5).
  const z = expected.map((w, k) => (w[0] ?? 0) + 2 * (w[1] ?? 0) + ([-1 / 6, 1 / 3, -1 / 6][k] ?? 0));
  const e = z.map(Math.exp);
  const sum = e.reduce((s, v) => s + v, 0);
  const shrink = 1 - 0.5 * (1 / 5);
  model.partialFit(dense([[1, 2]]), ['b'], { learningRate: 0.5 });
  const next = expected.map((w, k) => w.map((wj, j) => wj * shrink - 0.5 * ((e[k] ?? 0) / sum - (k === 1 ? 1 : 0)) * (j === 0 ? 1 : 2)));
  model.coef.forEach((row, k) => assertClose(row, next[k] ?? [], 1e-14, `second step, class ${k}`));
});

test('CSR and dense input give the same update (L2 and no penalty)', () => {
  const data = reference.sgd_regressor;
  const X = dense(data.X_B);
  const y = Float64Array.from(data.y_B);
  for (const c of data.cases.filter((k) => k.model === 'ridge' || k.model === 'linear_regression')) {
    const a = loadRegressor(regressorJSON(c, data.n_samples_seen_before));
    const b = loadRegressor(regressorJSON(c, data.n_samples_seen_before));
    a.partialFit(X, y);
    b.partialFit(toCsr(X), y);
    assert.ok(relativeError(b.coef ?? [], a.coef ?? []) < 1e-12);
  }
});

test('a failed update leaves the linear models unchanged: unknown label, wrong width, NaN, bad target', () => {
  const cls = reference.sgd_classifier;
  const c = cls.cases[0];
  assert.ok(c);
  const X = dense(cls.X_B.slice(0, 5));
  const model = LogisticRegression.fromJSON(logisticJSON(c, cls.n_samples_seen_before, X.cols));
  const saved = JSON.stringify(model.toJSON());
  const labels = cls.y_B.slice(0, 5);
  assert.throws(
    () => model.partialFit(X, [...labels.slice(0, 4), 'cyst']),
    (e: unknown) => e instanceof MlError && /"cyst"/.test(e.message),
  );
  assert.throws(() => model.partialFit(dense(cls.X_B.slice(0, 5).map((r) => r.slice(1))), labels), MlError);
  assert.throws(() => model.partialFit(dense(cls.X_B.slice(0, 5).map((r, i) => (i === 4 ? [NaN, ...r.slice(1)] : r))), labels), MlError);
  assert.throws(() => model.partialFit(X, labels, { learningRate: -1 }), MlError);
  const aborted = new AbortController();
  aborted.abort();
  assert.throws(() => model.partialFit(X, labels, { signal: aborted.signal }), CancelledError);
  assert.equal(JSON.stringify(model.toJSON()), saved);

  const reg = reference.sgd_regressor;
  for (const r of reg.cases) {
    const regressor = loadRegressor(regressorJSON(r, reg.n_samples_seen_before));
    const before = JSON.stringify(regressor.toJSON());
    const rows = dense(reg.X_B.slice(0, 5));
    assert.throws(() => regressor.partialFit(rows, Float64Array.from([1, 2, 3, 4, NaN])), MlError);
    assert.throws(() => regressor.partialFit(rows, ['1', '2', '3', '4', '5']), MlError);
    assert.throws(
      () => regressor.partialFit(rows, Float64Array.from([1, 2, 3, 4, 5]), { learningRate: 1e300 }),
      (e: unknown) => e instanceof MlError && /overflow/.test(e.message),
    );
    assert.throws(() => regressor.partialFit(dense(reg.X_B.slice(0, 5).map((row) => [...row, 0])), Float64Array.from([1, 2, 3, 4, 5])), MlError);
    assert.equal(JSON.stringify(regressor.toJSON()), before);
  }
});

test('n_samples_seen: set by fit, kept in JSON; an updated model round-trips; old JSON predicts but ridge/logistic ask to retrain', () => {
  const reg = reference.sgd_regressor;
  const X = dense(reg.X_B);
  const y = Float64Array.from(reg.y_B);
  const ridge = new Ridge({ alpha: 1 });
  ridge.fit(X, y, { seed: DEFAULT_SEED });
  assert.equal(ridge.toJSON().n_samples_seen, X.rows);
  ridge.partialFit(X, y);
  const restored = Ridge.fromJSON(JSON.parse(JSON.stringify(ridge.toJSON())) as EstimatorJSON);
  assert.deepEqual(restored.toJSON(), ridge.toJSON());
  assert.equal(restored.nSamplesSeen, 2 * X.rows);

  const { n_samples_seen: _seen, ...old } = ridge.toJSON();
  const oldRidge = Ridge.fromJSON(old);
  assert.deepEqual(oldRidge.predict(X), ridge.predict(X));
  assert.throws(
    () => oldRidge.partialFit(X, y),
    (e: unknown) => e instanceof MlError && /retrain/.test(e.message),
  );
  // Lasso's update does not depend on n, so an old lasso can still learn online.
  const lasso = new Lasso({ alpha: 1 });
  lasso.fit(X, y, { seed: DEFAULT_SEED });
  const { n_samples_seen: _n, ...oldLasso } = lasso.toJSON();
  const loaded = Lasso.fromJSON(oldLasso);
  loaded.partialFit(X, y);
  assert.equal(loaded.nSamplesSeen, undefined);

  const cls = reference.sgd_classifier;
  const c = cls.cases[0];
  assert.ok(c);
  const logistic = LogisticRegression.fromJSON(logisticJSON(c, undefined, X.cols === 0 ? 0 : (cls.X_B[0]?.length ?? 0)));
  const Xc = dense(cls.X_B);
  assert.ok(logistic.predict(Xc).length === Xc.rows);
  assert.throws(
    () => logistic.partialFit(Xc, cls.y_B),
    (e: unknown) => e instanceof MlError && /saved before online updates existed/.test(e.message),
  );
  const fitted = new LogisticRegression();
  fitted.fit(Xc, cls.y_B, { seed: DEFAULT_SEED });
  assert.equal(fitted.nSamplesSeen, Xc.rows);
  fitted.partialFit(Xc, cls.y_B);
  const again = LogisticRegression.fromJSON(JSON.parse(JSON.stringify(fitted.toJSON())) as EstimatorJSON);
  assert.deepEqual(again.toJSON(), fitted.toJSON());
  assert.equal(again.nSamplesSeen, 2 * Xc.rows);
});

test('a logistic regression fed a shifted concept in several updates gets more accurate on it', () => {
  // Concept 1: label 'pos' when x0 + x1 > 0. Concept 2 (drifted): 'pos' when x0 − x1 > 0.5.
  let state = 7;
  const uniform = (): number => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return (state / 2147483648) * 4 - 2;
  };
  const sample = (n: number, concept: (a: number, b: number) => boolean): { X: number[][]; y: string[] } => {
    const X: number[][] = [];
    const y: string[] = [];
    for (let i = 0; i < n; i++) {
      const row = [uniform(), uniform(), uniform()];
      X.push(row);
      y.push(concept(row[0] ?? 0, row[1] ?? 0) ? 'pos' : 'neg');
    }
    return { X, y };
  };
  const old = sample(400, (a, b) => a + b > 0);
  const shifted = (a: number, b: number): boolean => a - b > 0.5;
  const heldOut = sample(400, shifted);
  const model = new LogisticRegression({ C: 10 });
  model.fit(dense(old.X), old.y, { seed: DEFAULT_SEED });
  const accuracy = (): number => model.predict(dense(heldOut.X)).filter((label, i) => label === heldOut.y[i]).length / heldOut.X.length;
  const start = accuracy();
  const history = [start];
  for (let batch = 0; batch < 5; batch++) {
    const rows = sample(200, shifted);
    model.partialFit(dense(rows.X), rows.y, { learningRate: 0.05 });
    history.push(accuracy());
  }
  const end = history[history.length - 1] ?? 0;
  assert.ok(start < 0.7, `the old concept scores poorly on the new one (${start})`);
  assert.ok(end > 0.9 && end > start + 0.2, `accuracy went ${history.map((a) => a.toFixed(3)).join(' → ')}`);
});
