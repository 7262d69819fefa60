/**
 * knn queries on worker threads (`n_jobs`): the query rows are cut into blocks that the calling
 * thread and the pool workers claim through a shared counter, each block searched by `kneighbors`
 * and its neighbours written into shared output arrays. A query's neighbours depend on that query
 * alone, so the answer is the one of n_jobs 1. predict stays synchronous: the caller searches
 * blocks itself from the start and only waits (with Atomics) for blocks a worker has claimed;
 * workers still starting when every block is claimed are stopped.
 */
import { runTasks } from '../../parallel/pool';
import type { DenseMatrix } from '../../types';
import { kneighbors, type Neighbours, type SearchIndex } from './search';

const NEXT = 0;
const DONE = 1;

/** A worker gives up waiting for nothing: the caller counts blocks, so this only bounds a lost wake-up. */
const WAIT_SLICE_MS = 100;

/** Blocks per thread: enough that a slow (preempted or late-starting) thread holds up little. */
const BLOCKS_PER_THREAD = 8;
/** Fewest queries in a block, so the training rows read per block serve many queries. */
const MIN_BLOCK = 64;

/** What each worker is given: shared views of the training rows, the queries and the outputs. */
export interface KnnQueryTask {
  readonly control: Int32Array;
  readonly index: Pick<SearchIndex, 'metric' | 'rows' | 'cols' | 'dense'>;
  readonly queries: DenseMatrix;
  readonly k: number;
  readonly block: number;
  readonly indices: Int32Array;
  readonly distances: Float64Array;
}

/** Claims and searches blocks until none is left; returns how many this thread searched. */
export function searchBlocks(task: KnnQueryTask): number {
  const { control, queries, k, block } = task;
  const blocks = Math.ceil(queries.rows / block);
  // A worker's index is its own copy (the search caches its SIMD rows on it); the caller passes the model's.
  const index = task.index as SearchIndex;
  let searched = 0;
  for (let b = Atomics.add(control, NEXT, 1); b < blocks; b = Atomics.add(control, NEXT, 1)) {
    const from = b * block;
    const to = Math.min(from + block, queries.rows);
    const part: DenseMatrix = { kind: 'dense', rows: to - from, cols: queries.cols, data: queries.data.subarray(from * queries.cols, to * queries.cols) };
    const found = kneighbors(index, part, k);
    task.indices.set(found.indices, from * k);
    task.distances.set(found.distances, from * k);
    searched++;
    if (Atomics.add(control, DONE, 1) + 1 === blocks) Atomics.notify(control, DONE);
  }
  return searched;
}

function sharedCopy(data: Float64Array): Float64Array {
  if (data.buffer instanceof SharedArrayBuffer) return data;
  const copy = new Float64Array(new SharedArrayBuffer(data.byteLength));
  copy.set(data);
  return copy;
}

/** The training rows in shared memory, copied once per index. */
const sharedRows = new WeakMap<SearchIndex, Float64Array>();

/**
 * kneighbors of dense queries on a dense index over `jobs` threads (the caller and jobs − 1 pool
 * workers); the same neighbours as kneighbors on one thread.
 */
export function kneighborsParallel(index: SearchIndex, queries: DenseMatrix, k: number, jobs: number): Neighbours {
  const dense = index.dense as Float64Array;
  let rows = sharedRows.get(index);
  if (!rows) {
    rows = sharedCopy(dense);
    sharedRows.set(index, rows);
  }
  const block = Math.max(MIN_BLOCK, Math.ceil(queries.rows / (jobs * BLOCKS_PER_THREAD)));
  const blocks = Math.ceil(queries.rows / block);
  const task: KnnQueryTask = {
    control: new Int32Array(new SharedArrayBuffer(8)),
    index: { metric: index.metric, rows: index.rows, cols: index.cols, dense: rows },
    queries: { ...queries, data: sharedCopy(queries.data) },
    k,
    block,
    indices: new Int32Array(new SharedArrayBuffer(queries.rows * k * 4)),
    distances: new Float64Array(new SharedArrayBuffer(queries.rows * k * 8)),
  };
  const workers = Math.min(jobs, blocks) - 1;
  const abort = new AbortController();
  if (workers > 0) {
    runTasks<KnnQueryTask, number>(
      'knn.queries',
      Array.from({ length: workers }, () => task),
      { jobs: workers, signal: abort.signal },
    ).catch(() => undefined);
  }
  searchBlocks({ ...task, index });
  for (let done = Atomics.load(task.control, DONE); done < blocks; done = Atomics.load(task.control, DONE)) {
    Atomics.wait(task.control, DONE, done, WAIT_SLICE_MS);
  }
  abort.abort();
  return { k, indices: task.indices, distances: task.distances };
}
