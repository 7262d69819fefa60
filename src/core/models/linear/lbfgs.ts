/**
 * Limited-memory BFGS with an optional L1 term handled by OWL-QN (Andrew & Gao, 2007), so the same
 * optimiser serves L2 and L1 logistic regression. Stops like scipy's L-BFGS-B: the largest entry of the
 * (pseudo-)gradient below `gtol`, or a relative objective decrease below `ftol`.
 */
import { throwIfAborted } from '../../types';

/** Returns f(x) and writes ∇f(x) into grad. */
export type ObjectiveWithGradient = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsSettings {
  readonly maxIter: number;
  readonly gtol: number;
  readonly ftol?: number;
  readonly memory?: number;
  /** Per-coordinate L1 weight λⱼ (0 = unpenalised); the minimised objective is f(x) + Σ λⱼ|xⱼ|. */
  readonly l1?: Float64Array;
  readonly signal?: AbortSignal;
  readonly onIteration?: (iteration: number, objective: number) => void;
}

export interface LbfgsResult {
  readonly x: Float64Array;
  readonly objective: number;
  readonly nIter: number;
  readonly converged: boolean;
}

/** Minimises a smooth convex objective (plus an optional weighted L1 norm) from x0. */
export function minimizeLbfgs(fg: ObjectiveWithGradient, x0: Float64Array, settings: LbfgsSettings): LbfgsResult {
  const steps = lbfgsSteps(x0, settings);
  let next = steps.next();
  while (!next.done) next = steps.next(fg(next.value.x, next.value.grad));
  return next.value;
}

/**
 * minimizeLbfgs for an objective that takes time to evaluate, such as a loss summed over batches streamed from a
 * file: the same iterations, so the same answer as the in-memory objective to its rounding.
 */
export async function minimizeLbfgsAsync(
  fg: (x: Float64Array, grad: Float64Array) => Promise<number>,
  x0: Float64Array,
  settings: LbfgsSettings,
): Promise<LbfgsResult> {
  const steps = lbfgsSteps(x0, settings);
  let next = steps.next();
  while (!next.done) next = steps.next(await fg(next.value.x, next.value.grad));
  return next.value;
}

