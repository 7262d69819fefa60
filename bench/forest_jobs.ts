/**
 * Random forest with n_jobs (worker threads) beside scikit-learn's RandomForestClassifier(n_jobs=-1), same data, same run.
 *
 * Run: node scripts/build.mjs && node --import tsx bench/forest_jobs.ts [--rows 100000] [--features 50] [--trees 100] [--jobs -1] [--serial]
 * The data: `rows` × `features` standard normals, 3 classes (bench/common.ts threeClassData); 80% train, 20% held out.
 * Ours grows the trees on the core's worker pool (dist/cli/pool.js when built, else src/worker/pool.ts through tsx);
 * --serial also times n_jobs 1 and checks the two forests predict the same.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { RandomForestClassifier } from '../src/core/models/randomForest';
import { setPoolScript } from '../src/core/parallel/pool';
import type { DenseMatrix } from '../src/core/types';
import { option, threeClassData } from './common';

const PYTHON = `
import json, sys, time
import numpy as np
from sklearn.ensemble import RandomForestClassifier
d = sys.argv[1]
rows, cols, cut, trees = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
X = np.fromfile(d + "/X.bin", dtype="<f8").reshape(rows, cols)
y = np.fromfile(d + "/y.bin", dtype="<i4")
est = RandomForestClassifier(n_estimators=trees, n_jobs=-1, random_state=0)
t = time.perf_counter()
est.fit(X[:cut], y[:cut])
seconds = time.perf_counter() - t
print(json.dumps({"seconds": seconds, "accuracy": float((est.predict(X[cut:]) == y[cut:]).mean())}))
`;

interface Result {
  seconds: number;
  accuracy: number;
}

function part(X: DenseMatrix, from: number, to: number): DenseMatrix {
  return { kind: 'dense', rows: to - from, cols: X.cols, data: X.data.slice(from * X.cols, to * X.cols) };
}

async function ours(
  train: DenseMatrix,
  trainLabels: string[],
  test: DenseMatrix,
  testLabels: string[],
  trees: number,
  jobs: number,
): Promise<Result & { predictions: string[] }> {
  const forest = new RandomForestClassifier({ n_estimators: trees, n_jobs: jobs });
  const start = performance.now();
  await forest.fit(train, trainLabels, { seed: 0 });
  const seconds = (performance.now() - start) / 1000;
  const predictions = forest.predict(test);
  return { seconds, accuracy: predictions.filter((p, i) => p === testLabels[i]).length / testLabels.length, predictions };
}

async function main(): Promise<void> {
  const rows = option('rows', 100_000);
  const cols = option('features', 50);
  const trees = option('trees', 100);
  const jobs = option('jobs', -1);
  const bundled = join(__dirname, '..', 'dist', 'cli', 'pool.js');
  if (existsSync(bundled)) setPoolScript({ file: bundled });
  const { X, labels } = threeClassData(rows, cols, 1);
  const cut = Math.floor(rows * 0.8);
  const train = part(X, 0, cut);
  const test = part(X, cut, rows);
  const mine = await ours(train, labels.slice(0, cut), test, labels.slice(cut), trees, jobs);

  const dir = mkdtempSync(join(tmpdir(), 'mlwb-forest-jobs-'));
  let theirs: Result;
  try {
    writeFileSync(join(dir, 'X.bin'), Buffer.from(X.data.buffer, X.data.byteOffset, X.data.byteLength));
    writeFileSync(join(dir, 'y.bin'), Buffer.from(Int32Array.from(labels, (l) => Number(l.slice(6))).buffer));
    writeFileSync(join(dir, 'run.py'), PYTHON);
    const out = execFileSync('/usr/bin/python3', ['-P', join(dir, 'run.py'), dir, String(rows), String(cols), String(cut), String(trees)], {
      encoding: 'utf8',
    });
    theirs = JSON.parse(out.trim().split('\n').pop() as string) as Result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const cores = availableParallelism();
  console.log(
    `random forest ${trees} trees, ${cut}×${cols} train, ${cores} cores; worker script: ${existsSync(bundled) ? 'dist/cli/pool.js' : 'src/worker/pool.ts (tsx)'}`,
  );
  console.log(
    `ours n_jobs ${jobs}: ${mine.seconds.toFixed(2)} s, acc ${mine.accuracy.toFixed(4)}   ` +
      `sklearn n_jobs=-1: ${theirs.seconds.toFixed(2)} s, acc ${theirs.accuracy.toFixed(4)}   ratio ${(mine.seconds / theirs.seconds).toFixed(2)}× wall`,
  );
  if (process.argv.includes('--serial')) {
    const serial = await ours(train, labels.slice(0, cut), test, labels.slice(cut), trees, 1);
    const same = serial.predictions.every((p, i) => p === mine.predictions[i]);
    console.log(`ours n_jobs 1: ${serial.seconds.toFixed(2)} s (speed-up ${(serial.seconds / mine.seconds).toFixed(2)}×); same predictions: ${same}`);
  }
}

void main();
