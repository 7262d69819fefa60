/**
 * The histogram kernel of the boosting grower: per feature and bin, the sums of the gradients,
 * hessians and row counts of a node's rows, in slots [g, h, count] at ((f · nBins) + bin) · 3. With
 * constant hessians (all 1) the count stands for the hessian sum and is kept in the hessian slot
 * [g, count, unused], so the WebAssembly kernel (histogramSimd.ts) adds (g, 1) as one pair.
 * The kernel fills a range of features, so the features can be split between threads writing
 * one shared histogram; every bin adds its rows in partition order whatever the split, so the
 * sums (and the trees) are the same for any number of threads.
 */

/** The binned training rows. */
export interface BinnedRows {
  readonly rows: number;
  readonly features: number;
  /** Histogram slots per feature (max_bins + 1, the last for missing values). */
  readonly nBins: number;
  /**
   * Row-major bins, bins[i · features + f]: a row's bins share a cache line, which measured faster
   * than sklearn's column-major layout here, for the root's rows in order and for a node's scattered ones.
   */
  readonly bins: Uint8Array;
}

/** The row-major bins written column by column into `columns` (columns[f · rows + i]): a split reads one feature of its node's rows within one column. */
export function transposeBins(data: BinnedRows, columns: Uint8Array): void {
  const { rows, features, bins } = data;
  for (let i = 0, at = 0; i < rows; i++) for (let f = 0; f < features; f++, at++) columns[f * rows + i] = bins[at] as number;
}

/** Per feature and bin, the count of all training rows: the root's counts, the same for every tree. */
export function rootCounts(data: BinnedRows): Float64Array {
  const { rows, features, nBins, bins } = data;
  const counts = new Float64Array(features * nBins);
  for (let i = 0, at = 0; i < rows; i++) {
    for (let f = 0; f < features; f++, at++) {
      const slot = f * nBins + (bins[at] as number);
      counts[slot] = (counts[slot] as number) + 1;
    }
  }
  return counts;
}

/**
 * Adds the rows partition[start..stop) (rows start..stop in order when partition is null) into
 * the histogram's features [from, to): gradient g[offset + i], hessian h[offset + i] and a count
 * of 1 per row (when h is null, constant hessians: only the count, in the hessian slot), unless
 * `counts` gives the counts of exactly these rows (the root), copied in instead.
 */
export function buildHistogram(
  histogram: Float64Array,
  data: BinnedRows,
  from: number,
  to: number,
  partition: Int32Array | null,
  start: number,
  stop: number,
  g: Float32Array,
  h: Float32Array | null,
  offset: number,
  counts: Float64Array | null,
): void {
  const { features, nBins, bins } = data;
  const stride = nBins * 3;
  const first = from * stride;
  if (counts !== null) {
    const countAt = h === null ? 1 : 2;
    for (let f = from; f < to; f++)
      for (let b = 0, c = f * nBins, slot = f * stride + countAt; b < nBins; b++, c++, slot += 3) histogram[slot] = counts[c] as number;
  }
  for (let p = start; p < stop; p++) {
    const i = partition === null ? p : (partition[p] as number);
    const gi = g[offset + i] as number;
    let bin = i * features + from;
    let at = first;
    if (counts !== null) {
      if (h === null) {
        for (let f = from; f < to; f++, bin++, at += stride) {
          const slot = at + (bins[bin] as number) * 3;
          histogram[slot] = (histogram[slot] as number) + gi;
        }
      } else {
        const hi = h[offset + i] as number;
        for (let f = from; f < to; f++, bin++, at += stride) {
          const slot = at + (bins[bin] as number) * 3;
          histogram[slot] = (histogram[slot] as number) + gi;
          histogram[slot + 1] = (histogram[slot + 1] as number) + hi;
        }
      }
    } else if (h === null) {
      for (let f = from; f < to; f++, bin++, at += stride) {
        const slot = at + (bins[bin] as number) * 3;
        histogram[slot] = (histogram[slot] as number) + gi;
        histogram[slot + 1] = (histogram[slot + 1] as number) + 1;
      }
    } else {
      const hi = h[offset + i] as number;
      for (let f = from; f < to; f++, bin++, at += stride) {
        const slot = at + (bins[bin] as number) * 3;
        histogram[slot] = (histogram[slot] as number) + gi;
        histogram[slot + 1] = (histogram[slot + 1] as number) + hi;
        histogram[slot + 2] = (histogram[slot + 2] as number) + 1;
      }
    }
  }
}
