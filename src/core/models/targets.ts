/** Targets as every model checks and encodes them, and class scores back to labels, so each error reads the same way. */
import { MlError, type Target } from '../types';

/** Encodes string labels as indices into the sorted class list (sklearn's order); needs two classes or more. */
export function encodeLabels(model: string, y: Target, rows: number): { classes: string[]; codes: Int32Array } {
  if (y instanceof Float64Array)
    throw new MlError(`${model}: target must be class labels (a classification target), got numbers; use a regression model or convert the target`);
  if (y.length !== rows) throw new MlError(`${model}: target has ${y.length} values but X has ${rows} rows`);
  // Code-unit order, as numpy's unique sorts strings.
  const classes = [...new Set(y)].sort();
  if (classes.length < 2) {
    throw new MlError(`${model}: the target has a single class (${JSON.stringify(classes[0] ?? '')}); classification needs at least two`);
  }
  const index = new Map(classes.map((c, k) => [c, k]));
  const codes = new Int32Array(rows);
  y.forEach((label, i) => (codes[i] = index.get(label) as number));
  return { classes, codes };
}

/** Checks a regression target: numbers, one per row, all finite. */
export function checkRegressionTarget(model: string, y: Target, rows: number): Float64Array {
  if (!(y instanceof Float64Array)) throw new MlError(`${model}: target must be numeric (a regression target), got labels; use a classification model`);
  if (y.length !== rows) throw new MlError(`${model}: target has ${y.length} values but X has ${rows} rows`);
  for (let i = 0; i < rows; i++) {
    if (!Number.isFinite(y[i] as number)) throw new MlError(`${model}: target value of row ${i} is ${String(y[i])}; remove or impute it before fitting`);
  }
  return y;
}

/** The class with the largest score in each row of a rows × classes array; ties go to the first class. */
export function argmaxLabels(scores: ArrayLike<number>, classes: readonly string[]): string[] {
  const k = classes.length;
  const rows = k === 0 ? 0 : scores.length / k;
  return Array.from({ length: rows }, (_, i) => {
    let best = 0;
    for (let c = 1; c < k; c++) if ((scores[i * k + c] as number) > (scores[i * k + best] as number)) best = c;
    return classes[best] as string;
  });
}
