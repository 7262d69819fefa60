import { test } from 'node:test';
import assert from 'node:assert/strict';
import { executeRun } from '../../../src/core/runs/execute';
import { RunStore } from '../../../src/core/runs/store';
import { inProcessExecutor, runSweep, threadExecutor, type TrialExecutor } from '../../../src/core/runs/sweepRun';
import { experimentWorkspace, treeSweep, type TreeSweep } from './workspace';

function sweepWorkspace(options: TreeSweep = { seed: 5 }): { root: string; file: string } {
  return experimentWorkspace('mlwb-sweeprun-', 's.experiment.yaml', treeSweep(options));
}

test('runSweep on worker threads records the same trials, best and metrics as the search inside one training', async () => {
  const { root, file } = sweepWorkspace();
  const local = await executeRun({ workspaceRoot: root, experimentFile: file });
  assert.equal(local.status, 'completed', local.reason);
  const events: string[] = [];
  const swept = await runSweep({ workspaceRoot: root, experimentFile: file, executor: threadExecutor(2), onEvent: (event) => events.push(event.type) });
  assert.equal(swept.status, 'completed', swept.reason);
  assert.deepEqual(JSON.parse(JSON.stringify(swept.trials)), JSON.parse(JSON.stringify(local.trials)));
  assert.deepEqual(swept.best, local.best);
  assert.deepEqual(swept.metrics, local.metrics);
  assert.equal(events.filter((type) => type === 'trial').length, 6);
  assert.equal(swept.environment?.sweepExecutor, 'threads');
  // The coordinator is the only writer: run.json on disk is the record returned.
  assert.deepEqual(new RunStore(root).get(swept.id)?.trials, JSON.parse(JSON.stringify(swept.trials)));
});

test('runSweep counts a trial reported twice once, and fails a sweep whose executor leaves one out', async () => {
  const { root, file } = sweepWorkspace();
  const twice: TrialExecutor = {
    kind: 'test-twice',
    describe: () => 'reports each trial twice',
    async scoreCandidates(task, indices, hooks) {
      for (let round = 0; round < 2; round++) await inProcessExecutor.scoreCandidates(task, indices, hooks);
    },
  };
  const record = await runSweep({ workspaceRoot: root, experimentFile: file, executor: twice });
  assert.equal(record.status, 'completed', record.reason);
  const local = await executeRun({ workspaceRoot: root, experimentFile: file });
  assert.deepEqual(JSON.parse(JSON.stringify(record.trials)), JSON.parse(JSON.stringify(local.trials)));
  const short: TrialExecutor = {
    kind: 'test-short',
    describe: () => 'leaves out the last trial',
    scoreCandidates: (task, indices, hooks) => inProcessExecutor.scoreCandidates(task, indices.slice(0, -1), hooks),
  };
  const failed = await runSweep({ workspaceRoot: root, experimentFile: file, executor: short });
  assert.equal(failed.status, 'failed');
  assert.match(failed.reason ?? '', /without trial\(s\) 6/);
});

test('runSweep: a trial that fails is recorded failed and the sweep goes on', async () => {
  // min_samples_leaf 0 is invalid: that candidate fails with its reason; the others score.
  const { root, file } = sweepWorkspace({ search: '{ method: grid, metric: f1_macro, params: { max_depth: [2], min_samples_leaf: [0, 1] } }' });
  const record = await runSweep({ workspaceRoot: root, experimentFile: file, executor: threadExecutor(2) });
  assert.equal(record.status, 'completed', record.reason);
  const trials = record.trials as { index: number; error?: string; score: number | null }[];
  assert.ok(trials[0]?.error, JSON.stringify(trials));
  assert.equal(typeof trials[1]?.score, 'number');
});

test('runSweep with data.sample: worker threads score on the same sampled rows as one in-process training', async () => {
  const lines = treeSweep({ seed: 9 }).map((line) => (line.startsWith('data:') ? 'data: { path: iris.csv, target: species, sample: 90 }' : line));
  const { root, file } = experimentWorkspace('mlwb-sweeprun-sample-', 's.experiment.yaml', lines);
  const local = await executeRun({ workspaceRoot: root, experimentFile: file });
  assert.equal(local.status, 'completed', local.reason);
  const swept = await runSweep({ workspaceRoot: root, experimentFile: file, executor: threadExecutor(2) });
  assert.equal(swept.status, 'completed', swept.reason);
  // Scored on all 150 rows instead of the 90 sampled, the trials' scores would differ from the local run's.
  assert.deepEqual(JSON.parse(JSON.stringify(swept.trials)), JSON.parse(JSON.stringify(local.trials)));
  assert.deepEqual(swept.metrics, local.metrics);
});

test('runSweep: successive halving on worker threads scores each round there and records the same run as one in-process training', async () => {
  const { root, file } = sweepWorkspace({
    seed: 3,
    validation: '{ method: holdout, test_size: 0.25 }',
    search: '{ method: halving, metric: f1_macro, factor: 2, params: { max_depth: [1, 2, 3, 4, 6], min_samples_leaf: [1, 5, 0] } }',
  });
  const local = await executeRun({ workspaceRoot: root, experimentFile: file });
  assert.equal(local.status, 'completed', local.reason);
  const rounds: number[] = [];
  const executor = threadExecutor(2);
  const counting: TrialExecutor = {
    ...executor,
    scoreRound: (task, round, splits, hooks) => (rounds.push(round.candidates.length), executor.scoreRound!(task, round, splits, hooks)),
  };
  const swept = await runSweep({ workspaceRoot: root, experimentFile: file, executor: counting });
  assert.equal(swept.status, 'completed', swept.reason);
  // Every round went to the threads: as many rounds, of as many candidates, as the in-process search ran.
  const perRound = new Map<number, number>();
  for (const trial of (local.trials ?? []) as { iteration?: number }[]) perRound.set(trial.iteration ?? 0, (perRound.get(trial.iteration ?? 0) ?? 0) + 1);
  assert.ok(perRound.size >= 3, `rounds ${[...perRound.entries()].join(' ')}`);
  assert.deepEqual(
    rounds,
    [...perRound.entries()].sort((a, b) => a[0] - b[0]).map(([, count]) => count),
  );
  assert.equal(swept.environment?.sweepExecutor, 'threads');
  assert.deepEqual(JSON.parse(JSON.stringify(swept.trials)), JSON.parse(JSON.stringify(local.trials)));
  assert.ok(
    ((swept.trials ?? []) as { error?: string }[]).some((trial) => trial.error),
    'the failing candidates are recorded failed',
  );
  assert.deepEqual(swept.best, local.best);
  assert.deepEqual(swept.metrics, local.metrics);
});
