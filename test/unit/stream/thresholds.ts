/** How far apart two binnings' split thresholds are, in rows: shared by the streamed boosting test and bench/streamed.ts. */

/** How many of the sorted values are <= t (the rows a split at t sends left). */
export function atMost(sorted: Float64Array, t: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as number) <= t) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The share of the sorted column's rows that a split at `a` and one at `b` send to different sides. */
export function rowsApart(sorted: Float64Array, a: number, b: number): number {
  return Math.abs(atMost(sorted, a) - atMost(sorted, b)) / sorted.length;
}
