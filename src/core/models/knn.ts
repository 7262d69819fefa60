/**
 * k-nearest neighbours, contract type `knn`, as scikit-learn's KNeighborsClassifier and
 * KNeighborsRegressor with the brute algorithm: the fit keeps the training rows; a prediction
 * votes (or averages) over the n_neighbors nearest of them, uniformly or weighted by 1/distance.
 * The search itself is in knn/search.ts. Sparse rows (TF-IDF) are searched as they are for the
 * cosine and euclidean metrics.
 */
import { Classifier, CsrMatrix, DenseMatrix, EstimatorJSON, Matrix, MlError, Regressor, Target, Task } from '../types';
import { N_JOBS_PARAM, jobsFor, nJobsProblem } from '../parallel/jobs';
import { kneighborsParallel } from './knn/parallel';
import { buildIndex, kneighbors, sortedCsr, type EffectiveMetric, type Neighbours, type SearchIndex } from './knn/search';
import { toDense } from './tree/data';
import { matrixFromJSON, matrixToJSON, type SavedMatrix } from './savedMatrix';
import { resolveParams, type ModelDefinition, type ModelSpec } from './spec';
import { argmaxLabels, checkRegressionTarget, encodeLabels } from './targets';

export type KnnWeights = 'uniform' | 'distance';
export type KnnMetric = 'minkowski' | 'euclidean' | 'manhattan' | 'cosine';

export interface KnnOptions {
  readonly n_neighbors?: number;
  readonly weights?: KnnWeights;
  readonly metric?: KnnMetric;
  readonly p?: number;
  readonly n_jobs?: number | null;
}

interface KnnParams {
  readonly n_neighbors: number;
  readonly weights: KnnWeights;
  readonly metric: KnnMetric;
  readonly p: number;
  readonly n_jobs: number | null;
}

const TYPE = 'knn';
const METRICS: readonly KnnMetric[] = ['minkowski', 'euclidean', 'manhattan', 'cosine'];
/** A sparse matrix is densified for manhattan and minkowski (p ≠ 2) only up to this many cells. */
const MAX_DENSE_CELLS = 50_000_000;

export const KNN_SPEC: ModelSpec = {
  type: TYPE,
  doc: 'k-nearest neighbours: predicts from the closest training rows; no training, needs scaled features.',
  tasks: ['classification', 'regression'],
  input: 'matrix',
  online: false,
  needsScaling: true,
  params: {
    n_neighbors: {
      schema: { type: 'integer', minimum: 1 },
      default: 5,
      examples: [5, 15],
      grid: [3, 5, 11, 21],
      doc: 'Neighbours that vote (or are averaged).',
    },
    weights: {
      schema: { enum: ['uniform', 'distance'] },
      default: 'uniform',
      grid: ['uniform', 'distance'],
      doc: 'uniform: every neighbour counts the same; distance: by 1/distance (a training row at distance 0 takes all the weight).',
    },
    metric: {
      schema: { enum: METRICS },
      default: 'minkowski',
      doc: 'Distance: minkowski (with p; p 2 is euclidean), euclidean, manhattan or cosine (the one for TF-IDF text).',
    },
    p: { schema: { type: 'number', minimum: 1 }, default: 2, examples: [1, 2], doc: 'Power of the minkowski metric: 1 manhattan, 2 euclidean.' },
    n_jobs: { ...N_JOBS_PARAM, doc: `Threads searching blocks of the query rows. ${N_JOBS_PARAM.doc}` },
  },
  starter: { n_neighbors: 5, weights: 'uniform' },
};

