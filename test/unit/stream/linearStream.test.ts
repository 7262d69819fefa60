/**
 * Streamed linear models through stream/open.ts (real DuckDB, a real CSV with missing cells and a categorical column):
 * the streamed preparation and fit equal the in-memory Pipeline and fit on the same hash split.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readTable } from '../../../src/core/datasets';
import { DatasetEngine } from '../../../src/core/datasets/engine';
import { splitTarget, targetValues } from '../../../src/core/data/target';
import { Pipeline } from '../../../src/core/prepare/pipeline';
import { LogisticRegression } from '../../../src/core/models/logisticRegression';
import { LinearRegression } from '../../../src/core/models/linearRegression';
import { Ridge } from '../../../src/core/models/ridge';
import { selectRows, selectTarget } from '../../../src/core/validation';
import { StreamTable, type StreamTableOptions } from '../../../src/core/stream/open';
import { linearStreamLearner } from '../../../src/core/stream/linear';
import { streamedNaiveBayes } from '../../../src/core/stream/naiveBayes';
import { NaiveBayes } from '../../../src/core/models/naiveBayes';
import { HOLDOUT_FOLD, rowFold, type StreamSplit } from '../../../src/core/stream/source';
import { Random } from '../../../src/core/random';
import type { DenseMatrix, Task } from '../../../src/core/types';

const SEED = 7;
const ROWS = 3000;
let dir: string;
let file: string;

/** Rows with two informative numbers, a noise column with gaps, a city, a binary label and a numeric target. */
function writeData(target: string): void {
  const rng = new Random(11);
  const lines = ['a,b,noise,city,label,value'];
  for (let i = 0; i < ROWS; i++) {
    const a = rng.normal() * 3 + 10;
    const b = rng.normal();
    const noise = i % 17 === 0 ? '' : (rng.next() * 100).toFixed(3);
    const city = ['north', 'south', 'east'][i % 3] as string;
    const score = 0.8 * (a - 10) - 1.5 * b + (city === 'east' ? 0.7 : 0) + rng.normal();
    lines.push(`${a.toFixed(4)},${b.toFixed(4)},${noise},${city},${score > 0 ? 'yes' : 'no'},${(2 * a - b + rng.normal()).toFixed(4)}`);
  }
  file = path.join(dir, target);
  writeFileSync(file, lines.join('\n') + '\n');
}

const PREPARE = [{ drop: { columns: ['value'] } }, { impute: { strategy: 'median' } }, { onehot: {} }, { scale: { method: 'standard' } }];

async function streamTable(engine: DatasetEngine, targetName: string, task: Task, split: StreamTableOptions['validation']): Promise<StreamTable> {
  return StreamTable.open(engine, file, {
    target: targetName,
    task,
    leaveOutMissingTarget: false,
    seed: SEED,
    validation: split,
    batchSize: 500,
    quantileBytes: 1 << 24,
    cacheDir: path.join(dir, `cache-${targetName}`),
    budget: '1 MB',
  });
}

/** The in-memory pipeline and matrix of the training rows of a hash split. */
async function inMemory(targetName: string, task: Task, split: StreamSplit, steps: readonly Record<string, unknown>[]) {
  const table = await readTable(file);
  const { features, target } = splitTarget(table, targetName);
  const y = targetValues(target, task);
  const train: number[] = [];
  const test: number[] = [];
  for (let i = 0; i < table.rowCount; i++) (rowFold(i, SEED, split) === HOLDOUT_FOLD ? test : train).push(i);
  const pipeline = Pipeline.fromSpec(steps);
  const prepared = pipeline.fitTransform(selectRows(features, train), selectTarget(y, train), { seed: SEED });
  const heldOut = pipeline.transform(selectRows(features, test)) as DenseMatrix;
  return { pipeline, X: prepared.X as DenseMatrix, y: prepared.y, heldOut, yHeldOut: selectTarget(y, test), train, test };
}

