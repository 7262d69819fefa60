/**
 * Linear support vector machine (`linear_svm`), as scikit-learn's LinearSVC: liblinear's dual coordinate
 * descent, hinge or squared hinge loss, one-vs-rest for three classes or more, intercept as a penalised
 * constant feature (intercept_scaling). predictProba is not calibrated: it is the logistic sigmoid of the
 * decision value for two classes and the softmax of the one-vs-rest decision values otherwise.
 */
import { Random } from '../random';
import { rowDot, rowSquaredNorms } from '../linalg/matrix';
import {
  cParam,
  checkFitted,
  checkInteger,
  checkMatrix,
  checkOneOf,
  checkPositive,
  checkTag,
  fitInterceptParam,
  fromNumbers,
  maxIterParam,
  SVM_TRAITS,
  toNumbers,
  tolParam,
} from './linear/common';
import { solveDualSvm } from './linear/dualCoordinateDescent';
import { CLASS_WEIGHT_PARAM, checkClassWeight, classWeightsOf, type ClassWeight } from './classWeight';
import { resolveParams, type ModelDefinition, type ModelSpec } from './spec';
import { argmaxLabels, encodeLabels } from './targets';
import { MlError } from '../types';
import type { Classifier, DenseMatrix, EstimatorJSON, FitOptions, Matrix, Target } from '../types';

export interface LinearSvmOptions {
  readonly C?: number;
  readonly loss?: 'hinge' | 'squared_hinge';
  readonly max_iter?: number;
  /** Stop when the projected-gradient spread of a pass falls below tol (liblinear's criterion). */
  readonly tol?: number;
  readonly fit_intercept?: boolean;
  readonly intercept_scaling?: number;
  /** Per-class C = C × weight, as liblinear's class weights (sklearn's class_weight). */
  readonly class_weight?: ClassWeight;
}

const MODEL = 'linear_svm';

export const LINEAR_SVM_SPEC: ModelSpec = {
  type: MODEL,
  doc: 'Linear support vector machine; fast on many sparse features such as TF-IDF.',
  ...SVM_TRAITS,
  params: {
    C: cParam,
    loss: { schema: { type: 'string', enum: ['hinge', 'squared_hinge'] }, default: 'squared_hinge', doc: 'Loss of the linear SVM.' },
    max_iter: maxIterParam(1000),
    tol: tolParam(1e-4),
    fit_intercept: fitInterceptParam,
    intercept_scaling: { schema: { type: 'number', exclusiveMinimum: 0 }, default: 1, doc: 'Value of the synthetic feature that carries the intercept (> 0).' },
    class_weight: CLASS_WEIGHT_PARAM,
  },
  starter: { C: 1.0 },
};

/** L2-regularised linear SVM; accepts CSR input without densifying. */
export class LinearSvm implements Classifier {
  readonly type = MODEL;
  readonly C: number;
  readonly loss: 'hinge' | 'squared_hinge';
  readonly maxIter: number;
  readonly tol: number;
  readonly fitIntercept: boolean;
  readonly interceptScaling: number;
  readonly classWeight: ClassWeight;
  classes: string[] = [];
  /** One row of coefficients per one-vs-rest problem (a single row when binary, for classes[1]). */
  coef: Float64Array[] | undefined;
  intercept: Float64Array | undefined;
  nIter = 0;
  converged = false;

  constructor(options: LinearSvmOptions = {}) {
    const p = resolveParams(LINEAR_SVM_SPEC, options);
    this.C = checkPositive(MODEL, 'C', p.C);
    this.loss = checkOneOf(MODEL, 'loss', p.loss, ['hinge', 'squared_hinge']);
    this.maxIter = checkInteger(MODEL, 'max_iter', p.max_iter, 1);
    this.tol = checkPositive(MODEL, 'tol', p.tol);
    this.fitIntercept = checkOneOf(MODEL, 'fit_intercept', p.fit_intercept, [true, false]);
    this.interceptScaling = checkPositive(MODEL, 'intercept_scaling', p.intercept_scaling);
    this.classWeight = checkClassWeight(MODEL, p.class_weight);
  }

