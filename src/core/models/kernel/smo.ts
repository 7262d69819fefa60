/**
 * Sequential minimal optimisation for the C-SVC dual, following libsvm's Solver: second-order working
 * set selection (WSS2, Fan, Chen & Lin 2005), the same two-variable update, the same rho, and the same
 * shrinking heuristic (do_shrinking / be_shrunk / reconstruct_gradient): bounded variables that are
 * unlikely to move are swapped past `activeSize`, so selection, gradient updates and new kernel columns
 * only cover the active set.
 */
import { throwIfAborted } from '../../types';
import type { KernelColumns } from './kernel';

const TAU = 1e-12;

/** Upper bounds of the dual variables per sign, as libsvm's Cp and Cn (C × the class's weight). */
export interface SmoBounds {
  /** C of the variables with sign +1. */
  readonly Cp: number;
  /** C of the variables with sign −1. */
  readonly Cn: number;
}

export interface SmoResult {
  /** Dual variables αᵢ in [0, Cᵢ]. */
  readonly alpha: Float64Array;
  readonly rho: number;
  /** Final gradient Qα - e, from which in-sample decision values follow without kernel work. */
  readonly gradient: Float64Array;
  readonly nIter: number;
  readonly converged: boolean;
}

/** Solves min ½αᵀQα - eᵀα, 0 ≤ αᵢ ≤ Cᵢ (Cp or Cn by sign), yᵀα = 0; `shrinking` as libsvm's -h (sklearn's shrinking). */
export function solveSmo(
  Q: KernelColumns,
  signs: Int8Array,
  bounds: SmoBounds,
  tol: number,
  maxIter: number,
  signal?: AbortSignal,
  shrinking = true,
): SmoResult {
  const solver = new Solver(Q, signs, bounds.Cp, bounds.Cn, tol);
  const { nIter, converged } = solver.solve(maxIter, shrinking, signal);
  // Undo the shrinking permutation so results line up with the caller's rows.
  const l = signs.length;
  const alpha = new Float64Array(l);
  const gradient = new Float64Array(l);
  for (let t = 0; t < l; t++) {
    const original = solver.activeSet[t] as number;
    alpha[original] = solver.alpha[t] as number;
    gradient[original] = solver.G[t] as number;
  }
  return { alpha, rho: computeRho(alpha, gradient, signs, bounds), gradient, nIter, converged };
}

/** libsvm's Solver state; every per-variable array is permuted together by swapIndex. */
class Solver {
  readonly l: number;
  readonly y: Int8Array;
  readonly alpha: Float64Array;
  /** Gradient of the dual; exact on the active set, rebuilt for the rest by reconstructGradient. */
  readonly G: Float64Array;
  /** Ḡᵢ = Σ_{j at upper bound} Cⱼ·Qᵢⱼ, kept over all variables so the gradient can be rebuilt cheaply. */
  readonly Gbar: Float64Array;
  readonly activeSet: Int32Array;
  activeSize: number;
  private unshrink = false;
  private workI = -1;
  private workJ = -1;

  constructor(
    private readonly Q: KernelColumns,
    signs: Int8Array,
    private readonly Cp: number,
    private readonly Cn: number,
    private readonly tol: number,
  ) {
    this.l = signs.length;
    this.y = Int8Array.from(signs);
    this.alpha = new Float64Array(this.l);
    this.G = new Float64Array(this.l).fill(-1);
    this.Gbar = new Float64Array(this.l);
    this.activeSet = Int32Array.from({ length: this.l }, (_, t) => t);
    this.activeSize = this.l;
  }

