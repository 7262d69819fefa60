/** Column statistics that skip missing values, computed the way numpy/scikit-learn compute them. */

/** The non-NaN values of a column, sorted ascending. */
export function sortedPresent(values: ArrayLike<number>): Float64Array {
  const present: number[] = [];
  for (let i = 0; i < values.length; i++) if (!Number.isNaN(values[i] as number)) present.push(values[i] as number);
  return Float64Array.from(present).sort();
}

/** Mean and population variance ignoring NaN (two passes with sklearn's rounding-error correction). */
export function nanMeanVariance(values: ArrayLike<number>): { mean: number; variance: number; count: number } {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isNaN(v)) continue;
    sum += v;
    count++;
  }
  if (count === 0) return { mean: NaN, variance: NaN, count };
  const mean = sum / count;
  let squares = 0;
  let correction = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (Number.isNaN(v)) continue;
    squares += (v - mean) ** 2;
    correction += v - mean;
  }
  return { mean, variance: (squares - (correction * correction) / count) / count, count };
}

/** numpy.quantile with the default "linear" method on sorted values (NaN when empty). */
export function quantileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const position = q * (n - 1);
  const lo = Math.floor(position);
  const hi = Math.min(lo + 1, n - 1);
  const t = position - lo;
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  const diff = b - a;
  // numpy's _lerp: measure from the nearer end, so q=1 gives exactly the maximum.
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/** The most frequent value, the smallest among ties (as SimpleImputer's most_frequent). */
export function mostFrequent<T extends number | string>(values: Iterable<T>, compare: (a: T, b: T) => number): T | undefined {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: T | undefined;
  let bestCount = 0;
  for (const [value, count] of counts) {
    if (count > bestCount || (count === bestCount && best !== undefined && compare(value, best) < 0)) {
      best = value;
      bestCount = count;
    }
  }
  return best;
}

/** Column-wise replacement of a zero spread by 1, as sklearn's _handle_zeros_in_scale. */
export function safeScale(scale: number): number {
  return scale < 10 * Number.EPSILON || !Number.isFinite(scale) ? 1 : scale;
}
