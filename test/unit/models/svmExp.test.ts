import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expNonPositive } from '../../../src/core/models/kernel/exp';
import { Random } from '../../../src/core/random';

test('svm kernel exp: bit-identical to Math.exp over the rbf argument range and at the branch edges', () => {
  const random = new Random(3);
  const edges = [
    0,
    -0,
    -1e-300,
    -(2 ** -28),
    -(2 ** -28) * 0.999999,
    -0.3465735902799726,
    -0.34657359027997264,
    -1.0397207708399179,
    -1.039720770839918,
    -Math.LN2,
    -700,
    -700.0000001,
    -745,
    -800,
    0.5,
    Number.NEGATIVE_INFINITY,
  ];
  for (const x of edges) assert.ok(Object.is(expNonPositive(x), Math.exp(x)), `exp(${x}): ${expNonPositive(x)} vs ${Math.exp(x)}`);
  for (let n = 0; n < 200_000; n++) {
    const x = -random.next() * [1e-6, 0.01, 1, 10, 100, 800][n % 6]!;
    if (expNonPositive(x) !== Math.exp(x)) assert.fail(`exp(${x}): ${expNonPositive(x)} vs ${Math.exp(x)}`);
  }
});
