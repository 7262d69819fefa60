/**
 * The model registry: contract type names of the experiment file → model classes, the tasks each
 * serves and the parameters it takes (for the JSON schema and the wizard), and loading saved models.
 * Entries without `create` are types whose implementation has not landed; they throw 'not available yet'.
 */
import { MlpClassifier, MlpRegressor, MLP_DEFAULTS } from '../nn/mlp';
import { TransformerClassifier, TRANSFORMER_DEFAULTS } from '../nn/transformer';
import type { EstimatorJSON, Matrix, Task } from '../types';
import { MlError } from '../types';
import type { Learner } from '../validation';
import { DecisionTreeClassifier, DecisionTreeRegressor, decisionTreeFromJSON } from './decisionTree';
import { ElasticNet } from './elasticNet';
import { Lasso } from './lasso';
import { LinearRegression } from './linearRegression';
import { LinearSvm } from './linearSvm';
import { LogisticRegression } from './logisticRegression';
import { NaiveBayes } from './naiveBayes';
import { RandomForestClassifier, RandomForestRegressor, randomForestFromJSON } from './randomForest';
import { Ridge } from './ridge';
import { Svm } from './svm';

/** A model of the registry: matrix models take prepared features, the transformer raw texts. */
export type Model = Learner<Matrix> | Learner<readonly string[]>;

/** What a model type is fed: the prepared feature matrix, or the raw text column. */
export type ModelInputKind = 'matrix' | 'text';

export interface ModelTypeInfo {
  readonly type: string;
  readonly tasks: readonly Task[];
  readonly input: ModelInputKind;
  /** scikit-learn-named parameters it accepts. */
  readonly params: readonly string[];
  /** False while its implementation has not landed; createModel then throws. */
  readonly available: boolean;
  /** Its fitted models can learn from feedback rows without retraining (partialFit). */
  readonly online: boolean;
}

type Options = Record<string, unknown>;

interface Entry {
  readonly tasks: readonly Task[];
  readonly input: ModelInputKind;
  readonly params: readonly string[];
  readonly create?: (params: Options, task: Task) => Model;
  readonly fromJSON?: (json: EstimatorJSON) => Model;
  /** Fitted models implement OnlineLearner (partialFit). */
  readonly online?: boolean;
}

const TREE_PARAMS = ['criterion', 'max_depth', 'min_samples_split', 'min_samples_leaf', 'max_features'];
const CLASSIFICATION: readonly Task[] = ['classification'];
const REGRESSION: readonly Task[] = ['regression'];
const BOTH: readonly Task[] = ['classification', 'regression'];

