/**
 * Grows one boosting tree on binned rows from the rows' gradients and hessians, as scikit-learn's
 * TreeGrower: best-first (leaf-wise) growth that always splits the leaf of highest gain, up to
 * `maxLeafNodes` leaves; split search over per-feature histograms of summed gradients, hessians
 * and counts; the smaller child's histogram is built from its rows and the larger one's is the
 * parent's minus it (histogram subtraction). Missing values have their own bin, and each split
 * tries them on both sides (XGBoost's sparsity-aware split, as sklearn does).
 */
import { buildHistogram, rootCounts, transposeBins, type BinnedRows } from './histogram';
import { HistogramMemory } from './histogramSimd';
import {
  BIN,
  COUNT_LEFT,
  FEATURE,
  GAIN,
  GRADIENT_LEFT,
  HESSIAN_LEFT,
  MIN_HESSIAN_TO_SPLIT,
  MISSING_LEFT,
  scanSplits,
  SPLIT_FIELDS,
  type SplitParams,
} from './split';
import type { BoostingLoss } from './losses';
import {
  HistogramTeam,
  sharedBins,
  sharedInt32,
  type GrowAlone,
  type HistogramWorkerInput,
  type RowsLoss,
  type SearchedNode,
  type TeamLaunch,
  type TeamValidation,
  type TreeGrowth,
} from './team';
import type { BoostedTree, GrownTree } from './tree';

/** What every tree of a fit shares: the binned training rows and the growth parameters. */
export interface GrowContext {
  readonly rows: number;
  readonly features: number;
  /** The bins of the training rows. */
  readonly data: BinnedRows;
  /** Histogram slots per feature (max_bins + 1, the last for missing values). */
  readonly nBins: number;
  readonly missingBin: number;
  readonly nBinsNonMissing: Int32Array;
  /** 1 where the feature had missing values in the training rows. */
  readonly hasMissing: Uint8Array;
  readonly maxLeafNodes: number | null;
  readonly maxDepth: number | null;
  readonly minSamplesLeaf: number;
  readonly l2: number;
  readonly shrinkage: number;
  /** Thresholds per feature, to turn a bin split into a value split. */
  readonly thresholds: readonly Float64Array[];
  /** Threads building histograms (the caller and jobs − 1 pool workers); gradients must then be in shared memory. */
  readonly jobs: number;
  /**
   * Keep a column-major copy of the bins (rows × features bytes) to partition a node's rows by one
   * feature within one column, about twice as fast as reading it across rows; default true.
   */
  readonly columnCopy?: boolean;
  /** With jobs > 1: the fit's loss and rows (in shared memory) for lossAndGradients on every thread. */
  readonly rowsLoss?: RowsLoss;
  /** With jobs > 1: the team's workers, started ahead (launchTeam(jobs, features)); the grower closes them. */
  readonly launch?: TeamLaunch;
  /**
   * Trees an iteration (growIteration): with jobs > 1, rowsLoss and maxLeafNodes, an iteration's trees grow on
   * different threads at once, each tree by one thread.
   */
  readonly outputs?: number;
  /** With jobs > 1, rowsLoss and maxLeafNodes: the early-stopping rows (shared), scored on every thread (scoreValidation). */
  readonly validation?: Omit<TeamValidation, 'maxLeafNodes' | 'outputs'>;
}

/** Histograms alive at once: one per splittable leaf, and the one being built. */
function liveHistograms(maxLeafNodes: number | null): number {
  return (maxLeafNodes ?? 64) + 1;
}

/**
 * A buffer for the training bins (rows × features, row-major) that a TreeGrower with these settings then
 * uses without a copy: in the WebAssembly kernel's memory where it runs, else plain; shared when jobs > 1.
 */
export function allocateBins(rows: number, features: number, nBins: number, maxLeafNodes: number | null, jobs: number): Uint8Array {
  const kernels = HistogramMemory.allocate({ rows, features, nBins }, liveHistograms(maxLeafNodes), jobs > 1);
  if (kernels) return kernels.bins;
  return jobs > 1 ? new Uint8Array(new SharedArrayBuffer(rows * features)) : new Uint8Array(rows * features);
}

interface SplitInfo {
  gain: number;
  feature: number;
  bin: number;
  missingLeft: boolean;
  sumGradientLeft: number;
  sumHessianLeft: number;
  countLeft: number;
  valueLeft: number;
  valueRight: number;
}

