/**
 * Decision tree and random forest fit time and held-out accuracy beside scikit-learn, same data, same run.
 *
 * Run: node --import tsx bench/trees.ts [--rows 100000] [--features 50] [--trees 100] [--forest-rows N] [--skip-forest]
 * The data: `rows` × `features` standard normals, 3 classes from the argmax of three noisy linear
 * scores of the first 10 features; 80% train, 20% held out. scikit-learn runs single-threaded (n_jobs=1).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DecisionTreeClassifier } from '../src/core/models/decisionTree';
import { RandomForestClassifier } from '../src/core/models/randomForest';
import { DenseMatrix } from '../src/core/types';
import { option, threeClassData } from './common';

interface Split {
  train: DenseMatrix;
  trainLabels: string[];
  test: DenseMatrix;
  testLabels: string[];
}

function split(X: DenseMatrix, labels: string[]): Split {
  const cut = Math.floor(X.rows * 0.8);
  const part = (from: number, to: number): DenseMatrix => ({
    kind: 'dense',
    rows: to - from,
    cols: X.cols,
    data: X.data.slice(from * X.cols, to * X.cols),
  });
  return { train: part(0, cut), trainLabels: labels.slice(0, cut), test: part(cut, X.rows), testLabels: labels.slice(cut) };
}

function accuracy(predicted: string[], truth: string[]): number {
  return predicted.filter((p, i) => p === truth[i]).length / truth.length;
}

const PYTHON = `
import json, sys, time
import numpy as np
from sklearn.ensemble import RandomForestClassifier
from sklearn.tree import DecisionTreeClassifier
d = sys.argv[1]
rows, cols, cut, model = int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
X = np.fromfile(d + "/X.bin", dtype="<f8").reshape(rows, cols)
y = np.fromfile(d + "/y.bin", dtype="<i4")
est = DecisionTreeClassifier(random_state=0) if model == "tree" else RandomForestClassifier(n_estimators=int(sys.argv[6]), n_jobs=1, random_state=0)
t, c = time.perf_counter(), time.process_time()
est.fit(X[:cut], y[:cut])
seconds, cpu = time.perf_counter() - t, time.process_time() - c
print(json.dumps({"seconds": seconds, "cpu": cpu, "accuracy": float((est.predict(X[cut:]) == y[cut:]).mean())}))
`;

/** Fits scikit-learn's estimator on the same rows in a subprocess; fit time excludes loading. */
interface Result {
  seconds: number;
  cpu: number;
  accuracy: number;
}

function sklearn(dir: string, X: DenseMatrix, labels: string[], model: 'tree' | 'forest', trees: number): Result {
  writeFileSync(join(dir, 'X.bin'), Buffer.from(X.data.buffer, X.data.byteOffset, X.data.byteLength));
  writeFileSync(join(dir, 'y.bin'), Buffer.from(Int32Array.from(labels, (l) => Number(l.slice(6))).buffer));
  writeFileSync(join(dir, 'run.py'), PYTHON);
  const cut = Math.floor(X.rows * 0.8);
  const out = execFileSync('/usr/bin/python3', [join(dir, 'run.py'), dir, String(X.rows), String(X.cols), String(cut), model, String(trees)], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop() as string);
}

// Wall and CPU seconds both: on a shared machine CPU time is the steadier figure.
function row(name: string, ours: Result, theirs: Result): void {
  console.log(
    `${name.padEnd(34)} ours ${ours.seconds.toFixed(2).padStart(7)} s (cpu ${ours.cpu.toFixed(2)})  acc ${ours.accuracy.toFixed(4)}   ` +
      `sklearn ${theirs.seconds.toFixed(2).padStart(7)} s (cpu ${theirs.cpu.toFixed(2)})  acc ${theirs.accuracy.toFixed(4)}   ` +
      `ratio ${(ours.seconds / theirs.seconds).toFixed(2)}× wall, ${(ours.cpu / theirs.cpu).toFixed(2)}× cpu`,
  );
}

/** Times an async fit in wall and CPU seconds. */
async function timed(fit: () => Promise<void>): Promise<{ seconds: number; cpu: number }> {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  await fit();
  const cpu = process.cpuUsage(cpuStart);
  return { seconds: (performance.now() - start) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
}

async function main(): Promise<void> {
  const rows = option('rows', 100_000);
  const cols = option('features', 50);
  const trees = option('trees', 100);
  const forestRows = option('forest-rows', rows);
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-trees-'));
  try {
    const { X, labels } = threeClassData(rows, cols, 1);
    const data = split(X, labels);
    const tree = new DecisionTreeClassifier();
    const treeTime = await timed(() => tree.fit(data.train, data.trainLabels, { seed: 0 }));
    const treeOurs = { ...treeTime, accuracy: accuracy(tree.predict(data.test), data.testLabels) };
    row(`decision tree ${rows}×${cols}`, treeOurs, sklearn(dir, X, labels, 'tree', 0));

    if (process.argv.includes('--skip-forest')) return;
    const forestData =
      forestRows === rows
        ? { X, labels, parts: data }
        : (() => {
            const small = threeClassData(forestRows, cols, 2);
            return { X: small.X, labels: small.labels, parts: split(small.X, small.labels) };
          })();
    const forest = new RandomForestClassifier({ n_estimators: trees });
    const forestTime = await timed(() => forest.fit(forestData.parts.train, forestData.parts.trainLabels, { seed: 0 }));
    const forestOurs = {
      ...forestTime,
      accuracy: accuracy(forest.predict(forestData.parts.test), forestData.parts.testLabels),
    };
    row(`random forest ${trees} trees ${forestRows}×${cols}`, forestOurs, sklearn(dir, forestData.X, forestData.labels, 'forest', trees));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

void main();