function knnParams(options: KnnOptions, task: Task): KnnParams {
  const params = resolveParams(KNN_SPEC, options, task);
  const { n_neighbors, weights, metric, p, n_jobs } = params;
  if (typeof n_neighbors !== 'number' || !Number.isInteger(n_neighbors) || n_neighbors < 1) {
    throw new MlError(`${TYPE}: n_neighbors must be an integer >= 1, got ${JSON.stringify(n_neighbors)}`);
  }
  if (weights !== 'uniform' && weights !== 'distance') throw new MlError(`${TYPE}: weights must be 'uniform' or 'distance', got ${JSON.stringify(weights)}`);
  if (!METRICS.includes(metric as KnnMetric)) throw new MlError(`${TYPE}: metric must be one of ${METRICS.join(', ')}, got ${JSON.stringify(metric)}`);
  if (typeof p !== 'number' || !Number.isFinite(p) || p < 1) throw new MlError(`${TYPE}: p must be a finite number >= 1, got ${JSON.stringify(p)}`);
  const jobsProblem = nJobsProblem(n_jobs);
  if (jobsProblem) throw new MlError(`${TYPE}: n_jobs ${jobsProblem}`);
  return params as unknown as KnnParams;
}

/** scikit-learn's effective_metric_: minkowski with p 2 is euclidean, with p 1 manhattan; other metrics ignore p. */
function effectiveMetric(params: KnnParams): EffectiveMetric {
  if (params.metric !== 'minkowski') return { name: params.metric };
  if (params.p === 2) return { name: 'euclidean' };
  if (params.p === 1) return { name: 'manhattan' };
  return { name: 'minkowski', p: params.p };
}

/** The saved model: its parameters, the training rows and their targets. */
interface KnnJSON extends EstimatorJSON {
  readonly type: typeof TYPE;
  readonly task: Task;
  readonly params: KnnParams;
  readonly n_features: number;
  readonly X: SavedMatrix;
  readonly classes?: string[];
  /** Classifier: each training row's index into classes. */
  readonly codes?: number[];
  /** Regressor: each training row's target. */
  readonly values?: number[];
}

abstract class KnnModel {
  readonly type = TYPE;
  readonly params: KnnParams;
  protected X: Matrix | undefined;
  private index: SearchIndex | undefined;

  protected constructor(options: KnnOptions, task: Task) {
    this.params = knnParams(options, task);
  }

  /** Keeps the training rows (checked, and in the form the metric searches) and builds the search index. */
  protected keep(X: Matrix): void {
    const rows = searchable(X, effectiveMetric(this.params));
    checkFinite(rows);
    if (rows.rows === 0) throw new MlError(`${TYPE}: the training data has no rows`);
    if (rows.cols === 0) throw new MlError(`${TYPE}: the training data has no feature columns`);
    if (this.params.n_neighbors > rows.rows) {
      throw new MlError(`${TYPE}: n_neighbors (${this.params.n_neighbors}) is more than the ${rows.rows} training rows; lower n_neighbors`);
    }
    this.X = rows;
    this.index = buildIndex(rows, effectiveMetric(this.params));
  }

  /**
   * The n_neighbors nearest training rows of each row of X and their weights (uniform: 1; distance:
   * 1/d, or, for a row with a neighbour at distance 0, 1 for those at 0 and 0 for the rest).
   */
  protected neighbours(X: Matrix): { found: Neighbours; weights: Float64Array } {
    const index = this.index;
    if (!index || !this.X) throw new MlError(`${TYPE}: predict called before fit`);
    if (X.cols !== this.X.cols) throw new MlError(`${TYPE}: X has ${X.cols} features but the model was fitted on ${this.X.cols}`);
    const queries = searchable(X, effectiveMetric(this.params));
    checkFinite(queries);
    const k = this.params.n_neighbors;
    // Work in thousands of distance terms, so the default n_jobs stays on this thread below ~2·10⁸ of them.
    const jobs = index.dense && queries.kind === 'dense' ? jobsFor(this.params.n_jobs, (queries.rows * index.rows * index.cols) / 1000, `${TYPE}: n_jobs`) : 1;
    const found = jobs > 1 && queries.kind === 'dense' ? kneighborsParallel(index, queries, k, jobs) : kneighbors(index, queries, k);
    return { found, weights: neighbourWeights(found, this.params.weights) };
  }

