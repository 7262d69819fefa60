/**
 * Random forests, contract type `random_forest`: bagged CART trees with feature subsampling at each
 * split, as scikit-learn's RandomForestClassifier / RandomForestRegressor (max_features 'sqrt' for
 * classification and all features for regression by default). Each tree gets its own bootstrap and
 * a Random forked from FitOptions.seed, so the same seed grows the same forest.
 */
import { EstimatorJSON, MlError, Task } from '../types';
import { N_JOBS_PARAM, jobsFor, nJobsProblem } from '../parallel/jobs';
import { checkForestClassWeight, FOREST_CLASS_WEIGHT_PARAM, type ForestClassWeight } from './classWeight';
import { resolveParams, type ModelDefinition, type ModelSpec } from './spec';
import { forestImportances, growForest } from './tree/forest';
import { TreeModelClassifier, TreeModelRegressor, type TreeModelKind } from './tree/model';
import { Criterion, MaxFeatures, TREE_PARAM_SPECS, TreeParams, validateTreeParams } from './tree/params';

export interface RandomForestOptions {
  readonly n_estimators?: number;
  readonly criterion?: Criterion;
  readonly max_depth?: number | null;
  readonly min_samples_split?: number;
  readonly min_samples_leaf?: number;
  readonly max_features?: MaxFeatures;
  readonly bootstrap?: boolean;
  readonly n_jobs?: number | null;
  /** sklearn's class_weight, or 'balanced_subsample'; multiplies the bootstrap counts; classification only. */
  readonly class_weight?: ForestClassWeight;
}

interface ForestParams extends TreeParams {
  readonly n_estimators: number;
  readonly bootstrap: boolean;
  readonly n_jobs: number | null;
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
    class_weight: FOREST_CLASS_WEIGHT_PARAM,
    bootstrap: { schema: { type: 'boolean' }, default: true, doc: 'Grow each tree on a bootstrap sample of the rows.' },
    n_jobs: { ...N_JOBS_PARAM, doc: `Trees grown at the same time. ${N_JOBS_PARAM.doc}` },
  },
  starter: { n_estimators: 100, max_depth: null },
};

/** n_estimators trees, each on its own bootstrap sample with a forked Random, saved as `trees`. */
const RANDOM_FOREST: TreeModelKind<ForestParams> = {
  type: TYPE,
  saved: 'trees',
  grow: (data, target, grow, params, options) =>
    growForest(data, target, grow, params.n_estimators, params.bootstrap, options, jobsFor(params.n_jobs, data.rows * params.n_estimators, `${TYPE}: n_jobs`)),
  importances: forestImportances,
};

function forestParams(options: RandomForestOptions, task: Task): ForestParams {
  const params = resolveParams(RANDOM_FOREST_SPEC, options, task);
  const { n_estimators, bootstrap } = params;
  if (typeof n_estimators !== 'number' || !Number.isInteger(n_estimators) || n_estimators < 1) {
    throw new MlError(`${TYPE}: n_estimators must be an integer >= 1, got ${String(n_estimators)}`);
  }
  if (typeof bootstrap !== 'boolean') throw new MlError(`${TYPE}: bootstrap must be true or false, got ${String(bootstrap)}`);
  const jobsProblem = nJobsProblem(params.n_jobs);
  if (jobsProblem) throw new MlError(`${TYPE}: n_jobs ${jobsProblem}`);
  validateTreeParams(TYPE, params as unknown as TreeParams, task === 'classification');
  return { ...(params as unknown as ForestParams), class_weight: checkForestClassWeight(TYPE, params.class_weight, task) };
}

/** Forest of CART classifiers; probabilities are the mean of the trees' leaf fractions. */
export class RandomForestClassifier extends TreeModelClassifier<ForestParams> {
  constructor(options: RandomForestOptions = {}) {
    super(RANDOM_FOREST, forestParams(options, 'classification'));
  }

  /** Restores a classifier saved by toJSON. */
  static fromJSON(json: EstimatorJSON): RandomForestClassifier {
    return super.load(RANDOM_FOREST, 'classification', 'RandomForestClassifier', json, (params) => new RandomForestClassifier(params));
  }
}

/** Forest of CART regressors; predicts the mean of the trees' leaf means. */
export class RandomForestRegressor extends TreeModelRegressor<ForestParams> {
  constructor(options: RandomForestOptions = {}) {
    // scikit-learn's regressor default max_features=1.0: every feature at every split.
    super(RANDOM_FOREST, forestParams(options, 'regression'));
  }

  /** Restores a regressor saved by toJSON. */
  static fromJSON(json: EstimatorJSON): RandomForestRegressor {
    return super.load(RANDOM_FOREST, 'regression', 'RandomForestRegressor', json, (params) => new RandomForestRegressor(params));
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
