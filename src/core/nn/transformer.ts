/**
 * Transformer encoder text classifier (`transformer`) on TensorFlow.js: word tokens → token and
 * position embeddings → `num_layers` self-attention blocks → pooling → softmax head.
 *
 * Unlike the matrix models it takes raw text: `fit(texts, y, options)`, `predict(texts)`. The
 * experiment runner should skip the `text` preparation step's vectoriser for this model and pass
 * the raw column named by the `text` step's `column` (or the table's only text column) as
 * `string[]`, with the labels as `string[]`; other feature columns are not used.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { Random } from '../random';
import type { DenseMatrix, EstimatorJSON, FitOptions } from '../types';
import { MlError } from '../types';
import { initBackend } from './backend';
import { fileHandler } from './fsIo';
import type { ModelDefinition } from '../models/spec';
import { argmaxLabels } from '../models/targets';
import { decodeWeights, denseMatrix, encodeWeights, type EncodedWeight } from './tensors';
import { WordTokenizer, type TokenizerJSON } from './tokenizer';
import { ARCHITECTURE, resolveTransformerParams, TRANSFORMER_SPEC, type TransformerParams } from './transformerParams';
import { nextSeed, trainWithAdam, type TrainLoopResult } from './training';
import { SequencePooling, TokenAndPositionEmbedding, TransformerEncoderBlock, type SeededDropout } from './transformerLayers';

export { resolveTransformerParams, TRANSFORMER_SPEC, type TransformerParams } from './transformerParams';

const EMBEDDING = 'embedding';
const encoderName = (i: number): string => `encoder_${i}`;

/** Builds the functional model; layer names are what pretrained weights are matched by. */
function buildModel(p: TransformerParams, vocabSize: number, classes: number, rng: Random, zeroHead = false): tf.LayersModel {
  const ids = tf.input({ shape: [p.max_length], dtype: 'int32', name: 'token_ids' });
  let x = new TokenAndPositionEmbedding({ vocabSize, maxLength: p.max_length, embedDim: p.embed_dim, seed: nextSeed(rng), name: EMBEDDING }).apply(
    ids,
  ) as tf.SymbolicTensor;
  for (let i = 0; i < p.num_layers; i++) {
    const block = new TransformerEncoderBlock({
      embedDim: p.embed_dim,
      numHeads: p.num_heads,
      ffDim: p.ff_dim,
      dropout: p.dropout,
      seed: nextSeed(rng),
      name: encoderName(i),
    });
    x = block.apply([x, ids]) as tf.SymbolicTensor;
  }
  const pooled = new SequencePooling({ pooling: p.pooling, dropout: p.dropout, name: 'pooling' }).apply([x, ids]) as tf.SymbolicTensor;
  const logits = tf.layers
    .dense({ units: classes, name: 'head', kernelInitializer: zeroHead ? tf.initializers.zeros() : tf.initializers.glorotUniform({ seed: nextSeed(rng) }) })
    .apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: ids, outputs: logits, name: 'transformer' });
}

interface SavedMeta extends EstimatorJSON {
  params: Record<string, unknown>;
  classes: string[];
  tokenizer: TokenizerJSON;
}

/** Reads a folder written by saveTo: the metadata and the loaded tfjs model (caller disposes it). */
async function readSaved(dir: string): Promise<{ meta: SavedMeta; model: tf.LayersModel }> {
  if (!existsSync(path.join(dir, 'model.json'))) throw new MlError(`transformer: ${dir} holds no model.json (tfjs layers format)`);
  await initBackend();
  const model = await tf.loadLayersModel(fileHandler(dir));
  const meta = (model.getUserDefinedMetadata() as { mlwb?: SavedMeta } | undefined)?.mlwb;
  if (!meta || meta.type !== 'transformer') {
    model.dispose();
    throw new MlError(`transformer: ${dir} was not saved by ML Workbench's transformer (its vocabulary is missing)`);
  }
  return { meta, model };
}

