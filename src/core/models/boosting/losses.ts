/**
 * The losses of histogram gradient boosting, as scikit-learn's _loss module: half squared error
 * (regression), half binomial (binary log loss, one tree per iteration) and half multinomial
 * (multiclass log loss, one tree per class per iteration). Raw predictions are row-major
 * (raw[i * K + k]); gradients and hessians are class-major float32 (g[k * n + i]), as sklearn's.
 */
import { softmaxInPlace } from '../softmax';

export type LossName = 'squared_error' | 'log_loss';

export interface BoostingLoss {
  /** Trees per iteration (K): 1, or the number of classes above two. */
  readonly trees: number;
  /** True when every hessian is 1 (squared error without weights): histograms count rows instead. */
  readonly constantHessian: boolean;
  /** The starting raw prediction of each of the K outputs (sklearn's fit_intercept_only). */
  baseline(y: Float64Array, weights: Float64Array | undefined): Float64Array;
  /** Fills gradients (and hessians unless constant) of the rows from their raw predictions. */
  gradients(y: Float64Array, raw: Float64Array, weights: Float64Array | undefined, g: Float32Array, h: Float32Array): void;
  /** The weighted mean loss (sklearn's loss(y, raw, sample_weight)). */
  loss(y: Float64Array, raw: Float64Array, weights: Float64Array | undefined): number;
  /** loss() and gradients() of the same raw predictions in one pass (the same numbers, the exponentials computed once). */
  lossAndGradients(y: Float64Array, raw: Float64Array, weights: Float64Array | undefined, g: Float32Array, h: Float32Array): number;
  /**
   * lossAndGradients' work on rows [from, to): their gradients, and terms[i] = w_i · loss_i, which summed
   * in row order (sumTerms) give the loss; rows ranges can go to different threads.
   */
  termsAndGradients(
    y: Float64Array,
    raw: Float64Array,
    weights: Float64Array | undefined,
    g: Float32Array,
    h: Float32Array,
    from: number,
    to: number,
    terms: Float64Array,
  ): void;
}

/** The weighted mean loss from its terms: Σ terms / Σ w, summed in row order as weightedMean does. */
export function sumTerms(terms: Float64Array, n: number, weights: Float64Array | undefined): number {
  let sum = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    sum += terms[i] as number;
    total += weights ? (weights[i] as number) : 1;
  }
  return sum / total;
}

/** lossAndGradients from termsAndGradients over every row. */
function withLossAndGradients(loss: Omit<BoostingLoss, 'lossAndGradients'>): BoostingLoss {
  let terms = new Float64Array(0);
  return {
    ...loss,
    lossAndGradients(y, raw, weights, g, h) {
      if (terms.length < y.length) terms = new Float64Array(y.length);
      loss.termsAndGradients(y, raw, weights, g, h, 0, y.length, terms);
      return sumTerms(terms, y.length, weights);
    },
  };
}

const EPS = 2.220446049250313e-16;

function weightedMean(values: (i: number) => number, n: number, weights: Float64Array | undefined): number {
  let sum = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const w = weights ? (weights[i] as number) : 1;
    sum += w * values(i);
    total += w;
  }
  return sum / total;
}

/**
 * log(1 + exp(x)) without overflow, from e = exp(−x) (which the gradient takes too): x + log1p(e) above 0, else
 * log1p(1 / e), one division instead of a second exponential.
 */
function log1pExp(x: number, e = Math.exp(-x)): number {
  return x > 0 ? x + Math.log1p(e) : Math.log1p(1 / e);
}

/**
 * numpy's pairwise summation (np.add.reduce on a contiguous float64 array): blocks of at most 128
 * summed with eight running sums, halves summed recursively. The regression baseline is the mean
 * of y, and sklearn's gradients start from it: the same rounding gives the same trees.
 */
export function pairwiseSum(values: Float64Array, start = 0, n = values.length): number {
  if (n < 8) {
    let sum = 0;
    for (let i = start; i < start + n; i++) sum += values[i] as number;
    return sum;
  }
  if (n <= 128) {
    const r = [0, 0, 0, 0, 0, 0, 0, 0].map((_, k) => values[start + k] as number);
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let k = 0; k < 8; k++) r[k] = (r[k] as number) + (values[start + i + k] as number);
    const [r0, r1, r2, r3, r4, r5, r6, r7] = r as [number, number, number, number, number, number, number, number];
    let sum = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) sum += values[start + i] as number;
    return sum;
  }
  let half = Math.floor(n / 2);
  half -= half % 8;
  return pairwiseSum(values, start, half) + pairwiseSum(values, start + half, n - half);
}

/** np.average(y, weights=w): Σ(y·w) / Σw with numpy's pairwise sums (the plain mean without weights). */
function numpyAverage(y: Float64Array, weights: Float64Array | undefined): number {
  if (!weights) return pairwiseSum(y) / y.length;
  return pairwiseSum(y.map((v, i) => v * (weights[i] as number))) / pairwiseSum(weights);
}

export const SQUARED_ERROR: BoostingLoss = withLossAndGradients({
  trees: 1,
  constantHessian: true,
  baseline: (y, weights) => Float64Array.of(numpyAverage(y, weights)),
  gradients(y, raw, weights, g, h) {
    for (let i = 0; i < y.length; i++) {
      const w = weights ? (weights[i] as number) : 1;
      g[i] = w * ((raw[i] as number) - (y[i] as number));
      h[i] = w;
    }
  },
  loss: (y, raw, weights) => weightedMean((i) => 0.5 * ((raw[i] as number) - (y[i] as number)) ** 2, y.length, weights),
  termsAndGradients(y, raw, weights, g, h, from, to, terms) {
    for (let i = from; i < to; i++) {
      const w = weights ? (weights[i] as number) : 1;
      g[i] = w * ((raw[i] as number) - (y[i] as number));
      h[i] = w;
      terms[i] = w * (0.5 * ((raw[i] as number) - (y[i] as number)) ** 2);
    }
  },
});

