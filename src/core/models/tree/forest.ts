/** Grows the trees of a random forest: one bootstrap sample and one forked RNG per tree. */
import { DEFAULT_SEED, Random } from '../../random';
import { FitOptions, throwIfAborted } from '../../types';
import { RankedColumns } from './data';
import { allRows, runGrowth, yieldToEventLoop } from './drive';
import { GrowTarget, growTree } from './grow';
import { GrowParams } from './params';
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

/** Grows `count` trees, reporting progress after each and yielding so a cancellation can land. */
export async function growForest(
  data: RankedColumns,
  target: GrowTarget,
  params: GrowParams,
  count: number,
  useBootstrap: boolean,
  options: FitOptions,
): Promise<TreeStructure[]> {
  const random = new Random(options.seed ?? DEFAULT_SEED);
  const trees: TreeStructure[] = [];
  for (let t = 0; t < count; t++) {
    throwIfAborted(options.signal);
    const treeRandom = random.fork();
    const rows = useBootstrap ? bootstrap(data.rows, treeRandom) : allRows(data.rows);
    trees.push(runGrowth(growTree(data, target, rows.samples, rows.weights, params, treeRandom)));
    options.onProgress?.({ stage: 'forest', step: t + 1, of: count });
    await yieldToEventLoop();
  }
  throwIfAborted(options.signal);
  return trees;
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
