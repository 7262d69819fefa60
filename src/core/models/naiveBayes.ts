/**
 * Naive Bayes, contract type `naive_bayes`, as scikit-learn's MultinomialNB and GaussianNB.
 * `distribution` picks the event model; left out, it is chosen from the training input: a CSR
 * matrix (TF-IDF or count rows) gets `multinomial`, which reads only the stored entries and never
 * densifies; a dense matrix gets `gaussian`. Pass `distribution: 'multinomial'` for dense counts.
 * Probabilities are normalised in log space (log-sum-exp), so long documents do not underflow.
 */
import { Classifier, DenseMatrix, EstimatorJSON, FitOptions, Matrix, MlError, OnlineLearner, PartialFitOptions, Target, throwIfAborted } from '../types';
import { knownClassCodes } from '../data/target';
import { resolveParams, type ModelDefinition, type ModelSpec } from './spec';
import { argmaxLabels, encodeLabels } from './targets';
import { checkWidth, toDense } from './tree/data';
import { largestColumnVariance, mergeGaussian } from './naiveBayesUpdate';

export type NaiveBayesDistribution = 'multinomial' | 'gaussian';

export interface NaiveBayesOptions {
  readonly distribution?: NaiveBayesDistribution | null;
  /** Additive (Laplace/Lidstone) smoothing of the multinomial model. */
  readonly alpha?: number;
  /** Learn class priors from the data (true) or use a uniform prior (false). */
  readonly fit_prior?: boolean;
  /** Share of the largest feature variance added to every variance of the gaussian model. */
  readonly var_smoothing?: number;
}

interface NaiveBayesParams {
  readonly distribution: NaiveBayesDistribution | null;
  readonly alpha: number;
  readonly fit_prior: boolean;
  readonly var_smoothing: number;
}

interface NaiveBayesJSON extends EstimatorJSON {
  readonly type: 'naive_bayes';
  readonly distribution: NaiveBayesDistribution;
  readonly params: NaiveBayesParams;
  readonly classes: string[];
  readonly n_features: number;
  readonly class_log_prior: number[];
  /** classes × features: log P(feature | class) (multinomial) or mean and variance (gaussian). */
  readonly feature_log_prob?: number[];
  readonly theta?: number[];
  readonly var?: number[];
  /** Sufficient statistics for partialFit; absent in models saved before online updates existed. */
  readonly class_count?: number[];
  readonly feature_count?: number[];
  readonly epsilon?: number;
}

const TYPE = 'naive_bayes';

export const NAIVE_BAYES_SPEC: ModelSpec = {
  type: TYPE,
  doc: 'Gaussian or multinomial naive Bayes; very fast, good for text counts.',
  tasks: ['classification'],
  input: 'matrix',
  online: true,
  needsScaling: false,
  params: {
    distribution: {
      schema: { enum: ['multinomial', 'gaussian', null] },
      default: null,
      doc: 'multinomial for counts (such as text features), gaussian for measurements; null picks multinomial for sparse text features, gaussian otherwise.',
    },
    alpha: { schema: { type: 'number', minimum: 0 }, default: 1.0, doc: 'Additive (Laplace) smoothing of the multinomial distribution (>= 0).' },
    fit_prior: { schema: { type: 'boolean' }, default: true, doc: 'Learn class priors from the data; false uses uniform priors.' },
    var_smoothing: {
      schema: { type: 'number', minimum: 0 },
      default: 1e-9,
      grid: [1e-9, 1e-6, 1e-3],
      doc: 'Share of the largest feature variance added to every variance (gaussian).',
    },
  },
  starter: {},
};
// scikit-learn 1.2 raises a smaller alpha to this, since alpha = 0 gives log(0) for unseen words.
const MIN_ALPHA = 1e-10;

