/**
 * Logistic regression fit on a generated 100,000 × 50 3-class set, ours vs scikit-learn's
 * LogisticRegression (lbfgs, defaults) on the same data in the same run; then our SMO kernel SVM vs
 * sklearn's SVC (libsvm, rbf, defaults) on the first 6,000 rows of the same set (5,000 train / 1,000 held out).
 * Run: node --import tsx bench/linear.ts [--only svm]   (--only svm skips the logistic-regression part)
 * Times are wall seconds plus process CPU seconds (the machine is shared, so CPU time is the steadier figure).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Random, DEFAULT_SEED } from '../src/core/random';
import { LogisticRegression } from '../src/core/models/logisticRegression';
import { Svm } from '../src/core/models/svm';
import type { DenseMatrix } from '../src/core/types';

const ROWS = 100_000;
const COLS = 50;
const CLASSES = 3;
const TRAIN = 80_000;

/** Gaussian features, labels drawn from a softmax of a random linear model (so the Bayes rate is below 100%). */
function generate(seed: number): { X: Float64Array; labels: Int32Array } {
  const random = new Random(seed);
  const X = new Float64Array(ROWS * COLS);
  for (let k = 0; k < X.length; k++) X[k] = random.normal();
  const W = Float64Array.from({ length: CLASSES * COLS }, () => random.normal() * 0.3);
  const labels = new Int32Array(ROWS);
  const scores = new Float64Array(CLASSES);
  for (let i = 0; i < ROWS; i++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < CLASSES; c++) {
      let z = 0;
      for (let j = 0; j < COLS; j++) z += (X[i * COLS + j] as number) * (W[c * COLS + j] as number);
      scores[c] = z;
      max = Math.max(max, z);
    }
    let sum = 0;
    for (let c = 0; c < CLASSES; c++) sum += scores[c] = Math.exp((scores[c] as number) - max);
    let u = random.next() * sum;
    let label = 0;
    while (label < CLASSES - 1 && (u -= scores[label] as number) > 0) label++;
    labels[i] = label;
  }
  return { X, labels };
}

const { X, labels } = generate(7);
const names = Array.from(labels, (c) => `class_${c}`);
const train: DenseMatrix = { kind: 'dense', rows: TRAIN, cols: COLS, data: X.subarray(0, TRAIN * COLS) };
const test: DenseMatrix = { kind: 'dense', rows: ROWS - TRAIN, cols: COLS, data: X.subarray(TRAIN * COLS) };

const onlySvm = process.argv.includes('--only') && process.argv[process.argv.indexOf('--only') + 1] === 'svm';

const model = new LogisticRegression();
const start = process.hrtime.bigint();
if (!onlySvm) model.fit(train, names.slice(0, TRAIN), { seed: DEFAULT_SEED });
const oursSeconds = Number(process.hrtime.bigint() - start) / 1e9;

const dir = mkdtempSync(join(tmpdir(), 'mlwb-linear-'));
try {
  writeFileSync(join(dir, 'X.bin'), Buffer.from(X.buffer, X.byteOffset, X.byteLength));
  writeFileSync(join(dir, 'y.bin'), Buffer.from(labels.buffer, labels.byteOffset, labels.byteLength));
  if (onlySvm) {
    benchSvm(dir);
  } else {
    benchLogistic(dir);
    benchSvm(dir);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

/** Logistic regression on the 80,000-row training part. */
function benchLogistic(dir: string): void {
  const predicted = model.predict(test);
  const oursAccuracy = predicted.filter((p, i) => p === names[TRAIN + i]).length / test.rows;
  const script = `
import json, sys, time, numpy as np
from sklearn.linear_model import LogisticRegression
X = np.fromfile(sys.argv[1], dtype=np.float64).reshape(${ROWS}, ${COLS})
y = np.fromfile(sys.argv[2], dtype=np.int32)
import warnings; warnings.simplefilter("ignore")
model = LogisticRegression()
t = time.perf_counter(); model.fit(X[:${TRAIN}], y[:${TRAIN}]); seconds = time.perf_counter() - t
print(json.dumps({"seconds": seconds, "accuracy": float((model.predict(X[${TRAIN}:]) == y[${TRAIN}:]).mean()), "n_iter": int(model.n_iter_[0])}))
`;
  const sklearn = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, join(dir, 'X.bin'), join(dir, 'y.bin')], { encoding: 'utf8' })) as {
    seconds: number;
    accuracy: number;
    n_iter: number;
  };
  console.log(`logistic regression, ${TRAIN} train / ${ROWS - TRAIN} held-out rows × ${COLS} features, ${CLASSES} classes`);
  console.log(`ours:    fit ${oursSeconds.toFixed(3)} s, ${model.nIter} iterations, held-out accuracy ${oursAccuracy.toFixed(4)}`);
  console.log(`sklearn: fit ${sklearn.seconds.toFixed(3)} s, ${sklearn.n_iter} iterations, held-out accuracy ${sklearn.accuracy.toFixed(4)}`);
  console.log(`ratio (ours / sklearn fit time): ${(oursSeconds / sklearn.seconds).toFixed(2)}×`);
}

