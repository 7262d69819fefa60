/**
 * Serving and exporting a run with an `embed` step (issue 20): the service loads the same encoder
 * and embeds raw text at request time on /invocations and the Open Inference Protocol route; it
 * refuses to start when the encoder folder is missing or changed; the folder and container exports
 * carry the encoder, and the container's CMD serves from a copy outside the repository.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { tableFromRecords } from '../../../src/core/data/table';
import { hashModelFolder } from '../../../src/core/embed/modelFolder';
import { exportModel } from '../../../src/core/export/formats';
import { loadRunModel } from '../../../src/core/runs/artifacts';
import { executeRun } from '../../../src/core/runs/execute';
import { RunStore } from '../../../src/core/runs/store';
import { MlError } from '../../../src/core/types';
import { PredictionService } from '../../../src/serve/service';
import { REVIEWS, reviewsWorkspace } from '../embed/fixture';
import { freePort } from '../sources/servers';
import { readDockerfile, runCmd } from './containerContext';
import { post, withService } from './fixture';
import { serveBundle } from './spawn';

const root = path.join(__dirname, '..', '..', '..');

/** The reviews' texts (the fixture has no quotes; the label is after the last comma). */
function reviewTexts(): string[] {
  return readFileSync(REVIEWS, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.slice(0, line.lastIndexOf(',')));
}

/** Texts no training row holds: the service must embed them at request time. */
const NEW_TEXTS = ['An amazing film with excellent acting.', 'Awful plot, a real waste of time.', '', 'music'];

/** A workspace with reviews.csv, the tiny encoder under models/ and a completed embed + logistic_regression run. */
async function trainedEmbedRun(): Promise<{ workspace: string; runDir: string; encoder: string }> {
  const {
    root: workspace,
    file,
    encoder,
  } = reviewsWorkspace('mlwb-serve-embed-', [
    'name: reviews-embed',
    'data: { path: reviews.csv, target: label }',
    'prepare:',
    '  - embed: { column: review, model: models/tiny-bert, pooling: mean, normalize: true, max_length: 16 }',
    'model: { type: logistic_regression, params: { C: 10 } }',
    'validation: { method: holdout, test_size: 0.25, stratify: true }',
    'importance: false',
    'seed: 42',
  ]);
  const record = await executeRun({ workspaceRoot: workspace, experimentFile: file });
  assert.equal(record.status, 'completed', record.reason);
  return { workspace, runDir: new RunStore(workspace).runDir(record.id), encoder };
}

let trained: ReturnType<typeof trainedEmbedRun> | undefined;
/** One trained run per test process; tests that break its encoder folder work on copies. */
const embedRun = (): ReturnType<typeof trainedEmbedRun> => (trained ??= trainedEmbedRun());

/** What the run predicts in-process for these texts (the pipeline's async transform, then the model). */
async function inProcess(runDir: string, texts: readonly string[]) {
  const loaded = await loadRunModel(runDir);
  assert.equal(loaded.isAsync, true);
  return loaded.predictAsync(tableFromRecords(texts.map((review) => ({ review }))));
}

