/**
 * Multi-layer perceptron (`mlp`) on TensorFlow.js: MlpClassifier (softmax) and MlpRegressor
 * (linear output, squared error). Parameters follow scikit-learn's MLPClassifier/MLPRegressor;
 * partialFit is its partial_fit: one Adam epoch over new rows, in order, from the current weights.
 */
import * as tf from '@tensorflow/tfjs';
import { Random } from '../random';
import { knownClassCodes } from '../data/target';
import { argmaxLabels } from '../models/targets';
import type { ModelDefinition } from '../models/spec';
import type { Classifier, DenseMatrix, EstimatorJSON, FitOptions, Matrix, OnlineLearner, PartialFitOptions, Regressor, Target } from '../types';
import { MlError } from '../types';
import { initBackend } from './backend';
import { fileHandler } from './fsIo';
import { MLP_SPEC, resolveMlpParams, type MlpParams } from './mlpParams';
import { positiveParam } from './params';
import { denseLayers, mlpStepper, mlpTrainStep, type MlpStepper, type OutputGradient } from './mlpStep';
import { checkFinite, decodeWeights, denseMatrix, encodeWeights, predictInBatches, range, rowsToTensor, type EncodedWeight } from './tensors';
import { FlatAdam } from './flatAdam';
import { epochLoop, nextSeed, orderedEpoch, restoreOnFailure, sumAndDispose, trainWithAdam, validationSplit, type TrainLoopResult } from './training';

export { MLP_SPEC, resolveMlpParams, type MlpParams } from './mlpParams';

const ACTIVATIONS = { relu: 'relu', tanh: 'tanh', logistic: 'sigmoid' } as const;

/** What the task-specific subclasses supply to the shared network code. */
abstract class MlpNetwork {
  readonly type = 'mlp';
  readonly params: MlpParams;
  protected model: tf.Sequential | undefined;
  protected nFeatures = 0;
  /** Loss and val_loss of each epoch of the last fit. */
  history: TrainLoopResult | undefined;

  constructor(params: Readonly<Record<string, unknown>> = {}) {
    this.params = resolveMlpParams(params);
  }

  protected abstract get outputUnits(): number;
  /** Mean data loss of a batch of outputs against the targets of `rows`. */
  protected abstract dataLoss(outputs: tf.Tensor2D, rows: readonly number[]): tf.Scalar;
  /** The same loss and its gradient with respect to the outputs, for the hand-written training step. */
  protected abstract outputGradient(outputs: tf.Tensor2D, rows: readonly number[]): OutputGradient;
  /** Makes `y` (class indices, or raw target values) the targets of rows 0 … y.length − 1, for a fed batch. */
  protected abstract setTargets(y: Float64Array): void;

  /** Frees the network's tensors; the model cannot predict afterwards. */
  dispose(): void {
    this.model?.dispose();
    this.model = undefined;
  }

