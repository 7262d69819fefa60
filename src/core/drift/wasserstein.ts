/** First Wasserstein distance between two samples (scipy.stats.wasserstein_distance) and Evidently's normed form. */
import { MlError } from '../types';

/** Neumaier-compensated sum, so long sums stay as close to numpy's pairwise sum as float64 allows. */
export function accurateSum(values: Iterable<number>): number {
  let sum = 0;
  let compensation = 0;
  for (const v of values) {
    const t = sum + v;
    compensation += Math.abs(sum) >= Math.abs(v) ? sum - t + v : v - t + sum;
    sum = t;
  }
  return sum + compensation;
}

/** Number of sorted values <= x (numpy's searchsorted side='right'). */
function countAtMost(sorted: Float64Array, x: number, from: number): number {
  let i = from;
  while (i < sorted.length && (sorted[i] as number) <= x) i++;
  return i;
}

/** ∫ |F_u - F_v| dx over the pooled support: the area between the two empirical CDFs. */
export function wassersteinDistance(u: ArrayLike<number>, v: ArrayLike<number>): number {
  if (u.length === 0 || v.length === 0) throw new MlError('wasserstein_distance: both samples need at least one value');
  const us = Float64Array.from(u).sort();
  const vs = Float64Array.from(v).sort();
  const all = new Float64Array(us.length + vs.length);
  all.set(us);
  all.set(vs, us.length);
  all.sort();
  const terms: number[] = [];
  let iu = 0;
  let iv = 0;
  for (let k = 0; k + 1 < all.length; k++) {
    const x = all[k] as number;
    iu = countAtMost(us, x, iu);
    iv = countAtMost(vs, x, iv);
    const delta = (all[k + 1] as number) - x;
    if (delta !== 0) terms.push(Math.abs(iu / us.length - iv / vs.length) * delta);
  }
  return accurateSum(terms);
}

/** Population standard deviation (numpy.std with ddof=0), two-pass. */
export function populationStd(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return Number.NaN;
  const mean = accurateSum(Array.from(values)) / n;
  const squares: number[] = [];
  for (let i = 0; i < n; i++) squares.push(((values[i] as number) - mean) ** 2);
  return Math.sqrt(accurateSum(squares) / n);
}

/** Evidently's normed Wasserstein distance: W1(ref, cur) / max(std(ref), 0.001). */
export function wassersteinNormed(reference: ArrayLike<number>, current: ArrayLike<number>): number {
  return wassersteinDistance(reference, current) / Math.max(populationStd(reference), 0.001);
}
