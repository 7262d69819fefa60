/**
 * Histogram gradient boosting, contract type `gradient_boosting`, as scikit-learn's
 * HistGradientBoostingClassifier / HistGradientBoostingRegressor (and LightGBM): features binned
 * to `max_bins` quantiles, leaf-wise trees fitted to the gradients of log loss (one tree per class
 * per iteration above two classes) or squared error, early stopping on held-out rows. Missing
 * values (NaN) are handled by the trees themselves, so its experiments need no impute step.
 */
import { N_JOBS_PARAM, nJobsProblem } from '../parallel/jobs';
import { EstimatorJSON, MlError, type Classifier, type DenseMatrix, type FitOptions, type Matrix, type Regressor, type Target, type Task } from '../types';
import { fitBoosting, fitBoostingColumns, type BoostingFit, type BoostingSettings } from './boosting/boost';
import { probabilities } from './boosting/losses';
import { addTreeOutput, addTreeOutputColumns, treeFromJSON, treeToJSON, type BoostedTree, type BoostedTreeJSON } from './boosting/tree';
import { CLASS_WEIGHT_PARAM, checkClassWeight, classWeightsOf, sampleWeightsOf, type ClassWeight } from './classWeight';
import { resolveParams, type ModelDefinition, type ModelSpec } from './spec';
import { argmaxLabels, checkRegressionTarget, encodeLabels } from './targets';
import { toDense } from './tree/data';

const TYPE = 'gradient_boosting';

export interface GradientBoostingParams extends BoostingSettings {
  readonly class_weight: ClassWeight;
}

export type GradientBoostingOptions = Partial<Omit<GradientBoostingParams, 'class_weight'> & { class_weight: unknown }>;

export const GRADIENT_BOOSTING_SPEC: ModelSpec = {
  type: TYPE,
  doc: 'Histogram gradient-boosted trees (as LightGBM); usually the most accurate on tables, handles missing values itself.',
  tasks: ['classification', 'regression'],
  input: 'matrix',
  online: false,
  needsScaling: false,
  acceptsMissing: true,
  params: {
    learning_rate: {
      schema: { type: 'number', exclusiveMinimum: 0 },
      default: 0.1,
      examples: [0.05, 0.1, 0.3],
      grid: [0.05, 0.1, 0.2],
      doc: 'Shrinkage of each tree’s leaf values (> 0); smaller needs more iterations.',
    },
    max_iter: { schema: { type: 'integer', minimum: 1 }, default: 100, examples: [100, 300], grid: [100, 300], doc: 'Boosting iterations (trees per output).' },
    max_leaf_nodes: {
      schema: { type: ['integer', 'null'], minimum: 2 },
      default: 31,
      examples: [15, 31, 63],
      grid: [15, 31, 63],
      doc: 'Most leaves of a tree (>= 2), grown best-first; null for no limit.',
    },
    max_depth: {
      schema: { type: ['integer', 'null'], minimum: 1 },
      default: null,
      examples: [3, 6],
      doc: 'Deepest level of a tree (>= 1); null for no limit.',
    },
    min_samples_leaf: { schema: { type: 'integer', minimum: 1 }, default: 20, examples: [5, 20, 50], grid: [10, 20, 50], doc: 'Fewest rows in a leaf.' },
    l2_regularization: {
      schema: { type: 'number', minimum: 0 },
      default: 0,
      examples: [0, 0.1, 1],
      grid: [0, 1],
      doc: 'L2 penalty on leaf values (>= 0): value = −G / (H + l2_regularization).',
    },
    max_bins: {
      schema: { type: 'integer', minimum: 2, maximum: 255 },
      default: 255,
      examples: [63, 255],
      doc: 'Bins per feature for values (2 … 255); missing values get one more.',
    },
    early_stopping: {
      schema: { enum: ['auto', true, false] },
      default: 'auto',
      examples: ['auto', true, false],
      doc: "Stop when the score stops improving on held-out rows; 'auto' turns it on above 10,000 rows.",
    },
    validation_fraction: {
      schema: { anyOf: [{ type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 }, { type: 'null' }] },
      default: 0.1,
      examples: [0.1, 0.2],
      doc: 'Share of the training rows held out for early stopping; null scores the training rows.',
    },
    n_iter_no_change: {
      schema: { type: 'integer', minimum: 1 },
      default: 10,
      examples: [10, 20],
      doc: 'Iterations without improvement before early stopping.',
    },
    tol: { schema: { type: 'number', minimum: 0 }, default: 1e-7, examples: [1e-7], doc: 'Least improvement of the score that counts, for early stopping.' },
    scoring: {
      schema: { enum: ['loss', 'accuracy', 'r2'] },
      default: 'loss',
      examples: ['loss'],
      doc: "Early-stopping score: 'loss' (default), 'accuracy' (classification) or 'r2' (regression).",
    },
    class_weight: CLASS_WEIGHT_PARAM,
    n_jobs: {
      ...N_JOBS_PARAM,
      doc: "Threads sharing each tree's histograms, split searches and row partitions, or growing the trees of one iteration (one per class) at once: a count, -1 for every core, or null (default) for the cores less one, but two where there are two cores (one in a streamed fit, which keeps to its memory budget). Results do not depend on it.",
    },
  },
  starter: { learning_rate: 0.1, max_iter: 100, max_leaf_nodes: 31 },
};

