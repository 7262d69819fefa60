/**
 * The column-wise binary logistic objective on worker threads (`n_jobs` of logistic_regression): the rows are cut in
 * fixed chunks (OBJECTIVE_CHUNK_ROWS), each chunk's sums are written to its own slot of shared memory by whichever
 * thread claimed it, and the caller adds the slots in chunk order, so the loss and gradient (and the model) are the
 * same for any thread count. The workers stay for the whole fit; an evaluation is one command written to a shared
 * control block and woken with Atomics (microseconds), the calling thread claiming chunks alongside them. Until the
 * workers are up (module loading) the caller computes every chunk itself.
 */
import { nJobsProblem, resolveJobs } from '../../parallel/jobs';
import { runTasks, shared } from '../../parallel/pool';
import { MlError } from '../../types';
import { binaryChunkSums, chunkScratch, OBJECTIVE_CHUNK_ROWS, type ChunkRunner } from './logisticLoss';

/** Control block slots (Int32). */
const GENERATION = 0;
/** The next chunk to claim, tagged with its command's generation: (generation & 0x7fff) << 16 | chunk. */
const CLAIM = 1;
const COMPLETED = 2;
const READY = 3;
const QUIT = 4;
const CONTROL_SLOTS = 5;

/** Rows × features below which the objective stays on the calling thread (an evaluation takes a few milliseconds). */
export const PARALLEL_MIN_CELLS = 2_000_000;

/** An evaluation waits this long for the workers before it gives up (a worker that died cannot say so). */
const WAIT_LIMIT_MS = 120_000;
/** Checks of COMPLETED before the caller sleeps (a worker's last chunk mostly ends within microseconds). */
const SPIN_LIMIT = 20_000;

/** What a worker reads, all in shared memory. */
export interface ObjectiveWorkerInput {
  readonly control: Int32Array;
  readonly columns: readonly Float64Array[];
  readonly codes: Int32Array;
  readonly sampleWeight: Float64Array | undefined;
  /** The weights of the current evaluation (features + 1). */
  readonly w: Float64Array;
  readonly partials: Float64Array;
}

/**
 * Threads for the objective of `rows` × `features`: 1 below PARALLEL_MIN_CELLS (or under two chunks), an explicit
 * n_jobs as resolveJobs reads it, and by default (null) two where two cores are there (1 inside a pool worker).
 */
export function objectiveThreads(nJobs: number | null | undefined, rows: number, features: number): number {
  if (rows * features < PARALLEL_MIN_CELLS || rows < 2 * OBJECTIVE_CHUNK_ROWS) return 1;
  if (nJobs !== undefined && nJobs !== null) return resolveJobs(nJobs);
  return Math.min(2, resolveJobs(-1));
}

/**
 * Whether a fit with this n_jobs runs the objective on several threads once the data is large enough: a run then reads
 * its columns into shared memory (objectiveTeam takes no others).
 */
export function objectiveMayUseThreads(nJobs: unknown): boolean {
  if (nJobsProblem(nJobs)) return false;
  return objectiveThreads(nJobs as number | null | undefined, Number.MAX_SAFE_INTEGER, 1) > 1;
}

/** Claims and computes chunks of the command of `generation` until none is left. */
function claimChunks(input: ObjectiveWorkerInput, generation: number, z: Float64Array): void {
  const { control, columns, codes, sampleWeight, w, partials } = input;
  const rows = codes.length;
  const chunks = Math.ceil(rows / OBJECTIVE_CHUNK_ROWS);
  const tag = (generation & 0x7fff) << 16;
  const stride = columns.length + 2;
  for (;;) {
    const claim = Atomics.load(control, CLAIM);
    if ((claim & ~0xffff) !== tag) return;
    const chunk = claim & 0xffff;
    if (chunk >= chunks) return;
    if (Atomics.compareExchange(control, CLAIM, claim, claim + 1) !== claim) continue;
    const range = { start: chunk * OBJECTIVE_CHUNK_ROWS, stop: Math.min(rows, (chunk + 1) * OBJECTIVE_CHUNK_ROWS) };
    binaryChunkSums(columns, codes, sampleWeight, w, range, z, partials, chunk * stride);
    if (Atomics.add(control, COMPLETED, 1) + 1 === chunks) Atomics.notify(control, COMPLETED);
  }
}

