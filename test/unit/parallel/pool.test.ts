import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RandomForestClassifier, RandomForestRegressor } from '../../../src/core/models/randomForest';
import { availableParallelism } from 'node:os';
import { childSeed, jobsFor, MIN_PARALLEL_WORK, nJobsProblem, resolveJobs, sharedFitJobsFor } from '../../../src/core/parallel/jobs';
import { runTasks, setPoolScript, withoutTsxLoader } from '../../../src/core/parallel/pool';
import { CancelledError, MlError, type ProgressEvent } from '../../../src/core/types';
import { loadCsv } from '../matrices';

test('n_jobs resolves as scikit-learn: null is the cores less one, -1 every core, 0 and fractions are refused', () => {
  assert.ok(resolveJobs(null) >= 1);
  assert.equal(resolveJobs(3), 3);
  assert.ok(resolveJobs(-1) >= resolveJobs(null));
  assert.throws(
    () => resolveJobs(0, 'random_forest: n_jobs'),
    (e: unknown) => e instanceof MlError && /random_forest: n_jobs: must be a whole number/.test(e.message),
  );
  assert.match(nJobsProblem(1.5) ?? '', /whole number/);
  assert.equal(nJobsProblem(-1), undefined);
});

test('gradient boosting’s default n_jobs: the cores less one, but two where there are two cores; explicit counts and small work as for every model', () => {
  const cores = availableParallelism();
  const big = 10 * MIN_PARALLEL_WORK;
  assert.equal(sharedFitJobsFor(null, big), cores === 1 ? 1 : cores === 2 ? 2 : cores - 1);
  assert.equal(sharedFitJobsFor(null, big), Math.max(jobsFor(null, big), Math.min(2, resolveJobs(-1))));
  assert.equal(sharedFitJobsFor(undefined, big), sharedFitJobsFor(null, big));
  assert.equal(sharedFitJobsFor(1, big), 1);
  assert.equal(sharedFitJobsFor(3, big), 3);
  assert.equal(sharedFitJobsFor(null, MIN_PARALLEL_WORK - 1), 1, 'small work stays on the calling thread');
  assert.throws(() => sharedFitJobsFor(0, big, 'gradient_boosting: n_jobs'), /gradient_boosting: n_jobs: must be a whole number/);
});

test('child seeds depend on the indices only', () => {
  assert.equal(childSeed(42, 3, 1), childSeed(42, 3, 1));
  assert.notEqual(childSeed(42, 3, 1), childSeed(42, 1, 3));
  assert.notEqual(childSeed(42, 0), childSeed(43, 0));
});

test('random_forest with n_jobs 2 grows the same forest as n_jobs 1: predictions, probabilities, importances', async () => {
  const { X, labels } = loadCsv('breast_cancer.csv');
  const one = new RandomForestClassifier({ n_estimators: 12, max_depth: 6, n_jobs: 1 });
  const two = new RandomForestClassifier({ n_estimators: 12, max_depth: 6, n_jobs: 2 });
  const steps: number[] = [];
  await one.fit(X, labels, { seed: 7 });
  await two.fit(X, labels, { seed: 7, onProgress: (e: ProgressEvent) => steps.push(e.step) });
  assert.deepEqual(two.predictProba(X).data, one.predictProba(X).data);
  assert.deepEqual(two.predict(X), one.predict(X));
  assert.deepEqual(two.featureImportances, one.featureImportances);
  assert.deepEqual(two.toJSON().trees, one.toJSON().trees);
  assert.deepEqual(
    steps,
    Array.from({ length: 12 }, (_, i) => i + 1),
    'one progress event per tree, counting up',
  );
});

test('random_forest regression with n_jobs 2 equals n_jobs 1', async () => {
  const { X, values } = loadCsv('diabetes.csv');
  const one = new RandomForestRegressor({ n_estimators: 6, max_depth: 5, n_jobs: 1 });
  const two = new RandomForestRegressor({ n_estimators: 6, max_depth: 5, n_jobs: 2 });
  await one.fit(X, values, { seed: 3 });
  await two.fit(X, values, { seed: 3 });
  assert.deepEqual(two.predict(X), one.predict(X));
  assert.deepEqual(two.featureImportances, one.featureImportances);
});

