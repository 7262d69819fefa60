/**
 * Tree models as TreeEnsembleClassifier / TreeEnsembleRegressor: decision_tree and random_forest
 * (CART trees, leaves hold class weights or means) and gradient_boosting (leaves hold raw scores
 * added to the baseline, then a sigmoid or softmax).
 */
import { treeFromJSON as boostedTreeFromJSON, type BoostedTreeJSON } from '../../models/boosting/tree';
import { treeFromJSON, type TreeJSON } from '../../models/tree/structure';
import type { EstimatorJSON } from '../../types';
import { MlError } from '../../types';
import { floats, GraphBuilder, ints, ML } from './graph';
import { scoresToProbabilities } from './linear';
import type { ModelOutputs } from './outputs';

/** One tree as flat node arrays: feature −1 marks a leaf; `leaf(node)` gives its output per target. */
interface FlatTree {
  readonly feature: ArrayLike<number>;
  readonly threshold: ArrayLike<number>;
  readonly left: ArrayLike<number>;
  readonly right: ArrayLike<number>;
  readonly missingLeft?: ArrayLike<number>;
  /** The (target, weight) pairs a leaf adds. */
  leaf(node: number): readonly (readonly [number, number])[];
}

/**
 * The largest float32 not above t: for a float32 x, x ≤ t exactly when x ≤ this, so a threshold
 * between two float32 values sends rows the same way after the runtime rounds it.
 */
export function float32AtMost(t: number): number {
  if (!Number.isFinite(t)) return t;
  const f = Math.fround(t);
  if (f <= t) return f;
  if (f === 0) return -1.401298464324817e-45;
  const buffer = new Float32Array([f]);
  const bits = new Int32Array(buffer.buffer);
  // One float32 step towards −∞: the magnitude shrinks for positive values and grows for negative ones.
  bits[0] = (bits[0] as number) + (f > 0 ? -1 : 1);
  return buffer[0] as number;
}

/** The TreeEnsemble attributes of the node arrays; leaf outputs under `prefix` (class_ or target_). */
function ensembleAttributes(
  trees: readonly FlatTree[],
  prefix: 'class' | 'target',
  threshold: (t: number) => number = float32AtMost,
): Record<string, ReturnType<typeof floats> | ReturnType<typeof ints> | string[]> {
  const treeIds: number[] = [];
  const nodeIds: number[] = [];
  const featureIds: number[] = [];
  const modes: string[] = [];
  const values: number[] = [];
  const trueIds: number[] = [];
  const falseIds: number[] = [];
  const missingTrue: number[] = [];
  const outTree: number[] = [];
  const outNode: number[] = [];
  const outIds: number[] = [];
  const outWeights: number[] = [];
  trees.forEach((tree, t) => {
    for (let n = 0; n < tree.feature.length; n++) {
      const f = tree.feature[n] as number;
      treeIds.push(t);
      nodeIds.push(n);
      if (f < 0) {
        featureIds.push(0);
        modes.push('LEAF');
        values.push(0);
        trueIds.push(0);
        falseIds.push(0);
        missingTrue.push(0);
        for (const [target, weight] of tree.leaf(n)) {
          outTree.push(t);
          outNode.push(n);
          outIds.push(target);
          outWeights.push(weight);
        }
        continue;
      }
      featureIds.push(f);
      modes.push('BRANCH_LEQ');
      values.push(threshold(tree.threshold[n] as number));
      trueIds.push(tree.left[n] as number);
      falseIds.push(tree.right[n] as number);
      missingTrue.push(tree.missingLeft ? (tree.missingLeft[n] as number) : 0);
    }
  });
  return {
    nodes_treeids: ints(treeIds),
    nodes_nodeids: ints(nodeIds),
    nodes_featureids: ints(featureIds),
    nodes_modes: modes,
    nodes_values: floats(values),
    nodes_truenodeids: ints(trueIds),
    nodes_falsenodeids: ints(falseIds),
    nodes_missing_value_tracks_true: ints(missingTrue),
    [`${prefix}_treeids`]: ints(outTree),
    [`${prefix}_nodeids`]: ints(outNode),
    [`${prefix}_ids`]: ints(outIds),
    [`${prefix}_weights`]: floats(outWeights),
  };
}

