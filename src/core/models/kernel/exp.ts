/**
 * exp(x) for the rbf kernel, bit-identical to V8's Math.exp (fdlibm's __ieee754_exp, which V8 ports
 * in src/base/ieee754.cc) but inlinable: Math.exp is a call into C that costs ~40% of an rbf column.
 * Same argument reduction (x = k·ln2 + r), the same degree-5 rational approximation and the same
 * operation order; 2^k comes from a table. Outside [-700, 1] it defers to Math.exp.
 */

const words = new DataView(new ArrayBuffer(8));

/** The double whose high 32 bits are `high` and low bits zero (fdlibm compares high words against these). */
function fromHighWord(high: number): number {
  words.setUint32(0, high);
  words.setUint32(4, 0);
  return words.getFloat64(0);
}

const HALF_LN2 = fromHighWord(0x3fd62e43);
const THREE_HALVES_LN2 = fromHighWord(0x3ff0a2b2);
const TWO_TO_MINUS_28 = fromHighWord(0x3e300000);
const LN2_HI = 6.9314718036912381649e-1;
const LN2_LO = 1.90821492927058770002e-10;
const INV_LN2 = 1.442695040888963387;
const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.6533902205465251539e-6;
const P5 = 4.13813679705723846039e-8;
/** 2^-k for k = 0 … 1021 (exact powers of two, all normal). */
const POW2_NEG = Float64Array.from({ length: 1022 }, (_, k) => 2 ** -k);

/** e^x for x ≤ 0 (other x are passed to Math.exp), equal bit for bit to Math.exp(x). */
export function expNonPositive(x: number): number {
  if (!(x >= -700 && x <= 0)) return Math.exp(x);
  const ax = -x;
  let hi: number;
  let lo: number;
  let k: number;
  if (ax >= HALF_LN2) {
    if (ax < THREE_HALVES_LN2) {
      hi = x + LN2_HI;
      lo = -LN2_LO;
      k = -1;
    } else {
      k = (INV_LN2 * x - 0.5) | 0; // C's (int) cast truncates toward zero, as | 0 does
      hi = x - k * LN2_HI;
      lo = k * LN2_LO;
    }
    const r = hi - lo;
    const t = r * r;
    const c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
    return (1 - (lo - (r * c) / (2.0 - c) - hi)) * (POW2_NEG[-k] as number);
  }
  if (ax < TWO_TO_MINUS_28) return 1 + x;
  const t = x * x;
  const c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  return 1 - ((x * c) / (c - 2.0) - x);
}