interface GrowNode {
  readonly id: number;
  readonly start: number;
  readonly stop: number;
  readonly depth: number;
  readonly sumGradients: number;
  readonly sumHessians: number;
  /** The node's own (unshrunk) value; sklearn's root has 0. */
  value: number;
  histogram: Float64Array | null;
  split: SplitInfo | null;
  leaf: boolean;
}

function nodeValue(sumGradient: number, sumHessian: number, l2: number): number {
  return -sumGradient / (sumHessian + l2 + 1e-15);
}

/** Reusable buffers of a fit: the row partition and a pool of histograms. */
export class TreeGrower {
  private readonly partition: Int32Array;
  /** Per bin, 1 when the split being applied sends it left. */
  private readonly goesLeft: Uint8Array;
  private readonly rightBuffer: Int32Array;
  private readonly leftBuffer: Int32Array | null;
  private readonly rootCounts: Float64Array;
  /** The bins column by column (columns[f · rows + i]): a split reads one feature of its node's rows, within one column. */
  private readonly columns: Uint8Array | null;
  private readonly data: BinnedRows;
  private team: HistogramTeam | null = null;
  /** True while growIteration credits the importances itself, in output order (grow only lists the credits). */
  private deferCredits = false;
  /** The importance credits (feature, gain) of the last tree grown, in the order of its splits. */
  private credits: number[] = [];
  /** The WebAssembly kernel's memory (shared with the histogram workers when jobs > 1): the partition, the bins and most histograms. */
  private readonly simd: HistogramMemory | undefined;
  private readonly pool: Float64Array[] = [];
  private readonly histogramSize: number;
  private readonly splitParams: SplitParams;
  /** Splits found by a search (SPLIT_FIELDS each; two for a team's command). */
  private readonly found = new Float64Array(2 * SPLIT_FIELDS);
  /** Gain-based importance summed over every split of every tree grown. */
  readonly importances: Float64Array;

  constructor(private readonly ctx: GrowContext) {
    const parallel = ctx.jobs > 1;
    this.simd = HistogramMemory.create(ctx.data, liveHistograms(ctx.maxLeafNodes), parallel);
    this.pool.push(...(this.simd?.resident ?? []));
    if (this.simd) {
      this.partition = this.simd.partition;
      this.data = { ...ctx.data, bins: this.simd.bins };
    } else {
      this.partition = parallel ? sharedInt32(ctx.rows) : new Int32Array(ctx.rows);
      this.data = parallel ? sharedBins(ctx.data) : ctx.data;
    }
    this.goesLeft = new Uint8Array(ctx.nBins);
    // With the team, the rows going each way are written by every thread (team.partition).
    this.rightBuffer = this.simd ? this.simd.right : parallel ? sharedInt32(ctx.rows) : new Int32Array(ctx.rows);
    // The team's pieces pack their left rows in place when the column copy is in kernel memory (HistogramMemory.partitionPiece).
    this.leftBuffer = parallel && !(this.simd && (ctx.columnCopy ?? true)) ? sharedInt32(ctx.rows) : null;
    const counts = rootCounts(ctx.data);
    this.rootCounts = parallel ? new Float64Array(new SharedArrayBuffer(counts.byteLength)) : counts;
    if (parallel) this.rootCounts.set(counts);
    this.histogramSize = ctx.features * ctx.nBins * 3;
    this.splitParams = { nBins: ctx.nBins, nBinsNonMissing: ctx.nBinsNonMissing, hasMissing: ctx.hasMissing, minSamplesLeaf: ctx.minSamplesLeaf, l2: ctx.l2 };
    if (!(ctx.columnCopy ?? true)) this.columns = null;
    else if (this.simd) {
      // In kernel memory, where the WebAssembly partition reads it.
      this.simd.fillColumns();
      this.columns = this.simd.columns;
    } else {
      this.columns = parallel ? new Uint8Array(new SharedArrayBuffer(ctx.rows * ctx.features)) : new Uint8Array(ctx.rows * ctx.features);
      transposeBins(ctx.data, this.columns);
    }
    this.importances = new Float64Array(ctx.features);
  }

