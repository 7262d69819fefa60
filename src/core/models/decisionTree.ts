/**
 * Decision trees (CART), contract type `decision_tree`: DecisionTreeClassifier (criterion gini or
 * entropy) and DecisionTreeRegressor (squared_error), both serialised as `decision_tree` with a
 * `task` field. Parameters and defaults follow scikit-learn. Ties between features are broken by a
 * seeded random feature order, as scikit-learn's `random_state` does; the seed is FitOptions.seed.
 */
import { Random } from '../random';
import { EstimatorJSON, Task } from '../types';
import { checkClassWeight, type ClassWeight } from './classWeight';
import { resolveParams, type ModelDefinition, type ModelSpec } from './spec';
import { allRows, driveGrowth, weighByClass } from './tree/drive';
import { growTree } from './tree/grow';
import { TreeModelClassifier, TreeModelRegressor, type TreeModelKind } from './tree/model';
import { Criterion, MaxFeatures, TREE_PARAM_SPECS, TreeParams, validateTreeParams } from './tree/params';
import { TreeStructure, treeImportances } from './tree/structure';

export interface DecisionTreeOptions {
  readonly criterion?: Criterion;
  readonly max_depth?: number | null;
  readonly min_samples_split?: number;
  readonly min_samples_leaf?: number;
  readonly max_features?: MaxFeatures;
  /** Weights each row by its class in impurities and leaf values (sklearn's class_weight); classification only. */
  readonly class_weight?: ClassWeight;
}

const TYPE = 'decision_tree';

export const DECISION_TREE_SPEC: ModelSpec = {
  type: TYPE,
  doc: 'A single CART tree; readable rules, prone to overfit.',
  tasks: ['classification', 'regression'],
  input: 'matrix',
  online: false,
  needsScaling: false,
  params: TREE_PARAM_SPECS,
  starter: { max_depth: 5, min_samples_leaf: 1 },
};

/** One tree grown on every row, saved as `tree`. */
const DECISION_TREE: TreeModelKind<TreeParams> = {
  type: TYPE,
  saved: 'tree',
  async grow(data, target, grow, _params, options) {
    const { samples, weights } = allRows(data.rows);
    const random = new Random(options.seed);
    const tree = await driveGrowth(growTree(data, target, samples, weighByClass(target, weights), grow, random), options, 'tree');
    options.onProgress?.({ stage: 'tree', step: tree.nodeCount, of: tree.nodeCount });
    return [tree];
  },
  importances: (trees, cols) => treeImportances(trees[0] as TreeStructure, cols),
};

function treeParams(options: DecisionTreeOptions, task: Task): TreeParams {
  const params = resolveParams(DECISION_TREE_SPEC, options, task) as unknown as TreeParams;
  validateTreeParams(TYPE, params, task === 'classification');
  return { ...params, class_weight: checkClassWeight(TYPE, params.class_weight, task) };
}

/** CART classifier; predictProba gives the class fractions of the leaf a row lands in. */
export class DecisionTreeClassifier extends TreeModelClassifier<TreeParams> {
  constructor(options: DecisionTreeOptions = {}) {
    super(DECISION_TREE, treeParams(options, 'classification'));
  }

  /** Restores a classifier saved by toJSON. */
  static fromJSON(json: EstimatorJSON): DecisionTreeClassifier {
    return super.load(DECISION_TREE, 'classification', 'DecisionTreeClassifier', json, (params) => new DecisionTreeClassifier(params as DecisionTreeOptions));
  }
}

/** CART regressor; predicts the mean target of the leaf a row lands in. */
export class DecisionTreeRegressor extends TreeModelRegressor<TreeParams> {
  constructor(options: DecisionTreeOptions = {}) {
    super(DECISION_TREE, treeParams(options, 'regression'));
  }

  /** Restores a regressor saved by toJSON. */
  static fromJSON(json: EstimatorJSON): DecisionTreeRegressor {
    return super.load(DECISION_TREE, 'regression', 'DecisionTreeRegressor', json, (params) => new DecisionTreeRegressor(params as DecisionTreeOptions));
  }
}

/** Restores either decision tree from its JSON, by its `task` field. */
export function decisionTreeFromJSON(json: EstimatorJSON): DecisionTreeClassifier | DecisionTreeRegressor {
  return json.task === 'regression' ? DecisionTreeRegressor.fromJSON(json) : DecisionTreeClassifier.fromJSON(json);
}

export const decisionTreeModel: ModelDefinition = {
  spec: DECISION_TREE_SPEC,
  create: (params, task) => (task === 'classification' ? new DecisionTreeClassifier(params) : new DecisionTreeRegressor(params)),
  fromJSON: decisionTreeFromJSON,
};
