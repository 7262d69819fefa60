import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fitBins } from '../../../src/core/models/boosting/binning';
import { gradientBoostingStreamLearner, isValidationRow, streamBins } from '../../../src/core/models/boosting/streamed';
import { GradientBoostingClassifier, GradientBoostingRegressor } from '../../../src/core/models/gradientBoosting';
import { HistogramTeam } from '../../../src/core/models/boosting/team';
import { DEFAULT_SEED, Random } from '../../../src/core/random';
import { HOLDOUT_FOLD } from '../../../src/core/stream/source';
import { CancelledError, MlError, type Task } from '../../../src/core/types';
import { csvStreamSource, gatherRows } from './csvSource';
import { rowsApart } from './thresholds';

/**
 * A CSV of `rows` rows: x0..x3 normal (x1 rounded to 2 decimals, so it has more than 255 distinct values but repeats),
 * x4 with 6 values, x5 normal with 5 % empty cells; a binary label from a noisy rule, or a numeric target.
 */
function writeData(dir: string, rows: number, task: Task): string {
  const random = new Random(11);
  const lines = ['x0,x1,x2,x3,x4,x5,target'];
  for (let i = 0; i < rows; i++) {
    const x = [random.normal(), Math.round(random.normal() * 100) / 100, random.normal(), random.normal(), random.int(6), random.normal()];
    const missing = random.next() < 0.05;
    const score =
      (x[0] as number) + 0.8 * (x[1] as number) * (x[2] as number) - 0.3 * (x[4] as number) + (missing ? 0.7 : 0.5 * (x[5] as number)) + 0.6 * random.normal();
    const target = task === 'classification' ? (score > 0 ? 'pos' : 'neg') : (3 * score + 10).toFixed(4);
    lines.push([...x.slice(0, 5).map((v) => v.toFixed(4)), missing ? '' : (x[5] as number).toFixed(4), target].join(','));
  }
  const file = join(dir, `data-${task}-${rows}.csv`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const SPLIT = { method: 'holdout', testSize: 0.2 } as const;

async function open(file: string, task: Task, batchSize = 500): Promise<Awaited<ReturnType<typeof csvStreamSource>>> {
  return csvStreamSource({ file, target: 'target', task, seed: DEFAULT_SEED, split: SPLIT, heldOut: HOLDOUT_FOLD, batchSize });
}

test('streamed gradient boosting equals the in-memory fit on the same training rows (bins from DuckDB equal _BinMapper’s; same trees, same predictions)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-gb-stream-'));
  try {
    for (const task of ['classification', 'regression'] as const) {
      const source = await open(writeData(dir, 4000, task), task);
      try {
        const train = await gatherRows(source, 'train');
        const heldOut = await gatherRows(source, 'heldOut');
        // DuckDB's thresholds equal the in-memory binning of the same rows (distinct midpoints, midpoint percentiles, NaN left out).
        const bins = await streamBins(source, 255, { earlyStopping: false, validationFraction: 0 }, DEFAULT_SEED);
        const expected = fitBins(train.X, 255, new Random(DEFAULT_SEED));
        assert.deepEqual(bins.thresholds, expected.thresholds);
        assert.deepEqual(bins.nBinsNonMissing, expected.nBinsNonMissing);

        const params = { max_iter: 25, early_stopping: false, max_leaf_nodes: 15 };
        const passesBefore = source.passes();
        const streamed = await gradientBoostingStreamLearner(params, task).fit(source, { seed: DEFAULT_SEED });
        // Two DuckDB queries for the bins and one binning pass; the iterations read no file.
        assert.equal(source.passes() - passesBefore, 3);
        if (task === 'classification') {
          const inMemory = new GradientBoostingClassifier(params);
          await inMemory.fit(
            train.X,
            Array.from(train.y, (k) => source.classes[k] as string),
            { seed: DEFAULT_SEED },
          );
          assert.ok(streamed instanceof GradientBoostingClassifier);
          assert.deepEqual(streamed.classes, ['neg', 'pos']);
          assert.equal(streamed.nIter, inMemory.nIter);
          assert.deepEqual(streamed.predictProba(heldOut.X).data, inMemory.predictProba(heldOut.X).data);
          assert.deepEqual(streamed.toJSON().trees, inMemory.toJSON().trees);
          const accuracy = streamed.predict(heldOut.X).filter((label, i) => label === source.classes[heldOut.y[i] as number]).length / heldOut.X.rows;
          assert.ok(accuracy > 0.8, `held-out accuracy ${accuracy}`);
        } else {
          const inMemory = new GradientBoostingRegressor(params);
          await inMemory.fit(train.X, train.y, { seed: DEFAULT_SEED });
          assert.ok(streamed instanceof GradientBoostingRegressor);
          assert.equal(streamed.nIter, inMemory.nIter);
          assert.deepEqual(streamed.predict(heldOut.X), inMemory.predict(heldOut.X));
        }
      } finally {
        source.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('large tables get their bins from DuckDB sketches (approx_quantile, approx_count_distinct) in little DuckDB memory, close to _BinMapper’s', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-gb-stream-'));
  try {
    // 210,000 rows × 6 features: over EXACT_BINNING_VALUES, so the sketch path, with DuckDB limited to 96 MB (its CSV reader alone takes two 30 MB buffers).
    const file = writeData(dir, 210_000, 'classification');
    const source = await csvStreamSource({
      file,
      target: 'target',
      task: 'classification',
      seed: DEFAULT_SEED,
      split: SPLIT,
      heldOut: HOLDOUT_FOLD,
      batchSize: 20_000,
      memoryLimitMb: 96,
    });
    try {
      const plan = { earlyStopping: false, validationFraction: 0 };
      const bins = await streamBins(source, 255, plan, DEFAULT_SEED);
      const train = await gatherRows(source, 'train');
      const expected = fitBins(train.X, 255, new Random(DEFAULT_SEED));
      // Few distinct values (x4: 6 of them): the same midpoints.
      assert.deepEqual(bins.thresholds[4], expected.thresholds[4]);
      // Many: each threshold puts under 1 % of the rows on the other side than _BinMapper's does. The t-digest
      // (compression 100) errs most at middle quantiles: measured 0.09–0.27 % on the continuous features, 0.42 % on
      // x1, whose tied values (2 decimals) hold 0.4 % of the rows each: a sketch cannot tell which side of a tie to cut.
      let worst = 0;
      const perFeature: string[] = [];
      for (const f of [0, 1, 2, 3, 5]) {
        const before = worst;
        worst = 0;
        const column = Float64Array.from({ length: train.X.rows }, (_, i) => train.X.data[i * train.X.cols + f] as number)
          .filter((v) => !Number.isNaN(v))
          .sort();
        const ours = bins.thresholds[f] as Float64Array;
        const theirs = expected.thresholds[f] as Float64Array;
        assert.equal(ours.length, theirs.length);
        ours.forEach((threshold, k) => {
          worst = Math.max(worst, rowsApart(column, threshold, theirs[k] as number));
        });
        perFeature.push(`x${f} ${(100 * worst).toFixed(3)} %`);
        worst = Math.max(worst, before);
      }
      t.diagnostic(`sketch thresholds: at most ${(100 * worst).toFixed(3)} % of the rows from _BinMapper's (per feature: ${perFeature.join(', ')})`);
      assert.ok(worst < 0.01, `worst ${worst}`);
    } finally {
      source.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('streamed early stopping holds out the hash-chosen rows; early stopping on the training loss equals the in-memory fit’s', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-gb-stream-'));
  try {
    const source = await open(writeData(dir, 15_000, 'classification'), 'classification', 2000);
    try {
      const train = await gatherRows(source, 'train');
      const heldOut = await gatherRows(source, 'heldOut');
      const labels = Array.from(train.y, (k) => source.classes[k] as string);
      // validation_fraction null: early stopping scores the training rows, in memory and streamed alike.
      const onTrainLoss = { max_iter: 200, early_stopping: true, validation_fraction: null, n_iter_no_change: 3, tol: 0.01 };
      const streamed = (await gradientBoostingStreamLearner(onTrainLoss, 'classification').fit(source, { seed: DEFAULT_SEED })) as GradientBoostingClassifier;
      const inMemory = new GradientBoostingClassifier(onTrainLoss);
      await inMemory.fit(train.X, labels, { seed: DEFAULT_SEED });
      assert.ok(streamed.nIter < 200, `stopped early (${streamed.nIter})`);
      assert.equal(streamed.nIter, inMemory.nIter);
      assert.deepEqual(streamed.predictProba(heldOut.X).data, inMemory.predictProba(heldOut.X).data);

      // 'auto' above 10,000 rows: 10 % of the training rows, chosen by the row hash, score each iteration.
      const events: { step: number; metrics?: Readonly<Record<string, number>> }[] = [];
      const auto = (await gradientBoostingStreamLearner({ max_iter: 300 }, 'classification').fit(source, {
        seed: DEFAULT_SEED,
        onProgress: (event) => events.push(event),
      })) as GradientBoostingClassifier;
      const validation = Array.from(train.rowNumbers).filter((row) => isValidationRow(row, DEFAULT_SEED, 0.1)).length;
      assert.ok(validation > 0.08 * train.X.rows && validation < 0.12 * train.X.rows, `${validation} validation rows of ${train.X.rows}`);
      assert.equal(events.length, auto.nIter);
      assert.ok(events.every((e) => e.metrics?.val_loss !== undefined));
      assert.ok(auto.nIter < 300, `stopped early (${auto.nIter})`);
      const autoInMemory = new GradientBoostingClassifier({ max_iter: 300 });
      await autoInMemory.fit(train.X, labels, { seed: DEFAULT_SEED });
      const accuracy = (model: GradientBoostingClassifier): number =>
        model.predict(heldOut.X).filter((label, i) => label === source.classes[heldOut.y[i] as number]).length / heldOut.X.rows;
      // Different (equally sized) early-stopping rows: the two stop at different iterations, so the accuracies
      // agree within the noise of a 3,000-row hold-out (one point), not exactly.
      t.diagnostic(
        `early stopping 'auto': streamed ${auto.nIter} trees, accuracy ${accuracy(auto).toFixed(4)}; in memory ${autoInMemory.nIter} trees, ${accuracy(autoInMemory).toFixed(4)}`,
      );
      assert.ok(Math.abs(accuracy(auto) - accuracy(autoInMemory)) < 0.01, `streamed ${accuracy(auto)} vs in-memory ${accuracy(autoInMemory)}`);
    } finally {
      source.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('streamed gradient boosting: bad parameters fail before reading; cancel between iterations', async () => {
  assert.throws(() => gradientBoostingStreamLearner({ max_bins: 300 }, 'classification'), MlError);
  assert.throws(() => gradientBoostingStreamLearner({ learning_rate: 0 }, 'regression'), /learning_rate/);
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-gb-stream-'));
  try {
    const source = await open(writeData(dir, 2000, 'classification'), 'classification');
    try {
      const controller = new AbortController();
      const fit = gradientBoostingStreamLearner({ max_iter: 1000, early_stopping: false }, 'classification').fit(source, {
        seed: DEFAULT_SEED,
        signal: controller.signal,
        onProgress: (event) => {
          if (event.step === 3) controller.abort();
        },
      });
      await assert.rejects(fit, CancelledError);
    } finally {
      source.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a streamed fit keeps to one thread unless n_jobs says otherwise (memory first: no team of worker threads)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlwb-gb-stream-'));
  const lossAndGradients = HistogramTeam.prototype.lossAndGradients;
  let teamPasses = 0;
  HistogramTeam.prototype.lossAndGradients = function (this: HistogramTeam): number | undefined {
    teamPasses++;
    return lossAndGradients.call(this);
  };
  try {
    // 40,000 training rows × 6 features: past the size below which any n_jobs stays on the calling thread.
    const source = await open(writeData(dir, 50_000, 'classification'), 'classification', 5000);
    try {
      const params = { max_iter: 4, early_stopping: false };
      const one = await gradientBoostingStreamLearner(params, 'classification').fit(source, { seed: DEFAULT_SEED });
      assert.equal(teamPasses, 0, 'the default n_jobs grew on the calling thread');
      const two = await gradientBoostingStreamLearner({ ...params, n_jobs: 2 }, 'classification').fit(source, { seed: DEFAULT_SEED });
      assert.ok(teamPasses > 0, 'n_jobs: 2 used the team');
      assert.deepEqual((two as GradientBoostingClassifier).toJSON().trees, (one as GradientBoostingClassifier).toJSON().trees);
    } finally {
      await source.close();
    }
  } finally {
    HistogramTeam.prototype.lossAndGradients = lossAndGradients;
    rmSync(dir, { recursive: true, force: true });
  }
});
