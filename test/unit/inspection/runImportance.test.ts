import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { validateExperiment } from '../../../src/core/experiment/experiment';
import { RunProgress } from '../../../src/core/runs/execute';
import { dashboardState } from '../../../src/extension/dashboard/state';

const root = path.join(__dirname, '..', '..', '..');
const mlwb = (cwd: string, ...args: string[]) =>
  spawnSync(process.execPath, ['--import', require.resolve('tsx'), path.join(root, 'src', 'cli', 'mlwb.ts'), ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 120_000,
  });

function workspace(experiment: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlwb-importance-'));
  cpSync(path.join(root, 'examples', 'data'), path.join(dir, 'data'), { recursive: true });
  writeFileSync(path.join(dir, 'run.experiment.yaml'), experiment);
  return dir;
}

const IRIS = `name: iris-importance
data: { path: data/iris.csv, target: species }
prepare:
  - onehot: {}
model: { type: random_forest, params: { n_estimators: 8, max_depth: 4, n_jobs: 2 } }
validation: { method: kfold, folds: 3, n_jobs: 2 }
`;

test('a run records permutation importance per original column; mlwb show --json prints it and the dashboard state carries it sorted', () => {
  const dir = workspace(`${IRIS}importance: { n_repeats: 3, n_jobs: 2 }\n`);
  const trained = mlwb(dir, 'train', 'run.experiment.yaml', '--json');
  assert.equal(trained.status, 0, trained.stderr);
  const { runId } = JSON.parse(trained.stdout) as { runId: string };
  const shown = mlwb(dir, 'show', runId, '--json');
  assert.equal(shown.status, 0, shown.stderr);
  const record = JSON.parse(shown.stdout);
  const importance = record.permutationImportance;
  assert.equal(importance.metric, 'accuracy');
  assert.equal(importance.n_repeats, 3);
  assert.equal(importance.scope, 'out-of-fold');
  assert.equal(importance.rows, 150);
  assert.deepEqual(
    importance.features.map((f: { name: string }) => f.name),
    ['sepal_length_cm', 'sepal_width_cm', 'petal_length_cm', 'petal_width_cm'],
  );
  for (const f of importance.features) {
    assert.equal(f.values.length, 3);
    assert.ok(Number.isFinite(f.mean) && f.std >= 0);
  }
  const petals = importance.features.filter((f: { name: string }) => f.name.startsWith('petal'));
  assert.ok(Math.max(...petals.map((f: { mean: number }) => f.mean)) > 0.05, 'a petal measurement carries the model');

  const state = dashboardState(record, []);
  assert.equal(state.permutation?.metric, 'accuracy');
  assert.equal(state.permutation?.repeats, 3);
  const means = state.permutation?.features.map((f) => f.mean) ?? [];
  assert.deepEqual(
    means,
    [...means].sort((a, b) => b - a),
  );
  assert.equal(state.permutation?.features.length, 4);
});

test('importance: false records none; bad importance and n_jobs values are named problems', () => {
  const dir = workspace(`${IRIS}importance: false\n`);
  const trained = mlwb(dir, 'train', 'run.experiment.yaml', '--json');
  assert.equal(trained.status, 0, trained.stderr);
  const shown = mlwb(dir, 'show', (JSON.parse(trained.stdout) as { runId: string }).runId, '--json');
  assert.equal(JSON.parse(shown.stdout).permutationImportance, undefined);
  const base = { data: { path: 'd.csv', target: 'y' }, model: { type: 'random_forest' } };
  assert.deepEqual(validateExperiment({ ...base, importance: { n_repeats: 0 } }), ['importance.n_repeats: must be a whole number >= 1, got 0']);
  assert.match(validateExperiment({ ...base, importance: { repeats: 3 } })[0] ?? '', /^importance\.repeats: unknown key/);
  assert.match(validateExperiment({ ...base, importance: true })[0] ?? '', /^importance: must be false/);
  assert.match(validateExperiment({ ...base, importance: { n_jobs: 0 } })[0] ?? '', /^importance\.n_jobs: must be a whole number other than 0/);
  assert.match(validateExperiment({ ...base, model: { type: 'random_forest', params: { n_jobs: 'all' } } })[0] ?? '', /^model\.params\.n_jobs: /);
});

test('progress: permutation importance takes its share after the folds, before the refit, and never goes back', () => {
  const progress = new RunProgress({ validation: { method: 'holdout' } });
  const fold = progress.fraction({ stage: 'fit', step: 10, of: 10, fold: 1, folds: 1 });
  const half = progress.fraction({ stage: 'importance', step: 2, of: 4 });
  const done = progress.fraction({ stage: 'importance', step: 4, of: 4 });
  const refit = progress.fraction({ stage: 'refit', step: 1, of: 1 });
  assert.ok(fold < half && half < done && done <= refit, `${fold} ${half} ${done} ${refit}`);
  assert.ok(Math.abs(done - 0.5) < 0.01, 'the evaluation share of a hold-out is one half');
});
