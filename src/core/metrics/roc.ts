/** ROC curve and area under it, following scikit-learn's roc_curve / roc_auc_score. */
import type { DenseMatrix } from '../types';
import { MlError } from '../types';
import { checkSameLength } from './labels';

export interface RocCurve {
  readonly fpr: number[];
  readonly tpr: number[];
  /** Decreasing; the first is the highest score + 1 (scikit-learn 1.2's convention) so the curve starts at (0, 0). */
  readonly thresholds: number[];
}

/**
 * ROC curve of a binary problem: `positive` is the label scores speak for.
 * With `dropIntermediate` (the default, as in scikit-learn) collinear points that change nothing are removed.
 */
export function rocCurve(yTrue: readonly string[], scores: ArrayLike<number>, positive: string, dropIntermediate = true): RocCurve {
  checkSameLength('roc_curve', yTrue, scores);
  const n = yTrue.length;
  let tps: number[] = [];
  let fps: number[] = [];
  let thresholds: number[] = [];
  const points = distinctScorePoints(yTrue, scores, positive);
  if (points) ({ tps, fps, thresholds } = points);
  const order = points ? [] : Array.from({ length: n }, (_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number));
  let positives = 0;
  for (let k = 0; k < order.length; k++) {
    const row = order[k] as number;
    if (yTrue[row] === positive) positives++;
    const score = scores[row] as number;
    // A threshold sits where the sorted score changes, so tied scores count as one point.
    const next = k + 1 < n ? (scores[order[k + 1] as number] as number) : undefined;
    if (next === undefined || next !== score) {
      tps.push(positives);
      fps.push(k + 1 - positives);
      thresholds.push(score);
    }
  }
  if (dropIntermediate && tps.length > 2) {
    const keep: number[] = [];
    for (let i = 0; i < tps.length; i++) {
      if (i === 0 || i === tps.length - 1) keep.push(i);
      else {
        const bendF = (fps[i - 1] as number) - 2 * (fps[i] as number) + (fps[i + 1] as number);
        const bendT = (tps[i - 1] as number) - 2 * (tps[i] as number) + (tps[i + 1] as number);
        if (bendF !== 0 || bendT !== 0) keep.push(i);
      }
    }
    tps = keep.map((i) => tps[i] as number);
    fps = keep.map((i) => fps[i] as number);
    thresholds = keep.map((i) => thresholds[i] as number);
  }
  tps.unshift(0);
  fps.unshift(0);
  thresholds.unshift((thresholds[0] ?? 0) + 1);
  const lastF = fps[fps.length - 1] as number;
  const lastT = tps[tps.length - 1] as number;
  // With no negatives (or no positives) the rate is undefined; scikit-learn returns NaN too.
  return {
    fpr: fps.map((v) => (lastF > 0 ? v / lastF : Number.NaN)),
    tpr: tps.map((v) => (lastT > 0 ? v / lastT : Number.NaN)),
    thresholds,
  };
}

/**
 * The curve's points before dropping (true and false positives at each distinct score, highest first) without
 * sorting rows: the positives' and the negatives' scores are sorted apart (numeric typed-array sorts) and merged, which
 * gives the same counts as walking all rows in score order since tied rows count as one point. Undefined when a score
 * is NaN (the comparison sort's order then decides).
 */
function distinctScorePoints(
  yTrue: readonly string[],
  scores: ArrayLike<number>,
  positive: string,
): { tps: number[]; fps: number[]; thresholds: number[] } | undefined {
  const n = yTrue.length;
  let positiveCount = 0;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(scores[i] as number)) return undefined;
    if (yTrue[i] === positive) positiveCount++;
  }
  // Negated so that the ascending sort gives the highest score first.
  const pos = new Float64Array(positiveCount);
  const neg = new Float64Array(n - positiveCount);
  let p = 0;
  let q = 0;
  for (let i = 0; i < n; i++) {
    if (yTrue[i] === positive) pos[p++] = -(scores[i] as number);
    else neg[q++] = -(scores[i] as number);
  }
  pos.sort();
  neg.sort();
  const tps: number[] = [];
  const fps: number[] = [];
  const thresholds: number[] = [];
  p = 0;
  q = 0;
  while (p < pos.length || q < neg.length) {
    // The next distinct score (-0 and 0 are one score, as the comparison sort sees them), then every row holding it.
    const a = p < pos.length ? (pos[p] as number) : Number.POSITIVE_INFINITY;
    const b = q < neg.length ? (neg[q] as number) : Number.POSITIVE_INFINITY;
    const score = a < b ? a : b;
    while (p < pos.length && (pos[p] as number) === score) p++;
    while (q < neg.length && (neg[q] as number) === score) q++;
    tps.push(p);
    fps.push(q);
    thresholds.push(-score);
  }
  return { tps, fps, thresholds };
}

/** Area under a curve by the trapezoidal rule; x must be monotonic (either direction). */
export function auc(x: readonly number[], y: readonly number[]): number {
  let area = 0;
  for (let i = 1; i < x.length; i++) {
    area += ((x[i] as number) - (x[i - 1] as number)) * (((y[i] as number) + (y[i - 1] as number)) / 2);
  }
  const decreasing = x.length > 1 && (x[x.length - 1] as number) < (x[0] as number);
  return decreasing ? -area : area;
}

/** ROC AUC of a binary problem; both classes must be present in the truth. */
export function rocAucBinary(yTrue: readonly string[], scores: ArrayLike<number>, positive: string): number {
  const positives = yTrue.filter((y) => y === positive).length;
  if (positives === 0 || positives === yTrue.length) {
    throw new MlError('roc_auc: only one class is present in y_true, so ROC AUC is not defined');
  }
  const curve = rocCurve(yTrue, scores, positive, true);
  return auc(curve.fpr, curve.tpr);
}

/**
 * ROC AUC for any number of classes from a rows × labels probability matrix: the binary AUC of
 * the second label for two classes, else the unweighted mean of one-vs-rest AUCs. Classes absent
 * from the truth (possible in a small fold) have no AUC and are left out of the mean.
 */
export function rocAuc(yTrue: readonly string[], proba: DenseMatrix, labels: readonly string[]): number {
  checkSameLength('roc_auc', yTrue, { length: proba.rows });
  if (proba.cols !== labels.length) {
    throw new MlError(`roc_auc: the probabilities have ${proba.cols} columns but there are ${labels.length} labels`);
  }
  const column = (j: number): Float64Array => {
    const out = new Float64Array(proba.rows);
    for (let i = 0; i < proba.rows; i++) out[i] = proba.data[i * proba.cols + j] as number;
    return out;
  };
  if (labels.length === 2) return rocAucBinary(yTrue, column(1), labels[1] as string);
  const present = new Set(yTrue);
  let sum = 0;
  let counted = 0;
  labels.forEach((label, j) => {
    if (!present.has(label) || present.size < 2) return;
    sum += rocAucBinary(yTrue, column(j), label);
    counted++;
  });
  if (counted === 0) throw new MlError('roc_auc: only one class is present in y_true, so ROC AUC is not defined');
  return sum / counted;
}
