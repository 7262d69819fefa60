import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../../src/core/nn/backend';
import { WordTokenizer } from '../../../src/core/nn/tokenizer';
import { TransformerClassifier } from '../../../src/core/nn/transformer';
import { CancelledError } from '../../../src/core/types';
import { topicTexts } from './data';
import { DEFAULT_SEED } from '../../../src/core/random';

const train = topicTexts(300, 1);
const holdout = topicTexts(150, 2);
const small = { max_length: 24, embed_dim: 16, num_heads: 2, ff_dim: 32, learning_rate_init: 0.005, batch_size: 32 };
const dir = mkdtempSync(path.join(tmpdir(), 'mlwb-transformer-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

function accuracy(predicted: readonly string[], truth: readonly string[]): number {
  return predicted.filter((label, i) => label === truth[i]).length / truth.length;
}

test('the tokenizer keeps the most frequent words after [PAD], [UNK], [CLS] and pads to max_length', () => {
  const tokenizer = WordTokenizer.build(['Déjà vu, the cat!', 'the CAT sat', 'the dog'], 6);
  assert.deepEqual(tokenizer.vocab, ['[PAD]', '[UNK]', '[CLS]', 'the', 'cat', 'déjà']);
  assert.deepEqual([...tokenizer.encode('The cat ate déjà', 6)], [2, 3, 4, 1, 5, 0]);
  assert.deepEqual([...tokenizer.encode('the the the the the the the', 4)], [2, 3, 3, 3]);
});

test('learns a three-topic text set far above chance (1/3), with per-epoch progress', async () => {
  const losses: number[] = [];
  const model = new TransformerClassifier({ ...small, epochs: 8 });
  await model.fit(train.texts, train.labels, { seed: 1, onProgress: (e) => losses.push(e.loss as number) });
  assert.equal(losses.length, 8);
  assert.ok((losses.at(-1) as number) < (losses[0] as number) / 2, `losses ${losses.join(', ')}`);
  const acc = accuracy(model.predict(holdout.texts), holdout.labels);
  assert.ok(acc >= 0.85, `holdout accuracy ${acc}`);

  // Round trips through JSON and through the tfjs layers folder give identical probabilities.
  const expected = model.predictProba(holdout.texts).data;
  const fromJson = TransformerClassifier.fromJSON(JSON.parse(JSON.stringify(model.toJSON())));
  assert.deepEqual(fromJson.predictProba(holdout.texts).data, expected);
  await model.saveTo(dir);
  const modelJson = JSON.parse(readFileSync(path.join(dir, 'model.json'), 'utf8'));
  assert.equal(modelJson.format, 'layers-model');
  assert.ok(existsSync(path.join(dir, 'weights.bin')));
  const loaded = await TransformerClassifier.loadFrom(dir);
  assert.deepEqual(loaded.predictProba(holdout.texts).data, expected);
  assert.deepEqual(loaded.classes, ['food', 'sport', 'tech']);
  [model, fromJson, loaded].forEach((m) => m.dispose());
});

test('starting from a saved pretrained encoder lowers the first-epoch loss', async () => {
  // Runs after the test above, which saved a trained model in `dir`.
  const fresh = new TransformerClassifier({ ...small, epochs: 1, learning_rate_init: 0.02 });
  await fresh.fit(train.texts, train.labels, { seed: 9 });
  const pretrained = new TransformerClassifier({ epochs: 1, learning_rate_init: 0.02, pretrained: dir, max_length: 99 });
  await pretrained.fit(train.texts, train.labels, { seed: 9 });
  const [freshLoss] = fresh.history?.loss ?? [];
  const [pretrainedLoss] = pretrained.history?.loss ?? [];
  assert.ok((pretrainedLoss as number) < (freshLoss as number) - 0.2, `pretrained ${pretrainedLoss} vs fresh ${freshLoss}`);
  // The architecture comes from the pretrained folder, and a frozen encoder keeps its weights.
  assert.equal(pretrained.params.max_length, 24);
  const source = await TransformerClassifier.loadFrom(dir);
  const encoderOf = (m: TransformerClassifier): unknown => (m.toJSON().weights as { name: string; data: string }[]).filter((w) => !w.name.startsWith('head'));
  assert.deepEqual(encoderOf(pretrained), encoderOf(source));
  [fresh, pretrained, source].forEach((m) => m.dispose());
});

test('the same seed gives identical probabilities on wasm', async () => {
  const run = async (seed: number): Promise<Float64Array> => {
    const model = new TransformerClassifier({ ...small, epochs: 1, dropout: 0.2 });
    await model.fit(train.texts.slice(0, 96), train.labels.slice(0, 96), { seed });
    const out = model.predictProba(holdout.texts.slice(0, 20)).data;
    model.dispose();
    return out;
  };
  const first = await run(3);
  assert.deepEqual(await run(3), first);
  assert.notDeepEqual(await run(4), first);
});

test('cancellation stops between epochs and frees every tensor', async () => {
  await initBackend();
  const baseline = tf.memory().numTensors;
  const controller = new AbortController();
  const model = new TransformerClassifier({ ...small, epochs: 5 });
  await assert.rejects(
    model.fit(train.texts.slice(0, 64), train.labels.slice(0, 64), { seed: DEFAULT_SEED, signal: controller.signal, onProgress: () => controller.abort() }),
    CancelledError,
  );
  assert.equal(tf.memory().numTensors, baseline);
});

test('bad parameters and inputs are named', async () => {
  assert.throws(() => new TransformerClassifier({ heads: 2 }), /unknown parameter 'heads'/);
  assert.throws(() => new TransformerClassifier({ embed_dim: 30, num_heads: 4 }), /embed_dim \(30\) must be divisible by num_heads \(4\)/);
  assert.throws(() => new TransformerClassifier({ pooling: 'max' }), /pooling must be one of mean, cls/);
  await assert.rejects(new TransformerClassifier(small).fit(['a b', 'c d'], ['x', 'x'], { seed: DEFAULT_SEED }), /single class/);
  await assert.rejects(new TransformerClassifier(small).fit(['a b'], ['x', 'y'], { seed: DEFAULT_SEED }), /1 texts but 2 labels/);
  await assert.rejects(
    new TransformerClassifier({ ...small, pretrained: '/nonexistent/encoder' }).fit(['a', 'b'], ['x', 'y'], { seed: DEFAULT_SEED }),
    /\/nonexistent\/encoder holds no model.json/,
  );
  assert.throws(() => new TransformerClassifier(small).predict(['a']), /not fitted/);
});
