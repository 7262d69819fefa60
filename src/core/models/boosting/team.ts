/**
 * Histogram building on worker threads (`n_jobs` of gradient_boosting): the features are split in
 * contiguous ranges, the calling thread takes the first and each pool worker one more. The workers
 * stay for the whole fit and read everything from shared memory (bins, gradients, the row
 * partition); a node's build is one command written to a shared control block and woken with
 * Atomics, so it costs microseconds rather than a message round trip. Each bin's sum is made by one
 * thread in partition order, so the histograms, and the trees, are those of one thread. Where
 * WebAssembly SIMD is there, every thread runs its kernel on one shared kernel memory
 * (histogramSimd.ts), building straight into the grower's histogram; a split's command (split) then
 * does all of the node's per-feature work in one wake: each chunk of features is built for the
 * smaller child, subtracted from the parent (the larger child) and searched for both children's
 * best splits (split.ts), and the caller keeps the first best of the chunks in feature order.
 */
import { BroadcastChannel } from 'node:worker_threads';
import { runTasks } from '../../parallel/pool';
import { CancelledError, MlError } from '../../types';
import { buildHistogram, type BinnedRows } from './histogram';
import { FEATURES_PER_PASS, HistogramMemory, type KernelLayout } from './histogramSimd';
import { lossFor, sumTerms, type BoostingLoss } from './losses';
import { firstBest, scanSplits, SPLIT_FIELDS, type SplitParams } from './split';
import { addTreeOutputBinned, grownTreeSize, readGrownTree, writeGrownTree, type BoostedTree, type GrownTree } from './tree';

/** Control block slots (Int32). */
const GENERATION = 0;
/** The next chunk to claim, tagged with its command's generation: (generation << 16) | chunk. */
const CLAIM = 1;
const COMPLETED = 2;
const START = 3;
const STOP = 4;
const OFFSET = 5;
const FLAGS = 6;
const READY = 7;
/** The byte offset of the histogram to build in kernel memory (WebAssembly only). */
const TARGET = 8;
/** The byte offset of the parent histogram to subtract the built one from (FLAG_SUBTRACT). */
const PARENT = 9;
/** Chunks of the command: of features, or of rows for a partition. */
const CHUNKS = 10;
/** A partition's bins of the split feature: bins[FIRST + row · STEP] (of the column copy when there is one). */
const FIRST = 11;
const STEP = 12;
/** Launched workers listening for their input (launchTeam). */
const LISTENING = 14;
/** Checks of the command slot a worker makes before it sleeps (teamTuning.workerSpin); the caller sets 0 while it backs off (a busy machine). */
const SPIN = 13;
/**
 * Trees the workers grow on their own (startGrowing), beside the commands: a request's sequence number, its first
 * output, how many trees, whether the hessians are constant (1), the next tree to take and how many are grown.
 */
const GROW_SEQUENCE = 15;
const GROW_FIRST = 16;
const GROW_TREES = 17;
const GROW_CONSTANT = 18;
const GROW_CLAIM = 19;
const GROWN = 20;
const CONTROL_SLOTS = 21;

const FLAG_ROOT = 1;
const FLAG_CONSTANT_HESSIAN = 2;
const FLAG_QUIT = 4;
/** parent −= built histogram, chunk by chunk. */
const FLAG_SUBTRACT = 8;
/** Search node s (0, 1) of the node block for its best split: FLAG_SEARCH << s. */
const FLAG_SEARCH = 16;
/** Split rows start..stop of the partition by goesLeft, piece by piece (partition). */
const FLAG_PARTITION = 64;
/** The loss terms and gradients of rows start..stop, piece by piece (lossAndGradients). */
const FLAG_LOSS = 128;
/** Add each leaf's value to the raw predictions of its rows at partition positions start..stop, piece by piece (addLeaves). */
const FLAG_LEAVES = 256;
/** Add the iteration's trees (OFFSET of them) to the early-stopping rows' raw predictions and their loss terms, piece by piece (validate). */
const FLAG_VALIDATE = 1024;
/** A partition into more pieces than this is not worth its copies. */
const MAX_PIECES = 64;

/** A searched node in the node block (Float64): histogram byte offset, n, sumG, sumH, value. */
const NODE_FIELDS = 5;

/** A build waits this long for the workers before it gives up (a worker that died cannot say so while we wait). */
const WAIT_LIMIT_MS = 120_000;

/**
 * A command of less work than this is done by the calling thread alone (waking the workers costs more): a node's
 * row × feature cells to build, and for a split's command SEARCH_WEIGHT per histogram bin it scans.
 */
export const PARALLEL_MIN_CELLS = 50_000;

/** A bin scanned for the best split costs about this many cells built (split.ts's gain per bin against the kernel's add). */
const SEARCH_WEIGHT = 4;

/**
 * Backing off on a busy machine: when the caller waits for a worker longer than it worked itself (and
 * over STALL_MS), a worker was descheduled mid-chunk; the caller then works alone for the next
 * `backoff` requests, doubling from MIN_BACKOFF to MAX_BACKOFF while stalls recur, and forgetting them
 * after CLEAN_COMMANDS commands without one. The results are the same either way. Tests switch it off.
 */
export const teamTuning = {
  backoff: true,
  /**
   * Checks of the command slot a worker makes after a command before it sleeps (about a millisecond; 0: it
   * sleeps at once, as before). Read by the caller when the team starts and passed on to its workers.
   */
  workerSpin: 200_000,
};
const STALL_MS = 0.25;
const MIN_BACKOFF = 16;
const MAX_BACKOFF = 4096;
const CLEAN_COMMANDS = 64;
/**
 * Commands at the start of a fit whose waits are not stalls: the workers' code is still being compiled (their first
 * chunks take several times their later ones), which backing off would only prolong.
 */
