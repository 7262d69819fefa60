import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { holdoutSplit, kFold, stratifiedKFold, testRowCount, type Split } from '../../../src/core/validation';
import { DEFAULT_SEED, Random } from '../../../src/core/random';

// Recorded with scikit-learn by bench/reference/metrics.py.
const reference = JSON.parse(readFileSync(join(__dirname, '../../fixtures/reference/metrics.json'), 'utf8')) as {
  kfold: { n: number; k: number; test_sizes: number[]; test_indices: number[][] }[];
  stratified_kfold: { y: string[]; k: number; test_sizes: number[]; test_indices: number[][]; test_class_counts: number[][] }[];
  holdout: { n: number; test_size: number; train_size: number; test_size_rows: number }[];
  stratified_holdout: { y_counts: Record<string, number>; test_size: number; test_class_counts: Record<string, number> };
};

function assertPartition(splits: Split[], n: number, coverAll = true): void {
  const seen = new Array<number>(n).fill(0);
  for (const s of splits) {
    for (const i of s.test) seen[i] = (seen[i] as number) + 1;
    assert.equal(s.train.length + s.test.length, n);
    const test = new Set(s.test);
    assert.ok(
      s.train.every((i) => !test.has(i)),
      'train and test overlap',
    );
  }
  if (coverAll)
    assert.ok(
      seen.every((c) => c === 1),
      'every row is in exactly one test fold',
    );
}

function classCounts(y: readonly string[], rows: readonly number[]): number[] {
  const classes = [...new Set(y)].sort();
  return classes.map((c) => rows.filter((r) => y[r] === c).length);
}

for (const c of reference.kfold) {
  test(`KFold n=${c.n} k=${c.k}: unshuffled folds equal scikit-learn's, shuffled ones have its sizes`, () => {
    const plain = kFold(c.n, c.k);
    assert.deepEqual(
      plain.map((s) => s.test),
      c.test_indices,
    );
    const shuffled = kFold(c.n, c.k, { shuffle: true, seed: 7 });
    assert.deepEqual(
      shuffled.map((s) => s.test.length),
      c.test_sizes,
    );
    assertPartition(shuffled, c.n);
    assert.deepEqual(kFold(c.n, c.k, { shuffle: true, seed: 7 }), shuffled, 'same seed, same folds');
  });
}

for (const c of reference.stratified_kfold) {
  test(`StratifiedKFold n=${c.y.length} k=${c.k}: unshuffled folds equal scikit-learn's, shuffled keep its class counts`, () => {
    assert.deepEqual(
      stratifiedKFold(c.y, c.k).map((s) => s.test),
      c.test_indices,
    );
    for (const seed of [1, 2]) {
      const shuffled = stratifiedKFold(c.y, c.k, { shuffle: true, seed });
      assertPartition(shuffled, c.y.length);
      assert.deepEqual(
        shuffled.map((s) => s.test.length),
        c.test_sizes,
      );
      assert.deepEqual(
        shuffled.map((s) => classCounts(c.y, s.test)),
        c.test_class_counts,
      );
    }
    assert.notDeepEqual(stratifiedKFold(c.y, c.k, { shuffle: true, seed: 1 }), stratifiedKFold(c.y, c.k, { shuffle: true, seed: 2 }));
  });
}

test("hold-out sizes equal train_test_split's", () => {
  for (const c of reference.holdout) {
    assert.equal(testRowCount(c.n, c.test_size), c.test_size_rows);
    const split = holdoutSplit(c.n, { testSize: c.test_size, seed: 3 });
    assert.equal(split.test.length, c.test_size_rows);
    assert.equal(split.train.length, c.train_size);
    assertPartition([split], c.n, false);
  }
  assert.deepEqual(holdoutSplit(100, { seed: 5 }), holdoutSplit(100, { seed: 5 }));
  assert.notDeepEqual(holdoutSplit(100, { seed: 5 }).test, holdoutSplit(100, { seed: 6 }).test);
});

