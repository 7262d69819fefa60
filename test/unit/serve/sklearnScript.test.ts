/**
 * The exported train_sklearn.py, run under scikit-learn for every preparation step and model type the
 * generator translates: the score the script computes itself must land near the run's. RUN_METRICS,
 * which the script copies from run.json, is never compared.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { exportRun } from '../../../src/core/export';
import { modelExpression } from '../../../src/core/export/sklearnScript';
import { PREPARE_STEPS } from '../../../src/core/experiment/experiment';
import { modelTypes } from '../../../src/core/models/registry';
import { executeRun } from '../../../src/core/runs/execute';
import { RunStore } from '../../../src/core/runs/store';
import type { Task } from '../../../src/core/types';
import { fixtures } from './fixture';

const PYTHON = '/usr/bin/python3';
const run = promisify(execFile);

type Metric = 'accuracy' | 'f1_macro' | 'r2';

interface ScriptCase {
  readonly name: string;
  readonly data: DatasetName;
  /** The experiment file after its name and data lines. */
  readonly experiment: readonly string[];
  readonly metric: Metric;
  /** Largest accepted |scikit-learn − mlwb| of the metric. */
  readonly tolerance: number;
  /** Why that tolerance: what differs between the two runs. */
  readonly because: string;
}

// ---- data sets: the fixtures, and two derived from them with categories, gaps and duplicates ----

type DatasetName = 'iris' | 'breast_cancer' | 'diabetes' | 'reviews' | 'iris_messy' | 'diabetes_categories' | 'cars';

const REGRESSION: ReadonlySet<DatasetName> = new Set(['diabetes', 'diabetes_categories', 'cars']);

const TARGETS: Record<DatasetName, string> = {
  iris: 'species',
  breast_cancer: 'diagnosis',
  diabetes: 'progression',
  reviews: 'label',
  iris_messy: 'species',
  diabetes_categories: 'progression',
  cars: 'mpg',
};

function fixtureLines(file: string): string[] {
  return readFileSync(path.join(fixtures, file), 'utf8').trim().split(/\r?\n/);
}

/** Iris with a petal band category instead of the petal length, gaps, a number column written as text, and repeated rows. */
function irisMessy(): string {
  const [, ...rows] = fixtureLines('datasets/iris.csv');
  const out = ['sepal_length_cm,sepal_width_cm,petal_band,petal_width_cm,species'];
  rows.forEach((line, i) => {
    const [sepalLength, sepalWidth, petalLength, petalWidth, species] = line.split(',') as [string, string, string, string, string];
    const length = Number(petalLength);
    const band = length < 2.5 ? 'short' : length < 4.8 ? 'medium' : 'long';
    // Every 13th sepal length is missing, every 10th sepal width is a word (coerce makes it missing).
    out.push([i % 13 === 5 ? '' : sepalLength, i % 10 === 3 ? 'unknown' : sepalWidth, band, petalWidth, species].join(','));
  });
  // Each fifth row again: 30 repeated rows for dropDuplicates.
  return `${[...out, ...out.slice(1).filter((_, i) => i % 5 === 0)].join('\n')}\n`;
}

/** Diabetes with sex and an age band as categories, and gaps in the age band and bmi. */
function diabetesCategories(): string {
  const [header, ...rows] = fixtureLines('datasets/diabetes.csv');
  const names = (header as string).split(',');
  const out = [['age_band', ...names.slice(1)].join(',')];
  rows.forEach((line, i) => {
    const cells = line.split(',');
    const age = Number(cells[0]);
    const band = age < -0.03 ? 'under_40' : age < 0.03 ? '40_to_55' : 'over_55';
    cells[0] = band;
    cells[1] = Number(cells[1]) > 0 ? 'male' : 'female';
    if (i % 11 === 4) cells[2] = '';
    if (i % 23 === 7) cells[0] = '';
    out.push(cells.join(','));
  });
  return `${out.join('\n')}\n`;
}

function datasetText(name: DatasetName): string {
  switch (name) {
    case 'iris_messy':
      return irisMessy();
    case 'diabetes_categories':
      return diabetesCategories();
    case 'reviews':
    case 'cars':
      return readFileSync(path.join(fixtures, 'workspace', 'data', `${name}.csv`), 'utf8');
    default:
      return readFileSync(path.join(fixtures, 'datasets', `${name}.csv`), 'utf8');
  }
}

