/**
 * Mean log-loss and its gradient for binary (sigmoid, one weight block) and multinomial (softmax,
 * one block per class) logistic regression. Weights are stored as blocks of length cols + 1, the
 * last entry of each block being that block's intercept.
 */
import { addScaledRow, rowDot } from '../../linalg/matrix';
import type { Matrix } from '../../types';
import { softmaxInPlace } from '../softmax';

/** Softplus log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

function sigmoid(z: number): number {
  if (z >= 0) return 1 / (1 + Math.exp(-z));
  const e = Math.exp(z);
  return e / (1 + e);
}

/**
 * Builds f(w) = mean log-loss + l2/2·||coef||² (intercepts unpenalised) and its gradient.
 * `blocks` is 1 for a binary problem (codes 0/1) and the class count for softmax. With
 * `sampleWeight`, row i's loss counts sampleWeight[i] times (still divided by the row count, so
 * the optimum is sklearn's C·Σ sᵢ·lossᵢ + ½||w||²).
 */
export function logisticObjective(
  X: Matrix,
  codes: Int32Array,
  blocks: number,
  l2: number,
  fitIntercept: boolean,
  sampleWeight?: Float64Array,
): (w: Float64Array, grad: Float64Array) => number {
  const n = X.rows;
  const p = X.cols;
  const stride = p + 1;
  const scores = new Float64Array(blocks);
  const dense = X.kind === 'dense' ? X.data : undefined;
  if (dense && blocks === 1) return binaryDenseObjective(dense, n, p, codes, l2, fitIntercept, sampleWeight);
  return (w, grad) => {
    grad.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const label = codes[i] as number;
      const weight = sampleWeight ? (sampleWeight[i] as number) : 1;
      if (dense) {
        // Dense rows: all block scores in one pass over the row.
        const base = i * p;
        for (let k = 0; k < blocks; k++) {
          const offset = k * stride;
          let z = w[offset + p] as number;
          for (let j = 0; j < p; j++) z += (dense[base + j] as number) * (w[offset + j] as number);
          scores[k] = z;
        }
      } else {
        for (let k = 0; k < blocks; k++) scores[k] = rowDot(X, i, w, k * stride) + (w[k * stride + p] as number);
      }
      if (blocks === 1) {
        const z = scores[0] as number;
        loss += weight * (label === 1 ? softplus(-z) : softplus(z));
        scores[0] = weight * (sigmoid(z) - label);
      } else {
        let max = Number.NEGATIVE_INFINITY;
        for (let k = 0; k < blocks; k++) max = Math.max(max, scores[k] as number);
        const labelScore = scores[label] as number;
        let sum = 0;
        for (let k = 0; k < blocks; k++) {
          const e = Math.exp((scores[k] as number) - max);
          scores[k] = e;
          sum += e;
        }
        loss += weight * (Math.log(sum) + max - labelScore);
        for (let k = 0; k < blocks; k++) scores[k] = weight * ((scores[k] as number) / sum - (k === label ? 1 : 0));
      }
      for (let k = 0; k < blocks; k++) {
        const r = scores[k] as number;
        const offset = k * stride;
        if (dense) {
          const base = i * p;
          for (let j = 0; j < p; j++) grad[offset + j] = (grad[offset + j] as number) + r * (dense[base + j] as number);
        } else {
          addScaledRow(X, i, r, grad, offset);
        }
        grad[offset + p] = (grad[offset + p] as number) + r;
      }
    }
    return loss / n + meanWithL2(grad, w, { blocks, stride, features: p, rows: n, l2, fitIntercept });
  };
}

/**
 * The binary objective on a dense matrix: the general loop's arithmetic in the same order (the same bits), with one
 * exponential per row shared by the loss and the sigmoid instead of one for each.
 */
function binaryDenseObjective(
  dense: Float64Array,
  n: number,
  p: number,
  codes: Int32Array,
  l2: number,
  fitIntercept: boolean,
  sampleWeight: Float64Array | undefined,
): (w: Float64Array, grad: Float64Array) => number {
  return (w, grad) => {
    grad.fill(0);
    let loss = 0;
    const intercept = w[p] as number;
    let interceptGrad = 0;
    for (let i = 0; i < n; i++) {
      const label = codes[i] as number;
      const weight = sampleWeight ? (sampleWeight[i] as number) : 1;
      const base = i * p;
      let z = intercept;
      for (let j = 0; j < p; j++) z += (dense[base + j] as number) * (w[j] as number);
      // e = exp(-|z|): softplus(±z) = max(±z, 0) + log1p(e), sigmoid(z) = 1 / (1 + e) or e / (1 + e).
      const positive = z > 0;
      const e = Math.exp(positive ? -z : z);
      const log1pE = Math.log1p(e);
      // softplus(-z) for label 1, softplus(z) for label 0, as softplus computes them.
      const softplus = label === 1 ? (positive ? log1pE : -z + log1pE) : positive ? z + log1pE : log1pE;
      loss += weight * softplus;
      const sigmoid = z >= 0 ? 1 / (1 + e) : e / (1 + e);
      const r = weight * (sigmoid - label);
      for (let j = 0; j < p; j++) grad[j] = (grad[j] as number) + r * (dense[base + j] as number);
      interceptGrad += r;
    }
    grad[p] = (grad[p] as number) + interceptGrad;
    return loss / n + meanWithL2(grad, w, { blocks: 1, stride: p + 1, features: p, rows: n, l2, fitIntercept });
  };
}

