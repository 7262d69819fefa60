/**
 * Gradient boosting fit time and held-out accuracy / R² beside scikit-learn's
 * HistGradientBoostingClassifier / HistGradientBoostingRegressor, same data, same run.
 *
 * Run: node --import tsx bench/boosting.ts [--rows 100000] [--features 50] [--sklearn-threads N] [--jobs N] [--worker-spin N] [--backoff 0|1]
 * The data: `rows` × `features` standard normals (bench/common.ts threeClassData): 3 classes from the
 * argmax of three noisy linear scores of the first 10 features, and the first score as a regression
 * target; 80% train, 20% held out, written to a file scikit-learn reads. Both use their defaults
 * (max_iter 100, max_leaf_nodes 31, learning_rate 0.1, early_stopping 'auto': on above 10,000 rows);
 * scikit-learn with its default OpenMP threads unless --sklearn-threads sets OMP_NUM_THREADS; ours with
 * n_jobs `--jobs` (left out: the model's default, the cores less one). Our CPU time counts the
 * histogram workers' threads too (process.cpuUsage is the whole process). With --jobs 2 or more, --worker-spin sets
 * how long a worker spins for the next command before it sleeps (team.ts teamTuning.workerSpin; 0: it sleeps at once)
 * and --backoff 0 keeps every request on the team however long the caller waits (teamTuning.backoff).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { teamTuning } from '../src/core/models/boosting/team';
import { GradientBoostingClassifier, GradientBoostingRegressor } from '../src/core/models/gradientBoosting';
import type { DenseMatrix } from '../src/core/types';
import { option, threeClassData } from './common';

interface Result {
  seconds: number;
  cpu: number;
  score: number;
  iterations: number;
}

const PYTHON = `
import json, sys, time
import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.metrics import r2_score
d = sys.argv[1]
rows, cols, cut, task = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
X = np.fromfile(d + "/X.bin", dtype="<f8").reshape(rows, cols)
if task == "classification":
    y = np.fromfile(d + "/labels.bin", dtype="<i4")
    est = HistGradientBoostingClassifier(random_state=0)
else:
    y = np.fromfile(d + "/values.bin", dtype="<f8")
    est = HistGradientBoostingRegressor(random_state=0)
t, c = time.perf_counter(), time.process_time()
est.fit(X[:cut], y[:cut])
seconds, cpu = time.perf_counter() - t, time.process_time() - c
predicted = est.predict(X[cut:])
score = float((predicted == y[cut:]).mean()) if task == "classification" else float(r2_score(y[cut:], predicted))
print(json.dumps({"seconds": seconds, "cpu": cpu, "score": score, "iterations": int(est.n_iter_)}))
`;

function part(X: DenseMatrix, from: number, to: number): DenseMatrix {
  return { kind: 'dense', rows: to - from, cols: X.cols, data: X.data.slice(from * X.cols, to * X.cols) };
}

/** Times an async fit in wall and CPU seconds. */
async function timed(fit: () => Promise<void>): Promise<{ seconds: number; cpu: number }> {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  await fit();
  const cpu = process.cpuUsage(cpuStart);
  return { seconds: (performance.now() - start) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
}

function r2(truth: Float64Array, predicted: Float64Array): number {
  let mean = 0;
  for (const t of truth) mean += t;
  mean /= truth.length;
  let residual = 0;
  let total = 0;
  truth.forEach((t, i) => {
    residual += (t - (predicted[i] as number)) ** 2;
    total += (t - mean) ** 2;
  });
  return 1 - residual / total;
}

function row(name: string, metric: string, ours: Result, theirs: Result): void {
  console.log(
    `${name.padEnd(40)} ours ${ours.seconds.toFixed(2).padStart(6)} s (cpu ${ours.cpu.toFixed(2)}, ${ours.iterations} it)  ${metric} ${ours.score.toFixed(4)}   ` +
      `sklearn ${theirs.seconds.toFixed(2).padStart(6)} s (cpu ${theirs.cpu.toFixed(2)}, ${theirs.iterations} it)  ${metric} ${theirs.score.toFixed(4)}   ` +
      `ratio ${(ours.seconds / theirs.seconds).toFixed(2)}× wall, ${(ours.cpu / theirs.cpu).toFixed(2)}× cpu`,
  );
}

async function main(): Promise<void> {
  const rows = option('rows', 100_000);
  const cols = option('features', 50);
  const threads = option('sklearn-threads', 0);
  const jobs = option('jobs', 0);
  const params = jobs === 0 ? {} : { n_jobs: jobs };
  teamTuning.workerSpin = option('worker-spin', teamTuning.workerSpin);
  teamTuning.backoff = option('backoff', 1) !== 0;
  const cut = Math.floor(rows * 0.8);
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-boosting-'));
  try {
    const { X, labels, values } = threeClassData(rows, cols, 1);
    writeFileSync(join(dir, 'X.bin'), Buffer.from(X.data.buffer, X.data.byteOffset, X.data.byteLength));
    writeFileSync(join(dir, 'labels.bin'), Buffer.from(Int32Array.from(labels, (l) => Number(l.slice(6))).buffer));
    writeFileSync(join(dir, 'values.bin'), Buffer.from(values.buffer, values.byteOffset, values.byteLength));
    writeFileSync(join(dir, 'run.py'), PYTHON);
    const env = threads > 0 ? { ...process.env, OMP_NUM_THREADS: String(threads) } : process.env;
    const sklearn = (task: string): Result =>
      JSON.parse(
        (
          execFileSync('/usr/bin/python3', ['-P', join(dir, 'run.py'), dir, String(rows), String(cols), String(cut), task], {
            encoding: 'utf8',
            env,
            maxBuffer: 1 << 20,
          })
            .trim()
            .split('\n')
            .pop() as string
        ).trim(),
      );
    const train = part(X, 0, cut);
    const test = part(X, cut, rows);

    const classifier = new GradientBoostingClassifier(params);
    const classTime = await timed(() => classifier.fit(train, labels.slice(0, cut), { seed: 0 }));
    const predicted = classifier.predict(test);
    const accuracy = predicted.filter((p, i) => p === labels[cut + i]).length / predicted.length;
    row(`classification 3 classes ${rows}×${cols}`, 'acc', { ...classTime, score: accuracy, iterations: classifier.nIter }, sklearn('classification'));

    const regressor = new GradientBoostingRegressor(params);
    const regTime = await timed(() => regressor.fit(train, values.slice(0, cut), { seed: 0 }));
    const score = r2(values.slice(cut), regressor.predict(test));
    row(`regression ${rows}×${cols}`, 'r2', { ...regTime, score, iterations: regressor.nIter }, sklearn('regression'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
