/**
 * k-nearest neighbours beside scikit-learn, same data, same run: fit on `rows` × `features` and
 * predict `queries` held-out rows (n_neighbors 5, uniform, euclidean), timed fit + predict.
 *
 * Run: node --import tsx bench/knn.ts [--rows 100000] [--features 20] [--queries 10000] [--jobs N]
 * The data: bench/common.ts's three-class standard normals (the class from noisy linear scores of
 * the first 10 features). scikit-learn runs KNeighborsClassifier(algorithm='auto', n_jobs=-1); ours
 * runs with n_jobs `--jobs` (left out: the model's default).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KnnClassifier } from '../src/core/models/knn';
import type { DenseMatrix } from '../src/core/types';
import { option, threeClassData } from './common';

const PYTHON = `
import json, sys, time
import numpy as np
from sklearn.neighbors import KNeighborsClassifier
d = sys.argv[1]
rows, cols, cut = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
X = np.fromfile(d + "/X.bin", dtype="<f8").reshape(rows, cols)
y = np.fromfile(d + "/y.bin", dtype="<i4")
est = KNeighborsClassifier(algorithm="auto", n_jobs=-1)
t, c = time.perf_counter(), time.process_time()
est.fit(X[:cut], y[:cut])
predicted = est.predict(X[cut:])
seconds, cpu = time.perf_counter() - t, time.process_time() - c
print(json.dumps({"seconds": seconds, "cpu": cpu, "accuracy": float((predicted == y[cut:]).mean()), "algorithm": est._fit_method}))
`;

interface Result {
  seconds: number;
  cpu: number;
  accuracy: number;
}

function part(X: DenseMatrix, from: number, to: number): DenseMatrix {
  return { kind: 'dense', rows: to - from, cols: X.cols, data: X.data.slice(from * X.cols, to * X.cols) };
}

async function main(): Promise<void> {
  const rows = option('rows', 100_000);
  const cols = option('features', 20);
  const queries = option('queries', 10_000);
  const jobs = option('jobs', 0);
  const { X, labels } = threeClassData(rows + queries, cols, 1);
  const train = part(X, 0, rows);
  const test = part(X, rows, rows + queries);

  const model = new KnnClassifier(jobs === 0 ? {} : { n_jobs: jobs });
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  model.fit(train, labels.slice(0, rows));
  const predicted = model.predict(test);
  const cpu = process.cpuUsage(cpuStart);
  const ours: Result = {
    seconds: (performance.now() - start) / 1000,
    cpu: (cpu.user + cpu.system) / 1e6,
    accuracy: predicted.filter((p, i) => p === labels[rows + i]).length / queries,
  };

  const dir = mkdtempSync(join(tmpdir(), 'mlwb-knn-'));
  try {
    writeFileSync(join(dir, 'X.bin'), Buffer.from(X.data.buffer, X.data.byteOffset, X.data.byteLength));
    writeFileSync(join(dir, 'y.bin'), Buffer.from(Int32Array.from(labels, (l) => Number(l.slice(6))).buffer));
    writeFileSync(join(dir, 'run.py'), PYTHON);
    const out = execFileSync('/usr/bin/python3', ['-P', join(dir, 'run.py'), dir, String(rows + queries), String(cols), String(rows)], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    const theirs = JSON.parse(out.trim().split('\n').pop() as string) as Result & { algorithm: string };
    console.log(
      `knn k=5 ${rows}×${cols}, ${queries} queries   ours ${ours.seconds.toFixed(2)} s (cpu ${ours.cpu.toFixed(2)}, n_jobs ${jobs || 'default'})  acc ${ours.accuracy.toFixed(4)}   ` +
        `sklearn ${theirs.seconds.toFixed(2)} s (cpu ${theirs.cpu.toFixed(2)}, ${theirs.algorithm}, n_jobs=-1)  acc ${theirs.accuracy.toFixed(4)}   ` +
        `ratio ${(ours.seconds / theirs.seconds).toFixed(2)}× wall`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