  /**
   * Grows a tree on gradients g and hessians h (row i at g[offset + i]; hessians ignored and
   * counted as 1 when constant) and adds its shrunk leaf values to raw[i * stride + k].
   */
  grow(g: Float32Array, h: Float32Array, offset: number, constantHessian: boolean, raw: Float64Array, stride: number, k: number): BoostedTree {
    const { ctx } = this;
    const n = ctx.rows;
    if (ctx.jobs > 1 && this.team === null) {
      const rowsSplit = { columns: this.columns, left: this.leftBuffer ?? new Int32Array(0), right: this.rightBuffer };
      this.team = new HistogramTeam(
        ctx.jobs,
        this.data,
        g,
        h,
        this.partition,
        this.rootCounts,
        this.simd,
        this.splitParams,
        rowsSplit,
        ctx.rowsLoss,
        ctx.launch,
        this.growth(),
        ctx.validation && ctx.maxLeafNodes !== null ? { ...ctx.validation, maxLeafNodes: ctx.maxLeafNodes, outputs: ctx.outputs ?? 1 } : undefined,
      );
    }
    for (let i = 0; i < n; i++) this.partition[i] = i;
    this.simd?.load(g, constantHessian ? null : h, offset);
    this.credits = [];
    let sumGradients = 0;
    let sumHessians = 0;
    // Both sums in one loop (two chains of additions in row order, overlapping).
    if (constantHessian) {
      for (let i = 0; i < n; i++) sumGradients += g[offset + i] as number;
      sumHessians = n;
    } else {
      for (let i = 0; i < n; i++) {
        sumGradients += g[offset + i] as number;
        sumHessians += h[offset + i] as number;
      }
    }

    const feature: number[] = [-1];
    const binThreshold: number[] = [0];
    const missingLeft: number[] = [0];
    const left: number[] = [-1];
    const right: number[] = [-1];
    const value: number[] = [0];
    const leaves: GrowNode[] = [];
    const splittable: GrowNode[] = [];
    const finalize = (node: GrowNode): void => {
      node.leaf = true;
      leaves.push(node);
      if (node.histogram) this.release(node.histogram);
      node.histogram = null;
    };
    const searched = (node: GrowNode, split: SplitInfo): void => {
      node.split = split;
      if (split.gain <= 0) finalize(node);
      else splittable.push(node);
    };
    const search = (node: GrowNode): void => searched(node, this.findSplit(node, constantHessian));
    const asSearched = (node: GrowNode, histogram: Float64Array): SearchedNode => ({
      histogram,
      n: node.stop - node.start,
      sumGradients: node.sumGradients,
      sumHessians: node.sumHessians,
      value: node.value,
    });

    const root: GrowNode = { id: 0, start: 0, stop: n, depth: 0, sumGradients, sumHessians, value: 0, histogram: null, split: null, leaf: false };
    if (n < 2 * ctx.minSamplesLeaf || sumHessians < MIN_HESSIAN_TO_SPLIT) finalize(root);
    else {
      const own = this.take();
      root.histogram = own;
      // The team builds and searches the root in one command, or the caller does both.
      if (this.team?.split(own, null, 0, n, offset, true, constantHessian, [asSearched(root, own)], this.found)) searched(root, this.splitAt(root, 0));
      else {
        this.build(own, 0, n, g, h, offset, constantHessian, true);
        search(root);
      }
    }

    while (splittable.length > 0) {
      let best = 0;
      for (let s = 1; s < splittable.length; s++) if ((splittable[s] as GrowNode).split!.gain > (splittable[best] as GrowNode).split!.gain) best = s;
      const node = splittable[best] as GrowNode;
      splittable.splice(best, 1);
      const split = node.split as SplitInfo;
      const cut = this.splitRows(node, split);
      const depth = node.depth + 1;
      const leafCount = leaves.length + splittable.length + 2;
      const make = (start: number, stop: number, sumG: number, sumH: number, v: number): GrowNode => {
        const id = feature.length;
        feature.push(-1);
        binThreshold.push(0);
        missingLeft.push(0);
        left.push(-1);
        right.push(-1);
        value.push(v);
        return { id, start, stop, depth, sumGradients: sumG, sumHessians: sumH, value: v, histogram: null, split: null, leaf: false };
      };
      const leftChild = make(node.start, cut, split.sumGradientLeft, split.sumHessianLeft, split.valueLeft);
      const rightChild = make(cut, node.stop, node.sumGradients - split.sumGradientLeft, node.sumHessians - split.sumHessianLeft, split.valueRight);
      // A feature without missing values in training sends a missing value at predict time to the child with more rows.
      const missingGoLeft = ctx.hasMissing[split.feature] ? split.missingLeft : cut - node.start > node.stop - cut;
      feature[node.id] = split.feature;
      binThreshold[node.id] = split.bin;
      missingLeft[node.id] = missingGoLeft ? 1 : 0;
      left[node.id] = leftChild.id;
      right[node.id] = rightChild.id;
      const credit =
        gainOf(split.sumGradientLeft, split.sumHessianLeft, ctx.l2) +
        gainOf(node.sumGradients - split.sumGradientLeft, node.sumHessians - split.sumHessianLeft, ctx.l2) -
        gainOf(node.sumGradients, node.sumHessians, ctx.l2);
      if (!this.deferCredits) this.importances[split.feature] = (this.importances[split.feature] as number) + credit;
      this.credits.push(split.feature, credit);

      if (ctx.maxLeafNodes !== null && leafCount === ctx.maxLeafNodes) {
        finalize(leftChild);
        finalize(rightChild);
        for (const other of splittable) finalize(other);
        splittable.length = 0;
        if (node.histogram) this.release(node.histogram);
        break;
      }
      if (ctx.maxDepth !== null && depth === ctx.maxDepth) {
        finalize(leftChild);
        finalize(rightChild);
        if (node.histogram) this.release(node.histogram);
        continue;
      }
      const nLeft = cut - node.start;
      const nRight = node.stop - cut;
      if (nLeft < 2 * ctx.minSamplesLeaf) finalize(leftChild);
      if (nRight < 2 * ctx.minSamplesLeaf) finalize(rightChild);
      const splitLeft = !leftChild.leaf;
      const splitRight = !rightChild.leaf;
      if (splitLeft || splitRight) {
        const [small, large] = nLeft < nRight ? [leftChild, rightChild] : [rightChild, leftChild];
        const parent = node.histogram as Float64Array;
        const own = this.take();
        // The team builds the smaller child, subtracts it and searches both children in one command; or the caller does.
        const together = this.team?.split(
          own,
          parent,
          small.start,
          small.stop,
          offset,
          false,
          constantHessian,
          [small.leaf ? null : asSearched(small, own), large.leaf ? null : asSearched(large, parent)],
          this.found,
        );
        if (!together) {
          this.build(own, small.start, small.stop, g, h, offset, constantHessian, false);
          if (this.simd) this.simd.subtract(parent, own);
          else for (let b = 0; b < parent.length; b++) parent[b] = (parent[b] as number) - (own[b] as number);
        }
        small.histogram = own;
        large.histogram = parent;
        node.histogram = null;
        for (const child of [leftChild, rightChild]) {
          if (!child.leaf) {
            if (together) searched(child, this.splitAt(child, child === small ? 0 : 1));
            else search(child);
          } else if (child.histogram) {
            this.release(child.histogram);
            child.histogram = null;
          }
        }
      } else if (node.histogram) {
        this.release(node.histogram);
        node.histogram = null;
      }
    }

    for (const leaf of leaves) value[leaf.id] = leaf.value * ctx.shrinkage;
    // The leaves' rows tile the partition: in position order, the team adds them piece by piece.
    const ordered = leaves.slice().sort((a, b) => a.start - b.start);
    const added = this.team?.addLeaves(
      raw,
      stride,
      k,
      n,
      ordered.map((leaf) => leaf.start),
      ordered.map((leaf) => value[leaf.id] as number),
    );
    if (!added) {
      for (const leaf of leaves) {
        const v = value[leaf.id] as number;
        for (let p = leaf.start; p < leaf.stop; p++) {
          const at = (this.partition[p] as number) * stride + k;
          raw[at] = (raw[at] as number) + v;
        }
      }
    }
    return {
      feature: Int32Array.from(feature),
      threshold: Float64Array.from(feature, (f, id) => {
        if (f < 0) return 0;
        const bin = binThreshold[id] as number;
        // A split at the last bin of values sends every value left and missing values right.
        return bin === (ctx.nBinsNonMissing[f] as number) - 1 ? Infinity : ((ctx.thresholds[f] as Float64Array)[bin] as number);
      }),
      binThreshold: Uint8Array.from(binThreshold),
      missingLeft: Uint8Array.from(missingLeft),
      left: Int32Array.from(left),
      right: Int32Array.from(right),
      value: Float64Array.from(value),
    };
  }