/** Kernel SVM on a 6,000-row slice: our SMO vs libsvm through sklearn's SVC. */
function benchSvm(dir: string): void {
  const rows = 6_000;
  const fitRows = 5_000;
  const svmTrain: DenseMatrix = { kind: 'dense', rows: fitRows, cols: COLS, data: X.subarray(0, fitRows * COLS) };
  const svmTest: DenseMatrix = { kind: 'dense', rows: rows - fitRows, cols: COLS, data: X.subarray(fitRows * COLS, rows * COLS) };
  const svm = new Svm();
  const begin = process.hrtime.bigint();
  const cpuBegin = process.cpuUsage();
  svm.fit(svmTrain, names.slice(0, fitRows), { seed: DEFAULT_SEED });
  const seconds = Number(process.hrtime.bigint() - begin) / 1e9;
  const cpu = process.cpuUsage(cpuBegin);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const hits = svm.predict(svmTest).filter((p, i) => p === names[fitRows + i]).length / svmTest.rows;
  const script = `
import json, sys, time, numpy as np
from sklearn.svm import SVC
X = np.fromfile(sys.argv[1], dtype=np.float64).reshape(${ROWS}, ${COLS})[:${rows}]
y = np.fromfile(sys.argv[2], dtype=np.int32)[:${rows}]
model = SVC()
t = time.perf_counter(); c = time.process_time(); model.fit(X[:${fitRows}], y[:${fitRows}]); cpu = time.process_time() - c; seconds = time.perf_counter() - t
print(json.dumps({"seconds": seconds, "cpu": cpu, "accuracy": float((model.predict(X[${fitRows}:]) == y[${fitRows}:]).mean()), "n_support": int(model.n_support_.sum())}))
`;
  const sklearn = JSON.parse(execFileSync('/usr/bin/python3', ['-c', script, join(dir, 'X.bin'), join(dir, 'y.bin')], { encoding: 'utf8' })) as {
    seconds: number;
    cpu: number;
    accuracy: number;
    n_support: number;
  };
  console.log(`\nkernel svm (rbf, C=1, gamma=scale), ${fitRows} train / ${rows - fitRows} held-out rows × ${COLS} features, ${CLASSES} classes`);
  console.log(
    `ours (SMO, WSS2):   fit ${seconds.toFixed(3)} s wall, ${cpuSeconds.toFixed(3)} s CPU, ${svm.nIter} iterations (max per pair), ${svm.supportVectors?.rows} support vectors, held-out accuracy ${hits.toFixed(4)}`,
  );
  console.log(
    `sklearn SVC/libsvm: fit ${sklearn.seconds.toFixed(3)} s wall, ${sklearn.cpu.toFixed(3)} s CPU, ${sklearn.n_support} support vectors, held-out accuracy ${sklearn.accuracy.toFixed(4)}`,
  );
  console.log(`ratio (ours / sklearn fit time): ${(seconds / sklearn.seconds).toFixed(2)}× wall, ${(cpuSeconds / sklearn.cpu).toFixed(2)}× CPU`);
}
