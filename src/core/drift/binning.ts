/**
 * Evidently's binning of a column pair into two probability vectors (get_binned_data), which its
 * Jensen–Shannon distance and PSI compare:
 *  - numeric columns whose reference has more than 20 distinct values: equal-width bins over the
 *    pooled values, as many as Sturges' rule gives (np.histogram_bin_edges(ref ∪ cur, 'sturges')),
 *    each bin [e_i, e_i+1) except the last, which is closed;
 *  - every other column: one bin per distinct value seen in either sample;
 *  - shares are counts divided by each sample's size; PSI then replaces empty bins by
 *    0.0001 (or by a millionth of the smallest non-empty share when that is itself <= 0.0001).
 */

export type DriftValue = number | string;

/** Distinct values a reference needs before Evidently bins a numeric column by width. */
export const NUMERIC_BINNING_MIN_UNIQUE = 21;

/** np.histogram_bin_edges(values, bins='sturges'). */
export function sturgesBinEdges(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  let first = 0;
  let last = 1;
  let bins = 1;
  if (n > 0) {
    first = Infinity;
    last = -Infinity;
    for (let i = 0; i < n; i++) {
      const v = values[i] as number;
      if (v < first) first = v;
      if (v > last) last = v;
    }
    const width = (last - first) / (Math.log2(n) + 1);
    if (first === last) {
      first -= 0.5;
      last += 0.5;
    }
    if (width) bins = Math.ceil((last - first) / width);
  }
  // np.linspace: start + i * step, with the last edge set to stop exactly.
  const step = (last - first) / bins;
  const edges = new Float64Array(bins + 1);
  for (let i = 0; i < bins; i++) edges[i] = i * step + first;
  edges[bins] = last;
  return edges;
}

/** np.histogram(values, edges)[0]: half-open bins, the last one closed, values outside ignored. */
export function histogramCounts(values: ArrayLike<number>, edges: Float64Array): Float64Array {
  const bins = edges.length - 1;
  const counts = new Float64Array(bins);
  const low = edges[0] as number;
  const high = edges[bins] as number;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!(v >= low && v <= high)) continue;
    // Largest e with edges[e] <= v.
    let lo = 0;
    let hi = bins;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((edges[mid] as number) <= v) lo = mid;
      else hi = mid - 1;
    }
    const bin = Math.min(lo, bins - 1);
    counts[bin] = (counts[bin] as number) + 1;
  }
  return counts;
}

function compareValues(a: DriftValue, b: DriftValue): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function countValues(values: readonly DriftValue[]): Map<DriftValue, number> {
  const counts = new Map<DriftValue, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

/** Counts of each distinct value of reference ∪ current, keys sorted (numbers first, ascending). */
export function categoryCounts(
  reference: readonly DriftValue[],
  current: readonly DriftValue[],
): { keys: DriftValue[]; reference: number[]; current: number[] } {
  const ref = countValues(reference);
  const cur = countValues(current);
  const keys = [...new Set<DriftValue>([...ref.keys(), ...cur.keys()])].sort(compareValues);
  return { keys, reference: keys.map((k) => ref.get(k) ?? 0), current: keys.map((k) => cur.get(k) ?? 0) };
}

export interface BinnedShares {
  /** Bin edges when the column was binned by width; absent when binned by distinct value. */
  readonly edges?: Float64Array;
  readonly reference: Float64Array;
  readonly current: Float64Array;
}

/** Replaces empty bins as Evidently does before taking logarithms. */
function fillEmpty(shares: Float64Array): void {
  let smallest = Infinity;
  for (const s of shares) if (s !== 0 && s < smallest) smallest = s;
  if (smallest === Infinity) return;
  const fill = smallest <= 0.0001 ? smallest / 10 ** 6 : 0.0001;
  for (let i = 0; i < shares.length; i++) if (shares[i] === 0) shares[i] = fill;
}

/** Evidently's get_binned_data: the two samples' shares over common bins (missing values already dropped). */
export function binnedShares(reference: readonly DriftValue[], current: readonly DriftValue[], numeric: boolean, fillZeroes: boolean): BinnedShares {
  let result: BinnedShares;
  const distinct = new Set(reference).size;
  if (numeric && distinct >= NUMERIC_BINNING_MIN_UNIQUE) {
    const ref = reference as readonly number[];
    const cur = current as readonly number[];
    const edges = sturgesBinEdges([...ref, ...cur]);
    const refShares = histogramCounts(ref, edges).map((c) => c / ref.length);
    const curShares = histogramCounts(cur, edges).map((c) => c / cur.length);
    result = { edges, reference: refShares, current: curShares };
  } else {
    const counts = categoryCounts(reference, current);
    result = {
      reference: Float64Array.from(counts.reference, (c) => c / reference.length),
      current: Float64Array.from(counts.current, (c) => c / current.length),
    };
  }
  if (fillZeroes) {
    fillEmpty(result.reference);
    fillEmpty(result.current);
  }
  return result;
}
