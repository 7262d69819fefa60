import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stringColumn, type NumericColumn, type Table } from '../../../src/core/data/table';
import { GradientBoostingClassifier, GradientBoostingRegressor, type GradientBoostingOptions } from '../../../src/core/models/gradientBoosting';
import { Pipeline } from '../../../src/core/prepare/pipeline';
import { DEFAULT_SEED, Random } from '../../../src/core/random';
import type { FitOptions, Target, Task } from '../../../src/core/types';
import { crossValidate, holdoutSplit, kFold, type Learner, type Split } from '../../../src/core/validation';

/** A numeric table with missing cells (gradient boosting takes NaN itself) and a binary, 3-class and numeric target. */
function problem(rows: number, seed: number): { features: Table; binary: string[]; three: string[]; values: Float64Array } {
  const random = new Random(seed);
  const columns: NumericColumn[] = Array.from({ length: 5 }, (_, j) => ({
    name: `x${j}`,
    kind: 'numeric',
    values: Float64Array.from({ length: rows }, () => (random.next() < 0.04 * j ? Number.NaN : random.normal())),
  }));
  const at = (j: number, i: number): number => {
    const v = columns[j]?.values[i] as number;
    return v === v ? v : 0;
  };
  const score = Array.from({ length: rows }, (_, i) => at(0, i) + 0.7 * at(1, i) - 0.4 * at(3, i) + random.normal() * 0.8);
  return {
    features: { rowCount: rows, columns },
    binary: score.map((s) => (s > 0.2 ? 'yes' : 'no')),
    three: score.map((s) => (s > 0.6 ? 'high' : s < -0.6 ? 'low' : 'mid')),
    values: Float64Array.from(score, (s, i) => 3 * s + at(2, i)),
  };
}

type Boosting = GradientBoostingClassifier | GradientBoostingRegressor;

interface PathLog {
  /** fitColumnRows calls whose columns were the table's own arrays and whose rows were the split's training rows. */
  fits: number;
  /** Held-out scorings from the table's own arrays at the split's test rows. */
  scorings: number;
}

/**
 * crossValidate of gradient boosting with an empty pipeline (NaN let through, as trainExperiment makes it): through
 * row indices of the table's columns, or (`copied`) with fitColumnRows taken away, the fold's rows copied as before.
 */
async function run(features: Table, y: Target, task: Task, params: GradientBoostingOptions, splits: Split[], copied: boolean, log: PathLog) {
  const own = features.columns.map((c) => (c as NumericColumn).values);
  let fold = 0;
  const sameArrays = (columns: readonly Float64Array[]): boolean => columns.length === own.length && columns.every((c, j) => c === own[j]);
  return crossValidate(features, y, {
    task,
    makePipeline: () => new Pipeline([], { allowMissing: true }),
    makeModel: () => {
      const split = splits[fold++] as Split;
      const model: Boosting = task === 'classification' ? new GradientBoostingClassifier(params) : new GradientBoostingRegressor(params);
      if (copied) {
        Object.defineProperty(model, 'fitColumnRows', { value: undefined });
        return model as unknown as Learner;
      }
      const fit = model.fitColumnRows.bind(model);
      Object.defineProperty(model, 'fitColumnRows', {
        value: (columns: readonly Float64Array[], rows: Int32Array, target: Target, options: FitOptions) => {
          if (sameArrays(columns) && rows.length === split.train.length && rows.every((r, i) => r === split.train[i])) log.fits++;
          return fit(columns, rows, target, options);
        },
      });
      const name = model instanceof GradientBoostingClassifier ? 'predictProbaColumnRows' : 'predictColumnRows';
      const score = (model as unknown as Record<string, (c: readonly Float64Array[], r: Int32Array) => unknown>)[name]?.bind(model);
      Object.defineProperty(model, name, {
        value: (columns: readonly Float64Array[], rows: Int32Array) => {
          if (sameArrays(columns) && rows.length === split.test.length && rows.every((r, i) => r === split.test[i])) log.scorings++;
          return score?.(columns, rows);
        },
      });
      return model as unknown as Learner;
    },
    splits,
    seed: DEFAULT_SEED,
    keepFitted: true,
  });
}

async function assertSameAsCopied(features: Table, y: Target, task: Task, params: GradientBoostingOptions, splits: Split[], what: string) {
  const log: PathLog = { fits: 0, scorings: 0 };
  const byRows = await run(features, y, task, params, splits, false, log);
  assert.deepEqual(log, { fits: splits.length, scorings: splits.length }, `${what}: every fold fitted and scored on the table's own columns`);
  const copied = await run(features, y, task, params, splits, true, log);
  assert.deepEqual(byRows.predictions, copied.predictions, what);
  assert.deepEqual(byRows.proba, copied.proba, what);
  assert.deepEqual(byRows.metrics, copied.metrics, what);
  assert.deepEqual(byRows.folds, copied.folds, what);
  // keepFitted (permutation importance, folds on workers) gets the same fitted pipeline and model.
  byRows.fitted?.forEach((fitted, i) => {
    assert.deepEqual(fitted.model.toJSON(), copied.fitted?.[i]?.model.toJSON(), `${what}: fold ${i + 1}'s model`);
    assert.deepEqual((fitted.pipeline as Pipeline).toJSON(), (copied.fitted?.[i]?.pipeline as Pipeline).toJSON(), `${what}: fold ${i + 1}'s pipeline`);
  });
  assert.equal(byRows.fitted?.length, splits.length);
  return byRows;
}

