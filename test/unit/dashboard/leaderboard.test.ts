import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { leaderboardState } from '../../../src/extension/dashboard/state';
import { completionMessage, formatMetric, headlineMetric } from '../../../src/core/runs/display';
import type { RunRecord } from '../../../src/core/runs/store';

const sweep = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'fixtures', 'runs', 'svm-sweep.run.json'), 'utf8')) as RunRecord;

test("the leaderboard's best is the notification's and the Runs view's best, with its definition", () => {
  const state = leaderboardState(sweep, []);
  const best = state.trials.find((t) => t.index === state.bestIndex);
  const headline = headlineMetric(sweep);
  assert.ok(best?.score !== undefined && headline);
  assert.equal(best.score, headline.value);
  assert.equal(state.bestIndex, headline.trial);
  assert.equal(state.scoreDefinition, 'CV mean of f1_macro over 5 folds');
  assert.ok(completionMessage(sweep).includes(`best f1_macro ${formatMetric(best.score)}`));
  // The refit's out-of-fold f1_macro rounds differently in this run: it is not the figure shown as best.
  assert.notEqual(formatMetric((sweep.metrics as { f1_macro: number }).f1_macro), formatMetric(best.score));
});

test('the leaderboard carries the search space, so the charts know which parameters are log-uniform and which are choices', () => {
  const state = leaderboardState(sweep, []);
  assert.deepEqual(state.space, { C: { loguniform: [0.01, 100] }, gamma: { loguniform: [0.0001, 10] }, kernel: ['rbf', 'linear'] });
  assert.deepEqual(state.paramNames, ['C', 'gamma', 'kernel']);
  assert.equal(state.trials.length, 12);
});
