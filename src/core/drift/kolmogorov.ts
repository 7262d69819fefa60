/**
 * Survival function of the two-sided one-sample Kolmogorov–Smirnov statistic D_n (scipy.stats.kstwo.sf),
 * which ks_2samp's asymptotic mode evaluates at n = round(n1·n2 / (n1 + n2)). Follows SciPy's
 * _ksstats.py (Simard & L'Ecuyer's choice of method) and Cephes' one-sided smirnov; SciPy keeps
 * some intermediates in double-double or long double, here everything is float64.
 */

const LOG_2PI = Math.log(2 * Math.PI);
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const PI2 = Math.PI ** 2;
const PI4 = Math.PI ** 4;
const PI6 = Math.PI ** 6;
const MIN_LOG = -708;
const CEPHES_MINLOG = -7.451332191019412076235e2;
const SCALE_EXP = 128;
const SCALE_UP = 2 ** 128;
const SCALE_DOWN = 2 ** -128;
const STIRLING = [
  -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4, -5.952380952380952381e-4, 7.9365079365079365079e-4,
  -2.7777777777777777778e-3, 8.3333333333333333333e-2,
];

const clip01 = (p: number): number => Math.min(1, Math.max(0, p));

/** log(n! / n^n) by Stirling's series, with n log n removed up front against cancellation. */
function logFactorialOverPower(n: number): number {
  const rn = 1 / n;
  let poly = 0;
  for (const c of STIRLING) poly = poly * (rn / n) + c;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
}

/** One-sided Smirnov survival Pr(D+_n >= x) (scipy.special.smirnov), by the Birnbaum–Tingey sum in logs. */
export function smirnovSf(n: number, x: number): number {
  if (!(n > 0 && x >= 0 && x <= 1)) return Number.NaN;
  if (n === 1) return 1 - x;
  if (x === 0) return 1;
  if (x === 1) return 0;
  const nx = n * x;
  let nxFloor = Math.floor(nx);
  let alpha = nx - nxFloor;
  if (alpha === 1) {
    nxFloor += 1;
    alpha = 0;
  }
  if (nxFloor === 0 || (nxFloor === 1 && alpha === 0)) return 1 - x * (1 + x) ** (n - 1);
  if (-2 * n * x * x < CEPHES_MINLOG) return 0;
  if (nxFloor >= n - 1) return (1 - x) ** n;
  if (n > 1_000_000) {
    const logp = -((6 * n * x + 1) ** 2) / 18 / n;
    return logp < -Math.LN2 ? Math.exp(logp) : 1 + Math.expm1(logp);
  }
  // Terms v = 0 .. floor(n(1-x)) (the last one left out when n(1-x) is an integer).
  const last = n - nxFloor - 1;
  let sum = (1 - x) ** n / x;
  let logBinomial = 0;
  for (let v = 1; v <= last; v++) {
    logBinomial += Math.log((n - v + 1) / v);
    const base = (n - v) / n - x;
    if (base <= 0) break;
    const term = Math.exp(logBinomial + (n - v) * Math.log(base) + (v - 1) * Math.log(x + v / n));
    sum += term;
    if (term !== 0 && 4 * (last + 1 - v) * term < Number.EPSILON * sum && v !== last) break;
  }
  return clip01(x * sum);
}

/** Pr(D_n <= d) by Durbin's matrix algorithm as Marsaglia, Tsang and Wang compute it. */
function durbinMatrixCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const H = new Float64Array(m * m);
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - h ** j) * fac;
  }
  const tt = Math.max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + tt) * fac;
  for (let i = 1; i < m; i++) for (let r = i - 1; r < m; r++) H[r * m + i] = w[r - i + 1] as number;
  for (let r = 0; r < m; r++) H[r * m] = v[r] as number;
  for (let c = 0; c < m; c++) H[(m - 1) * m + c] = v[m - 1 - c] as number;

  let power: Float64Array = identity(m);
  let base: Float64Array = H;
  let nn = n;
  let exponent = 0;
  let baseExponent = 0;
  while (nn > 0) {
    if (nn % 2) {
      power = multiply(power, base, m);
      exponent += baseExponent;
    }
    base = multiply(base, base, m);
    baseExponent *= 2;
    if (Math.abs(base[(k - 1) * m + (k - 1)] as number) > SCALE_UP) {
      for (let i = 0; i < base.length; i++) base[i] = (base[i] as number) / SCALE_UP;
      baseExponent += SCALE_EXP;
    }
    nn = Math.floor(nn / 2);
  }
  let p = power[(k - 1) * m + (k - 1)] as number;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < SCALE_DOWN) {
      p *= SCALE_UP;
      exponent -= SCALE_EXP;
    }
  }
  return clip01(p * 2 ** exponent);
}

function identity(m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) out[i * m + i] = 1;
  return out;
}

function multiply(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let l = 0; l < m; l++) {
      const ail = a[i * m + l] as number;
      if (ail === 0) continue;
      for (let j = 0; j < m; j++) out[i * m + j] = (out[i * m + j] as number) + ail * (b[l * m + j] as number);
    }
  }
  return out;
}

