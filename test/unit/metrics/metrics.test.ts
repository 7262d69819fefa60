import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DenseMatrix } from '../../../src/core/types';
import {
  accuracy,
  balancedAccuracy,
  computeMetrics,
  confusionMatrix,
  logLoss,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredError,
  metricInfo,
  precisionRecallF1,
  r2Score,
  rocAuc,
  rocCurve,
  rootMeanSquaredError,
  scalarMetrics,
  type ClassificationMetrics,
  type RegressionMetrics,
} from '../../../src/core/metrics';

// Figures recorded with scikit-learn by bench/reference/metrics.py.
interface ClassificationCase {
  name: string;
  y_true: string[];
  y_pred: string[];
  proba?: number[][];
  proba_labels?: string[];
  positive?: string;
  labels: string[];
  accuracy: number;
  balanced_accuracy: number;
  confusion_matrix_labels: string[];
  confusion_matrix: number[][];
  per_class: { precision: number[]; recall: number[]; f1: number[]; support: number[] };
  [key: string]: unknown;
  roc_curve?: { fpr: number[]; tpr: number[]; thresholds: number[] };
  roc_curve_all?: { fpr: number[]; tpr: number[]; thresholds: number[] };
  roc_auc?: number;
  log_loss?: number;
}
interface RegressionCase {
  name: string;
  y_true: number[];
  y_pred: number[];
  mse: number;
  rmse: number;
  mae: number;
  r2: number;
  mape: number;
}
const reference = JSON.parse(readFileSync(join(__dirname, '../../fixtures/reference/metrics.json'), 'utf8')) as {
  classification: ClassificationCase[];
  regression: RegressionCase[];
};

function close(actual: number | undefined, expected: number, what: string): void {
  assert.ok(actual !== undefined, `${what} missing`);
  assert.ok(Math.abs(actual - expected) <= 1e-12 * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs scikit-learn ${expected}`);
}

function closeAll(actual: readonly number[], expected: readonly number[], what: string): void {
  assert.equal(actual.length, expected.length, `${what} length`);
  expected.forEach((e, i) => close(actual[i], e, `${what}[${i}]`));
}

function matrix(rows: number[][]): DenseMatrix {
  const cols = rows[0]?.length ?? 0;
  return { kind: 'dense', rows: rows.length, cols, data: Float64Array.from(rows.flat()) };
}

for (const c of reference.classification) {
  test(`label metrics equal scikit-learn's: ${c.name}`, () => {
    close(accuracy(c.y_true, c.y_pred), c.accuracy, 'accuracy');
    close(balancedAccuracy(c.y_true, c.y_pred), c.balanced_accuracy, 'balanced_accuracy');
    assert.deepEqual(confusionMatrix(c.y_true, c.y_pred, c.confusion_matrix_labels), c.confusion_matrix);
    const scores = precisionRecallF1(c.y_true, c.y_pred);
    assert.deepEqual(
      scores.perClass.map((s) => s.label),
      c.labels,
    );
    closeAll(
      scores.perClass.map((s) => s.precision),
      c.per_class.precision,
      'precision per class',
    );
    closeAll(
      scores.perClass.map((s) => s.recall),
      c.per_class.recall,
      'recall per class',
    );
    closeAll(
      scores.perClass.map((s) => s.f1),
      c.per_class.f1,
      'f1 per class',
    );
    assert.deepEqual(
      scores.perClass.map((s) => s.support),
      c.per_class.support,
    );
    for (const average of ['macro', 'micro', 'weighted'] as const) {
      close(scores[average].precision, c[`precision_${average}`] as number, `precision_${average}`);
      close(scores[average].recall, c[`recall_${average}`] as number, `recall_${average}`);
      close(scores[average].f1, c[`f1_${average}`] as number, `f1_${average}`);
    }
  });

  if (c.proba && c.proba_labels) {
    const proba = matrix(c.proba);
    const labels = c.proba_labels;
    test(`probability metrics equal scikit-learn's: ${c.name}`, () => {
      close(logLoss(c.y_true, proba, labels), c.log_loss as number, 'log_loss');
      close(rocAuc(c.y_true, proba, labels), c.roc_auc as number, 'roc_auc');
      if (c.positive && c.roc_curve && c.roc_curve_all) {
        const column = labels.indexOf(c.positive);
        const scores = c.proba!.map((row) => row[column] as number);
        for (const [drop, expected] of [
          [true, c.roc_curve],
          [false, c.roc_curve_all],
        ] as const) {
          const curve = rocCurve(c.y_true, scores, c.positive, drop);
          closeAll(curve.fpr, expected.fpr, `fpr (drop_intermediate=${drop})`);
          closeAll(curve.tpr, expected.tpr, `tpr (drop_intermediate=${drop})`);
          closeAll(curve.thresholds, expected.thresholds, `thresholds (drop_intermediate=${drop})`);
        }
      }
    });

    test(`computeMetrics gives the DESIGN.md keys with scikit-learn's values: ${c.name}`, () => {
      const m = computeMetrics('classification', c.y_true, c.y_pred, proba, labels) as ClassificationMetrics;
      close(m.accuracy, c.accuracy, 'accuracy');
      close(m.precision_macro, c.precision_macro as number, 'precision_macro');
      close(m.recall_macro, c.recall_macro as number, 'recall_macro');
      close(m.f1_macro, c.f1_macro as number, 'f1_macro');
      close(m.f1_weighted, c.f1_weighted as number, 'f1_weighted');
      close(m.balanced_accuracy, c.balanced_accuracy, 'balanced_accuracy');
      close(m.log_loss, c.log_loss as number, 'log_loss');
      close(m.roc_auc, c.roc_auc as number, 'roc_auc');
      assert.deepEqual(m.labels, labels);
      // The matrix follows the given label order: compare with scikit-learn's reversed-order matrix flipped back.
      const flipped = c.confusion_matrix.map((row) => [...row].reverse()).reverse();
      assert.deepEqual(m.confusion_matrix, flipped);
      assert.equal(m.roc !== undefined, labels.length === 2);
    });
  }
}

