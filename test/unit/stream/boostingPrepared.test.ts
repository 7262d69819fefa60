/**
 * Streamed gradient boosting through the run's own source (stream/open.ts: DuckDB preparation, pass cache) on a CSV
 * with missing cells and a categorical column: equal to the in-memory Pipeline and fit on the same hash split.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { readTable } from '../../../src/core/datasets';
import { DatasetEngine } from '../../../src/core/datasets/engine';
import { splitTarget, targetValues } from '../../../src/core/data/target';
import { gradientBoostingStreamLearner } from '../../../src/core/models/boosting/streamed';
import { GradientBoostingClassifier } from '../../../src/core/models/gradientBoosting';
import { Pipeline } from '../../../src/core/prepare/pipeline';
import { Random } from '../../../src/core/random';
import { StreamTable } from '../../../src/core/stream/open';
import { HOLDOUT_FOLD, rowFold, type StreamSplit } from '../../../src/core/stream/source';
import type { DenseMatrix } from '../../../src/core/types';
import { selectRows, selectTarget } from '../../../src/core/validation';

const SEED = 7;

test('streamed gradient boosting through stream/open.ts (impute, onehot in DuckDB) equals the in-memory pipeline and fit on the hash split', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlwb-gb-prepared-'));
  const engine = new DatasetEngine(1);
  try {
    const rng = new Random(3);
    const lines = ['a,b,gappy,city,label'];
    for (let i = 0; i < 2500; i++) {
      const a = rng.normal() * 2 + 5;
      const b = rng.normal();
      const gappy = i % 13 === 0 ? '' : rng.normal().toFixed(3);
      const city = ['north', 'south', 'east', 'west'][rng.int(4)] as string;
      const score = (a - 5) * b + (city === 'east' ? 1 : 0) - 0.5 * Math.abs(Number(gappy || 0)) + 0.5 * rng.normal();
      lines.push(`${a.toFixed(4)},${b.toFixed(4)},${gappy},${city},${score > 0 ? 'hit' : 'miss'}`);
    }
    const file = path.join(dir, 'data.csv');
    writeFileSync(file, lines.join('\n') + '\n');
    const steps = [{ impute: { strategy: 'median' } }, { onehot: {} }];
    const split: StreamSplit = { method: 'holdout', testSize: 0.2 };

    const table = await StreamTable.open(engine, file, {
      target: 'label',
      task: 'classification',
      leaveOutMissingTarget: false,
      seed: SEED,
      validation: { method: 'holdout', test_size: 0.2 },
      batchSize: 400,
      quantileBytes: 1 << 24,
      cacheDir: path.join(dir, 'cache'),
      budget: '1 MB',
    });
    try {
      const source = await table.source(HOLDOUT_FOLD, steps, false);
      const params = { max_iter: 30, early_stopping: false };
      const streamed = (await gradientBoostingStreamLearner(params, 'classification').fit(source, { seed: SEED })) as GradientBoostingClassifier;

      // The in-memory run on the same rows: the hash split, the pipeline fitted on the training rows.
      const data = await readTable(file);
      const { features, target } = splitTarget(data, 'label');
      const y = targetValues(target, 'classification');
      const train: number[] = [];
      const test: number[] = [];
      for (let i = 0; i < data.rowCount; i++) (rowFold(i, SEED, split) === HOLDOUT_FOLD ? test : train).push(i);
      const pipeline = Pipeline.fromSpec(steps);
      const prepared = pipeline.fitTransform(selectRows(features, train), selectTarget(y, train), { seed: SEED });
      const heldOut = pipeline.transform(selectRows(features, test)) as DenseMatrix;
      const memory = new GradientBoostingClassifier(params);
      await memory.fit(prepared.X, prepared.y, { seed: SEED });

      assert.deepEqual(source.featureNames, pipeline.featureNames);
      assert.equal(streamed.nIter, memory.nIter);
      assert.deepEqual(streamed.toJSON().trees, memory.toJSON().trees);
      assert.deepEqual(streamed.predictProba(heldOut).data, memory.predictProba(heldOut).data);
    } finally {
      table.close();
    }
  } finally {
    await engine.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
