/** Pearson's chi-squared goodness of fit (scipy.stats.chisquare) and Evidently's categorical tests built on it. */
import { MlError } from '../types';
import { categoryCounts, type DriftValue } from './binning';
import { chiSquaredSurvival, normalCdf } from './special';

export interface TestResult {
  readonly statistic: number;
  readonly pValue: number;
}

/** Σ (obs - exp)² / exp with k - 1 degrees of freedom (scipy.stats.chisquare). */
export function chiSquare(observed: ArrayLike<number>, expected: ArrayLike<number>): TestResult {
  const k = observed.length;
  if (k !== expected.length) throw new MlError(`chisquare: ${k} observed and ${expected.length} expected frequencies`);
  let statistic = 0;
  for (let i = 0; i < k; i++) {
    const o = observed[i] as number;
    const e = expected[i] as number;
    // numpy's (o - e)² / e: a category never expected but observed makes the statistic infinite.
    statistic += (o - e) ** 2 / e;
  }
  return { statistic, pValue: chiSquaredSurvival(statistic, k - 1) };
}

/** Evidently's chi-squared drift test: current counts against reference counts scaled to the current size, over the union of categories. */
export function chiSquareDrift(reference: readonly DriftValue[], current: readonly DriftValue[]): TestResult & { keys: DriftValue[] } {
  if (reference.length === 0 || current.length === 0) throw new MlError('chi-squared drift test: both samples need at least one value');
  const counts = categoryCounts(reference, current);
  const kNorm = current.length / reference.length;
  const expected = counts.reference.map((c) => c * kNorm);
  return { ...chiSquare(counts.current, expected), keys: counts.keys };
}

/** Evidently's two-sided z-test of proportions for a column with at most two categories (the first sorted one against the rest). */
export function proportionsZTest(reference: readonly DriftValue[], current: readonly DriftValue[]): TestResult {
  if (reference.length === 0 || current.length === 0) throw new MlError('z-test: both samples need at least one value');
  const counts = categoryCounts(reference, current);
  if (counts.keys.length === 1) return { statistic: 0, pValue: 1 };
  const n1 = reference.length;
  const n2 = current.length;
  // Share of rows that are not the first category, as Evidently codes them (0 for the first, 1 otherwise).
  const p1 = (n1 - (counts.reference[0] as number)) / n1;
  const p2 = (n2 - (counts.current[0] as number)) / n2;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const z = (p1 - p2) / Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  return { statistic: z, pValue: 2 * (1 - normalCdf(Math.abs(z))) };
}
