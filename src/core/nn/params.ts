/** Parameter checks shared by the neural-network models: each error names the parameter. */
import { MlError } from '../types';

/** Throws for parameter names the model does not know, listing the ones it does. */
export function checkKnownParams(model: string, params: object, known: readonly string[]): void {
  const unknown = Object.keys(params).filter((name) => !known.includes(name));
  if (unknown.length > 0) {
    throw new MlError(`${model}: unknown parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')}; known: ${known.join(', ')}`);
  }
}

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