const WARM_UP_COMMANDS = 2_000;

/** Most leaves addLeaves takes (a tree grown to more is added by the caller). */
const MAX_LEAVES = 4096;

/** Fewer early-stopping rows than this are scored by the calling thread alone (each costs a tree walk per output and its loss). */
const VALIDATE_MIN_ROWS = 4_096;

/** A node with fewer rows than this is partitioned by the calling thread alone. */
export const PARALLEL_MIN_ROWS = 16_384;

/** Checks of the completed count before the caller sleeps (about a millisecond). */
const SPIN_LIMIT = 200_000;

/** Pieces of rows per thread (partition, loss, leaves): small enough that a thread the OS preempts holds up little. */
const CHUNKS_PER_THREAD = 4;

/** Most features a chunk of a histogram command takes (built in passes of FEATURES_PER_PASS). */
const CHUNK_FEATURES = 32;

/**
 * Features a chunk of a histogram command: the features split evenly between the threads, in as few chunks as keep
 * each at most CHUNK_FEATURES (one chunk a thread on 50 features and two threads: each chunk's node rows and
 * gradients are read once, and no thread waits for another's extra chunk).
 */
export function featuresPerChunk(features: number, threads: number): number {
  const rounds = Math.max(1, Math.ceil(features / (threads * CHUNK_FEATURES)));
  return Math.max(1, Math.ceil(features / (threads * rounds)));
}

/** What a worker of the team is given once: shared views of the fit's arrays. */
export interface HistogramWorkerInput {
  readonly control: Int32Array;
  readonly data: BinnedRows;
  readonly g: Float32Array;
  readonly h: Float32Array;
  readonly partition: Int32Array;
  readonly counts: Float64Array;
  readonly scratch: Float64Array;
  /** Features per chunk. */
  readonly chunk: number;
  /** The shared kernel memory, when the threads run the WebAssembly kernel (bins, partition and gradients are read there). */
  readonly kernels?: { readonly memory: WebAssembly.Memory; readonly layout: KernelLayout };
  /** The split search's parameters, when the team searches splits (with the kernels). */
  readonly split?: SplitParams;
  /** The nodes to search of a command (NODE_FIELDS each, two). */
  readonly nodes: Float64Array;
  /** Per chunk and searched node, the chunk's best split (SPLIT_FIELDS each): found[(chunk · 2 + s) · SPLIT_FIELDS]. */
  readonly found: Float64Array;
  /** For partitions (with `rowsSplit`): per bin 1 when the split sends it left, and each piece's rows going left and right. */
  readonly rowsSplit?: {
    readonly columns: Uint8Array | null;
    readonly goesLeft: Uint8Array;
    readonly left: Int32Array;
    readonly right: Int32Array;
    /** Per piece, how many of its rows go left. */
    readonly lefts: Int32Array;
    /**
     * True when `columns` and `right` are the kernel memory's: a piece is then split by the WebAssembly loop, its left
     * rows packed in place in the partition (not in `left`) and its right rows in `right`.
     */
    readonly inKernel: boolean;
  };
  /** For lossAndGradients: the loss (lossFor's arguments) and the fit's rows, all shared. */
  readonly rowsLoss?: RowsLoss;
  /** For addLeaves (with `rowsLoss`): the leaves' first partition positions, in order, and their values. */
  readonly leaves?: { readonly starts: Int32Array; readonly values: Float64Array };
  /** For startGrowing (with `rowsLoss`): how to grow a tree alone, and where each worker writes its tree (`size` numbers apart). */
  readonly trees?: { readonly growth: TreeGrowth; readonly block: Float64Array; readonly size: number };
  /** For validate (with `rowsLoss`): the early-stopping rows and where the iteration's trees are written (`size` numbers apart). */
  readonly validation?: TeamValidation & { readonly block: Float64Array; readonly size: number };
}

/** The early-stopping rows a team scores after each iteration (validate), all in shared memory. */
export interface TeamValidation {
  /** Row-major bins of the rows, `cols` a row; `missingBin` is the bin of NaN. */
  readonly binned: Uint8Array;
  readonly cols: number;
  readonly missingBin: number;
  readonly y: Float64Array;
  readonly weights: Float64Array | undefined;
  /** Their raw predictions (rows × outputs), the trees added in place. */
  readonly raw: Float64Array;
  /** Their loss terms (written by validate). */
  readonly terms: Float64Array;
  /** Most leaves a tree has (the size of a written tree). */
  readonly maxLeafNodes: number;
  readonly outputs: number;
}

/**
 * What a worker needs to grow whole trees on its own (startGrowing): the grower's settings besides the rows (the team's
 * bins) and the tree's count of outputs (trees an iteration; tree k reads gradients k · rows … and adds to raw output k).
 */
export interface TreeGrowth {
  readonly nBins: number;
  readonly missingBin: number;
  readonly nBinsNonMissing: Int32Array;
  readonly hasMissing: Uint8Array;
  readonly maxLeafNodes: number;
  readonly maxDepth: number | null;
  readonly minSamplesLeaf: number;
  readonly l2: number;
  readonly shrinkage: number;
  readonly thresholds: readonly Float64Array[];
  readonly outputs: number;
}

/** A worker's own tree grower: grows output k's tree (hessians constant or not) and gives it with its credits. */
export type GrowAlone = (k: number, constantHessian: boolean) => GrownTree;

/** What the team's lossAndGradients reads: lossFor(classes, weighted) over y, the raw predictions and the weights; terms is written. */
export interface RowsLoss {
  readonly classes: number | undefined;
  readonly weighted: boolean;
  readonly y: Float64Array;
  readonly raw: Float64Array;
  readonly weights: Float64Array | undefined;
  readonly terms: Float64Array;
}

