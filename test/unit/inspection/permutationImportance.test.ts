import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringValues, type NumericColumn, type StringColumn, type Table } from '../../../src/core/data/table';
import {
  baselineScore,
  importanceContext,
  permutationImportance,
  permutedScores,
  summariseImportance,
  type ImportanceContext,
} from '../../../src/core/inspection/permutationImportance';
import { LinearRegression } from '../../../src/core/models/linearRegression';
import { Pipeline } from '../../../src/core/prepare/pipeline';
import { CancelledError, type DenseMatrix, type Matrix, type Target } from '../../../src/core/types';
import { selectRows, selectTarget, type FittedSplit, type Learner, type ModelInput, type Split } from '../../../src/core/validation';
import { readCsvTable } from '../validation/doubles';
import { DEFAULT_SEED } from '../../../src/core/random';

// scikit-learn 1.2.1's permutation_importance on the same rows: bench/reference/permutation.py.
const reference = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'reference', 'permutation.json'), 'utf8'));

interface Case {
  features: string[];
  train: number[];
  test: number[];
  baseline: number;
  orders: number[][];
  importances: number[][];
  mean: number[];
  std: number[];
  mean30: number[];
  std30: number[];
  classes?: string[];
  coef?: number[][];
  intercept?: number[];
}

function features(table: Table, target: string): { features: Table; y: Table['columns'][number] } {
  return {
    features: { rowCount: table.rowCount, columns: table.columns.filter((c) => c.name !== target) },
    y: table.columns.find((c) => c.name === target) as Table['columns'][number],
  };
}

/** A fitted linear classifier with given coefficients: predict is the argmax of X·coefᵀ + intercept, as scikit-learn's LogisticRegression. */
class FixedLinearClassifier implements Learner<Matrix> {
  readonly type = 'fixed_linear';
  constructor(
    readonly classes: string[],
    private readonly coef: number[][],
    private readonly intercept: number[],
  ) {}
  fit(): void {}
  predict(X: Matrix): string[] {
    const dense = X as DenseMatrix;
    return Array.from({ length: dense.rows }, (_, i) => {
      let best = 0;
      let bestScore = -Infinity;
      this.coef.forEach((w, k) => {
        let s = this.intercept[k] as number;
        w.forEach((v, j) => (s += v * (dense.data[i * dense.cols + j] as number)));
        if (s > bestScore) [best, bestScore] = [k, s];
      });
      return this.classes[best] as string;
    });
  }
  toJSON(): { type: string } {
    return { type: this.type };
  }
}

async function fittedHoldout(table: Table, y: Target, split: Split, model: Learner<Matrix>): Promise<FittedSplit<ModelInput>> {
  const pipeline = Pipeline.fromSpec([]);
  const prepared = await pipeline.fitTransform(selectRows(table, split.train), selectTarget(y, split.train), { seed: DEFAULT_SEED });
  await model.fit(prepared.X, prepared.y, { seed: DEFAULT_SEED });
  return { split, pipeline, model } as unknown as FittedSplit<ModelInput>;
}

/** Our computation with scikit-learn's row orders in place of our own permutations. */
async function withSklearnOrders(context: ImportanceContext, c: Case): Promise<number[][]> {
  const given: ImportanceContext = { ...context, nRepeats: c.orders.length, permutations: c.orders.map((o) => [Int32Array.from(o)]) };
  const baseline = await baselineScore(given);
  assert.ok(Math.abs(baseline - c.baseline) < 1e-9, `baseline ${baseline} vs scikit-learn ${c.baseline}`);
  const out: number[][] = [];
  for (let j = 0; j < c.features.length; j++)
    out.push(summariseImportance(c.features[j] as string, context.metric, baseline, await permutedScores(given, j)).values);
  return out;
}

test('regression (LinearRegression, r2): with scikit-learn row orders our importances equal its permutation_importance', async () => {
  const c = reference.regression as Case;
  const { features: X, y: yColumn } = features(readCsvTable('diabetes.csv'), 'progression');
  const y = (yColumn as NumericColumn).values;
  const split = { train: c.train, test: c.test };
  const fitted = await fittedHoldout(X, y, split, new LinearRegression() as unknown as Learner<Matrix>);
  const context = importanceContext(X, y, [fitted], { task: 'regression', metric: 'r2', nRepeats: 5, seed: 0 });
  const ours = await withSklearnOrders(context, c);
  ours.forEach((row, j) =>
    row.forEach((v, r) => assert.ok(Math.abs(v - (c.importances[j]?.[r] as number)) < 1e-9, `${c.features[j]} repeat ${r}: ${v} vs ${c.importances[j]?.[r]}`)),
  );
});

test('classification (fixed linear classifier, accuracy): with scikit-learn row orders our importances equal its permutation_importance exactly', async () => {
  const c = reference.classification as Case;
  const { features: X, y: yColumn } = features(readCsvTable('iris.csv'), 'species');
  const y = stringValues(yColumn as StringColumn) as string[];
  const model = new FixedLinearClassifier(c.classes as string[], c.coef as number[][], c.intercept as number[]);
  const fitted = await fittedHoldout(X, y, { train: c.train, test: c.test }, model);
  const context = importanceContext(X, y, [fitted], { task: 'classification', metric: 'accuracy', nRepeats: 5, seed: 0, labels: c.classes });
  const ours = await withSklearnOrders(context, c);
  ours.forEach((row, j) => row.forEach((v, r) => assert.ok(Math.abs(v - (c.importances[j]?.[r] as number)) < 1e-12, `${c.features[j]} repeat ${r}`)));
});

