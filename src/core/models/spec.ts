/**
 * The one description of each model type: its name, tasks, input, a one-line doc and each parameter
 * with its type, range or choices, default, doc and search hints. Each model file exports its spec;
 * the registry, the experiment file's JSON Schema, experiment validation, the New Experiment
 * wizard's starter values and search suggestions, and the schema's hover docs are all derived from
 * it, and the model's constructor reads its parameter names and defaults from it (`resolveParams`).
 */
import { MlError, type EstimatorJSON, type Matrix, type Task } from '../types';
import type { Learner } from '../validation';

type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object' | 'null';
type JsonValue = string | number | boolean | null | readonly JsonValue[];

/** The JSON Schema keywords a parameter's type and range are written with (draft-07). */
export interface ParamSchema {
  readonly type?: JsonType | readonly JsonType[];
  readonly enum?: readonly (string | number | boolean | null)[];
  readonly const?: JsonValue;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly items?: ParamSchema;
  readonly anyOf?: readonly ParamSchema[];
  /** The schema of an object's values under any key (class_weight's map of label → weight). */
  readonly additionalProperties?: ParamSchema | boolean;
  /** What one alternative of an anyOf means (shown in hovers). */
  readonly description?: string;
}

export interface ParamSpec {
  /** One line for hovers and completion. */
  readonly doc: string;
  readonly schema: ParamSchema;
  /** The value when the experiment leaves the parameter out (absent when it depends on the task). */
  readonly default?: JsonValue;
  /** Defaults that differ by task (criterion, a forest's max_features); they win over `default`. */
  readonly taskDefaults?: Readonly<Record<Task, JsonValue>>;
  /** The values each task allows, when narrower than `schema` (criterion). */
  readonly taskValues?: Readonly<Record<Task, readonly JsonValue[]>>;
  /** Typical values, for completion. */
  readonly examples?: readonly JsonValue[];
  /** Candidates of the search the wizard suggests for this parameter. */
  readonly grid?: readonly JsonValue[];
}

/** What a model type is fed: the prepared feature matrix, or the raw text column. */
export type ModelInputKind = 'matrix' | 'text';

export interface ModelSpec {
  /** The contract type name of the experiment file (`model.type`). */
  readonly type: string;
  /** One line: what the model is and when to pick it. */
  readonly doc: string;
  readonly tasks: readonly Task[];
  readonly input: ModelInputKind;
  /** Fitted models can learn from feedback rows without retraining (partialFit). */
  readonly online: boolean;
  /** Needs features on one scale (distances, gradients, penalties): the wizard adds a scale step. */
  readonly needsScaling: boolean;
  /** Takes NaN features itself (missing values are learnt by its splits): its pipeline lets them through. */
  readonly acceptsMissing?: boolean;
  /** Parameters with scikit-learn's names, in the order they are documented. */
  readonly params: Readonly<Record<string, ParamSpec>>;
  /** Values the type sets itself and a user cannot (the lasso's l1_ratio of 1). */
  readonly fixed?: Readonly<Record<string, JsonValue>>;
  /** The parameters the New Experiment wizard writes into a fresh file. */
  readonly starter: Readonly<Record<string, JsonValue>>;
}

/** The parameter names of a spec, in its order. */
export function paramNames(spec: ModelSpec): string[] {
  return Object.keys(spec.params);
}

/** The spec's defaults for a task (task-dependent ones only when a task is given). */
export function paramDefaults(spec: ModelSpec, task?: Task): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [name, param] of Object.entries(spec.params)) {
    const value = task && param.taskDefaults ? param.taskDefaults[task] : param.default;
    if (value !== undefined) defaults[name] = value;
  }
  return defaults;
}

/** Throws an MlError naming every option the spec does not know (a typo such as `c` for `C`), with the known ones. */
export function checkParamNames(spec: ModelSpec, options: object): void {
  const known = paramNames(spec);
  const unknown = Object.keys(options).filter((name) => !known.includes(name));
  if (unknown.length === 0) return;
  const names = unknown.map((name) => `'${name}'`).join(', ');
  throw new MlError(`${spec.type}: unknown parameter${unknown.length > 1 ? 's' : ''} ${names}; known: ${known.join(', ')}`);
}

/**
 * The one option checker of every model: rejects names the spec lacks, then fills in the spec's
 * defaults (for `task` where they differ by task) and its fixed values. Values are left for the
 * model to check, since only it knows how they combine.
 */
export function resolveParams(spec: ModelSpec, options: object, task?: Task): Record<string, unknown> {
  checkParamNames(spec, options);
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  return { ...paramDefaults(spec, task), ...given, ...spec.fixed };
}

/** The search space the wizard suggests: each parameter's `grid`, in spec order. */
export function suggestedSearch(spec: ModelSpec): Record<string, readonly JsonValue[]> {
  return Object.fromEntries(Object.entries(spec.params).flatMap(([name, param]) => (param.grid ? [[name, param.grid]] : [])));
}

/** A model of the registry: matrix models take prepared features, the transformer raw texts. */
export type Model = Learner<Matrix> | Learner<readonly string[]>;

/** What a model file gives the registry: its spec, how to build one for a task and how to restore a saved one. */
export interface ModelDefinition {
  readonly spec: ModelSpec;
  readonly create: (params: Readonly<Record<string, unknown>>, task: Task) => Model;
  readonly fromJSON: (json: EstimatorJSON) => Model;
}