// ---- the cases: together they use every step and option the generator translates, and every model type and task ----

// Shuffled folds and hold-out splits come from different random streams in mlwb and in scikit-learn,
// so their tolerances allow a few borderline rows; folds without shuffle are the same rows in both.
const CASES: readonly ScriptCase[] = [
  {
    name: 'coerce, dropMissing (columns), impute (mean), onehot and standard scaling before an unpenalised logistic regression',
    data: 'iris_messy',
    experiment: [
      'prepare:',
      '  - coerce: { columns: { sepal_width_cm: number } }',
      '  - dropMissing: { axis: columns, threshold: 0.08 }',
      '  - impute: { strategy: mean }',
      '  - onehot: { columns: [petal_band] }',
      '  - scale: { method: standard }',
      'model: { type: logistic_regression, params: { penalty: none, max_iter: 300 } }',
      'validation: { method: kfold, folds: 5 }',
    ],
    metric: 'accuracy',
    tolerance: 0.035,
    because: 'shuffled 5-fold over 180 rows: six rows (0.033) may land on the other side',
  },
  {
    name: 'dropDuplicates, dropMissing (rows), impute (median) and ordinal in a given order before a decision tree',
    data: 'iris_messy',
    experiment: [
      'prepare:',
      '  - coerce: { columns: { sepal_width_cm: number } }',
      '  - dropDuplicates: {}',
      '  - dropMissing: {}',
      '  - impute: { strategy: median }',
      '  - ordinal: { categories: { petal_band: [short, medium, long] } }',
      'model: { type: decision_tree, params: { max_depth: 3 } }',
      'validation: { method: kfold, folds: 5 }',
    ],
    metric: 'accuracy',
    tolerance: 0.035,
    because: 'shuffled 5-fold over 180 rows: six rows (0.033) may land on the other side',
  },
  {
    name: 'clip (quantile) and minmax scaling before a polynomial-kernel SVM',
    data: 'iris',
    experiment: [
      'prepare:',
      '  - clip: { lower: 0.05, upper: 0.95 }',
      '  - scale: { method: minmax }',
      'model: { type: svm, params: { C: 10, kernel: poly, degree: 2 } }',
      'validation: { method: kfold, folds: 5 }',
    ],
    metric: 'accuracy',
    tolerance: 0.04,
    because: 'shuffled 5-fold over 150 rows: six rows (0.04) may land on the other side',
  },
  {
    name: 'clip (zscore) and robust scaling before a linear SVM (hold-out)',
    data: 'breast_cancer',
    experiment: [
      'prepare:',
      '  - clip: { method: zscore, threshold: 3 }',
      '  - scale: { method: robust }',
      'model: { type: linear_svm, params: { C: 0.5 } }',
      'validation: { method: holdout, test_size: 0.25 }',
    ],
    metric: 'accuracy',
    tolerance: 0.05,
    because: 'two different random hold-outs of 143 rows: accuracy near 0.97 varies by about 0.014 per split, 0.05 is seven rows',
  },
  {
    name: 'PCA before an L1 logistic regression, folds not shuffled',
    data: 'breast_cancer',
    experiment: [
      'prepare:',
      '  - scale: { method: standard }',
      '  - select: { method: pca, components: 5 }',
      'model: { type: logistic_regression, params: { penalty: l1, C: 0.5 } }',
      'validation: { method: kfold, folds: 5, shuffle: false }',
    ],
    metric: 'accuracy',
    tolerance: 0.01,
    because: "the same folds; only the L1 solvers differ (saga against mlwb's), a row or two of 569",
  },
  {
    name: 'class_weight (a map) in an rbf SVM, folds not shuffled',
    data: 'breast_cancer',
    experiment: [
      'prepare:',
      '  - scale: { method: standard }',
      'model: { type: svm, params: { C: 0.5, class_weight: { malignant: 4 } } }',
      'validation: { method: kfold, folds: 5, shuffle: false }',
    ],
    metric: 'f1_macro',
    tolerance: 0.005,
    because: "the same folds and libsvm's per-class C on both sides; only the scaling's rounding differs, a row at most",
  },
  {
    name: 'lasso selection before gaussian naive Bayes',
    data: 'breast_cancer',
    experiment: [
      'prepare:',
      '  - scale: { method: standard }',
      '  - select: { method: lasso, alpha: 0.05 }',
      'model: { type: naive_bayes }',
      'validation: { method: kfold, folds: 5 }',
    ],
    metric: 'accuracy',
    tolerance: 0.02,
    because: 'shuffled 5-fold over 569 rows, each fold selecting its own features: eleven rows (0.02)',
  },
  {
    name: 'variance selection before a random forest classifier',
    data: 'breast_cancer',
    experiment: [
      'prepare:',
      '  - select: { method: variance, threshold: 0.01 }',
      'model: { type: random_forest, params: { n_estimators: 30, max_depth: 6 } }',
      'validation: { method: kfold, folds: 5 }',
    ],
    metric: 'accuracy',
    tolerance: 0.025,
    because: 'shuffled folds and forests of 30 trees grown from different random streams: fourteen of 569 rows',
  },
  {
    name: 'gradient boosting classifier and its n_jobs',
    data: 'breast_cancer',
    experiment: [
      'model: { type: gradient_boosting, params: { max_iter: 50, max_leaf_nodes: 15, n_jobs: 1 } }',
      'validation: { method: kfold, folds: 5, shuffle: false }',
    ],
    metric: 'accuracy',
    tolerance: 1e-9,
    because: 'the same folds and the same trees as HistGradientBoostingClassifier (early stopping is off below 10,000 rows)',
  },
  {
    name: 'k-nearest neighbours classifier on scaled features, weighted by distance',
    data: 'iris',
    experiment: [
      'prepare:',
      '  - scale: { method: standard }',
      'model: { type: knn, params: { n_neighbors: 7, weights: distance } }',
      'validation: { method: kfold, folds: 5, shuffle: false }',
    ],
    metric: 'accuracy',
    tolerance: 1e-9,
    because: 'the same folds and the same neighbours as KNeighborsClassifier',
  },
  {
    name: 'k-nearest neighbours regressor with the manhattan metric',
    data: 'diabetes',
    experiment: ['model: { type: knn, params: { n_neighbors: 10, metric: manhattan } }', 'validation: { method: kfold, folds: 5, shuffle: false }'],
    metric: 'r2',
    tolerance: 1e-9,
    because: 'the same folds and the same neighbours as KNeighborsRegressor',
  },
  {
    name: 'gradient boosting regressor',
    data: 'diabetes',
    experiment: [
      'model: { type: gradient_boosting, params: { learning_rate: 0.05, max_depth: 3 } }',
      'validation: { method: kfold, folds: 5, shuffle: false }',
    ],
    metric: 'r2',
    tolerance: 0.002,
    because:
      "the same folds and trees as HistGradientBoostingRegressor, but pandas' default CSV parser reads most diabetes cells one bit off, so a few held-out values on a bin threshold go the other way: 2e-4 measured",
  },
  {
    name: 'an MLP classifier',
    data: 'iris',
    experiment: [
      'prepare:',
      '  - scale: { method: standard }',
      'model: { type: mlp, params: { hidden_layer_sizes: [16], learning_rate_init: 0.01, max_iter: 200 } }',
      'validation: { method: kfold, folds: 5 }',
    ],
    metric: 'accuracy',
    tolerance: 0.04,
    because: 'shuffled folds and networks from different random weights (TensorFlow.js against scikit-learn): six of 150 rows',
  },
  {
    name: 'TF-IDF of words and word pairs (sublinear, max_df 1) before a logistic regression',
    data: 'reviews',
    experiment: [
      'prepare:',
      '  - text: { column: review, ngram_range: [1, 2], sublinear_tf: true, max_df: 1 }',
      'model: { type: logistic_regression, params: { C: 10 } }',
      'validation: { method: kfold, folds: 5 }',
    ],
    metric: 'accuracy',
    tolerance: 0.025,
    because: 'shuffled 5-fold over 240 reviews: six rows (0.025)',
  },
  {
    name: 'word counts (min_df 2) before multinomial naive Bayes (hold-out)',
    data: 'reviews',
    experiment: [
      'prepare:',
      '  - text: { column: review, method: count, min_df: 2 }',
      'model: { type: naive_bayes }',
      'validation: { method: holdout, test_size: 0.25 }',
    ],
    metric: 'accuracy',
    tolerance: 0.05,
    because: 'two different random hold-outs of 60 reviews: three rows (0.05)',
  },
  {
    name: 'unnormalised TF-IDF and variance selection (sparse) before a linear SVM',
    data: 'reviews',
    experiment: [
      'prepare:',
      '  - text: { column: review, norm: none }',
      '  - select: { method: variance, threshold: 0.001 }',
      'model: { type: linear_svm }',
      'validation: { method: kfold, folds: 5 }',
    ],
    metric: 'accuracy',
    tolerance: 0.025,
    because: 'shuffled 5-fold over 240 reviews: six rows (0.025)',
  },
  {
    name: 'TF-IDF (max_features) and PCA of the sparse matrix before a kernel SVM',
    data: 'reviews',
    experiment: [
      'prepare:',
      '  - text: { column: review, max_features: 50 }',
      '  - select: { method: pca, components: 10 }',
      'model: { type: svm }',
      'validation: { method: kfold, folds: 5 }',
    ],
    metric: 'accuracy',
    tolerance: 0.025,
    because: 'shuffled 5-fold over 240 reviews: six rows (0.025)',
  },
  {
    name: 'TF-IDF without English stop words and lasso selection (sparse) before a decision tree',
    data: 'reviews',
    experiment: [
      'prepare:',
      '  - text: { column: review, stop_words: english }',
      '  - select: { method: lasso, alpha: 0.02 }',
      'model: { type: decision_tree, params: { max_depth: 5 } }',
      'validation: { method: kfold, folds: 5 }',
    ],
    metric: 'accuracy',
    tolerance: 0.05,
    because: 'shuffled folds, and depth-5 trees over a few hundred words change with the rows they see: twelve of 240 rows',
  },
  {
    name: 'linear regression (hold-out)',
    data: 'diabetes',
    experiment: ['model: { type: linear_regression }', 'validation: { method: holdout, test_size: 0.5 }'],
    metric: 'r2',
    tolerance: 0.12,
    because:
      'two different random halves of 442 rows: r2 of one half varies with sd 0.033 over splits (measured on 20), so two differ by up to 2.5 sd of their difference',
  },
  {
    name: 'standard scaling before a ridge regression, folds not shuffled',
    data: 'diabetes',
    experiment: [
      'prepare:',
      '  - scale: { method: standard }',
      'model: { type: ridge, params: { alpha: 1.0 } }',
      'validation: { method: kfold, folds: 5, shuffle: false }',
    ],
    metric: 'r2',
    tolerance: 1e-9,
    because: 'the same folds (consecutive rows) and a closed-form solution: equal up to rounding',
  },
  {
    name: 'a lasso regression, folds not shuffled',
    data: 'diabetes',
    experiment: [
      'prepare:',
      '  - scale: { method: standard }',
      'model: { type: lasso, params: { alpha: 0.5 } }',
      'validation: { method: kfold, folds: 5, shuffle: false }',
    ],
    metric: 'r2',
    tolerance: 1e-6,
    because: 'the same folds and the same cyclic coordinate descent stopping at tol 1e-4',
  },
  {
    name: 'coerce to a category, onehot and clip (zscore) before an elastic net',
    data: 'diabetes',
    experiment: [
      'prepare:',
      '  - coerce: { columns: { sex: categorical } }',
      '  - onehot: { columns: [sex] }',
      '  - clip: { method: zscore, threshold: 2.5 }',
      'model: { type: elastic_net, params: { alpha: 0.001, l1_ratio: 0.5 } }',
      'validation: { method: kfold, folds: 5 }',
    ],
    metric: 'r2',
    tolerance: 0.02,
    because: 'shuffled 5-fold over 442 rows: other folds move r2 of a linear model by about 0.01',
  },
  {
    name: 'impute (constant) and onehot of every category before a regression tree (max_features 1), folds not shuffled',
    data: 'diabetes_categories',
    experiment: [
      'prepare:',
      '  - impute: { strategy: constant }',
      '  - onehot: {}',
      'model: { type: decision_tree, params: { max_depth: 4, max_features: 1 } }',
      'validation: { method: kfold, folds: 5, shuffle: false }',
    ],
    metric: 'r2',
    tolerance: 0.01,
    because: 'the same folds; the trees break ties between equally good splits differently',
  },
  {
    name: 'impute (most frequent), ordinal of every category and scaling before a random forest regressor',
    data: 'diabetes_categories',
    experiment: [
      'prepare:',
      '  - impute: { strategy: most_frequent }',
      '  - ordinal: {}',
      '  - scale: { method: standard }',
      'model: { type: random_forest, params: { n_estimators: 30, min_samples_leaf: 5 } }',
      'validation: { method: kfold, folds: 5 }',
    ],
    metric: 'r2',
    tolerance: 0.03,
    because: 'shuffled folds and forests of 30 trees grown from different random streams',
  },
  {
    name: 'lasso selection before a linear regression',
    data: 'diabetes',
    experiment: ['prepare:', '  - select: { method: lasso, alpha: 0.05 }', 'model: { type: linear_regression }', 'validation: { method: kfold, folds: 5 }'],
    metric: 'r2',
    tolerance: 0.02,
    because: 'shuffled 5-fold over 442 rows: other folds move r2 of a linear model by about 0.01',
  },
  {
    name: 'dropMissing on the target, drop of the id and name, and datetime features of the release date before a ridge regression, folds not shuffled',
    data: 'cars',
    experiment: [
      'prepare:',
      '  - dropMissing: { columns: [mpg] }',
      '  - drop: { columns: [id, name] }',
      '  - datetime: { columns: [released], features: [year, month, dayofyear, dayofweek] }',
      '  - impute: { strategy: median }',
      '  - onehot: {}',
      '  - scale: { method: standard }',
      'model: { type: ridge, params: { alpha: 1 } }',
      'validation: { method: kfold, folds: 5, shuffle: false }',
    ],
    metric: 'r2',
    tolerance: 1e-6,
    because: 'the same 75 rows in the same folds, the same date features (pandas) and a closed-form ridge: equal up to rounding',
  },
  {
    name: 'PCA (share of variance) before an MLP regressor',
    data: 'diabetes',
    experiment: [
      'prepare:',
      '  - scale: { method: standard }',
      '  - select: { method: pca, variance: 0.9 }',
      'model: { type: mlp, params: { hidden_layer_sizes: [8], learning_rate_init: 0.01, max_iter: 100 } }',
      'validation: { method: kfold, folds: 5 }',
    ],
    metric: 'r2',
    tolerance: 0.04,
    because: 'shuffled folds and networks from different random weights (TensorFlow.js against scikit-learn)',
  },
];

