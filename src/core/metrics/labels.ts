/** Label ordering shared by the classification metrics. */
import { MlError } from '../types';

/** Sorts class labels: numerically when every label is a number, otherwise by code point (as numpy sorts strings). */
export function sortLabels(labels: Iterable<string>): string[] {
  const unique = [...new Set(labels)];
  const numeric = unique.length > 0 && unique.every((l) => l.trim() !== '' && Number.isFinite(Number(l)));
  if (numeric) return unique.sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0));
  return unique.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The labels present in the truth or the predictions, sorted (scikit-learn's `unique_labels`). */
export function presentLabels(yTrue: readonly string[], yPred: readonly string[]): string[] {
  return sortLabels([...yTrue, ...yPred]);
}

/** Map from label to its position in `labels`. */
export function labelIndex(labels: readonly string[]): Map<string, number> {
  return new Map(labels.map((label, i) => [label, i]));
}

/** Throws when two arrays that should pair up row by row have different lengths. */
export function checkSameLength(what: string, a: { length: number }, b: { length: number }): void {
  if (a.length !== b.length) {
    throw new MlError(`${what}: y_true has ${a.length} values but the predictions have ${b.length}`);
  }
  if (a.length === 0) throw new MlError(`${what}: no values to score`);
}