/** Multinomial or gaussian naive Bayes classifier. */
export class NaiveBayes implements Classifier, OnlineLearner {
  readonly type = TYPE;
  readonly params: NaiveBayesParams;
  classes: string[] = [];
  /** The event model used by the last fit (the chosen default when `distribution` was left out). */
  distribution: NaiveBayesDistribution | null = null;
  private nFeatures = 0;
  private classLogPrior: Float64Array = new Float64Array(0);
  private featureLogProb: Float64Array = new Float64Array(0);
  private theta: Float64Array = new Float64Array(0);
  private variance: Float64Array = new Float64Array(0);
  // Raw statistics, as sklearn's class_count_, feature_count_ and epsilon_; undefined when loaded
  // from a model saved without them.
  private classCount: Float64Array | undefined;
  private featureCount: Float64Array | undefined;
  private epsilon: number | undefined;

  constructor(options: NaiveBayesOptions = {}) {
    const { distribution, alpha, fit_prior, var_smoothing } = resolveParams(NAIVE_BAYES_SPEC, options);
    if (distribution !== null && distribution !== 'multinomial' && distribution !== 'gaussian') {
      throw new MlError(`${TYPE}: distribution must be 'multinomial' or 'gaussian', got ${String(distribution)}`);
    }
    if (typeof alpha !== 'number' || !(alpha >= 0) || !Number.isFinite(alpha)) {
      throw new MlError(`${TYPE}: alpha must be a number >= 0, got ${String(alpha)}`);
    }
    if (typeof fit_prior !== 'boolean') throw new MlError(`${TYPE}: fit_prior must be true or false, got ${String(fit_prior)}`);
    if (typeof var_smoothing !== 'number' || !(var_smoothing >= 0) || !Number.isFinite(var_smoothing)) {
      throw new MlError(`${TYPE}: var_smoothing must be a number >= 0, got ${String(var_smoothing)}`);
    }
    this.params = { distribution, alpha, fit_prior, var_smoothing };
  }

  /** Counts (multinomial) or moments (gaussian) per class in one pass over X. */
  fit(X: Matrix, y: Target, options: FitOptions): void {
    throwIfAborted(options.signal);
    if (X.rows === 0) throw new MlError(`${TYPE}: the training data has no rows`);
    const { classes, codes } = encodeLabels(TYPE, y, X.rows);
    const distribution = this.params.distribution ?? (X.kind === 'csr' ? 'multinomial' : 'gaussian');
    this.classes = classes;
    this.nFeatures = X.cols;
    this.distribution = distribution;
    if (distribution === 'multinomial') this.fitMultinomial(X, codes, options);
    else this.fitGaussian(toDense(X), codes, options);
    options.onProgress?.({ stage: TYPE, step: 1, of: 1 });
  }

  private fitMultinomial(X: Matrix, codes: Int32Array, options: FitOptions): void {
    const K = this.classes.length;
    const d = X.cols;
    const featureCount = new Float64Array(K * d);
    const classCount = new Float64Array(K);
    addCounts(X, codes, featureCount, classCount, options);
    this.setMultinomial(featureCount, classCount);
  }

  /** Keeps the counts and derives log P(feature | class) and the class prior from them, as sklearn. */
  private setMultinomial(featureCount: Float64Array, classCount: Float64Array): void {
    const K = classCount.length;
    const d = this.nFeatures;
    const alpha = Math.max(this.params.alpha, MIN_ALPHA);
    const featureLogProb = new Float64Array(K * d);
    for (let k = 0; k < K; k++) {
      let total = 0;
      for (let j = 0; j < d; j++) total += (featureCount[k * d + j] as number) + alpha;
      const logTotal = Math.log(total);
      for (let j = 0; j < d; j++) featureLogProb[k * d + j] = Math.log((featureCount[k * d + j] as number) + alpha) - logTotal;
    }
    this.featureLogProb = featureLogProb;
    this.featureCount = featureCount;
    this.classCount = classCount;
    this.classLogPrior = priors(classCount, this.params.fit_prior);
  }

