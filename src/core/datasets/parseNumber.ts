/**
 * Decimal numbers parsed straight from a CSV file's bytes, giving exactly the double DuckDB's `try_cast(text AS DOUBLE)`
 * gives (correctly rounded, as fast_float and `Number()` are), or NaN where this parser cannot prove that: the caller
 * then asks DuckDB. Only the plain form `[+-]?(digits[.digits]|.digits)([eE][+-]?digits)?` is parsed here; spaces,
 * `inf`, hexadecimal, underscores and anything else are left to DuckDB.
 */

/** 10^0 … 10^22: every one is a double exactly, so a product or quotient with one is correctly rounded. */
const POWERS = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/** Mantissas up to this many significant digits are exact integers in a double (10^15 < 2^53). */
const FAST_DIGITS = 15;

/**
 * The value of the bytes `start..end` of `bytes` as a plain decimal number, or NaN when they are not one or its value
 * could overflow or underflow (the caller asks DuckDB). Up to 15 significant digits with a decimal exponent within
 * ±22: one exact integer times or divided by an exact power of ten (Clinger's fast path), so correctly rounded. Longer
 * mantissas or larger exponents: `Number()` of the text (also correctly rounded, as DuckDB's fast_float is) when the
 * value is well inside the normal range.
 */
export function parseDecimal(bytes: Uint8Array, start: number, end: number): number {
  const value = scanDecimal(bytes, start, end, scan);
  return scan.end === end ? value : Number.NaN;
}

/** Where a scanDecimal call stopped. */
export interface Scan {
  end: number;
}

const scan: Scan = { end: 0 };

/**
 * The plain decimal number at the start of bytes `start..limit`, as parseDecimal reads it, with the index of the first
 * byte past it in `scan.end` (the caller checks that a field ends there); NaN when none is there, or when it must
 * be left to DuckDB.
 */
export function scanDecimal(bytes: Uint8Array, start: number, limit: number, scan: Scan): number {
  const end = limit;
  let i = start;
  let negative = false;
  const c = bytes[i];
  if (c === 45) {
    negative = true;
    i++;
  } else if (c === 43) {
    i++;
  }
  let mantissa = 0;
  let digits = 0;
  let scale = 0;
  let seen = false;
  for (; i < end; i++) {
    const d = (bytes[i] as number) - 48;
    if (d < 0 || d > 9) break;
    seen = true;
    if (digits > 0 || d !== 0) {
      if (digits < FAST_DIGITS) mantissa = mantissa * 10 + d;
      else scale++;
      digits++;
    }
  }
  if (i < end && bytes[i] === 46) {
    for (i++; i < end; i++) {
      const d = (bytes[i] as number) - 48;
      if (d < 0 || d > 9) break;
      seen = true;
      if (digits > 0 || d !== 0) {
        if (digits < FAST_DIGITS) {
          mantissa = mantissa * 10 + d;
          scale--;
        }
        digits++;
      } else {
        scale--;
      }
    }
  }
  scan.end = i;
  if (!seen) return Number.NaN;
  let exponent = 0;
  if (i < end && (bytes[i] === 101 || bytes[i] === 69)) {
    i++;
    let exponentNegative = false;
    if (i < end && (bytes[i] === 45 || bytes[i] === 43)) exponentNegative = bytes[i++] === 45;
    const first = i;
    for (; i < end; i++) {
      const d = (bytes[i] as number) - 48;
      if (d < 0 || d > 9) break;
      // Capped: any exponent past this many digits is out of range anyway (left to DuckDB below).
      if (exponent < 100_000) exponent = exponent * 10 + d;
    }
    if (i === first) return Number.NaN;
    if (exponentNegative) exponent = -exponent;
    scan.end = i;
  }
  if (digits === 0) {
    // Every digit zero: ±0 whatever the exponent, unless that is absurdly long.
    if (exponent >= 100_000 || exponent <= -100_000) return Number.NaN;
    return negative ? -0 : 0;
  }
  const power = scale + exponent;
  if (digits <= FAST_DIGITS && power >= -22 && power <= 22) {
    const value = power >= 0 ? mantissa * (POWERS[power] as number) : mantissa / (POWERS[-power] as number);
    return negative ? -value : value;
  }
  // The leading digit's power of ten: well inside the normal doubles (~2.2e-308 … 1.8e308), where Number() and
  // DuckDB round the same way and neither overflows nor goes subnormal.
  const magnitude = power + Math.min(digits, FAST_DIGITS) - 1;
  if (magnitude > 300 || magnitude < -300) return Number.NaN;
  let text = '';
  for (let k = start; k < i; k++) text += String.fromCharCode(bytes[k] as number);
  return Number(text);
}
