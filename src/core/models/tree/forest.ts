/** Grows the trees of a random forest: one bootstrap sample and one forked RNG per tree. */
import { Random } from '../../random';
import { FitOptions, throwIfAborted } from '../../types';
import { RankedColumns } from './data';
import { allRows, runGrowth, weighByClass, yieldToEventLoop } from './drive';
import { GrowTarget, growTree } from './grow';
import { GrowParams } from './params';
import { runTasks, shared } from '../../parallel/pool';
import { TreeStructure, normalise, treeImportances } from './structure';

/**
 * Draws n rows with replacement as scikit-learn's bagging does, returned as the distinct rows drawn
 * and how many times each was drawn (a weight), so duplicates cost nothing in the split search.
 */
export function bootstrap(n: number, random: Random): { samples: Int32Array; weights: Float64Array } {
  const weights = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const i = random.int(n);
    weights[i] = (weights[i] as number) + 1;
  }
  let distinct = 0;
  for (let i = 0; i < n; i++) if ((weights[i] as number) > 0) distinct++;
  const samples = new Int32Array(distinct);
  let at = 0;
  for (let i = 0; i < n; i++) if ((weights[i] as number) > 0) samples[at++] = i;
  return { samples, weights };
}

/**
 * Grows `count` trees, reporting progress after each and yielding so a cancellation can land. With
 * `jobs` > 1 the trees grow on worker threads over the same data in shared memory; tree t always
 * gets the t-th seed drawn from the parent seed, so the forest is the same for every `jobs`.
 */
export async function growForest(
  data: RankedColumns,
  target: GrowTarget,
  params: GrowParams,
  count: number,
  useBootstrap: boolean,
  options: FitOptions,
  jobs = 1,
): Promise<TreeStructure[]> {
  const random = new Random(options.seed);
  // Random.fork() draws one number of the parent per child: the same seeds, fixed by tree index.
  const seeds = Array.from({ length: count }, () => Math.floor(random.next() * 4294967296));
  if (jobs > 1 && count > 1) return growForestInWorkers(data, target, params, seeds, useBootstrap, options, jobs);
  const trees: TreeStructure[] = [];
  for (let t = 0; t < count; t++) {
    throwIfAborted(options.signal);
    trees.push(growForestTree({ data, target, params, seed: seeds[t] as number, bootstrap: useBootstrap }));
    options.onProgress?.({ stage: 'forest', step: t + 1, of: count });
    await yieldToEventLoop();
  }
  throwIfAborted(options.signal);
  return trees;
}

/** One tree of a forest: what a worker is sent (the data in shared memory) and grows. */
export interface ForestTreeTask {
  readonly data: RankedColumns;
  readonly target: GrowTarget;
  readonly params: GrowParams;
  readonly seed: number;
  readonly bootstrap: boolean;
}

/** Grows one tree of a forest from its own seed: its bootstrap sample first, then its splits. */
export function growForestTree(task: ForestTreeTask): TreeStructure {
  const treeRandom = new Random(task.seed);
  const rows = task.bootstrap ? bootstrap(task.data.rows, treeRandom) : allRows(task.data.rows);
  const weights = weighByClass(task.target, rows.weights);
  return runGrowth(growTree(task.data, task.target, rows.samples, weights, task.params, treeRandom));
}

async function growForestInWorkers(
  data: RankedColumns,
  target: GrowTarget,
  params: GrowParams,
  seeds: readonly number[],
  useBootstrap: boolean,
  options: FitOptions,
  jobs: number,
): Promise<TreeStructure[]> {
  const sharedData: RankedColumns = { ...data, ranks: shared(data.ranks), order: shared(data.order), distinct: data.distinct.map((d) => shared(d)) };
  const sharedTarget: GrowTarget = target.kind === 'classes' ? { ...target, codes: shared(target.codes) } : { ...target, values: shared(target.values) };
  let grown = 0;
  return runTasks<ForestTreeTask, TreeStructure>(
    'forest.tree',
    seeds.map((seed) => ({ data: sharedData, target: sharedTarget, params, seed, bootstrap: useBootstrap })),
    { jobs, signal: options.signal, onResult: () => options.onProgress?.({ stage: 'forest', step: ++grown, of: seeds.length }) },
  );
}

/** Mean of the trees' normalised importances, renormalised; single-leaf trees are left out, as in scikit-learn. */
export function forestImportances(trees: readonly TreeStructure[], cols: number): Float64Array {
  const total = new Float64Array(cols);
  let used = 0;
  for (const tree of trees) {
    if (tree.nodeCount <= 1) continue;
    const imp = treeImportances(tree, cols);
    for (let f = 0; f < cols; f++) total[f] = (total[f] as number) + (imp[f] as number);
    used++;
  }
  if (used > 0) for (let f = 0; f < cols; f++) total[f] = (total[f] as number) / used;
  normalise(total);
  return total;
}
