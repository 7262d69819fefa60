import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildHistogram, rootCounts, type BinnedRows } from '../../../src/core/models/boosting/histogram';
import { HistogramMemory } from '../../../src/core/models/boosting/histogramSimd';
import { HistogramTeam, launchTeam, sharedBins, sharedFloat32, sharedInt32, teamTuning } from '../../../src/core/models/boosting/team';
import { TreeGrower, type GrowContext } from '../../../src/core/models/boosting/grower';
import { lossFor } from '../../../src/core/models/boosting/losses';
import { addTreeOutputBinned } from '../../../src/core/models/boosting/tree';
import { Random } from '../../../src/core/random';

// Every request goes to the team once its workers are up, however busy the machine (these tests check the team's results).
teamTuning.backoff = false;

test('gradient_boosting n_jobs: histograms built by the caller and pool workers equal one thread’s, root and node, with and without hessians', async () => {
  const rng = new Random(11);
  const rows = 10_000;
  const features = 23;
  const nBins = 256;
  const bins = Uint8Array.from({ length: rows * features }, () => Math.floor(rng.next() * nBins));
  const data: BinnedRows = sharedBins({ rows, features, nBins, bins });
  const outputs = 2;
  const g = sharedFloat32(rows * outputs);
  const h = sharedFloat32(rows * outputs);
  for (let i = 0; i < g.length; i++) {
    g[i] = rng.normal();
    h[i] = rng.next();
  }
  const partition = sharedInt32(rows);
  // A node's rows: a sorted random half, as a stable partition leaves them.
  let nodeRows = 0;
  for (let i = 0; i < rows; i++) if (rng.next() < 0.5) partition[nodeRows++] = i;
  const counts = rootCounts(data);
  const sharedCounts = new Float64Array(new SharedArrayBuffer(counts.byteLength));
  sharedCounts.set(counts);
  const team = new HistogramTeam(3, data, g, h, partition, sharedCounts);
  try {
    const began = Date.now();
    while (!team.started) {
      assert.ok(Date.now() - began < 120_000, 'the histogram workers did not start');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (const root of [true, false]) {
      for (const constantHessian of [true, false]) {
        for (const offset of [0, rows]) {
          const stop = root ? rows : nodeRows;
          const expected = new Float64Array(features * nBins * 3);
          buildHistogram(expected, data, 0, features, root ? null : partition, 0, stop, g, constantHessian ? null : h, offset, root ? counts : null);
          const got = new Float64Array(features * nBins * 3);
          assert.equal(team.build(got, 0, stop, offset, root, constantHessian), true, 'a large node is built by the team');
          assert.deepEqual(got, expected, `root ${root}, constant hessian ${constantHessian}, offset ${offset}`);
        }
      }
    }
    // A small node stays on the calling thread.
    assert.equal(team.build(new Float64Array(features * nBins * 3), 0, 100, 0, false, true), false);
  } finally {
    await team.close();
  }
  // Counting the root's rows one by one gives the copied counts.
  const counted = new Float64Array(features * nBins * 3);
  buildHistogram(counted, data, 0, features, null, 0, rows, g, h, 0, null);
  const copied = new Float64Array(features * nBins * 3);
  buildHistogram(copied, data, 0, features, null, 0, rows, g, h, 0, counts);
  assert.deepEqual(copied, counted);
});

test('gradient_boosting n_jobs with the WebAssembly kernel: every thread builds in the shared kernel memory, equal to one JavaScript thread', async (t) => {
  const rng = new Random(12);
  const rows = 10_000;
  const features = 23;
  const nBins = 256;
  const bins = Uint8Array.from({ length: rows * features }, () => Math.floor(rng.next() * nBins));
  const data: BinnedRows = { rows, features, nBins, bins };
  const kernels = HistogramMemory.create(data, 1, true);
  if (!kernels) {
    t.skip('WebAssembly SIMD is not available here');
    return;
  }
  const g = sharedFloat32(rows);
  const h = sharedFloat32(rows);
  for (let i = 0; i < rows; i++) {
    g[i] = rng.normal();
    h[i] = rng.next();
  }
  let nodeRows = 0;
  for (let i = 0; i < rows; i++) if (rng.next() < 0.5) kernels.partition[nodeRows++] = i;
  const counts = rootCounts(data);
  const sharedCounts = new Float64Array(new SharedArrayBuffer(counts.byteLength));
  sharedCounts.set(counts);
  const team = new HistogramTeam(3, { ...data, bins: kernels.bins }, g, h, kernels.partition, sharedCounts, kernels);
  try {
    const began = Date.now();
    while (!team.started) {
      assert.ok(Date.now() - began < 120_000, 'the histogram workers did not start');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (const root of [true, false]) {
      for (const constantHessian of [true, false]) {
        const stop = root ? rows : nodeRows;
        const expected = new Float64Array(features * nBins * 3);
        buildHistogram(expected, data, 0, features, root ? null : kernels.partition, 0, stop, g, constantHessian ? null : h, 0, root ? counts : null);
        kernels.load(g, constantHessian ? null : h, 0);
        // In kernel memory (built in place) and outside it (built in the scratch histogram and copied).
        for (const got of [kernels.resident[0] as Float64Array, new Float64Array(features * nBins * 3)]) {
          got.fill(1);
          assert.equal(team.build(got, 0, stop, 0, root, constantHessian), true, 'a large node is built by the team');
          assert.deepEqual(got, expected, `root ${root}, constant hessian ${constantHessian}, in kernel memory ${kernels.holds(got)}`);
        }
      }
    }
  } finally {
    await team.close();
  }
});

test('gradient_boosting n_jobs: the team builds, subtracts and searches splits in one command per node, partitions large nodes, and grows the trees of one thread', async () => {
  const rng = new Random(13);
  const rows = 20_000;
  const features = 23;
  const nBins = 256;
  const maxLeafNodes = 31;
  const bins = Uint8Array.from({ length: rows * features }, (_, k) => (k % features < 5 && rng.next() < 0.05 ? nBins - 1 : Math.floor(rng.next() * 60)));
  const hasMissing = Uint8Array.from({ length: features }, (_, f) => (f < 5 ? 1 : 0));
  const g = sharedFloat32(rows * 2);
  const h = sharedFloat32(rows * 2);
  // Gradients that depend on features of several chunks, the last feature most, so the best split moves between chunks.
  const signal = [
    [0, 0.3],
    [7, 0.5],
    [15, 0.7],
    [22, 1],
  ] as const;
  for (let i = 0; i < g.length; i++) {
    const row = i % rows;
    g[i] = rng.normal();
    for (const [f, weight] of signal) g[i] = (g[i] as number) + (weight * (((bins[row * features + f] as number) % 60) - 30)) / 30;
    h[i] = 0.05 + rng.next();
  }
  const splits = { yes: 0, partitions: 0 };
  const split = HistogramTeam.prototype.split;
  const partition = HistogramTeam.prototype.partition;
  HistogramTeam.prototype.partition = function (this: HistogramTeam, ...args: Parameters<HistogramTeam['partition']>): number {
    const cut = partition.apply(this, args);
    if (cut >= 0) splits.partitions++;
    return cut;
  };
  HistogramTeam.prototype.split = function (this: HistogramTeam, ...args: Parameters<HistogramTeam['split']>): boolean {
    const done = split.apply(this, args);
    if (done) splits.yes++;
    return done;
  };
  const growers = [1, 2].map(
    (jobs) =>
      new TreeGrower({
        rows,
        features,
        data: { rows, features, nBins, bins },
        nBins,
        missingBin: nBins - 1,
        nBinsNonMissing: new Int32Array(features).fill(60),
        hasMissing,
        maxLeafNodes,
        maxDepth: null,
        minSamplesLeaf: 20,
        l2: 0.5,
        shrinkage: 0.1,
        thresholds: Array.from({ length: features }, () => Float64Array.from({ length: 59 }, (_, k) => k)),
        jobs,
      }),
  );
  const [one, two] = growers as [TreeGrower, TreeGrower];
  try {
    // The first tree starts the workers (and is grown by the caller until they are up).
    const grow = (grower: TreeGrower, constant: boolean, offset: number): unknown => {
      const raw = new Float64Array(rows);
      return { tree: grower.grow(g, h, offset, constant, raw, 1, 0), raw };
    };
    assert.deepEqual(grow(two, false, 0), grow(one, false, 0));
    const began = Date.now();
    while (!two.teamStarted) {
      assert.ok(Date.now() - began < 120_000, 'the histogram workers did not start');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    for (const constant of [false, true]) {
      for (const offset of [0, rows])
        assert.deepEqual(grow(two, constant, offset), grow(one, constant, offset), `constant hessian ${constant}, offset ${offset}`);
    }
    if (HistogramMemory.create({ rows: 1, features: 1, nBins, bins: new Uint8Array(1) }, 1, true))
      assert.ok(splits.yes > 4, `${splits.yes} team split commands`);
    assert.ok(splits.partitions > 0, 'the team partitions large nodes');
  } finally {
    HistogramTeam.prototype.split = split;
    HistogramTeam.prototype.partition = partition;
    await two.close();
  }
});

test('gradient_boosting n_jobs: the team computes the loss and gradients of the rows as one thread does (multiclass and binary, with and without weights)', async () => {
  const rng = new Random(14);
  const rows = 30_000;
  const features = 4;
  const nBins = 256;
  const bins = Uint8Array.from({ length: rows * features }, () => Math.floor(rng.next() * 40));
  const shared = (values: Float64Array): Float64Array => {
    const copy = new Float64Array(new SharedArrayBuffer(values.byteLength));
    copy.set(values);
    return copy;
  };
  for (const classes of [3, 2]) {
    for (const weighted of [false, true]) {
      const loss = lossFor(classes, weighted);
      const K = loss.trees;
      const y = shared(Float64Array.from({ length: rows }, () => Math.floor(rng.next() * classes)));
      const raw = shared(Float64Array.from({ length: rows * K }, () => 2 * rng.normal()));
      const weights = weighted ? shared(Float64Array.from({ length: rows }, () => rng.next() * 3)) : undefined;
      const g = sharedFloat32(rows * K);
      const h = sharedFloat32(rows * K);
      const grower = new TreeGrower({
        rows,
        features,
        data: { rows, features, nBins, bins },
        nBins,
        missingBin: nBins - 1,
        nBinsNonMissing: new Int32Array(features).fill(40),
        hasMissing: new Uint8Array(features),
        maxLeafNodes: 4,
        maxDepth: null,
        minSamplesLeaf: 20,
        l2: 0,
        shrinkage: 0.1,
        thresholds: Array.from({ length: features }, () => Float64Array.from({ length: 39 }, (_, k) => k)),
        jobs: 2,
        rowsLoss: { classes, weighted, y, raw, weights, terms: shared(new Float64Array(rows)) },
      });
      try {
        grower.grow(g, h, 0, false, new Float64Array(rows * K), K, 0);
        const began = Date.now();
        while (!grower.teamStarted) {
          assert.ok(Date.now() - began < 120_000, 'the histogram workers did not start');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        const g1 = new Float32Array(rows * K);
        const h1 = new Float32Array(rows * K);
        const expected = loss.lossAndGradients(y, raw, weights, g1, h1);
        const label = `${classes} classes, weighted ${weighted}`;
        assert.equal(grower.lossAndGradients(loss, y, raw, weights, g, h), expected, label);
        assert.deepEqual(g, g1, label);
        assert.deepEqual(h, h1, label);
      } finally {
        await grower.close();
      }
    }
  }
});

/** Rows of `features` features binned in 50 bins, with gradients and hessians of K outputs (tree k's at k · rows), all shared. */
function threeOutputRows(seed: number, rows: number, features: number, K: number): { bins: Uint8Array; g: Float32Array; h: Float32Array; start: Float64Array } {
  const rng = new Random(seed);
  const bins = Uint8Array.from({ length: rows * features }, () => Math.floor(rng.next() * 50));
  const g = sharedFloat32(rows * K);
  const h = sharedFloat32(rows * K);
  for (let i = 0; i < g.length; i++) {
    g[i] = rng.normal() + ((bins[(i % rows) * features + 2] as number) - 25) / 10;
    h[i] = 0.1 + rng.next();
  }
  return { bins, g, h, start: Float64Array.from({ length: rows * K }, () => rng.normal()) };
}

/** A grower of 31 leaves on rows whose features use the first `used` of 256 bins; `more` adds to its context (a team's rowsLoss or launch). */
function testGrower(bins: Uint8Array, rows: number, features: number, used: number, jobs: number, more: Partial<GrowContext> = {}): TreeGrower {
  const nBins = 256;
  return new TreeGrower({
    rows,
    features,
    data: { rows, features, nBins, bins },
    nBins,
    missingBin: nBins - 1,
    nBinsNonMissing: new Int32Array(features).fill(used),
    hasMissing: new Uint8Array(features),
    maxLeafNodes: 31,
    maxDepth: null,
    minSamplesLeaf: 20,
    l2: 0,
    shrinkage: 0.1,
    thresholds: Array.from({ length: features }, () => Float64Array.from({ length: used - 1 }, (_, k) => k)),
    jobs,
    ...more,
  });
}

/** testGrower on 50 bins for K outputs; with jobs > 1 its team reads y and adds to `raw` (both shared). */
function outputsGrower(bins: Uint8Array, rows: number, features: number, K: number, jobs: number, raw: Float64Array): TreeGrower {
  const y = new Float64Array(new SharedArrayBuffer(rows * 8));
  const terms = new Float64Array(new SharedArrayBuffer(rows * 8));
  return testGrower(bins, rows, features, 50, jobs, {
    outputs: K,
    ...(jobs > 1 ? { rowsLoss: { classes: K, weighted: false, y, raw, weights: undefined, terms } } : {}),
  });
}

async function teamUp(grower: TreeGrower, growOnce: () => void): Promise<void> {
  const began = Date.now();
  while (!grower.teamStarted) {
    assert.ok(Date.now() - began < 120_000, 'the histogram workers did not start');
    await new Promise((resolve) => setTimeout(resolve, 20));
    growOnce();
  }
}

test('gradient_boosting n_jobs: the team adds the leaves’ values to the raw predictions of their rows as one thread does', async () => {
  const rows = 40_000;
  const features = 6;
  const K = 3;
  const { bins, g, h, start } = threeOutputRows(15, rows, features, K);
  const raw = new Float64Array(new SharedArrayBuffer(rows * K * 8));
  raw.set(start);
  const one = outputsGrower(bins, rows, features, K, 1, new Float64Array(0));
  const two = outputsGrower(bins, rows, features, K, 2, raw);
  let added = 0;
  const addLeaves = HistogramTeam.prototype.addLeaves;
  HistogramTeam.prototype.addLeaves = function (this: HistogramTeam, ...args: Parameters<HistogramTeam['addLeaves']>): boolean {
    const done = addLeaves.apply(this, args);
    if (done) added++;
    return done;
  };
  try {
    const expected = start.slice();
    two.grow(g, h, 0, false, raw, K, 0);
    one.grow(g, h, 0, false, expected, K, 0);
    await teamUp(two, () => undefined);
    for (const k of [1, 2, 0]) {
      assert.deepEqual(two.grow(g, h, k * rows, false, raw, K, k), one.grow(g, h, k * rows, false, expected, K, k), `tree of output ${k}`);
      assert.deepEqual(raw, expected, `raw predictions after the tree of output ${k}`);
    }
    assert.ok(added >= 3, `${added} team leaf additions`);
  } finally {
    HistogramTeam.prototype.addLeaves = addLeaves;
    await two.close();
  }
});

test('gradient_boosting n_jobs: an iteration’s trees grow on different threads at once, each the tree one thread grows, credited in the same order', async () => {
  const rows = 30_000;
  const features = 7;
  const K = 3;
  const { bins, g, h, start } = threeOutputRows(17, rows, features, K);
  const expected = start.slice();
  const one = outputsGrower(bins, rows, features, K, 1, expected);
  let rounds = 0;
  const startGrowing = HistogramTeam.prototype.startGrowing;
  HistogramTeam.prototype.startGrowing = function (this: HistogramTeam, ...args: Parameters<HistogramTeam['startGrowing']>): number {
    const given = startGrowing.apply(this, args);
    if (given > 0) rounds++;
    return given;
  };
  const iterations = (grower: TreeGrower, raw: Float64Array, count: number): unknown[] =>
    Array.from({ length: count }, () => grower.growIteration(g, h, false, raw, K));
  try {
    // Two threads: the worker grows output 1 while the caller grows 0, then 2 (helped once the worker is done); three
    // threads grow all three at once.
    for (const jobs of [2, 3]) {
      const raw = new Float64Array(new SharedArrayBuffer(rows * K * 8));
      raw.set(start);
      expected.set(start);
      const many = outputsGrower(bins, rows, features, K, jobs, raw);
      try {
        assert.deepEqual(iterations(many, raw, 1), iterations(one, expected, 1), `${jobs} jobs: first iteration`);
        await teamUp(many, () => undefined);
        rounds = 0;
        assert.deepEqual(iterations(many, raw, 3), iterations(one, expected, 3), `${jobs} jobs: trees`);
        assert.ok(rounds >= 3, `${jobs} jobs: ${rounds} rounds of trees on several threads`);
        assert.deepEqual(raw, expected, `${jobs} jobs: raw predictions`);
        assert.deepEqual(many.importances, one.importances, `${jobs} jobs: importances`);
      } finally {
        await many.close();
      }
      one.importances.fill(0);
    }
  } finally {
    HistogramTeam.prototype.startGrowing = startGrowing;
  }
});

test('gradient_boosting n_jobs: workers launched before the data are ready take the team’s input and grow the trees of one thread; unused, they stop', async () => {
  const rng = new Random(16);
  const rows = 30_000;
  const features = 9;
  // Launched first, as a fit does before binning; the data come later.
  const launch = launchTeam(2, features);
  assert.ok(launch, 'two jobs launch one worker');
  const bins = Uint8Array.from({ length: rows * features }, () => Math.floor(rng.next() * 40));
  const g = sharedFloat32(rows);
  const h = sharedFloat32(rows);
  for (let i = 0; i < rows; i++) {
    g[i] = rng.normal() + ((bins[i * features + 4] as number) - 20) / 8;
    h[i] = 0.1 + rng.next();
  }
  const make = (jobs: number): TreeGrower => testGrower(bins, rows, features, 40, jobs, jobs > 1 ? { launch } : {});
  const one = make(1);
  const two = make(2);
  try {
    const grow = (grower: TreeGrower): unknown => {
      const raw = new Float64Array(rows);
      return { tree: grower.grow(g, h, 0, false, raw, 1, 0), raw };
    };
    assert.deepEqual(grow(two), grow(one));
    const began = Date.now();
    while (!two.teamStarted) {
      assert.ok(Date.now() - began < 120_000, 'the launched workers did not start');
      await new Promise((resolve) => setTimeout(resolve, 20));
      grow(two);
    }
    assert.deepEqual(grow(two), grow(one), 'a tree grown with the launched worker');
    // Slot 0 of the control block counts the commands: the team used the launch's block.
    assert.ok(Atomics.load(launch.control, 0) > 0, 'commands went to the launched worker');
  } finally {
    await two.close();
  }
  const outcome = await launch.finished;
  assert.ok(Array.isArray(outcome) && typeof outcome[0] === 'number', 'the launched worker quit when told, with its count of commands');
  // A launch no team takes over is stopped by its close.
  const unused = launchTeam(2, features);
  assert.ok(unused);
  await unused.close();
  assert.equal(launchTeam(1, features), undefined);
  assert.equal(launchTeam(4, 1), undefined);
});

test('gradient_boosting n_jobs: the team scores the early-stopping rows (their raw predictions and loss) as one thread does', async () => {
  const rows = 30_000;
  const features = 7;
  const K = 3;
  const { bins, g, h, start } = threeOutputRows(18, rows, features, K);
  const rng = new Random(19);
  const validationRows = 20_000;
  const binned = new Uint8Array(new SharedArrayBuffer(validationRows * features));
  binned.set(Uint8Array.from({ length: validationRows * features }, () => (rng.next() < 0.02 ? 255 : Math.floor(rng.next() * 50))));
  const y = new Float64Array(new SharedArrayBuffer(validationRows * 8));
  y.set(Float64Array.from({ length: validationRows }, () => Math.floor(rng.next() * K)));
  const baseline = Float64Array.from({ length: validationRows * K }, () => rng.normal() * 0.1);
  const rawVal = new Float64Array(new SharedArrayBuffer(validationRows * K * 8));
  rawVal.set(baseline);
  const raw = new Float64Array(new SharedArrayBuffer(rows * K * 8));
  raw.set(start);
  const yTrain = new Float64Array(new SharedArrayBuffer(rows * 8));
  const validation = {
    binned,
    cols: features,
    missingBin: 255,
    y,
    weights: undefined,
    raw: rawVal,
    terms: new Float64Array(new SharedArrayBuffer(validationRows * 8)),
  };
  const two = testGrower(bins, rows, features, 50, 2, {
    outputs: K,
    rowsLoss: { classes: K, weighted: false, y: yTrain, raw, weights: undefined, terms: new Float64Array(new SharedArrayBuffer(rows * 8)) },
    validation,
  });
  const loss = lossFor(K, false);
  const expected = baseline.slice();
  let scored = 0;
  try {
    await teamUp(two, () => two.growIteration(g, h, false, raw, K));
    for (let it = 0; it < 3; it++) {
      const trees = two.growIteration(g, h, false, raw, K);
      const got = two.scoreValidation(trees);
      trees.forEach((tree, k) => addTreeOutputBinned(tree, binned, features, 255, expected, K, k));
      if (got === undefined) {
        // Not taken by the team: the caller adds the trees itself.
        trees.forEach((tree, k) => addTreeOutputBinned(tree, binned, features, 255, rawVal, K, k));
        continue;
      }
      scored++;
      assert.deepEqual(rawVal, expected, `iteration ${it}: raw predictions of the early-stopping rows`);
      assert.equal(got, loss.loss(y, expected, undefined), `iteration ${it}: their loss`);
    }
    assert.ok(scored >= 2, `${scored} iterations scored by the team`);
  } finally {
    await two.close();
  }
});
