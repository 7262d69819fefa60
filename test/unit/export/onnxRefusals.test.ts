import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { exportModel } from '../../../src/core/export/formats';
import { onnxModel } from '../../../src/core/export/onnx';
import type { PipelineJSON } from '../../../src/core/prepare/pipeline';
import type { RunSchema } from '../../../src/core/runs/artifacts';
import type { EstimatorJSON } from '../../../src/core/types';
import { MlError } from '../../../src/core/types';
import { checkWithOnnx, mixedRows, trainRun } from './onnxFixture';

const schema: RunSchema = {
  features: [
    { name: 'x', kind: 'numeric' },
    { name: 'review', kind: 'text' },
  ],
  target: { name: 'y', kind: 'numeric' },
  task: 'regression',
};
const ridge: EstimatorJSON = { type: 'ridge', coef: [1], intercept: 0, fit_intercept: true };

function pipeline(steps: PipelineJSON['steps']): PipelineJSON {
  return { type: 'pipeline', inputs: schema.features.map((f) => ({ ...f })), featureNames: ['x'], steps };
}

test('ONNX export refuses steps it cannot express, naming the step and why', () => {
  const cases: [PipelineJSON['steps'][number], RegExp][] = [
    [{ step: 'text', options: { column: 'review' }, state: {} }, /prepare step 1 \(text\): cannot be exported to ONNX: text tokenisation/],
    [{ step: 'datetime', options: { columns: ['review'] }, state: {} }, /prepare step 1 \(datetime\): cannot be exported to ONNX: parsing dates/],
    [{ step: 'coerce', options: { columns: { review: 'number' } }, state: {} }, /prepare step 1 \(coerce\): cannot be exported to ONNX/],
  ];
  for (const [step, message] of cases) {
    assert.throws(
      () => onnxModel(pipeline([step, { step: 'drop', options: { columns: ['review'] }, state: ['review'] }]), ridge, schema, 'refused'),
      (error: unknown) => error instanceof MlError && message.test(error.message),
      step.step,
    );
  }
});

test('ONNX export refuses the transformer and knn, naming the model type', () => {
  assert.throws(() => onnxModel({ type: 'text_column' }, { type: 'transformer', format: 'tfjs-layers' }, schema, 'refused'), /model type "transformer"/);
  const noText = pipeline([{ step: 'drop', options: { columns: ['review'] }, state: ['review'] }]);
  assert.throws(() => onnxModel(noText, { type: 'knn', n_features: 1 }, schema, 'refused'), /ONNX export: model type "knn" cannot be exported to ONNX: .+/);
  // The pipeline itself is fine: the same graph with a ridge model passes the checker.
  const bytes = onnxModel(noText, ridge, schema, 'fine');
  assert.ok(bytes.length > 0);
});

test('ONNX export refuses a feature column named like an output', () => {
  const clash: RunSchema = { ...schema, features: [{ name: 'variable', kind: 'numeric' }] };
  const json: PipelineJSON = { type: 'pipeline', inputs: [{ name: 'variable', kind: 'numeric' }], featureNames: ['variable'], steps: [] };
  assert.throws(() => onnxModel(json, ridge, clash, 'clash'), /feature column "variable" has the name of an output/);
});

test('exportModel --format onnx writes only model.onnx, which the onnx checker accepts; a refused export writes nothing', async () => {
  const fine = await trainRun('format', mixedRows('iris', false), 'species', [
    'prepare:',
    '  - onehot: { columns: [colour] }',
    'model: { type: logistic_regression }',
  ]);
  const outDir = path.join(mkdtempSync(path.join(tmpdir(), 'mlwb-onnx-format-')), 'out');
  const result = exportModel(fine.runDir, outDir, { format: 'onnx' });
  assert.deepEqual([result.format, result.files], ['onnx', ['model.onnx']]);
  checkWithOnnx(path.join(outDir, 'model.onnx'));
  const run = await trainRun('refused', mixedRows('iris', false), 'species', ['prepare:', '  - onehot: { columns: [colour] }', 'model: { type: knn }']);
  const refusedDir = path.join(mkdtempSync(path.join(tmpdir(), 'mlwb-onnx-refused-')), 'out');
  assert.throws(() => exportModel(run.runDir, refusedDir, { format: 'onnx' }), /model type "knn"/);
  assert.equal(existsSync(refusedDir), false);
});

test('mlwb export RUN --format onnx --out DIR prints { outDir, files, format } with --json; a refusal exits non-zero with the reason', async () => {
  const run = await trainRun('cli', mixedRows('iris', false), 'species', [
    'prepare:',
    '  - onehot: { columns: [colour] }',
    'model: { type: logistic_regression }',
  ]);
  const cli = path.join(__dirname, '..', '..', '..', 'src', 'cli', 'mlwb.ts');
  const outDir = path.join(mkdtempSync(path.join(tmpdir(), 'mlwb-onnx-cli-')), 'out');
  const ok = spawnSync(process.execPath, ['--import', require.resolve('tsx'), cli, 'export', run.runDir, '--format', 'onnx', '--out', outDir, '--json'], {
    encoding: 'utf8',
  });
  assert.equal(ok.status, 0, ok.stderr);
  assert.deepEqual(JSON.parse(ok.stdout), { outDir, files: ['model.onnx'], format: 'onnx' });
  checkWithOnnx(path.join(outDir, 'model.onnx'));
  const knn = await trainRun('cliknn', mixedRows('iris', false), 'species', ['prepare:', '  - drop: { columns: [colour] }', 'model: { type: knn }']);
  const refused = spawnSync(process.execPath, ['--import', require.resolve('tsx'), cli, 'export', knn.runDir, '--format', 'onnx', '--out', `${outDir}-knn`], {
    encoding: 'utf8',
  });
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /model type "knn" cannot be exported to ONNX/);
});