// ---- running a case ----

let sklearnChecked: Promise<void> | undefined;

/** Fails (never skips) when scikit-learn cannot be imported: CI installs it. */
function requireSklearn(): Promise<void> {
  sklearnChecked ??= run(PYTHON, ['-c', 'import sklearn, pandas; print(sklearn.__version__)'], { timeout: 60_000 }).then(
    () => undefined,
    (error: Error) => {
      throw new Error(
        `${PYTHON} with scikit-learn and pandas is needed to run the exported train_sklearn.py; install them with \`apt-get install -y python3-sklearn python3-pandas\` (${error.message.trim()})`,
      );
    },
  );
  return sklearnChecked;
}

interface Outcome {
  /** The run's metrics, from run.json. */
  readonly runMetrics: Record<string, number>;
  readonly sklearn: Record<string, number>;
  /** Run parameters the script could not pass to scikit-learn. */
  readonly dropped: string[];
}

async function trainExportAndRun(c: ScriptCase): Promise<Outcome> {
  const root = mkdtempSync(path.join(tmpdir(), 'mlwb-sklearn-'));
  const dataFile = `${c.data}.csv`;
  writeFileSync(path.join(root, dataFile), datasetText(c.data));
  const file = path.join(root, 'case.experiment.yaml');
  writeFileSync(file, [`name: ${c.data}-case`, `data: { path: ${dataFile}, target: ${TARGETS[c.data]} }`, ...c.experiment, 'seed: 7', ''].join('\n'));
  const record = await executeRun({ workspaceRoot: root, experimentFile: file });
  assert.equal(record.status, 'completed', `training failed: ${record.reason ?? ''}`);
  const runDir = new RunStore(root).runDir(record.id);
  const outDir = path.join(root, 'export');
  exportRun(runDir, outDir);
  const script = path.join(outDir, 'train_sklearn.py');
  const { stdout, stderr } = await run(PYTHON, [script, '--data', path.join(root, dataFile), '--json'], { timeout: 120_000 }).catch(
    (error: Error & { stderr?: string }) => {
      throw new Error(`train_sklearn.py failed: ${error.stderr ?? error.message}\n--- script ---\n${readFileSync(script, 'utf8')}`);
    },
  );
  const runJson = JSON.parse(readFileSync(path.join(runDir, 'run.json'), 'utf8')) as { metrics: Record<string, number> };
  const { sklearn } = JSON.parse(stdout) as { sklearn: Record<string, number> };
  // make_model's notes name run parameters that scikit-learn's class lacks; warnings (convergence) are not counted.
  const dropped = stderr.split('\n').filter((line) => line.startsWith('note:'));
  return { runMetrics: runJson.metrics, sklearn, dropped };
}

