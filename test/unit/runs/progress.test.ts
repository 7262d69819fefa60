import { test } from 'node:test';
import assert from 'node:assert/strict';
import { executeRun, type RunEvent } from '../../../src/core/runs/execute';
import { phaseText, progressPercent, progressText, RunProgress, sweepTrialsProgress, SWEEP_TRIALS_SHARE } from '../../../src/core/runs/progress';
import { inProcessExecutor, runSweep, type TrialExecutor } from '../../../src/core/runs/sweepRun';
import { experimentWorkspace, treeSweep } from './workspace';

test('phase text names each phase once: fold i/k, trial i/n, the model step, refit, never "fold 1/5 · fold"', () => {
  assert.equal(phaseText({ stage: 'fold', step: 1, of: 5, fold: 1, folds: 5 }), 'fold 1/5');
  assert.equal(phaseText({ stage: 'train', step: 3, of: 30, fold: 2, folds: 5 }), 'fold 2/5 · epoch 3/30');
  assert.equal(phaseText({ stage: 'forest', step: 40, of: 100, fold: 5, folds: 5 }), 'fold 5/5 · tree 40/100');
  assert.equal(phaseText({ stage: 'trial', step: 3, of: 12, trial: 3, trials: 12 }), 'trial 3/12');
  assert.equal(phaseText({ stage: 'fold', step: 2, of: 3, fold: 2, folds: 3, trial: 4, trials: 12 }), 'trial 4/12 · fold 2/3');
  assert.equal(phaseText({ stage: 'refit', step: 1, of: 1 }), 'refit on all rows');
  assert.equal(phaseText({ stage: 'refit train', step: 7, of: 30 }), 'refit on all rows · epoch 7/30');
  assert.equal(phaseText({ stage: 'importance', step: 2, of: 5 }), 'permutation importance 2/5');
  assert.equal(phaseText({ stage: 'fit', step: 5, of: 10, fold: 1, folds: 1 }), 'fit 5/10', 'a hold-out has no fold to count');
  assert.equal(progressText({ fraction: 0.456, phase: 'fold 2/5' }), '45% · fold 2/5');
  assert.equal(progressPercent(0.999), 99, 'rounded down: 100 % only once finished');
  assert.equal(progressPercent(0.29), 29, 'no floating-point slip below the percent');
});

test('a run of 5 folds: the fraction only grows through folds, importance and the refit, below 100 %', () => {
  const progress = new RunProgress({ validation: { method: 'kfold', folds: 5 } });
  const events = [
    ...[1, 2, 3, 4, 5].flatMap((fold) => [
      { stage: 'fold', step: fold, of: 5, fold, folds: 5 },
      { stage: 'train', step: 15, of: 30, fold, folds: 5 },
      { stage: 'train', step: 30, of: 30, fold, folds: 5 },
    ]),
    { stage: 'importance', step: 1, of: 5 },
    { stage: 'importance', step: 5, of: 5 },
    { stage: 'refit', step: 1, of: 1 },
    { stage: 'refit train', step: 1, of: 30 },
    { stage: 'refit train', step: 30, of: 30 },
  ];
  const fractions = events.map((event) => progress.fraction(event));
  for (let i = 1; i < fractions.length; i++) assert.ok((fractions[i] ?? 0) >= (fractions[i - 1] ?? 0), `step ${i}: ${fractions.join(', ')}`);
  assert.ok((fractions.at(-1) ?? 1) <= 0.99);
  assert.ok((fractions[fractions.length - 4] ?? 0) < (fractions.at(-1) ?? 0), 'the refit moves it on');
});

test("a sweep's best candidate continues after the trials' 90 %: no 98 % → 13 % at its folds and refit", () => {
  const trials = Array.from({ length: 12 }, (_, i) => sweepTrialsProgress(i + 1, 12));
  assert.equal(trials.at(-1)?.fraction, SWEEP_TRIALS_SHARE);
  assert.equal(trials[2]?.phase, 'trial 3/12');
  const refit = new RunProgress({ validation: { method: 'kfold', folds: 5 } }, { from: SWEEP_TRIALS_SHARE, phasePrefix: 'best of 12 trials' });
  const first = refit.report({ stage: 'fold', step: 1, of: 5, fold: 1, folds: 5 });
  assert.ok(first.fraction >= SWEEP_TRIALS_SHARE, `the best candidate's first fold reads ${first.fraction}`);
  assert.equal(first.phase, 'best of 12 trials · fold 1/5');
  const last = refit.report({ stage: 'refit', step: 1, of: 1 });
  assert.ok(last.fraction > first.fraction && last.fraction <= 0.99);
  assert.equal(last.phase, 'best of 12 trials · refit on all rows');
});

test('runSweep end to end: every progress event of a sweep and its refit grows, and says its phase', async () => {
  const { root, file } = experimentWorkspace(
    'mlwb-progress-',
    's.experiment.yaml',
    treeSweep({ search: '{ method: grid, metric: accuracy, params: { max_depth: [1, 2, 3, 4] } }' }),
  );
  // Scored in this thread, but through the sweep path the extension's workers take (not the search inside one training).
  const executor: TrialExecutor = { ...inProcessExecutor, kind: 'test-in-thread' };
  const progress: Extract<RunEvent, { type: 'progress' }>[] = [];
  const record = await runSweep({
    workspaceRoot: root,
    experimentFile: file,
    executor,
    onEvent: (e) => (e.type === 'progress' ? progress.push(e) : undefined),
  });
  assert.equal(record.status, 'completed', record.reason);
  assert.equal(record.progress, 1);
  assert.equal(record.phase, undefined, 'a finished run has no phase');
  const fractions = progress.map((e) => e.fraction);
  for (let i = 1; i < fractions.length; i++)
    assert.ok((fractions[i] ?? 0) >= (fractions[i - 1] ?? 0), `event ${i}: ${fractions.map((f) => f.toFixed(3)).join(' ')}`);
  assert.ok(progress.some((e) => e.phase === 'trial 4/4'));
  assert.ok(progress.some((e) => e.phase.startsWith('best of 4 trials · fold')));
  assert.ok(progress.some((e) => e.phase === 'best of 4 trials · refit on all rows'));
  for (const e of progress) assert.doesNotMatch(e.phase, /\b(\w+) [\d/]+ · \1\b|· fold$/, e.phase);
  // The same model for a run without a sweep.
  const plain = await executeRun({ workspaceRoot: root, experimentFile: file });
  assert.equal(plain.status, 'completed');
});
