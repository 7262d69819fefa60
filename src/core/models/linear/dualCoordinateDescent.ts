/**
 * liblinear's dual coordinate descent for L2-regularised linear SVMs (Hsieh et al., 2008), one
 * binary problem: min ½||w||² + C·Σ loss(yᵢ·w·xᵢ) with hinge (L1) or squared hinge (L2) loss.
 * The bias is an extra feature of constant value `biasScale`, penalised as liblinear does.
 */
import { addScaledRow, rowDot } from '../../linalg/matrix';
import { throwIfAborted } from '../../types';
import type { Matrix } from '../../types';
import type { Random } from '../../random';

export interface DualSettings {
  /** C of the rows with sign +1 (liblinear's Cp), and of every row unless negativeC is given. */
  readonly C: number;
  /** C of the rows with sign −1 (liblinear's Cn) when it differs (class weights); defaults to C. */
  readonly negativeC?: number;
  readonly loss: 'hinge' | 'squared_hinge';
  readonly maxIter: number;
  readonly tol: number;
  /** Value of the appended bias feature; 0 fits no intercept. */
  readonly biasScale: number;
  readonly random: Random;
  readonly signal?: AbortSignal;
  readonly onIteration?: (iteration: number, objective: () => number) => void;
}

/** Returns weights of length cols + 1 (bias weight last, to be multiplied by biasScale) and the iterations run. */
export function solveDualSvm(
  X: Matrix,
  signs: Int8Array,
  squaredNorms: Float64Array,
  settings: DualSettings,
): { w: Float64Array; nIter: number; converged: boolean } {
  const { C, negativeC = C, loss, maxIter, tol, biasScale, random, signal, onIteration } = settings;
  const n = X.rows;
  const p = X.cols;
  // Per sign, as liblinear's diag[] and upper_bound[] indexed by yᵢ: squared hinge adds 0.5/Cᵢ to
  // the diagonal and leaves alpha unbounded, hinge bounds alpha by Cᵢ.
  const cOf = (sign: number): number => (sign > 0 ? C : negativeC);
  const diagOf = (sign: number): number => (loss === 'squared_hinge' ? 0.5 / cOf(sign) : 0);
  const upperOf = (sign: number): number => (loss === 'squared_hinge' ? Number.POSITIVE_INFINITY : cOf(sign));
  const w = new Float64Array(p + 1);
  const alpha = new Float64Array(n);
  const QD = new Float64Array(n);
  for (let i = 0; i < n; i++) QD[i] = (squaredNorms[i] as number) + biasScale * biasScale + diagOf(signs[i] as number);
  const index = Array.from({ length: n }, (_, i) => i);
  let activeSize = n;
  let pgMaxOld = Number.POSITIVE_INFINITY;
  let pgMinOld = Number.NEGATIVE_INFINITY;
  let iteration = 0;
  let converged = false;
  const objective = (): number => {
    let value = 0;
    for (const v of w) value += 0.5 * v * v;
    for (let i = 0; i < n; i++) {
      const margin = Math.max(0, 1 - (signs[i] as number) * (rowDot(X, i, w) + (w[p] as number) * biasScale));
      value += cOf(signs[i] as number) * (loss === 'squared_hinge' ? margin * margin : margin);
    }
    return value;
  };
  while (iteration < maxIter) {
    throwIfAborted(signal);
    let pgMaxNew = Number.NEGATIVE_INFINITY;
    let pgMinNew = Number.POSITIVE_INFINITY;
    for (let s = 0; s < activeSize; s++) {
      const swap = s + random.int(activeSize - s);
      [index[s], index[swap]] = [index[swap] as number, index[s] as number];
    }
    for (let s = 0; s < activeSize; s++) {
      const i = index[s] as number;
      const yi = signs[i] as number;
      const a = alpha[i] as number;
      const diag = diagOf(yi);
      const upper = upperOf(yi);
      const G = yi * (rowDot(X, i, w) + (w[p] as number) * biasScale) - 1 + a * diag;
      let PG = 0;
      // Shrinking as liblinear: variables stuck at a bound leave the active set until the final check.
      if (a === 0) {
        if (G > pgMaxOld) {
          activeSize--;
          [index[s], index[activeSize]] = [index[activeSize] as number, index[s] as number];
          s--;
          continue;
        } else if (G < 0) PG = G;
      } else if (a === upper) {
        if (G < pgMinOld) {
          activeSize--;
          [index[s], index[activeSize]] = [index[activeSize] as number, index[s] as number];
          s--;
          continue;
        } else if (G > 0) PG = G;
      } else PG = G;
      pgMaxNew = Math.max(pgMaxNew, PG);
      pgMinNew = Math.min(pgMinNew, PG);
      if (Math.abs(PG) > 1e-12) {
        const next = Math.min(Math.max(a - G / (QD[i] as number), 0), upper);
        const d = (next - a) * yi;
        alpha[i] = next;
        addScaledRow(X, i, d, w);
        w[p] = (w[p] as number) + d * biasScale;
      }
    }
    iteration++;
    onIteration?.(iteration, objective);
    if (pgMaxNew - pgMinNew <= tol) {
      if (activeSize === n) {
        converged = true;
        break;
      }
      activeSize = n;
      pgMaxOld = Number.POSITIVE_INFINITY;
      pgMinOld = Number.NEGATIVE_INFINITY;
      continue;
    }
    pgMaxOld = pgMaxNew <= 0 ? Number.POSITIVE_INFINITY : pgMaxNew;
    pgMinOld = pgMinNew >= 0 ? Number.NEGATIVE_INFINITY : pgMinNew;
  }
  return { w, nIter: iteration, converged };
}
