/**
 * What decision trees and random forests share, as mljs's RandomForestBase: a fitted model is one or
 * more CART trees over `nFeatures` columns (a decision tree is a forest of one tree grown on every
 * row), a classifier averages its trees' leaf fractions and a regressor their leaf means. The two
 * models differ only in what their TreeModelKind says: how the trees grow, how their importances
 * combine and under which key they are saved.
 */
import { Classifier, DenseMatrix, EstimatorJSON, FitOptions, Matrix, MlError, Regressor, Target, Task } from '../../types';
import { classWeightsOf } from '../classWeight';
import { argmaxLabels, checkRegressionTarget, encodeLabels } from '../targets';
import { RankedColumns, checkFeatures, checkWidth, rankColumns, toDense } from './data';
import { GrowTarget } from './grow';
import { GrowParams, TreeParams, resolveGrowParams } from './params';
import { TreeJSON, TreeStructure, applyTree, treeFromJSON, treeToJSON } from './structure';

export type TreeModelType = 'decision_tree' | 'random_forest';

/** What sets a tree model apart. */
export interface TreeModelKind<P extends TreeParams> {
  readonly type: TreeModelType;
  /** The saved model's key of its trees: `tree` holds a decision tree's one tree, `trees` a forest's list. */
  readonly saved: 'tree' | 'trees';
  /** Grows the model's trees, reporting progress and honouring cancellation through `options`. */
  grow(data: RankedColumns, target: GrowTarget, grow: GrowParams, params: P, options: FitOptions): Promise<TreeStructure[]>;
  /** scikit-learn's feature_importances_ of the fitted trees. */
  importances(trees: readonly TreeStructure[], cols: number): Float64Array;
}

/** A saved tree model, tagged with its type and task; its trees are under `tree` or `trees` (TreeModelKind.saved). */
export interface TreeModelJSON<P extends TreeParams> extends EstimatorJSON {
  readonly type: TreeModelType;
  readonly task: Task;
  readonly params: P;
  readonly classes?: string[];
  readonly n_features: number;
  readonly feature_importances: number[];
  readonly tree?: TreeJSON;
  readonly trees?: TreeJSON[];
}

abstract class TreeModel<P extends TreeParams> {
  readonly type: TreeModelType;
  /** scikit-learn's feature_importances_: normalised impurity decrease per feature (for a forest, the trees' mean). */
  featureImportances: Float64Array = new Float64Array(0);
  protected trees: TreeStructure[] = [];
  protected nFeatures = 0;

  protected constructor(
    protected readonly kind: TreeModelKind<P>,
    readonly params: P,
  ) {
    this.type = kind.type;
  }

  /** Grows the trees on X (a CSR matrix is densified) for the target `encode` makes of y. */
  protected async grow(X: Matrix, options: FitOptions, encode: (rows: number) => GrowTarget): Promise<void> {
    const dense = toDense(X);
    checkFeatures(this.type, dense);
    const target = encode(dense.rows);
    const grow = resolveGrowParams(this.type, this.params, dense.rows, dense.cols);
    const trees = await this.kind.grow(rankColumns(dense), target, grow, this.params, options);
    this.trees = trees;
    this.nFeatures = dense.cols;
    this.featureImportances = this.kind.importances(trees, dense.cols);
  }

  /** The fitted trees and X, checked against their width and densified, to apply them to one at a time. */
  protected input(X: Matrix): { trees: readonly TreeStructure[]; dense: DenseMatrix } {
    const trees = this.fitted();
    checkWidth(this.type, X, this.nFeatures);
    return { trees, dense: toDense(X) };
  }

  protected saved(task: Task, classes?: string[]): TreeModelJSON<P> {
    const trees = this.fitted();
    return {
      type: this.type,
      task,
      params: this.params,
      ...(classes ? { classes } : {}),
      n_features: this.nFeatures,
      feature_importances: Array.from(this.featureImportances),
      ...(this.kind.saved === 'tree' ? { tree: treeToJSON(trees[0] as TreeStructure) } : { trees: trees.map(treeToJSON) }),
    };
  }

