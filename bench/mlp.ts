/**
 * MLP training throughput: our tfjs MLP beside scikit-learn's MLPClassifier on the same generated
 * 20,000 × 50 three-class set, hidden [64, 64], batch 200, 10 epochs, in the same run.
 *
 * Run: node --import tsx bench/mlp.ts   (optional: --backend cpu|wasm|tensorflow)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { initBackend, type BackendPreference } from '../src/core/nn/backend';
import { MlpClassifier } from '../src/core/nn/mlp';
import { Random } from '../src/core/random';
import type { DenseMatrix } from '../src/core/types';

const ROWS = 20_000;
const TEST_ROWS = 5_000;
const COLS = 50;
const CLASSES = 3;
const EPOCHS = 10;
const BATCH = 200;
const HIDDEN = [64, 64];

/** Gaussian features; the class is the argmax of a random linear map plus noise, so it is learnable but not trivial. */
function generate(rows: number, rng: Random, weights: Float64Array): { X: DenseMatrix; y: string[] } {
  const data = new Float64Array(rows * COLS);
  const y: string[] = [];
  for (let i = 0; i < rows; i++) {
    const scores = new Float64Array(CLASSES);
    for (let j = 0; j < COLS; j++) {
      const v = rng.normal();
      data[i * COLS + j] = v;
      for (let c = 0; c < CLASSES; c++) scores[c] = (scores[c] as number) + v * (weights[j * CLASSES + c] as number) * (j % 2 === 0 ? 1 : Math.sign(v));
    }
    let best = 0;
    for (let c = 0; c < CLASSES; c++) scores[c] = (scores[c] as number) + rng.normal() * 2;
    for (let c = 1; c < CLASSES; c++) if ((scores[c] as number) > (scores[best] as number)) best = c;
    y.push(`class_${best}`);
  }
  return { X: { kind: 'dense', rows, cols: COLS, data }, y };
}

const SKLEARN = `
import json, sys, time
import numpy as np
from sklearn.neural_network import MLPClassifier
d = sys.argv[1]
X = np.fromfile(d + '/X.bin', dtype=np.float64).reshape(-1, ${COLS})
y = np.array(open(d + '/y.txt').read().split())
Xt = np.fromfile(d + '/Xt.bin', dtype=np.float64).reshape(-1, ${COLS})
yt = np.array(open(d + '/yt.txt').read().split())
import warnings; warnings.filterwarnings('ignore')
m = MLPClassifier(hidden_layer_sizes=(${HIDDEN.join(', ')}), batch_size=${BATCH}, max_iter=${EPOCHS}, learning_rate_init=0.001, alpha=0.0001, random_state=0)
t = time.perf_counter(); c = time.process_time(); m.fit(X, y); s = time.perf_counter() - t; cpu = time.process_time() - c
print(json.dumps({'seconds': s, 'cpu': cpu, 'epochs': m.n_iter_, 'accuracy': float((m.predict(Xt) == yt).mean())}))
`;

async function main(): Promise<void> {
  const flag = process.argv.indexOf('--backend');
  const backend = await initBackend((flag > 0 ? process.argv[flag + 1] : 'auto') as BackendPreference);
  const rng = new Random(7);
  const weights = Float64Array.from({ length: COLS * CLASSES }, () => rng.normal());
  const train = generate(ROWS, rng, weights);
  const test = generate(TEST_ROWS, rng, weights);

  const dir = mkdtempSync(path.join(tmpdir(), 'mlwb-bench-mlp-'));
  let sklearn: { seconds: number; cpu: number; epochs: number; accuracy: number };
  try {
    writeFileSync(path.join(dir, 'X.bin'), Buffer.from(train.X.data.buffer));
    writeFileSync(path.join(dir, 'y.txt'), train.y.join('\n'));
    writeFileSync(path.join(dir, 'Xt.bin'), Buffer.from(test.X.data.buffer));
    writeFileSync(path.join(dir, 'yt.txt'), test.y.join('\n'));
    sklearn = JSON.parse(execFileSync('/usr/bin/python3', ['-c', SKLEARN, dir], { encoding: 'utf8' }).trim().split('\n').at(-1) as string);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const model = new MlpClassifier({ hidden_layer_sizes: HIDDEN, batch_size: BATCH, max_iter: EPOCHS, learning_rate_init: 0.001, tol: 0 });
  const epochTimes: number[] = [];
  let last = performance.now();
  const start = last;
  const cpuStart = process.cpuUsage();
  await model.fit(train.X, train.y, {
    seed: 0,
    onProgress: () => {
      const now = performance.now();
      epochTimes.push(now - last);
      last = now;
    },
  });
  const seconds = (performance.now() - start) / 1000;
  const cpuUsed = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpuUsed.user + cpuUsed.system) / 1e6;
  const predicted = model.predict(test.X);
  const accuracy = predicted.filter((label, i) => label === test.y[i]).length / TEST_ROWS;
  model.dispose();

  const ours = (ROWS * epochTimes.length) / seconds;
  const theirs = (ROWS * sklearn.epochs) / sklearn.seconds;
  const median = [...epochTimes].sort((a, b) => a - b)[Math.floor(epochTimes.length / 2)] as number;
  console.log(`MLP ${ROWS} × ${COLS}, ${CLASSES} classes, hidden [${HIDDEN.join(', ')}], batch ${BATCH}, ${EPOCHS} epochs`);
  console.log(`tfjs backend: ${backend.name} (${backend.reason}), tfjs ${backend.tfjsVersion}`);
  // CPU seconds too: on a shared machine wall time mostly measures the neighbours.
  console.log(
    `ours    : ${seconds.toFixed(2)} s wall, ${cpuSeconds.toFixed(2)} s CPU, ${Math.round(ours)} samples/s (median epoch ${(median / 1000).toFixed(3)} s), holdout accuracy ${accuracy.toFixed(4)}`,
  );
  console.log(
    `sklearn : ${sklearn.seconds.toFixed(2)} s wall, ${sklearn.cpu.toFixed(2)} s CPU, ${Math.round(theirs)} samples/s (${sklearn.epochs} epochs), holdout accuracy ${sklearn.accuracy.toFixed(4)}`,
  );
  console.log(
    `ratio   : ours/sklearn throughput ${(ours / theirs).toFixed(2)}× (wall time ratio ${(seconds / sklearn.seconds).toFixed(2)}×, CPU time ratio ${(cpuSeconds / sklearn.cpu).toFixed(2)}×)`,
  );
}

void main();
