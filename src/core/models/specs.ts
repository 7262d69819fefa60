/**
 * Every model type's spec, without its implementation: what the JSON schema, completion, the
 * wizard and validation read. Importing this loads no TensorFlow.js; the registry (registry.ts)
 * pairs each spec with the code that builds and restores its models.
 */
import { MLP_SPEC } from '../nn/mlpParams';
import { TRANSFORMER_SPEC } from '../nn/transformerParams';
import type { Task } from '../types';
import { MlError } from '../types';
import { DECISION_TREE_SPEC } from './decisionTree';
import { ELASTIC_NET_SPEC } from './elasticNet';
import { GRADIENT_BOOSTING_SPEC } from './gradientBoosting';
import { KNN_SPEC } from './knn';
import { LASSO_SPEC } from './lasso';
import { LINEAR_REGRESSION_SPEC } from './linearRegression';
import { LINEAR_SVM_SPEC } from './linearSvm';
import { LOGISTIC_REGRESSION_SPEC } from './logisticRegression';
import { NAIVE_BAYES_SPEC } from './naiveBayes';
import { RANDOM_FOREST_SPEC } from './randomForest';
import { RIDGE_SPEC } from './ridge';
import { paramNames, type ModelInputKind, type ModelSpec } from './spec';
import { SVM_SPEC } from './svm';

/** The specs of the registered models, in the order of DESIGN.md. */
export const MODEL_SPECS: readonly ModelSpec[] = [
  LINEAR_REGRESSION_SPEC,
  RIDGE_SPEC,
  LASSO_SPEC,
  ELASTIC_NET_SPEC,
  LOGISTIC_REGRESSION_SPEC,
  LINEAR_SVM_SPEC,
  SVM_SPEC,
  DECISION_TREE_SPEC,
  RANDOM_FOREST_SPEC,
  GRADIENT_BOOSTING_SPEC,
  KNN_SPEC,
  NAIVE_BAYES_SPEC,
  MLP_SPEC,
  TRANSFORMER_SPEC,
];

const specs = new Map(MODEL_SPECS.map((spec) => [spec.type, spec]));

export interface ModelTypeInfo {
  readonly type: string;
  readonly tasks: readonly Task[];
  readonly input: ModelInputKind;
  /** scikit-learn-named parameters it accepts (its spec's). */
  readonly params: readonly string[];
  /** False while its implementation has not landed; createModel then throws. */
  readonly available: boolean;
  /** Its fitted models can learn from feedback rows without retraining (partialFit). */
  readonly online: boolean;
  /** The whole description: one-line doc, each parameter's type, default, doc and search hints. */
  readonly spec: ModelSpec;
}

/** Every contract model type, in the order of DESIGN.md. */
export const MODEL_TYPES: readonly string[] = MODEL_SPECS.map((spec) => spec.type);

/** The spec of a model type; an unknown type is an MlError listing the known ones. */
export function modelSpec(type: string): ModelSpec {
  const spec = specs.get(type);
  if (!spec) throw new MlError(`model.type: unknown model type "${type}"; known types: ${MODEL_TYPES.join(', ')}`);
  return spec;
}

function infoOf(spec: ModelSpec): ModelTypeInfo {
  return { type: spec.type, tasks: spec.tasks, input: spec.input, params: paramNames(spec), available: true, online: spec.online, spec };
}

/** The types with their tasks, input, parameters and specs (for the JSON schema, validation and the wizard). */
export function modelTypes(): ModelTypeInfo[] {
  return MODEL_SPECS.map(infoOf);
}

/** True when the type's fitted models can be updated online from feedback (partialFit). */
export function supportsOnlineUpdates(type: string): boolean {
  return specs.get(type)?.online === true;
}

/** The types whose fitted models can be updated online, for messages. */
export function onlineModelTypes(): string[] {
  return MODEL_SPECS.filter((spec) => spec.online).map((spec) => spec.type);
}

/** What a model type is fed (matrix or raw text). */
export function modelInputKind(type: string): ModelInputKind {
  return modelSpec(type).input;
}

/** Throws the MlError createModel gives when a type does not serve the task, naming the types that do. */
export function checkTask(spec: ModelSpec, task: Task): void {
  if (spec.tasks.includes(task)) return;
  const fitting = MODEL_SPECS.filter((other) => other.tasks.includes(task)).map((other) => other.type);
  throw new MlError(`model.type: ${spec.type} does ${spec.tasks.join(' and ')}, not ${task}; for ${task} use one of: ${fitting.join(', ')}`);
}
