import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MlpClassifier, MlpRegressor } from '../../../src/core/nn/mlp';
import { fitMlpStreamed, mlpStreamLearner } from '../../../src/core/nn/mlpStream';
import { DEFAULT_SEED, Random } from '../../../src/core/random';
import { HOLDOUT_FOLD } from '../../../src/core/stream/source';
import { CancelledError, MlError, type ProgressEvent, type Task } from '../../../src/core/types';
import { csvStreamSource, gatherRows } from './csvSource';

/** `rows` rows of 4 standard-normal features; a two-class label from a curved rule with noise, or a numeric target. */
function writeData(dir: string, rows: number, task: Task): string {
  const random = new Random(5);
  const lines = ['a,b,c,d,target'];
  for (let i = 0; i < rows; i++) {
    const x = [random.normal(), random.normal(), random.normal(), random.normal()];
    const score = (x[0] as number) - 0.7 * (x[1] as number) + 0.5 * (x[2] as number) ** 2 - 0.5 + 0.4 * random.normal();
    lines.push([...x.map((v) => v.toFixed(4)), task === 'classification' ? (score > 0 ? 'up' : 'down') : (20 * score + 100).toFixed(3)].join(','));
  }
  const file = join(dir, `mlp-${task}.csv`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const PARAMS = { hidden_layer_sizes: [8], learning_rate_init: 0.01, batch_size: 32, max_iter: 12 };

async function open(file: string, task: Task): Promise<Awaited<ReturnType<typeof csvStreamSource>>> {
  return csvStreamSource({
    file,
    target: 'target',
    task,
    seed: DEFAULT_SEED,
    split: { method: 'holdout', testSize: 0.25 },
    heldOut: HOLDOUT_FOLD,
    batchSize: 100,
  });
}

test('streamed mlp with a shuffle buffer that holds every training row equals the in-memory fit (same mini-batches, same weights)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-mlp-stream-'));
  try {
    for (const task of ['classification', 'regression'] as const) {
      const source = await open(writeData(dir, 1200, task), task);
      try {
        const train = await gatherRows(source, 'train');
        const heldOut = await gatherRows(source, 'heldOut');
        const passes = source.passes();
        const streamed = await fitMlpStreamed(source, PARAMS, { seed: DEFAULT_SEED }, { bufferRows: 5000 });
        // One pass per epoch, and for regression one more for the target's mean and standard deviation.
        assert.equal(source.passes() - passes, PARAMS.max_iter + (task === 'regression' ? 1 : 0));
        if (task === 'classification') {
          const inMemory = new MlpClassifier(PARAMS);
          await inMemory.fit(
            train.X,
            Array.from(train.y, (k) => source.classes[k] as string),
            { seed: DEFAULT_SEED },
          );
          assert.ok(streamed instanceof MlpClassifier);
          assert.deepEqual(streamed.history?.loss, inMemory.history?.loss);
          assert.deepEqual(streamed.predictProba(heldOut.X).data, inMemory.predictProba(heldOut.X).data);
        } else {
          const inMemory = new MlpRegressor(PARAMS);
          await inMemory.fit(train.X, train.y, { seed: DEFAULT_SEED });
          assert.ok(streamed instanceof MlpRegressor);
          assert.deepEqual(streamed.predict(heldOut.X), inMemory.predict(heldOut.X));
        }
      } finally {
        source.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('streamed mlp with a small shuffle buffer: held-out accuracy within 3 points of the in-memory fit; early stopping on hash-chosen rows', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-mlp-stream-'));
  try {
    const source = await open(writeData(dir, 3000, 'classification'), 'classification');
    try {
      const train = await gatherRows(source, 'train');
      const heldOut = await gatherRows(source, 'heldOut');
      const truth = Array.from(heldOut.y, (k) => source.classes[k] as string);
      const accuracy = (predicted: string[]): number => predicted.filter((label, i) => label === truth[i]).length / truth.length;
      const params = { ...PARAMS, max_iter: 20 };
      // 256-row buffers: each mini-batch mixes rows of nearby batches only, so the SGD path differs from the in-memory
      // one (whole-set shuffles); on this 750-row hold-out the two land within 3 points (measured: see the report).
      const streamed = (await fitMlpStreamed(source, params, { seed: DEFAULT_SEED }, { bufferRows: 256 })) as MlpClassifier;
      const inMemory = new MlpClassifier(params);
      await inMemory.fit(
        train.X,
        Array.from(train.y, (k) => source.classes[k] as string),
        { seed: DEFAULT_SEED },
      );
      const a = accuracy(streamed.predict(heldOut.X));
      const b = accuracy(inMemory.predict(heldOut.X));
      t.diagnostic(`held-out accuracy: streamed ${a.toFixed(4)}, in memory ${b.toFixed(4)}`);
      assert.ok(b > 0.85, `in-memory accuracy ${b}`);
      assert.ok(Math.abs(a - b) <= 0.03, `streamed ${a} vs in-memory ${b}`);

      const events: ProgressEvent[] = [];
      const stopping = (await mlpStreamLearner({ ...params, max_iter: 200, early_stopping: true, n_iter_no_change: 3 }, 'classification').fit(source, {
        seed: DEFAULT_SEED,
        onProgress: (event) => events.push(event),
      })) as MlpClassifier;
      const history = stopping.history;
      assert.ok(history && history.epochs < 200, `stopped early after ${history?.epochs} epochs`);
      assert.equal(history.valLoss.length, history.epochs);
      assert.ok(events.every((e) => e.stage === 'train' && e.metrics?.val_loss !== undefined));
      t.diagnostic(`early stopping: ${history.epochs} epochs, held-out accuracy ${accuracy(stopping.predict(heldOut.X)).toFixed(4)}`);
      assert.ok(Math.abs(accuracy(stopping.predict(heldOut.X)) - b) <= 0.05);
    } finally {
      source.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('streamed mlp: bad parameters fail before reading; cancel mid-epoch', async () => {
  assert.throws(() => mlpStreamLearner({ hidden_layer_sizes: 'wide' }, 'classification'), MlError);
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-mlp-stream-'));
  try {
    const source = await open(writeData(dir, 1200, 'classification'), 'classification');
    try {
      const controller = new AbortController();
      const fit = fitMlpStreamed(source, { ...PARAMS, max_iter: 500 }, { seed: DEFAULT_SEED, signal: controller.signal, onProgress: () => controller.abort() });
      await assert.rejects(fit, CancelledError);
    } finally {
      source.close();
    }
    // A missing cell reaches the network as NaN: refused, naming the file row and the feature.
    const gappy = join(dir, 'gappy.csv');
    writeFileSync(gappy, 'a,b,target\n1,2,up\n3,,down\n5,6,up\n7,8,down\n');
    const withGap = await csvStreamSource({
      file: gappy,
      target: 'target',
      task: 'classification',
      seed: DEFAULT_SEED,
      split: { method: 'holdout', testSize: 0.01 },
      heldOut: HOLDOUT_FOLD,
      batchSize: 10,
    });
    try {
      await assert.rejects(
        fitMlpStreamed(withGap, PARAMS, { seed: DEFAULT_SEED }),
        (error: unknown) => error instanceof MlError && /row 2 of the file, feature b/.test(error.message),
      );
    } finally {
      withGap.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