test('a served embed run predicts from raw text on /invocations (records, split, CSV) and v2 infer as the run does in-process', async () => {
  const { runDir, encoder } = await embedRun();
  const texts = [...reviewTexts().slice(0, 20), ...NEW_TEXTS];
  const expected = await inProcess(runDir, texts);
  assert.equal(expected.predictions.length, texts.length);
  assert.ok(new Set(expected.predictions).size === 2, 'both classes are predicted');
  await withService(runDir, async (url) => {
    const health = (await (await fetch(`${url}/health`)).json()) as Record<string, unknown>;
    assert.deepEqual(health.features, ['review']);
    assert.deepEqual(health.encoders, [{ column: 'review', sha256: hashModelFolder(encoder) }]);

    const records = await post(`${url}/invocations`, JSON.stringify({ dataframe_records: texts.map((review) => ({ review })) }));
    assert.equal(records.status, 200, JSON.stringify(records.json));
    assert.deepEqual(records.json.predictions, expected.predictions);
    assert.deepEqual(records.json.probabilities, expected.probabilities);

    const split = await post(`${url}/invocations`, JSON.stringify({ dataframe_split: { columns: ['review'], data: texts.map((t) => [t]) } }));
    assert.deepEqual(split.json.predictions, expected.predictions);
    const csv = await post(`${url}/invocations`, `review\n${texts.slice(0, 20).join('\n')}\n`, 'text/csv');
    assert.equal(csv.status, 200, JSON.stringify(csv.json));
    assert.deepEqual(csv.json.predictions, expected.predictions.slice(0, 20));

    const metadata = (await (await fetch(`${url}/v2/models/reviews-embed`)).json()) as { inputs: { name: string; datatype: string }[] };
    assert.deepEqual(
      metadata.inputs.map((input) => [input.name, input.datatype]),
      [['review', 'BYTES']],
    );
    const inputs = [{ name: 'review', shape: [texts.length, 1], datatype: 'BYTES', data: texts }];
    const infer = await post(`${url}/v2/models/reviews-embed/infer`, JSON.stringify({ inputs }));
    assert.equal(infer.status, 200, JSON.stringify(infer.json));
    const [label, probabilities] = infer.json.outputs as { name: string; data: unknown[] }[];
    assert.equal(label?.name, 'label');
    assert.deepEqual(label?.data, expected.predictions);
    assert.deepEqual(probabilities?.data, expected.probabilities?.flat());

    // A request without the text column is the client's mistake, naming the column.
    const wrong = await post(`${url}/invocations`, JSON.stringify({ dataframe_records: [{ text: 'a good film' }] }));
    assert.equal(wrong.status, 400, JSON.stringify(wrong.json));
    assert.match(JSON.stringify(wrong.json), /review/);
  });
});

test('the service refuses to start when the encoder folder is missing or its files changed, naming the folder and the hashes', async () => {
  const { runDir, encoder } = await embedRun();
  const recorded = hashModelFolder(encoder);
  const moved = `${encoder}-moved`;
  renameSync(encoder, moved);
  try {
    await assert.rejects(PredictionService.load({ runDir, writeFeedback: false }), (error: unknown) => {
      assert.ok(error instanceof MlError);
      assert.match(error.message, /embeds column "review" with the encoder folder .*tiny-bert, which does not exist/);
      assert.match(error.message, new RegExp(`sha256 ${recorded.slice(0, 12)}`));
      assert.match(error.message, /--format folder or container/);
      return true;
    });
  } finally {
    renameSync(moved, encoder);
  }
  const config = path.join(encoder, 'config.json');
  const original = readFileSync(config);
  appendFileSync(config, '\n');
  try {
    await assert.rejects(PredictionService.load({ runDir, writeFeedback: false }), (error: unknown) => {
      assert.ok(error instanceof MlError);
      assert.match(error.message, /whose files have changed since training/);
      assert.match(error.message, new RegExp(`trained with ${recorded.slice(0, 12)}`));
      assert.match(error.message, new RegExp(`sha256 ${hashModelFolder(encoder).slice(0, 12)}`));
      return true;
    });
    // An export is refused the same way: it would carry another encoder than the run's.
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'mlwb-embed-export-')), 'export');
    assert.throws(() => exportModel(runDir, out, { format: 'folder' }), /cannot export: the run embeds column "review" .*changed since training/);
  } finally {
    writeFileSync(config, original);
  }
  assert.equal(hashModelFolder(encoder), recorded);
  await assert.rejects(
    PredictionService.load({ runDir, writeFeedback: false, online: { minRows: 20 } }),
    /online updates \(--online\) are not available for a run with an embed step/,
  );
});

