/**
 * Random forests, contract type `random_forest`: bagged CART trees with feature subsampling at each
 * split, as scikit-learn's RandomForestClassifier / RandomForestRegressor (max_features 'sqrt' for
 * classification and all features for regression by default). Each tree gets its own bootstrap and
 * a Random forked from FitOptions.seed, so the same seed grows the same forest.
 */
import { Classifier, DenseMatrix, EstimatorJSON, FitOptions, Matrix, MlError, Regressor, Target, Task } from '../types';
import { resolveParams, type ModelDefinition, type ModelSpec } from './spec';
import { argmaxLabels, checkRegressionTarget, encodeLabels } from './targets';
import { checkFeatures, checkWidth, rankColumns, toDense } from './tree/data';
import { forestImportances, growForest } from './tree/forest';
import { Criterion, MaxFeatures, TREE_PARAM_SPECS, TreeParams, resolveGrowParams, validateTreeParams } from './tree/params';
import { TreeJSON, TreeStructure, applyTree, treeFromJSON, treeToJSON } from './tree/structure';

export interface RandomForestOptions {
  readonly n_estimators?: number;
  readonly criterion?: Criterion;
  readonly max_depth?: number | null;
  readonly min_samples_split?: number;
  readonly min_samples_leaf?: number;
  readonly max_features?: MaxFeatures;
  readonly bootstrap?: boolean;
}

interface ForestParams extends TreeParams {
  readonly n_estimators: number;
  readonly bootstrap: boolean;
}

interface RandomForestJSON extends EstimatorJSON {
  readonly type: 'random_forest';
  readonly task: 'classification' | 'regression';
  readonly params: ForestParams;
  readonly classes?: string[];
  readonly n_features: number;
  readonly feature_importances: number[];
  readonly trees: TreeJSON[];
}

const TYPE = 'random_forest';

export const RANDOM_FOREST_SPEC: ModelSpec = {
  type: TYPE,
  doc: 'Bagged decision trees; accurate with little tuning, gives feature importances.',
  tasks: ['classification', 'regression'],
  input: 'matrix',
  online: false,
  needsScaling: false,
  params: {
    n_estimators: { schema: { type: 'integer', minimum: 1 }, default: 100, examples: [100, 300], grid: [100, 300], doc: 'Number of trees.' },
    ...TREE_PARAM_SPECS,
    max_depth: { ...TREE_PARAM_SPECS.max_depth, grid: [null, 10] },
    max_features: {
      ...TREE_PARAM_SPECS.max_features,
      default: 'sqrt',
      taskDefaults: { classification: 'sqrt', regression: null },
      doc: 'Features considered at each split: sqrt (classification default), log2, a count, a fraction in (0, 1], or null for all (regression default).',
    },
    bootstrap: { schema: { type: 'boolean' }, default: true, doc: 'Grow each tree on a bootstrap sample of the rows.' },
  },
  starter: { n_estimators: 100, max_depth: null },
};

function forestParams(options: RandomForestOptions, task: Task): ForestParams {
  const params = resolveParams(RANDOM_FOREST_SPEC, options, task);
  const { n_estimators, bootstrap } = params;
  if (typeof n_estimators !== 'number' || !Number.isInteger(n_estimators) || n_estimators < 1) {
    throw new MlError(`${TYPE}: n_estimators must be an integer >= 1, got ${String(n_estimators)}`);
  }
  if (typeof bootstrap !== 'boolean') throw new MlError(`${TYPE}: bootstrap must be true or false, got ${String(bootstrap)}`);
  validateTreeParams(TYPE, params as unknown as TreeParams, task === 'classification');
  return params as unknown as ForestParams;
}

function checkJSON(json: EstimatorJSON, task: string, owner: string): RandomForestJSON {
  if (json.type !== TYPE) throw new MlError(`${owner}.fromJSON: expected type '${TYPE}', got '${String(json.type)}'`);
  if (json.task !== task) throw new MlError(`${owner}.fromJSON: expected task '${task}', got '${String(json.task)}'`);
  return json as RandomForestJSON;
}

function fitted(trees: TreeStructure[]): TreeStructure[] {
  if (trees.length === 0) throw new MlError(`${TYPE}: predict called before fit`);
  return trees;
}

/** Forest of CART classifiers; probabilities are the mean of the trees' leaf fractions. */
export class RandomForestClassifier implements Classifier {
  readonly type = TYPE;
  readonly params: ForestParams;
  classes: string[] = [];
  /** Mean of the trees' normalised impurity decreases (scikit-learn's feature_importances_). */
  featureImportances: Float64Array = new Float64Array(0);
  private trees: TreeStructure[] = [];
  private nFeatures = 0;

  constructor(options: RandomForestOptions = {}) {
    this.params = forestParams(options, 'classification');
  }

  /** Grows n_estimators trees on X (a CSR matrix is densified) and string labels y; progress per tree. */
  async fit(X: Matrix, y: Target, options: FitOptions = {}): Promise<void> {
    const dense = toDense(X);
    checkFeatures(TYPE, dense);
    const { classes, codes } = encodeLabels(TYPE, y, dense.rows);
    const grow = resolveGrowParams(TYPE, this.params, dense.rows, dense.cols);
    const target = { kind: 'classes', codes, nClasses: classes.length } as const;
    const trees = await growForest(rankColumns(dense), target, grow, this.params.n_estimators, this.params.bootstrap, options);
    this.trees = trees;
    this.classes = classes;
    this.nFeatures = dense.cols;
    this.featureImportances = forestImportances(trees, dense.cols);
  }