for (const c of CASES) {
  test(`train_sklearn.py reproduces the run: ${c.name}`, async (t) => {
    await requireSklearn();
    const { runMetrics, sklearn, dropped } = await trainExportAndRun(c);
    const ours = runMetrics[c.metric] as number;
    const theirs = sklearn[c.metric] as number;
    assert.equal(typeof theirs, 'number', `the script printed no ${c.metric}: ${JSON.stringify(sklearn)}`);
    t.diagnostic(`${c.metric}: mlwb ${ours.toFixed(4)}, scikit-learn ${theirs.toFixed(4)}, tolerance ${c.tolerance}`);
    assert.deepEqual(dropped, [], 'every parameter of the run reaches scikit-learn');
    assert.ok(Math.abs(theirs - ours) <= c.tolerance, `${c.metric}: scikit-learn ${theirs} vs mlwb ${ours}, more than ${c.tolerance} apart (${c.because})`);
  });
}

test('every model type and task mlwb trains on a feature matrix has a scikit-learn estimator; the transformer has none', () => {
  for (const info of modelTypes()) {
    for (const task of ['classification', 'regression'] as const) {
      const expression = modelExpression(info.type, task, {}, false);
      if (info.input === 'matrix' && info.tasks.includes(task)) assert.ok(expression, `${info.type} (${task})`);
      else assert.equal(expression, undefined, `${info.type} (${task}) cannot be trained, so it needs no estimator`);
    }
  }
});

test('the cases cover every prepare step, both validation methods and every model type and task', () => {
  const covered = (pattern: RegExp): Set<string> =>
    new Set(CASES.flatMap((c) => c.experiment.flatMap((line) => [...line.matchAll(pattern)].map((m) => m[1] as string))));
  // embed runs a pretrained encoder from a local folder, which scikit-learn has no equivalent of: the script stops with the reason (sklearnEmbed.test.ts).
  assert.deepEqual([...covered(/^\s+- (\w+):/g)].sort(), [...PREPARE_STEPS].filter((step) => step !== 'embed').sort());
  assert.deepEqual([...covered(/method: (holdout|kfold)/g)].sort(), ['holdout', 'kfold']);
  const trained = new Set(
    CASES.map((c) => `${/type: (\w+)/.exec(c.experiment.join('\n'))?.[1] ?? ''} ${REGRESSION.has(c.data) ? 'regression' : 'classification'}`),
  );
  const expected = modelTypes().flatMap((info) => (info.input === 'matrix' ? info.tasks.map((task: Task) => `${info.type} ${task}`) : []));
  assert.deepEqual(
    expected.filter((pair) => !trained.has(pair)),
    [],
  );
});
