/**
 * Kernel support vector machine (`svm`), as scikit-learn's SVC: our own SMO (libsvm's WSS2 working-set
 * selection and shrinking), kernels rbf (default), poly and linear, one-vs-one for three classes or more
 * with libsvm's voting. predictProba: Platt sigmoids fitted per pair on the in-sample decision values
 * (libsvm uses an internal 5-fold CV instead, which costs five extra fits), then libsvm's pairwise coupling.
 */
import { overallVariance, rowSquaredNorms, takeRows } from '../linalg/matrix';
import { cParam, checkFitted, checkInteger, checkMatrix, checkOneOf, checkPositive, checkTag, SVM_TRAITS, tolParam } from './linear/common';
import { KernelColumns, kernelValue } from './kernel/kernel';
import type { KernelName, KernelSpec } from './kernel/kernel';
import { couplePairwise, fitSigmoid, sigmoidProbability } from './kernel/probability';
import { solveSmo } from './kernel/smo';
import { CLASS_WEIGHT_PARAM, checkClassWeight, classWeightsOf, type ClassWeight } from './classWeight';
import { matrixFromJSON, matrixToJSON } from './savedMatrix';
import { resolveParams, type ModelDefinition, type ModelSpec } from './spec';
import { encodeLabels } from './targets';
import { MlError } from '../types';
import type { Classifier, DenseMatrix, EstimatorJSON, FitOptions, Matrix, Target } from '../types';

export interface SvmOptions {
  readonly C?: number;
  readonly kernel?: KernelName;
  /** 'scale' = 1 / (n_features · var(X)), 'auto' = 1 / n_features, or a positive number. */
  readonly gamma?: 'scale' | 'auto' | number;
  readonly degree?: number;
  readonly coef0?: number;
  /** Stop when the maximal KKT violation falls below tol (libsvm's eps). */
  readonly tol?: number;
  /** Cap on SMO iterations per pair; -1 means no cap, as in sklearn. */
  readonly max_iter?: number;
  /** Kernel column cache per pair, in MB. */
  readonly cache_size?: number;
  /** libsvm's shrinking heuristic (same optimum, usually faster). */
  readonly shrinking?: boolean;
  /** Per-class C = C × weight in each pair, as libsvm's class weights (sklearn's class_weight). */
  readonly class_weight?: ClassWeight;
}

/** One binary machine of the one-vs-one scheme: classes[first] (+1) against classes[second]. */
export interface SvmPair {
  readonly first: number;
  readonly second: number;
  /** Indices into the support vector list and their αᵢ·yᵢ. */
  readonly support: Int32Array;
  readonly dualCoef: Float64Array;
  readonly rho: number;
  readonly probA: number;
  readonly probB: number;
}

const MODEL = 'svm';

export const SVM_SPEC: ModelSpec = {
  type: MODEL,
  doc: 'Kernel support vector machine (rbf, poly, linear); strong on small and medium data.',
  ...SVM_TRAITS,
  params: {
    C: cParam,
    kernel: { schema: { type: 'string', enum: ['rbf', 'poly', 'linear'] }, default: 'rbf', doc: 'Kernel: rbf (default), poly or linear.' },
    gamma: {
      schema: { anyOf: [{ enum: ['scale', 'auto'] }, { type: 'number', exclusiveMinimum: 0 }] },
      default: 'scale',
      examples: ['scale', 0.1],
      grid: ['scale', 0.01, 0.1],
      doc: 'Kernel coefficient of rbf and poly: scale = 1 / (features · variance), auto = 1 / features, or a number > 0.',
    },
    degree: { schema: { type: 'integer', minimum: 0 }, default: 3, doc: 'Degree of the poly kernel.' },
    coef0: { schema: { type: 'number' }, default: 0, doc: 'Constant term of the poly kernel.' },
    tol: tolParam(1e-3),
    max_iter: { schema: { type: 'integer', minimum: -1 }, default: -1, doc: 'Most solver iterations; -1 for no limit.' },
    cache_size: { schema: { type: 'number', exclusiveMinimum: 0 }, default: 200, doc: 'Kernel cache size in MB.' },
    shrinking: { schema: { type: 'boolean' }, default: true, doc: "libsvm's shrinking heuristic: the same optimum, usually reached faster." },
    class_weight: CLASS_WEIGHT_PARAM,
  },
  starter: { C: 1.0, kernel: 'rbf', gamma: 'scale' },
};

