/**
 * The model registry: contract type names of the experiment file → each model file's definition
 * (its spec, how to build one for a task, how to restore a saved one). Everything about a type's
 * parameters comes from its spec. Adding a model is one file exporting a ModelDefinition, one
 * line below and its spec's line in specs.ts (which reads specs without loading the models).
 */
import { mlpModel } from '../nn/mlp';
import { transformerModel } from '../nn/transformer';
import type { EstimatorJSON, Task } from '../types';
import { CLASSIC_MODELS } from './classicModels';
import type { Model, ModelDefinition } from './spec';
import { checkTask, MODEL_SPECS, modelSpec } from './specs';

export type { Model, ModelInputKind, ModelSpec } from './spec';
export { MODEL_TYPES, modelInputKind, modelSpec, modelTypes, onlineModelTypes, supportsOnlineUpdates, type ModelTypeInfo } from './specs';

/** The registered models, in the order of DESIGN.md. */
const DEFINITIONS: readonly ModelDefinition[] = [...CLASSIC_MODELS, mlpModel, transformerModel];

const definitions = new Map(DEFINITIONS.map((definition) => [definition.spec.type, definition]));

// specs.ts and this list must name the same types in the same order.
if (DEFINITIONS.some((definition, i) => definition.spec !== MODEL_SPECS[i]) || DEFINITIONS.length !== MODEL_SPECS.length)
  throw new Error('models/specs.ts and models/registry.ts list different models');

function definitionOf(type: string): ModelDefinition {
  modelSpec(type); // an unknown type throws the MlError listing the known ones
  return definitions.get(type) as ModelDefinition;
}

/** A new, unfitted model; unknown type, a task it does not serve, or bad parameters are MlErrors. */
export function createModel(type: string, params: Readonly<Record<string, unknown>>, task: Task): Model {
  const { spec, create } = definitionOf(type);
  checkTask(spec, task);
  return create({ ...params }, task);
}

/** Restores a fitted model from its toJSON() output, by its `type` tag. */
export function modelFromJSON(json: EstimatorJSON): Model {
  return definitionOf(String(json.type)).fromJSON(json);
}