test('a never-predicted class scores zero precision without NaN (zero_division=0)', () => {
  const c = reference.classification.find((x) => x.name === 'three_class_never_predicted')!;
  const scores = precisionRecallF1(c.y_true, c.y_pred);
  const fish = scores.perClass.find((s) => s.label === 'fish')!;
  assert.equal(fish.precision, 0);
  assert.equal(fish.f1, 0);
  assert.ok(fish.support > 0);
});

test('computeMetrics appends labels seen only in the data after the given ones', () => {
  const m = computeMetrics('classification', ['a', 'b', 'c'], ['a', 'b', 'b'], undefined, ['b', 'a']) as ClassificationMetrics;
  assert.deepEqual(m.labels, ['b', 'a', 'c']);
  assert.deepEqual(m.confusion_matrix, [
    [1, 0, 0],
    [0, 1, 0],
    [1, 0, 0],
  ]);
  assert.equal(m.log_loss, undefined);
});

test('computeMetrics leaves log_loss and roc_auc out when the truth has a label the model has no column for', () => {
  const proba = matrix([
    [0.9, 0.1],
    [0.2, 0.8],
    [0.5, 0.5],
  ]);
  const m = computeMetrics('classification', ['a', 'b', 'z'], ['a', 'b', 'a'], proba, ['a', 'b']) as ClassificationMetrics;
  assert.equal(m.log_loss, undefined);
  assert.equal(m.roc_auc, undefined);
  close(m.accuracy, 2 / 3, 'accuracy');
});

for (const c of reference.regression) {
  test(`regression metrics equal scikit-learn's: ${c.name}`, () => {
    const t = Float64Array.from(c.y_true);
    const p = Float64Array.from(c.y_pred);
    close(meanSquaredError(t, p), c.mse, 'mse');
    close(rootMeanSquaredError(t, p), c.rmse, 'rmse');
    close(meanAbsoluteError(t, p), c.mae, 'mae');
    close(r2Score(t, p), c.r2, 'r2');
    close(meanAbsolutePercentageError(t, p), c.mape, 'mape');
    const m = computeMetrics('regression', t, p) as RegressionMetrics;
    assert.deepEqual(Object.keys(scalarMetrics(m)).sort(), ['mae', 'mape', 'mse', 'r2', 'rmse']);
    close(m.rmse, c.rmse, 'computeMetrics rmse');
  });
}

test('metric names: unknown or wrong-task names are errors that list the valid ones', () => {
  assert.equal(metricInfo('rmse').greaterIsBetter, false);
  assert.equal(metricInfo('log_loss').greaterIsBetter, false);
  assert.equal(metricInfo('f1_macro', 'classification').greaterIsBetter, true);
  assert.throws(() => metricInfo('f2_macro'), /unknown metric "f2_macro".*f1_macro/);
  assert.throws(() => metricInfo('rmse', 'classification'), /for regression.*accuracy/);
});

test('mismatched lengths and wrong target kinds are clear errors', () => {
  assert.throws(() => accuracy(['a'], ['a', 'b']), /1 values but the predictions have 2/);
  assert.throws(() => computeMetrics('regression', ['a'], ['a']), /numeric/);
  assert.throws(
    () =>
      rocAuc(
        ['a', 'a'],
        matrix([
          [0.5, 0.5],
          [0.4, 0.6],
        ]),
        ['a', 'b'],
      ),
    /only one class/,
  );
});
