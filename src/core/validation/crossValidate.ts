/** Fits pipeline and model per split on training rows only, scores the held-out rows, and pools out-of-fold predictions. */
import type { Table } from '../data/table';
import { computeMetrics, scalarMetrics, sortLabels, type Metrics } from '../metrics';
import type { DenseMatrix, EstimatorJSON, FitOptions, Matrix, Target, Task } from '../types';
import { MlError, throwIfAborted } from '../types';
import { argmaxLabels } from '../models/targets';
import type { TrainProgress } from './progress';
import { selectRows, selectTarget } from './rows';
import type { Split } from './splits';

/** What models take: a feature matrix, or raw texts for the transformer. */
export type ModelInput = Matrix | readonly string[];

/** The estimator shape validation needs; every Estimator is a Learner of matrices. */
export interface Learner<I extends ModelInput = Matrix> {
  readonly type: string;
  fit(X: I, y: Target, options: FitOptions): Promise<void> | void;
  predict(X: I): Target;
  toJSON(): EstimatorJSON;
}

interface ProbabilisticLearner<I extends ModelInput> extends Learner<I> {
  readonly classes: readonly string[];
  predictProba(X: I): DenseMatrix;
}

/** What a fitted preparation pipeline hands the model. */
export interface PreparedData<I extends ModelInput = Matrix> {
  readonly X: I;
  /** The target of the rows kept (steps such as dropDuplicates may drop rows while fitting). */
  readonly y: Target;
  readonly featureNames: readonly string[];
  /** The features as numeric columns, when the pipeline has them so (a model that fits on columns needs no `X` then). */
  readonly columns?: readonly Float64Array[];
}

/** A model that can fit on numeric columns; `dense` gives the row-major matrix for what it cannot do on columns. */
export interface ColumnLearner {
  fitColumns(columns: readonly Float64Array[], y: Target, options: FitOptions, dense: () => Matrix): void | Promise<void>;
}

/**
 * Fits `model` on prepared rows: on the columns themselves when the pipeline kept them and the model fits on columns
 * (no row-major copy of the rows is made), on `X` otherwise.
 */
export async function fitPrepared<I extends ModelInput>(model: Learner<I>, prepared: PreparedData<I>, options: FitOptions): Promise<void> {
  const columnar = model as Partial<ColumnLearner>;
  if (prepared.columns && typeof columnar.fitColumns === 'function') {
    await columnar.fitColumns(prepared.columns, prepared.y, options, () => prepared.X as unknown as Matrix);
    return;
  }
  await model.fit(prepared.X, prepared.y, options);
}

/** The part of `Pipeline` that validation uses; fitted on training rows, then applied to held-out rows. */
export interface PipelineLike<I extends ModelInput = Matrix> {
  fitTransform(features: Table, y: Target, options: FitOptions): PreparedData<I> | Promise<PreparedData<I>>;
  transform(features: Table): I | Promise<I>;
}

export interface CrossValidateOptions<I extends ModelInput = Matrix> {
  readonly task: Task;
  /** A fresh, unfitted pipeline per fold. */
  readonly makePipeline: () => PipelineLike<I>;
  /** A fresh, unfitted model per fold. */
  readonly makeModel: () => Learner<I>;
  readonly splits: readonly Split[];
  /** Label order of confusion matrices and probability columns; default: the sorted labels of y. */
  readonly labels?: readonly string[];
  /** The run's seed (trainExperiment settles it). */
  readonly seed: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: TrainProgress;
  /** Keep each split's fitted pipeline and model in the result (for permutation importance on its held-out rows). */
  readonly keepFitted?: boolean;
  /** Fits and scores the splits elsewhere (worker threads); the outcomes must be what runFold gives, in split order. */
  readonly foldRunner?: (splits: readonly Split[]) => Promise<FoldOutcome[]>;
}

/** One split's pipeline and model, fitted on its training rows only. */
export interface FittedSplit<I extends ModelInput = Matrix> {
  readonly split: Split;
  readonly pipeline: PipelineLike<I>;
  readonly model: Learner<I>;
}

export interface CrossValidationResult {
  /** Scalar metrics of each split's held-out rows. */
  readonly folds: Record<string, number>[];
  /** Mean and population standard deviation (ddof = 0, numpy's default) over the folds. */
  readonly mean: Record<string, number>;
  readonly std: Record<string, number>;
  /** Metrics of the pooled out-of-fold predictions (for a single hold-out split: of its test rows). */
  readonly metrics: Metrics;
  /** Rows that were scored, ascending, with their predictions and probabilities in that order. */
  readonly rows: number[];
  readonly predictions: Target;
  readonly proba?: DenseMatrix;
  readonly labels?: readonly string[];
  /** With keepFitted: each split's fitted pipeline and model, in split order. */
  readonly fitted?: readonly FittedSplit<ModelInput>[];
}

