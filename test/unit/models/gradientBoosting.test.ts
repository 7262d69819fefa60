import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Column, Table } from '../../../src/core/data/table';
import { targetValues } from '../../../src/core/data/target';
import { trainExperiment } from '../../../src/core/experiment/train';
import type { ClassificationMetrics } from '../../../src/core/metrics';
import { binColumns, binRows, featureThresholds, fitBins, fitBinsColumns } from '../../../src/core/models/boosting/binning';
import {
  GradientBoostingClassifier,
  GradientBoostingRegressor,
  gradientBoostingFromJSON,
  resolveGradientBoostingParams,
  type GradientBoostingOptions,
} from '../../../src/core/models/gradientBoosting';
import { fitBoostingColumns } from '../../../src/core/models/boosting/boost';
import { createModel, modelFromJSON } from '../../../src/core/models/registry';
import { Pipeline } from '../../../src/core/prepare/pipeline';
import { Random, DEFAULT_SEED } from '../../../src/core/random';
import { crossValidate as crossValidateTable, holdoutSplit } from '../../../src/core/validation';
import { CancelledError, MlError, type DenseMatrix, type ProgressEvent } from '../../../src/core/types';
import { loadCsv, r2, takeRows } from '../matrices';
import { readCsvTable } from '../validation/doubles';

// Figures from bench/reference/boosting.py (scikit-learn 1.2.1's HistGradientBoosting on the same folds).
const FIXTURES = join(__dirname, '..', '..', 'fixtures');
const reference = JSON.parse(readFileSync(join(FIXTURES, 'reference', 'boosting.json'), 'utf8'));

interface Case {
  params: Record<string, number>;
  scores: number[];
  mean: number;
}

function withMissing(X: DenseMatrix, cells: readonly number[]): DenseMatrix {
  const data = X.data.slice();
  for (const cell of cells) data[cell] = NaN;
  return { ...X, data };
}