  protected async train(X: Matrix, labels: readonly number[] | undefined, options: FitOptions): Promise<void> {
    const p = this.params;
    if (X.rows === 0) throw new MlError('mlp: no training rows');
    checkFinite(X, 'mlp');
    await initBackend();
    const rng = new Random(options.seed);
    this.dispose();
    this.nFeatures = X.cols;
    this.model = buildNetwork(X.cols, p, this.outputUnits, rng);

    let trainRows = Array.from({ length: X.rows }, (_, i) => i);
    let validationRows: number[] = [];
    if (p.early_stopping) {
      const split = validationSplit(X.rows, p.validation_fraction, rng, labels);
      if (split.validation.length === 0 || split.train.length === 0) {
        throw new MlError(
          `mlp: early_stopping needs at least one validation and one training row (validation_fraction ${p.validation_fraction} of ${X.rows} rows)`,
        );
      }
      ({ train: trainRows, validation: validationRows } = split);
    }
    const model = this.model;
    const kernels = model.layers.map((layer) => (layer.trainableWeights[0] as tf.LayerVariable).read());
    const hidden = model.layers.length - 1;
    const batchLoss = (rows: readonly number[], training: boolean): tf.Scalar => {
      let h: tf.Tensor = rowsToTensor(X, rows);
      model.layers.forEach((layer, i) => {
        h = layer.apply(h) as tf.Tensor;
        if (training && i < hidden && p.dropout > 0) h = tf.dropout(h, p.dropout, undefined, nextSeed(rng));
      });
      let loss = this.dataLoss(h as tf.Tensor2D, rows);
      if (training && p.alpha > 0) loss = tf.add(loss, tf.mul(p.alpha / (2 * rows.length), tf.addN(kernels.map((k) => tf.sum(tf.square(k))))));
      if (training && p.l1 > 0) loss = tf.add(loss, tf.mul(p.l1, tf.addN(kernels.map((k) => tf.sum(tf.abs(k))))));
      return loss;
    };
    const stepper = this.stepper(X, p.learning_rate_init, rng);
    try {
      // The loop's own Adam optimizer is unused when it gets a trainStep; it is only its fallback.
      this.history = await trainWithAdam(
        p.learning_rate_init,
        {
          epochs: p.max_iter,
          batchSize: p.batch_size === 'auto' ? Math.min(200, trainRows.length) : Math.min(p.batch_size, trainRows.length),
          trainRows,
          validationRows,
          rng,
          variables: model.trainableWeights.map((w) => w.read() as tf.Variable),
          batchLoss,
          trainStep: (rows) => stepper.step(rows),
          nIterNoChange: p.n_iter_no_change,
          tol: p.tol,
          earlyStopping: p.early_stopping,
          fit: options,
        },
        () => this.dispose(),
      );
    } finally {
      stepper.dispose();
    }
  }

  /**
   * Trains a fresh network on `nFeatures` inputs from batches fed from outside (the streamed fit, mlpStream.ts):
   * each epoch `feed.epoch` hands every mini-batch to `step` (features and targets as `setTargets` takes them), in
   * the order it chose with the fit's generator; `feed.heldOut` (early stopping) is scored after each epoch. Adam,
   * penalties, dropout, progress and stopping rules are the in-memory fit's.
   */
  protected async trainFed(nFeatures: number, feed: BatchFeed, options: FitOptions): Promise<void> {
    const p = this.params;
    await initBackend();
    const rng = new Random(options.seed);
    this.dispose();
    this.nFeatures = nFeatures;
    this.model = buildNetwork(nFeatures, p, this.outputUnits, rng);
    const model = this.model;
    const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const layers = denseLayers(model);
    const optimizer = new FlatAdam(
      layers.flatMap((l) => [l.kernel, l.bias]),
      p.learning_rate_init,
      0.9,
      0.999,
      1e-8,
    );
    const stepOptions = {
      layers,
      activation: p.activation,
      dropout: p.dropout,
      alpha: p.alpha,
      l1: p.l1,
      rng,
      optimizer,
      outputGradient: (outputs: tf.Tensor2D, rows: readonly number[]) => this.outputGradient(outputs, rows),
    };
    const heldOutLoss = (): number | undefined => {
      // Read after each epoch: a feed may gather its held-out rows during the first.
      const heldOut = feed.heldOut;
      if (!heldOut || heldOut.y.length === 0) return undefined;
      let total = 0;
      for (let start = 0; start < heldOut.y.length; start += 1024) {
        const rows = range(Math.min(1024, heldOut.y.length - start)).map((i) => i + start);
        this.setTargets(heldOut.y.subarray(start, start + rows.length));
        const local = range(rows.length);
        total += tf.tidy(() => this.dataLoss(model.predict(rowsToTensor(heldOut.x, rows)) as tf.Tensor2D, local).dataSync()[0] as number) * rows.length;
      }
      return total / heldOut.y.length;
    };
    try {
      this.history = await epochLoop({
        epochs: p.max_iter,
        variables,
        nIterNoChange: p.n_iter_no_change,
        tol: p.tol,
        earlyStopping: p.early_stopping,
        fit: options,
        validationLoss: heldOutLoss,
        runEpoch: async (epoch) => {
          const losses: tf.Scalar[] = [];
          let rows = 0;
          try {
            await feed.epoch(
              (x, y) => {
                this.setTargets(y);
                const tensor = tf.tensor2d(Float32Array.from(x.data.subarray(0, x.rows * x.cols)), [x.rows, x.cols]);
                try {
                  const cost = mlpTrainStep(tensor, range(x.rows), stepOptions);
                  losses.push(tf.mul(cost, x.rows));
                  cost.dispose();
                } finally {
                  tensor.dispose();
                }
                rows += x.rows;
              },
              rng,
              epoch,
            );
            return sumAndDispose(losses.splice(0)) / rows;
          } finally {
            losses.forEach((t) => t.dispose());
          }
        },
      });
    } catch (error) {
      this.dispose();
      throw error;
    } finally {
      optimizer.dispose();
    }
  }