/** Number of rows of a model input. */
export function inputRows(X: ModelInput): number {
  return 'kind' in X ? X.rows : X.length;
}

function isProbabilistic<I extends ModelInput>(model: Learner<I>): model is ProbabilisticLearner<I> {
  const candidate = model as Partial<ProbabilisticLearner<I>>;
  return typeof candidate.predictProba === 'function' && Array.isArray(candidate.classes);
}

/** Mean and population std of each metric present in every fold. */
export function summariseFolds(folds: readonly Record<string, number>[]): { mean: Record<string, number>; std: Record<string, number> } {
  const mean: Record<string, number> = {};
  const std: Record<string, number> = {};
  const first = folds[0];
  if (!first) return { mean, std };
  for (const key of Object.keys(first)) {
    if (!folds.every((f) => typeof f[key] === 'number')) continue;
    const values = folds.map((f) => f[key] as number);
    const m = values.reduce((a, b) => a + b, 0) / values.length;
    mean[key] = m;
    std[key] = Math.sqrt(values.reduce((a, v) => a + (v - m) ** 2, 0) / values.length);
  }
  return { mean, std };
}

/**
 * Cross-validates: per split a fresh pipeline is fitted on the training rows only, then a fresh model;
 * the held-out rows are transformed by that fitted pipeline and predicted. Each model fits with the same seed.
 */
export async function crossValidate<I extends ModelInput = Matrix>(
  features: Table,
  y: Target,
  options: CrossValidateOptions<I>,
): Promise<CrossValidationResult> {
  const { task, splits } = options;
  if (features.rowCount !== y.length) throw new MlError(`the features have ${features.rowCount} rows but the target ${y.length}`);
  if (splits.length === 0) throw new MlError('validation: no splits to evaluate');
  const labels = task === 'classification' ? (options.labels ?? sortLabels(y as readonly string[])) : undefined;
  const n = y.length;
  const scored = new Uint8Array(n);
  const predicted: (string | number | undefined)[] = new Array(n);
  const probaRows: (Float64Array | undefined)[] = new Array(n);
  let everyFoldHasProba = task === 'classification';
  const folds: Record<string, number>[] = [];
  const fitted: FittedSplit<I>[] = [];
  let single: Metrics | undefined;

  const outcomes = options.foldRunner ? await options.foldRunner(splits) : await sequentialFolds(features, y, options, labels);
  for (const [index, split] of splits.entries()) {
    const outcome = outcomes[index] as FoldOutcome;
    const yTest = selectTarget(y, split.test);
    const yPred = outcome.predictions;
    if (options.keepFitted && outcome.fitted) fitted.push(outcome.fitted as unknown as FittedSplit<I>);
    const proba = outcome.proba;
    if (!proba) everyFoldHasProba = false;
    const foldMetrics = computeMetrics(task, yTest, yPred, proba, labels);
    // One split whose test rows are in row order: the pooled metrics below would see the same values in the same order.
    if (splits.length === 1 && isIncreasing(split.test)) single = foldMetrics;
    folds.push(scalarMetrics(foldMetrics));
    split.test.forEach((row, i) => {
      scored[row] = 1;
      predicted[row] = yPred[i];
      if (proba) probaRows[row] = proba.data.subarray(i * proba.cols, (i + 1) * proba.cols);
    });
  }

  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (scored[i]) rows.push(i);
  const predictions: Target = task === 'regression' ? Float64Array.from(rows, (r) => predicted[r] as number) : rows.map((r) => predicted[r] as string);
  let proba: DenseMatrix | undefined;
  if (everyFoldHasProba && labels) {
    const data = new Float64Array(rows.length * labels.length);
    rows.forEach((r, i) => data.set(probaRows[r] as Float64Array, i * labels.length));
    proba = { kind: 'dense', rows: rows.length, cols: labels.length, data };
  }
  const metrics = single ?? computeMetrics(task, selectTarget(y, rows), predictions, proba, labels);
  return {
    folds,
    ...summariseFolds(folds),
    metrics,
    rows,
    predictions,
    proba,
    labels,
    ...(options.keepFitted ? { fitted: fitted as unknown as FittedSplit<ModelInput>[] } : {}),
  };
}