/** Per-fold accuracy (classification) or R² (regression) on the fixture's folds, early stopping off as the fixture. */
async function crossValidate(
  X: DenseMatrix,
  labels: string[],
  values: Float64Array,
  folds: number[][],
  classification: boolean,
  params: object,
): Promise<number[]> {
  const scores: number[] = [];
  for (const testRows of folds) {
    const held = new Set(testRows);
    const trainRows = Array.from({ length: X.rows }, (_, i) => i).filter((i) => !held.has(i));
    const options: GradientBoostingOptions = { ...params, early_stopping: false };
    if (classification) {
      const model = new GradientBoostingClassifier(options);
      await model.fit(
        takeRows(X, trainRows),
        trainRows.map((i) => labels[i] as string),
        { seed: DEFAULT_SEED },
      );
      const predicted = model.predict(takeRows(X, testRows));
      scores.push(predicted.filter((p, k) => p === labels[testRows[k] as number]).length / testRows.length);
    } else {
      const model = new GradientBoostingRegressor(options);
      await model.fit(
        takeRows(X, trainRows),
        Float64Array.from(trainRows, (i) => values[i] as number),
        { seed: DEFAULT_SEED },
      );
      const predicted = model.predict(takeRows(X, testRows));
      scores.push(
        r2(
          Float64Array.from(testRows, (i) => values[i] as number),
          predicted,
        ),
      );
    }
  }
  return scores;
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

for (const name of ['iris.csv', 'breast_cancer.csv', 'diabetes.csv']) {
  test(`5-fold ${name} within 0.01 of HistGradientBoosting for each parameter set (each fold equal)`, async () => {
    const entry = reference.datasets[name];
    const { X, labels, values } = loadCsv(name);
    for (const c of entry.cases as Case[]) {
      const scores = await crossValidate(X, labels, values, entry.folds, entry.metric === 'accuracy', c.params);
      assert.ok(Math.abs(mean(scores) - c.mean) <= 0.01, `${name} ${JSON.stringify(c.params)}: ours ${mean(scores)} vs sklearn ${c.mean}`);
      // The same trees as scikit-learn's: each fold's score is equal, not only close.
      scores.forEach((score, k) =>
        assert.ok(Math.abs(score - (c.scores[k] as number)) < 1e-9, `${name} ${JSON.stringify(c.params)} fold ${k}: ${score} vs ${c.scores[k]}`),
      );
    }
  });
}

for (const name of ['breast_cancer.csv', 'diabetes.csv']) {
  test(`missing values of ${name} are learnt without imputation, within 0.01 of HistGradientBoosting`, async () => {
    const entry = reference.missing[name];
    const { X, labels, values } = loadCsv(name);
    const Xm = withMissing(X, entry.nan_cells);
    for (const c of entry.cases as Case[]) {
      const scores = await crossValidate(Xm, labels, values, entry.folds, entry.metric === 'accuracy', c.params);
      assert.ok(Math.abs(mean(scores) - c.mean) <= 0.01, `${name} with NaN ${JSON.stringify(c.params)}: ours ${mean(scores)} vs sklearn ${c.mean}`);
      scores.forEach((score, k) => assert.ok(Math.abs(score - (c.scores[k] as number)) < 1e-9, `${name} with NaN fold ${k}: ${score} vs ${c.scores[k]}`));
    }
  });
}

test('a full fit predicts as HistGradientBoosting does, with and without missing values (same trees: equal to rounding)', async () => {
  const fits: [string, DenseMatrix, string[] | Float64Array, number[] | number[][]][] = [];
  for (const name of ['iris.csv', 'breast_cancer.csv', 'diabetes.csv']) {
    const { X, labels, values } = loadCsv(name);
    const y = name === 'diabetes.csv' ? values : labels;
    fits.push([name, X, y, reference.datasets[name].full_fit.prediction]);
    const missing = reference.missing[name];
    if (missing) fits.push([`${name} with NaN`, withMissing(X, missing.nan_cells), y, missing.full_fit.prediction]);
  }
  for (const [name, X, y, expected] of fits) {
    let worst = 0;
    if (y instanceof Float64Array) {
      const model = new GradientBoostingRegressor({ early_stopping: false });
      await model.fit(X, y, { seed: DEFAULT_SEED });
      const ours = model.predict(X);
      (expected as number[]).forEach((v, i) => (worst = Math.max(worst, Math.abs(v - (ours[i] as number)))));
    } else {
      const model = new GradientBoostingClassifier({ early_stopping: false });
      await model.fit(X, y, { seed: DEFAULT_SEED });
      const ours = model.predictProba(X);
      (expected as number[][]).forEach((row, i) => row.forEach((p, k) => (worst = Math.max(worst, Math.abs(p - (ours.data[i * row.length + k] as number))))));
    }
    assert.ok(worst < 1e-9, `${name}: largest difference from scikit-learn's prediction ${worst}`);
  }
});

test('bin thresholds equal scikit-learn’s _BinMapper (midpoints, midpoint percentiles, NaN left out)', () => {
  for (const c of reference.binning as { name: string; max_bins: number; values: (number | null)[]; thresholds: number[]; bins: number[] }[]) {
    const column = Float64Array.from(c.values, (v) => (v === null ? NaN : v));
    const X: DenseMatrix = { kind: 'dense', rows: column.length, cols: 1, data: column };
    const bins = fitBins(X, c.max_bins, new Random(0));
    assert.deepEqual(Array.from(bins.thresholds[0] as Float64Array), c.thresholds, `${c.name} max_bins ${c.max_bins}`);
    assert.deepEqual(Array.from(binRows(X, bins)), c.bins, `${c.name} max_bins ${c.max_bins}: bins`);
  }
  assert.deepEqual(Array.from(featureThresholds(Float64Array.of(3, 1, 2, 2), 255)), [1.5, 2.5]);
});

test('one tree on tiny 1-D data: one split, leaf values −G / (H + λ) × learning_rate, as scikit-learn', async () => {
  const { X, y, params, prediction } = reference.tiny as { X: number[]; y: number[]; params: GradientBoostingOptions; prediction: number[] };
  const model = new GradientBoostingRegressor({ ...params, early_stopping: false });
  const matrix: DenseMatrix = { kind: 'dense', rows: X.length, cols: 1, data: Float64Array.from(X) };
  const target = Float64Array.from(y);
  await model.fit(matrix, target, { seed: DEFAULT_SEED });
  // By hand: baseline = mean(y); gradients g = baseline − y; the split x <= 4.5 parts the rows 5 / 5;
  // each leaf adds −Σg / (n + λ) × learning_rate (squared error: every hessian is 1).
  const base = y.reduce((a, b) => a + b, 0) / y.length;
  const leaf = (rows: number[]): number => (-rows.reduce((s, i) => s + (base - (y[i] as number)), 0) / (rows.length + 2)) * 0.5;
  const left = leaf([0, 1, 2, 3, 4]);
  const right = leaf([5, 6, 7, 8, 9]);
  const ours = model.predict(matrix);
  X.forEach((x, i) => {
    const byHand = base + (x <= 4.5 ? left : right);
    assert.ok(Math.abs((ours[i] as number) - byHand) < 1e-6, `row ${i}: ${ours[i]} vs by hand ${byHand}`);
    assert.ok(Math.abs((ours[i] as number) - (prediction[i] as number)) < 1e-6, `row ${i}: ${ours[i]} vs sklearn ${prediction[i]}`);
  });
  assert.equal(model.nIter, 1);
});

test("class_weight 'balanced' and a map move predictions toward the rare class as scikit-learn's do", async () => {
  const {
    X,
    y,
    train_rows: cut,
    cases,
  } = reference.class_weight as {
    X: number[][];
    y: string[];
    train_rows: number;
    cases: { class_weight: null | string | Record<string, number>; prediction: string[]; rare_predicted: number; accuracy: number }[];
  };
  const matrix = (rows: number[][]): DenseMatrix => ({ kind: 'dense', rows: rows.length, cols: 4, data: Float64Array.from(rows.flat()) });
  const rare: number[] = [];
  for (const c of cases) {
    const model = new GradientBoostingClassifier({ class_weight: c.class_weight, early_stopping: false });
    await model.fit(matrix(X.slice(0, cut)), y.slice(0, cut), { seed: DEFAULT_SEED });
    const predicted = model.predict(matrix(X.slice(cut)));
    // The same weighted trees as scikit-learn's: every prediction agrees.
    assert.deepEqual(predicted, c.prediction, `class_weight ${JSON.stringify(c.class_weight)}`);
    const count = predicted.filter((p) => p === 'rare').length;
    assert.equal(count, c.rare_predicted);
    rare.push(count);
  }
  assert.ok((rare[1] as number) > (rare[0] as number), `balanced predicts the rare class more often (${rare.join(' vs ')})`);
});

test('save and restore through the registry give identical predictions (classifier, multiclass, regressor, with NaN)', async () => {
  const iris = loadCsv('iris.csv');
  const cancer = loadCsv('breast_cancer.csv');
  const diabetes = loadCsv('diabetes.csv');
  const nanCancer = withMissing(cancer.X, reference.missing['breast_cancer.csv'].nan_cells);
  const cases: [GradientBoostingClassifier | GradientBoostingRegressor, DenseMatrix, string[] | Float64Array][] = [
    [new GradientBoostingClassifier({ max_iter: 20 }), iris.X, iris.labels],
    [new GradientBoostingClassifier({ max_iter: 20 }), nanCancer, cancer.labels],
    [new GradientBoostingRegressor({ max_iter: 20, max_depth: 3 }), diabetes.X, diabetes.values],
  ];
  for (const [model, X, y] of cases) {
    await model.fit(X, y, { seed: 1 });
    const restored = modelFromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    assert.equal(restored.type, 'gradient_boosting');
    if (model instanceof GradientBoostingClassifier) {
      const again = restored as GradientBoostingClassifier;
      assert.deepEqual(Array.from(again.predictProba(X).data), Array.from(model.predictProba(X).data));
      assert.deepEqual(again.predict(X), model.predict(X));
      assert.deepEqual(again.classes, model.classes);
    } else {
      assert.deepEqual(Array.from((restored as GradientBoostingRegressor).predict(X)), Array.from(model.predict(X)));
    }
    assert.deepEqual(Array.from((restored as GradientBoostingRegressor).featureImportances), Array.from(model.featureImportances));
  }
  assert.throws(() => gradientBoostingFromJSON({ type: 'random_forest', task: 'regression' }), /expected type 'gradient_boosting'/);
});

test('bad parameters and bad input are MlErrors naming what is wrong', async () => {
  const bad: [GradientBoostingOptions | Record<string, unknown>, RegExp][] = [
    [{ learning_rate: 0 }, /learning_rate must be a number > 0/],
    [{ max_iter: 0 }, /max_iter must be an integer >= 1/],
    [{ max_leaf_nodes: 1 }, /max_leaf_nodes must be an integer >= 2 or null/],
    [{ max_depth: 0 }, /max_depth must be an integer >= 1 or null/],
    [{ min_samples_leaf: 0.5 }, /min_samples_leaf must be an integer >= 1/],
    [{ l2_regularization: -1 }, /l2_regularization must be a number >= 0/],
    [{ max_bins: 256 }, /max_bins must be an integer from 2 to 255/],
    [{ early_stopping: 'yes' }, /early_stopping must be 'auto', true or false/],
    [{ validation_fraction: 1 }, /validation_fraction must be a number in \(0, 1\) or null/],
    [{ n_iter_no_change: 0 }, /n_iter_no_change must be an integer >= 1/],
    [{ tol: -1 }, /tol must be a number >= 0/],
    [{ scoring: 'r2' }, /scoring must be 'loss' or 'accuracy' for classification/],
    [{ class_weight: 'even' }, /class_weight/],
    [{ n_jobs: 0 }, /n_jobs/],
    [{ learning_rat: 0.1 }, /unknown parameter 'learning_rat'/],
  ];
  for (const [params, message] of bad) {
    assert.throws(
      () => createModel('gradient_boosting', params as Record<string, unknown>, 'classification'),
      (error: unknown) => error instanceof MlError && message.test(error.message),
      JSON.stringify(params),
    );
  }
  assert.throws(() => new GradientBoostingRegressor({ class_weight: 'balanced' }), /class_weight' applies to classification only/);
  const model = new GradientBoostingClassifier();
  assert.throws(() => model.predict({ kind: 'dense', rows: 1, cols: 2, data: new Float64Array(2) }), /predict called before fit/);
  await assert.rejects(model.fit({ kind: 'dense', rows: 2, cols: 1, data: Float64Array.of(1, 2) }, ['a', 'a'], { seed: DEFAULT_SEED }), MlError);
  const iris = loadCsv('iris.csv');
  await model.fit(iris.X, iris.labels, { seed: 0 });
  assert.throws(() => model.predict({ kind: 'dense', rows: 1, cols: 3, data: new Float64Array(3) }), /3 feature columns but the model was fitted on 4/);
});

test('each iteration reports its training loss, and validation loss when early stopping holds rows out; early stopping stops', async () => {
  const { X, labels } = loadCsv('breast_cancer.csv');
  const events: ProgressEvent[] = [];
  const model = new GradientBoostingClassifier({ early_stopping: true, max_iter: 300, n_iter_no_change: 5 });
  await model.fit(X, labels, { seed: 3, onProgress: (event) => events.push(event) });
  assert.ok(model.nIter < 300, `stopped after ${model.nIter} iterations`);
  assert.equal(events.length, model.nIter);
  assert.ok(events.every((e, i) => e.stage === 'train' && e.step === i + 1 && typeof e.loss === 'number' && typeof e.metrics?.val_loss === 'number'));
  assert.ok((events.at(-1)?.loss as number) < (events[0]?.loss as number), 'the training loss falls');
  assert.deepEqual(
    model.trainLoss,
    events.map((e) => e.loss),
  );
  // Same seed, same model.
  const again = new GradientBoostingClassifier({ early_stopping: true, max_iter: 300, n_iter_no_change: 5 });
  await again.fit(X, labels, { seed: 3 });
  assert.deepEqual(Array.from(again.predictProba(X).data), Array.from(model.predictProba(X).data));
  // Accuracy as the early-stopping score, and the training rows scored when validation_fraction is null.
  for (const options of [{ scoring: 'accuracy' as const }, { validation_fraction: null }]) {
    const other = new GradientBoostingClassifier({ early_stopping: true, max_iter: 300, n_iter_no_change: 5, ...options });
    await other.fit(X, labels, { seed: 3 });
    assert.ok(other.nIter < 300, `${JSON.stringify(options)}: stopped after ${other.nIter} iterations`);
  }
  // n_jobs does not change the model.
  const one = new GradientBoostingClassifier({ max_iter: 10, n_jobs: 1 });
  const all = new GradientBoostingClassifier({ max_iter: 10, n_jobs: -1 });
  await one.fit(X, labels, { seed: 5 });
  await all.fit(X, labels, { seed: 5 });
  assert.deepEqual(all.toJSON().trees, one.toJSON().trees);
  // Without early stopping: one event per iteration, no validation loss.
  const plain: ProgressEvent[] = [];
  await new GradientBoostingClassifier({ max_iter: 7 }).fit(X, labels, { seed: DEFAULT_SEED, onProgress: (e) => plain.push(e) });
  assert.equal(plain.length, 7);
  assert.ok(plain.every((e) => e.metrics === undefined));
});

test('feature importances: normalised split gain, highest on the features the target depends on', async () => {
  const rng = new Random(4);
  const rows = 2000;
  const data = new Float64Array(rows * 5);
  const y = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    for (let f = 0; f < 5; f++) data[i * 5 + f] = rng.normal();
    y[i] = 3 * (data[i * 5 + 2] as number) + (data[i * 5 + 4] as number) + 0.1 * rng.normal();
  }
  const model = new GradientBoostingRegressor({ max_iter: 30 });
  await model.fit({ kind: 'dense', rows, cols: 5, data }, y, { seed: DEFAULT_SEED });
  const importances = Array.from(model.featureImportances);
  assert.ok(Math.abs(importances.reduce((a, b) => a + b, 0) - 1) < 1e-9);
  const order = importances.map((v, f) => [v, f] as const).sort((a, b) => b[0] - a[0]);
  assert.deepEqual(
    order.slice(0, 2).map(([, f]) => f),
    [2, 4],
  );
});

test('a fit can be cancelled between iterations', async () => {
  const { X, labels } = loadCsv('iris.csv');
  const controller = new AbortController();
  const model = new GradientBoostingClassifier({ max_iter: 1000 });
  const fit = model.fit(X, labels, {
    seed: DEFAULT_SEED,
    signal: controller.signal,
    onProgress: (event) => {
      if (event.step === 3) controller.abort();
    },
  });
  await assert.rejects(fit, CancelledError);
});

test('trainExperiment runs gradient_boosting on a table with missing feature values and no impute step; other models still ask for one', async () => {
  const clean = readCsvTable('breast_cancer.csv');
  const nanCells: number[] = reference.missing['breast_cancer.csv'].nan_cells;
  const features = clean.columns.length - 1;
  const columns = clean.columns.map((column, j): Column => {
    if (column.kind !== 'numeric' || j >= features) return column;
    const values = column.values.slice();
    for (const cell of nanCells) if (cell % features === j) values[Math.floor(cell / features)] = NaN;
    return { ...column, values };
  });
  const table: Table = { rowCount: clean.rowCount, columns };
  const target = (clean.columns[features] as Column).name;
  const experiment = {
    data: { path: 'breast_cancer.csv', target },
    model: { type: 'gradient_boosting', params: { max_iter: 30 } },
    validation: { method: 'kfold' as const, folds: 3 },
    seed: 2,
  };
  const events: ProgressEvent[] = [];
  const result = await trainExperiment(experiment, table, { onProgress: (event) => events.push(event) });
  assert.equal(result.status, 'completed');
  assert.equal(result.model.type, 'gradient_boosting');
  assert.ok((result.metrics as ClassificationMetrics).accuracy > 0.9, `accuracy ${(result.metrics as ClassificationMetrics).accuracy}`);
  assert.ok(events.filter((e) => e.stage === 'train' && typeof e.loss === 'number').length >= 30, 'per-iteration losses reach the run');
  // The saved pipeline lets NaN through at predict time too (mlwb serve).
  const pipeline = Pipeline.fromJSON(JSON.parse(JSON.stringify((result.pipeline as Pipeline).toJSON())));
  const model = modelFromJSON(JSON.parse(JSON.stringify(result.model.toJSON()))) as GradientBoostingClassifier;
  const rows = { rowCount: table.rowCount, columns: columns.slice(0, features) };
  assert.equal(model.predict(pipeline.transform(rows)).length, table.rowCount);
  await assert.rejects(trainExperiment({ ...experiment, model: { type: 'random_forest', params: { n_estimators: 5 } } }, table), /missing value\(s\).*impute/);
});

test('fitColumns on feature columns gives the model fit gives on the matrix (early-stopping rows, NaN, class weights, regression); binning columns through row indices equals binning the copied rows', async () => {
  const random = new Random(3);
  const rows = 3000;
  const cols = 4;
  const columns = Array.from({ length: cols }, (_, j) => Float64Array.from({ length: rows }, () => (random.next() < 0.05 * j ? Number.NaN : random.normal())));
  const X: DenseMatrix = {
    kind: 'dense',
    rows,
    cols,
    data: Float64Array.from({ length: rows * cols }, (_, k) => columns[k % cols]?.[Math.floor(k / cols)] as number),
  };
  const labels = Array.from({ length: rows }, (_, i) =>
    (columns[0]?.[i] ?? 0) + 0.5 * (columns[1]?.[i] ?? 0) > random.normal() * 0.5 ? 'yes' : i % 7 === 0 ? 'maybe' : 'no',
  );
  for (const options of [
    { max_iter: 15, early_stopping: true },
    { max_iter: 10, class_weight: 'balanced' },
  ] as GradientBoostingOptions[]) {
    const dense = new GradientBoostingClassifier(options);
    await dense.fit(X, labels, { seed: DEFAULT_SEED });
    const columnar = new GradientBoostingClassifier(options);
    await columnar.fitColumns(columns, labels, { seed: DEFAULT_SEED });
    assert.deepEqual(columnar.toJSON(), dense.toJSON(), JSON.stringify(options));
    // The hold-out scored from the columns: predictProba's values bit for bit (NaN cells included), no matrix.
    assert.deepEqual([...columnar.predictProbaColumns(columns).data], [...dense.predictProba(X).data], JSON.stringify(options));
  }
  const binary = new GradientBoostingClassifier({ max_iter: 8 });
  await binary.fit(
    X,
    labels.map((label) => (label === 'yes' ? 'yes' : 'no')),
    { seed: DEFAULT_SEED },
  );
  assert.deepEqual([...binary.predictProbaColumns(columns).data], [...binary.predictProba(X).data]);
  assert.throws(() => binary.predictProbaColumns(columns.slice(1)), /3 feature columns but the model was fitted on 4/);
  const target = Float64Array.from({ length: rows }, (_, i) => (columns[0]?.[i] ?? 0) * 2 + random.normal());
  const regressor = new GradientBoostingRegressor({ max_iter: 10, early_stopping: true });
  await regressor.fit(X, target, { seed: DEFAULT_SEED });
  const columnRegressor = new GradientBoostingRegressor({ max_iter: 10, early_stopping: true });
  await columnRegressor.fitColumns(columns, target, { seed: DEFAULT_SEED });
  assert.deepEqual(columnRegressor.toJSON(), regressor.toJSON());
  // Above the binning subsample (200,000 rows), through row indices.
  const many = 230_000;
  const wide = [
    Float64Array.from({ length: many }, () => random.normal()),
    Float64Array.from({ length: many }, (_, i) => (i % 11 === 0 ? Number.NaN : i % 300)),
  ];
  const picked = Int32Array.from({ length: 210_000 }, (_, i) => i + Math.floor(i / 20));
  const copied: DenseMatrix = {
    kind: 'dense',
    rows: picked.length,
    cols: 2,
    data: Float64Array.from({ length: picked.length * 2 }, (_, k) => wide[k % 2]?.[picked[Math.floor(k / 2)] as number] as number),
  };
  const bins = fitBins(copied, 255, new Random(9));
  const fromColumns = fitBinsColumns(wide, picked, 255, new Random(9));
  assert.deepEqual(fromColumns, bins);
  assert.deepEqual(binColumns(wide, picked, bins), binRows(copied, bins));
});

test('a hold-out is scored once, from the columns: the predictions, probabilities and metrics of predict on the matrix (binary and 3 classes)', async () => {
  for (const [file, targetName] of [
    ['breast_cancer.csv', 'diagnosis'],
    ['iris.csv', 'species'],
  ] as const) {
    const table = readCsvTable(file);
    const target = table.columns.find((c) => c.name === targetName) as Column;
    const features: Table = { rowCount: table.rowCount, columns: table.columns.filter((c) => c !== target) };
    const y = targetValues(target, 'classification');
    const splits = [holdoutSplit(table.rowCount, { testSize: 0.25, seed: DEFAULT_SEED, stratify: y as string[] })];
    const calls = { columns: 0, matrix: 0 };
    const run = (columnar: boolean) =>
      crossValidateTable(features, y, {
        task: 'classification',
        makePipeline: () => Pipeline.fromSpec([{ scale: { method: 'standard' } }]),
        makeModel: () => {
          const model = new GradientBoostingClassifier({ max_iter: 10 });
          const byColumns = model.predictProbaColumns.bind(model);
          const byMatrix = model.predictProba.bind(model);
          Object.defineProperty(model, 'predictProbaColumns', {
            value: columnar
              ? (columns: readonly Float64Array[]) => {
                  calls.columns++;
                  return byColumns(columns);
                }
              : undefined,
          });
          Object.defineProperty(model, 'predictProba', {
            value: (X: DenseMatrix) => {
              calls.matrix++;
              return byMatrix(X);
            },
          });
          return model;
        },
        splits,
        seed: DEFAULT_SEED,
      });
    const byColumns = await run(true);
    assert.deepEqual(calls, { columns: 1, matrix: 0 }, `${file}: one prediction, from the columns`);
    const byMatrix = await run(false);
    assert.equal(calls.columns, 1);
    assert.ok(calls.matrix >= 1);
    assert.deepEqual(byColumns.predictions, byMatrix.predictions, file);
    assert.deepEqual(byColumns.proba, byMatrix.proba, file);
    assert.deepEqual(byColumns.metrics, byMatrix.metrics, file);
  }
});

test('fitBoostingColumns and fitColumnRows on rows of the columns equal the fits on copies of those rows (early stopping, NaN, class weights, regression)', async () => {
  const random = new Random(11);
  const total = 4000;
  const columns = Array.from({ length: 3 }, (_, j) => Float64Array.from({ length: total }, () => (random.next() < 0.06 * j ? Number.NaN : random.normal())));
  // Rows out of order, as a shuffled fold's: the early-stopping split is drawn over them, not over the table.
  const rows = Int32Array.from({ length: 3000 }, (_, i) => (i * 7919) % total);
  const copies = columns.map((c) => Float64Array.from(rows, (r) => c[r] as number));
  const labels = Array.from(rows, (r) => ((columns[0]?.[r] ?? 0) > random.normal() * 0.7 ? 'up' : r % 3 === 0 ? 'flat' : 'down'));
  const codes = Float64Array.from(labels, (label) => ['down', 'flat', 'up'].indexOf(label));
  const settings = resolveGradientBoostingParams({ max_iter: 8, early_stopping: true }, 'classification');
  const options = { seed: DEFAULT_SEED };
  assert.deepEqual(
    await fitBoostingColumns(columns, codes, 3, undefined, settings, options, rows),
    await fitBoostingColumns(copies, codes, 3, undefined, settings, options),
  );
  for (const params of [{ max_iter: 8, early_stopping: true, class_weight: 'balanced' }, { max_iter: 6 }] as GradientBoostingOptions[]) {
    const byRows = new GradientBoostingClassifier(params);
    await byRows.fitColumnRows(columns, rows, labels, options);
    const copied = new GradientBoostingClassifier(params);
    await copied.fitColumns(copies, labels, options);
    assert.deepEqual(byRows.toJSON(), copied.toJSON(), JSON.stringify(params));
    const test = Int32Array.from({ length: 500 }, (_, i) => total - 1 - 2 * i);
    const heldOut = columns.map((c) => Float64Array.from(test, (r) => c[r] as number));
    assert.deepEqual(byRows.predictProbaColumnRows(columns, test), copied.predictProbaColumns(heldOut));
  }
  const values = Float64Array.from(rows, (r) => 2 * (columns[1]?.[r] || 0) + random.normal());
  const regressor = new GradientBoostingRegressor({ max_iter: 8, early_stopping: true });
  await regressor.fitColumnRows(columns, rows, values, options);
  const copiedRegressor = new GradientBoostingRegressor({ max_iter: 8, early_stopping: true });
  await copiedRegressor.fitColumns(copies, values, options);
  assert.deepEqual(regressor.toJSON(), copiedRegressor.toJSON());
  const matrix: DenseMatrix = {
    kind: 'dense',
    rows: rows.length,
    cols: 3,
    data: Float64Array.from({ length: rows.length * 3 }, (_, k) => copies[k % 3]?.[Math.floor(k / 3)] as number),
  };
  assert.deepEqual(regressor.predictColumnRows(columns, rows), copiedRegressor.predict(matrix));
  await assert.rejects(regressor.fitColumnRows(columns, Int32Array.of(0, total), Float64Array.of(1, 2), options), /row index 4000 is outside the 4000 rows/);
  assert.throws(() => regressor.predictColumnRows(columns, Int32Array.of(-1)), /row index -1 is outside/);
});