test('random_forest refuses n_jobs 0 by name', () => {
  assert.throws(
    () => new RandomForestClassifier({ n_jobs: 0 }),
    (e: unknown) => e instanceof MlError && /random_forest: n_jobs must be/.test(e.message),
  );
});

test('cancelling stops the workers: the forest fit rejects with CancelledError', async () => {
  const { X, labels } = loadCsv('breast_cancer.csv');
  const forest = new RandomForestClassifier({ n_estimators: 400, n_jobs: 2 });
  const controller = new AbortController();
  let trees = 0;
  const started = Date.now();
  const fit = forest.fit(X, labels, {
    seed: 1,
    signal: controller.signal,
    onProgress: () => {
      if (++trees === 3) controller.abort();
    },
  });
  await assert.rejects(fit, CancelledError);
  assert.ok(trees < 400, `stopped after ${trees} trees`);
  assert.ok(Date.now() - started < 60_000);
});

test('a worker that fails or exits surfaces as a clear error naming the task', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-pool-'));
  const script = join(dir, 'failing.cjs');
  writeFileSync(
    script,
    `const { parentPort } = require('node:worker_threads');
     parentPort.on('message', (m) => {
       if (m.input === 'throw') parentPort.postMessage({ type: 'error', index: m.index, name: 'MlError', message: 'bad column "x"' });
       else if (m.input === 'exit') process.exit(3);
       else parentPort.postMessage({ type: 'result', index: m.index, output: m.input * 2 });
     });`,
  );
  setPoolScript({ file: script });
  try {
    assert.deepEqual(await runTasks<number, number>('double', [1, 2, 3, 4, 5], { jobs: 2 }), [2, 4, 6, 8, 10]);
    await assert.rejects(runTasks('double', [1, 'throw', 3], { jobs: 2 }), (e: unknown) => e instanceof MlError && e.message === 'bad column "x"');
    await assert.rejects(
      runTasks('double', [1, 'exit'], { jobs: 2 }),
      (e: unknown) => e instanceof MlError && /parallel worker \(double\) stopped with exit code 3/.test(e.message),
    );
  } finally {
    setPoolScript(undefined);
  }
});

test('an unknown task kind is refused by the real worker', async () => {
  await assert.rejects(
    runTasks('no.such.task', [1], { jobs: 1 }),
    (e: unknown) => e instanceof MlError && /unknown parallel task "no.such.task"/.test(e.message),
  );
});

test('pool workers start without the parent’s tsx loader (slow to start in each worker) and keep its other Node options', async () => {
  assert.deepEqual(withoutTsxLoader(['--import', 'tsx', '--max-old-space-size=900']), ['--max-old-space-size=900']);
  assert.deepEqual(withoutTsxLoader(['--require', '/x/node_modules/tsx/dist/cjs/index.cjs', '--import=tsx', '--cpu-prof']), ['--cpu-prof']);
  assert.equal(withoutTsxLoader(['--import', 'other', '--cpu-prof']), undefined, 'nothing to leave out: the options are inherited as always');
  assert.equal(withoutTsxLoader([]), undefined);
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-pool-'));
  const script = join(dir, 'argv.cjs');
  writeFileSync(
    script,
    `const { parentPort } = require('node:worker_threads');
     parentPort.on('message', (m) => parentPort.postMessage({ type: 'result', index: m.index, output: process.execArgv }));`,
  );
  setPoolScript({ file: script });
  try {
    const [seen] = await runTasks<number, string[]>('argv', [1], { jobs: 1 });
    assert.deepEqual(seen, withoutTsxLoader(process.execArgv) ?? process.execArgv);
    assert.ok(!(seen as string[]).some((option) => /tsx/.test(option)), `worker options ${JSON.stringify(seen)}`);
  } finally {
    setPoolScript(undefined);
  }
});
