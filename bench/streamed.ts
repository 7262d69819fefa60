/**
 * Training beyond memory (issue 19): gradient boosting on a generated 6,000,000 × 20 CSV, streamed under a memory
 * budget, beside our in-memory fit and pandas + scikit-learn's HistGradientBoostingClassifier on the same file, same
 * hold-out rows, in the same run. Our sides read the file through the run's streamed source (stream/open.ts: DuckDB,
 * then a pass cache). Each side runs in its own process under a wrapper that reports wall time, CPU and
 * the child's peak RSS (getrusage).
 *
 *   node --import tsx bench/streamed.ts [--rows 6000000] [--features 20] [--max-memory-mb 512] [--skip-streamed] [--skip-memory] [--skip-sklearn] [--skip-bins-check] [--keep DIR]
 *
 * The hold-out is the streamed split: rows whose seeded row hash (stream/source.ts rowUnit, seed 42) falls below 0.2;
 * scikit-learn's side computes the same hash with numpy. The streamed fit reads the file through DuckDB (memory_limit a
 * quarter of the budget, as stream/run.ts sets it), keeps only the bins (1 byte a cell), the targets and the boosting state; the in-memory fit
 * holds the whole matrix (8 bytes a cell) as `mlwb train` without a budget does.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { fitBins, type Bins } from '../src/core/models/boosting/binning';
import { fitGradientBoostingStreamed, streamBins } from '../src/core/models/boosting/streamed';
import { GradientBoostingClassifier } from '../src/core/models/gradientBoosting';
import type { Model } from '../src/core/models/spec';
import { DEFAULT_SEED, Random } from '../src/core/random';
import { HOLDOUT_FOLD, type StreamSource } from '../src/core/stream/source';
import type { Classifier, DenseMatrix } from '../src/core/types';
import { DatasetEngine } from '../src/core/datasets/engine';
import { StreamTable } from '../src/core/stream/open';
import { measure, writeLogisticCsv } from './csvData';
import { option } from './common';
import { rowsApart } from '../test/unit/stream/thresholds';

const TEST_SIZE = 0.2;

/** pandas + HistGradientBoostingClassifier on the rows whose row hash is at least TEST_SIZE; accuracy on the others. */
const SKLEARN = `
import json, sys, time
import numpy as np, pandas
from sklearn.ensemble import HistGradientBoostingClassifier
t0 = time.perf_counter()
frame = pandas.read_csv(sys.argv[1])
t1 = time.perf_counter()
y = frame.pop("y").to_numpy()
X = frame.to_numpy()
del frame
seed = int(sys.argv[2])
k = (np.arange(len(y), dtype=np.uint64) + np.uint64((seed * 0x9E3779B9) % 2**32)) % np.uint64(2**32)
k ^= k >> np.uint64(16)
k = (k * np.uint64(0x85EBCA6B)) % np.uint64(2**32)
k ^= k >> np.uint64(13)
k = (k * np.uint64(0xC2B2AE35)) % np.uint64(2**32)
k ^= k >> np.uint64(16)
held = (k.astype(np.float64) / 2**32) < float(sys.argv[3])
model = HistGradientBoostingClassifier(random_state=seed).fit(X[~held], y[~held])
accuracy = float((model.predict(X[held]) == y[held]).mean())
t2 = time.perf_counter()
print(json.dumps({"accuracy": accuracy, "trees": int(model.n_iter_), "read": t1 - t0, "fit": t2 - t1}))
`;

interface ChildResult {
  readonly accuracy: number;
  readonly trees: number;
  readonly passes: number;
  readonly stages: string;
}

/** Held-out accuracy of a classifier over the held-out rows, one batch at a time. */
async function heldOutAccuracy(source: StreamSource, model: Model): Promise<number> {
  let right = 0;
  let total = 0;
  await source.pass(
    (batch) => {
      const predicted = (model as Classifier).predict(batch.x);
      predicted.forEach((label, i) => {
        if (label === source.classes[batch.y[i] as number]) right++;
      });
      total += batch.rows;
    },
    { rows: 'heldOut' },
  );
  return right / total;
}