/**
 * A partition's piece k of `pieces` of the rows partition[start..stop): its rows going left to left[a …]
 * and those going right to right[a …] (a the piece's first position), in partition order; lefts[k] their count.
 */
function splitPiece(
  input: HistogramWorkerInput,
  kernels: HistogramMemory | undefined,
  k: number,
  pieces: number,
  start: number,
  stop: number,
  first: number,
  step: number,
): void {
  const { partition } = input;
  const { columns, goesLeft, left, right, lefts, inKernel } = input.rowsSplit as NonNullable<HistogramWorkerInput['rowsSplit']>;
  const bins = columns ?? input.data.bins;
  const size = Math.ceil((stop - start) / pieces);
  const a = Math.min(stop, start + k * size);
  const b = Math.min(stop, a + size);
  if (kernels && inKernel) {
    lefts[k] = kernels.partitionPiece(first, a, b) - a;
    return;
  }
  let l = a;
  let r = a;
  for (let p = a; p < b; p++) {
    const i = partition[p] as number;
    const goes = goesLeft[bins[first + i * step] as number] as number;
    left[l] = i;
    right[r] = i;
    l += goes;
    r += 1 - goes;
  }
  lefts[k] = l - a;
}

/**
 * Piece k of `pieces` of the partition positions start..stop: each row's leaf value added to its raw
 * prediction raw[row · stride + output]; the leaves (`count` of them) start at leaves.starts[…], in order.
 */
function leavesPiece(input: HistogramWorkerInput, k: number, pieces: number, start: number, stop: number, count: number, stride: number, output: number): void {
  const { partition } = input;
  const { starts, values } = input.leaves as NonNullable<HistogramWorkerInput['leaves']>;
  const raw = (input.rowsLoss as RowsLoss).raw;
  const size = Math.ceil((stop - start) / pieces);
  const a = Math.min(stop, start + k * size);
  const b = Math.min(stop, a + size);
  let leaf = 0;
  while (leaf + 1 < count && (starts[leaf + 1] as number) <= a) leaf++;
  for (let p = a; p < b;) {
    const end = Math.min(b, leaf + 1 < count ? (starts[leaf + 1] as number) : stop);
    const v = values[leaf] as number;
    for (; p < end; p++) {
      const at = (partition[p] as number) * stride + output;
      raw[at] = (raw[at] as number) + v;
    }
    leaf++;
  }
}

/**
 * Piece k of `pieces` of the early-stopping rows: the `count` trees written in the validation block added to their raw
 * predictions (tree t to output t), then their loss terms, as addTreeOutputBinned and the loss's terms.
 */
function validatePiece(input: HistogramWorkerInput, k: number, pieces: number, count: number, loss: BoostingLoss): void {
  const validation = input.validation as NonNullable<HistogramWorkerInput['validation']>;
  const { binned, cols, missingBin, y, weights, raw, terms, block, size, outputs } = validation;
  const rows = y.length;
  const piece = Math.ceil(rows / pieces);
  const a = Math.min(rows, k * piece);
  const b = Math.min(rows, a + piece);
  for (let t = 0; t < count; t++) addTreeOutputBinned(readGrownTree(block, t * size).tree, binned, cols, missingBin, raw, outputs, t, a, b);
  loss.terms(y, raw, weights, a, b, terms);
}

/**
 * Claims chunks of features for the command of `generation` until none is left (or a newer command
 * replaced it, so the parameters read may be stale) and builds each: its features of the scratch
 * histogram zeroed and summed. Which thread builds a chunk does not change its sums.
 */
function buildChunks(input: HistogramWorkerInput, generation: number, kernels: HistogramMemory | undefined, loss: BoostingLoss | undefined): void {
  const { control, data, chunk } = input;
  const flags = Atomics.load(control, FLAGS);
  const partitioning = (flags & (FLAG_PARTITION | FLAG_LOSS | FLAG_LEAVES | FLAG_VALIDATE)) !== 0;
  const scratch = kernels && !partitioning ? kernels.view(Atomics.load(control, TARGET) >>> 0) : input.scratch;
  const root = (flags & FLAG_ROOT) !== 0;
  const start = Atomics.load(control, START);
  const stop = Atomics.load(control, STOP);
  const offset = Atomics.load(control, OFFSET);
  const chunks = Atomics.load(control, CHUNKS);
  const first = Atomics.load(control, FIRST);
  const step = Atomics.load(control, STEP);
  const tag = (generation & 0x7fff) << 16;
  for (;;) {
    const claim = Atomics.load(control, CLAIM);
    if ((claim & ~0xffff) !== tag) return;
    const k = claim & 0xffff;
    if (k >= chunks) return;
    if (Atomics.compareExchange(control, CLAIM, claim, claim + 1) !== claim) continue;
    if (partitioning) {
      if ((flags & FLAG_VALIDATE) !== 0) validatePiece(input, k, chunks, offset, loss as BoostingLoss);
      else if ((flags & FLAG_LEAVES) !== 0) leavesPiece(input, k, chunks, start, stop, offset, first, step);
      else if ((flags & FLAG_LOSS) !== 0) {
        const rows = input.rowsLoss as RowsLoss;
        const size = Math.ceil((stop - start) / chunks);
        const a = Math.min(stop, start + k * size);
        (loss as BoostingLoss).termsAndGradients(rows.y, rows.raw, rows.weights, input.g, input.h, a, Math.min(stop, a + size), rows.terms);
      } else splitPiece(input, kernels, k, chunks, start, stop, first, step);
      if (Atomics.add(control, COMPLETED, 1) + 1 === chunks) Atomics.notify(control, COMPLETED);
      continue;
    }
    const from = k * chunk;
    const to = Math.min(from + chunk, data.features);
    scratch.fill(0, from * data.nBins * 3, to * data.nBins * 3);
    const constant = (flags & FLAG_CONSTANT_HESSIAN) !== 0;
    if (kernels) {
      for (let pass = from; pass < to; pass += FEATURES_PER_PASS) {
        kernels.buildFeatures(scratch, pass, Math.min(to, pass + FEATURES_PER_PASS), !root, start, stop, !constant, root ? input.counts : null);
      }
      if ((flags & FLAG_SUBTRACT) !== 0)
        kernels.subtractSlots(Atomics.load(control, PARENT) >>> 0, scratch.byteOffset, from * data.nBins * 3, to * data.nBins * 3);
      if (input.split) {
        for (let s = 0; s < 2; s++) {
          if ((flags & (FLAG_SEARCH << s)) === 0) continue;
          const { nodes } = input;
          const at = s * NODE_FIELDS;
          const histogram = kernels.view(nodes[at] as number);
          const n = nodes[at + 1] as number;
          scanSplits(
            histogram,
            from,
            to,
            input.split,
            n,
            nodes[at + 2] as number,
            nodes[at + 3] as number,
            nodes[at + 4] as number,
            constant ? 1 : 2,
            input.found,
            (k * 2 + s) * SPLIT_FIELDS,
            { scan: kernels.scan, offset: histogram.byteOffset },
          );
        }
      }
    } else
      buildHistogram(
        scratch,
        data,
        from,
        to,
        root ? null : input.partition,
        start,
        stop,
        input.g,
        constant ? null : input.h,
        offset,
        root ? input.counts : null,
      );
    if (Atomics.add(control, COMPLETED, 1) + 1 === chunks) Atomics.notify(control, COMPLETED);
  }
}