function integerAtLeast(name: string, value: unknown, min: number, nullable = false): void {
  if (nullable && value === null) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new MlError(`${TYPE}: ${name} must be an integer >= ${min}${nullable ? ' or null' : ''}, got ${JSON.stringify(value)}`);
  }
}

function numberIn(name: string, value: unknown, ok: (v: number) => boolean, range: string, nullable = false): void {
  if (nullable && value === null) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) {
    throw new MlError(`${TYPE}: ${name} must be a number ${range}${nullable ? ' or null' : ''}, got ${JSON.stringify(value)}`);
  }
}

/** The parameters with defaults filled in, each checked; a bad one is an MlError naming it. */
export function resolveGradientBoostingParams(options: object, task: Task): GradientBoostingParams {
  const p = resolveParams(GRADIENT_BOOSTING_SPEC, options, task);
  numberIn('learning_rate', p.learning_rate, (v) => v > 0, '> 0');
  integerAtLeast('max_iter', p.max_iter, 1);
  integerAtLeast('max_leaf_nodes', p.max_leaf_nodes, 2, true);
  integerAtLeast('max_depth', p.max_depth, 1, true);
  integerAtLeast('min_samples_leaf', p.min_samples_leaf, 1);
  numberIn('l2_regularization', p.l2_regularization, (v) => v >= 0, '>= 0');
  if (typeof p.max_bins !== 'number' || !Number.isInteger(p.max_bins) || p.max_bins < 2 || p.max_bins > 255) {
    throw new MlError(`${TYPE}: max_bins must be an integer from 2 to 255, got ${JSON.stringify(p.max_bins)}`);
  }
  if (p.early_stopping !== 'auto' && p.early_stopping !== true && p.early_stopping !== false) {
    throw new MlError(`${TYPE}: early_stopping must be 'auto', true or false, got ${JSON.stringify(p.early_stopping)}`);
  }
  numberIn('validation_fraction', p.validation_fraction, (v) => v > 0 && v < 1, 'in (0, 1)', true);
  integerAtLeast('n_iter_no_change', p.n_iter_no_change, 1);
  numberIn('tol', p.tol, (v) => v >= 0, '>= 0');
  const scorings = task === 'classification' ? ['loss', 'accuracy'] : ['loss', 'r2'];
  if (typeof p.scoring !== 'string' || !scorings.includes(p.scoring)) {
    throw new MlError(`${TYPE}: scoring must be ${scorings.map((s) => `'${s}'`).join(' or ')} for ${task}, got ${JSON.stringify(p.scoring)}`);
  }
  const classWeight = checkClassWeight(TYPE, p.class_weight, task);
  const jobsProblem = nJobsProblem(p.n_jobs);
  if (jobsProblem) throw new MlError(`${TYPE}: n_jobs ${jobsProblem}`);
  return { ...(p as unknown as GradientBoostingParams), class_weight: classWeight };
}