  /** The hand-written Adam step over this network's layers, shared by fit and partialFit. */
  private stepper(X: Matrix, learningRate: number, rng: Random): MlpStepper {
    const p = this.params;
    return mlpStepper(X, learningRate, {
      layers: denseLayers(this.model as tf.Sequential),
      activation: p.activation,
      dropout: p.dropout,
      alpha: p.alpha,
      l1: p.l1,
      rng,
      outputGradient: (outputs, rows) => this.outputGradient(outputs, rows),
    });
  }

  /**
   * One Adam epoch from the current weights over X's rows in order, with the targets the subclass
   * has set; a fresh optimizer, the fit's loss and penalties, no early stopping. Any error leaves
   * the weights as they were.
   */
  protected async update(X: Matrix, options: PartialFitOptions): Promise<void> {
    const p = this.params;
    const model = this.model;
    if (!model) throw new MlError('mlp: the model is not fitted (or was disposed); fit it before partialFit');
    if (X.cols !== this.nFeatures) throw new MlError(`mlp: expected ${this.nFeatures} feature columns, got ${X.cols}`);
    if (X.rows === 0) throw new MlError('mlp: partialFit got no rows');
    checkFinite(X, 'mlp');
    const learningRate = positiveParam('mlp', 'learningRate', options.learningRate ?? p.learning_rate_init);
    await initBackend();
    const batchSize = p.batch_size === 'auto' ? Math.min(200, X.rows) : Math.min(p.batch_size, X.rows);
    // Seeded by random_state so an update with dropout is reproducible.
    const stepper = this.stepper(X, learningRate, new Random(p.random_state));
    try {
      await restoreOnFailure(
        model.trainableWeights.map((w) => w.read() as tf.Variable),
        () => orderedEpoch(X.rows, batchSize, (rows) => stepper.step(rows), options.signal),
      );
    } finally {
      stepper.dispose();
    }
  }

  /** Raw network outputs (logits or standardised values), rows × outputUnits. */
  protected forward(X: Matrix, transform: (out: tf.Tensor2D) => tf.Tensor = (out) => out): Float64Array {
    const model = this.model;
    if (!model) throw new MlError('mlp: the model is not fitted (or was disposed)');
    if (X.cols !== this.nFeatures) throw new MlError(`mlp: expected ${this.nFeatures} feature columns, got ${X.cols}`);
    return predictInBatches(X, this.outputUnits, (batch) => transform(model.predict(batch) as tf.Tensor2D));
  }

  protected networkJSON(): { nFeatures: number; weights: EncodedWeight[] } {
    if (!this.model) throw new MlError('mlp: the model is not fitted (or was disposed)');
    return { nFeatures: this.nFeatures, weights: encodeWeights(this.model.weights) };
  }

  protected restoreNetwork(nFeatures: number, weights: readonly EncodedWeight[]): void {
    this.nFeatures = nFeatures;
    this.model = buildNetwork(nFeatures, this.params, this.outputUnits, new Random(0));
    const tensors = decodeWeights(weights);
    this.model.setWeights(tensors);
    tensors.forEach((t) => t.dispose());
  }

