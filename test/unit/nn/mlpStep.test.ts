import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/core/nn/backend';
import { mlpGradients, type DenseVariables, type MlpStepOptions } from '../../../src/core/nn/mlpStep';
import { Random } from '../../../src/core/random';

// The hand-written backward pass is checked against tfjs's own autodiff (tf.variableGrads) of the same loss.
const ROWS = 12;
const SIZES = [5, 7, 6, 3];

function makeLayers(seed: number): DenseVariables[] {
  const rng = new Random(seed);
  const layers: DenseVariables[] = [];
  for (let i = 0; i + 1 < SIZES.length; i++) {
    const fanIn = SIZES[i] as number;
    const fanOut = SIZES[i + 1] as number;
    layers.push({
      kernel: tf.variable(
        tf.tensor2d(
          Float32Array.from({ length: fanIn * fanOut }, () => rng.normal() * 0.7),
          [fanIn, fanOut],
        ),
      ),
      bias: tf.variable(tf.tensor1d(Float32Array.from({ length: fanOut }, () => rng.normal() * 0.3))),
    });
  }
  return layers;
}

const activations = { relu: tf.relu, tanh: tf.tanh, logistic: tf.sigmoid } as const;

for (const [activation, alpha, l1, task] of [
  ['relu', 0.01, 0, 'classification'],
  ['tanh', 0, 0.003, 'classification'],
  ['logistic', 0.05, 0.001, 'classification'],
  ['relu', 0.02, 0, 'regression'],
] as const) {
  test(`gradients equal tfjs autodiff: ${activation}, alpha ${alpha}, l1 ${l1}, ${task}`, async () => {
    await initBackend();
    const rng = new Random(3);
    const x = tf.tensor2d(
      Float32Array.from({ length: ROWS * (SIZES[0] as number) }, () => rng.normal()),
      [ROWS, SIZES[0] as number],
    );
    const rows = Array.from({ length: ROWS }, (_, i) => i);
    const classes = Int32Array.from(rows, (i) => i % 3);
    const targets = Float32Array.from(rows, () => rng.normal());
    const layers = makeLayers(11);
    const outputLoss = (out: tf.Tensor2D): tf.Scalar =>
      task === 'classification'
        ? (tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(classes, 'int32'), 3), out) as tf.Scalar)
        : (tf.mul(0.5, tf.losses.meanSquaredError(tf.tensor2d(targets, [ROWS, 1]), tf.slice(out, [0, 0], [ROWS, 1]))) as tf.Scalar);
    const options: Omit<MlpStepOptions, 'optimizer'> = {
      layers,
      activation,
      dropout: 0,
      alpha,
      l1,
      rng,
      outputGradient: (out) => {
        // The gradient comes from tfjs too, so this test checks the hidden layers' backward pass and the penalties.
        const { value, grad } = tf.valueAndGrad((o: tf.Tensor) => outputLoss(o as tf.Tensor2D))(out);
        return { loss: value as tf.Scalar, gradient: grad as tf.Tensor2D };
      },
    };
    const ours = mlpGradients(x, rows, options);
    const reference = tf.variableGrads(
      () => {
        let h: tf.Tensor2D = x;
        layers.forEach((layer, i) => {
          h = tf.add(tf.matMul(h, layer.kernel as tf.Tensor2D), layer.bias) as tf.Tensor2D;
          if (i + 1 < layers.length) h = activations[activation](h) as tf.Tensor2D;
        });
        let loss = outputLoss(h);
        const kernels = layers.map((l) => l.kernel);
        if (alpha > 0) loss = tf.add(loss, tf.mul(alpha / (2 * ROWS), tf.addN(kernels.map((k) => tf.sum(tf.square(k))))));
        if (l1 > 0) loss = tf.add(loss, tf.mul(l1, tf.addN(kernels.map((k) => tf.sum(tf.abs(k))))));
        return loss;
      },
      layers.flatMap((l) => [l.kernel, l.bias]),
    );
    assert.ok(Math.abs((ours.loss.dataSync()[0] as number) - (reference.value.dataSync()[0] as number)) < 1e-5);
    assert.equal(ours.gradients.length, 2 * layers.length);
    for (const { name, tensor } of ours.gradients) {
      const expected = reference.grads[name];
      assert.ok(expected, `no reference gradient for ${name}`);
      const a = tensor.dataSync();
      const b = expected.dataSync();
      assert.equal(a.length, b.length);
      for (let k = 0; k < a.length; k++) assert.ok(Math.abs((a[k] as number) - (b[k] as number)) < 1e-5, `${name}[${k}]: ${a[k]} vs ${b[k]}`);
    }
    ours.loss.dispose();
    ours.gradients.forEach((g) => g.tensor.dispose());
    reference.value.dispose();
    Object.values(reference.grads).forEach((g) => g.dispose());
    layers.forEach((l) => {
      l.kernel.dispose();
      l.bias.dispose();
    });
    x.dispose();
  });
}
