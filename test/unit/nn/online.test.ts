import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/core/nn/backend';
import { MlpClassifier, MlpRegressor } from '../../../src/core/nn/mlp';
import type { EncodedWeight } from '../../../src/core/nn/tensors';
import { CancelledError, MlError, type DenseMatrix, type EstimatorJSON } from '../../../src/core/types';
import { readDataset, standardise, takeRows } from './data';

interface OnlineCase {
  params: Record<string, unknown>;
  X: number[][];
  y: (string | number)[];
  classes?: string[];
  /** kernel [in, out], bias, per layer: sklearn's coefs_/intercepts_ before and after partial_fit. */
  before: (number[][] | number[])[];
  after: (number[][] | number[])[];
  /** The same partial_fit with only Adam's eps moved to where tfjs puts it (see the script's docstring). */
  after_tfjs_eps: (number[][] | number[])[];
}

const reference = JSON.parse(readFileSync(path.join(__dirname, '../../fixtures/reference/online-mlp.json'), 'utf8')) as { cases: Record<string, OnlineCase> };

function matrix(rows: number[][]): DenseMatrix {
  const cols = rows[0]?.length ?? 0;
  return { kind: 'dense', rows: rows.length, cols, data: Float64Array.from(rows.flat()) };
}

/** sklearn's weight list in our EncodedWeight format (float32 little-endian, base64). */
function encode(weights: OnlineCase['before']): EncodedWeight[] {
  const layers = weights.length / 2;
  return weights.map((w, i) => {
    const layer = Math.floor(i / 2);
    const name = `${layer === layers - 1 ? 'output' : `hidden_${layer}`}/${i % 2 === 0 ? 'kernel' : 'bias'}`;
    const shape = Array.isArray(w[0]) ? [w.length, (w[0] as number[]).length] : [w.length];
    const values = Float32Array.from((w as (number | number[])[]).flat());
    return { name, shape, data: Buffer.from(values.buffer).toString('base64') };
  });
}

function decode(json: EstimatorJSON): Float32Array[] {
  return (json.weights as EncodedWeight[]).map((w) => {
    const bytes = Buffer.from(w.data, 'base64');
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  });
}

function maxAbsDiff(a: readonly ArrayLike<number>[], b: readonly ArrayLike<number>[]): number {
  let worst = 0;
  a.forEach((x, i) => {
    const y = b[i] as ArrayLike<number>;
    assert.equal(x.length, y.length);
    for (let k = 0; k < x.length; k++) worst = Math.max(worst, Math.abs((x[k] as number) - (y[k] as number)));
  });
  return worst;
}

function modelFor(c: OnlineCase): MlpClassifier | MlpRegressor {
  const common = { type: 'mlp', params: c.params, nFeatures: c.X[0]?.length, weights: encode(c.before) };
  // yMean 0, yStd 1: our regressor's standardisation is the identity, as sklearn's MLPRegressor leaves y raw.
  return c.classes
    ? MlpClassifier.fromJSON({ ...common, task: 'classification', classes: c.classes })
    : MlpRegressor.fromJSON({ ...common, task: 'regression', yMean: 0, yStd: 1 });
}

