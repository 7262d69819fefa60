import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BinLookup, binOf, binRows, fitBins, sortFloat64 } from '../../../src/core/models/boosting/binning';
import { Random } from '../../../src/core/random';
import type { DenseMatrix } from '../../../src/core/types';

/** The bits of each value, so −0 and +0 (and every NaN-free bit pattern) are told apart. */
function bits(values: Float64Array): number[] {
  return Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length * 2));
}

test('gradient_boosting binning: the radix sort orders values as Float64Array.prototype.sort does, bit for bit', () => {
  const rng = new Random(21);
  const special = [0, -0, 1e308, -1e308, Infinity, -Infinity, 5e-324, -5e-324, 1, -1, 2 ** -1074 * 3, -(2 ** 52)];
  const kinds: Record<string, () => number> = {
    normal: () => rng.normal(),
    ties: () => Math.floor(rng.normal() * 3),
    wide: () => rng.normal() * 10 ** Math.floor(rng.next() * 40 - 20),
    special: () => special[Math.floor(rng.next() * special.length)] as number,
    mixed: () => (rng.next() < 0.3 ? (special[Math.floor(rng.next() * special.length)] as number) : rng.normal() * 1e6),
    // Values that differ only in their low 32 bits (long runs of one high half), and a few that differ above.
    sameHigh: () => (1 + Math.floor(rng.next() * 2 ** 20) * 2 ** -52) * (rng.next() < 0.1 ? -2 : 1),
    pairs: () => (rng.next() < 0.5 ? 1 : -1) * (3 + Math.floor(rng.next() * 40) * 2 ** -50),
  };
  for (const n of [0, 1, 100, 511, 512, 513, 5_000, 70_000]) {
    for (const [name, draw] of Object.entries(kinds)) {
      const values = Float64Array.from({ length: n }, draw);
      const expected = values.slice().sort();
      const got = values.slice();
      sortFloat64(got);
      assert.deepEqual(bits(got), bits(expected), `${name}, ${n} values`);
    }
  }
  // A sorted view inside a larger buffer sorts only its own values.
  const whole = Float64Array.from({ length: 3_000 }, () => rng.normal());
  const before = whole.slice();
  sortFloat64(whole.subarray(1_000, 2_000));
  assert.deepEqual(bits(whole.subarray(1_000, 2_000)), bits(before.subarray(1_000, 2_000).sort()));
  assert.deepEqual(bits(whole.subarray(0, 1_000)), bits(before.subarray(0, 1_000)));
  assert.deepEqual(bits(whole.subarray(2_000)), bits(before.subarray(2_000)));
});

test('gradient_boosting binning: binRows gives every value binOf’s bin (the missing bin for NaN), features of different bin counts', () => {
  const rng = new Random(22);
  const rows = 3_000;
  const cols = 7;
  const data = Float64Array.from({ length: rows * cols }, (_, k) => {
    const f = k % cols;
    if (rng.next() < 0.05) return NaN;
    // Few distinct values in some features (small search tables), many in others.
    return f % 3 === 0 ? Math.floor(rng.next() * (f + 2)) : rng.normal() * (f + 1);
  });
  const X: DenseMatrix = { kind: 'dense', rows, cols, data };
  for (const maxBins of [3, 16, 255]) {
    const bins = fitBins(X, maxBins, new Random(0));
    const binned = binRows(X, bins);
    for (let i = 0; i < rows; i++) {
      for (let f = 0; f < cols; f++) {
        const v = data[i * cols + f] as number;
        const expected = Number.isNaN(v) ? bins.missingBin : binOf(bins.thresholds[f] as Float64Array, v);
        assert.equal(binned[i * cols + f], expected, `max_bins ${maxBins}, row ${i}, feature ${f}`);
      }
    }
  }
});

test('gradient_boosting binning: BinLookup gives binOf’s bin for values at, beside and between thresholds of every shape', () => {
  const rng = new Random(23);
  // The next double above and below v (v finite), where a value's bin changes.
  const step = (v: number, up: boolean): number => {
    const x = new Float64Array([v]);
    const w = new BigInt64Array(x.buffer);
    if (v === 0) return up ? 5e-324 : -5e-324;
    w[0] = (w[0] as bigint) + (v > 0 === up ? 1n : -1n);
    return x[0] as number;
  };
  const shapes: Record<string, Float64Array> = {
    uniform: Float64Array.from({ length: 254 }, (_, k) => k / 10 - 5),
    normal: Float64Array.from({ length: 254 }, () => rng.normal()).sort(),
    // Most thresholds in a few grid cells, a far one stretching the range (many thresholds share a cell).
    clustered: Float64Array.from([...Array.from({ length: 200 }, (_, k) => 1 + k * 1e-9), 1e6]).sort(),
    lognormal: Float64Array.from({ length: 254 }, () => Math.exp(3 * rng.normal())).sort(),
    tiny: Float64Array.from({ length: 50 }, (_, k) => (k - 25) * 5e-324),
    huge: Float64Array.from([-1e300, -1, 0, 1, 1e300]),
    one: Float64Array.from([0.5]),
    none: new Float64Array(0),
    infinite: Float64Array.from([-Infinity, 0, 1]),
  };
  for (const [name, cuts] of Object.entries(shapes)) {
    const lookup = new BinLookup({ thresholds: [cuts], nBinsNonMissing: Int32Array.from([cuts.length + 1]), missingBin: 255 });
    const values = [-Infinity, Infinity, 0, -0, -1e308, 1e308, ...Array.from({ length: 2_000 }, () => rng.normal() * 10 ** Math.floor(rng.next() * 8 - 4))];
    for (const t of cuts) if (Number.isFinite(t)) values.push(t, step(t, true), step(t, false));
    for (const v of values) assert.equal(lookup.bin(v, 0), binOf(cuts, v), `${name}: value ${v}`);
  }
});