  /** Fits one binary dual problem per class (one in total when binary), seeded by options.seed. */
  fit(X: Matrix, y: Target, options: FitOptions): void {
    checkMatrix(MODEL, X);
    const { classes, codes } = encodeLabels(MODEL, y, X.rows);
    const problems = classes.length === 2 ? 1 : classes.length;
    const norms = rowSquaredNorms(X);
    const random = new Random(options.seed);
    const biasScale = this.fitIntercept ? this.interceptScaling : 0;
    const weights = classWeightsOf(this.classWeight, classes, codes);
    const coef: Float64Array[] = [];
    const intercept = new Float64Array(problems);
    this.nIter = 0;
    this.converged = true;
    for (let k = 0; k < problems; k++) {
      const positive = problems === 1 ? 1 : k;
      const signs = Int8Array.from(codes, (c) => (c === positive ? 1 : -1));
      // liblinear: the positive class's C is C × its weight; the rest keep C in one-vs-rest, and
      // take the negative class's weight when binary.
      const result = solveDualSvm(X, signs, norms, {
        C: this.C * (weights?.[positive] ?? 1),
        negativeC: this.C * (problems === 1 ? (weights?.[0] ?? 1) : 1),
        loss: this.loss,
        maxIter: this.maxIter,
        tol: this.tol,
        biasScale,
        random: random.fork(),
        signal: options.signal,
        onIteration:
          options.onProgress &&
          ((step, objective) => options.onProgress?.({ stage: `dual coordinate descent (${classes[positive]})`, step, of: this.maxIter, loss: objective() })),
      });
      coef.push(result.w.slice(0, X.cols));
      intercept[k] = (result.w[X.cols] as number) * biasScale;
      this.nIter = Math.max(this.nIter, result.nIter);
      this.converged &&= result.converged;
    }
    this.classes = classes;
    this.coef = coef;
    this.intercept = intercept;
  }

  /** Decision values: rows × 1 when binary (positive means classes[1]), rows × classes otherwise. */
  decisionFunction(X: Matrix): DenseMatrix {
    const coef = checkFitted(MODEL, this.coef);
    const intercept = this.intercept as Float64Array;
    checkMatrix(MODEL, X, coef[0]?.length);
    const out = new Float64Array(X.rows * coef.length);
    for (let i = 0; i < X.rows; i++) {
      coef.forEach((w, k) => (out[i * coef.length + k] = rowDot(X, i, w) + (intercept[k] as number)));
    }
    return { kind: 'dense', rows: X.rows, cols: coef.length, data: out };
  }

  /** The class with the largest decision value. */
  predict(X: Matrix): string[] {
    const scores = this.decisionFunction(X);
    if (scores.cols > 1) return argmaxLabels(scores.data, this.classes);
    return Array.from(scores.data, (score) => this.classes[score > 0 ? 1 : 0] as string);
  }

  /** Uncalibrated scores in [0, 1]: sigmoid of the decision value (binary) or softmax over classes. */
  predictProba(X: Matrix): DenseMatrix {
    const scores = this.decisionFunction(X);
    const k = this.classes.length;
    const out = new Float64Array(X.rows * k);
    for (let i = 0; i < X.rows; i++) {
      if (scores.cols === 1) {
        const q = 1 / (1 + Math.exp(-(scores.data[i] as number)));
        out[i * 2] = 1 - q;
        out[i * 2 + 1] = q;
        continue;
      }
      let max = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++) max = Math.max(max, scores.data[i * k + c] as number);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += out[i * k + c] = Math.exp((scores.data[i * k + c] as number) - max);
      for (let c = 0; c < k; c++) out[i * k + c] = (out[i * k + c] as number) / sum;
    }
    return { kind: 'dense', rows: X.rows, cols: k, data: out };
  }

  toJSON(): EstimatorJSON {
    return {
      type: MODEL,
      C: this.C,
      loss: this.loss,
      max_iter: this.maxIter,
      tol: this.tol,
      fit_intercept: this.fitIntercept,
      intercept_scaling: this.interceptScaling,
      class_weight: this.classWeight,
      classes: this.classes,
      coef: checkFitted(MODEL, this.coef).map(toNumbers),
      intercept: toNumbers(this.intercept as Float64Array),
    };
  }

  /** Restores a model saved by toJSON. */
  static fromJSON(json: EstimatorJSON): LinearSvm {
    checkTag(json, MODEL);
    const { C, loss, max_iter, tol, fit_intercept, intercept_scaling, class_weight } = json as unknown as LinearSvmOptions;
    const model = new LinearSvm({ C, loss, max_iter, tol, fit_intercept, intercept_scaling, class_weight });
    if (!Array.isArray(json.classes) || !Array.isArray(json.coef)) throw new MlError(`${MODEL}: saved model lacks classes or coef`);
    model.classes = (json.classes as unknown[]).map(String);
    model.coef = (json.coef as unknown[]).map((row) => fromNumbers(MODEL, 'coef', row));
    model.intercept = fromNumbers(MODEL, 'intercept', json.intercept);
    return model;
  }
}

export const linearSvmModel: ModelDefinition = {
  spec: LINEAR_SVM_SPEC,
  create: (params) => new LinearSvm(params),
  fromJSON: (json) => LinearSvm.fromJSON(json),
};