for (const [name, c] of Object.entries(reference.cases)) {
  test(`partialFit takes the same Adam steps as scikit-learn's partial_fit (${name})`, async (t) => {
    await initBackend();
    const model = modelFor(c);
    const y = c.classes ? c.y.map(String) : Float64Array.from(c.y as number[]);
    await model.partialFit(matrix(c.X), y, { learningRate: c.params.learning_rate_init as number });
    const after = decode(model.toJSON());
    const flat = (weights: OnlineCase['before']): number[][] => weights.map((w) => (w as (number | number[])[]).flat());
    const moved = maxAbsDiff(flat(c.before), flat(c.after));
    const diff = maxAbsDiff(after, flat(c.after_tfjs_eps));
    const diffSklearn = maxAbsDiff(after, flat(c.after));
    t.diagnostic(
      `${name}: max |ours − sklearn (tfjs eps)| ${diff.toExponential(2)}, max |ours − sklearn| ${diffSklearn.toExponential(2)}, weights moved up to ${moved.toFixed(4)}`,
    );
    assert.ok(moved > 0.01, `the reference update is too small to test (${moved})`);
    // float32 against float64 over two or three Adam steps of ~0.01 each.
    assert.ok(diff <= 1e-6, `max abs diff to sklearn with tfjs's eps ${diff}`);
    // sklearn's own eps placement moves a weight whose gradient is ~1e-4 by up to ~2e-5 (regressor case).
    assert.ok(diffSklearn <= 5e-5, `max abs diff to sklearn ${diffSklearn}`);
    model.dispose();
  });
}

const iris = readDataset('iris');
const X = standardise(iris.X);
// Every third row held out; iris is sorted by class, so both halves hold all three.
const heldRows = Array.from({ length: 50 }, (_, i) => 3 * i + 1);
const trainRows = Array.from({ length: 150 }, (_, i) => i).filter((i) => i % 3 !== 1);
const trainX = takeRows(X, trainRows);
const heldX = takeRows(X, heldRows);
const trainY = trainRows.map((i) => iris.target[i] as string);
const heldY = heldRows.map((i) => iris.target[i] as string);
const small = { hidden_layer_sizes: [8], learning_rate_init: 0.02, max_iter: 30, batch_size: 25 };

async function fitted(): Promise<MlpClassifier> {
  const model = new MlpClassifier(small);
  await model.fit(trainX, trainY, { seed: 3 });
  return model;
}

test('a failed partialFit throws and leaves every weight as it was', async () => {
  const model = await fitted();
  const before = model.toJSON();
  const withNaN = { ...trainX, data: Float64Array.from(trainX.data, (v, k) => (k === 7 ? NaN : v)) };
  const narrow = takeRows({ ...X, cols: 2, data: X.data.slice(0, X.rows * 2) }, [0, 1, 2]);
  const failures: [Promise<void>, RegExp][] = [
    [
      model.partialFit(
        trainX,
        trainY.map((l, i) => (i === 5 ? 'tulip' : i === 9 ? 'rose' : l)),
      ),
      /"tulip", "rose".*classes: setosa, versicolor, virginica/,
    ],
    [model.partialFit(narrow, ['setosa', 'setosa', 'setosa']), /expected 4 feature columns, got 2/],
    [model.partialFit(withNaN, trainY), /NaN at row 1, column 3/],
    [model.partialFit(trainX, trainY.slice(1)), /100 rows but 99 labels/],
    [
      model.partialFit(
        trainX,
        Float64Array.from(trainY, () => 1),
      ),
      /needs class labels/,
    ],
    [model.partialFit(trainX, trainY, { learningRate: -1 }), /learningRate must be a positive number/],
    // A step this large sends the next batch's loss to Infinity/NaN mid-epoch: the weights must come back.
    [model.partialFit(trainX, trainY, { learningRate: 1e30 }), /diverged/],
  ];
  for (const [update, message] of failures) {
    await assert.rejects(update, (error: unknown) => error instanceof MlError && message.test(error.message));
    assert.deepEqual(model.toJSON(), before);
  }
  model.dispose();
  await assert.rejects(model.partialFit(trainX, trainY), /not fitted/);
});

