/**
 * sklearn's find_node_split over a range of features: the best split of a node from its histogram,
 * scanning bins left to right and, with missing values, right to left. The grower scans every
 * feature at once; with n_jobs > 1 each histogram worker scans its features and the caller keeps
 * the first best of the ranges in feature order, which is the split one scan over all features finds.
 */

import type { SplitScan } from './histogramSimd';

/** sklearn's min_hessian_to_split default. */
export const MIN_HESSIAN_TO_SPLIT = 1e-3;

/** What a split search reads besides the histogram: the fit's bins and growth parameters. */
export interface SplitParams {
  /** Histogram slots per feature (max_bins + 1, the last for missing values). */
  readonly nBins: number;
  readonly nBinsNonMissing: Int32Array;
  /** 1 where the feature had missing values in the training rows. */
  readonly hasMissing: Uint8Array;
  readonly minSamplesLeaf: number;
  readonly l2: number;
}

/** A found split is SPLIT_FIELDS numbers: gain (−1: none), feature, bin, missing left (0/1), and the left side's gradient, hessian and count sums. */
export const SPLIT_FIELDS = 7;
export const GAIN = 0;
export const FEATURE = 1;
export const BIN = 2;
export const MISSING_LEFT = 3;
export const GRADIENT_LEFT = 4;
export const HESSIAN_LEFT = 5;
export const COUNT_LEFT = 6;

/**
 * The best split on features [from, to) of a node of `n` rows with gradient and hessian sums sumG and sumH
 * and (unshrunk) value `value`, written at out[at …]; counts are in slot `countAt` of each bin (1 when
 * hessians are constant). Of equal gains the first feature and bin wins.
 */