  /**
   * The trees of one iteration, output k's grown on gradients g and h at k · rows (hessians ignored when constant)
   * and added to raw[i · outputs + k], as grow for k = 0 … outputs − 1 in turn does. With the team, its workers grow
   * outputs 1, 2, … on their own (one each) while the caller grows output 0 and then the ones left, each helped by the
   * workers once they are done with theirs: the same trees, credited to the importances in output order.
   */
  growIteration(g: Float32Array, h: Float32Array, constantHessian: boolean, raw: Float64Array, outputs: number): BoostedTree[] {
    const n = this.ctx.rows;
    const given = outputs > 1 ? (this.team?.startGrowing(1, outputs - 1, constantHessian) ?? 0) : 0;
    if (given === 0) return Array.from({ length: outputs }, (_, k) => this.grow(g, h, k * n, constantHessian, raw, outputs, k));
    // The caller's trees credit the importances after the workers' trees before them, in output order.
    const own = new Map<number, { tree: BoostedTree; credits: readonly number[] }>();
    this.deferCredits = true;
    try {
      // Outputs 1 … given are the workers'.
      for (let k = 0; k < outputs; k = k === 0 ? given + 1 : k + 1) {
        own.set(k, { tree: this.grow(g, h, k * n, constantHessian, raw, outputs, k), credits: this.credits });
      }
    } finally {
      this.deferCredits = false;
    }
    const theirs = (this.team as HistogramTeam).finishGrowing();
    const trees: BoostedTree[] = [];
    for (let k = 0; k < outputs; k++) {
      const grown = own.get(k) ?? (theirs[k - 1] as GrownTree);
      trees.push(grown.tree);
      for (let c = 0; c < grown.credits.length; c += 2) {
        const f = grown.credits[c] as number;
        this.importances[f] = (this.importances[f] as number) + (grown.credits[c + 1] as number);
      }
    }
    return trees;
  }