test('the regressor rejects non-finite targets and standardises y with the fit-time mean and std', async () => {
  const y = Float64Array.from(trainRows, (i) => 100 + 30 * (X.data[i * 4 + 2] as number));
  const model = new MlpRegressor({ ...small, max_iter: 5 });
  await model.fit(trainX, y, { seed: 1 });
  const json = model.toJSON();
  await assert.rejects(
    model.partialFit(
      trainX,
      y.map((v, i) => (i === 3 ? Infinity : v)),
    ),
    /NaN or Infinity/,
  );
  assert.deepEqual(model.toJSON(), json);

  // The same network with yMean 0, yStd 1 updated on pre-standardised targets must end up identical.
  const { yMean, yStd } = json as unknown as { yMean: number; yStd: number };
  const identity = MlpRegressor.fromJSON({ ...json, yMean: 0, yStd: 1 });
  const shifted = y.map((v) => v + 50);
  await model.partialFit(trainX, shifted);
  await identity.partialFit(
    trainX,
    shifted.map((v) => (v - yMean) / yStd),
  );
  assert.deepEqual(model.toJSON().weights, identity.toJSON().weights);
  assert.notDeepEqual(model.toJSON().weights, json.weights);
  assert.equal(model.toJSON().yMean, yMean);
  assert.equal(model.toJSON().yStd, yStd);
  model.dispose();
  identity.dispose();
});

test('an abort between batches throws CancelledError and restores the weights', async () => {
  const model = new MlpClassifier({ ...small, batch_size: 10 });
  await model.fit(trainX, trainY, { seed: 3 });
  const before = model.toJSON();
  const aborted = new AbortController();
  aborted.abort();
  await assert.rejects(model.partialFit(trainX, trainY, { signal: aborted.signal }), CancelledError);
  // A signal that turns aborted on its fourth look: some batches have stepped by then.
  let looks = 0;
  const midway = {
    get aborted() {
      return ++looks > 3;
    },
  } as AbortSignal;
  await assert.rejects(model.partialFit(trainX, trainY, { signal: midway }), CancelledError);
  assert.ok(looks > 3);
  assert.deepEqual(model.toJSON(), before);
  model.dispose();
});

