/**
 * End-to-end benchmark: a generated CSV file → `mlwb train` (the built CLI, logistic regression or gradient boosting,
 * 20 % hold-out) beside pandas `read_csv` + scikit-learn `LogisticRegression` or `HistGradientBoostingClassifier` (each
 * with its defaults, as ours) on the same file, in the same run. Each side runs in
 * its own process under one wrapper that reports wall time and the child's peak RSS (getrusage); the bench prints
 * both, the held-out accuracy of each, the ratios, and the stages of our run from its log.
 *
 *   node scripts/build.mjs && node --import tsx bench/endtoend.ts [--rows 1000000] [--features 20] [--repeat 1]
 *     [--model logistic_regression|gradient_boosting] [--cli dist/cli/mlwb.js] [--keep DIR] [--jobs N]
 *
 * Streamed mode (training beyond memory): `--max-memory-mb 512` trains the same file with `mlwb train --max-memory-mb
 * 512` (streamed when the table does not fit) beside the in-memory `mlwb train`, and prints each one's wall time, peak
 * RSS (target: the budget plus a fixed ~300 MB), held-out accuracy (target: within 0.2 point) and the passes read;
 * `--no-sklearn` leaves out the pandas + scikit-learn anchor:
 *
 *   node --import tsx bench/endtoend.ts --rows 6000000 --max-memory-mb 512 --keep /tmp/e2e
 *
 * `--jobs N` sets our model's `n_jobs` (left out: its default; gradient boosting's is the cores less one, where
 * scikit-learn's OpenMP threads take every core).
 *
 * Both sides do the same work: read the file, split 80/20 (stratified), fit on the 80 %, score the 20 %, then refit
 * on every row (what `mlwb train` does for the deployable model). Permutation importance is off (`importance: false`).
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { option } from './common';
import { measure, writeLogisticCsv, type Measured } from './csvData';

/**
 * pandas + scikit-learn doing what `mlwb train` does: read, stratified 80/20 split, fit, score, refit on all rows.
 * argv: the CSV file, then the model: logistic_regression (LogisticRegression()) or gradient_boosting
 * (HistGradientBoostingClassifier() with its defaults: early_stopping='auto' is on above 10,000 rows, as ours).
 */
const SKLEARN = `
import json, sys, time
import pandas
from sklearn.linear_model import LogisticRegression
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import train_test_split
Model = HistGradientBoostingClassifier if sys.argv[2] == "gradient_boosting" else LogisticRegression
t0 = time.perf_counter()
frame = pandas.read_csv(sys.argv[1])
t1 = time.perf_counter()
y = frame.pop("y").to_numpy()
X = frame.to_numpy()
del frame
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, stratify=y, random_state=42)
model = Model().fit(X_train, y_train)
accuracy = float((model.predict(X_test) == y_test).mean())
t2 = time.perf_counter()
Model().fit(X, y)
t3 = time.perf_counter()
print(json.dumps({"accuracy": accuracy, "read": t1 - t0, "holdout": t2 - t1, "refit": t3 - t2}))
`;

/** Seconds between the run log's "reading", "rows × columns" and "completed" lines. */
function logStages(workspace: string, runId: string): string {
  const dir = path.join(workspace, '.mlwb', 'runs', runId);
  const log = existsSync(path.join(dir, 'log.txt')) ? readFileSync(path.join(dir, 'log.txt'), 'utf8') : '';
  const at = (pattern: RegExp): number | undefined => {
    const line = log.split('\n').find((l) => pattern.test(l));
    const stamp = line?.match(/^\[([^\]]+)\]/)?.[1];
    return stamp ? Date.parse(stamp) : undefined;
  };
  const reading = at(/\] reading /);
  const read = at(/ rows × \d+ columns; training /);
  const done = at(/\] completed: /);
  if (reading === undefined || read === undefined || done === undefined) return '(stages not in the log)';
  return `read ${((read - reading) / 1000).toFixed(1)} s, train + save ${((done - read) / 1000).toFixed(1)} s`;
}

