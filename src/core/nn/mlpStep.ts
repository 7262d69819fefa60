/**
 * One MLP training step with hand-written backpropagation instead of tfjs's gradient tape.
 * Why: the wasm backend runs a matMul with transposeA/transposeB on a slow non-XNNPACK path
 * (~3.5× the time of an explicit transpose plus a plain matMul), and the tape's bookkeeping adds a
 * fixed cost per op; a dense net's gradients are a handful of plain matMuls, so writing them out is cheap.
 */
import * as tf from '@tensorflow/tfjs';
import type { Random } from '../random';
import type { Matrix } from '../types';
import { FlatAdam } from './flatAdam';
import { batchSource } from './tensors';
import { nextSeed } from './training';

export interface DenseVariables {
  readonly kernel: tf.Variable;
  readonly bias: tf.Variable;
}

/** The mean data loss of a batch and its gradient with respect to the network's outputs. */
export interface OutputGradient {
  readonly loss: tf.Scalar;
  readonly gradient: tf.Tensor2D;
}

export interface MlpStepOptions {
  /** Hidden layers first, the output layer last. */
  readonly layers: readonly DenseVariables[];
  readonly activation: 'relu' | 'tanh' | 'logistic';
  readonly dropout: number;
  readonly alpha: number;
  readonly l1: number;
  /** Takes the gradients in layer order (kernel, bias per layer), as FlatAdam and tf.Optimizer do. */
  readonly optimizer: { applyGradients(gradients: { name: string; tensor: tf.Tensor }[]): void };
  readonly rng: Random;
  /** Called inside tf.tidy with the output layer's values. */
  readonly outputGradient: (outputs: tf.Tensor2D, rows: readonly number[]) => OutputGradient;
}

function dense(h: tf.Tensor2D, kernel: tf.Variable, bias: tf.Variable, activation: 'linear' | 'relu' | 'sigmoid'): tf.Tensor2D {
  return tf.fused.matMul({ a: h, b: kernel as tf.Tensor2D, bias, activation }) as tf.Tensor2D;
}

/** Derivative of the activation written in terms of its output h. */
function activationGradient(activation: MlpStepOptions['activation'], h: tf.Tensor2D, dh: tf.Tensor2D): tf.Tensor2D {
  return activationFactor(activation, h, dh) as tf.Tensor2D;
}

function activationFactor(activation: MlpStepOptions['activation'], h: tf.Tensor2D, dh: tf.Tensor2D): tf.Tensor {
  if (activation === 'relu') return tf.mul(dh, tf.step(h));
  if (activation === 'tanh') return tf.mul(dh, tf.sub(1, tf.square(h)));
  return tf.mul(dh, tf.mul(h, tf.sub(1, h)));
}

/** Applies one optimizer step to the layers for the batch `x` (rows of the training set); returns the batch loss (caller disposes). */
export function mlpTrainStep(x: tf.Tensor2D, rows: readonly number[], options: MlpStepOptions): tf.Scalar {
  const { loss, gradients } = mlpGradients(x, rows, options);
  options.optimizer.applyGradients(gradients);
  gradients.forEach((g) => g.tensor.dispose());
  return loss;
}

