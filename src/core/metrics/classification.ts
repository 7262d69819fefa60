/** Label-based classification metrics, computed as scikit-learn does (zero_division=0). */
import { checkSameLength, labelIndex, presentLabels } from './labels';

/** Share of predictions equal to the truth. */
export function accuracy(yTrue: readonly string[], yPred: readonly string[]): number {
  checkSameLength('accuracy', yTrue, yPred);
  let hits = 0;
  for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === yPred[i]) hits++;
  return hits / yTrue.length;
}

/** counts[i][j]: rows whose truth is labels[i] and prediction labels[j]; rows with other labels are left out. */
export function confusionMatrix(yTrue: readonly string[], yPred: readonly string[], labels?: readonly string[]): number[][] {
  checkSameLength('confusion_matrix', yTrue, yPred);
  const order = labels ?? presentLabels(yTrue, yPred);
  const index = labelIndex(order);
  const counts = order.map(() => order.map(() => 0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = index.get(yTrue[i] as string);
    const p = index.get(yPred[i] as string);
    if (t === undefined || p === undefined) continue;
    const row = counts[t] as number[];
    row[p] = (row[p] as number) + 1;
  }
  return counts;
}

/** Mean recall over the classes present in the truth (classes only predicted are left out, as scikit-learn does). */
export function balancedAccuracy(yTrue: readonly string[], yPred: readonly string[]): number {
  const labels = presentLabels(yTrue, yPred);
  const counts = confusionMatrix(yTrue, yPred, labels);
  let sum = 0;
  let classes = 0;
  counts.forEach((row, i) => {
    const support = row.reduce((a, b) => a + b, 0);
    if (support === 0) return;
    sum += (row[i] as number) / support;
    classes++;
  });
  return sum / classes;
}

export interface ClassScores {
  readonly label: string;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Rows of this class in the truth. */
  readonly support: number;
}

export interface AveragedScores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export interface PrecisionRecallF1 {
  readonly perClass: ClassScores[];
  readonly macro: AveragedScores;
  readonly micro: AveragedScores;
  readonly weighted: AveragedScores;
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

function f1Of(precision: number, recall: number): number {
  // scikit-learn 1.2's formula, from precision and recall rather than from counts.
  const denominator = precision + recall;
  return denominator === 0 ? 0 : (2 * precision * recall) / denominator;
}

/**
 * Precision, recall and F1 per class and averaged (macro, micro, weighted by support).
 * `labels` defaults to the labels present in truth or predictions, which is also what the averages use.
 */
export function precisionRecallF1(yTrue: readonly string[], yPred: readonly string[], labels?: readonly string[]): PrecisionRecallF1 {
  const order = labels ?? presentLabels(yTrue, yPred);
  const counts = confusionMatrix(yTrue, yPred, order);
  const k = order.length;
  const truePositives = order.map((_, i) => (counts[i] as number[])[i] as number);
  const supports = counts.map((row) => row.reduce((a, b) => a + b, 0));
  const predicted = order.map((_, j) => counts.reduce((a, row) => a + (row[j] as number), 0));
  const perClass = order.map((label, i): ClassScores => {
    const precision = ratio(truePositives[i] as number, predicted[i] as number);
    const recall = ratio(truePositives[i] as number, supports[i] as number);
    return { label, precision, recall, f1: f1Of(precision, recall), support: supports[i] as number };
  });
  const mean = (pick: (c: ClassScores) => number): number => (k === 0 ? 0 : perClass.reduce((a, c) => a + pick(c), 0) / k);
  const totalSupport = supports.reduce((a, b) => a + b, 0);
  const weightedMean = (pick: (c: ClassScores) => number): number =>
    totalSupport === 0 ? 0 : perClass.reduce((a, c) => a + pick(c) * c.support, 0) / totalSupport;
  const tpSum = truePositives.reduce((a, b) => a + b, 0);
  const microPrecision = ratio(
    tpSum,
    predicted.reduce((a, b) => a + b, 0),
  );
  const microRecall = ratio(tpSum, totalSupport);
  return {
    perClass,
    macro: { precision: mean((c) => c.precision), recall: mean((c) => c.recall), f1: mean((c) => c.f1) },
    micro: { precision: microPrecision, recall: microRecall, f1: f1Of(microPrecision, microRecall) },
    weighted: {
      precision: weightedMean((c) => c.precision),
      recall: weightedMean((c) => c.recall),
      f1: weightedMean((c) => c.f1),
    },
  };
}
