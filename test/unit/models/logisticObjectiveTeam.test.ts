import { test } from 'node:test';
import assert from 'node:assert/strict';
import { takeColumnRows, type Table } from '../../../src/core/data/table';
import { targetValues } from '../../../src/core/data/target';
import { Pipeline } from '../../../src/core/prepare/pipeline';
import { crossValidate, holdoutSplit } from '../../../src/core/validation';
import { readCsvTable } from '../validation/doubles';
import { LogisticRegression } from '../../../src/core/models/logisticRegression';
import { binaryChunkSums, binaryColumnsObjective, chunkScratch, OBJECTIVE_CHUNK_ROWS } from '../../../src/core/models/linear/logisticLoss';
import { objectiveTeam, objectiveThreads, PARALLEL_MIN_CELLS } from '../../../src/core/models/linear/objectiveTeam';
import { DEFAULT_SEED } from '../../../src/core/random';

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 2 ** 32;
  };
}

/** `p` columns of `n` rows in shared memory, a linear signal plus noise, and labels drawn from it. */
function problem(n: number, p: number, seed: number): { columns: Float64Array[]; codes: Int32Array; labels: string[] } {
  const next = random(seed);
  const columns = Array.from({ length: p }, () => {
    const column = new Float64Array(new SharedArrayBuffer(n * 8));
    for (let i = 0; i < n; i++) column[i] = (next() - 0.5) * 4;
    return column;
  });
  const codes = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0.3;
    for (let j = 0; j < p; j++) s += (columns[j]![i] as number) * ((j % 3) - 1) * 0.7;
    codes[i] = next() < 1 / (1 + Math.exp(-s)) ? 1 : 0;
  }
  return { columns, codes, labels: Array.from(codes, (c) => (c === 1 ? 'yes' : 'no')) };
}

const N = 2 * OBJECTIVE_CHUNK_ROWS + 12_345;

test('binaryColumnsObjective sums fixed chunks of rows in chunk order (each chunk from zero)', () => {
  const { columns, codes } = problem(N, 6, 5);
  const p = columns.length;
  const w = Float64Array.from({ length: p + 1 }, (_, j) => 0.1 * j - 0.2);
  const weights = Float64Array.from({ length: N }, (_, i) => 0.5 + (i % 7) / 7);
  for (const sampleWeight of [undefined, weights]) {
    const grad = new Float64Array(p + 1);
    const value = binaryColumnsObjective(columns, codes, 0.01, true, sampleWeight)(w, grad);
    const chunks = Math.ceil(N / OBJECTIVE_CHUNK_ROWS);
    const sums = new Float64Array(chunks * (p + 2));
    for (let c = 0; c < chunks; c++) {
      const range = { start: c * OBJECTIVE_CHUNK_ROWS, stop: Math.min(N, (c + 1) * OBJECTIVE_CHUNK_ROWS) };
      binaryChunkSums(columns, codes, sampleWeight, w, range, chunkScratch(), sums, c * (p + 2));
    }
    const expected = new Float64Array(p + 1);
    let loss = 0;
    for (let c = 0; c < chunks; c++) {
      for (let j = 0; j <= p; j++) expected[j] = (expected[j] as number) + (sums[c * (p + 2) + j] as number);
      loss += sums[c * (p + 2) + p + 1] as number;
    }
    let penalty = 0;
    for (let j = 0; j < p; j++) {
      expected[j] = (expected[j] as number) / N + 0.01 * (w[j] as number);
      penalty += (w[j] as number) ** 2;
    }
    expected[p] = (expected[p] as number) / N;
    assert.equal(value, loss / N + 0.5 * 0.01 * penalty);
    assert.deepEqual([...grad], [...expected]);
  }
});