/** C-support vector classifier with a kernel. */
export class Svm implements Classifier {
  readonly type = MODEL;
  readonly C: number;
  readonly kernel: KernelName;
  readonly gamma: 'scale' | 'auto' | number;
  readonly degree: number;
  readonly coef0: number;
  readonly tol: number;
  readonly maxIter: number;
  readonly cacheSize: number;
  readonly shrinking: boolean;
  readonly classWeight: ClassWeight;
  classes: string[] = [];
  supportVectors: Matrix | undefined;
  pairs: SvmPair[] = [];
  /** The numeric gamma used by the fitted kernel. */
  gammaValue = 0;
  nIter = 0;

  constructor(options: SvmOptions = {}) {
    const p = resolveParams(SVM_SPEC, options);
    const { gamma, coef0, shrinking } = p;
    this.C = checkPositive(MODEL, 'C', p.C);
    this.kernel = checkOneOf(MODEL, 'kernel', p.kernel, ['rbf', 'poly', 'linear']);
    if (!(gamma === 'scale' || gamma === 'auto' || (typeof gamma === 'number' && gamma > 0 && Number.isFinite(gamma)))) {
      throw new MlError(`${MODEL}: parameter 'gamma' must be "scale", "auto" or a number > 0, got ${JSON.stringify(gamma)}`);
    }
    this.gamma = gamma;
    this.degree = checkInteger(MODEL, 'degree', p.degree, 0);
    if (typeof coef0 !== 'number' || !Number.isFinite(coef0)) throw new MlError(`${MODEL}: parameter 'coef0' must be a finite number, got ${String(coef0)}`);
    this.coef0 = coef0;
    this.tol = checkPositive(MODEL, 'tol', p.tol);
    this.maxIter = checkInteger(MODEL, 'max_iter', p.max_iter, -1);
    this.cacheSize = checkPositive(MODEL, 'cache_size', p.cache_size);
    if (typeof shrinking !== 'boolean') throw new MlError(`${MODEL}: parameter 'shrinking' must be true or false, got ${String(shrinking)}`);
    this.shrinking = shrinking;
    this.classWeight = checkClassWeight(MODEL, p.class_weight);
  }

  private get spec(): KernelSpec {
    return { kernel: this.kernel, gamma: this.gammaValue, degree: this.degree, coef0: this.coef0 };
  }

