/** The metrics of a run, keyed as DESIGN.md's `metrics` object, and the catalogue of metric names. */
import type { DenseMatrix, Target, Task } from '../types';
import { MlError } from '../types';
import { accuracy, balancedAccuracy, confusionMatrix, precisionRecallF1, type ClassScores } from './classification';
import { checkSameLength, sortLabels } from './labels';
import { logLoss } from './logLoss';
import { meanAbsoluteError, meanAbsolutePercentageError, meanSquaredError, r2Score, rootMeanSquaredError } from './regression';
import { rocAuc, rocCurve, type RocCurve } from './roc';

export interface ClassificationMetrics {
  readonly accuracy: number;
  readonly balanced_accuracy: number;
  readonly precision_macro: number;
  readonly recall_macro: number;
  readonly f1_macro: number;
  readonly precision_weighted: number;
  readonly recall_weighted: number;
  readonly f1_weighted: number;
  readonly f1_micro: number;
  /** Only with probabilities. */
  readonly log_loss?: number;
  /** Only with probabilities and at least two classes in the truth; one-vs-rest macro beyond two classes. */
  readonly roc_auc?: number;
  /** Rows: truth, columns: prediction, both in `labels` order. */
  readonly confusion_matrix: number[][];
  readonly labels: string[];
  readonly per_class: ClassScores[];
  /** Binary tasks with probabilities: the curve of the second label. */
  readonly roc?: RocCurve;
}

export interface RegressionMetrics {
  readonly rmse: number;
  readonly mae: number;
  readonly r2: number;
  readonly mse: number;
  readonly mape: number;
}

export type Metrics = ClassificationMetrics | RegressionMetrics;

export interface MetricInfo {
  readonly name: string;
  readonly task: Task;
  /** False for errors and losses (rmse, mae, mse, mape, log_loss): search minimises them. */
  readonly greaterIsBetter: boolean;
  readonly needsProba: boolean;
}

const catalogue: MetricInfo[] = [
  ...['accuracy', 'balanced_accuracy', 'precision_macro', 'recall_macro', 'f1_macro', 'precision_weighted', 'recall_weighted', 'f1_weighted', 'f1_micro'].map(
    (name): MetricInfo => ({ name, task: 'classification', greaterIsBetter: true, needsProba: false }),
  ),
  { name: 'roc_auc', task: 'classification', greaterIsBetter: true, needsProba: true },
  { name: 'log_loss', task: 'classification', greaterIsBetter: false, needsProba: true },
  { name: 'r2', task: 'regression', greaterIsBetter: true, needsProba: false },
  ...['rmse', 'mae', 'mse', 'mape'].map((name): MetricInfo => ({ name, task: 'regression', greaterIsBetter: false, needsProba: false })),
];

/** Every scalar metric name that search and the experiment file accept. */
export const METRIC_NAMES: readonly string[] = catalogue.map((m) => m.name);

/** Looks a metric up by name; an unknown name (or one of the other task) is an MlError listing the valid ones. */
export function metricInfo(name: string, task?: Task): MetricInfo {
  const found = catalogue.find((m) => m.name === name);
  const valid = catalogue.filter((m) => task === undefined || m.task === task).map((m) => m.name);
  if (!found) throw new MlError(`unknown metric "${name}"; known metrics: ${valid.join(', ')}`);
  if (task !== undefined && found.task !== task) {
    throw new MlError(`metric "${name}" is for ${found.task}, not ${task}; use one of: ${valid.join(', ')}`);
  }
  return found;
}

/**
 * Whether a larger value of a metric is better: the catalogue's answer for its metrics, and for
 * other names a run records (training curves) true, except for the curves' `loss`.
 */
export function greaterIsBetter(name: string): boolean {
  return catalogue.find((m) => m.name === name)?.greaterIsBetter ?? name !== 'loss';
}

/** The default metric a search optimises for a task. */
export function defaultMetric(task: Task): string {
  return task === 'classification' ? 'accuracy' : 'r2';
}

/** The number-valued entries of a metrics object (what cv folds, means and stds hold). */
export function scalarMetrics(metrics: Metrics): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(metrics)) if (typeof value === 'number') out[key] = value;
  return out;
}

/**
 * All metrics of a task. For classification `labels` fixes the order of the confusion matrix and
 * per-class lists (labels seen only in the data are appended) and must be given with `proba`,
 * whose columns it names. Averages use the labels present in truth or predictions, as scikit-learn's scorers do.
 */
export function computeMetrics(task: Task, yTrue: Target, yPred: Target, proba?: DenseMatrix, labels?: readonly string[]): Metrics {
  checkSameLength('metrics', yTrue, yPred);
  if (task === 'regression') {
    if (!(yTrue instanceof Float64Array) || !(yPred instanceof Float64Array)) {
      throw new MlError('regression metrics need numeric targets and predictions');
    }
    return {
      rmse: rootMeanSquaredError(yTrue, yPred),
      mae: meanAbsoluteError(yTrue, yPred),
      r2: r2Score(yTrue, yPred),
      mse: meanSquaredError(yTrue, yPred),
      mape: meanAbsolutePercentageError(yTrue, yPred),
    };
  }
  if (yTrue instanceof Float64Array || yPred instanceof Float64Array) {
    throw new MlError('classification metrics need class labels (strings), not numbers');
  }
  if (proba && !labels) throw new MlError('metrics: probabilities need the labels that name their columns');
  const given = labels ?? [];
  const extra = sortLabels([...yTrue, ...yPred].filter((label) => !given.includes(label)));
  const order = [...given, ...extra];
  const scores = precisionRecallF1(yTrue, yPred);
  const perClass = precisionRecallF1(yTrue, yPred, order).perClass;
  const result: ClassificationMetrics = {
    accuracy: accuracy(yTrue, yPred),
    balanced_accuracy: balancedAccuracy(yTrue, yPred),
    precision_macro: scores.macro.precision,
    recall_macro: scores.macro.recall,
    f1_macro: scores.macro.f1,
    precision_weighted: scores.weighted.precision,
    recall_weighted: scores.weighted.recall,
    f1_weighted: scores.weighted.f1,
    f1_micro: scores.micro.f1,
    confusion_matrix: confusionMatrix(yTrue, yPred, order),
    labels: order,
    per_class: perClass,
  };
  if (!proba || !labels) return result;
  return { ...result, ...probabilityMetrics(yTrue, proba, labels) };
}

function probabilityMetrics(
  yTrue: readonly string[],
  proba: DenseMatrix,
  labels: readonly string[],
): Pick<ClassificationMetrics, 'log_loss' | 'roc_auc' | 'roc'> {
  const known = new Set(labels);
  // A label the model never saw has no probability column: log loss and AUC are undefined then.
  if (!yTrue.every((y) => known.has(y))) return {};
  const out: { log_loss?: number; roc_auc?: number; roc?: RocCurve } = { log_loss: logLoss(yTrue, proba, labels) };
  if (new Set(yTrue).size < 2) return out;
  out.roc_auc = rocAuc(yTrue, proba, labels);
  if (labels.length === 2) {
    const scores = new Float64Array(proba.rows);
    for (let i = 0; i < proba.rows; i++) scores[i] = proba.data[i * 2 + 1] as number;
    out.roc = rocCurve(yTrue, scores, labels[1] as string);
  }
  return out;
}
