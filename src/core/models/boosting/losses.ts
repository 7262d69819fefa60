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
  /** The weighted mean loss (sklearn's loss(y, raw, sample_weight): np.average of the rows' losses, pairwise sums). */
  loss(y: Float64Array, raw: Float64Array, weights: Float64Array | undefined): number;
  /** terms[i] = w_i · loss_i of rows [from, to), as termsAndGradients writes them, without the gradients. */
  terms(y: Float64Array, raw: Float64Array, weights: Float64Array | undefined, from: number, to: number, terms: Float64Array): void;
  /** loss() and gradients() of the same raw predictions in one pass (the same numbers, the exponentials computed once). */
  lossAndGradients(y: Float64Array, raw: Float64Array, weights: Float64Array | undefined, g: Float32Array, h: Float32Array): number;
  /**
   * lossAndGradients' work on rows [from, to): their gradients, and terms[i] = w_i · loss_i, which summed
   * pairwise (sumTerms) give the loss; rows ranges can go to different threads.
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

/**
 * The weighted mean loss from the terms of rows 0 … n − 1: Σ terms / Σ w as numpy's np.average sums them (pairwise),
 * which scikit-learn's loss calls; the sums do not depend on which thread wrote which terms.
 */
export function sumTerms(terms: Float64Array, n: number, weights: Float64Array | undefined): number {
  return pairwiseSum(terms, 0, n) / (weights ? pairwiseSum(weights, 0, n) : n);
}