/** Rows per block of the column-wise objective: its scores stay in cache while every column adds to them. */
const COLUMN_BLOCK = 2048;

/** Rows per chunk of the column-wise objective: each chunk's sums start from zero and the chunks are added in order. */
export const OBJECTIVE_CHUNK_ROWS = 65_536;

/**
 * Evaluates chunks of the column-wise objective on several threads (objectiveTeam.ts): writes each chunk's sums
 * (binaryChunkSums) into `partials` at chunk × (features + 2); false when it cannot yet (the caller then computes them
 * itself, into the same place, with the same result).
 */
export interface ChunkRunner {
  /** Where the chunks' sums go: chunks × (features + 2). */
  readonly partials: Float64Array;
  run(w: Float64Array): boolean;
}

/**
 * The sums of rows start..stop of the binary objective on columns into out[at..at + p + 2): the gradient sum of each
 * feature, then the intercept's, then the loss. Rows in blocks, each block's scores built column by column, then its
 * residuals, then each column's gradient; every sum over the rows in row order, each score over the features in order.
 */
export function binaryChunkSums(
  columns: readonly Float64Array[],
  codes: Int32Array,
  sampleWeight: Float64Array | undefined,
  w: Float64Array,
  range: { readonly start: number; readonly stop: number },
  z: Float64Array,
  out: Float64Array,
  at: number,
): void {
  const p = columns.length;
  out.fill(0, at, at + p + 2);
  let loss = 0;
  let interceptGrad = 0;
  const intercept = w[p] as number;
  for (let start = range.start; start < range.stop; start += COLUMN_BLOCK) {
    const m = Math.min(COLUMN_BLOCK, range.stop - start);
    z.fill(intercept, 0, m);
    // Four columns a pass (z read and written once for them), each score still summed in feature order.
    let j = 0;
    for (; j + 4 <= p; j += 4) {
      const c0 = columns[j] as Float64Array;
      const c1 = columns[j + 1] as Float64Array;
      const c2 = columns[j + 2] as Float64Array;
      const c3 = columns[j + 3] as Float64Array;
      const w0 = w[j] as number;
      const w1 = w[j + 1] as number;
      const w2 = w[j + 2] as number;
      const w3 = w[j + 3] as number;
      for (let i = 0; i < m; i++) {
        const row = start + i;
        z[i] = (z[i] as number) + (c0[row] as number) * w0 + (c1[row] as number) * w1 + (c2[row] as number) * w2 + (c3[row] as number) * w3;
      }
    }
    for (; j < p; j++) {
      const column = columns[j] as Float64Array;
      const wj = w[j] as number;
      for (let i = 0; i < m; i++) z[i] = (z[i] as number) + (column[start + i] as number) * wj;
    }
    for (let i = 0; i < m; i++) {
      const row = start + i;
      const label = codes[row] as number;
      const weight = sampleWeight ? (sampleWeight[row] as number) : 1;
      const s = z[i] as number;
      const positive = s > 0;
      const e = Math.exp(positive ? -s : s);
      const log1pE = Math.log1p(e);
      loss += weight * (label === 1 ? (positive ? log1pE : -s + log1pE) : positive ? s + log1pE : log1pE);
      const r = weight * ((s >= 0 ? 1 / (1 + e) : e / (1 + e)) - label);
      z[i] = r;
      interceptGrad += r;
    }
    // Four gradient sums at once (independent additions, each still over the rows in row order).
    j = 0;
    for (; j + 4 <= p; j += 4) {
      const c0 = columns[j] as Float64Array;
      const c1 = columns[j + 1] as Float64Array;
      const c2 = columns[j + 2] as Float64Array;
      const c3 = columns[j + 3] as Float64Array;
      let g0 = out[at + j] as number;
      let g1 = out[at + j + 1] as number;
      let g2 = out[at + j + 2] as number;
      let g3 = out[at + j + 3] as number;
      for (let i = 0; i < m; i++) {
        const r = z[i] as number;
        const row = start + i;
        g0 += r * (c0[row] as number);
        g1 += r * (c1[row] as number);
        g2 += r * (c2[row] as number);
        g3 += r * (c3[row] as number);
      }
      out[at + j] = g0;
      out[at + j + 1] = g1;
      out[at + j + 2] = g2;
      out[at + j + 3] = g3;
    }
    for (; j < p; j++) {
      const column = columns[j] as Float64Array;
      let g = out[at + j] as number;
      for (let i = 0; i < m; i++) g += (z[i] as number) * (column[start + i] as number);
      out[at + j] = g;
    }
  }
  out[at + p] = interceptGrad;
  out[at + p + 1] = loss;
}

