import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BINARY_LOG_LOSS,
  multinomialLogLoss,
  pairwiseSum,
  SQUARED_ERROR,
  sumTerms,
  WEIGHTED_SQUARED_ERROR,
  type BoostingLoss,
} from '../../../src/core/models/boosting/losses';
import { Random } from '../../../src/core/random';

test('gradient_boosting losses: lossAndGradients gives loss() and gradients() bit for bit, with and without weights', () => {
  const rng = new Random(21);
  const n = 500;
  const cases: [string, BoostingLoss, number][] = [
    ['squared error', SQUARED_ERROR, 0],
    ['weighted squared error', WEIGHTED_SQUARED_ERROR, 0],
    ['binary log loss', BINARY_LOG_LOSS, 2],
    ['multinomial log loss, 3 classes (written out)', multinomialLogLoss(3), 3],
    ['multinomial log loss', multinomialLogLoss(4), 4],
  ];
  for (const [name, loss, classes] of cases) {
    const K = loss.trees;
    const y = Float64Array.from({ length: n }, () => (classes > 0 ? Math.floor(rng.next() * classes) : rng.normal()));
    const raw = Float64Array.from({ length: n * K }, () => 3 * rng.normal());
    for (const weights of [undefined, Float64Array.from({ length: n }, () => rng.next() * 2)]) {
      const g1 = new Float32Array(n * K);
      const h1 = new Float32Array(n * K);
      loss.gradients(y, raw, weights, g1, h1);
      const expected = loss.loss(y, raw, weights);
      const g2 = new Float32Array(n * K);
      const h2 = new Float32Array(n * K);
      const got = loss.lossAndGradients(y, raw, weights, g2, h2);
      const label = `${name}, weights ${weights !== undefined}`;
      assert.equal(got, expected, label);
      assert.deepEqual(g2, g1, label);
      assert.deepEqual(h2, h1, label);
    }
  }
});

test('gradient_boosting losses: the loss is scikit-learn’s mean of log(1 + exp(x)) − y·x and of the softmax losses, to a few units in the last place, extreme scores included', () => {
  const rng = new Random(5);
  // Scores of every size, the extremes where exp overflows and where x + log(1 + e) would cancel included.
  const scores = [-800, -60, -37.5, -18.5, -18, -17.9, -5, -1e-9, 0, 1e-9, 3, 18, 33.4, 60, 800];
  for (let i = 0; i < 2000; i++) scores.push(8 * rng.normal());
  const n = scores.length;
  const raw = Float64Array.from(scores);
  const y = Float64Array.from(scores, () => (rng.next() < 0.5 ? 1 : 0));
  const weights = Float64Array.from(scores, () => rng.next() * 2);
  // log(1 + exp(x)) the textbook stable way: max(x, 0) + log1p(exp(−|x|)).
  const softplus = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  const terms = new Float64Array(n);
  for (const w of [undefined, weights]) {
    BINARY_LOG_LOSS.terms(y, raw, w, 0, n, terms);
    for (let i = 0; i < n; i++) {
      const expected = (w ? (w[i] as number) : 1) * (softplus(raw[i] as number) - (y[i] as number) * (raw[i] as number));
      const x = Math.abs(raw[i] as number);
      assert.ok(Math.abs((terms[i] as number) - expected) <= 8 * Number.EPSILON * Math.max(1, x), `x ${raw[i]}: ${terms[i]} vs ${expected}`);
    }
    let sum = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      sum += (w ? (w[i] as number) : 1) * (softplus(raw[i] as number) - (y[i] as number) * (raw[i] as number));
      total += w ? (w[i] as number) : 1;
    }
    const loss = BINARY_LOG_LOSS.loss(y, raw, w);
    assert.ok(Math.abs(loss - sum / total) < 1e-12 * Math.abs(sum / total), `binary loss ${loss} vs ${sum / total}`);
  }
  // Three classes: log Σ exp(raw_k) − raw_y, checked against the plain formula on moderate scores.
  const K = 3;
  const rows = 500;
  const raw3 = Float64Array.from({ length: rows * K }, () => 3 * rng.normal());
  const y3 = Float64Array.from({ length: rows }, () => Math.floor(rng.next() * K));
  let plain = 0;
  for (let i = 0; i < rows; i++) {
    let exps = 0;
    for (let k = 0; k < K; k++) exps += Math.exp(raw3[i * K + k] as number);
    plain += Math.log(exps) - (raw3[i * K + (y3[i] as number)] as number);
  }
  const loss3 = multinomialLogLoss(K).loss(y3, raw3, undefined);
  assert.ok(Math.abs(loss3 - plain / rows) < 1e-12, `multinomial loss ${loss3} vs ${plain / rows}`);
});

test('gradient_boosting losses: sumTerms sums as numpy’s np.average does (pairwise), whatever ranges the terms were written in', () => {
  const rng = new Random(8);
  const n = 100_003;
  const raw = Float64Array.from({ length: n }, () => 4 * rng.normal());
  const y = Float64Array.from({ length: n }, () => (rng.next() < 0.3 ? 1 : 0));
  const whole = new Float64Array(n);
  BINARY_LOG_LOSS.terms(y, raw, undefined, 0, n, whole);
  const pieces = new Float64Array(n);
  for (let from = 0; from < n; from += 7919) BINARY_LOG_LOSS.terms(y, raw, undefined, from, Math.min(n, from + 7919), pieces);
  assert.deepEqual(pieces, whole);
  assert.equal(sumTerms(whole, n, undefined), pairwiseSum(whole) / n);
  assert.equal(BINARY_LOG_LOSS.loss(y, raw, undefined), pairwiseSum(whole) / n);
  // A plain running sum rounds differently on this many terms: the test tells the two apart.
  let running = 0;
  for (let i = 0; i < n; i++) running += whole[i] as number;
  assert.notEqual(running / n, pairwiseSum(whole) / n);
});