test('the folder export carries the encoder and serves from a copy elsewhere once the workspace’s folder is gone', async () => {
  const { runDir, encoder } = await embedRun();
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'mlwb-embed-export-')), 'export');
  const result = exportModel(runDir, out, { format: 'folder' });
  assert.ok(result.files.includes('encoders/'));
  assert.equal(hashModelFolder(path.join(out, 'encoders', 'tiny-bert')), hashModelFolder(encoder));
  const pipeline = JSON.parse(readFileSync(path.join(out, 'pipeline.json'), 'utf8')) as { steps: { step: string; state: { model: string } }[] };
  assert.equal(pipeline.steps.find((s) => s.step === 'embed')?.state.model, 'encoders/tiny-bert');
  assert.match(readFileSync(path.join(out, 'README.md'), 'utf8'), /`encoders\/` — the pretrained text encoders/);

  const copy = path.join(mkdtempSync(path.join(tmpdir(), 'mlwb-embed-copy-')), 'moved');
  cpSync(out, copy, { recursive: true });
  const texts = [...reviewTexts().slice(-10), ...NEW_TEXTS];
  const expected = await inProcess(runDir, texts);
  const moved = `${encoder}-gone`;
  renameSync(encoder, moved);
  try {
    await withService(copy, async (url) => {
      const answer = await post(`${url}/invocations`, JSON.stringify({ instances: texts.map((review) => ({ review })) }));
      assert.equal(answer.status, 200, JSON.stringify(answer.json));
      assert.deepEqual(answer.json.predictions, expected.predictions);
      assert.deepEqual(answer.json.probabilities, expected.probabilities);
    });
  } finally {
    renameSync(moved, encoder);
  }
});

test('the ONNX export refuses an embed run, saying why and which export to use instead', async () => {
  const { runDir } = await embedRun();
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'mlwb-embed-onnx-')), 'onnx');
  assert.throws(
    () => exportModel(runDir, out, { format: 'onnx' }),
    (error: unknown) => {
      assert.ok(error instanceof MlError);
      assert.match(error.message, /embed/);
      assert.match(error.message, /tokenizer/);
      assert.match(error.message, /--format container/);
      assert.match(error.message, /--format folder/);
      return true;
    },
  );
  assert.equal(existsSync(path.join(out, 'model.onnx')), false);
});

test('the container export carries the encoder and the ONNX runtime; its CMD serves from a copy outside the repository and predicts from text', async () => {
  const { runDir } = await embedRun();
  const out = path.join(mkdtempSync(path.join(tmpdir(), 'mlwb-embed-container-')), 'context');
  const result = exportModel(runDir, out, { format: 'container', serviceBundle: await serveBundle('container') });
  assert.ok(result.files.includes('model/encoders/'));
  assert.ok(result.files.includes('node_modules/'));
  assert.doesNotMatch(readFileSync(path.join(out, '.dockerignore'), 'utf8'), /^node_modules$/m);
  assert.ok(existsSync(path.join(out, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', 'linux', 'x64', 'onnxruntime_binding.node')));
  assert.ok(existsSync(path.join(out, 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', 'linux', 'arm64', 'onnxruntime_binding.node')));
  assert.match(readFileSync(path.join(out, 'README.md'), 'utf8'), /`model\/encoders\/` holds its folder/);
  const docker = readDockerfile(out);
  assert.deepEqual(docker.cmd, ['node', 'server.js']);

  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'mlwb-embed-container-copy-')), 'context');
  cpSync(out, dir, { recursive: true });
  assert.ok(!path.resolve(dir).startsWith(path.resolve(root) + path.sep));
  const service = runCmd(dir, docker, { HOST: '127.0.0.1', PORT: String(await freePort()) });
  try {
    const { url } = await service.listening;
    const texts = [...reviewTexts().slice(0, 10), ...NEW_TEXTS];
    const expected = await inProcess(runDir, texts);
    const answer = await post(`${url}/invocations`, JSON.stringify({ dataframe_records: texts.map((review) => ({ review })) }));
    assert.equal(answer.status, 200, JSON.stringify(answer.json));
    assert.deepEqual(answer.json.predictions, expected.predictions);
    assert.deepEqual(answer.json.probabilities, expected.probabilities);
    const inputs = [{ name: 'review', shape: [texts.length, 1], datatype: 'BYTES', data: texts }];
    const infer = await post(`${url}/v2/models/reviews-embed/infer`, JSON.stringify({ inputs }));
    assert.equal(infer.status, 200, JSON.stringify(infer.json));
    assert.deepEqual((infer.json.outputs as { data: unknown[] }[])[0]?.data, expected.predictions);
    service.child.kill('SIGTERM');
    assert.equal((await service.exited).code, 0);
  } finally {
    service.child.kill('SIGKILL');
  }
});
