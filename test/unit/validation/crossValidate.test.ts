import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitTarget, targetValues } from '../../../src/core/data/target';
import { computeMetrics, type ClassificationMetrics, type RegressionMetrics } from '../../../src/core/metrics';
import { CancelledError, type Target } from '../../../src/core/types';
import { crossValidate, holdoutSplit, kFold, stratifiedKFold, type PreparedData } from '../../../src/core/validation';
import type { Table } from '../../../src/core/data/table';
import { Knn, KnnRegressor, readCsvTable, SpyPipeline, withIds, type SpyLog } from './doubles';
import { DEFAULT_SEED } from '../../../src/core/random';

function load(name: string, target: string, task: 'classification' | 'regression'): { features: Table; y: Target } {
  const { features, target: column } = splitTarget(withIds(readCsvTable(name)), target);
  return { features, y: targetValues(column, task) };
}

const iris = load('iris.csv', 'species', 'classification');

test('preprocessing is fitted on training rows only and each held-out row is predicted once', async () => {
  const log: SpyLog = { fitted: [], transformed: [] };
  const splits = stratifiedKFold(iris.y as string[], 5, { shuffle: true, seed: 3 });
  const result = await crossValidate(iris.features, iris.y, {
    seed: DEFAULT_SEED,
    task: 'classification',
    makePipeline: () => new SpyPipeline(log),
    makeModel: () => new Knn({ n_neighbors: 5 }),
    splits,
  });
  assert.equal(log.fitted.length, 5);
  splits.forEach((split, i) => {
    assert.deepEqual(log.fitted[i], split.train, `fold ${i + 1} pipeline saw exactly its training rows`);
    const held = new Set(split.test);
    assert.ok(!(log.fitted[i] as number[]).some((r) => held.has(r)), `fold ${i + 1} pipeline saw a validation row`);
    assert.deepEqual(log.transformed[i], split.test);
  });
  assert.deepEqual(
    result.rows,
    Array.from({ length: 150 }, (_, i) => i),
  );
  assert.equal(result.folds.length, 5);
  const m = result.metrics as ClassificationMetrics;
  assert.ok(m.accuracy > 0.9, `kNN on iris should be accurate, got ${m.accuracy}`);
  assert.equal(
    m.confusion_matrix.flat().reduce((a, b) => a + b, 0),
    150,
  );
  assert.deepEqual(m.labels, ['setosa', 'versicolor', 'virginica']);
  assert.ok(m.log_loss !== undefined && m.roc_auc !== undefined);
});

test('out-of-fold metrics are the metrics of the pooled predictions, and mean/std are over folds with ddof=0', async () => {
  const result = await crossValidate(iris.features, iris.y, {
    seed: DEFAULT_SEED,
    task: 'classification',
    makePipeline: () => new SpyPipeline(),
    makeModel: () => new Knn({ n_neighbors: 15 }),
    splits: kFold(150, 4, { shuffle: true, seed: 1 }),
  });
  const pooled = computeMetrics('classification', iris.y, result.predictions, result.proba, result.labels) as ClassificationMetrics;
  assert.deepEqual(result.metrics, pooled);
  const accuracies = result.folds.map((f) => f.accuracy as number);
  const mean = accuracies.reduce((a, b) => a + b, 0) / 4;
  assert.equal(result.mean.accuracy, mean);
  const population = Math.sqrt(accuracies.reduce((a, v) => a + (v - mean) ** 2, 0) / 4);
  assert.ok(Math.abs((result.std.accuracy as number) - population) < 1e-15);
  assert.ok(result.std.accuracy! > 0, 'folds differ');
  assert.ok(!('confusion_matrix' in result.mean), 'only scalar metrics are averaged');
});

test('a single hold-out split scores only its test rows', async () => {
  const split = holdoutSplit(150, { testSize: 0.2, stratify: iris.y as string[], seed: 9 });
  const result = await crossValidate(iris.features, iris.y, {
    seed: DEFAULT_SEED,
    task: 'classification',
    makePipeline: () => new SpyPipeline(),
    makeModel: () => new Knn(),
    splits: [split],
  });
  assert.deepEqual(result.rows, split.test);
  assert.equal(
    (result.metrics as ClassificationMetrics).confusion_matrix.flat().reduce((a, b) => a + b, 0),
    30,
  );
});

test('regression cross-validation reports rmse, mae and r2', async () => {
  const diabetes = load('diabetes.csv', 'progression', 'regression');
  const result = await crossValidate(diabetes.features, diabetes.y, {
    seed: DEFAULT_SEED,
    task: 'regression',
    makePipeline: () => new SpyPipeline(),
    makeModel: () => new KnnRegressor({ n_neighbors: 20 }),
    splits: kFold(diabetes.y.length, 5, { shuffle: true, seed: 2 }),
  });
  const m = result.metrics as RegressionMetrics;
  assert.ok(m.r2 > 0.3 && m.r2 < 0.6, `kNN r2 on diabetes ${m.r2}`);
  assert.ok(result.mean.rmse! > 0 && result.proba === undefined);
});

test('rows dropped by the pipeline while fitting are dropped from the target the model sees', async () => {
  let seen = 0;
  const dropFirst = {
    fitTransform(features: Table, y: Target): PreparedData {
      const inner = new SpyPipeline().fitTransform(features, y);
      const X = inner.X as { kind: 'dense'; rows: number; cols: number; data: Float64Array };
      return { X: { ...X, rows: X.rows - 1, data: X.data.subarray(X.cols) }, y: (y as string[]).slice(1), featureNames: inner.featureNames };
    },
    transform: (features: Table) => new SpyPipeline().fitTransform(features, []).X,
  };
  const model = new Knn();
  const fit = model.fit.bind(model);
  model.fit = (X, y, o) => {
    seen = y.length;
    assert.equal(X.rows, y.length);
    fit(X, y, o);
  };
  await crossValidate(iris.features, iris.y, {
    seed: DEFAULT_SEED,
    task: 'classification',
    makePipeline: () => dropFirst,
    makeModel: () => model,
    splits: [holdoutSplit(150, { seed: 1 })],
  });
  assert.equal(seen, 119);
});

test('progress names the fold; an aborted signal cancels', async () => {
  const events: { fold?: number; stage: string }[] = [];
  const controller = new AbortController();
  const run = crossValidate(iris.features, iris.y, {
    seed: DEFAULT_SEED,
    task: 'classification',
    makePipeline: () => new SpyPipeline(),
    makeModel: () => new Knn(),
    splits: kFold(150, 3),
    signal: controller.signal,
    onProgress: (e) => {
      events.push(e);
      if (e.fold === 2 && e.stage === 'fit') controller.abort();
    },
  });
  await assert.rejects(run, CancelledError);
  assert.deepEqual(
    events.map((e) => `${e.stage}:${e.fold}`),
    ['fold:1', 'fit:1', 'fold:2', 'fit:2'],
  );
});
