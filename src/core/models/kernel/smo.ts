/**
 * Sequential minimal optimisation for the C-SVC dual, following libsvm's Solver: second-order working
 * set selection (WSS2, Fan, Chen & Lin 2005), the same two-variable update and the same rho. No
 * shrinking, so each iteration scans all variables; with the column cache this is fine up to ~10⁴ rows.
 */
import { throwIfAborted } from '../../types';
import type { KernelColumns } from './kernel';

const TAU = 1e-12;

export interface SmoResult {
  /** Dual variables αᵢ in [0, C]. */
  readonly alpha: Float64Array;
  readonly rho: number;
  /** Final gradient Qα - e, from which in-sample decision values follow without kernel work. */
  readonly gradient: Float64Array;
  readonly nIter: number;
  readonly converged: boolean;
}

/** Solves min ½αᵀQα - eᵀα, 0 ≤ α ≤ C, yᵀα = 0. */
export function solveSmo(Q: KernelColumns, signs: Int8Array, C: number, tol: number, maxIter: number, signal?: AbortSignal): SmoResult {
  const l = signs.length;
  const alpha = new Float64Array(l);
  const G = new Float64Array(l).fill(-1);
  const QD = Q.diagonal;
  let iteration = 0;
  let converged = false;
  while (iteration < maxIter) {
    if (iteration % 1000 === 0) throwIfAborted(signal);
    // i: the most violating variable by first-order information.
    let gMax = Number.NEGATIVE_INFINITY;
    let i = -1;
    for (let t = 0; t < l; t++) {
      if (signs[t] === 1) {
        if ((alpha[t] as number) < C && -(G[t] as number) >= gMax) {
          gMax = -(G[t] as number);
          i = t;
        }
      } else if ((alpha[t] as number) > 0 && (G[t] as number) >= gMax) {
        gMax = G[t] as number;
        i = t;
      }
    }
    if (i === -1) {
      converged = true;
      break;
    }
    // j: the partner giving the largest second-order decrease of the objective.
    const Qi = Q.column(i);
    const yi = signs[i] as number;
    let gMax2 = Number.NEGATIVE_INFINITY;
    let j = -1;
    let bestDecrease = Number.POSITIVE_INFINITY;
    for (let t = 0; t < l; t++) {
      let gradDiff: number;
      let quad: number;
      if (signs[t] === 1) {
        if (!((alpha[t] as number) > 0)) continue;
        gradDiff = gMax + (G[t] as number);
        gMax2 = Math.max(gMax2, G[t] as number);
        quad = (QD[i] as number) + (QD[t] as number) - 2 * yi * (Qi[t] as number);
      } else {
        if (!((alpha[t] as number) < C)) continue;
        gradDiff = gMax - (G[t] as number);
        gMax2 = Math.max(gMax2, -(G[t] as number));
        quad = (QD[i] as number) + (QD[t] as number) + 2 * yi * (Qi[t] as number);
      }
      if (gradDiff > 0) {
        const decrease = -(gradDiff * gradDiff) / (quad > 0 ? quad : TAU);
        if (decrease <= bestDecrease) {
          bestDecrease = decrease;
          j = t;
        }
      }
    }
    if (gMax + gMax2 < tol || j === -1) {
      converged = true;
      break;
    }
    iteration++;
    const Qj = Q.column(j);
    const oldI = alpha[i] as number;
    const oldJ = alpha[j] as number;
    let ai = oldI;
    let aj = oldJ;
    if (signs[i] !== signs[j]) {
      const quad = Math.max((QD[i] as number) + (QD[j] as number) + 2 * (Qi[j] as number), TAU);
      const delta = (-(G[i] as number) - (G[j] as number)) / quad;
      const diff = ai - aj;
      ai += delta;
      aj += delta;
      if (diff > 0) {
        if (aj < 0) [aj, ai] = [0, diff];
      } else if (ai < 0) [ai, aj] = [0, -diff];
      if (diff > 0) {
        if (ai > C) [ai, aj] = [C, C - diff];
      } else if (aj > C) [aj, ai] = [C, C + diff];
    } else {
      const quad = Math.max((QD[i] as number) + (QD[j] as number) - 2 * (Qi[j] as number), TAU);
      const delta = ((G[i] as number) - (G[j] as number)) / quad;
      const sum = ai + aj;
      ai -= delta;
      aj += delta;
      if (sum > C) {
        if (ai > C) [ai, aj] = [C, sum - C];
      } else if (aj < 0) [aj, ai] = [0, sum];
      if (sum > C) {
        if (aj > C) [aj, ai] = [C, sum - C];
      } else if (ai < 0) [ai, aj] = [0, sum];
    }
    alpha[i] = ai;
    alpha[j] = aj;
    const dI = ai - oldI;
    const dJ = aj - oldJ;
    for (let t = 0; t < l; t++) G[t] = (G[t] as number) + (Qi[t] as number) * dI + (Qj[t] as number) * dJ;
  }
  return { alpha, rho: computeRho(alpha, G, signs, C), gradient: G, nIter: iteration, converged };
}

/** libsvm's rho: the mean of yG over free variables, else the middle of the feasible interval. */
function computeRho(alpha: Float64Array, G: Float64Array, signs: Int8Array, C: number): number {
  let upper = Number.POSITIVE_INFINITY;
  let lower = Number.NEGATIVE_INFINITY;
  let free = 0;
  let sumFree = 0;
  for (let t = 0; t < alpha.length; t++) {
    const yG = (signs[t] as number) * (G[t] as number);
    const a = alpha[t] as number;
    if (a >= C) {
      if (signs[t] === -1) upper = Math.min(upper, yG);
      else lower = Math.max(lower, yG);
    } else if (a <= 0) {
      if (signs[t] === 1) upper = Math.min(upper, yG);
      else lower = Math.max(lower, yG);
    } else {
      free++;
      sumFree += yG;
    }
  }
  return free > 0 ? sumFree / free : (upper + lower) / 2;
}
