/** Prediction and serialisation helpers shared by the linear regressors. */
import { rowDot } from '../../linalg/matrix';
import type { Matrix } from '../../types';
import { MlError } from '../../types';
import { fromNumbers } from './common';

/** X·coef + intercept for every row. */
export function predictLinear(X: Matrix, coef: Float64Array, intercept: number): Float64Array {
  const out = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) out[i] = rowDot(X, i, coef) + intercept;
  return out;
}

/** Reads `coef` and `intercept` saved by a linear regressor's toJSON. */
export function readLinearState(model: string, json: { readonly [key: string]: unknown }): { coef: Float64Array; intercept: number } {
  const coef = fromNumbers(model, 'coef', json.coef);
  if (typeof json.intercept !== 'number') throw new MlError(`${model}: saved field 'intercept' is not a number`);
  return { coef, intercept: json.intercept };
}
