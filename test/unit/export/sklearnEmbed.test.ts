// The scikit-learn script of a run with an embed step stops with the reason instead of handing raw text to the model.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { sklearnScript } from '../../../src/core/export/sklearnScript';
import type { RunRecord } from '../../../src/core/runs/store';

test('train_sklearn.py of an embed run exits non-zero naming the embed step and the encoder folder', async () => {
  const record = {
    id: 'r1',
    status: 'completed',
    modelType: 'logistic_regression',
    task: 'classification',
    snapshot: {
      data: { path: 'reviews.csv', target: 'label' },
      prepare: [{ embed: { column: 'review', model: 'models/tiny-bert' } }],
      model: { type: 'logistic_regression' },
      validation: { method: 'holdout', test_size: 0.25 },
    },
  } as unknown as RunRecord;
  const script = sklearnScript(record, undefined);
  assert.match(script, /embed step \(pretrained encoder models\/tiny-bert\) has no scikit-learn equivalent/);
  const dir = mkdtempSync(path.join(tmpdir(), 'mlwb-sklearn-embed-'));
  try {
    writeFileSync(path.join(dir, 'train_sklearn.py'), script);
    writeFileSync(path.join(dir, 'reviews.csv'), `review,label\n${'good film,pos\nbad film,neg\n'.repeat(10)}`);
    const run = promisify(execFile)('/usr/bin/python3', ['train_sklearn.py', '--data', 'reviews.csv'], { cwd: dir });
    const failure = (await run.then(
      () => assert.fail('the script should exit non-zero'),
      (error: unknown) => error,
    )) as { code: number; stderr: string };
    assert.equal(failure.code, 1);
    assert.match(failure.stderr, /embed step \(pretrained encoder models\/tiny-bert\) has no scikit-learn equivalent/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
