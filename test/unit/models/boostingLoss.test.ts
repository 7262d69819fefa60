import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BINARY_LOG_LOSS, multinomialLogLoss, SQUARED_ERROR, WEIGHTED_SQUARED_ERROR, type BoostingLoss } from '../../../src/core/models/boosting/losses';
import { Random } from '../../../src/core/random';

test('gradient_boosting losses: lossAndGradients gives loss() and gradients() bit for bit, with and without weights', () => {
  const rng = new Random(21);
  const n = 500;
  const cases: [string, BoostingLoss, number][] = [
    ['squared error', SQUARED_ERROR, 0],
    ['weighted squared error', WEIGHTED_SQUARED_ERROR, 0],
    ['binary log loss', BINARY_LOG_LOSS, 2],
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