function pomeranzBounds(i: number, n: number, ll: number, ceilf: number, roundf: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const half = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = half - 1 - ll - roundf - 1;
        j2 = half + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundf - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** Pr(D_n <= x) by Pomeranz's recursion. */
function pomeranzCdf(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const npwrs = 2 * (ll + 1);
  const gpower = new Float64Array(npwrs);
  const twogpower = new Float64Array(npwrs);
  const onem2gpower = new Float64Array(npwrs);
  gpower[0] = twogpower[0] = onem2gpower[0] = 1;
  const gOverN = g / n;
  const twoGOverN = (2 * g) / n;
  const oneMinusTwoGOverN = (1 - 2 * g) / n;
  for (let m = 1; m < npwrs; m++) {
    gpower[m] = ((gpower[m - 1] as number) * gOverN) / m;
    twogpower[m] = ((twogpower[m - 1] as number) * twoGOverN) / m;
    onem2gpower[m] = ((onem2gpower[m - 1] as number) * oneMinusTwoGOverN) / m;
  }
  let V0 = new Float64Array(npwrs);
  let V1 = new Float64Array(npwrs);
  V1[0] = 1;
  let V0s = 0;
  let V1s = 0;
  let exponent = 0;
  let [j1, j2] = pomeranzBounds(0, n, ll, ceilf, roundf);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [V0, V1] = [V1, V0];
    [V0s, V1s] = [V1s, V0s];
    V1.fill(0);
    [j1, j2] = pomeranzBounds(i, n, ll, ceilf, roundf);
    const powers = i === 1 || i === 2 * n + 1 ? gpower : i % 2 ? twogpower : onem2gpower;
    const len = j2 - k1 + 1;
    if (len > 0) {
      const offset = k1 - V0s;
      const convStart = j1 - k1;
      const convLen = j2 - j1 + 1;
      let max = 0;
      for (let c = 0; c < convLen; c++) {
        const at = convStart + c;
        let s = 0;
        for (let a = Math.max(0, at - len + 1); a <= Math.min(at, len - 1); a++) s += (V0[offset + a] as number) * (powers[at - a] as number);
        V1[c] = s;
        if (s > max) max = s;
      }
      if (max > 0 && max < SCALE_DOWN) {
        for (let c = 0; c < convLen; c++) V1[c] = (V1[c] as number) * SCALE_UP;
        exponent -= SCALE_EXP;
      }
      V1s = V0s + j1 - k1;
    }
  }
  let ans = V1[n - V1s] as number;
  for (let m = 1; m <= n; m++) {
    if (Math.abs(ans) > SCALE_UP) {
      ans *= SCALE_DOWN;
      exponent += SCALE_EXP;
    }
    ans *= m;
  }
  return clip01(ans * 2 ** exponent);
}

/** Pelz–Good approximation of Pr(D_n <= x), for large n. */
function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z * z;
  const z3 = z2 * z;
  const z4 = z2 * z2;
  const z6 = z4 * z2;
  const qlog = -PI2 / 8 / z2;
  if (qlog < MIN_LOG) return 0;
  let q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = PI2 / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI2) / 4;
  const k2c = (PI4 * (1 - 2 * z2)) / 16;
  const k3d = (PI6 * (5 - 30 * z2)) / 64;
  const k3c = (PI4 * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI2 * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  const K = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m * m;
    const m4 = m2 * m2;
    const m6 = m4 * m2;
    const qpower = q ** (8 * k);
    const coeffs = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6];
    for (let i = 0; i < 4; i++) K[i] = (K[i] as number) * qpower + (coeffs[i] as number);
  }
  const divisors = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) K[i] = ((K[i] as number) * q * SQRT_2PI) / (divisors[i] as number);
  q = Math.exp(-PI2 / 2 / z2);
  const sqrt3z = Math.sqrt(3) * z;
  let k2extra = 0;
  let k3extra = 0;
  for (let k = maxk; k > 0; k--) {
    const k2 = k * k;
    const qk = q ** k2;
    const kpi = Math.PI * k;
    k2extra += k2 * qk;
    k3extra += (sqrt3z + kpi) * (sqrt3z - kpi) * k2 * qk;
  }
  K[2] = (K[2] as number) + (k2extra * PI2 * SQRT_2PI) / (-36 * z3);
  K[3] = (K[3] as number) + (k3extra * PI2 * SQRT_2PI) / (216 * z6);
  let sum = 0;
  for (let i = 0; i < 4; i++) sum += (K[i] as number) / n ** (i / 2);
  return sum;
}

/** Pr(D_n >= x) for the two-sided one-sample KS statistic (scipy.stats.kstwo.sf(x, n)). */
export function kolmogorovSf(n: number, x: number): number {
  if (!Number.isInteger(n) || n <= 0 || Number.isNaN(x)) return Number.NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    let cdf: number;
    if (n <= 140) {
      cdf = 1;
      for (let i = 1; i <= n; i++) cdf *= i * (1 / n) * (2 * t - 1);
    } else {
      cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return clip01(1 - cdf);
  }
  if (t >= n - 1) return clip01(2 * (1 - x) ** n);
  if (x >= 0.5) return clip01(2 * smirnovSf(n, x));
  const nxSquared = t * x;
  if (n <= 140) {
    if (nxSquared <= 0.754693) return clip01(1 - durbinMatrixCdf(n, x));
    if (nxSquared <= 4) return clip01(1 - pomeranzCdf(n, x));
    return clip01(2 * smirnovSf(n, x));
  }
  if (nxSquared >= 370) return 0;
  if (nxSquared >= 2.2) return clip01(2 * smirnovSf(n, x));
  const cdf = n <= 100000 && n * x ** 1.5 <= 1.4 ? durbinMatrixCdf(n, x) : pelzGoodCdf(n, x);
  return clip01(1 - cdf);
}