const entries: Record<string, Entry> = {
  linear_regression: { tasks: REGRESSION, input: 'matrix', params: ['fit_intercept'], online: true, create: (p) => new LinearRegression(p), fromJSON: (j) => LinearRegression.fromJSON(j) },
  ridge: { tasks: REGRESSION, input: 'matrix', params: ['alpha', 'fit_intercept'], online: true, create: (p) => new Ridge(p), fromJSON: (j) => Ridge.fromJSON(j) },
  lasso: {
    online: true,
    tasks: REGRESSION,
    input: 'matrix',
    params: ['alpha', 'fit_intercept', 'max_iter', 'tol', 'selection'],
    create: (p) => new Lasso(p),
    fromJSON: (j) => Lasso.fromJSON(j),
  },
  elastic_net: {
    online: true,
    tasks: REGRESSION,
    input: 'matrix',
    params: ['alpha', 'l1_ratio', 'fit_intercept', 'max_iter', 'tol', 'selection'],
    create: (p) => new ElasticNet(p),
    fromJSON: (j) => ElasticNet.fromJSON(j),
  },
  logistic_regression: {
    online: true,
    tasks: CLASSIFICATION,
    input: 'matrix',
    params: ['penalty', 'C', 'max_iter', 'tol', 'fit_intercept'],
    create: (p) => new LogisticRegression(p),
    fromJSON: (j) => LogisticRegression.fromJSON(j),
  },
  linear_svm: {
    tasks: CLASSIFICATION,
    input: 'matrix',
    params: ['C', 'loss', 'max_iter', 'tol', 'fit_intercept', 'intercept_scaling'],
    create: (p) => new LinearSvm(p),
    fromJSON: (j) => LinearSvm.fromJSON(j),
  },
  svm: {
    tasks: CLASSIFICATION,
    input: 'matrix',
    params: ['C', 'kernel', 'gamma', 'degree', 'coef0', 'tol', 'max_iter', 'cache_size'],
    create: (p) => new Svm(p),
    fromJSON: (j) => Svm.fromJSON(j),
  },
  decision_tree: {
    tasks: BOTH,
    input: 'matrix',
    params: TREE_PARAMS,
    create: (p, task) => (task === 'classification' ? new DecisionTreeClassifier(p) : new DecisionTreeRegressor(p)),
    fromJSON: decisionTreeFromJSON,
  },
  random_forest: {
    tasks: BOTH,
    input: 'matrix',
    params: ['n_estimators', ...TREE_PARAMS, 'bootstrap'],
    create: (p, task) => (task === 'classification' ? new RandomForestClassifier(p) : new RandomForestRegressor(p)),
    fromJSON: randomForestFromJSON,
  },
  naive_bayes: {
    online: true,
    tasks: CLASSIFICATION,
    input: 'matrix',
    params: ['distribution', 'alpha', 'fit_prior', 'var_smoothing'],
    create: (p) => new NaiveBayes(p),
    fromJSON: (j) => NaiveBayes.fromJSON(j),
  },
  mlp: {
    online: true,
    tasks: BOTH,
    input: 'matrix',
    params: Object.keys(MLP_DEFAULTS),
    create: (p, task) => (task === 'classification' ? new MlpClassifier(p) : new MlpRegressor(p)),
    fromJSON: (j) => (j.task === 'regression' ? MlpRegressor.fromJSON(j) : MlpClassifier.fromJSON(j)),
  },
  transformer: {
    tasks: CLASSIFICATION,
    input: 'text',
    params: Object.keys(TRANSFORMER_DEFAULTS),
    create: (p) => new TransformerClassifier(p),
    fromJSON: (j) => TransformerClassifier.fromJSON(j),
  },
};

/** Every contract model type, in the order of DESIGN.md. */
export const MODEL_TYPES: readonly string[] = Object.keys(entries);

function entryOf(type: string): Entry {
  const entry = entries[type];
  if (!entry) throw new MlError(`model.type: unknown model type "${type}"; known types: ${MODEL_TYPES.join(', ')}`);
  return entry;
}

/** The types with their tasks, input and parameters (for the JSON schema and the wizard). */
export function modelTypes(): ModelTypeInfo[] {
  return MODEL_TYPES.map((type) => {
    const entry = entries[type] as Entry;
    return { type, tasks: entry.tasks, input: entry.input, params: entry.params, available: entry.create !== undefined, online: entry.online === true };
  });
}

/** True when the type's fitted models can be updated online from feedback (partialFit). */
export function supportsOnlineUpdates(type: string): boolean {
  return entries[type]?.online === true;
}

/** The types whose fitted models can be updated online, for messages. */
export function onlineModelTypes(): string[] {
  return MODEL_TYPES.filter((t) => (entries[t] as Entry).online === true);
}

/** What a model type is fed (matrix or raw text). */
export function modelInputKind(type: string): ModelInputKind {
  return entryOf(type).input;
}

/** A new, unfitted model; unknown type, a task it does not serve, or bad parameters are MlErrors. */
export function createModel(type: string, params: Readonly<Record<string, unknown>>, task: Task): Model {
  const entry = entryOf(type);
  if (!entry.tasks.includes(task)) {
    const fitting = MODEL_TYPES.filter((t) => (entries[t] as Entry).tasks.includes(task));
    throw new MlError(`model.type: ${type} does ${entry.tasks.join(' and ')}, not ${task}; for ${task} use one of: ${fitting.join(', ')}`);
  }
  if (!entry.create) throw new MlError(`model.type: ${type} is not available yet in this build`);
  return entry.create({ ...params }, task);
}

/** Restores a fitted model from its toJSON() output, by its `type` tag. */
export function modelFromJSON(json: EstimatorJSON): Model {
  const entry = entryOf(String(json.type));
  if (!entry.fromJSON) throw new MlError(`model.type: ${String(json.type)} is not available yet in this build`);
  return entry.fromJSON(json);
}