  /**
   * Adds an iteration's trees (tree k to output k) to the early-stopping rows' raw predictions and gives their loss,
   * on every thread; undefined (nothing done) without the team or ctx.validation: the caller then does both alone.
   */
  scoreValidation(trees: readonly BoostedTree[]): number | undefined {
    return this.team?.validate(trees);
  }

  /** The last tree grown and its importance credits (what a worker growing alone gives back). */
  get lastCredits(): readonly number[] {
    return this.credits;
  }

  /**
   * loss.lossAndGradients(y, raw, weights, g, h), on every thread once the team is up (it was made with
   * ctx.rowsLoss, these very arrays, and the g and h of the first grow); the same numbers either way.
   */
  lossAndGradients(loss: BoostingLoss, y: Float64Array, raw: Float64Array, weights: Float64Array | undefined, g: Float32Array, h: Float32Array): number {
    return this.team?.lossAndGradients() ?? loss.lossAndGradients(y, raw, weights, g, h);
  }

  /** True once the histogram workers (started by the first grow when jobs > 1) take commands. */
  get teamStarted(): boolean {
    return this.team?.started ?? false;
  }

  /** Stops the histogram workers, if any (call once the fit is over, also when it failed). */
  async close(): Promise<void> {
    const team = this.team;
    this.team = null;
    if (team) await team.close();
    // Workers launched for a team never made (no tree grown).
    else await this.ctx.launch?.close();
  }

  /** What the team's workers need to grow whole trees (growIteration), when the trees are bounded and an iteration has several. */
  private growth(): TreeGrowth | undefined {
    const { ctx } = this;
    if ((ctx.outputs ?? 1) < 2 || ctx.maxLeafNodes === null || !ctx.rowsLoss) return undefined;
    return {
      nBins: ctx.nBins,
      missingBin: ctx.missingBin,
      nBinsNonMissing: ctx.nBinsNonMissing,
      hasMissing: ctx.hasMissing,
      maxLeafNodes: ctx.maxLeafNodes,
      maxDepth: ctx.maxDepth,
      minSamplesLeaf: ctx.minSamplesLeaf,
      l2: ctx.l2,
      shrinkage: ctx.shrinkage,
      thresholds: ctx.thresholds,
      outputs: ctx.outputs as number,
    };
  }

  /** A histogram from the pool, not zeroed (whoever builds it zeroes what it builds). */
  private take(): Float64Array {
    return this.pool.pop() ?? new Float64Array(this.histogramSize);
  }

  private release(histogram: Float64Array): void {
    this.pool.push(histogram);
  }

  /** Fills `histogram` with the rows at partition[start..stop) (all rows, in order, when `all`); hessians counted as 1 when constant. */
  private build(
    histogram: Float64Array,
    start: number,
    stop: number,
    g: Float32Array,
    h: Float32Array,
    offset: number,
    constantHessian: boolean,
    all: boolean,
  ): void {
    if (this.team?.build(histogram, start, stop, offset, all, constantHessian)) return;
    histogram.fill(0);
    if (this.simd) {
      this.simd.build(histogram, !all, start, stop, !constantHessian, all ? this.rootCounts : null);
      return;
    }
    const hessians = constantHessian ? null : h;
    buildHistogram(histogram, this.data, 0, this.ctx.features, all ? null : this.partition, start, stop, g, hessians, offset, all ? this.rootCounts : null);
  }

