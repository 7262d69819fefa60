import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readTable } from '../../../src/core/datasets';
import { trainExperiment } from '../../../src/core/experiment/train';
import { executeRun } from '../../../src/core/runs/execute';
import { loadExperimentFile } from '../../../src/core/runs/experimentFile';
import { bestTrial, scoreShare, shareCandidates, sweepCandidates } from '../../../src/core/runs/sweep';
import { experimentWorkspace, treeSweep } from './workspace';

test('shareCandidates deals every index once, round-robin', () => {
  assert.deepEqual(shareCandidates(5, 2), [
    [0, 2, 4],
    [1, 3],
  ]);
  assert.deepEqual(shareCandidates(2, 4), [[0], [1]]);
  assert.deepEqual(shareCandidates(3, 0), [[0, 1, 2]]);
});

for (const validation of ['{ method: kfold, folds: 3 }', '{ method: holdout, test_size: 0.3 }']) {
  test(`a sweep split across shares gives the single-worker search's trials, best and metrics (${validation})`, async () => {
    const { root, file } = experimentWorkspace('mlwb-sweep-', 's.experiment.yaml', treeSweep({ validation, seed: 5 }));
    const loaded = loadExperimentFile(file);
    assert.ok(loaded.experiment && loaded.dataPath);
    const sequential = await trainExperiment(loaded.experiment, await readTable(loaded.dataPath));

    const candidates = sweepCandidates(loaded.experiment);
    assert.equal(candidates?.length, 6);
    const shares = await Promise.all(shareCandidates(6, 2).map((indices) => scoreShare(file, indices, {})));
    const trials = shares.flatMap((share) => share.trials).sort((a, b) => a.index - b.index);
    assert.deepEqual(
      trials.map((t) => [t.index, t.params, t.score]),
      (sequential.trials ?? []).map((t, i) => [i, t.params, t.score]),
    );
    const best = bestTrial(trials, shares[0]?.greaterIsBetter ?? true);
    assert.deepEqual(best?.params, sequential.best?.params);

    const record = await executeRun({
      workspaceRoot: root,
      experimentFile: file,
      sweep: { params: best?.params ?? {}, trials, best: { params: best?.params ?? {}, score: best?.score ?? 0, metric: 'f1_macro' } },
    });
    assert.equal(record.status, 'completed', record.reason);
    assert.deepEqual(record.metrics, sequential.metrics);
    assert.equal(record.trials?.length, 6);
  });
}
