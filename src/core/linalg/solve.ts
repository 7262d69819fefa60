/** Small dense solvers: Cholesky for symmetric positive definite systems, conjugate gradient for implicit ones. */

/**
 * Solves A x = b for symmetric positive (semi)definite A (n × n, row-major) by Cholesky.
 * When A is singular it retries with a tiny ridge added to the diagonal, growing it until the
 * factorisation succeeds, so collinear features still give a (minimum-ish norm) answer.
 */
export function solveSymmetric(A: Float64Array, b: Float64Array, n: number): Float64Array {
  let maxDiagonal = 0;
  for (let i = 0; i < n; i++) maxDiagonal = Math.max(maxDiagonal, Math.abs(A[i * n + i] as number));
  const scale = maxDiagonal > 0 ? maxDiagonal : 1;
  for (let ridge = 0; ; ridge = ridge === 0 ? scale * 1e-12 : ridge * 100) {
    const L = choleskyFactor(A, n, ridge);
    if (L) return choleskySolve(L, b, n);
    if (ridge > scale) throw new RangeError('system is not positive definite');
  }
}

/** Lower-triangular Cholesky factor of A + ridge·I, or undefined when a pivot is not safely positive. */
function choleskyFactor(A: Float64Array, n: number, ridge: number): Float64Array | undefined {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let diagonal = (A[j * n + j] as number) + ridge;
    for (let k = 0; k < j; k++) diagonal -= (L[j * n + k] as number) ** 2;
    // A relative threshold catches numerically singular systems that would otherwise give huge weights.
    if (!(diagonal > 1e-12 * Math.max(1, Math.abs(A[j * n + j] as number)))) return undefined;
    const root = Math.sqrt(diagonal);
    L[j * n + j] = root;
    for (let i = j + 1; i < n; i++) {
      let sum = A[i * n + j] as number;
      for (let k = 0; k < j; k++) sum -= (L[i * n + k] as number) * (L[j * n + k] as number);
      L[i * n + j] = sum / root;
    }
  }
  return L;
}

function choleskySolve(L: Float64Array, b: Float64Array, n: number): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let sum = b[i] as number;
    for (let k = 0; k < i; k++) sum -= (L[i * n + k] as number) * (y[k] as number);
    y[i] = sum / (L[i * n + i] as number);
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let sum = y[i] as number;
    for (let k = i + 1; k < n; k++) sum -= (L[k * n + i] as number) * (x[k] as number);
    x[i] = sum / (L[i * n + i] as number);
  }
  return x;
}

/**
 * Conjugate gradient for A x = b where A is symmetric positive semidefinite and only available
 * as a product `multiply(v, out)`; used when a Gram matrix would be too large to form (wide sparse data).
 */
export function conjugateGradient(
  multiply: (v: Float64Array, out: Float64Array) => void,
  b: Float64Array,
  options: { readonly tol?: number; readonly maxIter?: number; readonly onIteration?: (iteration: number, residual: number) => void } = {},
): Float64Array {
  const { tol = 1e-10, maxIter = 10 * b.length + 100, onIteration } = options;
  const n = b.length;
  const x = new Float64Array(n);
  const r = Float64Array.from(b);
  const p = Float64Array.from(b);
  const Ap = new Float64Array(n);
  let rr = dot(r, r);
  const stop = tol * tol * Math.max(rr, Number.MIN_VALUE);
  for (let iteration = 0; iteration < maxIter && rr > stop; iteration++) {
    multiply(p, Ap);
    const pAp = dot(p, Ap);
    if (!(pAp > 0)) break;
    const step = rr / pAp;
    for (let i = 0; i < n; i++) {
      x[i] = (x[i] as number) + step * (p[i] as number);
      r[i] = (r[i] as number) - step * (Ap[i] as number);
    }
    const next = dot(r, r);
    for (let i = 0; i < n; i++) p[i] = (r[i] as number) + (next / rr) * (p[i] as number);
    rr = next;
    onIteration?.(iteration, Math.sqrt(rr));
  }
  return x;
}

/** Plain dot product of two equal-length vectors. */
export function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}
