import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KnnClassifier } from '../../../src/core/models/knn';
import { kneighborsParallel, type KnnQueryTask } from '../../../src/core/models/knn/parallel';
import { buildIndex, kneighbors } from '../../../src/core/models/knn/search';
import { runTasks } from '../../../src/core/parallel/pool';
import { Random } from '../../../src/core/random';
import type { DenseMatrix } from '../../../src/core/types';

function normals(rows: number, cols: number, rng: Random, levels = 0): DenseMatrix {
  // With levels, values are few integers: many equal distances, so ties must break as on one thread.
  const data = Float64Array.from({ length: rows * cols }, () => (levels > 0 ? Math.floor(rng.next() * levels) : rng.normal()));
  return { kind: 'dense', rows, cols, data };
}

test('knn n_jobs: query blocks searched by pool workers give one thread’s neighbours, ties included', async () => {
  const rng = new Random(21);
  for (const [metric, levels] of [
    [{ name: 'euclidean' } as const, 0],
    [{ name: 'manhattan' } as const, 3],
    [{ name: 'cosine' } as const, 0],
    [{ name: 'minkowski', p: 3 } as const, 2],
  ] as const) {
    const X = normals(3000, 8, rng, levels);
    const Q = normals(700, 8, rng, levels);
    const index = buildIndex(X, metric);
    const expected = kneighbors(index, Q, 7);
    // Workers alone search every block (the caller takes none), so their answers are what is checked.
    const task: KnnQueryTask = {
      control: new Int32Array(new SharedArrayBuffer(8)),
      index: { metric, rows: X.rows, cols: X.cols, dense: Float64Array.from(index.dense as Float64Array) },
      queries: { ...Q, data: new Float64Array(new SharedArrayBuffer(Q.data.byteLength)) },
      k: 7,
      block: 64,
      indices: new Int32Array(new SharedArrayBuffer(Q.rows * 7 * 4)),
      distances: new Float64Array(new SharedArrayBuffer(Q.rows * 7 * 8)),
    };
    task.queries.data.set(Q.data);
    const searched = await runTasks<KnnQueryTask, number>('knn.queries', [task, task], { jobs: 2 });
    assert.equal(
      searched.reduce((a, b) => a + b, 0),
      Math.ceil(Q.rows / 64),
    );
    assert.deepEqual(task.indices, Int32Array.from(expected.indices), metric.name);
    assert.deepEqual(task.distances, Float64Array.from(expected.distances), metric.name);
    // The caller with workers: the same again.
    const together = kneighborsParallel(index, Q, 7, 3);
    assert.deepEqual(Int32Array.from(together.indices), expected.indices, metric.name);
  }
});

test('knn n_jobs: predictions and probabilities equal n_jobs 1', () => {
  const rng = new Random(22);
  const X = normals(2000, 6, rng, 4);
  const labels = Array.from({ length: X.rows }, (_, i) => `c${Math.floor((X.data[i * 6] as number) + (X.data[i * 6 + 1] as number)) % 3}`);
  const Q = normals(500, 6, rng, 4);
  const one = new KnnClassifier({ n_neighbors: 9, n_jobs: 1 });
  const many = new KnnClassifier({ n_neighbors: 9, n_jobs: 3 });
  one.fit(X, labels);
  many.fit(X, labels);
  assert.deepEqual(many.predictProba(Q).data, one.predictProba(Q).data);
  assert.deepEqual(many.predict(Q), one.predict(Q));
});