test('gradient boosting folds fit and score through row indices of the table’s columns: the copied path’s predictions, probabilities and metrics bit for bit', async () => {
  // 15,000 rows: the hold-out's 12,000 training rows turn early stopping 'auto' on (above 10,000).
  const { features, binary, three, values } = problem(15_000, 5);
  const holdout = (y?: string[]) => [holdoutSplit(features.rowCount, { testSize: 0.2, seed: DEFAULT_SEED, ...(y ? { stratify: y } : {}) })];
  const auto = { max_iter: 12 };
  await assertSameAsCopied(features, binary, 'classification', auto, holdout(binary), 'binary hold-out');
  const result = await assertSameAsCopied(features, three, 'classification', auto, holdout(three), '3-class hold-out');
  assert.equal(result.proba?.cols, 3);
  assert.ok((result.fitted?.[0]?.model as GradientBoostingClassifier).validationLoss.length > 0, 'early stopping held rows out');
  await assertSameAsCopied(features, values, 'regression', auto, holdout(), 'regression hold-out');
  // k-fold (shuffled rows, not in order) with early stopping set on, and class weights (per-row weights).
  const small = problem(3000, 8);
  const folds = kFold(3000, 3, { shuffle: true, seed: 4 });
  const stopping: GradientBoostingOptions = { max_iter: 10, early_stopping: true };
  await assertSameAsCopied(small.features, small.three, 'classification', { ...stopping, class_weight: 'balanced' }, folds, '3-class k-fold');
  await assertSameAsCopied(small.features, small.values, 'regression', stopping, folds, 'regression k-fold');
});

test('a table with a text column, or a pipeline with steps, goes the copied way and gives what it gave', async () => {
  const { features, binary } = problem(600, 2);
  const splits = kFold(600, 3, { shuffle: true, seed: 1 });
  const withText: Table = {
    rowCount: features.rowCount,
    columns: [
      ...features.columns,
      stringColumn(
        'note',
        'text',
        binary.map((_, i) => `n${i}`),
      ),
    ],
  };
  let asked = 0;
  const original = GradientBoostingClassifier.prototype.fitColumnRows;
  GradientBoostingClassifier.prototype.fitColumnRows = function (...args) {
    asked++;
    return original.apply(this, args);
  };
  try {
    const options = { task: 'classification' as const, splits, seed: DEFAULT_SEED, makeModel: () => new GradientBoostingClassifier({ max_iter: 5 }) };
    await assert.rejects(
      crossValidate(withText, binary, { ...options, makePipeline: () => new Pipeline([], { allowMissing: true }) }),
      /column "note" is text/,
    );
    const dropped = await crossValidate(withText, binary, {
      ...options,
      makePipeline: () => Pipeline.fromSpec([{ drop: { columns: ['note'] } }], { allowMissing: true }),
    });
    assert.equal(asked, 0, 'fitted on copies');
    const plain = await crossValidate(features, binary, { ...options, makePipeline: () => new Pipeline([], { allowMissing: true }) });
    assert.equal(asked, 3, 'fitted through row indices');
    assert.deepEqual(dropped.predictions, plain.predictions);
    assert.deepEqual(dropped.proba, plain.proba);
  } finally {
    GradientBoostingClassifier.prototype.fitColumnRows = original;
  }
});

test('Pipeline.fitPassThrough: the table’s own columns, fitted as fitTransform fits; nothing for steps, text, or values transform refuses', () => {
  const { features, binary } = problem(200, 3);
  const pipeline = new Pipeline([], { allowMissing: true });
  const columns = pipeline.fitPassThrough(features);
  assert.ok(columns);
  columns.forEach((c, j) => assert.equal(c, (features.columns[j] as NumericColumn).values, 'no copy'));
  const fitted = new Pipeline([], { allowMissing: true });
  fitted.fitTransform(features, binary, { seed: DEFAULT_SEED });
  assert.deepEqual(pipeline.toJSON(), fitted.toJSON());
  assert.deepEqual(pipeline.featureNames, fitted.featureNames);
  assert.equal(new Pipeline([]).fitPassThrough(features), undefined, 'NaN cells without allowMissing');
  const infinite: Table = {
    rowCount: 200,
    columns: [{ name: 'x', kind: 'numeric', values: Float64Array.from({ length: 200 }, (_, i) => (i === 7 ? Infinity : i)) }],
  };
  assert.equal(new Pipeline([], { allowMissing: true }).fitPassThrough(infinite), undefined, 'Infinity');
  assert.equal(Pipeline.fromSpec([{ scale: { method: 'standard' } }], { allowMissing: true }).fitPassThrough(features), undefined, 'a step');
  const text: Table = { rowCount: 200, columns: [...features.columns, stringColumn('t', 'categorical', binary)] };
  const refused = new Pipeline([], { allowMissing: true });
  assert.equal(refused.fitPassThrough(text), undefined, 'a categorical column');
  assert.throws(() => refused.toJSON(), /only a fitted pipeline/);
});