/** Text classifier; see the file comment for how the runner calls it. */
export class TransformerClassifier {
  readonly type = 'transformer';
  params: TransformerParams;
  classes: string[] = [];
  history: TrainLoopResult | undefined;
  private tokenizer: WordTokenizer | undefined;
  private model: tf.LayersModel | undefined;

  constructor(params: Readonly<Record<string, unknown>> = {}) {
    this.params = resolveTransformerParams(params);
  }

  /** Fits on raw texts and their string labels. */
  async fit(texts: readonly string[], y: readonly string[], options: FitOptions): Promise<void> {
    if (texts.length === 0) throw new MlError('transformer: no training texts');
    if (texts.length !== y.length) throw new MlError(`transformer: ${texts.length} texts but ${y.length} labels`);
    await initBackend();
    const rng = new Random(options.seed);
    this.dispose();
    this.classes = [...new Set(y)].sort();
    if (this.classes.length < 2) throw new MlError(`transformer: the target has a single class ('${this.classes[0] ?? ''}'); a classifier needs at least two`);

    const pretrained = this.params.pretrained === null ? undefined : await readSaved(this.params.pretrained);
    try {
      if (pretrained) {
        const saved = resolveTransformerParams(pretrained.meta.params);
        this.params = { ...this.params, ...Object.fromEntries(ARCHITECTURE.map((key) => [key, saved[key]])) };
        this.tokenizer = WordTokenizer.fromJSON(pretrained.meta.tokenizer);
      } else {
        this.tokenizer = WordTokenizer.build(texts, this.params.vocab_size, this.params.lowercase);
      }
      // On top of a trained encoder a zero head starts at chance (log k) instead of at a random
      // guess that is confidently wrong, so the first epochs go to learning, not unlearning.
      this.model = buildModel(this.params, this.tokenizer.size, this.classes.length, rng, pretrained !== undefined);
      if (pretrained) copyEncoderWeights(pretrained.model, this.model, this.params.num_layers);
    } finally {
      pretrained?.model.dispose();
    }

    const p = this.params;
    const model = this.model;
    const maxLength = p.max_length;
    const ids = this.tokenizer.encodeAll(texts, maxLength);
    const index = new Map(this.classes.map((c, i) => [c, i]));
    const labels = Int32Array.from(y, (label) => index.get(label) as number);
    for (const layer of dropoutLayers(model)) layer.seedSource = () => nextSeed(rng);
    const frozen = pretrained !== undefined && p.freeze_encoder;
    const trainable = model.layers.filter((layer) => !frozen || layer.name === 'head').flatMap((layer) => layer.trainableWeights);

    const batchLoss = (rows: readonly number[]): tf.Scalar => {
      const batchIds = new Int32Array(rows.length * maxLength);
      rows.forEach((r, i) => batchIds.set(ids.subarray(r * maxLength, (r + 1) * maxLength), i * maxLength));
      const logits = model.apply(tf.tensor2d(batchIds, [rows.length, maxLength], 'int32'), { training: true }) as tf.Tensor;
      const target = tf.oneHot(
        tf.tensor1d(
          rows.map((r) => labels[r] as number),
          'int32',
        ),
        this.classes.length,
      );
      return tf.losses.softmaxCrossEntropy(target, logits) as tf.Scalar;
    };
    try {
      this.history = await trainWithAdam(
        p.learning_rate_init,
        {
          epochs: p.epochs,
          batchSize: Math.min(p.batch_size, texts.length),
          trainRows: Array.from({ length: texts.length }, (_, i) => i),
          validationRows: [],
          rng,
          variables: trainable.map((w) => w.read() as tf.Variable),
          batchLoss,
          nIterNoChange: 0,
          tol: 0,
          earlyStopping: false,
          fit: options,
        },
        () => this.dispose(),
      );
    } finally {
      for (const layer of dropoutLayers(model)) layer.seedSource = undefined;
    }
  }