/**
 * How far the streamed fit's thresholds (DuckDB, a hash subsample) sit from the in-memory fit's (_BinMapper's rule on a
 * random subsample of the same size), in share of the training rows they send to different sides: max and mean over every threshold.
 */
function binsAgreement(X: DenseMatrix, streamed: Bins): string {
  const inMemory = fitBins(X, 255, new Random(DEFAULT_SEED));
  let max = 0;
  let sum = 0;
  let count = 0;
  const column = new Float64Array(X.rows);
  for (let f = 0; f < X.cols; f++) {
    for (let i = 0; i < X.rows; i++) column[i] = X.data[i * X.cols + f] as number;
    column.sort();
    const a = streamed.thresholds[f] as Float64Array;
    const b = inMemory.thresholds[f] as Float64Array;
    if (a.length !== b.length) return `feature ${f}: ${a.length} thresholds streamed, ${b.length} in memory`;
    for (let k = 0; k < a.length; k++) {
      const share = rowsApart(column, a[k] as number, b[k] as number);
      max = Math.max(max, share);
      sum += share;
      count++;
    }
  }
  return `bin thresholds vs _BinMapper's rule: at most ${(100 * max).toFixed(3)} % of the rows apart (mean ${((100 * sum) / count).toFixed(4)} %)`;
}

/** One side of the comparison, in this (child) process: prints a ChildResult. */
async function child(mode: string, csv: string, maxMemoryMb: number): Promise<void> {
  const engine = new DatasetEngine(1);
  // As stream/run.ts does under --max-memory-mb: DuckDB gets a quarter of the budget.
  if (mode === 'streamed') await engine.query(`SET memory_limit = '${Math.max(64, Math.floor(maxMemoryMb / 4))}MB'`);
  const cacheDir = mkdtempSync(path.join(path.dirname(csv), 'cache-'));
  const table = await StreamTable.open(engine, csv, {
    target: 'y',
    task: 'classification',
    leaveOutMissingTarget: false,
    seed: DEFAULT_SEED,
    validation: { method: 'holdout', test_size: TEST_SIZE },
    batchSize: 65_536,
    quantileBytes: 1 << 24,
    cacheDir,
    budget: `${maxMemoryMb} MB`,
  });
  const source = await table.source(HOLDOUT_FOLD, [], false);
  try {
    const started = performance.now();
    const at = (): string => `${((performance.now() - started) / 1000).toFixed(1)} s`;
    const stages: string[] = [];
    let model: Model;
    let matrix: DenseMatrix | undefined;
    if (mode === 'streamed') {
      model = await fitGradientBoostingStreamed(source, {}, { seed: DEFAULT_SEED, onProgress: (e) => e.step === 1 && stages.push(`first tree at ${at()}`) });
    } else {
      // The whole training matrix in memory, read through the same DuckDB query.
      const cols = source.featureNames.length;
      const data = new Float64Array(source.rowCounts.train * cols);
      const labels: string[] = [];
      await source.pass((batch) => {
        data.set(batch.x.data.subarray(0, batch.rows * cols), labels.length * cols);
        batch.y.forEach((k) => labels.push(source.classes[k] as string));
      });
      stages.push(`read at ${at()}`);
      const X: DenseMatrix = { kind: 'dense', rows: labels.length, cols, data };
      matrix = X;
      const classifier = new GradientBoostingClassifier({});
      await classifier.fit(X, labels, { seed: DEFAULT_SEED });
      model = classifier;
    }
    stages.push(`fitted at ${at()}`);
    const accuracy = await heldOutAccuracy(source, model);
    stages.push(`scored at ${at()}`);
    const passes = source.passes();
    if (matrix && !process.argv.includes('--skip-bins-check'))
      stages.push(binsAgreement(matrix, await streamBins(source, 255, { earlyStopping: true, validationFraction: 0.1 }, DEFAULT_SEED)));
    const result: ChildResult = { accuracy, trees: (model as GradientBoostingClassifier).nIter, passes, stages: stages.join(', ') };
    console.log(JSON.stringify(result));
  } finally {
    table.close();
    await engine.close();
    rmSync(cacheDir, { recursive: true, force: true });
  }
}

