import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { tableFromRecords, tableFromRows, type Table } from '../../../src/core/data/table';
import { EmbeddingCache } from '../../../src/core/embed/cache';
import { embedTexts, loadEncoder } from '../../../src/core/embed/encoder';
import { hashModelFolder } from '../../../src/core/embed/modelFolder';
import { trainExperiment } from '../../../src/core/experiment/train';
import { Pipeline } from '../../../src/core/prepare/pipeline';
import { loadRunModel } from '../../../src/core/runs/artifacts';
import { executeRun } from '../../../src/core/runs/execute';
import { RunStore } from '../../../src/core/runs/store';
import { CancelledError, type DenseMatrix, type ProgressEvent } from '../../../src/core/types';
import { reference, REVIEWS, reviewsWorkspace, TINY_BERT } from './fixture';

function reviews(): { header: string[]; rows: string[][] } {
  const lines = readFileSync(REVIEWS, 'utf8').trim().split('\n');
  return {
    header: (lines[0] as string).split(','),
    rows: lines.slice(1).map((line) => [line.slice(0, line.lastIndexOf(',')), line.slice(line.lastIndexOf(',') + 1)]),
  };
}

/** A workspace holding reviews.csv, the tiny encoder under models/, and an experiment with an embed step. */
function workspace(prepare: string, validation = '{ method: kfold, folds: 3, stratify: true }'): { root: string; file: string } {
  return reviewsWorkspace('mlwb-embed-', [
    'name: reviews-embed',
    'data: { path: reviews.csv, target: label }',
    'prepare:',
    `  - embed: ${prepare}`,
    'model: { type: logistic_regression, params: { C: 10 } }',
    `validation: ${validation}`,
    'importance: false',
    'seed: 42',
  ]);
}