/** What a worker started ahead of its team is given (launchTeam): the control block and the channel its input comes on. */
export interface LaunchedWorkerInput {
  readonly control: Int32Array;
  readonly channel: string;
}

/** Makes a worker's own grower for startGrowing (grower.ts's growerAlone; given by the pool task, as grower.ts imports this module). */
export type MakeGrower = (input: HistogramWorkerInput) => GrowAlone;

/**
 * The pool task of one team worker: helps with each command until told to quit; returns the commands it woke for.
 * A launched worker first waits for its input on its BroadcastChannel.
 */
export function histogramWorker(input: HistogramWorkerInput | LaunchedWorkerInput, makeGrower?: MakeGrower): number | Promise<number> {
  if (!('channel' in input)) return teamWorker(input, makeGrower);
  const launched = input;
  return new Promise<HistogramWorkerInput>((resolve) => {
    const channel = new BroadcastChannel(launched.channel);
    channel.onmessage = (event: unknown): void => {
      void channel.close();
      resolve((event as { data: HistogramWorkerInput }).data);
    };
    Atomics.add(launched.control, LISTENING, 1);
  }).then((given) => teamWorker(given, makeGrower));
}

function teamWorker(input: HistogramWorkerInput, makeGrower: MakeGrower | undefined): number {
  const { control } = input;
  const kernels = input.kernels ? HistogramMemory.attach(input.kernels.memory, input.data, input.kernels.layout) : undefined;
  const loss = input.rowsLoss ? lossFor(input.rowsLoss.classes, input.rowsLoss.weighted) : undefined;
  // The worker's own grower for whole trees, made before the worker says it is ready (its copies of the bins take
  // tens of milliseconds; meanwhile the caller works alone).
  let alone = input.trees && makeGrower ? makeGrower(input) : undefined;
  const growAlone = (): GrowAlone => {
    if (!makeGrower) throw new Error('a histogram worker was asked to grow a tree without a grower');
    alone ??= makeGrower(input);
    return alone;
  };
  let generation = Atomics.load(control, GENERATION);
  let growSequence = Atomics.load(control, GROW_SEQUENCE);
  Atomics.add(control, READY, 1);
  let wakes = 0;
  for (;;) {
    // Spin a while before sleeping: the next command mostly comes within microseconds (the caller's
    // serial work between two nodes), and a sleeping worker wakes tens to hundreds of microseconds
    // after its notify (on a virtual machine, its idle processor must be scheduled again).
    const spins = Atomics.load(control, SPIN);
    for (let spin = 0; spin < spins && Atomics.load(control, GENERATION) === generation; spin++);
    Atomics.wait(control, GENERATION, generation);
    if ((Atomics.load(control, FLAGS) & FLAG_QUIT) !== 0) return wakes;
    // The generation first, then the grow requests: startGrowing counts its request before it issues its wake-up, so a
    // worker that has seen the wake-up sees the request too. Read the other way round, or not again after growing a tree
    // (the next request may come meanwhile, its wake-up then taken with the generation), a request would wait for a
    // wake-up the worker has already had.
    generation = Atomics.load(control, GENERATION);
    for (let sequence = Atomics.load(control, GROW_SEQUENCE); sequence !== growSequence; sequence = Atomics.load(control, GROW_SEQUENCE)) {
      // A tree of its own first, then whatever command is on by then.
      growSequence = sequence;
      growOwnTree(input, growAlone);
      generation = Atomics.load(control, GENERATION);
    }
    buildChunks(input, generation, kernels, loss);
    wakes++;
  }
}

/** Takes the next tree of the caller's startGrowing request, if one is left, and grows it into the trees block. */
function growOwnTree(input: HistogramWorkerInput, growAlone: () => GrowAlone): void {
  const { control } = input;
  const k = Atomics.add(control, GROW_CLAIM, 1);
  if (k >= Atomics.load(control, GROW_TREES)) return;
  const trees = input.trees as NonNullable<HistogramWorkerInput['trees']>;
  const first = Atomics.load(control, GROW_FIRST);
  writeGrownTree(growAlone()(first + k, Atomics.load(control, GROW_CONSTANT) === 1), trees.block, k * trees.size);
  Atomics.add(control, GROWN, 1);
  Atomics.notify(control, GROWN);
}