  /** Trains one SMO machine per pair of classes; reports progress per pair with its dual objective. */
  fit(X: Matrix, y: Target, options: FitOptions): void {
    checkMatrix(MODEL, X);
    const { classes, codes } = encodeLabels(MODEL, y, X.rows);
    const variance = overallVariance(X);
    this.gammaValue = typeof this.gamma === 'number' ? this.gamma : this.gamma === 'auto' || variance === 0 ? 1 / X.cols : 1 / (X.cols * variance);
    const norms = rowSquaredNorms(X);
    const k = classes.length;
    const weights = classWeightsOf(this.classWeight, classes, codes);
    const raw: { first: number; second: number; rows: number[]; coef: number[]; rho: number; probA: number; probB: number }[] = [];
    const total = (k * (k - 1)) / 2;
    this.nIter = 0;
    const cacheBytes = this.cacheSize * 1024 * 1024;
    // One column store for all pairs (solved one after another): no fresh cache-sized allocation per pair.
    const counts = new Int32Array(k);
    for (const c of codes) counts[c] = (counts[c] as number) + 1;
    let largest = 0;
    for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) largest = Math.max(largest, (counts[a] as number) + (counts[b] as number));
    const store = new Float32Array(Math.min(Math.floor(cacheBytes / 4), largest * largest));
    for (let a = 0; a < k; a++) {
      for (let b = a + 1; b < k; b++) {
        const members: number[] = [];
        codes.forEach((c, i) => (c === a || c === b) && members.push(i));
        const rows = Int32Array.from(members);
        const signs = Int8Array.from(members, (i) => (codes[i] === a ? 1 : -1));
        const Q = new KernelColumns(this.spec, X, rows, signs, norms, cacheBytes, store);
        const maxIter = this.maxIter === -1 ? Math.max(10_000_000, 100 * rows.length) : this.maxIter;
        // libsvm: the pair's first class (+1) is bounded by C × its weight, the second (−1) by C × its own.
        const bounds = { Cp: this.C * (weights?.[a] ?? 1), Cn: this.C * (weights?.[b] ?? 1) };
        const result = solveSmo(Q, signs, bounds, this.tol, maxIter, options.signal, this.shrinking);
        this.nIter = Math.max(this.nIter, result.nIter);
        const svRows: number[] = [];
        const coef: number[] = [];
        const decisions = new Float64Array(rows.length);
        let objective = 0;
        for (let t = 0; t < rows.length; t++) {
          const alpha = result.alpha[t] as number;
          const g = result.gradient[t] as number;
          objective += 0.5 * alpha * (g - 1);
          // (Qα)ₜ = yₜ·Σ αₛyₛK(s, t) = Gₜ + 1, so the in-sample decision value needs no kernel work.
          decisions[t] = (signs[t] as number) * (g + 1) - result.rho;
          if (alpha > 0) {
            svRows.push(rows[t] as number);
            coef.push(alpha * (signs[t] as number));
          }
        }
        const { A, B } = fitSigmoid(
          decisions,
          Uint8Array.from(signs, (s) => (s === 1 ? 1 : 0)),
        );
        raw.push({ first: a, second: b, rows: svRows, coef, rho: result.rho, probA: A, probB: B });
        options.onProgress?.({ stage: `smo (${classes[a]} vs ${classes[b]})`, step: raw.length, of: total, loss: objective });
      }
    }
    // Support vectors shared across pairs are stored once.
    const svList = [...new Set(raw.flatMap((p) => p.rows))].sort((u, v) => u - v);
    const position = new Map(svList.map((row, s) => [row, s]));
    this.supportVectors = takeRows(X, svList);
    this.pairs = raw.map((p) => ({
      first: p.first,
      second: p.second,
      support: Int32Array.from(p.rows, (row) => position.get(row) as number),
      dualCoef: Float64Array.from(p.coef),
      rho: p.rho,
      probA: p.probA,
      probB: p.probB,
    }));
    this.classes = classes;
  }

  /** One-vs-one decision values, rows × pairs in libsvm's order (0v1, 0v2, …); positive favours the pair's first class. */
  decisionFunction(X: Matrix): DenseMatrix {
    const sv = checkFitted(MODEL, this.supportVectors);
    checkMatrix(MODEL, X, sv.cols);
    const svNorms = rowSquaredNorms(sv);
    const xNorms = rowSquaredNorms(X);
    const kernelRow = new Float64Array(sv.rows);
    const out = new Float64Array(X.rows * this.pairs.length);
    const spec = this.spec;
    for (let i = 0; i < X.rows; i++) {
      for (let s = 0; s < sv.rows; s++) kernelRow[s] = kernelValue(spec, X, i, xNorms[i] as number, sv, s, svNorms[s] as number);
      this.pairs.forEach((pair, q) => {
        let sum = -pair.rho;
        for (let m = 0; m < pair.support.length; m++) sum += (pair.dualCoef[m] as number) * (kernelRow[pair.support[m] as number] as number);
        out[i * this.pairs.length + q] = sum;
      });
    }
    return { kind: 'dense', rows: X.rows, cols: this.pairs.length, data: out };
  }

  /** libsvm's one-vs-one vote; ties go to the lower class index. */
  predict(X: Matrix): string[] {
    const decisions = this.decisionFunction(X);
    const votes = new Int32Array(this.classes.length);
    return Array.from({ length: X.rows }, (_, i) => {
      votes.fill(0);
      this.pairs.forEach((pair, q) => {
        const winner = (decisions.data[i * this.pairs.length + q] as number) > 0 ? pair.first : pair.second;
        votes[winner] = (votes[winner] as number) + 1;
      });
      let best = 0;
      for (let c = 1; c < votes.length; c++) if ((votes[c] as number) > (votes[best] as number)) best = c;
      return this.classes[best] as string;
    });
  }

  /** Platt-scaled pairwise probabilities coupled into class probabilities (see the file comment). */
  predictProba(X: Matrix): DenseMatrix {
    const decisions = this.decisionFunction(X);
    const k = this.classes.length;
    const out = new Float64Array(X.rows * k);
    const r = Array.from({ length: k }, () => new Float64Array(k));
    for (let i = 0; i < X.rows; i++) {
      this.pairs.forEach((pair, q) => {
        const p = sigmoidProbability(decisions.data[i * this.pairs.length + q] as number, pair.probA, pair.probB);
        (r[pair.first] as Float64Array)[pair.second] = p;
        (r[pair.second] as Float64Array)[pair.first] = 1 - p;
      });
      if (k === 2) {
        out[i * 2] = (r[0] as Float64Array)[1] as number;
        out[i * 2 + 1] = (r[1] as Float64Array)[0] as number;
      } else {
        out.set(couplePairwise(r, k), i * k);
      }
    }
    return { kind: 'dense', rows: X.rows, cols: k, data: out };
  }

  toJSON(): EstimatorJSON {
    const sv = checkFitted(MODEL, this.supportVectors);
    return {
      type: MODEL,
      C: this.C,
      kernel: this.kernel,
      gamma: this.gamma,
      degree: this.degree,
      coef0: this.coef0,
      tol: this.tol,
      max_iter: this.maxIter,
      cache_size: this.cacheSize,
      shrinking: this.shrinking,
      class_weight: this.classWeight,
      classes: this.classes,
      gamma_value: this.gammaValue,
      support_vectors: matrixToJSON(sv),
      pairs: this.pairs.map((p) => ({ ...p, support: Array.from(p.support), dualCoef: Array.from(p.dualCoef) })),
    };
  }

  /** Restores a model saved by toJSON. */
  static fromJSON(json: EstimatorJSON): Svm {
    checkTag(json, MODEL);
    const { C, kernel, gamma, degree, coef0, tol, max_iter, cache_size, shrinking, class_weight } = json as unknown as SvmOptions;
    const model = new Svm({ C, kernel, gamma, degree, coef0, tol, max_iter, cache_size, shrinking, class_weight });
    if (!Array.isArray(json.classes) || !Array.isArray(json.pairs) || typeof json.gamma_value !== 'number')
      throw new MlError(`${MODEL}: saved model is incomplete`);
    model.classes = (json.classes as unknown[]).map(String);
    model.gammaValue = json.gamma_value;
    model.supportVectors = matrixFromJSON(json.support_vectors, `${MODEL}: saved support_vectors are not a matrix`);
    model.pairs = (json.pairs as SavedPair[]).map((p) => ({ ...p, support: Int32Array.from(p.support), dualCoef: Float64Array.from(p.dualCoef) }));
    return model;
  }
}

interface SavedPair extends Omit<SvmPair, 'support' | 'dualCoef'> {
  readonly support: number[];
  readonly dualCoef: number[];
}

export const svmModel: ModelDefinition = { spec: SVM_SPEC, create: (params) => new Svm(params), fromJSON: (json) => Svm.fromJSON(json) };
