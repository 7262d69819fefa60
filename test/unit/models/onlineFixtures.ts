/** Loader and comparison helpers for the online-update tests (test/fixtures/reference/online.json). */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
export { dense, toCsr } from '../matrices';

interface NaiveBayesCase {
  readonly name?: string;
  readonly params: { alpha?: number; fit_prior?: boolean; var_smoothing?: number };
  readonly X_A: number[][];
  readonly y_A: string[];
  readonly X_B: number[][];
  readonly y_B: string[];
  readonly before: { class_count: number[]; feature_count?: number[]; theta?: number[]; var?: number[]; epsilon?: number };
  readonly classes: string[];
  readonly class_count: number[];
  readonly feature_count?: number[];
  readonly feature_log_prob?: number[];
  readonly class_log_prior?: number[];
  readonly theta?: number[];
  readonly var?: number[];
  readonly epsilon?: number;
  readonly proba_B: number[];
}

interface SgdCase<Y> {
  readonly model?: string;
  readonly params: Record<string, number | string>;
  readonly sgd?: { penalty: string | null; alpha: number; l1_ratio: number; eta0: number };
  readonly eta0?: number;
  readonly classes?: string[];
  readonly coef_before: number[];
  readonly intercept_before: Y;
  readonly coef: number[];
  readonly intercept: Y;
}

interface SgdData<Y, L> {
  readonly X_B: number[][];
  readonly y_B: L[];
  readonly n_samples_seen_before: number;
  readonly cases: SgdCase<Y>[];
}

export interface OnlineReference {
  readonly multinomial_nb: NaiveBayesCase[];
  readonly gaussian_nb: NaiveBayesCase[];
  readonly sgd_regressor: SgdData<number, number>;
  readonly sgd_classifier: SgdData<number, string>;
  readonly softmax_sgd: SgdData<number[], string>;
}

/** The reference written by bench/reference/online.py. */
export const reference = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'reference', 'online.json'), 'utf8')) as OnlineReference;

/** Largest |actual − expected| / max(|expected|, floor) over the entries. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>, floor = 1e-300): number {
  assert.equal(actual.length, expected.length, 'length');
  let worst = 0;
  for (let k = 0; k < expected.length; k++) {
    const e = expected[k] as number;
    const a = actual[k] as number;
    if (a === e) continue;
    worst = Math.max(worst, Math.abs(a - e) / Math.max(Math.abs(e), floor));
  }
  return worst;
}

/** Asserts every entry agrees to `rtol` relative (entries below `floor` in size are compared to floor). */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, what: string, floor = 1e-300): void {
  const error = relativeError(actual, expected, floor);
  assert.ok(error <= rtol, `${what}: relative error ${error} > ${rtol}`);
}