test('with our own permutations (30 repeats) the means agree with scikit-learn within sampling error and the ranking matches', async () => {
  for (const [name, file, target, task, metric] of [
    ['regression', 'diabetes.csv', 'progression', 'regression', 'r2'],
    ['classification', 'iris.csv', 'species', 'classification', 'accuracy'],
  ] as const) {
    const c = reference[name] as Case;
    const { features: X, y: yColumn } = features(readCsvTable(file), target);
    const y = task === 'regression' ? (yColumn as NumericColumn).values : (stringValues(yColumn as StringColumn) as string[]);
    const model =
      task === 'regression'
        ? (new LinearRegression() as unknown as Learner<Matrix>)
        : new FixedLinearClassifier(c.classes as string[], c.coef as number[][], c.intercept as number[]);
    const fitted = await fittedHoldout(X, y, { train: c.train, test: c.test }, model);
    const result = await permutationImportance(X, y, [fitted], { task, metric, nRepeats: 30, seed: 42, labels: c.classes });
    assert.equal(result.scope, 'holdout');
    assert.equal(result.rows, c.test.length);
    assert.deepEqual(
      result.features.map((f) => f.name),
      c.features,
    );
    result.features.forEach((f, j) => {
      const sk = c.mean30[j] as number;
      const tolerance = 4 * Math.sqrt(((c.std30[j] as number) ** 2 + f.std ** 2) / 30) + 1e-3;
      assert.ok(Math.abs(f.mean - sk) <= tolerance, `${name} ${f.name}: ours ${f.mean} vs scikit-learn ${sk} (tolerance ${tolerance})`);
      assert.equal(f.values.length, 30);
    });
    // The clearly separated leaders rank the same (top two by mean).
    const rank = (means: readonly number[]): number[] => means.map((_, i) => i).sort((a, b) => (means[b] as number) - (means[a] as number));
    assert.deepEqual(rank(result.features.map((f) => f.mean)).slice(0, 2), rank(c.mean30).slice(0, 2));
  }
});

test('a column the model ignores has importance exactly 0, std 0; the same seed gives the same figures', async () => {
  const table = readCsvTable('iris.csv');
  const { features: X, y: yColumn } = features(table, 'species');
  const y = stringValues(yColumn as StringColumn) as string[];
  // Uses petal length only (column 2): every other column contributes a constant (nothing).
  const model = new FixedLinearClassifier(
    ['setosa', 'versicolor', 'virginica'],
    [
      [0, 0, -1, 0],
      [0, 0, 0, 0],
      [0, 0, 1, 0],
    ],
    [2.5, 0, -5],
  );
  const rows = Array.from({ length: y.length }, (_, i) => i);
  const split = { train: rows.filter((r) => r % 3 !== 0), test: rows.filter((r) => r % 3 === 0) };
  const fitted = await fittedHoldout(X, y, split, model);
  const options = { task: 'classification' as const, metric: 'accuracy', nRepeats: 4, seed: 7 };
  const result = await permutationImportance(X, y, [fitted], options);
  for (const j of [0, 1, 3]) assert.deepEqual({ mean: result.features[j]?.mean, std: result.features[j]?.std }, { mean: 0, std: 0 });
  assert.ok((result.features[2]?.mean as number) > 0.3, 'petal length matters');
  const again = await permutationImportance(X, y, [fitted], options);
  assert.deepEqual(again, result);
});

test('k-fold: each fold model scores its own rows, pooled; scope out-of-fold; cancellation stops it', async () => {
  const { features: X, y: yColumn } = features(readCsvTable('diabetes.csv'), 'progression');
  const y = (yColumn as NumericColumn).values;
  const n = y.length;
  const folds = [0, 1, 2].map((k) => ({ train: [...Array(n).keys()].filter((i) => i % 3 !== k), test: [...Array(n).keys()].filter((i) => i % 3 === k) }));
  const fitted = await Promise.all(folds.map((split) => fittedHoldout(X, y, split, new LinearRegression() as unknown as Learner<Matrix>)));
  const events: number[] = [];
  const result = await permutationImportance(X, y, fitted, {
    task: 'regression',
    metric: 'rmse',
    nRepeats: 2,
    seed: 1,
    onProgress: (e) => events.push(e.step),
  });
  assert.equal(result.scope, 'out-of-fold');
  assert.equal(result.rows, n);
  assert.equal(result.metric, 'rmse');
  assert.deepEqual(
    events,
    [...Array(X.columns.length).keys()].map((i) => i + 1),
  );
  // An error's rise is the importance: bmi and s5 matter, the rmse goes up when they are shuffled.
  assert.ok((result.features.find((f) => f.name === 'bmi')?.mean as number) > 1);
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(permutationImportance(X, y, fitted, { task: 'regression', metric: 'r2', seed: 1, signal: controller.signal }), CancelledError);
});
