import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { exportRun } from '../../../src/core/export';
import { pyLiteral } from '../../../src/core/export/python';
import { featureRecords, listen, post, trainedRun } from './fixture';

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