/** A saved gradient boosting model. */
export interface GradientBoostingJSON extends EstimatorJSON {
  readonly type: typeof TYPE;
  readonly task: Task;
  readonly params: GradientBoostingParams;
  readonly classes?: string[];
  readonly n_features: number;
  /** Trees per iteration: 1, or the number of classes above two. */
  readonly outputs: number;
  readonly n_iter: number;
  readonly baseline: number[];
  readonly trees: BoostedTreeJSON[];
  readonly feature_importances: number[];
  readonly train_loss: number[];
  readonly validation_loss: number[];
}

/** The features as a dense matrix with at least one row and column; NaN is a missing value, ±Infinity an ordinary one. */
function features(X: Matrix): DenseMatrix {
  const dense = toDense(X);
  if (dense.rows === 0) throw new MlError(`${TYPE}: the training data has no rows`);
  if (dense.cols === 0) throw new MlError(`${TYPE}: the training data has no feature columns`);
  return dense;
}

/**
 * The row count of feature columns given instead of a matrix (of `rows` of them when given), checked as `features`
 * checks a matrix.
 */
function columnRows(columns: readonly Float64Array[], rows?: Int32Array): number {
  if (columns.length === 0) throw new MlError(`${TYPE}: the training data has no feature columns`);
  const length = (columns[0] as Float64Array).length;
  const count = rows ? rows.length : length;
  if (count === 0) throw new MlError(`${TYPE}: the training data has no rows`);
  if (columns.some((c) => c.length !== length)) throw new MlError(`${TYPE}: the feature columns differ in length`);
  if (rows) checkRowIndices(rows, length);
  return count;
}

/** Row indices into columns of `length` rows: each an integer row of them (a typed array read past its end gives undefined). */
function checkRowIndices(rows: Int32Array, length: number): void {
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as number;
    if (r < 0 || r >= length) throw new MlError(`${TYPE}: row index ${r} is outside the ${length} rows of the feature columns`);
  }
}

abstract class GradientBoosting {
  readonly type = TYPE;
  readonly params: GradientBoostingParams;
  /** Normalised total split gain per feature (sums to 1 once a tree has split). */
  featureImportances: Float64Array = new Float64Array(0);
  /** Iterations fitted (fewer than max_iter when early stopping stopped). */
  nIter = 0;
  /** Mean loss on the training rows (and held-out rows, with early stopping) after each iteration. */
  trainLoss: number[] = [];
  validationLoss: number[] = [];
  protected outputs = 1;
  protected baseline: Float64Array = new Float64Array(0);
  protected trees: BoostedTree[] = [];
  protected nFeatures = 0;

  protected constructor(options: object, task: Task) {
    this.params = resolveGradientBoostingParams(options, task);
  }

  protected take(fit: BoostingFit, cols: number): void {
    this.outputs = fit.outputs;
    this.baseline = fit.baseline;
    this.trees = fit.trees;
    this.nIter = fit.iterations;
    this.featureImportances = fit.importances;
    this.trainLoss = fit.trainLoss;
    this.validationLoss = fit.validationLoss;
    this.nFeatures = cols;
  }