/** The optimiser as a generator: it yields each point to evaluate (writing ∇f into `grad`) and is sent back f there. */
function* lbfgsSteps(x0: Float64Array, settings: LbfgsSettings): Generator<{ x: Float64Array; grad: Float64Array }, LbfgsResult, number> {
  const { maxIter, gtol, ftol = 64 * Number.EPSILON, memory = 10, l1, signal, onIteration } = settings;
  const n = x0.length;
  let x = Float64Array.from(x0);
  let g = new Float64Array(n);
  let f = (yield { x, grad: g }) + l1Norm(x, l1);
  const pg = new Float64Array(n);
  const d = new Float64Array(n);
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(memory);
  let xNext = new Float64Array(n);
  let gNext = new Float64Array(n);
  let converged = false;
  let iteration = 0;
  for (; iteration < maxIter; iteration++) {
    throwIfAborted(signal);
    pseudoGradient(x, g, l1, pg);
    if (maxAbs(pg) <= gtol) {
      converged = true;
      break;
    }
    // Two-loop recursion: d = -H·pg.
    for (let i = 0; i < n; i++) d[i] = -(pg[i] as number);
    for (let m = s.length - 1; m >= 0; m--) {
      const a = (rho[m] as number) * dot(s[m] as Float64Array, d);
      alpha[m] = a;
      axpy(-a, y[m] as Float64Array, d);
    }
    if (s.length > 0) {
      const last = s.length - 1;
      const gamma = dot(s[last] as Float64Array, y[last] as Float64Array) / dot(y[last] as Float64Array, y[last] as Float64Array);
      for (let i = 0; i < n; i++) d[i] = (d[i] as number) * gamma;
    }
    for (let m = 0; m < s.length; m++) {
      const b = (rho[m] as number) * dot(y[m] as Float64Array, d);
      axpy((alpha[m] as number) - b, s[m] as Float64Array, d);
    }
    // OWL-QN keeps the direction inside the orthant the pseudo-gradient points to.
    if (l1) for (let i = 0; i < n; i++) if ((l1[i] as number) > 0 && (d[i] as number) * (pg[i] as number) >= 0) d[i] = 0;
    let slope = dot(pg, d);
    if (!(slope < 0)) {
      s.length = 0;
      y.length = 0;
      rho.length = 0;
      for (let i = 0; i < n; i++) d[i] = -(pg[i] as number);
      slope = dot(pg, d);
    }
    let step = s.length === 0 ? Math.min(1, 1 / Math.sqrt(dot(pg, pg))) : 1;
    let fNext = Number.POSITIVE_INFINITY;
    let accepted = false;
    for (let tries = 0; tries < 40; tries++) {
      for (let i = 0; i < n; i++) {
        let value = (x[i] as number) + step * (d[i] as number);
        if (l1 && (l1[i] as number) > 0) {
          const orthant = (x[i] as number) !== 0 ? Math.sign(x[i] as number) : -Math.sign(pg[i] as number);
          if (Math.sign(value) !== orthant) value = 0;
        }
        xNext[i] = value;
      }
      fNext = (yield { x: xNext, grad: gNext }) + l1Norm(xNext, l1);
      let decrease = 0;
      for (let i = 0; i < n; i++) decrease += (pg[i] as number) * ((xNext[i] as number) - (x[i] as number));
      if (fNext <= f + 1e-4 * decrease) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) {
      // No decrease possible at machine precision: the current point is as good as it gets.
      converged = true;
      break;
    }
    const sNew = new Float64Array(n);
    const yNew = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      sNew[i] = (xNext[i] as number) - (x[i] as number);
      yNew[i] = (gNext[i] as number) - (g[i] as number);
    }
    const sy = dot(sNew, yNew);
    if (sy > 1e-12 * dot(yNew, yNew)) {
      if (s.length === memory) {
        s.shift();
        y.shift();
        rho.shift();
      }
      s.push(sNew);
      y.push(yNew);
      rho.push(1 / sy);
    }
    const relativeDecrease = (f - fNext) / Math.max(Math.abs(f), Math.abs(fNext), 1);
    [x, xNext] = [xNext, x];
    [g, gNext] = [gNext, g];
    f = fNext;
    onIteration?.(iteration + 1, f);
    if (relativeDecrease <= ftol) {
      converged = true;
      iteration++;
      break;
    }
  }
  return { x, objective: f, nIter: iteration, converged };
}

/** Gradient of f + Σλ|x| where it exists, and the minimum-norm subgradient at zeros. */
function pseudoGradient(x: Float64Array, g: Float64Array, l1: Float64Array | undefined, out: Float64Array): void {
  for (let i = 0; i < x.length; i++) {
    const lambda = l1 ? (l1[i] as number) : 0;
    const gi = g[i] as number;
    const xi = x[i] as number;
    if (lambda === 0) out[i] = gi;
    else if (xi > 0) out[i] = gi + lambda;
    else if (xi < 0) out[i] = gi - lambda;
    else if (gi + lambda < 0) out[i] = gi + lambda;
    else if (gi - lambda > 0) out[i] = gi - lambda;
    else out[i] = 0;
  }
}

function l1Norm(x: Float64Array, l1: Float64Array | undefined): number {
  if (!l1) return 0;
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += (l1[i] as number) * Math.abs(x[i] as number);
  return sum;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

function axpy(a: number, xs: Float64Array, out: Float64Array): void {
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) + a * (xs[i] as number);
}

function maxAbs(values: Float64Array): number {
  let max = 0;
  for (const v of values) max = Math.max(max, Math.abs(v));
  return max;
}