/** loss() and lossAndGradients() from the terms over every row. */
function withTotals(loss: Omit<BoostingLoss, 'lossAndGradients' | 'loss'>): BoostingLoss {
  let scratch = new Float64Array(0);
  const termsOf = (n: number): Float64Array => {
    if (scratch.length < n) scratch = new Float64Array(n);
    return scratch;
  };
  return {
    ...loss,
    loss(y, raw, weights) {
      const terms = termsOf(y.length);
      loss.terms(y, raw, weights, 0, y.length, terms);
      return sumTerms(terms, y.length, weights);
    },
    lossAndGradients(y, raw, weights, g, h) {
      const terms = termsOf(y.length);
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

/** Below this raw score, binaryLoss takes log1p(exp(x)) itself: x + log(1 + e) would lose its digits to cancellation. */
const CANCELLING = -18;

/**
 * The binary log loss log(1 + exp(x)) − y·x of a raw score x, from e = exp(−x) and q = 1 + e, which the gradient takes
 * too: x + log(q), one logarithm and no branch the processor mispredicts (scores of both signs come in any order);
 * below CANCELLING (rare) log1p(1 / e). Its absolute error is a few units in the last place of x.
 */
function binaryLoss(x: number, y: number, e: number, q: number): number {
  return (x > CANCELLING ? x + Math.log(q) : Math.log1p(1 / e)) - y * x;
}

/**
 * Rows a pass of the log losses takes: their exponentials first, then (a second loop over the same rows, still in
 * cache) the logarithms of them. A logarithm waiting on its row's exponential in the same loop costs about as much
 * as both calls again (each is a call into C the processor cannot overlap with the one it depends on).
 */
const PASS_ROWS = 1024;

/** The binary loss terms of rows from … to − 1, w · binaryLoss, from their e = exp(−x) left in terms[i]. */
function binaryTerms(y: Float64Array, raw: Float64Array, weights: Float64Array | undefined, from: number, to: number, terms: Float64Array): void {
  for (let i = from; i < to; i++) {
    const w = weights ? (weights[i] as number) : 1;
    const e = terms[i] as number;
    terms[i] = w * binaryLoss(raw[i] as number, y[i] as number, e, 1 + e);
  }
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
    let r0 = values[start] as number;
    let r1 = values[start + 1] as number;
    let r2 = values[start + 2] as number;
    let r3 = values[start + 3] as number;
    let r4 = values[start + 4] as number;
    let r5 = values[start + 5] as number;
    let r6 = values[start + 6] as number;
    let r7 = values[start + 7] as number;
    const end = start + n - (n % 8);
    let i = start + 8;
    for (; i < end; i += 8) {
      r0 += values[i] as number;
      r1 += values[i + 1] as number;
      r2 += values[i + 2] as number;
      r3 += values[i + 3] as number;
      r4 += values[i + 4] as number;
      r5 += values[i + 5] as number;
      r6 += values[i + 6] as number;
      r7 += values[i + 7] as number;
    }
    let sum = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < start + n; i++) sum += values[i] as number;
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

export const SQUARED_ERROR: BoostingLoss = withTotals({
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
  terms(y, raw, weights, from, to, terms) {
    for (let i = from; i < to; i++) {
      const w = weights ? (weights[i] as number) : 1;
      terms[i] = w * (0.5 * ((raw[i] as number) - (y[i] as number)) ** 2);
    }
  },
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
export const BINARY_LOG_LOSS: BoostingLoss = withTotals({
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
  terms(y, raw, weights, from, to, terms) {
    for (let a = from; a < to; a += PASS_ROWS) {
      const b = Math.min(to, a + PASS_ROWS);
      for (let i = a; i < b; i++) terms[i] = Math.exp(-(raw[i] as number));
      binaryTerms(y, raw, weights, a, b, terms);
    }
  },
  termsAndGradients(y, raw, weights, g, h, from, to, terms) {
    for (let a = from; a < to; a += PASS_ROWS) {
      const b = Math.min(to, a + PASS_ROWS);
      for (let i = a; i < b; i++) {
        const w = weights ? (weights[i] as number) : 1;
        const e = Math.exp(-(raw[i] as number));
        const p = 1 / (1 + e);
        g[i] = w * (p - (y[i] as number));
        h[i] = w * p * (1 - p);
        terms[i] = e;
      }
      binaryTerms(y, raw, weights, a, b, terms);
    }
  },
});

/** The largest of raw[at … at + K − 1]. */
function rowMax(raw: Float64Array, at: number, K: number): number {
  let max = raw[at] as number;
  for (let k = 1; k < K; k++) {
    const v = raw[at + k] as number;
    if (v > max) max = v;
  }
  return max;
}

/** exp(d) of a score less its row's largest: the largest's own is exp(0) = 1 exactly, without the call. */
function expOf(d: number): number {
  return d === 0 ? 1 : Math.exp(d);
}

/** Each row's largest score and its label's score, for multinomialTerms, by the row's place in its pass. */
const passMax = new Float64Array(PASS_ROWS);
const passLabel = new Float64Array(PASS_ROWS);

/** Keeps row i's sum of exponentials in terms[i] and its largest and label's scores for multinomialTerms (pass from a). */
function rowTerms(raw: Float64Array, y: Float64Array, K: number, i: number, a: number, max: number, exps: number, terms: Float64Array): void {
  terms[i] = exps;
  passMax[i - a] = max;
  passLabel[i - a] = raw[i * K + (y[i] as number)] as number;
}

/** The multinomial loss terms of rows from … to − 1 (one pass), w · (max + log Σ exp(raw − max) − raw_y), from rowTerms. */
function multinomialTerms(weights: Float64Array | undefined, from: number, to: number, terms: Float64Array): void {
  for (let i = from; i < to; i++) {
    const w = weights ? (weights[i] as number) : 1;
    terms[i] = w * ((passMax[i - from] as number) + Math.log(terms[i] as number) - (passLabel[i - from] as number));
  }
}

/**
 * The multinomial termsAndGradients of three classes written out (the scores in locals, no loops over the classes):
 * the same operations in the same order, so the same numbers, about a quarter quicker than the loops over K.
 */
function threeClassTermsAndGradients(
  y: Float64Array,
  raw: Float64Array,
  weights: Float64Array | undefined,
  g: Float32Array,
  h: Float32Array,
  from: number,
  to: number,
  terms: Float64Array,
): void {
  const n = y.length;
  for (let a = from; a < to; a += PASS_ROWS) {
    const b = Math.min(to, a + PASS_ROWS);
    for (let i = a; i < b; i++) {
      const w = weights ? (weights[i] as number) : 1;
      const r0 = raw[3 * i] as number;
      const r1 = raw[3 * i + 1] as number;
      const r2 = raw[3 * i + 2] as number;
      let max = r0;
      if (r1 > max) max = r1;
      if (r2 > max) max = r2;
      const e0 = expOf(r0 - max);
      const e1 = expOf(r1 - max);
      const e2 = expOf(r2 - max);
      const exps = e0 + e1 + e2;
      const label = y[i] as number;
      const p0 = e0 / exps;
      const p1 = e1 / exps;
      const p2 = e2 / exps;
      g[i] = w * (p0 - (label === 0 ? 1 : 0));
      h[i] = w * p0 * (1 - p0);
      g[n + i] = w * (p1 - (label === 1 ? 1 : 0));
      h[n + i] = w * p1 * (1 - p1);
      g[2 * n + i] = w * (p2 - (label === 2 ? 1 : 0));
      h[2 * n + i] = w * p2 * (1 - p2);
      rowTerms(raw, y, 3, i, a, max, exps, terms);
    }
    multinomialTerms(weights, a, b, terms);
  }
}

/** Multiclass log loss on y ∈ {0 … K−1}; raw holds K scores per row, turned into probabilities by softmax. */
export function multinomialLogLoss(K: number): BoostingLoss {
  const p = new Float64Array(K);
  return withTotals({
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
    terms(y, raw, weights, from, to, terms) {
      for (let a = from; a < to; a += PASS_ROWS) {
        const b = Math.min(to, a + PASS_ROWS);
        for (let i = a; i < b; i++) {
          const max = rowMax(raw, i * K, K);
          let exps = 0;
          for (let k = 0; k < K; k++) exps += expOf((raw[i * K + k] as number) - max);
          rowTerms(raw, y, K, i, a, max, exps, terms);
        }
        multinomialTerms(weights, a, b, terms);
      }
    },
    termsAndGradients(y, raw, weights, g, h, from, to, terms) {
      if (K === 3) {
        threeClassTermsAndGradients(y, raw, weights, g, h, from, to, terms);
        return;
      }
      // terms()'s exponentials shared with the softmax of the gradients (same operations, same order).
      const n = y.length;
      for (let a = from; a < to; a += PASS_ROWS) {
        const b = Math.min(to, a + PASS_ROWS);
        for (let i = a; i < b; i++) {
          const w = weights ? (weights[i] as number) : 1;
          const max = rowMax(raw, i * K, K);
          let exps = 0;
          for (let k = 0; k < K; k++) {
            const e = expOf((raw[i * K + k] as number) - max);
            p[k] = e;
            exps += e;
          }
          const label = y[i] as number;
          for (let k = 0; k < K; k++) {
            const pk = (p[k] as number) / exps;
            g[k * n + i] = w * (pk - (label === k ? 1 : 0));
            h[k * n + i] = w * pk * (1 - pk);
          }
          rowTerms(raw, y, K, i, a, max, exps, terms);
        }
        multinomialTerms(weights, a, b, terms);
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
