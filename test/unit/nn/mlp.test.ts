import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/core/nn/backend';
import { MlpClassifier, MlpRegressor } from '../../../src/core/nn/mlp';
import { CancelledError, MlError, type DenseMatrix, type ProgressEvent } from '../../../src/core/types';
import { readDataset, standardise, takeRows } from './data';
import { toCsr } from '../matrices';
import { DEFAULT_SEED } from '../../../src/core/random';

const iris = readDataset('iris');
const irisX = standardise(iris.X);
// Every fifth row held out: 10 of each class, since iris is sorted by class.
const holdout = Array.from({ length: 150 }, (_, i) => i).filter((i) => i % 5 === 0);
const training = Array.from({ length: 150 }, (_, i) => i).filter((i) => i % 5 !== 0);
const irisTrain = takeRows(irisX, training);
const irisTest = takeRows(irisX, holdout);
const irisTrainY = training.map((i) => iris.target[i] as string);
const small = { hidden_layer_sizes: [16], learning_rate_init: 0.01, batch_size: 32, max_iter: 60 };

function accuracy(predicted: readonly string[], rows: readonly number[]): number {
  return predicted.filter((label, i) => label === iris.target[rows[i] as number]).length / rows.length;
}

test('runs on the wasm backend here (tfjs-node is not installed)', async () => {
  const info = await initBackend();
  assert.equal(info.name, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
});

test('classifies iris: at least 0.9 accuracy on a holdout, probabilities sum to 1', async () => {
  const model = new MlpClassifier(small);
  await model.fit(irisTrain, irisTrainY, { seed: 1 });
  assert.deepEqual(model.classes, ['setosa', 'versicolor', 'virginica']);
  const acc = accuracy(model.predict(irisTest), holdout);
  assert.ok(acc >= 0.9, `holdout accuracy ${acc}`);
  const proba = model.predictProba(irisTest);
  assert.equal(proba.cols, 3);
  for (let i = 0; i < proba.rows; i++) {
    const sum = (proba.data[i * 3] as number) + (proba.data[i * 3 + 1] as number) + (proba.data[i * 3 + 2] as number);
    assert.ok(Math.abs(sum - 1) < 1e-5);
  }
  model.dispose();
});

test('regresses diabetes: R² above 0.3 on a holdout', async () => {
  const diabetes = readDataset('diabetes');
  const X = standardise(diabetes.X);
  const y = Float64Array.from(diabetes.target, Number);
  const all = Array.from({ length: X.rows }, (_, i) => i);
  const testRows = all.filter((i) => i % 5 === 0);
  const trainRows = all.filter((i) => i % 5 !== 0);
  const model = new MlpRegressor({ hidden_layer_sizes: [32], learning_rate_init: 0.01, max_iter: 60 });
  await model.fit(
    takeRows(X, trainRows),
    Float64Array.from(trainRows, (i) => y[i] as number),
    { seed: 3 },
  );
  const predicted = model.predict(takeRows(X, testRows));
  const truth = testRows.map((i) => y[i] as number);
  const mean = truth.reduce((a, b) => a + b, 0) / truth.length;
  const r2 = 1 - truth.reduce((a, v, i) => a + (v - (predicted[i] as number)) ** 2, 0) / truth.reduce((a, v) => a + (v - mean) ** 2, 0);
  assert.ok(r2 > 0.3, `R² ${r2}`);
  model.dispose();
});

test('the same seed gives identical predictions on wasm, another seed different ones', async () => {
  const params = { ...small, max_iter: 15, dropout: 0.2 };
  const fit = async (seed: number): Promise<Float64Array> => {
    const model = new MlpClassifier(params);
    await model.fit(irisTrain, irisTrainY, { seed });
    const out = model.predictProba(irisTest).data;
    model.dispose();
    return out;
  };
  const first = await fit(7);
  assert.deepEqual(await fit(7), first);
  assert.notDeepEqual(await fit(8), first);
});

test('CSR input trains and predicts exactly as its dense equivalent', async () => {
  const params = { ...small, max_iter: 10 };
  const dense = new MlpClassifier(params);
  await dense.fit(irisTrain, irisTrainY, { seed: 5 });
  const sparse = new MlpClassifier(params);
  await sparse.fit(toCsr(irisTrain), irisTrainY, { seed: 5 });
  assert.deepEqual(sparse.predictProba(toCsr(irisTest)).data, dense.predictProba(irisTest).data);
  dense.dispose();
  sparse.dispose();
});

test('toJSON/fromJSON and saveTo/loadFrom reproduce predictions exactly', async () => {
  const classifier = new MlpClassifier({ ...small, hidden_layer_sizes: [8, 8], max_iter: 10 });
  await classifier.fit(irisTrain, irisTrainY, { seed: 2 });
  const expected = classifier.predictProba(irisTest).data;
  const json = JSON.parse(JSON.stringify(classifier.toJSON()));
  const restored = MlpClassifier.fromJSON(json);
  assert.deepEqual(restored.predictProba(irisTest).data, expected);
  assert.deepEqual(restored.predict(irisTest), classifier.predict(irisTest));

  const dir = mkdtempSync(path.join(tmpdir(), 'mlwb-mlp-'));
  try {
    await classifier.saveTo(dir);
    assert.ok(existsSync(path.join(dir, 'model.json')) && existsSync(path.join(dir, 'weights.bin')));
    const loaded = await MlpClassifier.loadFrom(dir);
    assert.deepEqual(loaded.predictProba(irisTest).data, expected);
    assert.deepEqual(loaded.classes, classifier.classes);
    await assert.rejects(MlpRegressor.loadFrom(dir), /classification model, not regression/);
    loaded.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const regressor = new MlpRegressor({ hidden_layer_sizes: [4], max_iter: 3 });
  await regressor.fit(
    irisTrain,
    Float64Array.from(training, (i) => i * 10),
    { seed: 2 },
  );
  const back = MlpRegressor.fromJSON(JSON.parse(JSON.stringify(regressor.toJSON())));
  assert.deepEqual(back.predict(irisTest), regressor.predict(irisTest));
  [classifier, restored, regressor, back].forEach((m) => m.dispose());
});

test('reports loss and val_loss each epoch and stops early on a validation plateau', async () => {
  const events: ProgressEvent[] = [];
  const model = new MlpClassifier({ ...small, max_iter: 500, early_stopping: true, n_iter_no_change: 5, learning_rate_init: 0.05 });
  await model.fit(irisTrain, irisTrainY, { seed: 4, onProgress: (e) => events.push(e) });
  assert.ok(events.length > 5 && events.length < 500, `${events.length} epochs`);
  assert.deepEqual(
    events.map((e) => e.step),
    events.map((_, i) => i + 1),
  );
  for (const e of events) {
    assert.equal(e.of, 500);
    assert.ok(Number.isFinite(e.loss) && Number.isFinite(e.metrics?.val_loss));
  }
  assert.ok((events.at(-1)?.loss as number) < (events[0]?.loss as number));
  model.dispose();
});

test('an abort between epochs stops training with CancelledError and frees every tensor', async () => {
  await initBackend();
  const baseline = tf.memory().numTensors;
  const controller = new AbortController();
  const epochs: number[] = [];
  const model = new MlpClassifier(small);
  await assert.rejects(
    model.fit(irisTrain, irisTrainY, {
      seed: DEFAULT_SEED,
      signal: controller.signal,
      onProgress: (e) => {
        epochs.push(e.step);
        if (e.step === 3) controller.abort();
      },
    }),
    CancelledError,
  );
  assert.deepEqual(epochs, [1, 2, 3]);
  assert.throws(() => model.predict(irisTest), /not fitted/);
  assert.equal(tf.memory().numTensors, baseline);
});

test('tensors do not grow across fits, and dispose returns to the baseline', async () => {
  await initBackend();
  const baseline = tf.memory().numTensors;
  const model = new MlpClassifier({ ...small, max_iter: 3, dropout: 0.1, alpha: 0.01, l1: 0.001 });
  await model.fit(irisTrain, irisTrainY, { seed: DEFAULT_SEED });
  const afterFirst = tf.memory().numTensors;
  model.predictProba(irisTest);
  await model.fit(irisTrain, irisTrainY, { seed: DEFAULT_SEED });
  model.toJSON();
  assert.equal(tf.memory().numTensors, afterFirst);
  model.dispose();
  assert.equal(tf.memory().numTensors, baseline);
});

test('bad parameters and data are named', async () => {
  assert.throws(
    () => new MlpClassifier({ hidden_layers: [10] }),
    (e: unknown) => e instanceof MlError && /unknown parameter 'hidden_layers'/.test(e.message),
  );
  assert.throws(() => new MlpClassifier({ activation: 'relu6' }), /activation must be one of relu, tanh, logistic/);
  assert.throws(() => new MlpClassifier({ hidden_layer_sizes: [10, 0] }), /hidden_layer_sizes\[1\] must be an integer ≥ 1/);
  assert.throws(() => new MlpClassifier({ dropout: 1 }), /dropout must be a number ≥ 0 and < 1/);
  assert.throws(() => new MlpClassifier({ learning_rate_init: 0 }), /learning_rate_init must be a positive number/);
  await assert.rejects(
    new MlpClassifier(small).fit(
      irisTrain,
      irisTrainY.map(() => 'setosa'),
      { seed: DEFAULT_SEED },
    ),
    /single class/,
  );
  const withNaN: DenseMatrix = { ...irisTrain, data: Float64Array.from(irisTrain.data, (v, k) => (k === 9 ? NaN : v)) };
  await assert.rejects(new MlpClassifier(small).fit(withNaN, irisTrainY, { seed: DEFAULT_SEED }), /NaN at row 2, column 1/);
  await assert.rejects(new MlpRegressor(small).fit(irisTrain, irisTrainY, { seed: DEFAULT_SEED }), /needs numeric targets/);
  const model = new MlpClassifier({ ...small, max_iter: 1 });
  await model.fit(irisTrain, irisTrainY, { seed: DEFAULT_SEED });
  assert.throws(() => model.predict({ kind: 'dense', rows: 1, cols: 3, data: new Float64Array(3) }), /expected 4 feature columns, got 3/);
  model.dispose();
});
