import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NaiveBayes } from '../../../src/core/models/naiveBayes';
import { isOnlineLearner, MlError } from '../../../src/core/types';
import type { EstimatorJSON } from '../../../src/core/types';
import { assertClose, dense, reference, toCsr } from './onlineFixtures';
import { DEFAULT_SEED } from '../../../src/core/random';

// Sums are taken in a different order than numpy's pairwise sums, so the last bits can differ.
const RTOL = 1e-12;

test('multinomial partialFit matches sklearn MultinomialNB.partial_fit (counts, log probabilities, priors)', () => {
  for (const c of reference.multinomial_nb) {
    const model = new NaiveBayes({ distribution: 'multinomial', alpha: c.params.alpha, fit_prior: c.params.fit_prior });
    model.fit(dense(c.X_A), c.y_A, { seed: DEFAULT_SEED });
    assert.deepEqual(model.classes, c.classes);
    const saved = model.toJSON();
    assert.deepEqual(saved.class_count, c.before.class_count);
    assertClose(saved.feature_count ?? [], c.before.feature_count ?? [], 0, 'feature_count after fit');
    model.partialFit(dense(c.X_B), c.y_B);
    const after = model.toJSON();
    assert.deepEqual(after.class_count, c.class_count);
    assertClose(after.feature_count ?? [], c.feature_count ?? [], 0, 'feature_count');
    assertClose(after.feature_log_prob ?? [], c.feature_log_prob ?? [], RTOL, 'feature_log_prob');
    assertClose(after.class_log_prior, c.class_log_prior ?? [], RTOL, 'class_log_prior');
    assertClose(model.predictProba(dense(c.X_B)).data, c.proba_B, 1e-8, 'predict_proba', 1e-12);
  }
});

test('multinomial fit(A) then partialFit(B) equals fit(A ∪ B), dense and CSR', () => {
  const c = reference.multinomial_nb[0];
  assert.ok(c);
  const online = new NaiveBayes({ distribution: 'multinomial' });
  online.fit(toCsr(dense(c.X_A)), c.y_A, { seed: DEFAULT_SEED });
  online.partialFit(toCsr(dense(c.X_B)), c.y_B);
  const batch = new NaiveBayes({ distribution: 'multinomial' });
  batch.fit(dense([...c.X_A, ...c.X_B]), [...c.y_A, ...c.y_B], { seed: DEFAULT_SEED });
  const a = online.toJSON();
  const b = batch.toJSON();
  assert.deepEqual(a.class_count, b.class_count);
  assertClose(a.feature_count ?? [], b.feature_count ?? [], 0, 'feature_count');
  assertClose(a.feature_log_prob ?? [], b.feature_log_prob ?? [], 1e-15, 'feature_log_prob', 1e-12);
  assertClose(a.class_log_prior, b.class_log_prior, 1e-15, 'class_log_prior');
});

test('gaussian partialFit matches sklearn GaussianNB.partial_fit, including a batch that lacks a class', () => {
  assert.ok(reference.gaussian_nb.some((c) => new Set(c.y_B).size < c.classes.length));
  for (const c of reference.gaussian_nb) {
    const model = new NaiveBayes({ distribution: 'gaussian', var_smoothing: c.params.var_smoothing });
    model.fit(dense(c.X_A), c.y_A, { seed: DEFAULT_SEED });
    const before = model.toJSON();
    assertClose(before.theta ?? [], c.before.theta ?? [], RTOL, `${c.name}: theta after fit`);
    assertClose(before.var ?? [], c.before.var ?? [], RTOL, `${c.name}: var after fit`);
    assertClose([before.epsilon ?? NaN], [c.before.epsilon ?? 0], RTOL, `${c.name}: epsilon after fit`);
    model.partialFit(dense(c.X_B), c.y_B);
    const after = model.toJSON();
    assert.deepEqual(after.class_count, c.class_count, `${c.name}: class_count`);
    assertClose(after.theta ?? [], c.theta ?? [], RTOL, `${c.name}: theta`);
    assertClose(after.var ?? [], c.var ?? [], RTOL, `${c.name}: var`);
    assertClose([after.epsilon ?? NaN], [c.epsilon ?? 0], RTOL, `${c.name}: epsilon`);
    const total = c.class_count.reduce((s, n) => s + n, 0);
    assertClose(
      after.class_log_prior,
      c.class_count.map((n) => Math.log(n / total)),
      1e-14,
      `${c.name}: prior`,
    );
    assertClose(model.predictProba(dense(c.X_B)).data, c.proba_B, 1e-7, `${c.name}: predict_proba`, 1e-9);
  }
});