/** The early-stopping rows with the block the caller writes an iteration's trees in (validate). */
function validationBlock(validation: TeamValidation): NonNullable<HistogramWorkerInput['validation']> {
  const size = grownTreeSize(validation.maxLeafNodes);
  return { ...validation, block: new Float64Array(new SharedArrayBuffer(validation.outputs * size * 8)), size };
}

/** The block where `workers` workers write the trees they grow (startGrowing). */
function grownTrees(growth: TreeGrowth, workers: number): NonNullable<HistogramWorkerInput['trees']> {
  const size = grownTreeSize(growth.maxLeafNodes);
  return { growth, block: new Float64Array(new SharedArrayBuffer(Math.max(1, workers) * size * 8)), size };
}

function sharedArray<T extends Float32Array | Float64Array | Int32Array | Uint8Array>(
  Type: new (buffer: SharedArrayBuffer) => T,
  length: number,
  bytes: number,
): T {
  return new Type(new SharedArrayBuffer(length * bytes));
}

/** Shared-memory copies of what the team reads; the grower writes the partition and gradients into them. */
export function sharedBins(data: BinnedRows): BinnedRows {
  return data.bins.buffer instanceof SharedArrayBuffer ? data : { ...data, bins: sharedBytes(data.bins) };
}

/** A copy of `bytes` in shared memory (the bytes themselves when they are shared already). */
export function sharedBytes(bytes: Uint8Array): Uint8Array {
  if (bytes.buffer instanceof SharedArrayBuffer) return bytes;
  const copy = sharedArray(Uint8Array, bytes.length, 1);
  copy.set(bytes);
  return copy;
}

export function sharedInt32(length: number): Int32Array {
  return sharedArray(Int32Array, length, 4);
}

export function sharedFloat32(length: number): Float32Array {
  return sharedArray(Float32Array, length, 4);
}

/** A node whose best split a command searches: its histogram (in kernel memory), row count, sums and value. */
export interface SearchedNode {
  readonly histogram: Float64Array;
  readonly n: number;
  readonly sumGradients: number;
  readonly sumHessians: number;
  readonly value: number;
}

let launches = 0;

/**
 * A team's workers started before the fit's data are ready (the binning), so their start (loading modules, long
 * under tsx) overlaps it: they wait for their input, which the HistogramTeam made with this launch sends them.
 */
export class TeamLaunch {
  readonly control = sharedInt32(CONTROL_SLOTS);
  readonly channel = `mlwb-boosting-team-${process.pid}-${++launches}`;
  readonly abort = new AbortController();
  readonly finished: Promise<unknown>;

  constructor(readonly workers: number) {
    const inputs = Array.from({ length: workers }, () => ({ control: this.control, channel: this.channel }));
    this.finished = runTasks<LaunchedWorkerInput, number>('boosting.histograms', inputs, { jobs: workers, signal: this.abort.signal }).catch(
      (error: unknown) => error,
    );
  }

  /** Stops the workers unless a team took them over (then the team's close stops them); safe to call more than once. */
  async close(): Promise<void> {
    if (Atomics.load(this.control, READY) < this.workers) this.abort.abort();
    const outcome = await this.finished;
    if (outcome instanceof Error && !(outcome instanceof CancelledError)) throw outcome;
  }
}

/** The workers of a team for `jobs` threads and `features` features, started now (undefined: the team would have none). */
export function launchTeam(jobs: number, features: number): TeamLaunch | undefined {
  const workers = teamWorkers(jobs, features);
  return workers > 0 ? new TeamLaunch(workers) : undefined;
}

function teamWorkers(jobs: number, features: number): number {
  return Math.max(0, Math.min(jobs, features) - 1);
}

/** The calling thread and `jobs − 1` pool workers building histograms together. */
export class HistogramTeam {
  private readonly control: Int32Array;
  /** A launch's channel, until its workers have their input. */
  private channel: BroadcastChannel | null = null;
  private readonly launched: boolean;
  /** A launch's channel name, until the input is sent on it. */
  private launchChannel: string | null;
  private readonly input: HistogramWorkerInput;
  private readonly workers: number;
  private readonly chunks: number;
  private readonly loss: BoostingLoss | undefined;
  /** Requests (build, split, partition, loss) so far, the one from which the team is used again, the current backoff, clean commands since the last stall. */
  private requests = 0;
  private resumeAt = 0;
  private backoff = 0;
  private clean = 0;
  private generation = 0;
  /** Commands run on the team so far (past the warm-up, a long wait is a stall). */
  private commands = 0;
  /** Trees the workers grow on their own (startGrowing) until finishGrowing collects them. */
  private growing = 0;
  /** What the workers spin for commands before sleeping (teamTuning.workerSpin at the start) while the team is not backing off. */
  private readonly spin: number;
  private readonly abort: AbortController;
  private readonly finished: Promise<unknown>;

