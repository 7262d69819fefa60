/**
 * The protocol between a histogram team's caller (team.ts) and its workers (teamWorker.ts): the slots of the shared
 * control block a command is written to, the flags that say what a command is, and what a worker is given once.
 */
import type { BinnedRows } from './histogram';
import type { KernelLayout } from './histogramSimd';
import type { SplitParams } from './split';
import type { GrownTree } from './tree';

/** Control block slots (Int32). */
export const GENERATION = 0;
/** The next chunk to claim, tagged with its command's generation: (generation << 16) | chunk. */
export const CLAIM = 1;
export const COMPLETED = 2;
export const START = 3;
export const STOP = 4;
export const OFFSET = 5;
export const FLAGS = 6;
export const READY = 7;
/** The byte offset of the histogram to build in kernel memory (WebAssembly only). */
export const TARGET = 8;
/** The byte offset of the parent histogram to subtract the built one from (FLAG_SUBTRACT). */
export const PARENT = 9;
/** Chunks of the command: of features, or of rows for a partition. */
export const CHUNKS = 10;
/** A partition's bins of the split feature: bins[FIRST + row · STEP] (of the column copy when there is one). */
export const FIRST = 11;
export const STEP = 12;
/** Launched workers listening for their input (launchTeam). */
export const LISTENING = 14;
/** Checks of the command slot a worker makes before it sleeps (teamTuning.workerSpin); the caller sets 0 while it backs off (a busy machine). */
export const SPIN = 13;
/**
 * Trees the workers grow on their own (startGrowing), beside the commands: a request's sequence number, its first
 * output, how many trees, whether the hessians are constant (1), the next tree to take and how many are grown.
 */
export const GROW_SEQUENCE = 15;
export const GROW_FIRST = 16;
export const GROW_TREES = 17;
export const GROW_CONSTANT = 18;
export const GROW_CLAIM = 19;
export const GROWN = 20;
export const CONTROL_SLOTS = 21;

export const FLAG_ROOT = 1;
export const FLAG_CONSTANT_HESSIAN = 2;
export const FLAG_QUIT = 4;
/** parent −= built histogram, chunk by chunk. */
export const FLAG_SUBTRACT = 8;
/** Search node s (0, 1) of the node block for its best split: FLAG_SEARCH << s. */
export const FLAG_SEARCH = 16;
/** Split rows start..stop of the partition by goesLeft, piece by piece (partition). */
export const FLAG_PARTITION = 64;
/** The loss terms and gradients of rows start..stop, piece by piece (lossAndGradients). */
export const FLAG_LOSS = 128;
/** Add each leaf's value to the raw predictions of its rows at partition positions start..stop, piece by piece (addLeaves). */
export const FLAG_LEAVES = 256;
/** Add the iteration's trees (OFFSET of them) to the early-stopping rows' raw predictions and their loss terms, piece by piece (validate). */
export const FLAG_VALIDATE = 1024;
/** A partition into more pieces than this is not worth its copies. */
export const MAX_PIECES = 64;

/** A searched node in the node block (Float64): histogram byte offset, n, sumG, sumH, value. */
export const NODE_FIELDS = 5;

/** A build waits this long for the workers before it gives up (a worker that died cannot say so while we wait). */
export const WAIT_LIMIT_MS = 120_000;

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

/** What a worker started ahead of its team is given (launchTeam): the control block and the channel its input comes on. */
export interface LaunchedWorkerInput {
  readonly control: Int32Array;
  readonly channel: string;
}

/** Makes a worker's own grower for startGrowing (grower.ts's growerAlone; given by the pool task, as grower.ts imports team.ts). */
export type MakeGrower = (input: HistogramWorkerInput) => GrowAlone;
