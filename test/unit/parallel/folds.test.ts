import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type Column, type Table, stringColumn } from '../../../src/core/data/table';
import type { Experiment } from '../../../src/core/experiment/experiment';
import { trainExperiment, type TrainResult } from '../../../src/core/experiment/train';
import { CancelledError } from '../../../src/core/types';
import { readCsvTable } from '../validation/doubles';

/** Iris with a categorical column derived from a measurement, so the pipeline's onehot runs in the workers too. */
function irisWithCategory(): Table {
  const iris = readCsvTable('iris.csv');
  const width = iris.columns.find((c) => c.name === 'sepal_width_cm') as Extract<Column, { kind: 'numeric' }>;
  const band: Column = stringColumn(
    'width_band',
    'categorical',
    Array.from(width.values, (v) => (v < 2.9 ? 'narrow' : v < 3.3 ? 'mid' : 'wide')),
  );
  return { rowCount: iris.rowCount, columns: [band, ...iris.columns] };
}

function experiment(model: Experiment['model'], jobs: number): Experiment {
  return {
    data: { path: 'iris.csv', target: 'species' },
    prepare: [{ onehot: { columns: ['width_band'] } }, { scale: { method: 'standard' } }],
    model,
    validation: { method: 'kfold', folds: 4, n_jobs: jobs },
    importance: { n_repeats: 2, n_jobs: jobs },
    seed: 5,
  };
}

/** What must not depend on n_jobs: metrics, folds, importances (the fitted objects are left out). */
function outcome(result: TrainResult): unknown {
  return { metrics: result.metrics, cv: result.cv, permutation: result.permutation_importance, params: result.params };
}

test('cross-validation and permutation importance with n_jobs 2 equal n_jobs 1 (random_forest and logistic_regression)', async () => {
  const table = irisWithCategory();
  for (const model of [
    { type: 'random_forest', params: { n_estimators: 5, max_depth: 3, n_jobs: 1 } },
    { type: 'logistic_regression', params: { C: 0.5 } },
  ]) {
    const one = await trainExperiment(experiment(model, 1), table);
    const stages = new Set<string>();
    const two = await trainExperiment(experiment(model, 2), table, { onProgress: (event) => stages.add(`${event.stage}${event.fold ? ' fold' : ''}`) });
    assert.deepEqual(outcome(two), outcome(one), model.type);
    assert.equal(two.permutation_importance?.features.length, 5);
    assert.equal(two.permutation_importance?.features[0]?.name, 'width_band', 'one entry for the one-hot encoded column');
    assert.ok(stages.has('fold fold') && stages.has('importance'), [...stages].join(', '));
  }
});

test('regression folds on workers equal inline folds', async () => {
  const diabetes = readCsvTable('diabetes.csv');
  const make = (jobs: number): Experiment => ({
    data: { path: 'diabetes.csv', target: 'progression' },
    model: { type: 'ridge', params: { alpha: 0.1 } },
    validation: { method: 'kfold', folds: 3, n_jobs: jobs },
    importance: { n_repeats: 2, n_jobs: jobs },
  });
  assert.deepEqual(outcome(await trainExperiment(make(2), diabetes)), outcome(await trainExperiment(make(1), diabetes)));
});

test('cancelling a run whose folds are on workers stops them with CancelledError', async () => {
  const table = irisWithCategory();
  const controller = new AbortController();
  const run = trainExperiment(experiment({ type: 'random_forest', params: { n_estimators: 2000, n_jobs: 1 } }, 2), table, {
    signal: controller.signal,
    onProgress: (event) => {
      if (event.stage === 'forest' && event.step === 5) controller.abort();
    },
  });
  await assert.rejects(run, CancelledError);
});