  solve(maxIter: number, shrinking: boolean, signal?: AbortSignal): { nIter: number; converged: boolean } {
    const { l, alpha, G, Cp, Cn, Q } = this;
    let iteration = 0;
    let converged = false;
    let counter = Math.min(l, 1000) + 1;
    while (iteration < maxIter) {
      if (iteration % 1000 === 0) throwIfAborted(signal);
      if (--counter === 0) {
        counter = Math.min(l, 1000);
        if (shrinking) this.doShrinking();
      }
      if (!this.selectWorkingSet()) {
        // Optimal on the active set: rebuild the full gradient and check again on all variables.
        this.reconstructGradient();
        this.activeSize = l;
        if (!this.selectWorkingSet()) {
          converged = true;
          break;
        }
        counter = 1; // shrink again at the next iteration
      }
      iteration++;
      const i = this.workI;
      const j = this.workJ;
      const activeSize = this.activeSize;
      const QD = Q.diagonal;
      const y = this.y;
      const Qi = Q.column(i, activeSize);
      const Qj = Q.column(j, activeSize);
      const oldI = alpha[i] as number;
      const oldJ = alpha[j] as number;
      const Ci = y[i] === 1 ? Cp : Cn;
      const Cj = y[j] === 1 ? Cp : Cn;
      let ai = oldI;
      let aj = oldJ;
      if (y[i] !== y[j]) {
        const quad = Math.max((QD[i] as number) + (QD[j] as number) + 2 * (Qi[j] as number), TAU);
        const delta = (-(G[i] as number) - (G[j] as number)) / quad;
        const diff = ai - aj;
        ai += delta;
        aj += delta;
        // Plain assignments, not destructuring: array literals in rarely taken branches made V8 deoptimise the loop.
        if (diff > 0) {
          if (aj < 0) {
            aj = 0;
            ai = diff;
          }
        } else if (ai < 0) {
          ai = 0;
          aj = -diff;
        }
        if (diff > Ci - Cj) {
          if (ai > Ci) {
            ai = Ci;
            aj = Ci - diff;
          }
        } else if (aj > Cj) {
          aj = Cj;
          ai = Cj + diff;
        }
      } else {
        const quad = Math.max((QD[i] as number) + (QD[j] as number) - 2 * (Qi[j] as number), TAU);
        const delta = ((G[i] as number) - (G[j] as number)) / quad;
        const sum = ai + aj;
        ai -= delta;
        aj += delta;
        if (sum > Ci) {
          if (ai > Ci) {
            ai = Ci;
            aj = sum - Ci;
          }
        } else if (aj < 0) {
          aj = 0;
          ai = sum;
        }
        if (sum > Cj) {
          if (aj > Cj) {
            aj = Cj;
            ai = sum - Cj;
          }
        } else if (ai < 0) {
          ai = 0;
          aj = sum;
        }
      }
      alpha[i] = ai;
      alpha[j] = aj;
      const dI = ai - oldI;
      const dJ = aj - oldJ;
      for (let t = 0; t < activeSize; t++) G[t] = (G[t] as number) + (Qi[t] as number) * dI + (Qj[t] as number) * dJ;
      // Ḡ changes only when a variable enters or leaves the upper bound.
      this.updateGbar(i, Ci, oldI >= Ci, ai >= Ci);
      this.updateGbar(j, Cj, oldJ >= Cj, aj >= Cj);
    }
    if (!converged && this.activeSize < l) {
      this.reconstructGradient();
      this.activeSize = l;
    }
    return { nIter: iteration, converged };
  }

  private updateGbar(i: number, Ci: number, wasUpper: boolean, isUpper: boolean): void {
    if (wasUpper === isUpper) return;
    const column = this.Q.column(i, this.l);
    const step = isUpper ? Ci : -Ci;
    const Gbar = this.Gbar;
    for (let t = 0; t < this.l; t++) Gbar[t] = (Gbar[t] as number) + step * (column[t] as number);
  }