test('a failed update leaves the model unchanged: unknown label, wrong width, NaN, negative count', () => {
  for (const c of [reference.multinomial_nb[0], reference.gaussian_nb[0]]) {
    assert.ok(c);
    const model = new NaiveBayes({ distribution: c === reference.multinomial_nb[0] ? 'multinomial' : 'gaussian' });
    model.fit(dense(c.X_A), c.y_A, { seed: DEFAULT_SEED });
    assert.ok(isOnlineLearner(model));
    const saved = JSON.stringify(model.toJSON());
    const rows = c.X_B.slice(0, 4);
    const labels = c.y_B.slice(0, 4);
    assert.throws(
      () => model.partialFit(dense(rows), [...labels.slice(0, 3), 'unicorn']),
      (e: unknown) => e instanceof MlError && /"unicorn"/.test(e.message),
    );
    assert.throws(() => model.partialFit(dense(rows.map((r) => r.slice(1))), labels), MlError);
    const withNaN = rows.map((r, i) => (i === 3 ? [NaN, ...r.slice(1)] : r));
    assert.throws(() => model.partialFit(dense(withNaN), labels), MlError);
    const negative = rows.map((r, i) => (i === 3 ? [-1, ...r.slice(1)] : r));
    if (model.distribution === 'multinomial') assert.throws(() => model.partialFit(dense(negative), labels), MlError);
    assert.throws(() => model.partialFit(dense(rows), labels.slice(1)), MlError);
    assert.equal(JSON.stringify(model.toJSON()), saved);
  }
});

test('the statistics survive a JSON round trip, and an updated model round-trips', () => {
  for (const c of [reference.multinomial_nb[0], reference.gaussian_nb[0]]) {
    assert.ok(c);
    const model = new NaiveBayes({ distribution: c === reference.multinomial_nb[0] ? 'multinomial' : 'gaussian' });
    model.fit(dense(c.X_A), c.y_A, { seed: DEFAULT_SEED });
    const restored = NaiveBayes.fromJSON(JSON.parse(JSON.stringify(model.toJSON())) as EstimatorJSON);
    restored.partialFit(dense(c.X_B), c.y_B);
    model.partialFit(dense(c.X_B), c.y_B);
    assert.deepEqual(restored.toJSON(), model.toJSON());
    const again = NaiveBayes.fromJSON(JSON.parse(JSON.stringify(model.toJSON())) as EstimatorJSON);
    assert.deepEqual(again.toJSON(), model.toJSON());
    assert.deepEqual(again.predict(dense(c.X_B)), model.predict(dense(c.X_B)));
  }
});

test('a model saved before online updates still predicts, but partialFit asks for retraining', () => {
  for (const c of [reference.multinomial_nb[0], reference.gaussian_nb[0]]) {
    assert.ok(c);
    const model = new NaiveBayes({ distribution: c === reference.multinomial_nb[0] ? 'multinomial' : 'gaussian' });
    model.fit(dense(c.X_A), c.y_A, { seed: DEFAULT_SEED });
    const { class_count: _c, feature_count: _f, epsilon: _e, ...old } = model.toJSON();
    const loaded = NaiveBayes.fromJSON(old);
    assert.deepEqual(loaded.predict(dense(c.X_B)), model.predict(dense(c.X_B)));
    assert.throws(
      () => loaded.partialFit(dense(c.X_B), c.y_B),
      (e: unknown) => e instanceof MlError && /saved before online updates existed/.test(e.message) && /retrain/.test(e.message),
    );
    assert.equal(loaded.toJSON().class_count, undefined);
  }
});
