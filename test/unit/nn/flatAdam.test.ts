import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/core/nn/backend';
import { FlatAdam } from '../../../src/core/nn/flatAdam';
import { Random } from '../../../src/core/random';

test('FlatAdam takes the same steps as tfjs AdamOptimizer on several variables', async () => {
  await initBackend();
  const rng = new Random(5);
  const shapes = [[4, 3], [3], [3, 2], [2]];
  const start = shapes.map((shape) => Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()));
  const ours = start.map((values, i) => tf.variable(tf.tensor(values, shapes[i])));
  const theirs = start.map((values, i) => tf.variable(tf.tensor(values, shapes[i])));
  const flat = new FlatAdam(ours, 0.01, 0.9, 0.999, 1e-8);
  const adam = tf.train.adam(0.01, 0.9, 0.999, 1e-8);
  for (let step = 0; step < 5; step++) {
    const gradients = shapes.map((shape) =>
      tf.tensor(
        Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()),
        shape,
      ),
    );
    flat.applyGradients(gradients.map((tensor, i) => ({ name: (ours[i] as tf.Variable).name, tensor })));
    adam.applyGradients(gradients.map((tensor, i) => ({ name: (theirs[i] as tf.Variable).name, tensor })));
    gradients.forEach((g) => g.dispose());
  }
  ours.forEach((v, i) => {
    const a = v.dataSync();
    const b = (theirs[i] as tf.Variable).dataSync();
    for (let k = 0; k < a.length; k++) assert.ok(Math.abs((a[k] as number) - (b[k] as number)) < 1e-6, `variable ${i}[${k}]: ${a[k]} vs ${b[k]}`);
    assert.ok(Math.abs((a[0] as number) - (start[i]?.[0] as number)) > 1e-3, 'the variables moved');
  });
  flat.dispose();
  adam.dispose();
  [...ours, ...theirs].forEach((v) => v.dispose());
});