  /**
   * Starts the workers; g, h, partition, counts and data.bins must be in shared memory. With `kernels`
   * (shared kernel memory holding the bins, the partition and the gradients loaded for each tree) the
   * threads run the WebAssembly kernel.
   */
  constructor(
    jobs: number,
    data: BinnedRows,
    g: Float32Array,
    h: Float32Array,
    partition: Int32Array,
    counts: Float64Array,
    private readonly kernels?: HistogramMemory,
    split?: SplitParams,
    /** For partitions: the column-major bins copy (null: the row-major bins), and where the pieces go; all shared. */
    rowsSplit?: { readonly columns: Uint8Array | null; readonly left: Int32Array; readonly right: Int32Array },
    rowsLoss?: RowsLoss,
    /** Workers started ahead (launchTeam(jobs, features)): they get this team's input instead of new workers starting. */
    launch?: TeamLaunch,
    /** For startGrowing (with rowsLoss): how the workers grow whole trees. */
    growth?: TreeGrowth,
    /** For validate (with rowsLoss): the early-stopping rows. */
    validation?: TeamValidation,
  ) {
    const workers = teamWorkers(jobs, data.features);
    this.launched = launch !== undefined && launch.workers === workers;
    this.control = this.launched ? (launch as TeamLaunch).control : sharedInt32(CONTROL_SLOTS);
    this.launchChannel = this.launched ? (launch as TeamLaunch).channel : null;
    const chunk = featuresPerChunk(data.features, workers + 1);
    const inKernel = rowsSplit !== undefined && kernels !== undefined && rowsSplit.columns === kernels.columns && rowsSplit.right === kernels.right;
    if (rowsSplit && !inKernel && rowsSplit.left.length < data.rows)
      throw new Error('a team partitioning outside kernel memory needs a buffer for the left rows');
    const scratch = kernels ? kernels.scratch : new Float64Array(new SharedArrayBuffer(data.features * data.nBins * 3 * 8));
    const chunks = Math.ceil(data.features / chunk);
    this.input = {
      control: this.control,
      data,
      g,
      h,
      partition,
      counts,
      scratch,
      chunk,
      ...(kernels ? { kernels: { memory: kernels.memory, layout: kernels.layout } } : {}),
      ...(kernels && split ? { split } : {}),
      nodes: new Float64Array(new SharedArrayBuffer(2 * NODE_FIELDS * 8)),
      found: new Float64Array(new SharedArrayBuffer(chunks * 2 * SPLIT_FIELDS * 8)),
      ...(rowsSplit
        ? {
            rowsSplit: {
              ...rowsSplit,
              goesLeft: new Uint8Array(new SharedArrayBuffer(data.nBins)),
              lefts: sharedInt32(MAX_PIECES),
              inKernel,
            },
          }
        : {}),
      ...(rowsLoss ? { rowsLoss, leaves: { starts: sharedInt32(MAX_LEAVES), values: new Float64Array(new SharedArrayBuffer(MAX_LEAVES * 8)) } } : {}),
      ...(rowsLoss && growth ? { trees: grownTrees(growth, workers) } : {}),
      ...(rowsLoss && validation ? { validation: validationBlock(validation) } : {}),
    };
    this.spin = Math.max(0, Math.min(0x7fffffff, Math.floor(teamTuning.workerSpin)));
    Atomics.store(this.control, SPIN, this.spin);
    this.loss = rowsLoss ? lossFor(rowsLoss.classes, rowsLoss.weighted) : undefined;
    this.chunks = chunks;
    this.workers = workers;
    if (launch && this.launched) {
      this.abort = launch.abort;
      this.finished = launch.finished;
    } else {
      // Workers launched for another count are not used.
      void launch?.close().catch(() => undefined);
      this.abort = new AbortController();
      const inputs = Array.from({ length: this.workers }, () => this.input);
      this.finished = runTasks<HistogramWorkerInput, number>('boosting.histograms', inputs, { jobs: inputs.length, signal: this.abort.signal }).catch(
        (error: unknown) => error,
      );
    }
  }

  /** Counts a request; true when it may go to the team: the workers are up and it is not backing off. */
  private admit(): boolean {
    this.requests++;
    return this.started && (this.requests >= this.resumeAt || !teamTuning.backoff);
  }

  /** True once every worker waits for commands (until then the caller builds alone). */
  get started(): boolean {
    if (Atomics.load(this.control, READY) >= this.workers) {
      if (this.channel) {
        this.channel.close();
        this.channel = null;
      }
      return true;
    }
    // Launched workers get their input once every one listens (a message sent before would be lost).
    if (this.launchChannel !== null && Atomics.load(this.control, LISTENING) >= this.workers) {
      this.channel = new BroadcastChannel(this.launchChannel as string);
      this.channel.postMessage(this.input);
      this.launchChannel = null;
    }
    return false;
  }

  /**
   * The histogram of the rows partition[start..stop) (all rows when `root`) into `histogram`, built by
   * every thread when the workers are up and the node is large; false when the caller should build it alone.
   */
  build(histogram: Float64Array, start: number, stop: number, offset: number, root: boolean, constantHessian: boolean): boolean {
    if (this.workers === 0 || (stop - start) * this.input.data.features < PARALLEL_MIN_CELLS) return false;
    if (!this.admit()) return false;
    // With the kernels, built in place when the histogram is in kernel memory, else in the scratch one.
    const inPlace = this.kernels?.holds(histogram) === true;
    this.command(
      start,
      stop,
      offset,
      (root ? FLAG_ROOT : 0) | (constantHessian ? FLAG_CONSTANT_HESSIAN : 0),
      inPlace ? histogram.byteOffset : this.input.scratch.byteOffset,
      0,
      this.chunks,
    );
    if (!inPlace) histogram.set(this.input.scratch);
    return true;
  }