  private fitGaussian(X: DenseMatrix, codes: Int32Array, options: FitOptions): void {
    const K = this.classes.length;
    const { rows, cols, data } = X;
    checkFinite(X);
    const classCount = new Float64Array(K);
    const theta = new Float64Array(K * cols);
    const variance = new Float64Array(K * cols);
    for (let i = 0; i < rows; i++) {
      const k = codes[i] as number;
      classCount[k] = (classCount[k] as number) + 1;
      for (let j = 0; j < cols; j++) theta[k * cols + j] = (theta[k * cols + j] as number) + (data[i * cols + j] as number);
    }
    for (let k = 0; k < K * cols; k++) theta[k] = (theta[k] as number) / (classCount[Math.floor(k / cols)] as number);
    throwIfAborted(options.signal);
    // Two passes, as numpy's var, so the variances agree with scikit-learn's to rounding.
    for (let i = 0; i < rows; i++) {
      const k = codes[i] as number;
      for (let j = 0; j < cols; j++) {
        const diff = (data[i * cols + j] as number) - (theta[k * cols + j] as number);
        variance[k * cols + j] = (variance[k * cols + j] as number) + diff * diff;
      }
    }
    const epsilon = this.params.var_smoothing * largestColumnVariance(X);
    for (let k = 0; k < K * cols; k++) {
      variance[k] = (variance[k] as number) / (classCount[Math.floor(k / cols)] as number) + epsilon;
      if (!((variance[k] as number) > 0)) {
        throw new MlError(`${TYPE}: feature ${k % cols} is constant and var_smoothing is 0; raise var_smoothing`);
      }
    }
    this.theta = theta;
    this.variance = variance;
    this.classCount = classCount;
    this.epsilon = epsilon;
    // GaussianNB has no fit_prior: its prior is always the class frequencies.
    this.classLogPrior = priors(classCount, true);
  }

  /**
   * Learns from new rows as sklearn's partial_fit: multinomial adds them to its counts; gaussian
   * merges each class's mean and variance with the batch's (Chan et al.). The batch may lack
   * classes but cannot add any. `options.learningRate` does not apply.
   */
  partialFit(X: Matrix, y: Target, options: PartialFitOptions = {}): void {
    throwIfAborted(options.signal);
    if (this.distribution === null) throw new MlError(`${TYPE}: partialFit called before fit`);
    if (this.classCount === undefined) {
      throw new MlError(
        `${TYPE}: this model was saved before online updates existed (it lacks the class and feature counts an update adds to); retrain it, then partialFit`,
      );
    }
    checkWidth(TYPE, X, this.nFeatures);
    if (X.rows === 0) throw new MlError(`${TYPE}: the update has no rows`);
    const codes = this.encodeKnownLabels(X, y);
    if (this.distribution === 'multinomial') {
      const featureCount = (this.featureCount as Float64Array).slice();
      const classCount = this.classCount.slice();
      addCounts(X, codes, featureCount, classCount, options);
      this.setMultinomial(featureCount, classCount);
      return;
    }
    const dense = toDense(X);
    checkFinite(dense);
    throwIfAborted(options.signal);
    const next = mergeGaussian(
      { classCount: this.classCount, theta: this.theta, variance: this.variance },
      dense,
      codes,
      this.params.var_smoothing,
      options.signal,
    );
    this.theta = next.theta;
    this.variance = next.variance;
    this.classCount = next.classCount;
    this.epsilon = next.epsilon;
    this.classLogPrior = priors(next.classCount, true);
  }

  /** Class indices of y; labels the model was not trained on are an MlError naming them. */
  private encodeKnownLabels(X: Matrix, y: Target): Int32Array {
    if (y instanceof Float64Array) throw new MlError(`${TYPE}: target must be class labels (a classification target)`);
    if (y.length !== X.rows) throw new MlError(`${TYPE}: target has ${y.length} values but X has ${X.rows} rows`);
    return knownClassCodes(TYPE, this.classes, y);
  }

