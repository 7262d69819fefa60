import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildHistogram, rootCounts, type BinnedRows } from '../../../src/core/models/boosting/histogram';
import { HistogramMemory } from '../../../src/core/models/boosting/histogramSimd';
import { Random } from '../../../src/core/random';

test('gradient_boosting histograms: the WebAssembly kernel equals the JavaScript one bit for bit, root and node, with and without hessians', (t) => {
  const rng = new Random(5);
  const rows = 3_000;
  // Odd and not a multiple of the kernel's unrolling, with a missing-value bin.
  const features = 23;
  const nBins = 256;
  const bins = Uint8Array.from({ length: rows * features }, () => (rng.next() < 0.05 ? nBins - 1 : Math.floor(rng.next() * 40)));
  const data: BinnedRows = { rows, features, nBins, bins };
  const memory = HistogramMemory.create(data, 2);
  if (!memory) {
    t.skip('WebAssembly SIMD is not available here');
    return;
  }
  assert.equal(memory.resident.length, 2);
  const g = Float32Array.from({ length: 2 * rows }, () => rng.normal());
  const h = Float32Array.from({ length: 2 * rows }, () => rng.next());
  let nodeRows = 0;
  for (let i = 0; i < rows; i++) if (rng.next() < 0.4) memory.partition[nodeRows++] = i;
  const partition = memory.partition.slice();
  const counts = rootCounts(data);
  const size = features * nBins * 3;
  for (const root of [true, false]) {
    for (const constantHessian of [true, false]) {
      const offset = rows;
      const stop = root ? rows : nodeRows;
      const expected = new Float64Array(size);
      buildHistogram(expected, data, 0, features, root ? null : partition, 0, stop, g, constantHessian ? null : h, offset, root ? counts : null);
      memory.load(g, constantHessian ? null : h, offset);
      // In kernel memory (built in place) and outside it (built in scratch and copied).
      for (const histogram of [memory.resident[0] as Float64Array, new Float64Array(size)]) {
        histogram.fill(0);
        memory.build(histogram, !root, 0, stop, !constantHessian, root ? counts : null);
        assert.deepEqual(histogram, expected, `root ${root}, constant hessian ${constantHessian}`);
      }
    }
  }
  // Histogram subtraction equals slot-by-slot JavaScript, in and out of kernel memory.
  const parent = memory.resident[0] as Float64Array;
  for (const own of [memory.resident[1] as Float64Array, new Float64Array(size)]) {
    for (let k = 0; k < size; k++) own[k] = rng.normal();
    const expected = parent.map((v, k) => v - (own[k] as number));
    memory.subtract(parent, own);
    assert.deepEqual(parent, expected);
  }
});
