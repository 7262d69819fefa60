/**
 * Custom tfjs layers of the transformer encoder (tfjs-layers has no attention layer). They are
 * registered with tf.serialization so a model saved in layers format loads again by class name.
 *
 * Layers that need the padding mask take `[hidden, tokenIds]` as inputs and derive it from
 * tokenIds != [PAD]; that is explicit and does not depend on tfjs's implicit mask propagation.
 */
import * as tf from '@tensorflow/tfjs';
import { PAD_ID } from './tokenizer';

type Kwargs = { [key: string]: unknown };
type Shape = (number | null)[];

/** Layers with dropout draw a fresh seed per call from here during training (set by the trainer). */
export interface SeededDropout {
  seedSource: (() => number) | undefined;
}

function dropout(x: tf.Tensor, rate: number, kwargs: Kwargs, layer: SeededDropout): tf.Tensor {
  if (kwargs.training !== true || rate <= 0) return x;
  return tf.dropout(x, rate, undefined, layer.seedSource?.());
}

/** 1 for real tokens, 0 for [PAD]: [batch, length] float32. */
function tokenMask(ids: tf.Tensor): tf.Tensor {
  return tf.cast(tf.notEqual(ids, PAD_ID), 'float32');
}

/** x·W + b over the last axis of a [batch, length, in] tensor. */
function dense3d(x: tf.Tensor, kernel: tf.LayerVariable, bias: tf.LayerVariable): tf.Tensor {
  const [batch, length, width] = x.shape as [number, number, number];
  const out = tf.add(tf.matMul(tf.reshape(x, [batch * length, width]), kernel.read() as tf.Tensor2D), bias.read());
  return tf.reshape(out, [batch, length, out.shape[1] as number]);
}

function layerNorm(x: tf.Tensor, gamma: tf.LayerVariable, beta: tf.LayerVariable): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-6))), gamma.read()), beta.read());
}

/**
 * gather() whose gradient is a scatterND (summing repeated ids): tfjs's own gather gradient needs
 * UnsortedSegmentSum, which the wasm backend lacks.
 */
function embeddingLookup(table: tf.Tensor, ids: tf.Tensor): tf.Tensor {
  // ids goes through save() so it outlives the forward pass's tidy scopes until the backward pass.
  const lookup = tf.customGrad((...args: (tf.Tensor | ((tensors: tf.Tensor[]) => void))[]) => {
    const [t, tokenIds, save] = args as [tf.Tensor, tf.Tensor, (tensors: tf.Tensor[]) => void];
    save([tokenIds]);
    return {
      value: tf.gather(t, tokenIds),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const kept = saved[0] as tf.Tensor;
        const updates = tf.reshape(dy as tf.Tensor, [-1, t.shape[1] as number]);
        return [tf.scatterND(tf.reshape(kept, [-1, 1]), updates, t.shape), tf.zerosLike(kept)];
      },
    };
  });
  return lookup(table, ids);
}

export interface EmbeddingConfig {
  vocabSize: number;
  maxLength: number;
  embedDim: number;
  seed: number;
  name?: string;
}

/** Token embedding plus learned position embedding: ids [batch, length] → [batch, length, embedDim]. */
export class TokenAndPositionEmbedding extends tf.layers.Layer {
  static className = 'MlwbTokenAndPositionEmbedding';
  private readonly config: EmbeddingConfig;
  private tokens!: tf.LayerVariable;
  private positions!: tf.LayerVariable;

  constructor(config: EmbeddingConfig) {
    super(config.name === undefined ? {} : { name: config.name });
    this.config = config;
  }

  override build(): void {
    const { vocabSize, maxLength, embedDim, seed } = this.config;
    this.tokens = this.addWeight('token_embeddings', [vocabSize, embedDim], 'float32', tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed }));
    this.positions = this.addWeight(
      'position_embeddings',
      [maxLength, embedDim],
      'float32',
      tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed: seed + 1 }),
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape): Shape {
    return [inputShape[0] ?? null, inputShape[1] ?? null, this.config.embedDim];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const ids = tf.cast(Array.isArray(inputs) ? (inputs[0] as tf.Tensor) : inputs, 'int32');
      const length = ids.shape[1] as number;
      const tokens = embeddingLookup(this.tokens.read(), ids);
      return tf.add(tokens, tf.slice(this.positions.read(), [0, 0], [length, this.config.embedDim]));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { name: _name, ...config } = this.config;
    return { ...super.getConfig(), ...config };
  }
}

export interface EncoderBlockConfig {
  embedDim: number;
  numHeads: number;
  ffDim: number;
  dropout: number;
  seed: number;
  name?: string;
}

