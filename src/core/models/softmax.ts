/** The softmax shared by the multinomial models (logistic regression, SGD's log loss, gradient boosting). */

/**
 * Turns values[offset .. offset + count) into their softmax in place: e^(v − max) / Σ e^(v − max),
 * shifted by the largest value so no exponential overflows.
 */
export function softmaxInPlace(values: Float64Array, offset: number, count: number): void {
  let max = Number.NEGATIVE_INFINITY;
  for (let k = offset; k < offset + count; k++) max = Math.max(max, values[k] as number);
  let sum = 0;
  for (let k = offset; k < offset + count; k++) {
    const e = Math.exp((values[k] as number) - max);
    values[k] = e;
    sum += e;
  }
  for (let k = offset; k < offset + count; k++) values[k] = (values[k] as number) / sum;
}