  /** Writes the network in tfjs layers format (model.json + weights.bin) plus this model's metadata. */
  async saveTo(dir: string): Promise<void> {
    if (!this.model) throw new MlError('mlp: the model is not fitted (or was disposed)');
    const { weights: _weights, ...meta } = this.toJSON();
    this.model.setUserDefinedMetadata({ mlwb: meta });
    await this.model.save(fileHandler(dir));
  }

  abstract toJSON(): EstimatorJSON;
}

/** Mini-batches fed to an MLP from outside memory's reach (see trainFed). */
export interface BatchFeed {
  /** Runs one epoch: calls `step` on each mini-batch (valid only during the call), shuffling with `rng`. */
  epoch(step: (x: DenseMatrix, y: Float64Array) => void, rng: Random, epoch: number): Promise<void>;
  /** Rows scored after each epoch (early stopping), when some are held out. */
  readonly heldOut?: { readonly x: DenseMatrix; readonly y: Float64Array };
}

function buildNetwork(nFeatures: number, p: MlpParams, outputs: number, rng: Random): tf.Sequential {
  const model = tf.sequential();
  p.hidden_layer_sizes.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        activation: ACTIVATIONS[p.activation],
        name: `hidden_${i}`,
        kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed(rng) }),
        ...(i === 0 ? { inputShape: [nFeatures] } : {}),
      }),
    );
  });
  model.add(
    tf.layers.dense({
      units: outputs,
      name: 'output',
      kernelInitializer: tf.initializers.glorotUniform({ seed: nextSeed(rng) }),
      ...(p.hidden_layer_sizes.length === 0 ? { inputShape: [nFeatures] } : {}),
    }),
  );
  return model;
}

/** Reads what saveTo wrote: the metadata as toJSON made it, and the weights from weights.bin. */
async function loadSaved(dir: string): Promise<EstimatorJSON> {
  await initBackend();
  const model = await tf.loadLayersModel(fileHandler(dir));
  try {
    const meta = (model.getUserDefinedMetadata() as { mlwb?: EstimatorJSON } | undefined)?.mlwb;
    if (!meta || meta.type !== 'mlp') throw new MlError(`${dir}: not an mlp saved by ML Workbench (no mlwb metadata of type 'mlp')`);
    return { ...meta, weights: encodeWeights(model.weights) };
  } finally {
    model.dispose();
  }
}

/** MLP classifier: softmax output over the sorted class labels, cross-entropy loss. */
export class MlpClassifier extends MlpNetwork implements Classifier, OnlineLearner {
  classes: string[] = [];
  private targets: Int32Array = new Int32Array(0);

  protected get outputUnits(): number {
    return this.classes.length;
  }