  protected saved(task: Task, extra: Partial<KnnJSON>): KnnJSON {
    if (!this.X) throw new MlError(`${TYPE}: toJSON called before fit`);
    return { type: TYPE, task, params: this.params, n_features: this.X.cols, X: matrixToJSON(this.X), ...extra };
  }

  protected restore(json: KnnJSON): void {
    this.keep(matrixFromJSON(json.X, `${TYPE}: the saved training rows (X) are not a matrix`));
  }

  protected static check(json: EstimatorJSON, task: Task, owner: string): KnnJSON {
    if (json.type !== TYPE) throw new MlError(`${owner}.fromJSON: expected type '${TYPE}', got '${String(json.type)}'`);
    if (json.task !== task) throw new MlError(`${owner}.fromJSON: expected task '${task}', got '${String(json.task)}'`);
    return json as KnnJSON;
  }
}

/** Votes of the nearest training rows; probabilities are the (weighted) vote shares in `classes` order. */
export class KnnClassifier extends KnnModel implements Classifier {
  classes: string[] = [];
  private codes: Int32Array = new Int32Array(0);

  constructor(options: KnnOptions = {}) {
    super(options, 'classification');
  }

  fit(X: Matrix, y: Target): void {
    const { classes, codes } = encodeLabels(TYPE, y, X.rows);
    this.keep(X);
    this.classes = classes;
    this.codes = codes;
  }

  /** The class with the largest vote; ties go to the first class in `classes`, as scikit-learn's argmax. */
  predict(X: Matrix): string[] {
    return argmaxLabels(this.predictProba(X).data, this.classes);
  }

  /** rows × classes: each class's share of the (weighted) votes, as scikit-learn's predict_proba. */
  predictProba(X: Matrix): DenseMatrix {
    const { found, weights } = this.neighbours(X);
    const K = this.classes.length;
    const { k } = found;
    const rows = found.indices.length / k;
    const data = new Float64Array(rows * K);
    for (let q = 0; q < rows; q++) {
      for (let r = 0; r < k; r++) {
        const at = q * K + (this.codes[found.indices[q * k + r] as number] as number);
        data[at] = (data[at] as number) + (weights[q * k + r] as number);
      }
      let total = 0;
      for (let c = 0; c < K; c++) total += data[q * K + c] as number;
      if (total === 0) total = 1;
      for (let c = 0; c < K; c++) data[q * K + c] = (data[q * K + c] as number) / total;
    }
    return { kind: 'dense', rows, cols: K, data };
  }

  toJSON(): EstimatorJSON {
    return this.saved('classification', { classes: this.classes, codes: Array.from(this.codes) });
  }

  /** Restores a classifier saved by toJSON. */
  static fromJSON(json: EstimatorJSON): KnnClassifier {
    const data = KnnModel.check(json, 'classification', 'KnnClassifier');
    if (!Array.isArray(data.classes) || !Array.isArray(data.codes)) throw new MlError(`KnnClassifier.fromJSON: saved model has no classes or codes`);
    const model = new KnnClassifier(data.params);
    model.restore(data);
    model.classes = data.classes.map(String);
    model.codes = Int32Array.from(data.codes);
    if (model.codes.length !== model.X?.rows) throw new MlError(`KnnClassifier.fromJSON: ${model.codes.length} codes for ${String(model.X?.rows)} rows`);
    return model;
  }
}

/** The (weighted) mean target of the nearest training rows. */
export class KnnRegressor extends KnnModel implements Regressor {
  private values: Float64Array = new Float64Array(0);

  constructor(options: KnnOptions = {}) {
    super(options, 'regression');
  }

  fit(X: Matrix, y: Target): void {
    const values = checkRegressionTarget(TYPE, y, X.rows);
    this.keep(X);
    this.values = Float64Array.from(values);
  }