/** Squared error whose hessians are the row weights (no longer constant). */
export const WEIGHTED_SQUARED_ERROR: BoostingLoss = { ...SQUARED_ERROR, constantHessian: false };

/** Binary log loss on y ∈ {0, 1}; raw is the log-odds of class 1. */
export const BINARY_LOG_LOSS: BoostingLoss = withLossAndGradients({
  trees: 1,
  constantHessian: false,
  baseline(y, weights) {
    const p = Math.min(
      Math.max(
        weightedMean((i) => y[i] as number, y.length, weights),
        EPS,
      ),
      1 - EPS,
    );
    return Float64Array.of(Math.log(p / (1 - p)));
  },
  gradients(y, raw, weights, g, h) {
    for (let i = 0; i < y.length; i++) {
      const w = weights ? (weights[i] as number) : 1;
      const p = 1 / (1 + Math.exp(-(raw[i] as number)));
      g[i] = w * (p - (y[i] as number));
      h[i] = w * p * (1 - p);
    }
  },
  loss: (y, raw, weights) => weightedMean((i) => log1pExp(raw[i] as number) - (y[i] as number) * (raw[i] as number), y.length, weights),
  termsAndGradients(y, raw, weights, g, h, from, to, terms) {
    for (let i = from; i < to; i++) {
      const w = weights ? (weights[i] as number) : 1;
      const x = raw[i] as number;
      const e = Math.exp(-x);
      const p = 1 / (1 + e);
      g[i] = w * (p - (y[i] as number));
      h[i] = w * p * (1 - p);
      terms[i] = w * (log1pExp(x, e) - (y[i] as number) * x);
    }
  },
});

/** Multiclass log loss on y ∈ {0 … K−1}; raw holds K scores per row, turned into probabilities by softmax. */
export function multinomialLogLoss(K: number): BoostingLoss {
  const p = new Float64Array(K);
  return withLossAndGradients({
    trees: K,
    constantHessian: false,
    baseline(y, weights) {
      // sklearn's symmetric multinomial logit of the (clipped) class frequencies: log p_k − mean_k log p_k.
      const out = new Float64Array(K);
      for (let k = 0; k < K; k++) {
        const share = weightedMean((i) => ((y[i] as number) === k ? 1 : 0), y.length, weights);
        out[k] = Math.log(Math.min(Math.max(share, EPS), 1 - EPS));
      }
      const mean = out.reduce((a, b) => a + b, 0) / K;
      return out.map((v) => v - mean);
    },
    gradients(y, raw, weights, g, h) {
      const n = y.length;
      for (let i = 0; i < n; i++) {
        const w = weights ? (weights[i] as number) : 1;
        for (let k = 0; k < K; k++) p[k] = raw[i * K + k] as number;
        softmaxInPlace(p, 0, K);
        const label = y[i] as number;
        for (let k = 0; k < K; k++) {
          const pk = p[k] as number;
          g[k * n + i] = w * (pk - (label === k ? 1 : 0));
          h[k * n + i] = w * pk * (1 - pk);
        }
      }
    },
    loss(y, raw, weights) {
      return weightedMean(
        (i) => {
          let max = -Infinity;
          for (let k = 0; k < K; k++) max = Math.max(max, raw[i * K + k] as number);
          let sum = 0;
          for (let k = 0; k < K; k++) sum += Math.exp((raw[i * K + k] as number) - max);
          return max + Math.log(sum) - (raw[i * K + (y[i] as number)] as number);
        },
        y.length,
        weights,
      );
    },
    termsAndGradients(y, raw, weights, g, h, from, to, terms) {
      // loss()'s terms and gradients()' softmax, sharing each row's exponentials (same operations, same order).
      const n = y.length;
      for (let i = from; i < to; i++) {
        const w = weights ? (weights[i] as number) : 1;
        let max = Number.NEGATIVE_INFINITY;
        for (let k = 0; k < K; k++) max = Math.max(max, raw[i * K + k] as number);
        let exps = 0;
        for (let k = 0; k < K; k++) {
          const e = Math.exp((raw[i * K + k] as number) - max);
          p[k] = e;
          exps += e;
        }
        const label = y[i] as number;
        terms[i] = w * (max + Math.log(exps) - (raw[i * K + label] as number));
        for (let k = 0; k < K; k++) {
          const pk = (p[k] as number) / exps;
          g[k * n + i] = w * (pk - (label === k ? 1 : 0));
          h[k * n + i] = w * pk * (1 - pk);
        }
      }
    },
  });
}

/** The loss for a task: squared error for regression, binary or multiclass log loss by class count. */
export function lossFor(classes: number | undefined, weighted: boolean): BoostingLoss {
  if (classes === undefined) return weighted ? WEIGHTED_SQUARED_ERROR : SQUARED_ERROR;
  return classes === 2 ? BINARY_LOG_LOSS : multinomialLogLoss(classes);
}

/** Class probabilities of raw scores: sigmoid for one output (two classes), softmax otherwise; rows × classes. */
export function probabilities(raw: Float64Array, rows: number, trees: number): Float64Array {
  if (trees === 1) {
    const out = new Float64Array(rows * 2);
    for (let i = 0; i < rows; i++) {
      const p1 = 1 / (1 + Math.exp(-(raw[i] as number)));
      out[2 * i] = 1 - p1;
      out[2 * i + 1] = p1;
    }
    return out;
  }
  const out = raw.slice(0, rows * trees);
  for (let i = 0; i < rows; i++) softmaxInPlace(out, i * trees, trees);
  return out;
}
