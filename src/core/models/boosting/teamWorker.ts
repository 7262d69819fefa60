/**
 * A histogram team's worker side (the pool task `boosting.histograms`): it waits for a command in the shared control
 * block, takes chunks of it (features of a node's histograms and split searches, or pieces of rows for partitions,
 * losses, leaf values and early-stopping scores) alongside the caller, and grows whole trees of its own when asked.
 * The caller (team.ts) runs buildChunks too, for the chunks it takes itself.
 */
import { BroadcastChannel } from 'node:worker_threads';
import { buildHistogram } from './histogram';
import { FEATURES_PER_PASS, HistogramMemory } from './histogramSimd';
import { lossFor, type BoostingLoss } from './losses';
import { scanSplits, SPLIT_FIELDS } from './split';
import { addTreeOutputBinned, readGrownTree, writeGrownTree } from './tree';
import {
  CHUNKS,
  CLAIM,
  COMPLETED,
  FIRST,
  FLAG_CONSTANT_HESSIAN,
  FLAG_LEAVES,
  FLAG_LOSS,
  FLAG_PARTITION,
  FLAG_QUIT,
  FLAG_ROOT,
  FLAG_SEARCH,
  FLAG_SUBTRACT,
  FLAG_VALIDATE,
  FLAGS,
  GENERATION,
  GROW_CLAIM,
  GROW_CONSTANT,
  GROW_FIRST,
  GROW_SEQUENCE,
  GROW_TREES,
  GROWN,
  LISTENING,
  NODE_FIELDS,
  OFFSET,
  PARENT,
  READY,
  SPIN,
  START,
  STEP,
  STOP,
  TARGET,
  type GrowAlone,
  type HistogramWorkerInput,
  type LaunchedWorkerInput,
  type MakeGrower,
  type RowsLoss,
} from './teamProtocol';

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
export function buildChunks(input: HistogramWorkerInput, generation: number, kernels: HistogramMemory | undefined, loss: BoostingLoss | undefined): void {
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