  /**
   * A node's per-feature work in one command: `own` built from the rows partition[start..stop) (all
   * rows when `root`), subtracted from `parent` unless null, and up to two nodes searched for their best
   * split (SPLIT_FIELDS each into `out` at s · SPLIT_FIELDS; a null node is not searched). The nodes'
   * histograms are `own` or `parent`. False (nothing done) unless the team runs the kernels with split
   * search, every histogram lies in kernel memory and the workers are up; the caller then does it alone.
   */
  split(
    own: Float64Array,
    parent: Float64Array | null,
    start: number,
    stop: number,
    offset: number,
    root: boolean,
    constantHessian: boolean,
    nodes: readonly (SearchedNode | null)[],
    out: Float64Array,
  ): boolean {
    const { kernels } = this;
    if (!kernels || !this.input.split || this.workers === 0) return false;
    // The scans cost the same on a node of any size: a small node's command is mostly its searches.
    const { features, nBins } = this.input.data;
    const searched = nodes.filter((node) => node !== null).length;
    if ((stop - start) * features + SEARCH_WEIGHT * searched * features * nBins < PARALLEL_MIN_CELLS || !this.admit()) return false;
    if (!kernels.holds(own) || (parent !== null && !kernels.holds(parent))) return false;
    let flags = (root ? FLAG_ROOT : 0) | (constantHessian ? FLAG_CONSTANT_HESSIAN : 0) | (parent ? FLAG_SUBTRACT : 0);
    nodes.forEach((node, s) => {
      if (!node) return;
      if (!kernels.holds(node.histogram)) throw new Error('a searched histogram lies outside kernel memory');
      const at = s * NODE_FIELDS;
      this.input.nodes.set([node.histogram.byteOffset, node.n, node.sumGradients, node.sumHessians, node.value], at);
      flags |= FLAG_SEARCH << s;
    });
    this.command(start, stop, offset, flags, own.byteOffset, parent ? parent.byteOffset : 0, this.chunks);
    nodes.forEach((node, s) => {
      if (node) firstBest(this.input.found, s * SPLIT_FIELDS, 2 * SPLIT_FIELDS, this.chunks, out, s * SPLIT_FIELDS);
    });
    return true;
  }

  /**
   * Splits the rows partition[start..stop) stably, those whose bin of `feature` goesLeft (per bin, 1 or
   * 0) first, as the grower's own loop does; returns where the right ones start, or −1 (nothing done)
   * when the node is small, the workers are not up or the team was made without `rowsSplit`.
   */
  partition(start: number, stop: number, feature: number, goesLeft: Uint8Array): number {
    const split = this.input.rowsSplit;
    if (!split || this.workers === 0 || stop - start < PARALLEL_MIN_ROWS || !this.admit()) return -1;
    const { data, partition } = this.input;
    split.goesLeft.set(goesLeft);
    if (split.inKernel) this.kernels?.setGoesLeft(goesLeft);
    const pieces = Math.min(MAX_PIECES, (this.workers + 1) * CHUNKS_PER_THREAD);
    Atomics.store(this.control, FIRST, split.columns ? feature * data.rows : feature);
    Atomics.store(this.control, STEP, split.columns ? 1 : data.features);
    this.command(start, stop, 0, FLAG_PARTITION, 0, 0, pieces);
    // The pieces' left rows, then their right rows, back into the partition in order (left rows packed in place
    // move down: each piece's go no further than its own start).
    const size = Math.ceil((stop - start) / pieces);
    let at = start;
    for (let k = 0; k < pieces; k++) {
      const a = Math.min(stop, start + k * size);
      const count = split.lefts[k] as number;
      if (split.inKernel) partition.copyWithin(at, a, a + count);
      else partition.set(split.left.subarray(a, a + count), at);
      at += count;
    }
    const cut = at;
    for (let k = 0; k < pieces; k++) {
      const a = Math.min(stop, start + k * size);
      const b = Math.min(stop, a + size);
      const count = b - a - (split.lefts[k] as number);
      partition.set(split.right.subarray(a, a + count), at);
      at += count;
    }
    return cut;
  }

  /**
   * The loss of the raw predictions and their gradients into g and h (the loss's lossAndGradients), rows
   * split between the threads and the loss summed as loss() sums it; undefined (nothing done) without the
   * workers or `rowsLoss`.
   */
  lossAndGradients(): number | undefined {
    const rows = this.input.rowsLoss;
    if (!rows || this.workers === 0 || !this.admit()) return undefined;
    const n = rows.y.length;
    this.command(0, n, 0, FLAG_LOSS, 0, 0, Math.min(MAX_PIECES, (this.workers + 1) * CHUNKS_PER_THREAD));
    return sumTerms(rows.terms, n, rows.weights);
  }

  /**
   * Adds each leaf's value to the raw predictions of its rows, raw[row · stride + output] for the rows at
   * partition positions starts[l] … (the next leaf's start, or n), as the grower's own loop does; false
   * (nothing done) unless `raw` is the team's rowsLoss.raw, the rows are many and the workers are up.
   */
  addLeaves(raw: Float64Array, stride: number, output: number, n: number, starts: readonly number[], values: readonly number[]): boolean {
    const leaves = this.input.leaves;
    if (!leaves || this.input.rowsLoss?.raw !== raw || this.workers === 0 || n < PARALLEL_MIN_ROWS || starts.length > MAX_LEAVES) return false;
    if (!this.admit()) return false;
    leaves.starts.set(starts);
    leaves.values.set(values);
    Atomics.store(this.control, FIRST, stride);
    Atomics.store(this.control, STEP, output);
    this.command(0, n, starts.length, FLAG_LEAVES, 0, 0, Math.min(MAX_PIECES, (this.workers + 1) * CHUNKS_PER_THREAD));
    return true;
  }