/** The streamed run under `budget` MB beside the in-memory run (and, unless --no-sklearn, pandas + scikit-learn). */
function streamedBeside(cli: string, experiment: string, csv: string, workspace: string, budget: number, model: string): void {
  const loadBefore = loadavg()[0] as number;
  const train = (extra: string[]): { measured: Measured; accuracy: number; streamed?: { batchSize: number; passes: number; rows: number }; stages: string } => {
    const measured = measure([process.execPath, cli, 'train', experiment, '--json', '--workspace', workspace, ...extra], { cwd: workspace });
    const result = JSON.parse(measured.stdout) as { runId: string; status: string; metrics?: { accuracy?: number }; reason?: string };
    if (result.status !== 'completed') throw new Error(`mlwb train ${result.status}: ${result.reason ?? ''}`);
    const record = JSON.parse(readFileSync(path.join(workspace, '.mlwb', 'runs', result.runId, 'run.json'), 'utf8')) as {
      streamed?: { batchSize: number; passes: number; rows: number };
    };
    return { measured, accuracy: result.metrics?.accuracy ?? NaN, streamed: record.streamed, stages: logStages(workspace, result.runId) };
  };
  const streamed = train(['--max-memory-mb', String(budget)]);
  const memory = train([]);
  const line = (name: string, run: ReturnType<typeof train>): string =>
    `  ${name.padEnd(26)} ${run.measured.wall.toFixed(1)} s wall, ${run.measured.cpu.toFixed(1)} s CPU, peak RSS ${run.measured.rssMb.toFixed(0)} MB, held-out accuracy ${run.accuracy.toFixed(4)}`;
  console.log(
    `${line(`mlwb train --max-memory-mb ${budget}:`, streamed)}  (${streamed.streamed ? `streamed: ${streamed.streamed.passes} passes, batches of ${streamed.streamed.batchSize} rows` : 'not streamed'})`,
  );
  console.log(`${line('mlwb train (in memory):', memory)}  (${memory.stages})`);
  if (!process.argv.includes('--no-sklearn')) {
    const theirs = measure(['/usr/bin/python3', '-c', SKLEARN, csv, model], { cwd: workspace });
    const sk = JSON.parse(theirs.stdout) as { accuracy: number };
    console.log(
      `  ${'pandas + sklearn:'.padEnd(26)} ${theirs.wall.toFixed(1)} s wall, ${theirs.cpu.toFixed(1)} s CPU, peak RSS ${theirs.rssMb.toFixed(0)} MB, held-out accuracy ${sk.accuracy.toFixed(4)}`,
    );
  }
  const limit = budget + 300;
  console.log(
    `  streamed / in memory: time ${(streamed.measured.wall / memory.measured.wall).toFixed(2)}×, peak RSS ${(streamed.measured.rssMb / memory.measured.rssMb).toFixed(2)}×; peak RSS ${streamed.measured.rssMb.toFixed(0)} MB ${streamed.measured.rssMb <= limit ? '≤' : '>'} ${limit} MB (target); accuracy ${((streamed.accuracy - memory.accuracy) * 100).toFixed(3)} points (target within 0.2)`,
  );
  console.log(`  load average ${loadBefore.toFixed(1)} → ${(loadavg()[0] as number).toFixed(1)}`);
}