  /** scikit-learn's KNeighborsRegressor: the mean of the neighbours' targets, or Σ w·y / Σ w with distance weights. */
  predict(X: Matrix): Float64Array {
    const { found, weights } = this.neighbours(X);
    const { k } = found;
    const rows = found.indices.length / k;
    const out = new Float64Array(rows);
    for (let q = 0; q < rows; q++) {
      let sum = 0;
      let total = 0;
      for (let r = 0; r < k; r++) {
        const w = weights[q * k + r] as number;
        sum += (this.values[found.indices[q * k + r] as number] as number) * (this.params.weights === 'uniform' ? 1 : w);
        total += w;
      }
      out[q] = this.params.weights === 'uniform' ? sum / k : sum / total;
    }
    return out;
  }

  toJSON(): EstimatorJSON {
    return this.saved('regression', { values: Array.from(this.values) });
  }

  /** Restores a regressor saved by toJSON. */
  static fromJSON(json: EstimatorJSON): KnnRegressor {
    const data = KnnModel.check(json, 'regression', 'KnnRegressor');
    if (!Array.isArray(data.values)) throw new MlError(`KnnRegressor.fromJSON: saved model has no target values`);
    const model = new KnnRegressor(data.params);
    model.restore(data);
    model.values = Float64Array.from(data.values);
    if (model.values.length !== model.X?.rows) throw new MlError(`KnnRegressor.fromJSON: ${model.values.length} targets for ${String(model.X?.rows)} rows`);
    return model;
  }
}

/** Weights per neighbour, as scikit-learn's _get_weights. */
function neighbourWeights(found: Neighbours, weights: KnnWeights): Float64Array {
  const out = new Float64Array(found.distances.length).fill(1);
  if (weights === 'uniform') return out;
  const { k } = found;
  for (let q = 0; q < out.length / k; q++) {
    let exact = false;
    for (let r = 0; r < k; r++) if (found.distances[q * k + r] === 0) exact = true;
    for (let r = 0; r < k; r++) {
      const d = found.distances[q * k + r] as number;
      out[q * k + r] = exact ? (d === 0 ? 1 : 0) : 1 / d;
    }
  }
  return out;
}

/**
 * The matrix in the form the metric searches: sparse stays sparse for cosine and euclidean; for the
 * other metrics a sparse matrix is densified, when that is not too large.
 */
function searchable(X: Matrix, metric: EffectiveMetric): DenseMatrix | CsrMatrix {
  if (X.kind === 'dense' || metric.name === 'cosine' || metric.name === 'euclidean') return X.kind === 'csr' ? sortedCsr(X) : X;
  if (X.rows * X.cols > MAX_DENSE_CELLS) {
    throw new MlError(
      `${TYPE}: metric ${metric.name} needs dense features and this sparse matrix (${X.rows} × ${X.cols}) is too large to densify; use metric 'cosine' or 'euclidean'`,
    );
  }
  return toDense(X);
}

function checkFinite(X: DenseMatrix | CsrMatrix): void {
  const values = X.kind === 'dense' ? X.data : X.values;
  for (let at = 0; at < values.length; at++) {
    if (!Number.isFinite(values[at] as number)) {
      const where = X.kind === 'dense' ? `row ${Math.floor(at / X.cols)}, feature ${at % X.cols}` : `entry ${at}`;
      throw new MlError(`${TYPE}: ${where} is ${String(values[at])}; impute or drop missing values first`);
    }
  }
}

/** Restores either knn model from its JSON, by its `task` field. */
export function knnFromJSON(json: EstimatorJSON): KnnClassifier | KnnRegressor {
  return json.task === 'regression' ? KnnRegressor.fromJSON(json) : KnnClassifier.fromJSON(json);
}

export const knnModel: ModelDefinition = {
  spec: KNN_SPEC,
  create: (params, task) => (task === 'classification' ? new KnnClassifier(params) : new KnnRegressor(params)),
  fromJSON: knnFromJSON,
};