/** What one split gives: its held-out predictions (in split.test order), probabilities in `labels` order, and optionally its fitted pair. */
export interface FoldOutcome {
  readonly predictions: Target;
  readonly proba?: DenseMatrix;
  readonly fitted?: FittedSplit<ModelInput>;
}

/**
 * Fits and scores one split: a fresh pipeline fitted on the training rows only, then a fresh model;
 * the held-out rows are transformed by that fitted pipeline and predicted. Where the pipeline hands numeric columns
 * through and the model fits through row indices, no copy of the rows is made (a fold's peak memory).
 */
export async function runFold<I extends ModelInput>(
  features: Table,
  y: Target,
  split: Split,
  index: number,
  options: CrossValidateOptions<I>,
  labels: readonly string[] | undefined,
): Promise<FoldOutcome> {
  const { signal, onProgress, splits } = options;
  const fold = index + 1;
  onProgress?.({ stage: 'fold', step: fold, of: splits.length, fold, folds: splits.length });
  const pipeline = options.makePipeline();
  const model = options.makeModel();
  const fitOptions: FitOptions = {
    seed: options.seed,
    signal,
    onProgress: onProgress ? (event) => onProgress({ ...event, fold, folds: splits.length }) : undefined,
  };
  const scored =
    (await fitAndScoreColumnRows(pipeline, model, features, y, split, fitOptions, labels)) ??
    (await fitAndScoreCopies(pipeline, model, features, y, split, fitOptions, labels));
  return {
    ...scored,
    ...(options.keepFitted ? { fitted: { split, pipeline, model } as unknown as FittedSplit<ModelInput> } : {}),
  };
}

/** A fold's held-out predictions (in split.test order) and probabilities in `labels` order. */
type Scored = Pick<FoldOutcome, 'predictions' | 'proba'>;

/** The split's rows copied out of the table: the pipeline fitted on the training rows, the held-out rows transformed by it. */
async function fitAndScoreCopies<I extends ModelInput>(
  pipeline: PipelineLike<I>,
  model: Learner<I>,
  features: Table,
  y: Target,
  split: Split,
  fitOptions: FitOptions,
  labels: readonly string[] | undefined,
): Promise<Scored> {
  const { signal, seed } = fitOptions;
  const prepared = await pipeline.fitTransform(selectRows(features, split.train), selectTarget(y, split.train), { signal, seed });
  await fitPrepared(model, prepared, fitOptions);
  throwIfAborted(signal);
  const heldOut = await heldOutRows(pipeline, model, selectRows(features, split.test));
  if ('X' in heldOut && inputRows(heldOut.X) !== split.test.length) {
    throw new MlError(
      `the fitted pipeline turned ${split.test.length} held-out rows into ${inputRows(heldOut.X)}; steps that drop rows must only do so while fitting`,
    );
  }
  if ('X' in heldOut) {
    const proba = labels && isProbabilistic(model) ? alignProba(model.predictProba(heldOut.X), model.classes, labels) : undefined;
    return { predictions: model.predict(heldOut.X), ...(proba ? { proba } : {}) };
  }
  // The probabilities predict would compute (once, from the columns): the same classes as predict's argmax.
  return probaScored(heldOut.proba, (model as unknown as { readonly classes: readonly string[] }).classes, labels);
}

function probaScored(proba: DenseMatrix, classes: readonly string[], labels: readonly string[] | undefined): Scored {
  const predictions = argmaxLabels(proba.data, classes);
  return labels ? { predictions, proba: alignProba(proba, classes, labels) } : { predictions };
}

/** A pipeline that hands a table's numeric columns through unchanged, fitted on the table itself (Pipeline.fitPassThrough). */
interface PassThroughPipeline {
  fitPassThrough(features: Table): readonly Float64Array[] | undefined;
}

/** A model that fits on and scores chosen rows of feature columns through their indices, copying none (gradient boosting). */
interface ColumnRowLearner {
  fitColumnRows(columns: readonly Float64Array[], rows: Int32Array, y: Target, options: FitOptions): void | Promise<void>;
  /** A classifier's probabilities of the rows, in its `classes` order. */
  predictProbaColumnRows?(columns: readonly Float64Array[], rows: Int32Array): DenseMatrix;
  /** A regressor's predictions of the rows. */
  predictColumnRows?(columns: readonly Float64Array[], rows: Int32Array): Target;
}

/**
 * fitAndScoreCopies without copying the split's rows, when the pipeline passes the table's numeric columns through and
 * the model fits and scores through row indices: the model is fitted on the table's own columns at the training rows
 * and scores them at the held-out rows; the same model and predictions as from copies of the rows. Undefined (nothing
 * fitted) otherwise.
 */
