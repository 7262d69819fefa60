import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { splitTarget, targetValues } from '../../../src/core/data/target';
import type { Table } from '../../../src/core/data/table';
import { gridCandidates, halvingSchedule, randomCandidates, runSearch, spaceProblems, type Params, type Trial } from '../../../src/core/search';
import { CancelledError, MlError, type Target } from '../../../src/core/types';
import { kFold, stratifiedKFold } from '../../../src/core/validation';
import { Knn, KnnRegressor, readCsvTable, SpyPipeline } from '../validation/doubles';
import { DEFAULT_SEED } from '../../../src/core/random';

// Recorded with scikit-learn by bench/reference/metrics.py.
const reference = JSON.parse(readFileSync(join(__dirname, '../../fixtures/reference/metrics.json'), 'utf8')) as {
  parameter_grid: { space: Record<string, (number | string)[]>; order: Params[] };
  halving: { candidates: number; rows: number; folds: number; classes: number; factor: number; n_candidates: number[]; n_resources: number[] }[];
};

function load(name: string, target: string, task: 'classification' | 'regression'): { features: Table; y: Target } {
  const { features, target: column } = splitTarget(readCsvTable(name), target);
  return { features, y: targetValues(column, task) };
}
const iris = load('iris.csv', 'species', 'classification');

test('grid candidates come in scikit-learn ParameterGrid order', () => {
  const { space, order } = reference.parameter_grid;
  const candidates = gridCandidates(space);
  assert.deepEqual(candidates, order);
  assert.deepEqual(Object.keys(candidates[0] as Params), Object.keys(order[0] as Params));
});

test('random search over lists draws distinct grid points, seeded, at most the grid size', () => {
  const space = { C: [0.1, 1, 10, 100], penalty: ['l1', 'l2'], fit_intercept: [true, false] };
  const a = randomCandidates(space, 10, 4);
  assert.equal(a.length, 10);
  assert.equal(new Set(a.map((p) => JSON.stringify(p))).size, 10, 'no repeats');
  assert.deepEqual(randomCandidates(space, 10, 4), a);
  assert.notDeepEqual(randomCandidates(space, 10, 5), a);
  const all = randomCandidates(space, 100, 4);
  assert.equal(all.length, 16);
  assert.deepEqual(new Set(all.map((p) => JSON.stringify(p))), new Set(gridCandidates(space).map((p) => JSON.stringify(p))));
});

test('random search ranges: loguniform, uniform and randint stay in bounds with the right spread', () => {
  const draws = randomCandidates(
    { C: { loguniform: [1e-3, 1e3] }, l1_ratio: { uniform: [0.2, 0.4] }, max_depth: { randint: [2, 5] }, kernel: ['rbf', 'poly'] },
    2000,
    1,
  );
  const C = draws.map((p) => p.C as number);
  assert.ok(C.every((c) => c >= 1e-3 && c <= 1e3));
  // Log-uniform: about half the draws fall below the geometric middle (1), a quarter below 1e-1.5.
  const belowOne = C.filter((c) => c < 1).length / C.length;
  assert.ok(belowOne > 0.45 && belowOne < 0.55, `share below 1: ${belowOne}`);
  assert.ok(draws.every((p) => (p.l1_ratio as number) >= 0.2 && (p.l1_ratio as number) < 0.4));
  assert.deepEqual(new Set(draws.map((p) => p.max_depth)), new Set([2, 3, 4]), 'randint high is exclusive');
  assert.deepEqual(new Set(draws.map((p) => p.kernel)), new Set(['rbf', 'poly']));
});

test('bad spaces are errors with the key path', () => {
  assert.deepEqual(spaceProblems({ C: [] }), ['search.params.C: the list of values is empty']);
  assert.match(spaceProblems({ C: { loguniform: [0, 1] } })[0] as string, /search.params.C.loguniform: bounds must be > 0/);
  assert.match(spaceProblems({ C: { normal: [0, 1] } })[0] as string, /search.params.C: a range is/);
  assert.match(spaceProblems({ d: { randint: [1.5, 3] } })[0] as string, /randint: bounds must be integers/);
  assert.throws(() => gridCandidates({ C: { uniform: [0, 1] } }), /search.params.C: grid search needs a list/);
});

for (const c of reference.halving) {
  test(`halving rounds equal scikit-learn's: ${c.candidates} candidates, ${c.rows} rows, factor ${c.factor}`, () => {
    const rounds = halvingSchedule({ candidates: c.candidates, rows: c.rows, factor: c.factor, folds: c.folds, classes: c.classes });
    assert.deepEqual(
      rounds.map((r) => r.candidates),
      c.n_candidates,
    );
    assert.deepEqual(
      rounds.map((r) => r.rows),
      c.n_resources,
    );
  });
}

