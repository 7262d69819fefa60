/**
 * Special functions behind the drift p-values: log-gamma, the regularized incomplete gamma
 * functions (chi-squared tails) and the normal CDF, following Cephes as SciPy does.
 */

const MACHEP = 1.11022302462515654042e-16;
const BIG = 4.503599627370496e15;
const BIG_INV = 2.22044604925031308085e-16;
const MAX_ITER = 2000;

// Lanczos approximation (Numerical Recipes 3rd ed., g = 671/128, 14 terms): ~1e-15 relative.
const LANCZOS = [
  57.1562356658629235, -59.5979603554754912, 14.1360979747417471, -0.491913816097620199, 0.339946499848118887e-4, 0.465236289270485756e-4,
  -0.983744753048795646e-4, 0.158088703224912494e-3, -0.210264441724104883e-3, 0.217439618115212643e-3, -0.16431810653676389e-3, 0.844182239838527433e-4,
  -0.261908384015814087e-4, 0.368991826595316234e-5,
];

/** log Γ(x) for x > 0. */
export function logGamma(x: number): number {
  if (!(x > 0)) return Number.NaN;
  if (x < 0.5) {
    // Reflection keeps small arguments accurate: Γ(x)Γ(1-x) = π / sin(πx).
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  }
  let y = x;
  let tmp = x + 5.2421875;
  tmp = (x + 0.5) * Math.log(tmp) - tmp;
  let series = 0.999999999999997092;
  for (const c of LANCZOS) series += c / ++y;
  return tmp + Math.log((2.5066282746310005 * series) / x);
}

/** x^a e^{-x} / Γ(a), the common factor of both incomplete gamma expansions. */
function gammaFactor(a: number, x: number): number {
  return Math.exp(a * Math.log(x) - x - logGamma(a));
}

/** P(a, x) by its power series (good while x < a + 1). */
function lowerSeries(a: number, x: number): number {
  let r = a;
  let c = 1;
  let sum = 1;
  for (let i = 0; i < MAX_ITER; i++) {
    r += 1;
    c *= x / r;
    sum += c;
    if (c / sum <= MACHEP) break;
  }
  return (sum * gammaFactor(a, x)) / a;
}

/** Q(a, x) by Cephes' continued fraction (good once x >= a + 1). */
function upperContinuedFraction(a: number, x: number): number {
  let y = 1 - a;
  let z = x + y + 1;
  let c = 0;
  let pkm2 = 1;
  let qkm2 = x;
  let pkm1 = x + 1;
  let qkm1 = z * x;
  let ans = pkm1 / qkm1;
  for (let i = 0; i < MAX_ITER; i++) {
    c += 1;
    y += 1;
    z += 2;
    const yc = y * c;
    const pk = pkm1 * z - pkm2 * yc;
    const qk = qkm1 * z - qkm2 * yc;
    let t = 1;
    if (qk !== 0) {
      const r = pk / qk;
      t = Math.abs((ans - r) / r);
      ans = r;
    }
    pkm2 = pkm1;
    pkm1 = pk;
    qkm2 = qkm1;
    qkm1 = qk;
    if (Math.abs(pk) > BIG) {
      pkm2 *= BIG_INV;
      pkm1 *= BIG_INV;
      qkm2 *= BIG_INV;
      qkm1 *= BIG_INV;
    }
    if (t <= MACHEP) break;
  }
  return ans * gammaFactor(a, x);
}

/** Regularized lower incomplete gamma P(a, x) (scipy.special.gammainc). */
export function gammaIncLower(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || x < 0 || a <= 0) return Number.NaN;
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  if (x < a + 1) return lowerSeries(a, x);
  return 1 - upperContinuedFraction(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = 1 - P(a, x) (scipy.special.gammaincc). */
export function gammaIncUpper(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || x < 0 || a <= 0) return Number.NaN;
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  // Each branch computes the smaller-error side directly; the other is one subtraction away.
  if (x < a + 1) return 1 - lowerSeries(a, x);
  return upperContinuedFraction(a, x);
}

/** Upper tail of the chi-squared distribution with `df` degrees of freedom (scipy.stats.chi2.sf). */
export function chiSquaredSurvival(statistic: number, df: number): number {
  if (Number.isNaN(statistic) || !(df > 0)) return Number.NaN;
  if (statistic < 0) return 1;
  return gammaIncUpper(df / 2, statistic / 2);
}

/** erf(x), via P(1/2, x²). */
export function erf(x: number): number {
  const value = gammaIncLower(0.5, x * x);
  return x < 0 ? -value : value;
}

/** erfc(x), via Q(1/2, x²) for x >= 0, so that far tails keep their relative accuracy. */
export function erfc(x: number): number {
  return x < 0 ? 2 - gammaIncUpper(0.5, x * x) : gammaIncUpper(0.5, x * x);
}

/** Standard normal CDF, arranged as Cephes' ndtr (scipy.special.ndtr / scipy.stats.norm.cdf). */
export function normalCdf(a: number): number {
  const x = a * Math.SQRT1_2;
  const z = Math.abs(x);
  if (z < Math.SQRT1_2) return 0.5 + 0.5 * erf(x);
  const y = 0.5 * erfc(z);
  return x > 0 ? 1 - y : y;
}