  protected dataLoss(outputs: tf.Tensor2D, rows: readonly number[]): tf.Scalar {
    const labels = tf.tensor1d(
      rows.map((i) => this.targets[i] as number),
      'int32',
    );
    return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, this.classes.length), outputs) as tf.Scalar;
  }

  protected outputGradient(outputs: tf.Tensor2D, rows: readonly number[]): OutputGradient {
    const k = this.classes.length;
    const onehot = new Float32Array(rows.length * k);
    rows.forEach((row, i) => (onehot[i * k + (this.targets[row] as number)] = 1));
    const y = tf.tensor2d(onehot, [rows.length, k]);
    const logProba = tf.logSoftmax(outputs);
    // Mean cross-entropy; its gradient with respect to the logits is (softmax − one-hot) / rows.
    return {
      loss: tf.div(tf.neg(tf.sum(tf.mul(y, logProba))), rows.length),
      gradient: tf.div(tf.sub(tf.exp(logProba), y), rows.length),
    };
  }

  protected setTargets(y: Float64Array): void {
    this.targets = Int32Array.from(y);
  }

  /** Fits on batches fed from outside (the streamed fit); their targets are indices into `classes` (sorted labels). */
  async fitFed(classes: readonly string[], nFeatures: number, feed: BatchFeed, options: FitOptions): Promise<void> {
    if (classes.length < 2) throw new MlError(`mlp: the target has a single class ('${classes[0] ?? ''}'); a classifier needs at least two`);
    this.classes = [...classes];
    try {
      await this.trainFed(nFeatures, feed, options);
    } finally {
      this.targets = new Int32Array(0);
    }
  }

  /** Fits on rows of X and their string labels. */
  async fit(X: Matrix, y: Target, options: FitOptions): Promise<void> {
    if (y instanceof Float64Array) throw new MlError('mlp: a classifier needs class labels; use MlpRegressor for numeric targets');
    if (y.length !== X.rows) throw new MlError(`mlp: ${X.rows} rows but ${y.length} labels`);
    this.classes = [...new Set(y)].sort();
    if (this.classes.length < 2) throw new MlError(`mlp: the target has a single class ('${this.classes[0] ?? ''}'); a classifier needs at least two`);
    const index = new Map(this.classes.map((c, i) => [c, i]));
    this.targets = Int32Array.from(y, (label) => index.get(label) as number);
    try {
      await this.train(X, Array.from(this.targets), options);
    } finally {
      this.targets = new Int32Array(0);
    }
  }

  /** One Adam epoch over new rows in order, from the current weights; every label must be one of `classes`. */
  async partialFit(X: Matrix, y: Target, options: PartialFitOptions = {}): Promise<void> {
    if (y instanceof Float64Array) throw new MlError('mlp: a classifier needs class labels; use MlpRegressor for numeric targets');
    if (y.length !== X.rows) throw new MlError(`mlp: ${X.rows} rows but ${y.length} labels`);
    this.targets = knownClassCodes('mlp', this.classes, y);
    try {
      await this.update(X, options);
    } finally {
      this.targets = new Int32Array(0);
    }
  }

  predictProba(X: Matrix): DenseMatrix {
    return denseMatrix(
      X.rows,
      this.classes.length,
      this.forward(X, (out) => tf.softmax(out)),
    );
  }

  predict(X: Matrix): string[] {
    return argmaxLabels(this.predictProba(X).data, this.classes);
  }

  toJSON(): EstimatorJSON {
    return { type: 'mlp', task: 'classification', params: this.params, classes: this.classes, ...this.networkJSON() };
  }

  /** Rebuilds a fitted classifier from toJSON's output (call initBackend first in a fresh process). */
  static fromJSON(json: EstimatorJSON): MlpClassifier {
    const model = new MlpClassifier(checkJSON(json, 'classification').params);
    model.classes = [...(json.classes as string[])];
    model.restoreNetwork(json.nFeatures as number, json.weights as EncodedWeight[]);
    return model;
  }

  /** Loads a classifier written by saveTo. */
  static async loadFrom(dir: string): Promise<MlpClassifier> {
    return MlpClassifier.fromJSON(await loadSaved(dir));
  }
}

/** MLP regressor: linear output and squared error; targets are standardised inside the fit. */
export class MlpRegressor extends MlpNetwork implements Regressor, OnlineLearner {
  // Standardising y lets learning_rate_init work at any target scale (sklearn leaves y raw).
  private yMean = 0;
  private yStd = 1;
  private targets: Float32Array = new Float32Array(0);

  protected get outputUnits(): number {
    return 1;
  }

  protected dataLoss(outputs: tf.Tensor2D, rows: readonly number[]): tf.Scalar {
    const y = tf.tensor2d(
      Float32Array.from(rows, (i) => this.targets[i] as number),
      [rows.length, 1],
    );
    // sklearn's squared_loss is half the mean squared error; alpha's scale assumes it.
    return tf.mul(0.5, tf.losses.meanSquaredError(y, outputs)) as tf.Scalar;
  }

  protected outputGradient(outputs: tf.Tensor2D, rows: readonly number[]): OutputGradient {
    const y = tf.tensor2d(
      Float32Array.from(rows, (i) => this.targets[i] as number),
      [rows.length, 1],
    );
    const diff = tf.sub(outputs, y);
    // Half the mean squared error, as dataLoss; its gradient is the residual / rows.
    return { loss: tf.mul(0.5 / rows.length, tf.sum(tf.square(diff))), gradient: tf.div(diff, rows.length) };
  }