export function scanSplits(
  histogram: Float64Array,
  from: number,
  to: number,
  params: SplitParams,
  n: number,
  sumG: number,
  sumH: number,
  value: number,
  countAt: number,
  out: Float64Array,
  at: number,
  /** The kernel's scan of a feature's bins and the histogram's byte offset in kernel memory, when it lies there. */
  kernel?: { readonly scan: SplitScan; readonly offset: number },
): void {
  const { nBins, nBinsNonMissing, hasMissing, minSamplesLeaf, l2 } = params;
  const lossNode = sumG * value;
  let bestGain = -1;
  let bestFeature = from;
  let bestBin = 0;
  let bestMissingLeft = 0;
  let bestGL = 0;
  let bestHL = 0;
  let bestNL = 0;
  for (let f = from; f < to; f++) {
    const base = f * nBins * 3;
    const missing = hasMissing[f] as number;
    let featureGain = -1;
    let featureBin = 0;
    let featureMissingLeft = 0;
    let featureGL = 0;
    let featureHL = 0;
    let featureNL = 0;
    // Left to right: missing values go right; the last value bin is a candidate only with missing values (a split on NaN).
    // Bins are passed over while the left side is too small (its count and hessian sum only grow), then scanned until
    // the right side is (its sums only shrink): sklearn's four checks at every bin, in two short loops.
    const end = (nBinsNonMissing[f] as number) - 1 + missing;
    let gl = 0;
    let hl = 0;
    let nl = 0;
    // A gain must beat the best so far (of this feature and those before), and 0: the first bin of the best gain wins.
    let beat = bestGain > 0 ? bestGain : 0;
    let b = 0;
    for (; b < end; b++) {
      const slot = base + b * 3;
      nl += histogram[slot + countAt] as number;
      hl += histogram[slot + 1] as number;
      gl += histogram[slot] as number;
      if (nl < minSamplesLeaf) continue;
      if (n - nl < minSamplesLeaf) b = end;
      else if (hl < MIN_HESSIAN_TO_SPLIT) continue;
      break;
    }
    if (kernel && b < end) {
      const bin = kernel.scan(kernel.offset + base * 8, countAt * 8, b, end, n, sumG, sumH, lossNode, l2, minSamplesLeaf, beat, gl, hl, nl);
      if (bin >= 0) {
        // Its sums added again as the scan added them (bins in order), and its gain as the scan computed it.
        gl = 0;
        hl = 0;
        nl = 0;
        for (let c = base, last = base + bin * 3; c <= last; c += 3) {
          nl += histogram[c + countAt] as number;
          hl += histogram[c + 1] as number;
          gl += histogram[c] as number;
        }
        const gr = sumG - gl;
        const hr = sumH - hl;
        beat = splitGain(lossNode, gl, hl, gr, hr, l2);
        featureGain = beat;
        featureBin = bin;
        featureGL = gl;
        featureHL = hl;
        featureNL = nl;
      }
      b = end;
    }
    while (b < end) {
      const hr = sumH - hl;
      if (n - nl < minSamplesLeaf || hr < MIN_HESSIAN_TO_SPLIT) break;
      const gr = sumG - gl;
      const gain = splitGain(lossNode, gl, hl, gr, hr, l2);
      // (hl stays at or above the minimum once there, hessians being non-negative; checked anyway.)
      if (gain > beat && hl >= MIN_HESSIAN_TO_SPLIT) {
        beat = gain;
        featureGain = gain;
        featureBin = b;
        featureGL = gl;
        featureHL = hl;
        featureNL = nl;
        featureMissingLeft = 0;
      }
      if (++b === end) break;
      const slot = base + b * 3;
      nl += histogram[slot + countAt] as number;
      hl += histogram[slot + 1] as number;
      gl += histogram[slot] as number;
    }
    if (missing) {
      // Right to left: missing values go left; the same two loops from the other end.
      let gr = 0;
      let hr = 0;
      let nr = 0;
      let c = (nBinsNonMissing[f] as number) - 2;
      for (; c >= 0; c--) {
        const slot = base + (c + 1) * 3;
        nr += histogram[slot + countAt] as number;
        hr += histogram[slot + 1] as number;
        gr += histogram[slot] as number;
        if (nr < minSamplesLeaf) continue;
        if (n - nr < minSamplesLeaf) c = -1;
        else if (hr < MIN_HESSIAN_TO_SPLIT) continue;
        break;
      }
      while (c >= 0) {
        const hl2 = sumH - hr;
        if (n - nr < minSamplesLeaf || hl2 < MIN_HESSIAN_TO_SPLIT) break;
        const gl2 = sumG - gr;
        const gain = splitGain(lossNode, gl2, hl2, gr, hr, l2);
        if (gain > beat && hr >= MIN_HESSIAN_TO_SPLIT) {
          beat = gain;
          featureGain = gain;
          featureBin = c;
          featureGL = gl2;
          featureHL = hl2;
          featureNL = n - nr;
          featureMissingLeft = 1;
        }
        if (--c < 0) break;
        const slot = base + (c + 1) * 3;
        nr += histogram[slot + countAt] as number;
        hr += histogram[slot + 1] as number;
        gr += histogram[slot] as number;
      }
    }
    if (featureGain > bestGain) {
      bestGain = featureGain;
      bestFeature = f;
      bestBin = featureBin;
      bestMissingLeft = featureMissingLeft;
      bestGL = featureGL;
      bestHL = featureHL;
      bestNL = featureNL;
    }
  }
  out[at + GAIN] = bestGain;
  out[at + FEATURE] = bestFeature;
  out[at + BIN] = bestBin;
  out[at + MISSING_LEFT] = bestMissingLeft;
  out[at + GRADIENT_LEFT] = bestGL;
  out[at + HESSIAN_LEFT] = bestHL;
  out[at + COUNT_LEFT] = bestNL;
}

/**
 * sklearn's gain of a split into sides with gradient and hessian sums (gl, hl) and (gr, hr), in its order of operations
 * (the WebAssembly scan, histogramSimd.ts, computes it the same way).
 */
function splitGain(lossNode: number, gl: number, hl: number, gr: number, hr: number, l2: number): number {
  return lossNode - gl * (-gl / (hl + l2 + 1e-15)) - gr * (-gr / (hr + l2 + 1e-15));
}

/** Of `ranges` splits found on consecutive feature ranges (at `first`, `stride` apart), copies the first of highest gain to out[at …]. */
export function firstBest(found: Float64Array, first: number, stride: number, ranges: number, out: Float64Array, at: number): void {
  let best = first;
  for (let r = 1; r < ranges; r++) {
    const k = first + r * stride;
    if ((found[k + GAIN] as number) > (found[best + GAIN] as number)) best = k;
  }
  for (let j = 0; j < SPLIT_FIELDS; j++) out[at + j] = found[best + j] as number;
}