  /** rows × outputs raw scores of X: the baseline plus every tree's leaf value. */
  protected raw(X: Matrix): { rows: number; raw: Float64Array } {
    if (this.trees.length === 0) throw new MlError(`${TYPE}: predict called before fit`);
    if (X.cols !== this.nFeatures) throw new MlError(`${TYPE}: X has ${X.cols} feature columns but the model was fitted on ${this.nFeatures}`);
    const dense = toDense(X);
    const K = this.outputs;
    const raw = new Float64Array(dense.rows * K);
    for (let i = 0; i < dense.rows; i++) raw.set(this.baseline, i * K);
    this.trees.forEach((tree, t) => addTreeOutput(tree, dense, raw, K, t % K));
    return { rows: dense.rows, raw };
  }

  /**
   * raw() on feature columns (NaN missing): the same scores bit for bit, without a row-major matrix; with `rows`, the
   * scores of those rows of the columns, in that order (without copying them).
   */
  protected rawColumns(columns: readonly Float64Array[], rows?: Int32Array): { rows: number; raw: Float64Array } {
    if (this.trees.length === 0) throw new MlError(`${TYPE}: predict called before fit`);
    if (columns.length !== this.nFeatures) throw new MlError(`${TYPE}: X has ${columns.length} feature columns but the model was fitted on ${this.nFeatures}`);
    const length = columns[0]?.length ?? 0;
    if (columns.some((c) => c.length !== length)) throw new MlError(`${TYPE}: the feature columns differ in length`);
    if (rows) checkRowIndices(rows, length);
    const count = rows ? rows.length : length;
    const K = this.outputs;
    const raw = new Float64Array(count * K);
    for (let i = 0; i < count; i++) raw.set(this.baseline, i * K);
    this.trees.forEach((tree, t) => addTreeOutputColumns(tree, columns, raw, K, t % K, rows));
    return { rows: count, raw };
  }

  protected saved(task: Task, classes?: string[]): GradientBoostingJSON {
    if (this.trees.length === 0) throw new MlError(`${TYPE}: only a fitted model can be saved`);
    return {
      type: TYPE,
      task,
      params: this.params,
      ...(classes ? { classes } : {}),
      n_features: this.nFeatures,
      outputs: this.outputs,
      n_iter: this.nIter,
      baseline: Array.from(this.baseline),
      trees: this.trees.map(treeToJSON),
      feature_importances: Array.from(this.featureImportances),
      train_loss: this.trainLoss,
      validation_loss: this.validationLoss,
    };
  }

  protected restore(json: GradientBoostingJSON): void {
    const outputs = json.outputs;
    if (!Number.isInteger(outputs) || outputs < 1 || !Array.isArray(json.trees) || json.trees.length === 0 || json.trees.length % outputs !== 0) {
      throw new MlError(`${TYPE}: the saved model's trees and outputs disagree`);
    }
    if (!Array.isArray(json.baseline) || json.baseline.length !== outputs) throw new MlError(`${TYPE}: the saved model's baseline has the wrong length`);
    this.nFeatures = json.n_features;
    this.outputs = outputs;
    this.nIter = json.n_iter;
    this.baseline = Float64Array.from(json.baseline);
    this.trees = json.trees.map((tree) => treeFromJSON(TYPE, tree, json.n_features));
    this.featureImportances = Float64Array.from(json.feature_importances ?? []);
    this.trainLoss = [...(json.train_loss ?? [])];
    this.validationLoss = [...(json.validation_loss ?? [])];
  }
}

function checkSaved(owner: string, json: EstimatorJSON, task: Task): GradientBoostingJSON {
  if (json.type !== TYPE) throw new MlError(`${owner}.fromJSON: expected type '${TYPE}', got '${String(json.type)}'`);
  if (json.task !== task) throw new MlError(`${owner}.fromJSON: expected task '${task}', got '${String(json.task)}'`);
  return json as GradientBoostingJSON;
}

/** Gradient boosting on class labels: log loss, one tree per iteration for two classes, one per class otherwise. */
export class GradientBoostingClassifier extends GradientBoosting implements Classifier {
  classes: string[] = [];

