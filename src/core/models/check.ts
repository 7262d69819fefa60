/**
 * Checks a model's parameters as building it would (createModel), for validating experiment files
 * without loading TensorFlow.js: the neural models' constructors only run their parameter
 * resolvers, so those are called directly; the other models are built.
 */
import { resolveMlpParams } from '../nn/mlpParams';
import { resolveTransformerParams } from '../nn/transformerParams';
import type { Task } from '../types';
import { CLASSIC_MODELS } from './classicModels';
import { checkTask, modelSpec } from './specs';

const NEURAL_CHECKS: Readonly<Record<string, (params: Readonly<Record<string, unknown>>) => unknown>> = {
  mlp: resolveMlpParams,
  transformer: resolveTransformerParams,
};

/** Throws the MlError createModel would for an unknown type, a task it does not serve, or bad parameters. */
export function checkModelParams(type: string, params: Readonly<Record<string, unknown>>, task: Task): void {
  const spec = modelSpec(type);
  checkTask(spec, task);
  const neural = NEURAL_CHECKS[type];
  if (neural) neural({ ...params });
  else CLASSIC_MODELS.find((definition) => definition.spec.type === type)?.create({ ...params }, task);
}
