// The New Experiment wizard's "Pretrained encoder (local folder)" choice for a text column (issue 20): the
// folder check, the path written, and the embed step of the template (mean pooling, unit length).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { modelTypes } from '../../../src/core/models/registry';
import { parseExperiment } from '../../../src/core/runs/experimentFile';
import { encoderFolderProblem, encoderPath, experimentYaml, type TemplateColumn } from '../../../src/extension/experiments/template';
import { TINY_BERT } from '../embed/fixture';
import { validateSchema as validate } from './experimentSchema';

const columns: TemplateColumn[] = [
  { name: 'stars', kind: 'numeric', missing: 2 },
  { name: 'review', kind: 'text', missing: 0 },
  { name: 'title', kind: 'text', missing: 0 },
  { name: 'label', kind: 'categorical', missing: 0 },
];

const has = (folder: string) => (file: string) => existsSync(path.join(folder, file));

test('a folder with config.json, tokenizer.json and onnx/model.onnx is an encoder; one without names each missing file', () => {
  assert.equal(encoderFolderProblem(TINY_BERT, has(TINY_BERT)), undefined);
  const partial = path.join(mkdtempSync(path.join(tmpdir(), 'mlwb-wizard-encoder-')), 'half');
  cpSync(TINY_BERT, partial, { recursive: true });
  rmSync(path.join(partial, 'onnx'), { recursive: true });
  rmSync(path.join(partial, 'tokenizer.json'));
  const problem = encoderFolderProblem(partial, has(partial));
  assert.ok(problem);
  assert.match(
    problem,
    new RegExp(`^${partial.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not a pretrained encoder folder: it has no tokenizer.json, onnx/model.onnx`),
  );
  assert.match(problem, /docs\/embeddings\.md/);
  const empty = mkdtempSync(path.join(tmpdir(), 'mlwb-wizard-empty-'));
  assert.match(encoderFolderProblem(empty, has(empty)) ?? '', /it has no config\.json, tokenizer\.json, onnx\/model\.onnx/);
});

test('the encoder is written relative to the experiment file with forward slashes', () => {
  const base = path.join(path.sep, 'work', 'project');
  assert.equal(encoderPath(path.join(base, 'models', 'all-MiniLM-L6-v2'), base), 'models/all-MiniLM-L6-v2');
  assert.equal(encoderPath(path.join(path.sep, 'work', 'encoders', 'bge'), base), '../encoders/bge');
  assert.equal(encoderPath(base, base), '.');
});

test('with an encoder the first text column gets an embed step with mean pooling and normalize instead of TF-IDF; the file is valid for every model that reads numbers', () => {
  for (const info of modelTypes().filter((t) => t.input !== 'text' && t.tasks.includes('classification'))) {
    const text = experimentYaml({
      name: 'reviews',
      dataPath: 'data/reviews.csv',
      target: 'label',
      task: 'classification',
      model: info.type,
      validation: { method: 'kfold', folds: 5, stratify: true },
      columns,
      encoder: 'models/tiny-bert',
    });
    const loaded = parseExperiment('/tmp/reviews.experiment.yaml', text, false);
    assert.deepEqual(loaded.problems, [], `${info.type}\n${text}`);
    assert.equal(validate(parse(text)), true, `${info.type}: ${JSON.stringify(validate.errors)}`);
    const prepare = (parse(text) as { prepare: Record<string, unknown>[] }).prepare;
    assert.deepEqual(
      prepare.filter((step) => 'embed' in step),
      [{ embed: { column: 'review', model: 'models/tiny-bert', pooling: 'mean', normalize: true } }],
    );
    assert.ok(!prepare.some((step) => 'text' in step), `${info.type}: no TF-IDF step beside the encoder`);
    assert.match(text, /- embed: .*# a pretrained encoder's sentence vectors .*; title also hold text/);
  }
  // Without an encoder the template is as before: TF-IDF.
  const tfidf = parse(
    experimentYaml({
      name: 'x',
      dataPath: 'x.csv',
      target: 'label',
      task: 'classification',
      model: 'logistic_regression',
      validation: { method: 'kfold' },
      columns,
    }),
  ) as { prepare: Record<string, unknown>[] };
  assert.ok(tfidf.prepare.some((step) => 'text' in step));
  assert.ok(!tfidf.prepare.some((step) => 'embed' in step));
});
