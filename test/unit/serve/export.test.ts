import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { exportRun } from '../../../src/core/export';
import { pyLiteral } from '../../../src/core/export/sklearnScript';
import { featureRecords, fixtures, listen, post, trainedRun } from './fixture';

const PYTHON = '/usr/bin/python3';

test('an exported folder is self-contained and serves the same predictions as its run', async () => {
  const runDir = await trainedRun('iris');
  const outDir = path.join(mkdtempSync(path.join(tmpdir(), 'mlwb-export-')), 'iris-model');
  const result = exportRun(runDir, outDir);
  assert.deepEqual(result.files, ['run.json', 'model.json', 'pipeline.json', 'schema.json', 'reference.json', 'train_sklearn.py', 'README.md']);
  for (const file of result.files) assert.ok(existsSync(path.join(outDir, file)), file);
  const readme = readFileSync(path.join(outDir, 'README.md'), 'utf8');
  assert.match(readme, /mlwb serve /);
  assert.match(readme, /\| petal_width_cm \| numeric \|/);
  assert.match(readme, /"dataframe_records":\[\{"sepal_length_cm":/);

  const body = JSON.stringify({ dataframe_records: featureRecords('iris') });
  const fromRun = await listen({ runDir, writeFeedback: false });
  const fromExport = await listen({ runDir: outDir });
  try {
    const a = await post(`${fromRun.url}/invocations`, body);
    const b = await post(`${fromExport.url}/invocations`, body);
    assert.equal(b.status, 200);
    assert.deepEqual(b.json.predictions, a.json.predictions);
    assert.deepEqual(b.json.probabilities, a.json.probabilities);
    const health = (await (await fetch(`${fromExport.url}/health`)).json()) as { run_id: string };
    assert.equal(health.run_id, path.basename(runDir));
  } finally {
    await fromRun.app.close();
    await fromExport.app.close();
  }
});

test('export refuses a non-empty target folder and an incomplete run, naming them', async () => {
  const runDir = await trainedRun('iris');
  const busy = mkdtempSync(path.join(tmpdir(), 'mlwb-export-busy-'));
  writeFileSync(path.join(busy, 'keep.txt'), 'mine');
  assert.throws(() => exportRun(runDir, busy), /exists and is not empty/);
  const broken = mkdtempSync(path.join(tmpdir(), 'mlwb-export-broken-'));
  mkdirSync(path.join(broken, 'run'));
  writeFileSync(path.join(broken, 'run', 'run.json'), '{}');
  assert.throws(() => exportRun(path.join(broken, 'run'), path.join(broken, 'out')), /model\.json is missing in .*only a completed run can be exported/);
});

test('pyLiteral writes Python values', () => {
  assert.equal(pyLiteral({ a: [1, true, null, 'x"y'], b: 0.5 }), '{"a": [1, True, None, "x\\"y"], "b": 0.5}');
  assert.equal(pyLiteral(Infinity), "float('inf')");
});

test('the generated train_sklearn.py runs under scikit-learn and lands within a few points of the run', { skip: !existsSync(PYTHON) && `${PYTHON} is not installed` }, async () => {
  const runDir = await trainedRun('iris');
  const outDir = path.join(mkdtempSync(path.join(tmpdir(), 'mlwb-export-py-')), 'out');
  exportRun(runDir, outDir);
  const { stdout } = await promisify(execFile)(PYTHON, [path.join(outDir, 'train_sklearn.py'), '--data', path.join(fixtures, 'datasets', 'iris.csv'), '--json'], { timeout: 60_000 });
  const { sklearn, mlwb } = JSON.parse(stdout) as { sklearn: Record<string, number>; mlwb: Record<string, number> };
  const run = JSON.parse(readFileSync(path.join(runDir, 'run.json'), 'utf8')) as { metrics: Record<string, number> };
  assert.equal(mlwb.accuracy, run.metrics.accuracy);
  // Different random splits of 30 held-out rows: a row or two apart at most.
  assert.ok(Math.abs((sklearn.accuracy as number) - (run.metrics.accuracy as number)) <= 0.07, `sklearn ${sklearn.accuracy} vs mlwb ${run.metrics.accuracy}`);
  assert.ok((sklearn.accuracy as number) > 0.85);
});