  /** Class with the highest mean probability; ties go to the first class in `classes`. */
  predict(X: Matrix): string[] {
    return argmaxLabels(this.predictProba(X).data, this.classes);
  }

  /** rows × classes mean of the trees' leaf fractions. */
  predictProba(X: Matrix): DenseMatrix {
    const trees = fitted(this.trees);
    checkWidth(TYPE, X, this.nFeatures);
    const dense = toDense(X);
    const K = this.classes.length;
    const data = new Float64Array(dense.rows * K);
    for (const tree of trees) {
      const leaves = applyTree(tree, dense);
      for (let i = 0; i < leaves.length; i++) {
        const at = (leaves[i] as number) * K;
        let total = 0;
        for (let k = 0; k < K; k++) total += tree.value[at + k] as number;
        for (let k = 0; k < K; k++) data[i * K + k] = (data[i * K + k] as number) + (tree.value[at + k] as number) / total;
      }
    }
    for (let k = 0; k < data.length; k++) data[k] = (data[k] as number) / trees.length;
    return { kind: 'dense', rows: dense.rows, cols: K, data };
  }

  /** Serialised model, tagged `random_forest` with task `classification`. */
  toJSON(): RandomForestJSON {
    return {
      type: TYPE,
      task: 'classification',
      params: this.params,
      classes: this.classes,
      n_features: this.nFeatures,
      feature_importances: Array.from(this.featureImportances),
      trees: fitted(this.trees).map(treeToJSON),
    };
  }

  /** Restores a classifier saved by toJSON. */
  static fromJSON(json: EstimatorJSON): RandomForestClassifier {
    const data = checkJSON(json, 'classification', 'RandomForestClassifier');
    const model = new RandomForestClassifier(data.params);
    model.classes = [...(data.classes ?? [])];
    model.nFeatures = data.n_features;
    model.featureImportances = Float64Array.from(data.feature_importances);
    model.trees = data.trees.map((tree) => treeFromJSON(TYPE, tree, data.n_features));
    if (model.trees.some((tree) => tree.outputs !== model.classes.length)) throw new MlError(`${TYPE}: serialised trees and classes disagree`);
    return model;
  }
}

/** Forest of CART regressors; predicts the mean of the trees' leaf means. */
export class RandomForestRegressor implements Regressor {
  readonly type = TYPE;
  readonly params: ForestParams;
  /** Mean of the trees' normalised impurity decreases (scikit-learn's feature_importances_). */
  featureImportances: Float64Array = new Float64Array(0);
  private trees: TreeStructure[] = [];
  private nFeatures = 0;

  constructor(options: RandomForestOptions = {}) {
    // scikit-learn's regressor default max_features=1.0: every feature at every split.
    this.params = forestParams(options, 'regression');
  }

  /** Grows n_estimators trees on X (a CSR matrix is densified) and numeric y; progress per tree. */
  async fit(X: Matrix, y: Target, options: FitOptions = {}): Promise<void> {
    const dense = toDense(X);
    checkFeatures(TYPE, dense);
    const values = checkRegressionTarget(TYPE, y, dense.rows);
    const grow = resolveGrowParams(TYPE, this.params, dense.rows, dense.cols);
    const target = { kind: 'values', values } as const;
    const trees = await growForest(rankColumns(dense), target, grow, this.params.n_estimators, this.params.bootstrap, options);
    this.trees = trees;
    this.nFeatures = dense.cols;
    this.featureImportances = forestImportances(trees, dense.cols);
  }

  /** Mean over trees of the leaf means. */
  predict(X: Matrix): Float64Array {
    const trees = fitted(this.trees);
    checkWidth(TYPE, X, this.nFeatures);
    const dense = toDense(X);
    const sum = new Float64Array(dense.rows);
    for (const tree of trees) {
      const leaves = applyTree(tree, dense);
      for (let i = 0; i < leaves.length; i++) sum[i] = (sum[i] as number) + (tree.value[leaves[i] as number] as number);
    }
    for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) / trees.length;
    return sum;
  }

  /** Serialised model, tagged `random_forest` with task `regression`. */
  toJSON(): RandomForestJSON {
    return {
      type: TYPE,
      task: 'regression',
      params: this.params,
      n_features: this.nFeatures,
      feature_importances: Array.from(this.featureImportances),
      trees: fitted(this.trees).map(treeToJSON),
    };
  }

  /** Restores a regressor saved by toJSON. */
  static fromJSON(json: EstimatorJSON): RandomForestRegressor {
    const data = checkJSON(json, 'regression', 'RandomForestRegressor');
    const model = new RandomForestRegressor(data.params);
    model.nFeatures = data.n_features;
    model.featureImportances = Float64Array.from(data.feature_importances);
    model.trees = data.trees.map((tree) => treeFromJSON(TYPE, tree, data.n_features));
    return model;
  }
}

/** Restores either random forest from its JSON, by its `task` field. */
export function randomForestFromJSON(json: EstimatorJSON): RandomForestClassifier | RandomForestRegressor {
  return json.task === 'regression' ? RandomForestRegressor.fromJSON(json) : RandomForestClassifier.fromJSON(json);
}

export const randomForestModel: ModelDefinition = {
  spec: RANDOM_FOREST_SPEC,
  create: (params, task) => (task === 'classification' ? new RandomForestClassifier(params) : new RandomForestRegressor(params)),
  fromJSON: randomForestFromJSON,
};