const knnSearch = {
  task: 'classification' as const,
  makePipeline: () => new SpyPipeline(),
  makeModel: (params: Params) => new Knn(params as { n_neighbors: number }),
  makeSplits: (y: Target) => stratifiedKFold(y as string[], 3, { shuffle: true, seed: 0 }),
};

test('grid search scores every candidate by cross-validation and keeps the best', async () => {
  const seen: Trial[] = [];
  const result = await runSearch(iris.features, iris.y, {
    seed: DEFAULT_SEED,
    ...knnSearch,
    method: 'grid',
    metric: 'f1_macro',
    space: { n_neighbors: [1, 10, 100] },
    onTrial: (t) => seen.push(t),
  });
  assert.equal(result.trials.length, 3);
  assert.deepEqual(seen, result.trials);
  assert.deepEqual(
    result.trials.map((t) => t.params.n_neighbors),
    [1, 10, 100],
  );
  for (const t of result.trials) assert.equal(t.score, t.cv?.mean.f1_macro);
  const top = Math.max(...result.trials.map((t) => t.score));
  assert.equal(result.best.score, top);
  assert.ok(result.trials[2]!.score < top, '100 neighbours of 100 training rows is a poor model');
  assert.equal(result.bestResult?.mean.f1_macro, result.best.score);
});

test('errors are minimised: the best rmse is the lowest', async () => {
  const diabetes = load('diabetes.csv', 'progression', 'regression');
  const result = await runSearch(diabetes.features, diabetes.y, {
    seed: DEFAULT_SEED,
    task: 'regression',
    method: 'grid',
    metric: 'rmse',
    space: { n_neighbors: [1, 20] },
    makePipeline: () => new SpyPipeline(),
    makeModel: (params) => new KnnRegressor(params as { n_neighbors: number }),
    makeSplits: (y) => kFold(y.length, 3, { shuffle: true, seed: 0 }),
  });
  assert.equal(result.greaterIsBetter, false);
  assert.equal(result.best.params.n_neighbors, 20);
  assert.equal(result.best.score, Math.min(...result.trials.map((t) => t.score)));
});

test('halving scores many candidates on few rows and the survivors on all rows', async () => {
  const rows: number[] = [];
  const result = await runSearch(iris.features, iris.y, {
    seed: DEFAULT_SEED,
    ...knnSearch,
    makeSplits: (y: Target) => stratifiedKFold(y as string[], 2, { shuffle: true, seed: 0 }),
    method: 'halving',
    metric: 'accuracy',
    space: { n_neighbors: [1, 3, 5, 7, 9, 11, 13, 15, 60] },
    onTrial: (t) => rows.push(t.rows ?? 150),
  });
  const expected = halvingSchedule({ candidates: 9, rows: 150, factor: 3, folds: 2, classes: 3 });
  assert.deepEqual(
    rows,
    expected.flatMap((r) => new Array<number>(r.candidates).fill(r.rows)),
  );
  const lastRound = result.trials.filter((t) => t.iteration === expected.length - 1);
  assert.ok(lastRound.includes(result.best));
  assert.notEqual(result.best.params.n_neighbors, 60);
});

test('an unknown metric is an error; a failing candidate is recorded, not fatal; abort cancels', async () => {
  await assert.rejects(
    runSearch(iris.features, iris.y, { seed: DEFAULT_SEED, ...knnSearch, method: 'grid', metric: 'precision', space: { n_neighbors: [1] } }),
    /unknown metric "precision"/,
  );
  const result = await runSearch(iris.features, iris.y, {
    seed: DEFAULT_SEED,
    ...knnSearch,
    method: 'grid',
    metric: 'accuracy',
    space: { n_neighbors: [-1, 5] },
    makeModel: (params) => {
      if ((params.n_neighbors as number) < 1) throw new MlError('model.params.n_neighbors: must be >= 1');
      return new Knn(params as { n_neighbors: number });
    },
  });
  assert.ok(Number.isNaN(result.trials[0]!.score));
  assert.match(result.trials[0]!.error ?? '', /n_neighbors/);
  assert.equal(result.best.params.n_neighbors, 5);

  const controller = new AbortController();
  const run = runSearch(iris.features, iris.y, {
    seed: DEFAULT_SEED,
    ...knnSearch,
    method: 'random',
    nIter: 5,
    metric: 'accuracy',
    space: { n_neighbors: { randint: [1, 30] } },
    signal: controller.signal,
    onTrial: () => controller.abort(),
  });
  await assert.rejects(run, CancelledError);
});
