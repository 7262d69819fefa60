/** Parameter and input checks shared by the linear and kernel models, so every error reads the same way. */
import { MlError } from '../../types';
import type { EstimatorJSON, Matrix, Target } from '../../types';

/** Rejects option names the model does not know (typos such as `c` for `C`), listing the allowed ones. */
export function checkKnownOptions(model: string, options: object, allowed: readonly string[]): void {
  const known = new Set(allowed);
  for (const key of Object.keys(options)) {
    if (!known.has(key)) throw new MlError(`${model}: unknown parameter '${key}'; allowed parameters: ${allowed.join(', ')}`);
  }
}

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

/** Checks a numeric target for a regressor and returns it. */
export function checkRegressionTarget(model: string, X: Matrix, y: Target): Float64Array {
  if (!(y instanceof Float64Array)) throw new MlError(`${model}: target must be numeric (a regression target)`);
  if (y.length !== X.rows) throw new MlError(`${model}: target has ${y.length} values but X has ${X.rows} rows`);
  for (const v of y) if (!Number.isFinite(v)) throw new MlError(`${model}: target holds ${String(v)}; remove or impute it before fitting`);
  return y;
}

/** Encodes string labels as indices into the sorted class list (sklearn's order); needs two classes or more. */
export function encodeLabels(model: string, X: Matrix, y: Target): { classes: string[]; codes: Int32Array } {
  if (y instanceof Float64Array) throw new MlError(`${model}: target must be class labels (a classification target)`);
  if (y.length !== X.rows) throw new MlError(`${model}: target has ${y.length} values but X has ${X.rows} rows`);
  const classes = [...new Set(y)].sort();
  if (classes.length < 2) {
    throw new MlError(`${model}: the target has a single class (${JSON.stringify(classes[0] ?? '')}); classification needs at least two`);
  }
  const index = new Map(classes.map((c, k) => [c, k]));
  const codes = new Int32Array(y.length);
  y.forEach((label, i) => (codes[i] = index.get(label) as number));
  return { classes, codes };
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