  /** WSS2 over the active set; false when the maximal violation is below tol (optimal there). */
  private selectWorkingSet(): boolean {
    const { alpha, G, y, Cp, Cn, activeSize } = this;
    // i: the most violating variable by first-order information.
    let gMax = Number.NEGATIVE_INFINITY;
    let i = -1;
    for (let t = 0; t < activeSize; t++) {
      if (y[t] === 1) {
        if ((alpha[t] as number) < Cp && -(G[t] as number) >= gMax) {
          gMax = -(G[t] as number);
          i = t;
        }
      } else if ((alpha[t] as number) > 0 && (G[t] as number) >= gMax) {
        gMax = G[t] as number;
        i = t;
      }
    }
    if (i === -1) return false;
    // j: the partner giving the largest second-order decrease of the objective.
    const QD = this.Q.diagonal;
    const Qi = this.Q.column(i, activeSize);
    const yi = y[i] as number;
    let gMax2 = Number.NEGATIVE_INFINITY;
    let j = -1;
    let bestDecrease = Number.POSITIVE_INFINITY;
    for (let t = 0; t < activeSize; t++) {
      let gradDiff: number;
      let quad: number;
      if (y[t] === 1) {
        if (!((alpha[t] as number) > 0)) continue;
        gradDiff = gMax + (G[t] as number);
        gMax2 = Math.max(gMax2, G[t] as number);
        quad = (QD[i] as number) + (QD[t] as number) - 2 * yi * (Qi[t] as number);
      } else {
        if (!((alpha[t] as number) < Cn)) continue;
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
    if (gMax + gMax2 < this.tol || j === -1) return false;
    this.workI = i;
    this.workJ = j;
    return true;
  }

  /** libsvm's be_shrunk: a bounded variable whose gradient says it would move further out of the box. */
  private beShrunk(t: number, gMax1: number, gMax2: number): boolean {
    const a = this.alpha[t] as number;
    const g = this.G[t] as number;
    if (a >= (this.y[t] === 1 ? this.Cp : this.Cn)) return this.y[t] === 1 ? -g > gMax1 : -g > gMax2;
    if (a <= 0) return this.y[t] === 1 ? g > gMax2 : g > gMax1;
    return false;
  }

  /** libsvm's do_shrinking, including the one-time unshrink once the violation is within 10·tol. */
  private doShrinking(): void {
    const { alpha, G, y, Cp, Cn } = this;
    let gMax1 = Number.NEGATIVE_INFINITY; // max { -yᵢ∇ᵢ | i ∈ I_up }
    let gMax2 = Number.NEGATIVE_INFINITY; // max { yᵢ∇ᵢ | i ∈ I_low }
    for (let t = 0; t < this.activeSize; t++) {
      const a = alpha[t] as number;
      const g = G[t] as number;
      if (y[t] === 1) {
        if (a < Cp && -g >= gMax1) gMax1 = -g;
        if (a > 0 && g >= gMax2) gMax2 = g;
      } else {
        if (a < Cn && -g >= gMax2) gMax2 = -g;
        if (a > 0 && g >= gMax1) gMax1 = g;
      }
    }
    if (!this.unshrink && gMax1 + gMax2 <= this.tol * 10) {
      this.unshrink = true;
      this.reconstructGradient();
      this.activeSize = this.l;
    }
    for (let t = 0; t < this.activeSize; t++) {
      if (!this.beShrunk(t, gMax1, gMax2)) continue;
      this.activeSize--;
      while (this.activeSize > t) {
        if (!this.beShrunk(this.activeSize, gMax1, gMax2)) {
          this.swapIndex(t, this.activeSize);
          break;
        }
        this.activeSize--;
      }
    }
  }

  /** libsvm's reconstruct_gradient: Gₜ = Ḡₜ - 1 + Σ_{free s} αₛQₜₛ for the inactive t, by the cheaper loop order. */
  private reconstructGradient(): void {
    const { l, activeSize, alpha, G, Gbar, y, Cp, Cn } = this;
    if (activeSize === l) return;
    for (let t = activeSize; t < l; t++) G[t] = (Gbar[t] as number) - 1;
    const isFree = (s: number): boolean => (alpha[s] as number) > 0 && (alpha[s] as number) < (y[s] === 1 ? Cp : Cn);
    let free = 0;
    for (let s = 0; s < activeSize; s++) if (isFree(s)) free++;
    if (free * l > 2 * activeSize * (l - activeSize)) {
      for (let t = activeSize; t < l; t++) {
        const column = this.Q.column(t, activeSize);
        let sum = 0;
        for (let s = 0; s < activeSize; s++) if (isFree(s)) sum += (alpha[s] as number) * (column[s] as number);
        G[t] = (G[t] as number) + sum;
      }
    } else {
      for (let s = 0; s < activeSize; s++) {
        if (!isFree(s)) continue;
        const a = alpha[s] as number;
        const column = this.Q.column(s, l);
        for (let t = activeSize; t < l; t++) G[t] = (G[t] as number) + a * (column[t] as number);
      }
    }
  }

  private swapIndex(i: number, j: number): void {
    this.Q.swapIndex(i, j);
    swap(this.y, i, j);
    swap(this.alpha, i, j);
    swap(this.G, i, j);
    swap(this.Gbar, i, j);
    swap(this.activeSet, i, j);
  }
}

function swap(array: Int8Array | Int32Array | Float64Array, i: number, j: number): void {
  const held = array[i] as number;
  array[i] = array[j] as number;
  array[j] = held;
}

/** libsvm's rho: the mean of yG over free variables, else the middle of the feasible interval. */
function computeRho(alpha: Float64Array, G: Float64Array, signs: Int8Array, { Cp, Cn }: SmoBounds): number {
  let upper = Number.POSITIVE_INFINITY;
  let lower = Number.NEGATIVE_INFINITY;
  let free = 0;
  let sumFree = 0;
  for (let t = 0; t < alpha.length; t++) {
    const yG = (signs[t] as number) * (G[t] as number);
    const a = alpha[t] as number;
    if (a >= (signs[t] === 1 ? Cp : Cn)) {
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
