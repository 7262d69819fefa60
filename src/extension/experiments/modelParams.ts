/**
 * Each model type's parameters as JSON Schemas, derived from the specs the core's model files export
 * (models/spec.ts): nothing about a parameter is written here.
 */
import { modelTypes } from '../../core/models/specs';
import type { ParamSpec } from '../../core/models/spec';

export type JsonSchema = Record<string, unknown>;

/** A parameter's JSON Schema: its type and range, default, examples, and its doc as the description (the editor's hover). */
export function paramJsonSchema(param: ParamSpec): JsonSchema {
  return {
    ...param.schema,
    ...(param.default !== undefined ? { default: param.default } : {}),
    ...(param.examples ? { examples: param.examples } : {}),
    description: param.doc,
  };
}

/** Parameter schemas by model type, in the order of each spec. */
export const MODEL_PARAM_SCHEMAS: Readonly<Record<string, Readonly<Record<string, JsonSchema>>>> = Object.fromEntries(
  modelTypes().map((info) => [info.type, Object.fromEntries(Object.entries(info.spec.params).map(([name, param]) => [name, paramJsonSchema(param)]))]),
);