  /**
   * `owner.fromJSON`: checks the saved model's type and task, makes the model from its parameters
   * and gives it the saved fitted state.
   */
  protected static load<P extends TreeParams, M extends TreeModel<P>>(
    kind: TreeModelKind<P>,
    task: Task,
    owner: string,
    json: EstimatorJSON,
    make: (params: P) => M,
  ): M {
    if (json.type !== kind.type) throw new MlError(`${owner}.fromJSON: expected type '${kind.type}', got '${String(json.type)}'`);
    if (json.task !== task) throw new MlError(`${owner}.fromJSON: expected task '${task}', got '${String(json.task)}'`);
    const data = json as TreeModelJSON<P>;
    const model = make(data.params);
    model.restore(data);
    return model;
  }

  /** Takes the fitted state of a saved model. */
  protected restore(data: TreeModelJSON<P>): void {
    this.nFeatures = data.n_features;
    this.featureImportances = Float64Array.from(data.feature_importances);
    const saved = this.kind.saved === 'tree' ? [data.tree as TreeJSON] : (data.trees as TreeJSON[]);
    this.trees = saved.map((tree) => treeFromJSON(this.type, tree, data.n_features));
  }

  private fitted(): TreeStructure[] {
    if (this.trees.length === 0) throw new MlError(`${this.type}: predict called before fit`);
    return this.trees;
  }
}

/** A tree model of class labels; probabilities are the mean of the trees' leaf fractions. */
export abstract class TreeModelClassifier<P extends TreeParams> extends TreeModel<P> implements Classifier {
  classes: string[] = [];

  /** Grows the trees on X and string labels y, rows weighted by the class_weight parameter. */
  async fit(X: Matrix, y: Target, options: FitOptions): Promise<void> {
    let classes: string[] = [];
    await this.grow(X, options, (rows) => {
      const { codes, classes: labels } = encodeLabels(this.type, y, rows);
      classes = labels;
      const target = { kind: 'classes', codes, nClasses: classes.length } as const;
      const classWeight = this.params.class_weight ?? null;
      // 'balanced_subsample' is weighed per bootstrap sample (weighByClass); every other choice once, on the whole y.
      if (classWeight === 'balanced_subsample') return { ...target, balancedSubsample: true };
      const classWeights = classWeightsOf(classWeight, classes, codes);
      return classWeights ? { ...target, classWeights } : target;
    });
    this.classes = classes;
  }

  /** Class with the highest mean probability; ties go to the first class in `classes`. */
  predict(X: Matrix): string[] {
    return argmaxLabels(this.predictProba(X).data, this.classes);
  }

  /** rows × classes mean of the trees' leaf fractions. */
  predictProba(X: Matrix): DenseMatrix {
    const { trees, dense } = this.input(X);
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

  /** Serialised model, tagged with its type and task `classification`. */
  toJSON(): TreeModelJSON<P> {
    return this.saved('classification', this.classes);
  }

  protected override restore(data: TreeModelJSON<P>): void {
    this.classes = [...(data.classes ?? [])];
    super.restore(data);
    if (this.trees.some((tree) => tree.outputs !== this.classes.length)) throw new MlError(`${this.type}: serialised ${this.kind.saved} and classes disagree`);
  }
}

/** A tree model of numbers; predicts the mean of the trees' leaf means. */
export abstract class TreeModelRegressor<P extends TreeParams> extends TreeModel<P> implements Regressor {
  /** Grows the trees on X and numeric y. */
  async fit(X: Matrix, y: Target, options: FitOptions): Promise<void> {
    await this.grow(X, options, (rows) => ({ kind: 'values', values: checkRegressionTarget(this.type, y, rows) }));
  }

  /** Mean over the trees of the leaf means. */
  predict(X: Matrix): Float64Array {
    const { trees, dense } = this.input(X);
    const sum = new Float64Array(dense.rows);
    for (const tree of trees) {
      const leaves = applyTree(tree, dense);
      for (let i = 0; i < leaves.length; i++) sum[i] = (sum[i] as number) + (tree.value[leaves[i] as number] as number);
    }
    for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) / trees.length;
    return sum;
  }

  /** Serialised model, tagged with its type and task `regression`. */
  toJSON(): TreeModelJSON<P> {
    return this.saved('regression');
  }
}
