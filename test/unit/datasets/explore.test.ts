import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DatasetEngine } from '../../../src/core/datasets';
import { exploreDataset, MAX_MISSING_PATTERNS } from '../../../src/core/datasets/explore';
import type { BoxSummary, CategoricalVsTarget, NumericVsTarget } from '../../../src/core/datasets/types';

// Figures from pandas 1.5.3, written by bench/reference/explore.py.
interface Case {
  path: string;
  target: string;
  kind: 'classification' | 'regression';
  correlations: { columns: string[]; matrix: (number | null)[][] };
  missing: { columns: { name: string; missing: number }[]; patterns: { missing: string[]; count: number }[]; patternCount: number };
  classes?: { value: string; count: number }[];
  numeric: Record<string, (BoxSummary | null)[] | { from: number; count: number; mean: number | null }[]>;
  categorical: Record<string, { value: string; count: number; shares?: number[]; mean?: number }[]>;
}

const root = path.join(__dirname, '..', '..', '..');
const reference = JSON.parse(readFileSync(path.join(root, 'test', 'fixtures', 'reference', 'explore.json'), 'utf8')) as Record<string, Case>;
const engine = new DatasetEngine();
after(() => engine.close());

const close = (actual: number | null | undefined, expected: number | null, what: string, tolerance = 1e-9): void => {
  if (expected === null) {
    assert.equal(actual ?? null, null, what);
    return;
  }
  assert.ok(
    typeof actual === 'number' && Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} vs pandas ${expected}`,
  );
};

for (const [name, expected] of Object.entries(reference)) {
  if (name.startsWith('_')) continue;
  test(`exploration of ${name} equals pandas: correlations, missing patterns, features against ${expected.target}`, async () => {
    const result = await exploreDataset(engine, path.join(root, expected.path), expected.target);

    // Correlations: DataFrame.corr() over the same numeric columns.
    assert.deepEqual(result.correlations.columns, expected.correlations.columns);
    expected.correlations.matrix.forEach((row, i) =>
      row.forEach((r, j) => close(result.correlations.matrix[i]?.[j], r, `corr ${expected.correlations.columns[i]} × ${expected.correlations.columns[j]}`)),
    );

    // Missingness: isna().value_counts(), most frequent first.
    assert.deepEqual(result.missing.columns, expected.missing.columns);
    assert.deepEqual(result.missing.patterns, expected.missing.patterns.slice(0, MAX_MISSING_PATTERNS));
    assert.equal(result.missing.patternCount, expected.missing.patternCount);

    const versus = result.target;
    assert.ok(versus);
    assert.equal(versus.kind, expected.kind);
    if (expected.kind === 'classification') {
      assert.deepEqual(versus.classes, expected.classes);
      for (const [column, boxes] of Object.entries(expected.numeric) as [string, (BoxSummary | null)[]][]) {
        const ours: NumericVsTarget | undefined = versus.numeric.find((n) => n.column === column);
        assert.ok(ours?.boxes, `boxes of ${column}`);
        boxes.forEach((box, k) => {
          const mine = ours.boxes?.[k];
          if (box === null) return assert.equal(mine, null);
          assert.ok(mine, `${column} class ${k}`);
          for (const key of ['n', 'min', 'max', 'q1', 'median', 'q3', 'lowerWhisker', 'upperWhisker'] as const)
            close(mine[key], box[key], `${column} ${k} ${key}`);
        });
      }
      for (const [column, categories] of Object.entries(expected.categorical)) {
        const ours: CategoricalVsTarget | undefined = versus.categorical.find((c) => c.column === column);
        assert.ok(ours, `shares of ${column}`);
        assert.deepEqual(
          ours.categories.map((c) => [c.value, c.count]),
          categories.slice(0, 10).map((c) => [c.value, c.count]),
        );
        categories
          .slice(0, 10)
          .forEach((c, i) => c.shares?.forEach((share, k) => close(ours.categories[i]?.shares?.[k], share, `${column}=${c.value} class ${k}`)));
      }
    } else {
      for (const [column, bins] of Object.entries(expected.numeric) as [string, { from: number; count: number; mean: number | null }[]][]) {
        const ours: NumericVsTarget | undefined = versus.numeric.find((n) => n.column === column);
        assert.ok(ours?.bins, `bins of ${column}`);
        assert.equal(ours.bins.length, bins.length);
        bins.forEach((bin, b) => {
          close(ours.bins?.[b]?.from, bin.from, `${column} bin ${b} from`);
          assert.equal(ours.bins?.[b]?.count, bin.count, `${column} bin ${b} count`);
          close(ours.bins?.[b]?.mean, bin.mean, `${column} bin ${b} mean`);
        });
      }
      for (const [column, categories] of Object.entries(expected.categorical)) {
        const ours: CategoricalVsTarget | undefined = versus.categorical.find((c) => c.column === column);
        assert.ok(ours, `means of ${column}`);
        assert.deepEqual(
          ours.categories.map((c) => [c.value, c.count]),
          categories.slice(0, 10).map((c) => [c.value, c.count]),
        );
        categories.slice(0, 10).forEach((c, i) => close(ours.categories[i]?.mean, c.mean ?? null, `${column}=${c.value} mean`));
      }
    }
  });
}

test('without a target there is no feature-against-target part; an unknown target is refused by name', async () => {
  const file = path.join(root, 'test', 'fixtures', 'datasets', 'iris.csv');
  const plain = await exploreDataset(engine, file, undefined);
  assert.equal(plain.target, undefined);
  assert.deepEqual(plain.missing.patterns, [{ missing: [], count: 150 }]);
  await assert.rejects(exploreDataset(engine, file, 'colour'), /target column "colour" is not in the file/);
});
