/**
 * Online updates (partialFit) beside scikit-learn's partial_fit, same data, same run: the time one
 * update of a fitted model takes on a batch of new labelled rows, per model type.
 *
 * Run: node --import tsx bench/online.ts [--rows 20000] [--features 50] [--batch 20000]
 * The data: standard normals, 3 classes from the argmax of three noisy linear scores (a numeric
 * target for the regressors: the first score). Every model is fitted on `rows` rows, then updated
 * once with the next `batch` rows; the update is timed (best of 3, each on a fresh copy of the
 * fitted model). The anchors: SGDClassifier(log_loss)/SGDRegressor one epoch from the same kind of
 * start (fit with max_iter=1, then partial_fit), GaussianNB.partial_fit, MultinomialNB.partial_fit
 * and MLPClassifier.partial_fit (one epoch, hidden (32,), batch 200), all single-threaded.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelFromJSON } from '../src/core/models/registry';
import { LogisticRegression } from '../src/core/models/logisticRegression';
import { NaiveBayes } from '../src/core/models/naiveBayes';
import { Ridge } from '../src/core/models/ridge';
import { MlpClassifier } from '../src/core/nn/mlp';
import { initBackend } from '../src/core/nn/backend';
import { isOnlineLearner, type DenseMatrix, type Estimator, type Target } from '../src/core/types';
import { option, threeClassData } from './common';
import { DEFAULT_SEED } from '../src/core/random';

function part(X: DenseMatrix, from: number, to: number): DenseMatrix {
  return { kind: 'dense', rows: to - from, cols: X.cols, data: X.data.slice(from * X.cols, to * X.cols) };
}

/** Non-negative counts for the multinomial model: rounded absolute values. */
function counts(X: DenseMatrix): DenseMatrix {
  return { ...X, data: X.data.map((v) => Math.round(Math.abs(v) * 3)) };
}

async function timeUpdate(fitted: Estimator, X: DenseMatrix, y: Target, learningRate?: number): Promise<number> {
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const copy = modelFromJSON(fitted.toJSON());
    if (!isOnlineLearner(copy)) throw new Error(`${copy.type} has no partialFit`);
    const start = process.hrtime.bigint();
    await copy.partialFit(X, y, learningRate === undefined ? {} : { learningRate });
    best = Math.min(best, Number(process.hrtime.bigint() - start) / 1e6);
    (copy as { dispose?: () => void }).dispose?.();
  }
  return best;
}

const PYTHON = String.raw`
import json, sys, time, warnings
import numpy as np
from sklearn.linear_model import SGDClassifier, SGDRegressor
from sklearn.naive_bayes import GaussianNB, MultinomialNB
from sklearn.neural_network import MLPClassifier
warnings.filterwarnings("ignore")
d = sys.argv[1]
X = np.load(d + "/X.npy"); y = np.load(d + "/y.npy", allow_pickle=True); v = np.load(d + "/v.npy")
n = int(sys.argv[2])
A, B = slice(0, n), slice(n, None)
C = np.round(np.abs(X) * 3)
def best(make, update):
    times = []
    for _ in range(3):
        m = make()
        t = time.perf_counter(); update(m); times.append((time.perf_counter() - t) * 1000)
    return min(times)
def sgd_c():
    m = SGDClassifier(loss="log_loss", alpha=1e-4, learning_rate="constant", eta0=0.01, max_iter=1, tol=None, shuffle=False)
    m.fit(X[A], y[A]); return m
def sgd_r():
    m = SGDRegressor(alpha=1e-4, learning_rate="constant", eta0=0.01, max_iter=1, tol=None, shuffle=False)
    m.fit(X[A], v[A]); return m
def gnb():
    m = GaussianNB(); m.fit(X[A], y[A]); return m
def mnb():
    m = MultinomialNB(); m.fit(C[A], y[A]); return m
def mlp():
    m = MLPClassifier(hidden_layer_sizes=(32,), batch_size=200, max_iter=1, shuffle=False, random_state=0)
    m.fit(X[A], y[A]); return m
out = {
  "logistic_regression": best(sgd_c, lambda m: m.partial_fit(X[B], y[B])),
  "ridge": best(sgd_r, lambda m: m.partial_fit(X[B], v[B])),
  "naive_bayes (gaussian)": best(gnb, lambda m: m.partial_fit(X[B], y[B])),
  "naive_bayes (multinomial)": best(mnb, lambda m: m.partial_fit(C[B], y[B])),
  "mlp": best(mlp, lambda m: m.partial_fit(X[B], y[B])),
}
print(json.dumps(out))
`;