async function fitAndScoreColumnRows<I extends ModelInput>(
  pipeline: PipelineLike<I>,
  model: Learner<I>,
  features: Table,
  y: Target,
  split: Split,
  fitOptions: FitOptions,
  labels: readonly string[] | undefined,
): Promise<Scored | undefined> {
  const learner = model as unknown as Partial<ColumnRowLearner> & { readonly classes?: readonly string[] };
  const { fitColumnRows, predictProbaColumnRows, predictColumnRows } = learner;
  const probabilistic = typeof predictProbaColumnRows === 'function' && Array.isArray(learner.classes);
  if (typeof fitColumnRows !== 'function' || !(probabilistic || typeof predictColumnRows === 'function')) return undefined;
  const passThrough = pipeline as Partial<PassThroughPipeline>;
  const columns = typeof passThrough.fitPassThrough === 'function' ? passThrough.fitPassThrough(features) : undefined;
  if (!columns) return undefined;
  await fitColumnRows.call(learner, columns, Int32Array.from(split.train), selectTarget(y, split.train), fitOptions);
  throwIfAborted(fitOptions.signal);
  const test = Int32Array.from(split.test);
  if (probabilistic && predictProbaColumnRows) {
    return probaScored(predictProbaColumnRows.call(learner, columns, test), learner.classes as readonly string[], labels);
  }
  return { predictions: (predictColumnRows as NonNullable<typeof predictColumnRows>).call(learner, columns, test) };
}

/** A pipeline that gives its transformed rows as numeric columns when they are (Pipeline.transformColumns). */
interface ColumnTransformer {
  transformColumns(features: Table): { readonly columns: readonly Float64Array[] | undefined; matrix(): Matrix };
}

/** A model that predicts probabilities from feature columns, or undefined when it needs the matrix (LogisticRegression). */
interface ColumnPredictor {
  predictProbaColumns(columns: readonly Float64Array[]): DenseMatrix | undefined;
}

/**
 * The held-out rows as the model takes them: their probabilities predicted from the numeric columns when pipeline and
 * model both can (no row-major matrix of the rows is built), else the transformed matrix.
 */
async function heldOutRows<I extends ModelInput>(
  pipeline: PipelineLike<I>,
  model: Learner<I>,
  features: Table,
): Promise<{ readonly X: I } | { readonly proba: DenseMatrix }> {
  const columnar = pipeline as Partial<ColumnTransformer>;
  const predictor = model as Partial<ColumnPredictor>;
  if (typeof columnar.transformColumns !== 'function' || typeof predictor.predictProbaColumns !== 'function') {
    return { X: await pipeline.transform(features) };
  }
  const out = columnar.transformColumns(features);
  const proba = out.columns && (out.columns[0]?.length ?? -1) === features.rowCount ? predictor.predictProbaColumns(out.columns) : undefined;
  return proba ? { proba } : { X: out.matrix() as unknown as I };
}

async function sequentialFolds<I extends ModelInput>(
  features: Table,
  y: Target,
  options: CrossValidateOptions<I>,
  labels: readonly string[] | undefined,
): Promise<FoldOutcome[]> {
  const outcomes: FoldOutcome[] = [];
  for (const [index, split] of options.splits.entries()) {
    // Most models fit without awaiting anything real: a turn of the event loop between folds lets a
    // cancel (a signal handler, a worker message) be heard before the next fold starts.
    await new Promise<void>((resolve) => setImmediate(resolve));
    throwIfAborted(options.signal);
    outcomes.push(await runFold(features, y, split, index, options, labels));
  }
  return outcomes;
}

/** Reorders a model's probability columns into `labels` order; a class the fold's model never saw gets 0. */
export function alignProba(proba: DenseMatrix, classes: readonly string[], labels: readonly string[]): DenseMatrix {
  const source = labels.map((label) => classes.indexOf(label));
  const unknown = classes.find((c) => !labels.includes(c));
  if (unknown !== undefined) throw new MlError(`the model predicts class "${unknown}" that is not among the labels ${labels.join(', ')}`);
  const data = new Float64Array(proba.rows * labels.length);
  for (let i = 0; i < proba.rows; i++) {
    source.forEach((j, k) => {
      if (j >= 0) data[i * labels.length + k] = proba.data[i * proba.cols + j] as number;
    });
  }
  return { kind: 'dense', rows: proba.rows, cols: labels.length, data };
}

function isIncreasing(rows: readonly number[]): boolean {
  for (let i = 1; i < rows.length; i++) if ((rows[i] as number) <= (rows[i - 1] as number)) return false;
  return true;
}
