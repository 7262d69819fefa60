/**
 * Decision trees (CART), contract type `decision_tree`: DecisionTreeClassifier (criterion gini or
 * entropy) and DecisionTreeRegressor (squared_error), both serialised as `decision_tree` with a
 * `task` field. Parameters and defaults follow scikit-learn. Ties between features are broken by a
 * seeded random feature order, as scikit-learn's `random_state` does; the seed is FitOptions.seed.
 */
import { DEFAULT_SEED, Random } from '../random';
import { Classifier, DenseMatrix, EstimatorJSON, FitOptions, Matrix, MlError, Regressor, Target, Task } from '../types';
import { resolveParams, type ModelDefinition, type ModelSpec } from './spec';
import { argmaxLabels, checkRegressionTarget, encodeLabels } from './targets';
import { checkFeatures, checkWidth, rankColumns, toDense } from './tree/data';
import { allRows, driveGrowth } from './tree/drive';
import { GrowTarget, growTree } from './tree/grow';
import { Criterion, MaxFeatures, TREE_PARAM_SPECS, TreeParams, resolveGrowParams, validateTreeParams } from './tree/params';
import { TreeJSON, TreeStructure, applyTree, treeFromJSON, treeImportances, treeToJSON } from './tree/structure';

export interface DecisionTreeOptions {
  readonly criterion?: Criterion;
  readonly max_depth?: number | null;
  readonly min_samples_split?: number;
  readonly min_samples_leaf?: number;
  readonly max_features?: MaxFeatures;
}

interface DecisionTreeJSON extends EstimatorJSON {
  readonly type: 'decision_tree';
  readonly task: 'classification' | 'regression';
  readonly params: TreeParams;
  readonly classes?: string[];
  readonly n_features: number;
  readonly feature_importances: number[];
  readonly tree: TreeJSON;
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

function treeParams(options: DecisionTreeOptions, task: Task): TreeParams {
  const params = resolveParams(DECISION_TREE_SPEC, options, task) as unknown as TreeParams;
  validateTreeParams(TYPE, params, task === 'classification');
  return params;
}

function checkJSON(json: EstimatorJSON, task: string, owner: string): DecisionTreeJSON {
  if (json.type !== TYPE) throw new MlError(`${owner}.fromJSON: expected type '${TYPE}', got '${String(json.type)}'`);
  if (json.task !== task) throw new MlError(`${owner}.fromJSON: expected task '${task}', got '${String(json.task)}'`);
  return json as DecisionTreeJSON;
}

/** CART classifier; predictProba gives the class fractions of the leaf a row lands in. */
export class DecisionTreeClassifier implements Classifier {
  readonly type = TYPE;
  readonly params: TreeParams;
  classes: string[] = [];
  /** Normalised total impurity decrease per feature (scikit-learn's feature_importances_). */
  featureImportances: Float64Array = new Float64Array(0);
  private tree: TreeStructure | null = null;
  private nFeatures = 0;

  constructor(options: DecisionTreeOptions = {}) {
    this.params = treeParams(options, 'classification');
  }

  /** Grows the tree on X (a CSR matrix is densified) and string labels y. */
  async fit(X: Matrix, y: Target, options: FitOptions = {}): Promise<void> {
    const dense = toDense(X);
    checkFeatures('decision_tree', dense);
    const { classes, codes } = encodeLabels(TYPE, y, dense.rows);
    const grow = resolveGrowParams('decision_tree', this.params, dense.rows, dense.cols);
    const { samples, weights } = allRows(dense.rows);
    const target: GrowTarget = { kind: 'classes', codes, nClasses: classes.length };
    const random = new Random(options.seed ?? DEFAULT_SEED);
    const tree = await driveGrowth(growTree(rankColumns(dense), target, samples, weights, grow, random), options, 'tree');
    this.tree = tree;
    this.classes = classes;
    this.nFeatures = dense.cols;
    this.featureImportances = treeImportances(tree, dense.cols);
    options.onProgress?.({ stage: 'tree', step: tree.nodeCount, of: tree.nodeCount });
  }

  /** Class with the highest leaf fraction; ties go to the first class in `classes`. */
  predict(X: Matrix): string[] {
    return argmaxLabels(this.predictProba(X).data, this.classes);
  }