async function main(): Promise<void> {
  const rows = option('rows', 20_000);
  const cols = option('features', 50);
  const batch = option('batch', 20_000);
  const { X, labels, values } = threeClassData(rows + batch, cols, 5);
  const train = part(X, 0, rows);
  const update = part(X, rows, rows + batch);
  const trainLabels = labels.slice(0, rows);
  const updateLabels = labels.slice(rows);

  await initBackend();
  const logistic = new LogisticRegression();
  logistic.fit(train, trainLabels, { seed: DEFAULT_SEED });
  const ridge = new Ridge();
  ridge.fit(train, values.slice(0, rows), { seed: DEFAULT_SEED });
  const gaussian = new NaiveBayes({ distribution: 'gaussian' });
  gaussian.fit(train, trainLabels, { seed: DEFAULT_SEED });
  const multinomial = new NaiveBayes({ distribution: 'multinomial' });
  multinomial.fit(counts(train), trainLabels, { seed: DEFAULT_SEED });
  const mlp = new MlpClassifier({ hidden_layer_sizes: [32], max_iter: 1, batch_size: 200 });
  await mlp.fit(train, trainLabels, { seed: DEFAULT_SEED });

  const ours: Record<string, number> = {
    logistic_regression: await timeUpdate(logistic, update, updateLabels),
    ridge: await timeUpdate(ridge, update, values.slice(rows)),
    'naive_bayes (gaussian)': await timeUpdate(gaussian, update, updateLabels),
    'naive_bayes (multinomial)': await timeUpdate(multinomial, counts(update), updateLabels),
    mlp: await timeUpdate(mlp, update, updateLabels),
  };

  const dir = mkdtempSync(join(tmpdir(), 'mlwb-bench-online-'));
  try {
    // .npy files: a tiny writer keeps numpy reading exactly our doubles.
    writeFileSync(join(dir, 'X.npy'), npy(X.data, [X.rows, X.cols]));
    writeFileSync(join(dir, 'v.npy'), npy(values, [values.length]));
    writeFileSync(join(dir, 'labels.json'), JSON.stringify(labels));
    writeFileSync(
      join(dir, 'script.py'),
      `import json, numpy as np\nnp.save(${JSON.stringify(join(dir, 'y.npy'))}, np.array(json.load(open(${JSON.stringify(join(dir, 'labels.json'))})), dtype=object))\n`,
    );
    execFileSync('/usr/bin/python3', [join(dir, 'script.py')]);
    const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
    const output = execFileSync('/usr/bin/python3', ['-c', PYTHON, dir, String(rows)], { encoding: 'utf8', env });
    const sklearn = JSON.parse(output) as Record<string, number>;
    console.log(`online update of a fitted model: ${batch} new rows × ${cols} features (fitted on ${rows}), best of 3`);
    console.log('| model | ours ms | scikit-learn ms | ratio (ours / sklearn) |');
    console.log('| --- | --- | --- | --- |');
    for (const [name, ms] of Object.entries(ours)) {
      const anchor = sklearn[name] as number;
      console.log(`| ${name} | ${ms.toFixed(1)} | ${anchor.toFixed(1)} | ${(ms / anchor).toFixed(2)}× |`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A float64 C-order .npy file (format version 1.0). */
function npy(data: Float64Array, shape: number[]): Buffer {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head.writeUInt8(1, 6);
  head.writeUInt8(0, 7);
  head.writeUInt16LE(header.length, 8);
  return Buffer.concat([head, Buffer.from(header, 'latin1'), Buffer.from(data.buffer, data.byteOffset, data.byteLength)]);
}

void main();
