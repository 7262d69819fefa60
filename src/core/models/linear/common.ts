/** Parameter and input checks shared by the linear and kernel models, so every error reads the same way. */
import { MlError } from '../../types';
import type { EstimatorJSON, Matrix } from '../../types';
import type { ModelSpec, ParamSpec } from '../spec';

/** A finite number > 0 (or >= 0 when `allowZero`). */
export function checkPositive(model: string, name: string, value: unknown, allowZero = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || (allowZero ? value < 0 : value <= 0)) {
    throw new MlError(`${model}: parameter '${name}' must be a finite number ${allowZero ? '>= 0' : '> 0'}, got ${String(value)}`);
  }
  return value;
}

/** An integer >= min. */
export function checkInteger(model: string, name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new MlError(`${model}: parameter '${name}' must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

/** A number in [0, 1]. */
export function checkFraction(model: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new MlError(`${model}: parameter '${name}' must be a number in [0, 1], got ${String(value)}`);
  }
  return value;
}

/** One of a fixed set of values. */
export function checkOneOf<T extends string | boolean>(model: string, name: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    throw new MlError(`${model}: parameter '${name}' must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

/** Checks X is non-empty, finite and (when fitted) has the expected column count. */
export function checkMatrix(model: string, X: Matrix, expectedCols?: number): void {
  if (X.rows === 0) throw new MlError(`${model}: X has no rows`);
  if (X.cols === 0) throw new MlError(`${model}: X has no columns`);
  if (expectedCols !== undefined && X.cols !== expectedCols) {
    throw new MlError(`${model}: X has ${X.cols} columns but the model was fitted on ${expectedCols}`);
  }
  const values = X.kind === 'dense' ? X.data : X.values;
  for (let k = 0; k < values.length; k++) {
    if (!Number.isFinite(values[k] as number)) {
      const column = X.kind === 'dense' ? k % X.cols : (X.indices[k] as number);
      throw new MlError(`${model}: X column ${column} holds ${String(values[k])}; remove or impute non-finite values before fitting`);
    }
  }
}

/** Checks a serialised model's tag before loading it. */
export function checkTag(json: EstimatorJSON, type: string): void {
  if (json.type !== type) throw new MlError(`cannot load a '${String(json.type)}' model as '${type}'`);
}

/** Throws when a model is used before `fit`. */
export function checkFitted<T>(model: string, value: T | undefined): T {
  if (value === undefined) throw new MlError(`${model}: call fit before predict`);
  return value;
}

/** Serialises a Float64Array as a plain number array (JSON has no typed arrays). */
export function toNumbers(values: Float64Array): number[] {
  return Array.from(values);
}

/** Reads a number array written by `toNumbers`. */
export function fromNumbers(model: string, name: string, value: unknown): Float64Array {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'number')) throw new MlError(`${model}: saved field '${name}' is not a number array`);
  return Float64Array.from(value as number[]);
}

/**
 * What both support vector machines (`linear_svm` and `svm`) are: classifiers of the feature matrix,
 * fitted in one batch (no online updates), whose margin and penalty C need features on one scale.
 */
export const SVM_TRAITS = { tasks: ['classification'], input: 'matrix', online: false, needsScaling: true } as const satisfies Pick<
  ModelSpec,
  'tasks' | 'input' | 'online' | 'needsScaling'
>;

/** Parameter specs the linear and kernel models share (scikit-learn's names and defaults). */
export const fitInterceptParam: ParamSpec = {
  schema: { type: 'boolean' },
  default: true,
  doc: 'Fit an intercept (bias) term; false when the data is already centred.',
};

export const cParam: ParamSpec = {
  schema: { type: 'number', exclusiveMinimum: 0 },
  default: 1.0,
  examples: [0.1, 1, 10],
  grid: [0.1, 1, 10],
  doc: 'Inverse regularisation strength (> 0): smaller values regularise more.',
};

/** `tol` with the model's default. */
export const tolParam = (fallback: number): ParamSpec => ({
  schema: { type: 'number', exclusiveMinimum: 0 },
  default: fallback,
  doc: 'Tolerance of the stopping criterion (> 0).',
});

/** `max_iter` with the model's default. */
export const maxIterParam = (fallback: number): ParamSpec => ({
  schema: { type: 'integer', minimum: 1 },
  default: fallback,
  doc: 'Most iterations of the solver.',
});

/** `alpha` of the penalised least squares, with the wizard's search grid. */
export const penaltyAlphaParam = (grid: readonly number[]): ParamSpec => ({
  schema: { type: 'number', minimum: 0 },
  default: 1.0,
  examples: [0.01, 0.1, 1, 10],
  grid,
  doc: 'Regularisation strength (>= 0).',
});

export const selectionParam: ParamSpec = {
  schema: { type: 'string', enum: ['cyclic', 'random'] },
  default: 'cyclic',
  doc: 'Coordinate order of coordinate descent: cyclic, or random (seeded) which often converges faster.',
};