  /** texts × classes probabilities, columns in `classes` order. */
  predictProba(texts: readonly string[]): DenseMatrix {
    const { model, tokenizer } = this;
    if (!model || !tokenizer) throw new MlError('transformer: the model is not fitted (or was disposed)');
    const k = this.classes.length;
    const out = new Float64Array(texts.length * k);
    const maxLength = this.params.max_length;
    for (let start = 0; start < texts.length; start += 256) {
      const chunk = texts.slice(start, start + 256);
      const values = tf.tidy(() => {
        const ids = tf.tensor2d(tokenizer.encodeAll(chunk, maxLength), [chunk.length, maxLength], 'int32');
        return tf.softmax(model.predict(ids) as tf.Tensor).dataSync();
      });
      out.set(values, start * k);
    }
    return denseMatrix(texts.length, k, out);
  }

  predict(texts: readonly string[]): string[] {
    return argmaxLabels(this.predictProba(texts).data, this.classes);
  }

  /** Frees the network's tensors. */
  dispose(): void {
    this.model?.dispose();
    this.model = undefined;
  }

  toJSON(): EstimatorJSON {
    if (!this.model || !this.tokenizer) throw new MlError('transformer: the model is not fitted (or was disposed)');
    return { ...this.metadata(), weights: encodeWeights(this.model.weights) };
  }

  /** Rebuilds a fitted classifier from toJSON's output (call initBackend first in a fresh process). */
  static fromJSON(json: EstimatorJSON): TransformerClassifier {
    if (json.type !== 'transformer') throw new MlError(`expected a saved 'transformer' model, got '${json.type}'`);
    const meta = json as SavedMeta;
    const model = new TransformerClassifier(meta.params);
    model.classes = [...meta.classes];
    model.tokenizer = WordTokenizer.fromJSON(meta.tokenizer);
    model.model = buildModel(model.params, model.tokenizer.size, model.classes.length, new Random(0));
    const tensors = decodeWeights(json.weights as EncodedWeight[]);
    model.model.setWeights(tensors);
    tensors.forEach((t) => t.dispose());
    return model;
  }

  /** Writes the model in tfjs layers format; the vocabulary and classes travel in model.json's metadata. */
  async saveTo(dir: string): Promise<void> {
    if (!this.model || !this.tokenizer) throw new MlError('transformer: the model is not fitted (or was disposed)');
    this.model.setUserDefinedMetadata({ mlwb: this.metadata() });
    await this.model.save(fileHandler(dir));
  }

  /** Loads a classifier written by saveTo. */
  static async loadFrom(dir: string): Promise<TransformerClassifier> {
    const { meta, model } = await readSaved(dir);
    try {
      return TransformerClassifier.fromJSON({ ...meta, weights: encodeWeights(model.weights) });
    } finally {
      model.dispose();
    }
  }

  private metadata(): SavedMeta {
    return { type: 'transformer', params: { ...this.params }, classes: this.classes, tokenizer: (this.tokenizer as WordTokenizer).toJSON() };
  }
}

function dropoutLayers(model: tf.LayersModel): SeededDropout[] {
  return model.layers.filter(
    (layer): layer is TransformerEncoderBlock | SequencePooling => layer instanceof TransformerEncoderBlock || layer instanceof SequencePooling,
  );
}

/** Copies the embedding and encoder blocks by layer name; shapes must match. */
function copyEncoderWeights(from: tf.LayersModel, to: tf.LayersModel, numLayers: number): void {
  for (const name of [EMBEDDING, ...Array.from({ length: numLayers }, (_, i) => encoderName(i))]) {
    let source: tf.layers.Layer;
    try {
      source = from.getLayer(name);
    } catch {
      throw new MlError(`transformer: the pretrained model has no layer '${name}'`);
    }
    const weights = source.getWeights();
    const target = to.getLayer(name);
    target.getWeights().forEach((w, i) => {
      const shape = weights[i]?.shape;
      if (!shape || shape.join() !== w.shape.join()) {
        throw new MlError(`transformer: pretrained layer '${name}' weight ${i} has shape [${shape?.join(', ') ?? ''}], expected [${w.shape.join(', ')}]`);
      }
    });
    target.setWeights(weights);
  }
}

export const transformerModel: ModelDefinition = {
  spec: TRANSFORMER_SPEC,
  create: (params) => new TransformerClassifier(params),
  fromJSON: (json) => TransformerClassifier.fromJSON(json),
};