  /** rows × classes joint log-likelihood log P(class) + log P(x | class). */
  private jointLogLikelihood(X: Matrix): Float64Array {
    if (this.distribution === null) throw new MlError(`${TYPE}: predict called before fit`);
    checkWidth(TYPE, X, this.nFeatures);
    const K = this.classes.length;
    const d = this.nFeatures;
    const jll = new Float64Array(X.rows * K);
    for (let i = 0; i < X.rows; i++) jll.set(this.classLogPrior, i * K);
    if (this.distribution === 'multinomial') {
      const flp = this.featureLogProb;
      forEachEntry(
        X,
        (i, j, v) => {
          for (let k = 0; k < K; k++) jll[i * K + k] = (jll[i * K + k] as number) + v * (flp[k * d + j] as number);
        },
        {},
      );
      return jll;
    }
    const dense = toDense(X);
    for (let k = 0; k < K; k++) {
      let logNorm = 0;
      for (let j = 0; j < d; j++) logNorm += Math.log(2 * Math.PI * (this.variance[k * d + j] as number));
      for (let i = 0; i < dense.rows; i++) {
        let quad = 0;
        for (let j = 0; j < d; j++) {
          const diff = (dense.data[i * d + j] as number) - (this.theta[k * d + j] as number);
          quad += (diff * diff) / (this.variance[k * d + j] as number);
        }
        jll[i * K + k] = (jll[i * K + k] as number) - 0.5 * logNorm - 0.5 * quad;
      }
    }
    return jll;
  }

  /** rows × classes posterior probabilities, normalised by log-sum-exp. */
  predictProba(X: Matrix): DenseMatrix {
    const data = this.jointLogLikelihood(X);
    const K = this.classes.length;
    for (let i = 0; i < X.rows; i++) {
      let max = -Infinity;
      for (let k = 0; k < K; k++) max = Math.max(max, data[i * K + k] as number);
      let sum = 0;
      for (let k = 0; k < K; k++) sum += Math.exp((data[i * K + k] as number) - max);
      const logSum = max + Math.log(sum);
      for (let k = 0; k < K; k++) data[i * K + k] = Math.exp((data[i * K + k] as number) - logSum);
    }
    return { kind: 'dense', rows: X.rows, cols: K, data };
  }

  /** Most probable class; ties go to the first class in `classes`. */
  predict(X: Matrix): string[] {
    return argmaxLabels(this.jointLogLikelihood(X), this.classes);
  }

  /** Serialised model, tagged `naive_bayes`. */
  toJSON(): NaiveBayesJSON {
    if (this.distribution === null) throw new MlError(`${TYPE}: toJSON called before fit`);
    const common = {
      type: TYPE,
      distribution: this.distribution,
      params: this.params,
      classes: this.classes,
      n_features: this.nFeatures,
      class_log_prior: Array.from(this.classLogPrior),
    } as const;
    const counts = this.classCount ? { class_count: Array.from(this.classCount) } : {};
    if (this.distribution === 'multinomial') {
      const features = this.featureCount ? { feature_count: Array.from(this.featureCount) } : {};
      return { ...common, feature_log_prob: Array.from(this.featureLogProb), ...counts, ...features };
    }
    return { ...common, theta: Array.from(this.theta), var: Array.from(this.variance), ...counts, epsilon: this.epsilon };
  }