  constructor(options: GradientBoostingOptions = {}) {
    super(options, 'classification');
  }

  /** A classifier holding an ensemble fitted elsewhere (the streamed fit, boosting/streamed.ts) on `cols` features. */
  static fitted(options: GradientBoostingOptions, fit: BoostingFit, cols: number, classes: readonly string[]): GradientBoostingClassifier {
    const model = new GradientBoostingClassifier(options);
    model.classes = [...classes];
    model.take(fit, cols);
    return model;
  }

  /** Fits on X (NaN = missing) and string labels y; class_weight becomes per-row sample weights. */
  async fit(X: Matrix, y: Target, options: FitOptions): Promise<void> {
    const dense = features(X);
    const { classes, codes } = encodeLabels(TYPE, y, dense.rows);
    const weights = sampleWeightsOf(classWeightsOf(this.params.class_weight, classes, codes), codes);
    const fit = await fitBoosting(dense, Float64Array.from(codes), classes.length, weights, this.params, options);
    this.classes = classes;
    this.take(fit, dense.cols);
  }

  /** `fit` on the feature columns themselves (fitPrepared): bins are made from them, no matrix of values; the same model. */
  async fitColumns(columns: readonly Float64Array[], y: Target, options: FitOptions): Promise<void> {
    await this.fitRowsOf(columns, undefined, y, options);
  }

  /**
   * fitColumns on `rows` of the columns, in that order (y holds their labels): the model fitColumns makes on a copy of
   * those rows, with no copy made (validation fits a fold on the table's own columns through its training rows).
   */
  async fitColumnRows(columns: readonly Float64Array[], rows: Int32Array, y: Target, options: FitOptions): Promise<void> {
    await this.fitRowsOf(columns, rows, y, options);
  }

  private async fitRowsOf(columns: readonly Float64Array[], rows: Int32Array | undefined, y: Target, options: FitOptions): Promise<void> {
    const { classes, codes } = encodeLabels(TYPE, y, columnRows(columns, rows));
    const weights = sampleWeightsOf(classWeightsOf(this.params.class_weight, classes, codes), codes);
    const fit = await fitBoostingColumns(columns, Float64Array.from(codes), classes.length, weights, this.params, options, rows);
    this.classes = classes;
    this.take(fit, columns.length);
  }

  /** rows × classes probabilities: sigmoid of the raw score for two classes, softmax of the class scores otherwise. */
  predictProba(X: Matrix): DenseMatrix {
    const { rows, raw } = this.raw(X);
    return { kind: 'dense', rows, cols: this.classes.length, data: probabilities(raw, rows, this.outputs) };
  }

  /**
   * predictProba on feature columns (NaN missing), the same values bit for bit without a row-major matrix: the hold-out
   * is scored once from them, its labels the argmax as predict's.
   */
  predictProbaColumns(columns: readonly Float64Array[]): DenseMatrix {
    return this.probaOfColumns(columns);
  }

  /** predictProbaColumns of `rows` of the columns, in that order: a fold's held-out rows scored without copying them. */
  predictProbaColumnRows(columns: readonly Float64Array[], rows: Int32Array): DenseMatrix {
    return this.probaOfColumns(columns, rows);
  }

  private probaOfColumns(columns: readonly Float64Array[], rows?: Int32Array): DenseMatrix {
    const { rows: count, raw } = this.rawColumns(columns, rows);
    return { kind: 'dense', rows: count, cols: this.classes.length, data: probabilities(raw, count, this.outputs) };
  }

  /** The class of highest probability; ties go to the first class. */
  predict(X: Matrix): string[] {
    return argmaxLabels(this.predictProba(X).data, this.classes);
  }

  toJSON(): GradientBoostingJSON {
    return this.saved('classification', this.classes);
  }