function main(): void {
  const rows = option('rows', 6_000_000);
  const features = option('features', 20);
  const maxMemoryMb = option('max-memory-mb', 512);
  const keepAt = process.argv.indexOf('--keep');
  const workspace = keepAt >= 0 ? path.resolve(process.argv[keepAt + 1] as string) : mkdtempSync(path.join(tmpdir(), 'mlwb-bench-streamed-'));
  mkdirSync(workspace, { recursive: true });
  const csv = path.join(workspace, `data-${rows}x${features}.csv`);
  try {
    if (!existsSync(csv)) {
      const started = performance.now();
      writeLogisticCsv(csv, rows, features);
      console.log(`generated ${csv}: ${(statSync(csv).size / 2 ** 20).toFixed(0)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    console.log(
      `${rows.toLocaleString('en')} rows × ${features} features + binary target; gradient_boosting defaults (max_iter 100, early stopping on 10 % of the training rows), hold-out: row hash < ${TEST_SIZE}`,
    );
    const loadBefore = loadavg()[0] as number;
    const self = [process.execPath, '--import', 'tsx', path.join(__dirname, 'streamed.ts')];
    const sides: [string, string[]][] = [];
    if (!process.argv.includes('--skip-streamed')) {
      sides.push([`streamed, --max-memory-mb ${maxMemoryMb}`, [...self, '--child', 'streamed', csv, '--max-memory-mb', String(maxMemoryMb)]]);
    }
    const binsCheck = process.argv.includes('--skip-bins-check') ? ['--skip-bins-check'] : [];
    if (!process.argv.includes('--skip-memory')) sides.push(['in memory', [...self, '--child', 'memory', csv, ...binsCheck]]);
    for (const [name, argv] of sides) {
      const run = measure(argv);
      const result = JSON.parse(run.stdout.trim().split('\n').pop() as string) as ChildResult;
      console.log(
        `  ours ${name}: ${run.wall.toFixed(1)} s wall, ${run.cpu.toFixed(1)} s CPU, peak RSS ${run.rssMb.toFixed(0)} MB, held-out accuracy ${result.accuracy.toFixed(4)}, ${result.trees} trees, ${result.passes} reads of the file (${result.stages})`,
      );
    }
    if (!process.argv.includes('--skip-sklearn')) {
      // One OpenMP thread: on this oversubscribed 2-core machine two spinning threads run ~3× slower (bench/README.md, boosting).
      const theirs = measure(['/usr/bin/python3', '-c', SKLEARN, csv, String(DEFAULT_SEED), String(TEST_SIZE)], {
        env: { ...process.env, OMP_NUM_THREADS: '1' },
      });
      const sk = JSON.parse(theirs.stdout) as { accuracy: number; trees: number; read: number; fit: number };
      console.log(
        `  pandas + sklearn HistGradientBoosting (1 thread): ${theirs.wall.toFixed(1)} s wall, ${theirs.cpu.toFixed(1)} s CPU, peak RSS ${theirs.rssMb.toFixed(0)} MB, held-out accuracy ${sk.accuracy.toFixed(4)}, ${sk.trees} trees (read_csv ${sk.read.toFixed(1)} s, fit + score ${sk.fit.toFixed(1)} s)`,
      );
    }
    console.log(`  load average ${loadBefore.toFixed(1)} → ${(loadavg()[0] as number).toFixed(1)}`);
  } finally {
    if (keepAt < 0) rmSync(workspace, { recursive: true, force: true });
  }
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) {
  child(process.argv[childAt + 1] as string, process.argv[childAt + 2] as string, option('max-memory-mb', 512)).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main();
}