  /** Restores a model saved by toJSON. */
  static fromJSON(json: EstimatorJSON): NaiveBayes {
    if (json.type !== TYPE) throw new MlError(`NaiveBayes.fromJSON: expected type '${TYPE}', got '${String(json.type)}'`);
    const data = json as NaiveBayesJSON;
    const model = new NaiveBayes(data.params);
    const K = data.classes.length;
    const size = K * data.n_features;
    model.classes = [...data.classes];
    model.nFeatures = data.n_features;
    model.distribution = data.distribution;
    model.classLogPrior = Float64Array.from(data.class_log_prior);
    if (data.distribution === 'multinomial') model.featureLogProb = Float64Array.from(data.feature_log_prob ?? []);
    else {
      model.theta = Float64Array.from(data.theta ?? []);
      model.variance = Float64Array.from(data.var ?? []);
    }
    const sizes = data.distribution === 'multinomial' ? [model.featureLogProb.length] : [model.theta.length, model.variance.length];
    if (model.classLogPrior.length !== K || sizes.some((n) => n !== size)) {
      throw new MlError(`NaiveBayes.fromJSON: parameter sizes do not match ${K} classes × ${data.n_features} features`);
    }
    // Older saves lack the statistics: such a model predicts, and partialFit asks for retraining.
    const statistics = data.distribution === 'multinomial' ? data.feature_count !== undefined : typeof data.epsilon === 'number';
    if (data.class_count !== undefined && statistics) {
      model.classCount = Float64Array.from(data.class_count);
      if (data.distribution === 'multinomial') model.featureCount = Float64Array.from(data.feature_count ?? []);
      else model.epsilon = data.epsilon;
      if (model.classCount.length !== K || (model.featureCount !== undefined && model.featureCount.length !== size)) {
        throw new MlError(`NaiveBayes.fromJSON: saved counts do not match ${K} classes × ${data.n_features} features`);
      }
    }
    return model;
  }
}

/** Calls `visit` for every stored entry (CSR) or every cell (dense), checking cancellation every 4096 rows. */
function forEachEntry(X: Matrix, visit: (row: number, col: number, value: number) => void, options: { readonly signal?: AbortSignal }): void {
  for (let i = 0; i < X.rows; i++) {
    if ((i & 4095) === 0) throwIfAborted(options.signal);
    if (X.kind === 'csr') {
      for (let p = X.indptr[i] as number; p < (X.indptr[i + 1] as number); p++) visit(i, X.indices[p] as number, X.values[p] as number);
    } else {
      for (let j = 0; j < X.cols; j++) {
        const v = X.data[i * X.cols + j] as number;
        if (v !== 0) visit(i, j, v);
      }
    }
  }
}

/** Adds each row's values to its class's feature counts and counts the rows per class. */
function addCounts(X: Matrix, codes: Int32Array, featureCount: Float64Array, classCount: Float64Array, options: { readonly signal?: AbortSignal }): void {
  const d = X.cols;
  forEachEntry(
    X,
    (i, j, v) => {
      if (!(v >= 0) || !Number.isFinite(v)) {
        throw new MlError(`${TYPE}: multinomial needs counts or frequencies >= 0; row ${i}, feature ${j} is ${v}`);
      }
      const at = (codes[i] as number) * d + j;
      featureCount[at] = (featureCount[at] as number) + v;
    },
    options,
  );
  for (const c of codes) classCount[c] = (classCount[c] as number) + 1;
}

function checkFinite(X: DenseMatrix): void {
  const { cols, data } = X;
  for (let k = 0; k < data.length; k++) {
    if (!Number.isFinite(data[k] as number)) {
      throw new MlError(`${TYPE}: row ${Math.floor(k / cols)}, feature ${k % cols} is ${String(data[k])}; impute or drop missing values first`);
    }
  }
}

function priors(classCount: Float64Array, fitPrior: boolean): Float64Array {
  const K = classCount.length;
  if (!fitPrior) return new Float64Array(K).fill(-Math.log(K));
  const logTotal = Math.log(classCount.reduce((a, b) => a + b, 0));
  return Float64Array.from(classCount, (c) => Math.log(c) - logTotal);
}

export const naiveBayesModel: ModelDefinition = {
  spec: NAIVE_BAYES_SPEC,
  create: (params) => new NaiveBayes(params),
  fromJSON: (json) => NaiveBayes.fromJSON(json),
};