  /** Restores a classifier saved by toJSON. */
  static fromJSON(json: EstimatorJSON): GradientBoostingClassifier {
    const data = checkSaved('GradientBoostingClassifier', json, 'classification');
    const model = new GradientBoostingClassifier(data.params as GradientBoostingOptions);
    model.classes = [...(data.classes ?? [])];
    model.restore(data);
    const outputs = model.classes.length === 2 ? 1 : model.classes.length;
    if (model.outputs !== outputs) throw new MlError(`${TYPE}: the saved model's classes and trees disagree`);
    return model;
  }
}

/** Gradient boosting on numbers: squared error. */
export class GradientBoostingRegressor extends GradientBoosting implements Regressor {
  constructor(options: GradientBoostingOptions = {}) {
    super(options, 'regression');
  }

  /** A regressor holding an ensemble fitted elsewhere (the streamed fit, boosting/streamed.ts) on `cols` features. */
  static fitted(options: GradientBoostingOptions, fit: BoostingFit, cols: number): GradientBoostingRegressor {
    const model = new GradientBoostingRegressor(options);
    model.take(fit, cols);
    return model;
  }

  /** Fits on X (NaN = missing) and numeric y. */
  async fit(X: Matrix, y: Target, options: FitOptions): Promise<void> {
    const dense = features(X);
    const values = checkRegressionTarget(TYPE, y, dense.rows);
    const fit = await fitBoosting(dense, values, undefined, undefined, this.params, options);
    this.take(fit, dense.cols);
  }

  /** `fit` on the feature columns themselves (fitPrepared): bins are made from them, no matrix of values; the same model. */
  async fitColumns(columns: readonly Float64Array[], y: Target, options: FitOptions): Promise<void> {
    await this.fitRowsOf(columns, undefined, y, options);
  }

  /**
   * fitColumns on `rows` of the columns, in that order (y holds their values): the model fitColumns makes on a copy of
   * those rows, with no copy made (validation fits a fold on the table's own columns through its training rows).
   */
  async fitColumnRows(columns: readonly Float64Array[], rows: Int32Array, y: Target, options: FitOptions): Promise<void> {
    await this.fitRowsOf(columns, rows, y, options);
  }

  private async fitRowsOf(columns: readonly Float64Array[], rows: Int32Array | undefined, y: Target, options: FitOptions): Promise<void> {
    const values = checkRegressionTarget(TYPE, y, columnRows(columns, rows));
    const fit = await fitBoostingColumns(columns, values, undefined, undefined, this.params, options, rows);
    this.take(fit, columns.length);
  }

  /** The baseline plus the sum of the trees' leaf values. */
  predict(X: Matrix): Float64Array {
    return this.raw(X).raw;
  }

  /** predict on `rows` of feature columns (NaN missing), in that order: the same values bit for bit, no matrix, no copy. */
  predictColumnRows(columns: readonly Float64Array[], rows: Int32Array): Float64Array {
    return this.rawColumns(columns, rows).raw;
  }

  toJSON(): GradientBoostingJSON {
    return this.saved('regression');
  }

  /** Restores a regressor saved by toJSON. */
  static fromJSON(json: EstimatorJSON): GradientBoostingRegressor {
    const data = checkSaved('GradientBoostingRegressor', json, 'regression');
    const model = new GradientBoostingRegressor(data.params as GradientBoostingOptions);
    model.restore(data);
    return model;
  }
}

/** Restores either gradient boosting model from its JSON, by its `task` field. */
export function gradientBoostingFromJSON(json: EstimatorJSON): GradientBoostingClassifier | GradientBoostingRegressor {
  return json.task === 'regression' ? GradientBoostingRegressor.fromJSON(json) : GradientBoostingClassifier.fromJSON(json);
}

export const gradientBoostingModel: ModelDefinition = {
  spec: GRADIENT_BOOSTING_SPEC,
  create: (params, task) => (task === 'classification' ? new GradientBoostingClassifier(params) : new GradientBoostingRegressor(params)),
  fromJSON: gradientBoostingFromJSON,
};