  /**
   * Gives the workers the trees of outputs first, first + 1, … (one each, at most `count`) to grow on their own while
   * the caller goes on: the caller's commands meanwhile are its own (it takes every chunk) until a worker is done with
   * its tree and takes chunks again, mid-command too. finishGrowing collects the trees. How many were given: 0 (nothing
   * done) when the team was made without tree growth, is not up or still grows others.
   */
  startGrowing(first: number, count: number, constantHessian: boolean): number {
    const trees = this.input.trees;
    if (!trees || this.workers === 0 || count < 1 || this.growing !== 0 || !this.admit()) return 0;
    const { control } = this;
    const others = Math.min(count, this.workers);
    Atomics.store(control, GROW_FIRST, first);
    Atomics.store(control, GROW_TREES, others);
    Atomics.store(control, GROW_CONSTANT, constantHessian ? 1 : 0);
    Atomics.store(control, GROW_CLAIM, 0);
    Atomics.store(control, GROWN, 0);
    Atomics.add(control, GROW_SEQUENCE, 1);
    // Woken by a command of no chunks, each worker takes a tree before it looks at the commands.
    this.issue(0, 0, 0, 0, 0, 0, 0);
    this.growing = others;
    return others;
  }

  /** The trees startGrowing gave the workers, in output order, once every one is grown (waiting for them). */
  finishGrowing(): GrownTree[] {
    const count = this.growing;
    const trees = this.input.trees;
    if (count === 0 || !trees) throw new Error('finishGrowing without startGrowing');
    this.wait(count, GROWN);
    this.growing = 0;
    return Array.from({ length: count }, (_, c) => readGrownTree(trees.block, c * trees.size));
  }

  /**
   * Adds an iteration's trees (tree t to output t) to the early-stopping rows' raw predictions and returns their loss
   * (the loss's loss() of the rows, bit for bit), the rows split between the threads; undefined (nothing done) when the
   * team was made without the rows or is not up.
   */
  validate(trees: readonly BoostedTree[]): number | undefined {
    const validation = this.input.validation;
    if (!validation || this.workers === 0 || trees.length > validation.outputs || validation.y.length < VALIDATE_MIN_ROWS || !this.admit()) return undefined;
    trees.forEach((tree, t) => writeGrownTree({ tree, credits: [] }, validation.block, t * validation.size));
    const rows = validation.y.length;
    this.command(0, rows, trees.length, FLAG_VALIDATE, 0, 0, Math.min(MAX_PIECES, (this.workers + 1) * CHUNKS_PER_THREAD));
    return sumTerms(validation.terms, rows, validation.weights);
  }

  /**
   * Runs one command of `chunks` chunks on every thread and waits until every chunk is done: the caller takes chunks
   * too (all of them while the workers grow trees of their own).
   */
  private command(start: number, stop: number, offset: number, flags: number, target: number, parent: number, chunks: number): void {
    const generation = this.issue(start, stop, offset, flags, target, parent, chunks);
    const ownStart = performance.now();
    buildChunks(this.input, generation, this.kernels, this.loss);
    const ownDone = performance.now();
    this.wait(chunks);
    const waited = performance.now() - ownDone;
    // While the workers grow trees of their own, one joins a command whenever its tree is done: a late start, no stall.
    if (this.growing > 0 || ++this.commands <= WARM_UP_COMMANDS) return;
    if (waited > STALL_MS && waited > ownDone - ownStart) {
      this.backoff = Math.min(MAX_BACKOFF, Math.max(MIN_BACKOFF, 2 * this.backoff));
      this.resumeAt = this.requests + this.backoff;
      this.clean = 0;
      // A worker spinning for commands while the caller works alone would take a core from it.
      if (teamTuning.backoff) Atomics.store(this.control, SPIN, 0);
    } else if (++this.clean >= CLEAN_COMMANDS) {
      this.backoff = 0;
      Atomics.store(this.control, SPIN, this.spin);
    }
  }

  /** Writes a command of `chunks` chunks to the control block and wakes the workers; its generation. */
  private issue(start: number, stop: number, offset: number, flags: number, target: number, parent: number, chunks: number): number {
    const { control } = this;
    Atomics.store(control, CHUNKS, chunks);
    // Tags are 15 bits: wrap the generation (a worker still on a command 32,768 builds ago cannot be).
    this.generation = (this.generation + 1) & 0x7fff;
    Atomics.store(control, START, start);
    Atomics.store(control, STOP, stop);
    Atomics.store(control, OFFSET, offset);
    Atomics.store(control, FLAGS, flags);
    Atomics.store(control, TARGET, target);
    Atomics.store(control, PARENT, parent);
    Atomics.store(control, COMPLETED, 0);
    Atomics.store(control, CLAIM, this.generation << 16);
    Atomics.store(control, GENERATION, this.generation);
    Atomics.notify(control, GENERATION);
    return this.generation;
  }

  /** Waits until the current command's `chunks` chunks are done (or, slot GROWN, that many trees grown). */
  private wait(chunks: number, slot = COMPLETED): void {
    const { control } = this;
    const began = Date.now();
    // Spin a little first: a chunk left to a worker ends within microseconds to milliseconds, and a
    // sleeping caller waits for the scheduler to run it again, long on a loaded machine.
    for (let spin = 0; spin < SPIN_LIMIT && Atomics.load(control, slot) < chunks; spin++);
    for (let done = Atomics.load(control, slot); done < chunks; done = Atomics.load(control, slot)) {
      if (Atomics.wait(control, slot, done, 1000) === 'timed-out' && Date.now() - began > WAIT_LIMIT_MS) {
        throw new MlError('gradient_boosting: a histogram worker stopped answering; set n_jobs: 1');
      }
    }
  }

  /** Tells the workers to quit (stops them outright if they never started) and waits for them. */
  async close(): Promise<void> {
    const { control } = this;
    const started = this.started;
    this.channel?.close();
    this.channel = null;
    Atomics.store(control, FLAGS, FLAG_QUIT);
    this.generation = (this.generation + 1) & 0x7fff;
    Atomics.store(control, GENERATION, this.generation);
    Atomics.notify(control, GENERATION);
    if (!started) this.abort.abort();
    const outcome = await this.finished;
    if (outcome instanceof Error && !(outcome instanceof CancelledError)) throw outcome;
  }
}