/** A scratch block of scores for binaryChunkSums. */
export function chunkScratch(): Float64Array {
  return new Float64Array(COLUMN_BLOCK);
}

/**
 * The binary objective on feature columns (no row-major matrix), summed in chunks of OBJECTIVE_CHUNK_ROWS rows
 * (binaryChunkSums) added in chunk order, whoever computed them (`runner`: other threads too), so the value does not
 * depend on the thread count. Up to one chunk of rows it equals the row-major objective bit for bit.
 */
export function binaryColumnsObjective(
  columns: readonly Float64Array[],
  codes: Int32Array,
  l2: number,
  fitIntercept: boolean,
  sampleWeight: Float64Array | undefined,
  runner?: ChunkRunner,
): (w: Float64Array, grad: Float64Array) => number {
  const n = codes.length;
  const p = columns.length;
  const chunks = Math.ceil(n / OBJECTIVE_CHUNK_ROWS);
  const partials = runner?.partials ?? new Float64Array(chunks * (p + 2));
  const z = chunkScratch();
  return (w, grad) => {
    if (runner?.run(w) !== true) {
      for (let c = 0; c < chunks; c++) {
        const range = { start: c * OBJECTIVE_CHUNK_ROWS, stop: Math.min(n, (c + 1) * OBJECTIVE_CHUNK_ROWS) };
        binaryChunkSums(columns, codes, sampleWeight, w, range, z, partials, c * (p + 2));
      }
    }
    grad.fill(0);
    let loss = 0;
    for (let c = 0; c < chunks; c++) {
      const at = c * (p + 2);
      for (let j = 0; j <= p; j++) grad[j] = (grad[j] as number) + (partials[at + j] as number);
      loss += partials[at + p + 1] as number;
    }
    return loss / n + meanWithL2(grad, w, { blocks: 1, stride: p + 1, features: p, rows: n, l2, fitIntercept });
  };
}

/**
 * Turns a gradient summed over `rows` into the mean objective's gradient with the L2 penalty added (`blocks`
 * coefficient blocks of `stride` = features + 1, the intercept last and not penalised), in place; returns the
 * penalty term 0.5 · l2 · ‖w‖² to add to the mean loss. Shared by the in-memory and the streamed fits.
 */
export function meanWithL2(
  grad: Float64Array,
  w: Float64Array,
  shape: {
    readonly blocks: number;
    readonly stride: number;
    readonly features: number;
    readonly rows: number;
    readonly l2: number;
    readonly fitIntercept: boolean;
  },
): number {
  const { blocks, stride, features, rows, l2, fitIntercept } = shape;
  let penalty = 0;
  for (let k = 0; k < blocks; k++) {
    const offset = k * stride;
    for (let j = 0; j < features; j++) {
      const wj = w[offset + j] as number;
      grad[offset + j] = (grad[offset + j] as number) / rows + l2 * wj;
      penalty += wj * wj;
    }
    grad[offset + features] = fitIntercept ? (grad[offset + features] as number) / rows : 0;
  }
  return 0.5 * l2 * penalty;
}

/**
 * Binary class probabilities (rows × 2) of a fitted weight vector from feature columns: each row's score summed over
 * the features in order as rowDot sums it, then the intercept, so the values equal logisticProbabilities' bit for bit.
 */
export function binaryColumnsProbabilities(columns: readonly Float64Array[], w: Float64Array): Float64Array {
  const n = columns[0]?.length ?? 0;
  const p = columns.length;
  const out = new Float64Array(n * 2);
  const z = new Float64Array(COLUMN_BLOCK);
  const intercept = w[p] as number;
  for (let start = 0; start < n; start += COLUMN_BLOCK) {
    const m = Math.min(COLUMN_BLOCK, n - start);
    z.fill(0, 0, m);
    for (let j = 0; j < p; j++) {
      const column = columns[j] as Float64Array;
      const wj = w[j] as number;
      for (let i = 0; i < m; i++) z[i] = (z[i] as number) + (column[start + i] as number) * wj;
    }
    for (let i = 0; i < m; i++) {
      const q = sigmoid((z[i] as number) + intercept);
      out[(start + i) * 2] = 1 - q;
      out[(start + i) * 2 + 1] = q;
    }
  }
  return out;
}

/** Class probabilities (rows × classes) of a fitted weight vector. */
export function logisticProbabilities(X: Matrix, w: Float64Array, blocks: number): Float64Array {
  const p = X.cols;
  const stride = p + 1;
  const classes = blocks === 1 ? 2 : blocks;
  const out = new Float64Array(X.rows * classes);
  for (let i = 0; i < X.rows; i++) {
    if (blocks === 1) {
      const q = sigmoid(rowDot(X, i, w, 0) + (w[p] as number));
      out[i * 2] = 1 - q;
      out[i * 2 + 1] = q;
      continue;
    }
    for (let k = 0; k < blocks; k++) out[i * classes + k] = rowDot(X, i, w, k * stride) + (w[k * stride + p] as number);
    softmaxInPlace(out, i * classes, blocks);
  }
  return out;
}
