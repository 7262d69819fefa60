import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildHistogram, rootCounts, type BinnedRows } from '../../../src/core/models/boosting/histogram';
import { allocateBins, TreeGrower } from '../../../src/core/models/boosting/grower';
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

test('gradient_boosting grower: bins filled in kernel memory (allocateBins) are used without a copy, and trees are the same without the column copy', () => {
  const rng = new Random(8);
  const rows = 2_000;
  const features = 7;
  const nBins = 256;
  const maxLeafNodes = 15;
  const bins = allocateBins(rows, features, nBins, maxLeafNodes, 1);
  for (let k = 0; k < bins.length; k++) bins[k] = rng.next() < 0.05 ? nBins - 1 : Math.floor(rng.next() * 50);
  const g = Float32Array.from({ length: rows }, () => rng.normal());
  const h = Float32Array.from({ length: rows }, () => 0.1 + rng.next());
  const trees = [true, false].map((columnCopy) => {
    const grower = new TreeGrower({
      rows,
      features,
      data: { rows, features, nBins, bins },
      nBins,
      missingBin: nBins - 1,
      nBinsNonMissing: new Int32Array(features).fill(50),
      hasMissing: new Uint8Array(features).fill(1),
      maxLeafNodes,
      maxDepth: null,
      minSamplesLeaf: 20,
      l2: 0,
      shrinkage: 0.1,
      thresholds: Array.from({ length: features }, () => Float64Array.from({ length: 49 }, (_, k) => k)),
      jobs: 1,
      columnCopy,
    });
    const raw = new Float64Array(rows);
    return { tree: grower.grow(g, h, 0, false, raw, 1, 0), raw };
  });
  const [withColumns, withoutColumns] = trees as [(typeof trees)[0], (typeof trees)[0]];
  assert.ok(withColumns.tree.feature.length > 20, 'the tree split');
  assert.deepEqual(withoutColumns, withColumns);
  // Kernel memory made by allocateBins is taken as it is once, then copied.
  const filled = allocateBins(rows, features, nBins, maxLeafNodes, 1);
  const taken = HistogramMemory.create({ rows, features, nBins, bins: filled }, maxLeafNodes + 1);
  if (taken) {
    assert.equal(taken.bins, filled);
    assert.notEqual(HistogramMemory.create({ rows, features, nBins, bins: filled }, maxLeafNodes + 1)?.bins, filled);
  }
});