/** decision_tree (one tree) and random_forest (`trees`): mean of the trees' class shares or leaf means. */
export function cartEnsemble(graph: GraphBuilder, json: EstimatorJSON, X: string): ModelOutputs {
  const saved = (json.type === 'decision_tree' ? [json.tree] : json.trees) as TreeJSON[] | undefined;
  if (!Array.isArray(saved) || saved.length === 0) throw new MlError(`ONNX export: ${String(json.type)} has no saved trees`);
  const cols = json.n_features as number;
  const structures = saved.map((t) => treeFromJSON(String(json.type), t, cols));
  const share = 1 / structures.length;
  const flat = structures.map((tree): FlatTree => ({
    ...tree,
    leaf: (node) => {
      const k = tree.outputs;
      const at = node * k;
      if (json.task === 'regression') return [[0, (tree.value[at] as number) * share]];
      let total = 0;
      for (let c = 0; c < k; c++) total += tree.value[at + c] as number;
      return Array.from({ length: k }, (_, c) => [c, ((tree.value[at + c] as number) / total) * share] as const);
    },
  }));
  if (json.task === 'regression') {
    const variable = graph.ml('TreeEnsembleRegressor', [X], { ...ensembleAttributes(flat, 'target'), n_targets: 1, aggregate_function: 'SUM' }, 'float', [
      'N',
      1,
    ]);
    return { task: 'regression', variable };
  }
  const classes = (json.classes as unknown[]).map(String);
  if (classes.length === 2) {
    // onnxruntime's TreeEnsembleClassifier reads two classes as one score column; summing the two
    // shares per leaf as regression targets gives the probabilities exactly.
    const probabilities = graph.ml('TreeEnsembleRegressor', [X], { ...ensembleAttributes(flat, 'target'), n_targets: 2, aggregate_function: 'SUM' }, 'float', [
      'N',
      2,
    ]);
    return { task: 'classification', classes, probabilities };
  }
  const [label, probabilities] = graph.node(
    'TreeEnsembleClassifier',
    [X],
    2,
    { ...ensembleAttributes(flat, 'class'), classlabels_strings: classes, post_transform: 'NONE' },
    ML,
  ) as [string, string];
  graph.declare(label, 'string', ['N']);
  graph.declare(probabilities, 'float', ['N', classes.length]);
  return { task: 'classification', classes, probabilities, label };
}

/** gradient_boosting: baseline plus every tree's leaf value per output, then sigmoid/softmax for classes. */
export function boostedEnsemble(graph: GraphBuilder, json: EstimatorJSON, X: string): ModelOutputs {
  const outputs = json.outputs as number;
  const saved = json.trees as BoostedTreeJSON[] | undefined;
  if (!Array.isArray(saved) || saved.length === 0) throw new MlError('ONNX export: gradient_boosting has no saved trees');
  const baseline = json.baseline as number[];
  const flat = saved.map((t, i): FlatTree => {
    const tree = boostedTreeFromJSON('gradient_boosting', t, json.n_features as number);
    return { ...tree, leaf: (node) => [[i % outputs, tree.value[node] as number]] };
  });
  // Boosting compares the float64 value with thresholds that are often training values themselves
  // (quantile cuts): the nearest float32 keeps a row equal to its threshold on the left.
  const raw = graph.ml(
    'TreeEnsembleRegressor',
    [X],
    {
      ...ensembleAttributes(flat, 'target', Math.fround),
      n_targets: outputs,
      aggregate_function: 'SUM',
      base_values: floats(baseline),
    },
    'float',
    ['N', outputs],
  );
  if (json.task === 'regression') return { task: 'regression', variable: raw };
  const classes = (json.classes as unknown[]).map(String);
  return { task: 'classification', classes, probabilities: scoresToProbabilities(graph, raw, outputs) };
}
