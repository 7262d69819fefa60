/** Jensen–Shannon distance (scipy.spatial.distance.jensenshannon) and PSI, over Evidently's binned shares. */
import { MlError } from '../types';
import { binnedShares, type DriftValue } from './binning';
import { accurateSum } from './wasserstein';

/** scipy.special.rel_entr: x log(x / y), 0 when x is 0, infinite when only y is 0. */
function relativeEntropy(x: number, y: number): number {
  if (x > 0 && y > 0) return x * Math.log(x / y);
  if (x === 0 && y >= 0) return 0;
  return Infinity;
}

/** Jensen–Shannon distance of two probability vectors, normalised first; natural log unless `base` is given. */
export function jensenShannonDistance(p: ArrayLike<number>, q: ArrayLike<number>, base?: number): number {
  if (p.length !== q.length) throw new MlError(`jensenshannon: vectors of different lengths (${p.length} and ${q.length})`);
  const sp = accurateSum(Array.from(p));
  const sq = accurateSum(Array.from(q));
  const left: number[] = [];
  const right: number[] = [];
  for (let i = 0; i < p.length; i++) {
    const pi = (p[i] as number) / sp;
    const qi = (q[i] as number) / sq;
    const m = (pi + qi) / 2;
    left.push(relativeEntropy(pi, m));
    right.push(relativeEntropy(qi, m));
  }
  let js = accurateSum(left) + accurateSum(right);
  if (base !== undefined) js /= Math.log(base);
  // Rounding can leave identical inputs a hair below zero; the distance is 0 there.
  return Math.sqrt(Math.max(0, js) / 2);
}

/** Population stability index Σ (r - c) ln(r / c) over already floored shares. */
export function populationStabilityIndex(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  if (reference.length !== current.length) throw new MlError(`psi: vectors of different lengths (${reference.length} and ${current.length})`);
  const terms: number[] = [];
  for (let i = 0; i < reference.length; i++) {
    const r = reference[i] as number;
    const c = current[i] as number;
    terms.push((r - c) * Math.log(r / c));
  }
  return accurateSum(terms);
}

/** Evidently's Jensen–Shannon drift score of a column (binned without flooring empty bins). */
export function jensenShannonDrift(reference: readonly DriftValue[], current: readonly DriftValue[], numeric: boolean): number {
  const shares = binnedShares(reference, current, numeric, false);
  return jensenShannonDistance(shares.reference, shares.current);
}

/** Evidently's PSI of a column (binned, empty bins floored). */
export function psiDrift(reference: readonly DriftValue[], current: readonly DriftValue[], numeric: boolean): number {
  const shares = binnedShares(reference, current, numeric, true);
  return populationStabilityIndex(shares.reference, shares.current);
}
