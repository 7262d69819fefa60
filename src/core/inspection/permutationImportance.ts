/**
 * Permutation importance, as scikit-learn's `sklearn.inspection.permutation_importance`: how much the
 * run's metric drops on held-out rows when one ORIGINAL column's values are shuffled among those rows
 * (before preparation, so a one-hot encoded column counts as one feature). Each split's model is
 * scored on its own held-out rows only: for a hold-out that is scikit-learn's procedure on the test
 * set; for k-fold each fold's model sees its own fold's rows permuted, and the score is taken over the
 * pooled out-of-fold predictions, as the run's metrics are. It only needs predict, so every model
 * type has it. Permutations come from the run's seed by (repeat, split) index; as in scikit-learn,
 * every column of one repeat is shuffled the same way.
 */
import { takeColumnRows, type Column, type Table } from '../data/table';
import { computeMetrics, metricInfo } from '../metrics';
import { accuracy } from '../metrics/classification';
import { r2Score } from '../metrics/regression';
import { childSeed } from '../parallel/jobs';
import { Random } from '../random';
import type { DenseMatrix, Target, Task } from '../types';
import { MlError, throwIfAborted } from '../types';
import {
  alignProba,
  inputRows,
  selectRows,
  selectTarget,
  type FittedSplit,
  type Learner,
  type ModelInput,
  type PipelineLike,
  type TrainProgress,
} from '../validation';

/** n_repeats when the experiment does not say. */
export const DEFAULT_N_REPEATS = 5;

export interface FeatureImportance {
  /** The original column's name. */
  readonly name: string;
  /** Mean over repeats of the metric's drop (positive: the model relies on the column). */
  readonly mean: number;
  /** Population standard deviation (ddof 0, as numpy) over repeats. */
  readonly std: number;
  /** The drop of each repeat. */
  readonly values: number[];
}

export interface PermutationImportanceResult {
  /** The metric whose drop is measured (for errors and losses: their rise). */
  readonly metric: string;
  readonly n_repeats: number;
  /** The metric on the unpermuted held-out rows. */
  readonly baseline: number;
  /** Held-out rows scored. */
  readonly rows: number;
  /** `holdout`: the hold-out set; `out-of-fold`: every fold's rows with that fold's model. */
  readonly scope: 'holdout' | 'out-of-fold';
  /** One entry per original feature column, in the table's column order. */
  readonly features: FeatureImportance[];
}

export interface PermutationImportanceOptions {
  readonly task: Task;
  /** A metric of METRIC_NAMES (the run's key metric: accuracy or r2 unless the search names another). */
  readonly metric: string;
  /** Label order of probability columns (classification). */
  readonly labels?: readonly string[];
  readonly nRepeats?: number;
  readonly seed: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: TrainProgress;
  /**
   * Scores every column elsewhere (worker threads): each column's permuted scores in column order,
   * as permutedScores gives them; `onColumns` is told how many columns are done.
   */
  readonly scoreColumns?: (context: ImportanceContext, columns: number, onColumns: (done: number) => void) => Promise<number[][]>;
}

/** What scoring one column needs: each split's held-out table, predictor and permutations, and the pooled truth. */
export interface ImportanceContext {
  readonly task: Task;
  readonly metric: string;
  readonly labels?: readonly string[];
  readonly nRepeats: number;
  /** Per split: its held-out rows of the original features. */
  readonly tests: readonly Table[];
  /** Per split: the fitted pipeline and model. */
  readonly predictors: readonly { readonly pipeline: PipelineLike<ModelInput>; readonly model: Learner<ModelInput> }[];
  /** permutations[r][s]: the order of split s's held-out rows in repeat r. */
  readonly permutations: readonly (readonly Int32Array[])[];
  /** The held-out truth, splits concatenated in order. */
  readonly truth: Target;
}

/** The permutations of each repeat and split, seeded by their indices. */
export function importancePermutations(seed: number, nRepeats: number, splitSizes: readonly number[]): Int32Array[][] {
  return Array.from({ length: nRepeats }, (_, r) =>
    splitSizes.map((size, s) => Int32Array.from(new Random(childSeed(seed, r, s)).shuffle(Array.from({ length: size }, (_, i) => i)))),
  );
}

/** Checks n_repeats (a whole number >= 1). */
export function checkRepeats(nRepeats: number): void {
  if (!Number.isInteger(nRepeats) || nRepeats < 1) throw new MlError(`importance.n_repeats: must be a whole number >= 1, got ${String(nRepeats)}`);
}

/** Builds the context of fitted splits on `features` (the original columns, target left out). */
export function importanceContext(
  features: Table,
  y: Target,
  fitted: readonly FittedSplit<ModelInput>[],
  options: PermutationImportanceOptions,
): ImportanceContext {
  const nRepeats = options.nRepeats ?? DEFAULT_N_REPEATS;
  checkRepeats(nRepeats);
  if (fitted.length === 0) throw new MlError('permutation importance: no fitted split to score');
  metricInfo(options.metric, options.task);
  const tests = fitted.map((f) => selectRows(features, f.split.test));
  const rows = fitted.flatMap((f) => f.split.test);
  return {
    task: options.task,
    metric: options.metric,
    labels: options.labels,
    nRepeats,
    tests,
    predictors: fitted.map(({ pipeline, model }) => ({ pipeline, model })),
    permutations: importancePermutations(
      options.seed,
      nRepeats,
      tests.map((t) => t.rowCount),
    ),
    truth: selectTarget(y, rows),
  };
}