  protected setTargets(y: Float64Array): void {
    this.targets = Float32Array.from(y, (v) => (v - this.yMean) / this.yStd);
  }

  /**
   * Fits on batches fed from outside (the streamed fit), whose raw targets are standardised with `yMean` and
   * `yStd` (the training rows' mean and population standard deviation, from a first pass).
   */
  async fitFed(yMean: number, yStd: number, nFeatures: number, feed: BatchFeed, options: FitOptions): Promise<void> {
    this.yMean = yMean;
    this.yStd = yStd > 0 ? yStd : 1;
    try {
      await this.trainFed(nFeatures, feed, options);
    } finally {
      this.targets = new Float32Array(0);
    }
  }

  /** Fits on rows of X and their numeric targets. */
  async fit(X: Matrix, y: Target, options: FitOptions): Promise<void> {
    if (!(y instanceof Float64Array)) throw new MlError('mlp: a regressor needs numeric targets; use MlpClassifier for labels');
    if (y.length !== X.rows) throw new MlError(`mlp: ${X.rows} rows but ${y.length} targets`);
    if (y.some((v) => !Number.isFinite(v))) throw new MlError('mlp: the target holds NaN or Infinity');
    this.yMean = y.reduce((a, b) => a + b, 0) / y.length;
    const variance = y.reduce((a, b) => a + (b - this.yMean) ** 2, 0) / y.length;
    this.yStd = variance > 0 ? Math.sqrt(variance) : 1;
    this.targets = Float32Array.from(y, (v) => (v - this.yMean) / this.yStd);
    try {
      await this.train(X, undefined, options);
    } finally {
      this.targets = new Float32Array(0);
    }
  }

  /** One Adam epoch over new rows in order, from the current weights; y is standardised with the fit's mean and std, not re-estimated. */
  async partialFit(X: Matrix, y: Target, options: PartialFitOptions = {}): Promise<void> {
    if (!(y instanceof Float64Array)) throw new MlError('mlp: a regressor needs numeric targets; use MlpClassifier for labels');
    if (y.length !== X.rows) throw new MlError(`mlp: ${X.rows} rows but ${y.length} targets`);
    if (y.some((v) => !Number.isFinite(v))) throw new MlError('mlp: the target holds NaN or Infinity');
    this.targets = Float32Array.from(y, (v) => (v - this.yMean) / this.yStd);
    try {
      await this.update(X, options);
    } finally {
      this.targets = new Float32Array(0);
    }
  }

  predict(X: Matrix): Float64Array {
    return this.forward(X).map((v) => v * this.yStd + this.yMean);
  }

  toJSON(): EstimatorJSON {
    return { type: 'mlp', task: 'regression', params: this.params, yMean: this.yMean, yStd: this.yStd, ...this.networkJSON() };
  }

  /** Rebuilds a fitted regressor from toJSON's output (call initBackend first in a fresh process). */
  static fromJSON(json: EstimatorJSON): MlpRegressor {
    const model = new MlpRegressor(checkJSON(json, 'regression').params);
    model.yMean = json.yMean as number;
    model.yStd = json.yStd as number;
    model.restoreNetwork(json.nFeatures as number, json.weights as EncodedWeight[]);
    return model;
  }

  /** Loads a regressor written by saveTo. */
  static async loadFrom(dir: string): Promise<MlpRegressor> {
    return MlpRegressor.fromJSON(await loadSaved(dir));
  }
}

function checkJSON(json: EstimatorJSON, task: string): { params: Record<string, unknown> } {
  if (json.type !== 'mlp') throw new MlError(`expected a saved 'mlp' model, got '${json.type}'`);
  if (json.task !== task) throw new MlError(`this saved mlp is a ${String(json.task)} model, not ${task}`);
  return { params: json.params as Record<string, unknown> };
}

export const mlpModel: ModelDefinition = {
  spec: MLP_SPEC,
  create: (params, task) => (task === 'classification' ? new MlpClassifier(params) : new MlpRegressor(params)),
  fromJSON: (json) => (json.task === 'regression' ? MlpRegressor.fromJSON(json) : MlpClassifier.fromJSON(json)),
};
