// A sweep over an experiment with an embed step, its trials scored on worker threads: the model folder is found
// relative to the experiment file (not the worker's directory) and the trials equal one in-process training's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { executeRun } from '../../../src/core/runs/execute';
import { runSweep, threadExecutor } from '../../../src/core/runs/sweepRun';
import type { Trial } from '../../../src/core/search';
import { reviewsWorkspace } from './fixture';

test('a sweep with an embed step scores its trials on worker threads equal to the in-process search', async () => {
  const { root, file } = reviewsWorkspace('mlwb-embed-sweep-', [
    'name: reviews-embed-sweep',
    'data: { path: reviews.csv, target: label }',
    'prepare:',
    '  - embed: { column: review, model: models/tiny-bert, max_length: 8 }',
    'model: { type: logistic_regression }',
    'validation: { method: holdout, test_size: 0.25 }',
    'search: { method: grid, folds: 2, params: { C: [0.1, 10] } }',
    'importance: false',
    'seed: 42',
  ]);
  try {
    // The test's working directory is the repository, where models/tiny-bert does not exist.
    assert.notEqual(process.cwd(), root);
    const local = await executeRun({ workspaceRoot: root, experimentFile: file });
    assert.equal(local.status, 'completed', local.reason);
    const swept = await runSweep({ workspaceRoot: root, experimentFile: file, executor: threadExecutor(2) });
    assert.equal(swept.status, 'completed', swept.reason);
    const sweptTrials = (swept.trials ?? []) as Trial[];
    const localTrials = (local.trials ?? []) as Trial[];
    assert.equal(sweptTrials.length, 2);
    assert.ok(
      sweptTrials.every((trial) => trial.error === undefined),
      JSON.stringify(sweptTrials),
    );
    assert.deepEqual(
      sweptTrials.map((trial) => [trial.params, trial.score]),
      localTrials.map((trial) => [trial.params, trial.score]),
    );
    assert.deepEqual(swept.metrics, local.metrics);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