/** Scores the context's splits with `column` permuted in `repeat` (or nothing permuted: column -1). */
async function pooledScore(context: ImportanceContext, column: number, repeat: number): Promise<number> {
  const info = metricInfo(context.metric, context.task);
  const regression = context.task === 'regression';
  const total = context.truth.length;
  const predicted: Float64Array | string[] = regression ? new Float64Array(total) : new Array<string>(total);
  const cols = context.labels?.length ?? 0;
  const proba = info.needsProba ? new Float64Array(total * cols) : undefined;
  let at = 0;
  for (const [s, test] of context.tests.entries()) {
    const order = column >= 0 ? (context.permutations[repeat]?.[s] as Int32Array) : undefined;
    const table = order ? permuteColumn(test, column, order) : test;
    const { pipeline, model } = context.predictors[s] as ImportanceContext['predictors'][number];
    const X = await pipeline.transform(table);
    if (inputRows(X) !== test.rowCount) throw new MlError(`permutation importance: the pipeline turned ${test.rowCount} held-out rows into ${inputRows(X)}`);
    const yPred = model.predict(X);
    for (let i = 0; i < yPred.length; i++) predicted[at + i] = yPred[i] as never;
    if (proba) {
      const probabilistic = model as Learner<ModelInput> & { classes?: readonly string[]; predictProba?: (X: ModelInput) => DenseMatrix };
      if (!probabilistic.predictProba || !probabilistic.classes || !context.labels) {
        throw new MlError(`permutation importance: metric "${context.metric}" needs predicted probabilities, which this model does not give`);
      }
      proba.set(alignProba(probabilistic.predictProba(X), probabilistic.classes, context.labels).data, at * cols);
    }
    at += test.rowCount;
  }
  return score(context, predicted, proba ? { kind: 'dense', rows: total, cols, data: proba } : undefined);
}

function score(context: ImportanceContext, predicted: Float64Array | string[], proba: DenseMatrix | undefined): number {
  if (context.metric === 'accuracy') return accuracy(context.truth as readonly string[], predicted as string[]);
  if (context.metric === 'r2') return r2Score(context.truth as Float64Array, predicted as Float64Array);
  const metrics = computeMetrics(context.task, context.truth, predicted, proba, proba ? context.labels : undefined) as unknown as Record<string, unknown>;
  const value = metrics[context.metric];
  if (typeof value !== 'number') throw new MlError(`permutation importance: metric "${context.metric}" could not be computed on the held-out rows`);
  return value;
}

/** A copy of `table` whose column `index` has its values in `order` (the other columns are shared). */
export function permuteColumn(table: Table, index: number, order: Int32Array): Table {
  const columns = table.columns.map((column, c): Column => {
    if (c !== index) return column;
    return takeColumnRows(column, order);
  });
  return { rowCount: table.rowCount, columns };
}

/** The unpermuted score of the context's held-out rows. */
export function baselineScore(context: ImportanceContext): Promise<number> {
  return pooledScore(context, -1, 0);
}

/** The score of each repeat with `column` permuted. */
export async function permutedScores(context: ImportanceContext, column: number): Promise<number[]> {
  const scores: number[] = [];
  for (let r = 0; r < context.nRepeats; r++) scores.push(await pooledScore(context, column, r));
  return scores;
}

/** The metric's drop per repeat (its rise for errors and losses), with mean and population std. */
export function summariseImportance(name: string, metric: string, baseline: number, scores: readonly number[]): FeatureImportance {
  const greater = metricInfo(metric).greaterIsBetter;
  const values = scores.map((s) => (greater ? baseline - s : s - baseline));
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
  return { name, mean, std, values };
}

/**
 * Permutation importance of every original column over the fitted splits' held-out rows, one
 * column after another, reporting progress per column and honouring cancellation between them.
 */
export async function permutationImportance(
  features: Table,
  y: Target,
  fitted: readonly FittedSplit<ModelInput>[],
  options: PermutationImportanceOptions,
): Promise<PermutationImportanceResult> {
  const context = importanceContext(features, y, fitted, options);
  const baseline = await baselineScore(context);
  const importances: FeatureImportance[] = [];
  const count = features.columns.length;
  if (options.scoreColumns) {
    const scores = await options.scoreColumns(context, count, (done) => options.onProgress?.({ stage: 'importance', step: done, of: count }));
    features.columns.forEach((column, c) => importances.push(summariseImportance(column.name, options.metric, baseline, scores[c] as number[])));
    return importanceResult(context, baseline, fitted.length, importances);
  }
  for (const [c, column] of features.columns.entries()) {
    await new Promise<void>((resolve) => setImmediate(resolve));
    throwIfAborted(options.signal);
    importances.push(summariseImportance(column.name, options.metric, baseline, await permutedScores(context, c)));
    options.onProgress?.({ stage: 'importance', step: c + 1, of: features.columns.length });
  }
  return importanceResult(context, baseline, fitted.length, importances);
}

/** The result object of a finished computation. */
export function importanceResult(context: ImportanceContext, baseline: number, splits: number, features: FeatureImportance[]): PermutationImportanceResult {
  return {
    metric: context.metric,
    n_repeats: context.nRepeats,
    baseline,
    rows: context.truth.length,
    scope: splits === 1 ? 'holdout' : 'out-of-fold',
    features,
  };
}