test('the objective on two threads (a started worker) equals one thread bit for bit, evaluation after evaluation', async () => {
  const { columns, codes } = problem(N, 9, 7);
  const p = columns.length;
  const team = objectiveTeam(2, columns, codes, undefined);
  assert.ok(team, 'shared columns make a team');
  try {
    for (let waited = 0; !team.started; waited += 20) {
      assert.ok(waited < 60_000, 'the worker started');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const together = binaryColumnsObjective(columns, codes, 0.001, true, undefined, team);
    const alone = binaryColumnsObjective(columns, codes, 0.001, true, undefined);
    for (let k = 0; k < 5; k++) {
      const w = Float64Array.from({ length: p + 1 }, (_, j) => Math.sin(k + j));
      const g2 = new Float64Array(p + 1);
      const g1 = new Float64Array(p + 1);
      assert.equal(together(w, g2), alone(w, g1), `evaluation ${k} loss`);
      assert.deepEqual([...g2], [...g1], `evaluation ${k} gradient`);
    }
    assert.equal(team.shared, 5, 'each evaluation went to the team');
  } finally {
    team.close();
  }
  assert.ok(Array.isArray(await team.done), 'the worker quit when closed');
});

test('logistic_regression fitColumns: n_jobs 1 and 2 give the same model bit for bit', () => {
  const { columns, labels } = problem(N, 16, 11);
  const fit = (nJobs: number): LogisticRegression => {
    const model = new LogisticRegression({ n_jobs: nJobs });
    model.fitColumns(columns, labels, { seed: DEFAULT_SEED }, () => {
      throw new Error('binary fits on columns');
    });
    return model;
  };
  const one = fit(1);
  const two = fit(2);
  assert.deepEqual([...(two.weights as Float64Array)], [...(one.weights as Float64Array)]);
  assert.equal(two.nIter, one.nIter);
});

test('objectiveThreads: one thread for small data, an explicit n_jobs obeyed, columns not in shared memory stay on one thread', () => {
  assert.equal(objectiveThreads(4, 1000, 20), 1);
  assert.equal(objectiveThreads(null, PARALLEL_MIN_CELLS / 20 - 1, 20), 1);
  assert.equal(objectiveThreads(1, 1_000_000, 20), 1);
  assert.equal(objectiveThreads(3, 1_000_000, 20), 3);
  assert.ok(objectiveThreads(null, 1_000_000, 20) <= 2);
  const plain = [new Float64Array(N)];
  assert.equal(objectiveTeam(2, plain, new Int32Array(N), undefined), undefined);
  assert.throws(() => new LogisticRegression({ n_jobs: 0 }), /n_jobs/);
});

test('takeColumnRows keeps a numeric column in shared memory when it was there', () => {
  const values = new Float64Array(new SharedArrayBuffer(4 * 8));
  values.set([1, 2, 3, 4]);
  const taken = takeColumnRows({ name: 'x', kind: 'numeric', values }, [3, 1]);
  assert.ok(taken.kind === 'numeric' && taken.values.buffer instanceof SharedArrayBuffer);
  assert.deepEqual(taken.kind === 'numeric' ? [...taken.values] : [], [4, 2]);
  const plain = takeColumnRows({ name: 'x', kind: 'numeric', values: Float64Array.from([1, 2]) }, [1]);
  assert.ok(plain.kind === 'numeric' && !(plain.values.buffer instanceof SharedArrayBuffer));
});

test('predictProbaColumns equals predictProba on the row-major matrix bit for bit; undefined for softmax, NaN or another width', () => {
  const { columns, labels } = problem(5000, 7, 13);
  const model = new LogisticRegression();
  model.fitColumns(columns, labels, { seed: DEFAULT_SEED }, () => {
    throw new Error('binary fits on columns');
  });
  const n = 5000;
  const data = new Float64Array(n * 7);
  for (let i = 0; i < n; i++) for (let j = 0; j < 7; j++) data[i * 7 + j] = columns[j]![i] as number;
  const byColumns = model.predictProbaColumns(columns);
  assert.ok(byColumns);
  assert.deepEqual([...byColumns.data], [...model.predictProba({ kind: 'dense', rows: n, cols: 7, data }).data]);
  assert.equal(model.predictProbaColumns(columns.slice(1)), undefined);
  const withNaN = columns.map((c) => Float64Array.from(c));
  withNaN[2]![10] = Number.NaN;
  assert.equal(model.predictProbaColumns(withNaN), undefined);
  const three = new LogisticRegression();
  three.fitColumns(
    columns,
    labels.map((label, i) => (i % 5 === 0 ? 'maybe' : label)),
    { seed: DEFAULT_SEED },
    () => ({ kind: 'dense', rows: n, cols: 7, data }),
  );
  assert.equal(three.predictProbaColumns(columns), undefined);
});

test('a hold-out predicted from the columns (Pipeline + LogisticRegression) equals the one predicted from the matrix', async () => {
  const table = readCsvTable('breast_cancer.csv');
  const target = table.columns.find((c) => c.name === 'diagnosis')!;
  const features: Table = { rowCount: table.rowCount, columns: table.columns.filter((c) => c !== target) };
  const y = targetValues(target, 'classification');
  const splits = [holdoutSplit(table.rowCount, { testSize: 0.25, seed: DEFAULT_SEED, stratify: y as string[] })];
  const run = (columnar: boolean) =>
    crossValidate(features, y, {
      task: 'classification',
      makePipeline: () => Pipeline.fromSpec([{ scale: { method: 'standard' } }]),
      makeModel: () => {
        const model = new LogisticRegression();
        if (!columnar) Object.defineProperty(model, 'predictProbaColumns', { value: undefined });
        return model;
      },
      splits,
      seed: DEFAULT_SEED,
    });
  let asked = 0;
  const original = LogisticRegression.prototype.predictProbaColumns;
  LogisticRegression.prototype.predictProbaColumns = function (columns) {
    asked++;
    return original.call(this, columns);
  };
  try {
    const byColumns = await run(true);
    assert.equal(asked, 1, 'the columns were predicted');
    const byMatrix = await run(false);
    assert.equal(asked, 1);
    assert.deepEqual(byColumns.predictions, byMatrix.predictions);
    assert.deepEqual(byColumns.proba, byMatrix.proba);
    assert.deepEqual(byColumns.metrics, byMatrix.metrics);
  } finally {
    LogisticRegression.prototype.predictProbaColumns = original;
  }
});