function main(): void {
  const rows = option('rows', 1_000_000);
  const features = option('features', 20);
  const modelAt = process.argv.indexOf('--model');
  const model = modelAt >= 0 ? (process.argv[modelAt + 1] as string) : 'logistic_regression';
  if (model !== 'logistic_regression' && model !== 'gradient_boosting') throw new Error(`--model: logistic_regression or gradient_boosting, got ${model}`);
  const modelName = model === 'logistic_regression' ? 'logistic regression' : 'gradient boosting';
  const repeat = option('repeat', 1);
  // Our model's n_jobs (0: its default, the cores less one for gradient boosting); scikit-learn keeps its default threads.
  const jobs = option('jobs', 0);
  const cliAt = process.argv.indexOf('--cli');
  const cli = path.resolve(cliAt >= 0 ? (process.argv[cliAt + 1] as string) : 'dist/cli/mlwb.js');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run node scripts/build.mjs first`);
  const keepAt = process.argv.indexOf('--keep');
  const workspace = keepAt >= 0 ? path.resolve(process.argv[keepAt + 1] as string) : mkdtempSync(path.join(tmpdir(), 'mlwb-bench-e2e-'));
  mkdirSync(workspace, { recursive: true });
  const csv = path.join(workspace, `data-${rows}x${features}.csv`);
  try {
    if (!existsSync(csv)) {
      const started = performance.now();
      writeLogisticCsv(csv, rows, features);
      console.log(`generated ${csv}: ${(statSync(csv).size / 2 ** 20).toFixed(0)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    const experiment = path.join(workspace, `bench-${model}-${rows}.experiment.yaml`);
    writeFileSync(
      experiment,
      [
        'name: endtoend',
        `data: { path: ${path.basename(csv)}, target: y }`,
        'task: classification',
        jobs > 0 ? `model: { type: ${model}, params: { n_jobs: ${jobs} } }` : `model: { type: ${model} }`,
        'validation: { method: holdout, test_size: 0.2 }',
        'importance: false',
        'seed: 42',
        '',
      ].join('\n'),
    );
    console.log(`${rows.toLocaleString('en')} rows × ${features} features + binary target; ${modelName}, 20 % hold-out, refit on all rows`);
    const budget = option('max-memory-mb', 0);
    if (budget > 0) {
      streamedBeside(cli, experiment, csv, workspace, budget, model);
      return;
    }
    for (let r = 0; r < repeat; r++) {
      const loadBefore = loadavg()[0] as number;
      const ours = measure([process.execPath, cli, 'train', experiment, '--json', '--workspace', workspace], { cwd: workspace });
      const result = JSON.parse(ours.stdout) as { runId: string; status: string; metrics?: { accuracy?: number }; reason?: string };
      if (result.status !== 'completed') throw new Error(`mlwb train ${result.status}: ${result.reason ?? ''}`);
      const theirs = measure(['/usr/bin/python3', '-c', SKLEARN, csv, model], { cwd: workspace });
      const sk = JSON.parse(theirs.stdout) as { accuracy: number; read: number; holdout: number; refit: number };
      const loadAfter = loadavg()[0] as number;
      const accuracy = result.metrics?.accuracy ?? NaN;
      console.log(`run ${r + 1} (load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)})`);
      console.log(
        `  mlwb train:        ${ours.wall.toFixed(2)} s wall, ${ours.cpu.toFixed(2)} s CPU, peak RSS ${ours.rssMb.toFixed(0)} MB, held-out accuracy ${accuracy.toFixed(4)}  (${logStages(workspace, result.runId)})`,
      );
      console.log(
        `  pandas + sklearn:  ${theirs.wall.toFixed(2)} s wall, ${theirs.cpu.toFixed(2)} s CPU, peak RSS ${theirs.rssMb.toFixed(0)} MB, held-out accuracy ${sk.accuracy.toFixed(4)}  (read_csv ${sk.read.toFixed(1)} s, split + fit + score ${sk.holdout.toFixed(1)} s, refit ${sk.refit.toFixed(1)} s)`,
      );
      console.log(
        `  ratio ours / theirs: time ${(ours.wall / theirs.wall).toFixed(2)}× (CPU ${(ours.cpu / theirs.cpu).toFixed(2)}×), peak RSS ${(ours.rssMb / theirs.rssMb).toFixed(2)}×, accuracy ${((accuracy - sk.accuracy) * 100).toFixed(2)} points`,
      );
    }
  } finally {
    if (keepAt < 0) rmSync(workspace, { recursive: true, force: true });
  }
}

main();
