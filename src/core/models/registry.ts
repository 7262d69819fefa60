/**
 * The model registry: contract type names of the experiment file → each model file's definition
 * (its spec, how to build one for a task, how to restore a saved one). Everything about a type's
 * parameters comes from its spec. Adding a model is one file exporting a ModelDefinition and one
 * line below.
 */
import { mlpModel } from '../nn/mlp';
import { transformerModel } from '../nn/transformer';
import type { EstimatorJSON, Task } from '../types';
import { MlError } from '../types';
import { decisionTreeModel } from './decisionTree';
import { elasticNetModel } from './elasticNet';
import { lassoModel } from './lasso';
import { linearRegressionModel } from './linearRegression';
import { linearSvmModel } from './linearSvm';
import { logisticRegressionModel } from './logisticRegression';
import { naiveBayesModel } from './naiveBayes';
import { randomForestModel } from './randomForest';
import { ridgeModel } from './ridge';
import { paramNames, type Model, type ModelDefinition, type ModelInputKind, type ModelSpec } from './spec';
import { svmModel } from './svm';

export type { Model, ModelInputKind, ModelSpec } from './spec';

/** The registered models, in the order of DESIGN.md. */
const DEFINITIONS: readonly ModelDefinition[] = [
  linearRegressionModel,
  ridgeModel,
  lassoModel,
  elasticNetModel,
  logisticRegressionModel,
  linearSvmModel,
  svmModel,
  decisionTreeModel,
  randomForestModel,
  naiveBayesModel,
  mlpModel,
  transformerModel,
];

const definitions = new Map(DEFINITIONS.map((definition) => [definition.spec.type, definition]));

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
export const MODEL_TYPES: readonly string[] = DEFINITIONS.map((definition) => definition.spec.type);

function definitionOf(type: string): ModelDefinition {
  const definition = definitions.get(type);
  if (!definition) throw new MlError(`model.type: unknown model type "${type}"; known types: ${MODEL_TYPES.join(', ')}`);
  return definition;
}

function infoOf({ spec }: ModelDefinition): ModelTypeInfo {
  return { type: spec.type, tasks: spec.tasks, input: spec.input, params: paramNames(spec), available: true, online: spec.online, spec };
}

/** The types with their tasks, input, parameters and specs (for the JSON schema, validation and the wizard). */
export function modelTypes(): ModelTypeInfo[] {
  return DEFINITIONS.map(infoOf);
}

/** The spec of a model type; an unknown type is an MlError listing the known ones. */
export function modelSpec(type: string): ModelSpec {
  return definitionOf(type).spec;
}

/** True when the type's fitted models can be updated online from feedback (partialFit). */
export function supportsOnlineUpdates(type: string): boolean {
  return definitions.get(type)?.spec.online === true;
}

/** The types whose fitted models can be updated online, for messages. */
export function onlineModelTypes(): string[] {
  return DEFINITIONS.filter((definition) => definition.spec.online).map((definition) => definition.spec.type);
}

/** What a model type is fed (matrix or raw text). */
export function modelInputKind(type: string): ModelInputKind {
  return definitionOf(type).spec.input;
}

/** A new, unfitted model; unknown type, a task it does not serve, or bad parameters are MlErrors. */
export function createModel(type: string, params: Readonly<Record<string, unknown>>, task: Task): Model {
  const { spec, create } = definitionOf(type);
  if (!spec.tasks.includes(task)) {
    const fitting = DEFINITIONS.filter((definition) => definition.spec.tasks.includes(task)).map((definition) => definition.spec.type);
    throw new MlError(`model.type: ${type} does ${spec.tasks.join(' and ')}, not ${task}; for ${task} use one of: ${fitting.join(', ')}`);
  }
  return create({ ...params }, task);
}

/** Restores a fitted model from its toJSON() output, by its `type` tag. */
export function modelFromJSON(json: EstimatorJSON): Model {
  return definitionOf(String(json.type)).fromJSON(json);
}