  /** The split found for `node` at found[s · SPLIT_FIELDS]. */
  private splitAt(node: GrowNode, s: number): SplitInfo {
    const { found } = this;
    const at = s * SPLIT_FIELDS;
    const sumGradientLeft = found[at + GRADIENT_LEFT] as number;
    const sumHessianLeft = found[at + HESSIAN_LEFT] as number;
    const { l2 } = this.ctx;
    return {
      gain: found[at + GAIN] as number,
      feature: found[at + FEATURE] as number,
      bin: found[at + BIN] as number,
      missingLeft: found[at + MISSING_LEFT] === 1,
      sumGradientLeft,
      sumHessianLeft,
      countLeft: found[at + COUNT_LEFT] as number,
      valueLeft: nodeValue(sumGradientLeft, sumHessianLeft, l2),
      valueRight: nodeValue(node.sumGradients - sumGradientLeft, node.sumHessians - sumHessianLeft, l2),
    };
  }

  /** sklearn's find_node_split: the best split over every feature (split.ts). */
  private findSplit(node: GrowNode, constantHessian: boolean): SplitInfo {
    // Constant hessians: the count is the hessian sum, kept in the hessian slot.
    const countAt = constantHessian ? 1 : 2;
    const n = node.stop - node.start;
    const histogram = node.histogram as Float64Array;
    scanSplits(
      histogram,
      0,
      this.ctx.features,
      this.splitParams,
      n,
      node.sumGradients,
      node.sumHessians,
      node.value,
      countAt,
      this.found,
      0,
      this.simd?.holds(histogram) ? { scan: this.simd.scan, offset: histogram.byteOffset } : undefined,
    );
    return this.splitAt(node, 0);
  }

  /** Splits partition[start..stop) stably into the rows going left, then right; returns where the right ones start. */
  private splitRows(node: GrowNode, split: SplitInfo): number {
    const { missingBin, rows, nBins } = this.ctx;
    const { partition, rightBuffer, columns, goesLeft } = this;
    for (let b = 0; b < nBins; b++) goesLeft[b] = (split.missingLeft && b === missingBin) || b <= split.bin ? 1 : 0;
    const together = this.team?.partition(node.start, node.stop, split.feature, goesLeft) ?? -1;
    if (together >= 0) return together;
    if (this.simd && columns === this.simd.columns) return this.simd.partitionRows(split.feature, node.start, node.stop, goesLeft);
    // A feature's bins: its column (column-major copy), or every features-th byte of the row-major bins.
    const [bins, first, step] = columns ? [columns, split.feature * rows, 1] : [this.data.bins, split.feature, this.ctx.features];
    // Without branches (a row goes either way at random): each row is written to both sides and
    // counts on one. The rows going left stay in place, packed from the start.
    let left = node.start;
    let nr = 0;
    for (let p = node.start; p < node.stop; p++) {
      const i = partition[p] as number;
      const l = goesLeft[bins[first + i * step] as number] as number;
      partition[left] = i;
      rightBuffer[nr] = i;
      left += l;
      nr += 1 - l;
    }
    partition.set(rightBuffer.subarray(0, nr), left);
    return left;
  }
}

/** G² / (H + λ): twice the loss reduction of a node's Newton step; splits are credited with its change. */
function gainOf(sumGradient: number, sumHessian: number, l2: number): number {
  return (sumGradient * sumGradient) / (sumHessian + l2);
}

/**
 * A team worker's own grower (one thread, its own kernel memory with a copy of the team's bins): grows output k's
 * tree on the shared gradients, adds its leaves to the shared raw predictions, and gives the tree and its credits.
 */
export function growerAlone(input: HistogramWorkerInput): GrowAlone {
  const { data, g, h } = input;
  const growth = input.trees?.growth;
  const raw = input.rowsLoss?.raw;
  if (!growth || !raw) throw new Error('a histogram worker was asked to grow a tree without its settings');
  const grower = new TreeGrower({ ...growth, rows: data.rows, features: data.features, data, jobs: 1 });
  return (k, constantHessian) => {
    const tree = grower.grow(g, h, k * data.rows, constantHessian, raw, growth.outputs, k);
    return { tree, credits: grower.lastCredits };
  };
}