/** Post-norm encoder block: LN(x + MHA(x)), then LN(x + FF(x)); inputs [hidden, tokenIds]. */
export class TransformerEncoderBlock extends tf.layers.Layer implements SeededDropout {
  static className = 'MlwbTransformerEncoderBlock';
  seedSource: (() => number) | undefined;
  private readonly config: EncoderBlockConfig;
  private w: Record<string, tf.LayerVariable> = {};

  constructor(config: EncoderBlockConfig) {
    super(config.name === undefined ? {} : { name: config.name });
    this.config = config;
  }

  override build(): void {
    const { embedDim: d, ffDim, seed } = this.config;
    let next = seed;
    const kernel = (name: string, shape: number[]): void => {
      this.w[name] = this.addWeight(name, shape, 'float32', tf.initializers.glorotUniform({ seed: next++ }));
    };
    const fill = (name: string, shape: number[], value: number): void => {
      this.w[name] = this.addWeight(name, shape, 'float32', value === 0 ? tf.initializers.zeros() : tf.initializers.ones());
    };
    for (const p of ['query', 'key', 'value', 'attention_output']) {
      kernel(`${p}_kernel`, [d, d]);
      fill(`${p}_bias`, [d], 0);
    }
    kernel('ff1_kernel', [d, ffDim]);
    fill('ff1_bias', [ffDim], 0);
    kernel('ff2_kernel', [ffDim, d]);
    fill('ff2_bias', [d], 0);
    for (const norm of ['norm1', 'norm2']) {
      fill(`${norm}_gamma`, [d], 1);
      fill(`${norm}_beta`, [d], 0);
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [...((Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const [x, ids] = inputs as tf.Tensor[];
      const w = (name: string): tf.LayerVariable => this.w[name] as tf.LayerVariable;
      const { embedDim: d, numHeads: h, dropout: rate } = this.config;
      const [batch, length] = (x as tf.Tensor).shape as [number, number, number];
      const headDim = d / h;
      const heads = (t: tf.Tensor): tf.Tensor => tf.transpose(tf.reshape(t, [batch, length, h, headDim]), [0, 2, 1, 3]);
      const q = heads(dense3d(x as tf.Tensor, w('query_kernel'), w('query_bias')));
      const k = heads(dense3d(x as tf.Tensor, w('key_kernel'), w('key_bias')));
      const v = heads(dense3d(x as tf.Tensor, w('value_kernel'), w('value_bias')));
      // Padding keys get a large negative score so softmax gives them no weight.
      const keyMask = tf.reshape(tokenMask(ids as tf.Tensor), [batch, 1, 1, length]);
      const scores = tf.add(tf.div(tf.matMul(q, k, false, true), Math.sqrt(headDim)), tf.mul(tf.sub(1, keyMask), -1e9));
      const attended = tf.reshape(tf.transpose(tf.matMul(tf.softmax(scores), v), [0, 2, 1, 3]), [batch, length, d]);
      const attention = dense3d(attended, w('attention_output_kernel'), w('attention_output_bias'));
      const x1 = layerNorm(tf.add(x as tf.Tensor, dropout(attention, rate, kwargs, this)), w('norm1_gamma'), w('norm1_beta'));
      const ff = dense3d(tf.relu(dense3d(x1, w('ff1_kernel'), w('ff1_bias'))), w('ff2_kernel'), w('ff2_bias'));
      return layerNorm(tf.add(x1, dropout(ff, rate, kwargs, this)), w('norm2_gamma'), w('norm2_beta'));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { name: _name, ...config } = this.config;
    return { ...super.getConfig(), ...config };
  }
}

export interface PoolingConfig {
  pooling: 'mean' | 'cls';
  dropout: number;
  name?: string;
}

/** Mean over real (non-[PAD]) tokens, or the [CLS] position; then dropout. Inputs [hidden, tokenIds]. */
export class SequencePooling extends tf.layers.Layer implements SeededDropout {
  static className = 'MlwbSequencePooling';
  seedSource: (() => number) | undefined;
  private readonly config: PoolingConfig;

  constructor(config: PoolingConfig) {
    super(config.name === undefined ? {} : { name: config.name });
    this.config = config;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [shape[0] ?? null, shape[2] ?? null];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const [x, ids] = inputs as [tf.Tensor, tf.Tensor];
      let pooled: tf.Tensor;
      if (this.config.pooling === 'cls') {
        pooled = tf.squeeze(tf.slice(x, [0, 0, 0], [-1, 1, -1]), [1]);
      } else {
        const mask = tf.expandDims(tokenMask(ids), 2);
        pooled = tf.div(tf.sum(tf.mul(x, mask), 1), tf.maximum(tf.sum(mask, 1), 1));
      }
      return dropout(pooled, this.config.dropout, kwargs, this);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { name: _name, ...config } = this.config;
    return { ...super.getConfig(), ...config };
  }
}

tf.serialization.registerClass(TokenAndPositionEmbedding);
tf.serialization.registerClass(TransformerEncoderBlock);
tf.serialization.registerClass(SequencePooling);