/** The pool task of one worker: helps with each evaluation until told to quit; returns the evaluations it woke for. */
export function objectiveWorker(input: ObjectiveWorkerInput): number {
  const { control } = input;
  const z = chunkScratch();
  let generation = Atomics.load(control, GENERATION);
  Atomics.add(control, READY, 1);
  let wakes = 0;
  for (;;) {
    if (Atomics.load(control, QUIT) !== 0) return wakes;
    Atomics.wait(control, GENERATION, generation);
    generation = Atomics.load(control, GENERATION);
    if (Atomics.load(control, QUIT) !== 0) return wakes;
    claimChunks(input, generation, z);
    wakes++;
  }
}

/** True when the array's memory is shared (a worker reads it without a copy). */
function isShared(array: Float64Array | Int32Array): boolean {
  return array.buffer instanceof SharedArrayBuffer;
}

/**
 * The calling thread and `threads − 1` workers evaluating the objective's chunks; undefined when the columns are not
 * in shared memory (copying them would double the data's memory) or one thread is asked for.
 */
export function objectiveTeam(
  threads: number,
  columns: readonly Float64Array[],
  codes: Int32Array,
  sampleWeight: Float64Array | undefined,
): ObjectiveTeam | undefined {
  if (threads <= 1 || !columns.every(isShared)) return undefined;
  return new ObjectiveTeam(threads - 1, {
    control: new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4)),
    columns,
    codes: shared(codes),
    sampleWeight: sampleWeight ? shared(sampleWeight) : undefined,
    w: new Float64Array(new SharedArrayBuffer((columns.length + 1) * 8)),
    partials: new Float64Array(new SharedArrayBuffer(Math.ceil(codes.length / OBJECTIVE_CHUNK_ROWS) * (columns.length + 2) * 8)),
  });
}

export class ObjectiveTeam implements ChunkRunner {
  private generation = 0;
  private readonly abort = new AbortController();
  private readonly finished: Promise<unknown>;
  /** Evaluations the workers took part in (tests). */
  shared = 0;
  private readonly z = chunkScratch();

  constructor(
    private readonly workers: number,
    private readonly input: ObjectiveWorkerInput,
  ) {
    const inputs = Array.from({ length: workers }, () => input);
    this.finished = runTasks<ObjectiveWorkerInput, number>('logistic.objective', inputs, { jobs: workers, signal: this.abort.signal }).catch(
      (error: unknown) => error,
    );
  }

  get partials(): Float64Array {
    return this.input.partials;
  }

  /** True once every worker waits for evaluations. */
  get started(): boolean {
    return Atomics.load(this.input.control, READY) >= this.workers;
  }

  /** Every chunk of the objective at `w` into `partials`, by all threads; false (nothing done) while the workers start. */
  run(w: Float64Array): boolean {
    if (!this.started) return false;
    const { control } = this.input;
    this.input.w.set(w);
    this.generation++;
    const chunks = Math.ceil(this.input.codes.length / OBJECTIVE_CHUNK_ROWS);
    Atomics.store(control, COMPLETED, 0);
    Atomics.store(control, CLAIM, (this.generation & 0x7fff) << 16);
    Atomics.store(control, GENERATION, this.generation);
    Atomics.notify(control, GENERATION);
    claimChunks(this.input, this.generation, this.z);
    const began = Date.now();
    for (let spin = 0; spin < SPIN_LIMIT && Atomics.load(control, COMPLETED) < chunks; spin++);
    for (let done = Atomics.load(control, COMPLETED); done < chunks; done = Atomics.load(control, COMPLETED)) {
      if (Atomics.wait(control, COMPLETED, done, 1000) === 'timed-out' && Date.now() - began > WAIT_LIMIT_MS) {
        throw new MlError('logistic_regression: a worker thread of the objective stopped answering; set n_jobs: 1');
      }
    }
    this.shared++;
    return true;
  }

  /** Stops the workers: those up return from their task, one still starting is terminated. */
  close(): void {
    if (!this.started) this.abort.abort();
    const { control } = this.input;
    Atomics.store(control, QUIT, 1);
    Atomics.store(control, GENERATION, ++this.generation);
    Atomics.notify(control, GENERATION);
  }

  /** Settles when the workers have gone (tests). */
  get done(): Promise<unknown> {
    return this.finished;
  }
}