  /** rows × classes leaf fractions. */
  predictProba(X: Matrix): DenseMatrix {
    const tree = this.fitted();
    checkWidth('decision_tree', X, this.nFeatures);
    const leaves = applyTree(tree, toDense(X));
    const K = this.classes.length;
    const data = new Float64Array(leaves.length * K);
    for (let i = 0; i < leaves.length; i++) {
      const at = (leaves[i] as number) * K;
      let total = 0;
      for (let k = 0; k < K; k++) total += tree.value[at + k] as number;
      for (let k = 0; k < K; k++) data[i * K + k] = (tree.value[at + k] as number) / total;
    }
    return { kind: 'dense', rows: leaves.length, cols: K, data };
  }

  /** Serialised model, tagged `decision_tree` with task `classification`. */
  toJSON(): DecisionTreeJSON {
    const tree = this.fitted();
    return {
      type: TYPE,
      task: 'classification',
      params: this.params,
      classes: this.classes,
      n_features: this.nFeatures,
      feature_importances: Array.from(this.featureImportances),
      tree: treeToJSON(tree),
    };
  }

  /** Restores a classifier saved by toJSON. */
  static fromJSON(json: EstimatorJSON): DecisionTreeClassifier {
    const data = checkJSON(json, 'classification', 'DecisionTreeClassifier');
    const model = new DecisionTreeClassifier(data.params);
    model.classes = [...(data.classes ?? [])];
    model.nFeatures = data.n_features;
    model.featureImportances = Float64Array.from(data.feature_importances);
    model.tree = treeFromJSON('decision_tree', data.tree, data.n_features);
    if (model.tree.outputs !== model.classes.length) throw new MlError('decision_tree: serialised tree and classes disagree');
    return model;
  }

  private fitted(): TreeStructure {
    if (this.tree === null) throw new MlError('decision_tree: predict called before fit');
    return this.tree;
  }
}

/** CART regressor; predicts the mean target of the leaf a row lands in. */
export class DecisionTreeRegressor implements Regressor {
  readonly type = TYPE;
  readonly params: TreeParams;
  /** Normalised total impurity decrease per feature (scikit-learn's feature_importances_). */
  featureImportances: Float64Array = new Float64Array(0);
  private tree: TreeStructure | null = null;
  private nFeatures = 0;

  constructor(options: DecisionTreeOptions = {}) {
    this.params = treeParams(options, 'regression');
  }

  /** Grows the tree on X (a CSR matrix is densified) and numeric y. */
  async fit(X: Matrix, y: Target, options: FitOptions = {}): Promise<void> {
    const dense = toDense(X);
    checkFeatures('decision_tree', dense);
    const values = checkRegressionTarget(TYPE, y, dense.rows);
    const grow = resolveGrowParams('decision_tree', this.params, dense.rows, dense.cols);
    const { samples, weights } = allRows(dense.rows);
    const random = new Random(options.seed ?? DEFAULT_SEED);
    const growth = growTree(rankColumns(dense), { kind: 'values', values }, samples, weights, grow, random);
    const tree = await driveGrowth(growth, options, 'tree');
    this.tree = tree;
    this.nFeatures = dense.cols;
    this.featureImportances = treeImportances(tree, dense.cols);
    options.onProgress?.({ stage: 'tree', step: tree.nodeCount, of: tree.nodeCount });
  }

  /** Leaf means. */
  predict(X: Matrix): Float64Array {
    const tree = this.fitted();
    checkWidth('decision_tree', X, this.nFeatures);
    const leaves = applyTree(tree, toDense(X));
    return Float64Array.from(leaves, (leaf) => tree.value[leaf] as number);
  }

  /** Serialised model, tagged `decision_tree` with task `regression`. */
  toJSON(): DecisionTreeJSON {
    return {
      type: TYPE,
      task: 'regression',
      params: this.params,
      n_features: this.nFeatures,
      feature_importances: Array.from(this.featureImportances),
      tree: treeToJSON(this.fitted()),
    };
  }

  /** Restores a regressor saved by toJSON. */
  static fromJSON(json: EstimatorJSON): DecisionTreeRegressor {
    const data = checkJSON(json, 'regression', 'DecisionTreeRegressor');
    const model = new DecisionTreeRegressor(data.params);
    model.nFeatures = data.n_features;
    model.featureImportances = Float64Array.from(data.feature_importances);
    model.tree = treeFromJSON('decision_tree', data.tree, data.n_features);
    return model;
  }

  private fitted(): TreeStructure {
    if (this.tree === null) throw new MlError('decision_tree: predict called before fit');
    return this.tree;
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
