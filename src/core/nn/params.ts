/** Parameter checks shared by the neural-network models: each error names the parameter. */
import type { ParamSpec } from '../models/spec';
import { MlError } from '../types';

/** An integer ≥ min. */
export function intParam(model: string, name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new MlError(`${model}: ${name} must be an integer ≥ ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A finite number in [min, max) (or [min, max] when maxInclusive). */
export function numberParam(model: string, name: string, value: unknown, min: number, max = Infinity, maxInclusive = false): number {
  const ok = typeof value === 'number' && Number.isFinite(value) && value >= min && (maxInclusive ? value <= max : value < max);
  if (!ok) {
    const upper = max === Infinity ? '' : ` and ${maxInclusive ? '≤' : '<'} ${max}`;
    throw new MlError(`${model}: ${name} must be a number ≥ ${min}${upper}, got ${JSON.stringify(value)}`);
  }
  return value as number;
}

/** A strictly positive finite number. */
export function positiveParam(model: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new MlError(`${model}: ${name} must be a positive number, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function boolParam(model: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw new MlError(`${model}: ${name} must be true or false, got ${JSON.stringify(value)}`);
  return value;
}

export function choiceParam<T extends string>(model: string, name: string, value: unknown, choices: readonly T[]): T {
  if (typeof value !== 'string' || !(choices as readonly string[]).includes(value)) {
    throw new MlError(`${model}: ${name} must be one of ${choices.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return value as T;
}

/** Parameter specs the neural networks share. */
export const dropoutParam: ParamSpec = {
  schema: { type: 'number', minimum: 0, exclusiveMaximum: 1 },
  default: 0,
  doc: 'Dropout rate after each layer, in [0, 1).',
};

export const learningRateParam: ParamSpec = {
  schema: { type: 'number', exclusiveMinimum: 0 },
  default: 0.001,
  doc: 'Initial learning rate of the Adam optimiser (> 0).',
};

/** `random_state`, for scikit-learn's users: fitting always takes the run's seed (the experiment's `seed`), as every model does; `doc` says what is left to it. */
export function randomStateParam(doc: string): ParamSpec {
  return { schema: { type: 'integer', minimum: 0 }, default: 42, doc };
}