test("stratified hold-out takes each class's share as train_test_split(stratify=y) does", () => {
  const ref = reference.stratified_holdout;
  const y = Object.entries(ref.y_counts).flatMap(([label, count]) => new Array<string>(count).fill(label));
  new Random0().shuffle(y);
  const split = holdoutSplit(y.length, { testSize: ref.test_size, stratify: y, seed: 11 });
  const counts = Object.fromEntries(Object.keys(ref.y_counts).map((label) => [label, split.test.filter((r) => y[r] === label).length]));
  assert.deepEqual(counts, ref.test_class_counts);
});

test('bad fold and hold-out settings are errors naming the setting', () => {
  assert.throws(() => kFold(5, 1), /validation.folds: must be an integer >= 2/);
  assert.throws(() => kFold(3, 5), /5 folds need at least 5 rows/);
  assert.throws(() => stratifiedKFold(['a', 'b', 'a'], 3), /a class with at least 3 rows/);
  assert.throws(() => holdoutSplit(10, { seed: DEFAULT_SEED, testSize: 1.5 }), /validation.test_size: a row count must be a whole number/);
  assert.throws(() => holdoutSplit(10, { seed: DEFAULT_SEED, testSize: 10 }), /leaves no training rows/);
  assert.throws(() => holdoutSplit(4, { seed: DEFAULT_SEED, stratify: ['a', 'a', 'a', 'b'] }), /class "b" has a single row/);
});

/** A fixed permutation so the stratified hold-out test does not depend on label order. */
class Random0 {
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = (i * 7919) % (i + 1);
      [items[i], items[j]] = [items[j] as T, items[i] as T];
    }
    return items;
  }
}

test('holdoutSplit gives the rows the sort-and-complement split gave (stratified and not, 100,003 rows)', () => {
  // The split before it marked rows in one pass: the test rows sorted, the training rows their complement.
  const before = (n: number, testSize: number, seed: number, y?: readonly string[]): Split => {
    const random = new Random(seed);
    const testCount = testRowCount(n, testSize);
    let test: number[];
    if (!y) {
      test = random
        .shuffle(Array.from({ length: n }, (_, i) => i))
        .slice(0, testCount)
        .sort((a, b) => a - b);
    } else {
      const rowsOf = new Map<string, number[]>();
      y.forEach((label, i) => {
        const rows = rowsOf.get(label);
        if (rows) rows.push(i);
        else rowsOf.set(label, [i]);
      });
      const groups = [...rowsOf.entries()];
      const shares = groups.map(([, rows]) => (testCount * rows.length) / n);
      const take = shares.map(Math.floor);
      let left = testCount - take.reduce((a, b) => a + b, 0);
      const byRemainder = shares
        .map((_, i) => i)
        .sort((a, b) => (shares[b] as number) - Math.floor(shares[b] as number) - ((shares[a] as number) - Math.floor(shares[a] as number)) || a - b);
      for (const i of byRemainder) {
        if (left === 0) break;
        take[i] = (take[i] as number) + 1;
        left--;
      }
      test = [];
      groups.forEach(([, rows], i) => {
        for (const row of random.shuffle([...rows]).slice(0, take[i])) test.push(row);
      });
      test.sort((a, b) => a - b);
    }
    const inTest = new Set(test);
    return { train: Array.from({ length: n }, (_, i) => i).filter((i) => !inTest.has(i)), test };
  };
  const n = 100_003;
  const y = Array.from({ length: n }, (_, i) => ['a', 'b', 'c'][(i * 7919) % 5 === 0 ? 2 : i % 2] as string);
  for (const seed of [DEFAULT_SEED, 7]) {
    assert.deepEqual(holdoutSplit(n, { testSize: 0.2, seed }), before(n, 0.2, seed), `seed ${seed}`);
    assert.deepEqual(holdoutSplit(n, { testSize: 0.25, seed, stratify: y }), before(n, 0.25, seed, y), `seed ${seed}, stratified`);
  }
});