test('saved models (toJSON/fromJSON, saveTo/loadFrom) can be updated, identically, and the result round-trips', async () => {
  const model = await fitted();
  const fromJson = MlpClassifier.fromJSON(JSON.parse(JSON.stringify(model.toJSON())) as EstimatorJSON);
  const dir = mkdtempSync(path.join(tmpdir(), 'mlwb-online-'));
  try {
    await model.saveTo(dir);
    const loaded = await MlpClassifier.loadFrom(dir);
    const before = model.predictProba(heldX).data;
    for (const m of [model, fromJson, loaded]) await m.partialFit(heldX, heldY, { learningRate: 0.05 });
    const updated = model.predictProba(heldX).data;
    assert.notDeepEqual(updated, before);
    assert.deepEqual(fromJson.predictProba(heldX).data, updated);
    assert.deepEqual(loaded.predictProba(heldX).data, updated);

    await loaded.saveTo(dir);
    const reloaded = await MlpClassifier.loadFrom(dir);
    assert.deepEqual(reloaded.predictProba(heldX).data, updated);
    const back = MlpClassifier.fromJSON(JSON.parse(JSON.stringify(fromJson.toJSON())) as EstimatorJSON);
    assert.deepEqual(back.predictProba(heldX).data, updated);
    [loaded, reloaded, back].forEach((m) => m.dispose());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  model.dispose();
  fromJson.dispose();
});

/** Mean log loss and accuracy of the model on rows X against labels. */
function score(model: MlpClassifier, x: DenseMatrix, labels: readonly string[]): { loss: number; accuracy: number } {
  const proba = model.predictProba(x);
  const k = model.classes.length;
  let loss = 0;
  labels.forEach((label, i) => (loss -= Math.log(Math.max(proba.data[i * k + model.classes.indexOf(label)] as number, 1e-15))));
  const predicted = model.predict(x);
  return { loss: loss / labels.length, accuracy: predicted.filter((p, i) => p === labels[i]).length / labels.length };
}

test('feeding rows of a shifted concept in several partialFit calls lowers held-out loss and raises accuracy', async (t) => {
  const model = new MlpClassifier({ ...small, batch_size: 5 });
  await model.fit(trainX, trainY, { seed: 3 });
  // The concept shifts: each species now carries the next one's name.
  const rotate: Record<string, string> = { setosa: 'versicolor', versicolor: 'virginica', virginica: 'setosa' };
  const shiftedTrain = trainY.map((l) => rotate[l] as string);
  const shiftedHeld = heldY.map((l) => rotate[l] as string);
  const start = score(model, heldX, shiftedHeld);
  const scores = [start];
  // The new rows arrive in four chunks, each seen a few times (as a stream replayed), by separate
  // calls; rows are interleaved (stride 37) because iris is sorted by class and a one-class chunk
  // would only teach its own class.
  for (let pass = 0; pass < 3; pass++) {
    for (let chunk = 0; chunk < 4; chunk++) {
      const rows = Array.from({ length: 25 }, (_, i) => ((chunk * 25 + i) * 37) % 100);
      await model.partialFit(
        takeRows(trainX, rows),
        rows.map((i) => shiftedTrain[i] as string),
        { learningRate: 0.05 },
      );
    }
    scores.push(score(model, heldX, shiftedHeld));
  }
  const end = scores.at(-1) as { loss: number; accuracy: number };
  t.diagnostic(`held-out accuracy ${scores.map((s) => s.accuracy.toFixed(2)).join(' → ')}, log loss ${scores.map((s) => s.loss.toFixed(3)).join(' → ')}`);
  assert.ok(start.accuracy < 0.1, `the old model should fail the new concept (${start.accuracy})`);
  assert.ok(end.accuracy >= 0.9, `accuracy ${scores.map((s) => s.accuracy.toFixed(2)).join(' → ')}`);
  for (let i = 1; i < scores.length; i++)
    assert.ok((scores[i] as { loss: number }).loss < (scores[i - 1] as { loss: number }).loss, `loss ${scores.map((s) => s.loss.toFixed(3)).join(' → ')}`);
  model.dispose();
});

test('partialFit, successful or failed, with dropout and penalties, leaves no tensors behind', async () => {
  await initBackend();
  const model = new MlpClassifier({ ...small, max_iter: 2, dropout: 0.2, alpha: 0.01, l1: 0.001 });
  await model.fit(trainX, trainY, { seed: 1 });
  const baseline = tf.memory().numTensors;
  await model.partialFit(trainX, trainY);
  await model.partialFit(heldX, heldY, { signal: new AbortController().signal });
  await assert.rejects(model.partialFit(trainX, trainY, { learningRate: 1e30 }), MlError);
  let looks = 0;
  await assert.rejects(
    model.partialFit(trainX, trainY, {
      signal: {
        get aborted() {
          return ++looks > 2;
        },
      } as AbortSignal,
    }),
    CancelledError,
  );
  await assert.rejects(
    model.partialFit(
      heldX,
      heldY.map(() => 'tulip'),
    ),
    MlError,
  );
  assert.equal(tf.memory().numTensors, baseline);
  model.dispose();
});

test('dropout applies during an update, with masks seeded by random_state so the update is reproducible', async () => {
  const model = new MlpClassifier({ ...small, max_iter: 3, dropout: 0.3 });
  await model.fit(trainX, trainY, { seed: 2 });
  const json = JSON.parse(JSON.stringify(model.toJSON())) as EstimatorJSON & { params: Record<string, unknown> };
  const twin = MlpClassifier.fromJSON(json);
  const noDropout = MlpClassifier.fromJSON({ ...json, params: { ...json.params, dropout: 0 } });
  for (const m of [model, twin, noDropout]) await m.partialFit(trainX, trainY);
  assert.deepEqual(twin.toJSON().weights, model.toJSON().weights);
  assert.notDeepEqual(noDropout.toJSON().weights, model.toJSON().weights);
  [model, twin, noDropout].forEach((m) => m.dispose());
});