before(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'mlwb-linear-stream-'));
  writeData('data.csv');
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('streamed linear models (stream/open.ts, real DuckDB)', () => {
  it('logistic regression: the preparation, coefficients and held-out predictions equal the in-memory fit on the hash split', async () => {
    const split: StreamSplit = { method: 'holdout', testSize: 0.25 };
    const engine = new DatasetEngine(1);
    try {
      const table = await streamTable(engine, 'label', 'classification', { method: 'holdout', test_size: 0.25 });
      const source = await table.source(HOLDOUT_FOLD, PREPARE, false);
      const reference = await inMemory('label', 'classification', split, PREPARE);
      assert.deepEqual(source.featureNames, reference.pipeline.featureNames);
      assert.equal(source.rowCounts.train, reference.train.length);
      assert.equal(source.rowCounts.heldOut, reference.test.length);
      // The saved preparation: the same state as the in-memory pipeline's, to rounding.
      const saved = Pipeline.fromJSON(source.pipeline);
      const expected = reference.pipeline.toJSON();
      assert.deepEqual(
        saved.toJSON().steps.map((s) => s.step),
        expected.steps.map((s) => s.step),
      );
      const ours = JSON.stringify(saved.toJSON().steps, (_, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(10)) : v));
      const theirs = JSON.stringify(expected.steps, (_, v: unknown) => (typeof v === 'number' ? Number(v.toPrecision(10)) : v));
      assert.equal(ours, theirs);

      const params = { C: 1.0, max_iter: 200, tol: 1e-8 };
      const model = (await linearStreamLearner('logistic_regression', params, 'classification').fit(source, { seed: SEED })) as unknown as LogisticRegression;
      const memory = new LogisticRegression(params);
      memory.fit(reference.X, reference.y, { seed: SEED });
      assert.deepEqual(model.classes, memory.classes);
      const w = model.weights as Float64Array;
      const v = memory.weights as Float64Array;
      for (let i = 0; i < v.length; i++) assert.ok(Math.abs((w[i] as number) - (v[i] as number)) < 1e-6, `weight ${i}: ${w[i]} vs ${v[i]}`);
      // Held-out predictions through the saved pipeline agree row for row.
      const ours2 = model.predict(saved.transform(selectRows(splitTarget(await readTable(file), 'label').features, reference.test)));
      assert.deepEqual(ours2, memory.predict(reference.heldOut));
      assert.ok(table.passes > 10, `passes ${table.passes}`);
      table.close();
    } finally {
      await engine.close();
    }
  });

  it('linear regression and ridge: the exact least-squares solution from two passes', async () => {
    const steps = [{ drop: { columns: ['label'] } }, { impute: { strategy: 'mean' } }, { onehot: {} }];
    const split: StreamSplit = { method: 'holdout', testSize: 0.2 };
    const engine = new DatasetEngine(1);
    try {
      const table = await streamTable(engine, 'value', 'regression', { method: 'holdout', test_size: 0.2 });
      const source = await table.source(HOLDOUT_FOLD, steps, false);
      const reference = await inMemory('value', 'regression', split, steps);
      for (const [type, Model] of [
        ['linear_regression', LinearRegression],
        ['ridge', Ridge],
      ] as const) {
        const model = (await linearStreamLearner(type, type === 'ridge' ? { alpha: 2 } : {}, 'regression').fit(source, {
          seed: SEED,
        })) as unknown as LinearRegression;
        const memory = type === 'ridge' ? new Model({ alpha: 2 }) : new Model({});
        memory.fit(reference.X, reference.y, { seed: SEED });
        const a = model.coef as Float64Array;
        const b = memory.coef as Float64Array;
        // The three one-hot cities sum to the intercept's column: the coefficients are determined to ~1e-6 only, the predictions exactly.
        for (let j = 0; j < b.length; j++) assert.ok(Math.abs((a[j] as number) - (b[j] as number)) < 1e-5, `${type} coef ${j}: ${a[j]} vs ${b[j]}`);
        const ours = model.predict(reference.heldOut);
        const theirs = memory.predict(reference.heldOut);
        for (let i = 0; i < ours.length; i++) assert.ok(Math.abs((ours[i] as number) - (theirs[i] as number)) < 1e-8, `${type} prediction ${i}`);
      }
      table.close();
    } finally {
      await engine.close();
    }
  });

  it('naive Bayes (gaussian and multinomial): the in-memory model from sums over batches', async () => {
    const split: StreamSplit = { method: 'holdout', testSize: 0.25 };
    const engine = new DatasetEngine(1);
    try {
      for (const [distribution, steps] of [
        ['gaussian', PREPARE],
        ['multinomial', [{ drop: { columns: ['value', 'b'] } }, { impute: { strategy: 'median' } }, { onehot: {} }, { scale: { method: 'minmax' } }]],
      ] as const) {
        const table = await streamTable(engine, 'label', 'classification', { method: 'holdout', test_size: 0.25 });
        const source = await table.source(HOLDOUT_FOLD, steps, false);
        const reference = await inMemory('label', 'classification', split, steps);
        const model = (await streamedNaiveBayes({ distribution }).fit(source, { seed: SEED })) as unknown as NaiveBayes;
        const memory = new NaiveBayes({ distribution });
        memory.fit(reference.X, reference.y, { seed: SEED });
        const ours = model.predictProba(reference.heldOut).data;
        const theirs = memory.predictProba(reference.heldOut).data;
        for (let i = 0; i < ours.length; i++) assert.ok(Math.abs((ours[i] as number) - (theirs[i] as number)) < 1e-9, `${distribution} probability ${i}`);
        assert.deepEqual(model.predict(reference.heldOut), memory.predict(reference.heldOut));
        table.close();
      }
    } finally {
      await engine.close();
    }
  });
});