/** The batch loss (data loss plus penalties) and its gradient for each kernel and bias, in layer order; the caller disposes them. */
export function mlpGradients(
  x: tf.Tensor2D,
  rows: readonly number[],
  options: Omit<MlpStepOptions, 'optimizer'>,
): { loss: tf.Scalar; gradients: { name: string; tensor: tf.Tensor }[] } {
  const { layers, activation, dropout, alpha, l1, rng } = options;
  const n = rows.length;
  const hidden = layers.length - 1;
  return tf.tidy(() => {
    // inputs[i] is what layer i sees; masks[i] the dropout mask applied to hidden layer i's output.
    const inputs: tf.Tensor2D[] = [x];
    const outputs: tf.Tensor2D[] = [];
    const masks: (tf.Tensor2D | undefined)[] = [];
    let h = x;
    for (let i = 0; i < hidden; i++) {
      const { kernel, bias } = layers[i] as DenseVariables;
      // XNNPACK applies relu and sigmoid inside the matMul; tanh is not among its fused activations.
      if (activation === 'tanh') h = tf.tanh(dense(h, kernel, bias, 'linear'));
      else h = dense(h, kernel, bias, activation === 'relu' ? 'relu' : 'sigmoid');
      outputs.push(h);
      let mask: tf.Tensor2D | undefined;
      if (dropout > 0) {
        const keep = tf.greaterEqual(tf.randomUniform(h.shape, 0, 1, 'float32', nextSeed(rng)), dropout);
        mask = tf.div(tf.cast(keep, 'float32'), 1 - dropout) as tf.Tensor2D;
        h = tf.mul(h, mask) as tf.Tensor2D;
      }
      masks.push(mask);
      inputs.push(h);
    }
    const last = layers[hidden] as DenseVariables;
    const out = dense(h, last.kernel, last.bias, 'linear');
    const data = options.outputGradient(out, rows);
    let total: tf.Scalar = data.loss;
    if (alpha > 0) total = tf.add(total, tf.mul(alpha / (2 * n), tf.addN(layers.map((l) => tf.sum(tf.square(l.kernel))))));
    if (l1 > 0) total = tf.add(total, tf.mul(l1, tf.addN(layers.map((l) => tf.sum(tf.abs(l.kernel))))));

    const named: { name: string; tensor: tf.Tensor }[] = [];
    // Column sums as a [1, n] × [n, units] matMul: XNNPACK's gemm beats the wasm axis-0 reduction (a transpose, then a sum).
    const ones = tf.ones([1, n]) as tf.Tensor2D;
    let delta = data.gradient;
    for (let i = hidden; i >= 0; i--) {
      const { kernel, bias } = layers[i] as DenseVariables;
      let dW: tf.Tensor = tf.matMul(tf.transpose(inputs[i] as tf.Tensor2D), delta as tf.Tensor2D);
      if (alpha > 0) dW = tf.add(dW, tf.mul(alpha / n, kernel));
      if (l1 > 0) dW = tf.add(dW, tf.mul(l1, tf.sign(kernel)));
      // Prepending keeps the variables' order (kernel, bias per layer), which Adam's per-index moments rely on.
      named.unshift({ name: kernel.name, tensor: dW }, { name: bias.name, tensor: tf.reshape(tf.matMul(ones, delta), [-1]) });
      if (i > 0) {
        let dh: tf.Tensor2D = tf.matMul(delta, tf.transpose(kernel as tf.Tensor2D));
        const mask = masks[i - 1];
        if (mask) dh = tf.mul(dh, mask) as tf.Tensor2D;
        delta = activationGradient(activation, outputs[i - 1] as tf.Tensor2D, dh);
      }
    }
    return { loss: total, gradients: named };
  });
}

/** The kernel and bias variables of each dense layer of a network, in layer order. */
export function denseLayers(model: tf.LayersModel): DenseVariables[] {
  return model.layers.map((layer) => {
    const [kernel, bias] = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    return { kernel: kernel as tf.Variable, bias: bias as tf.Variable };
  });
}

/** A fresh Adam over the layers and a training step on batches of X's rows; what fit and partialFit share. */
export interface MlpStepper {
  /** One Adam step on these rows of X; returns the batch loss (caller disposes). */
  step(rows: readonly number[]): tf.Scalar;
  /** Frees the optimizer's moments. */
  dispose(): void;
}

/** Sets up mlpTrainStep with a new FlatAdam (β1 0.9, β2 0.999, ε 1e-8) at `learningRate` over the layers. */
export function mlpStepper(X: Matrix, learningRate: number, options: Omit<MlpStepOptions, 'optimizer'>): MlpStepper {
  const batch = batchSource(X);
  const optimizer = new FlatAdam(
    options.layers.flatMap((l) => [l.kernel, l.bias]),
    learningRate,
    0.9,
    0.999,
    1e-8,
  );
  const stepOptions: MlpStepOptions = { ...options, optimizer };
  return {
    step(rows) {
      const x = batch(rows);
      try {
        return mlpTrainStep(x, rows, stepOptions);
      } finally {
        x.dispose();
      }
    },
    dispose: () => optimizer.dispose(),
  };
}