test('embed + logistic regression trains through executeRun; the run records width, hash, truncations and cache counts; each text is embedded once over the folds and the refit', async () => {
  const { root, file } = workspace('{ column: review, model: models/tiny-bert, pooling: mean, max_length: 8, batch_size: 16 }');
  try {
    const record = await executeRun({ workspaceRoot: root, experimentFile: file });
    assert.equal(record.status, 'completed', record.reason);
    assert.deepEqual(
      record.featureNames,
      Array.from({ length: reference.hidden_size }, (_, j) => `review_emb_${j}`),
    );
    const embeddings = record.embeddings;
    assert.ok(embeddings);
    const step = embeddings.steps[0];
    assert.ok(step);
    assert.equal(step.width, reference.hidden_size);
    assert.equal(step.model, path.join(root, 'models', 'tiny-bert'));
    assert.equal(step.sha256, hashModelFolder(TINY_BERT));
    // Reviews of eight or more words are longer than 8 tokens with [CLS] and [SEP]: counted over the refit's rows.
    const { rows } = reviews();
    const encoder = await loadEncoder(TINY_BERT);
    const longer = rows.filter(([text]) => encoder.tokenizer.encode(text as string, 8).truncated).length;
    assert.ok(longer > 0);
    assert.equal(step.truncated, longer);
    // Fold 1 embeds every text (its training rows, then its held-out rows); folds 2 and 3 and the refit find them all.
    const unique = new Set(rows.map(([text]) => text)).size;
    assert.equal(embeddings.cache.misses, unique);
    assert.ok(embeddings.cache.hits >= 2 * unique, `hits ${embeddings.cache.hits}`);
    const accuracy = (record.metrics as { accuracy: number }).accuracy;
    assert.ok(Number.isFinite(accuracy) && accuracy >= 0 && accuracy <= 1);
    assert.ok(existsSync(path.join(root, '.mlwb', 'cache', 'embed')));

    // A re-run embeds nothing: every text is in the workspace's disk cache.
    const again = await executeRun({ workspaceRoot: root, experimentFile: file });
    assert.equal(again.status, 'completed', again.reason);
    assert.equal(again.embeddings?.cache.misses, 0);
    assert.deepEqual(again.metrics, record.metrics);

    // The saved run reloads and predicts from raw text, embedding it on the way.
    const loaded = await loadRunModel(new RunStore(root).runDir(record.id));
    assert.equal(loaded.isAsync, true);
    const sample = rows.slice(0, 12);
    const table = tableFromRows(
      ['review'],
      sample.map(([text]) => [text]),
      { kinds: { review: 'text' } },
    );
    const served = await loaded.predictAsync(table);
    // The same texts embedded straight through the encoder function, then the model alone.
    const direct = await embedTexts(
      encoder,
      sample.map(([text]) => text as string),
      { pooling: 'mean', normalize: true, maxLength: 8, batchSize: 5 },
    );
    const X: DenseMatrix = { kind: 'dense', rows: sample.length, cols: direct.width, data: direct.data };
    const model = loaded.model as unknown as { predict(X: DenseMatrix): string[] };
    assert.deepEqual(served.predictions, [...model.predict(X)]);
    assert.equal(served.probabilities?.length, sample.length);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('the cache is hit on the second fold: trainExperiment with 2 folds embeds each text once', async () => {
  const { header, rows } = reviews();
  const table = tableFromRows(header, rows.slice(0, 60), { kinds: { review: 'text' } });
  const progress: ProgressEvent[] = [];
  const result = await trainExperiment(
    {
      data: { path: 'reviews.csv', target: 'label' },
      prepare: [{ embed: { column: 'review', model: TINY_BERT, max_length: 16 } }],
      model: { type: 'logistic_regression' },
      validation: { method: 'kfold', folds: 2 },
      importance: false,
    },
    table,
    { seed: 1, onProgress: (event) => progress.push(event) },
  );
  const steps = (result.pipeline as unknown as { pipeline: Pipeline }).pipeline.steps;
  const counts = (steps[0] as unknown as { cacheCounts: { hits: number; misses: number } }).cacheCounts;
  const unique = new Set(rows.slice(0, 60).map(([text]) => text)).size;
  assert.equal(counts.misses, unique);
  // Fold 2 (training and held-out rows) and the refit: every text a hit.
  assert.equal(counts.hits, 2 * unique);
  const embed = progress.filter((event) => event.stage === 'embed');
  assert.ok(embed.length > 0);
  assert.ok(embed.every((event) => event.of !== undefined && event.step <= event.of));
});

async function prepareError(options: Record<string, unknown>, table?: Table): Promise<string> {
  const rows = table ?? tableFromRecords([{ review: 'a fine film' }, { review: 'the worst' }], { kinds: { review: 'text' } });
  const pipeline = Pipeline.fromSpec([{ embed: { column: 'review', model: TINY_BERT, ...options } }], {
    embed: { baseDir: tmpdir(), cache: new EmbeddingCache() },
  });
  await assert.rejects(pipeline.fitTransformAsync(rows, ['a', 'b'], { seed: 1 }), (error: Error) => {
    assert.equal(error.name, 'MlError', error.message);
    return true;
  });
  return pipeline.fitTransformAsync(rows, ['a', 'b'], { seed: 1 }).then(
    () => '',
    (error: Error) => error.message,
  );
}

function brokenCopy(change: (folder: string) => void): string {
  const folder = path.join(mkdtempSync(path.join(tmpdir(), 'mlwb-encoder-')), 'model');
  cpSync(TINY_BERT, folder, { recursive: true });
  change(folder);
  return folder;
}

test('errors name the folder, the file or the column', async () => {
  const missing = path.join(tmpdir(), 'no-such-encoder');
  assert.match(await prepareError({ model: missing }), new RegExp(`prepare step 1 \\(embed\\): model folder ${missing} does not exist`));
  const relative = await prepareError({ model: 'models/absent' });
  assert.match(relative, /model folder .*models\/absent does not exist/);

  const noOnnx = brokenCopy((folder) => rmSync(path.join(folder, 'onnx'), { recursive: true }));
  assert.match(await prepareError({ model: noOnnx }), new RegExp(`model folder ${noOnnx} has no ONNX model at onnx/model.onnx`));

  const wordLevel = brokenCopy((folder) => {
    const file = path.join(folder, 'tokenizer.json');
    const json = JSON.parse(readFileSync(file, 'utf8')) as { model: { type: string } };
    json.model.type = 'WordLevel';
    writeFileSync(file, JSON.stringify(json));
  });
  assert.match(await prepareError({ model: wordLevel }), /tokenizer\.json has tokenizer model "WordLevel"; supported: WordPiece, BPE, Unigram/);

  const noHidden = path.join(TINY_BERT, '..', 'no-hidden-state');
  assert.match(await prepareError({ model: noHidden }), /onnx\/model\.onnx has no output named last_hidden_state \(its outputs: logits\)/);

  const numeric = tableFromRecords([{ review: 1 }, { review: 2 }]);
  assert.match(await prepareError({}, numeric), /column "review" is numeric; the embed step needs a text column/);
  assert.match(await prepareError({ column: 'body' }), /embed: column "body" not found|column "body" not found/);
  assert.match(await prepareError({ max_length: 1000 }), /max_length" is 1000, but the model in .* takes at most 64 tokens/);
  assert.throws(() => Pipeline.fromSpec([{ embed: { column: 'review', model: TINY_BERT, pooling: 'max' } }]), /option "pooling" must be one of "mean", "cls"/);
  assert.throws(() => Pipeline.fromSpec([{ embed: { column: 'review' } }]), /option "model" must be the path of a local model folder/);
});

test('out of memory on a batch says to lower batch_size', async () => {
  const real = await loadEncoder(TINY_BERT);
  const failing = { ...real, run: () => Promise.reject(new Error('Failed to allocate memory for requested buffer of size 1073741824')) };
  await assert.rejects(
    embedTexts(failing, ['a', 'b', 'c'], { pooling: 'mean', normalize: true, maxLength: 16, batchSize: 3 }),
    /ran out of memory on a batch of 3 texts of up to \d+ tokens; lower batch_size \(now 3\)/,
  );
});

test('a cancel between batches stops the embedding', async () => {
  const controller = new AbortController();
  const pipeline = Pipeline.fromSpec([{ embed: { column: 'review', model: TINY_BERT, batch_size: 1 } }], {
    embed: { baseDir: tmpdir(), cache: new EmbeddingCache(), signal: controller.signal, onProgress: () => controller.abort() },
  });
  const table = tableFromRecords(
    reference.texts.map((t) => ({ review: t.text })),
    { kinds: { review: 'text' } },
  );
  await assert.rejects(
    pipeline.fitTransformAsync(
      table,
      reference.texts.map(() => 'x'),
      { seed: 1 },
    ),
    CancelledError,
  );
});

test('the synchronous transform refuses a pipeline whose texts were not embedded', () => {
  const pipeline = Pipeline.fromSpec([{ embed: { column: 'review', model: TINY_BERT } }]);
  assert.equal(pipeline.isAsync, true);
  const table = tableFromRecords([{ review: 'a' }, { review: 'b' }], { kinds: { review: 'text' } });
  assert.throws(() => pipeline.fitTransform(table, ['a', 'b'], { seed: 1 }), /before ready/);
});
