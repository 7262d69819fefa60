import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { DatasetEngine, profileWith } from '../../../src/core/datasets';

// Figures from pandas 1.5.3, written by bench/reference/datasetProfile.py.
interface ReferenceColumn {
  count: number;
  missing: number;
  nunique: number;
  min?: number;
  max?: number;
  mean?: number;
  std?: number;
  q25?: number;
  median?: number;
  q75?: number;
}
interface ReferenceFile {
  rows: number;
  duplicates: number;
  columns: Record<string, ReferenceColumn>;
}

const root = path.join(__dirname, '..', '..', '..');
const reference = JSON.parse(readFileSync(path.join(root, 'test', 'fixtures', 'reference', 'datasetProfile.json'), 'utf8')) as Record<string, ReferenceFile>;
const files: Record<string, string> = {
  'iris.csv': 'test/fixtures/datasets/iris.csv',
  'diabetes.csv': 'test/fixtures/datasets/diabetes.csv',
  'people.csv': 'test/fixtures/workspace/data/people.csv',
  'orders.tsv': 'test/fixtures/workspace/data/orders.tsv',
};
const engine = new DatasetEngine();
after(() => engine.close());

function close(actual: number | undefined, expected: number, what: string): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs pandas ${expected}`);
}

for (const [name, relative] of Object.entries(files)) {
  test(`profile of ${name} agrees with pandas`, async () => {
    const expected = reference[name];
    assert.ok(expected);
    const profile = await profileWith(engine, path.join(root, relative));
    assert.equal(profile.rowCount, expected.rows);
    assert.equal(profile.quality.duplicateRows, expected.duplicates);
    for (const [columnName, want] of Object.entries(expected.columns)) {
      const column = profile.columns.find((c) => c.name === columnName);
      assert.ok(column, columnName);
      assert.equal(column.count, want.count, `${columnName} count`);
      assert.equal(column.missing, want.missing, `${columnName} missing`);
      assert.equal(column.distinct, want.nunique, `${columnName} distinct`);
      if (want.mean === undefined) continue;
      const numeric = column.numeric;
      assert.ok(numeric, `${columnName} has numeric stats`);
      close(numeric.min, want.min ?? Number.NaN, `${columnName} min`);
      close(numeric.max, want.max ?? Number.NaN, `${columnName} max`);
      close(numeric.mean, want.mean, `${columnName} mean`);
      close(numeric.std ?? undefined, want.std ?? Number.NaN, `${columnName} std`);
      close(numeric.q25, want.q25 ?? Number.NaN, `${columnName} q25`);
      close(numeric.median, want.median ?? Number.NaN, `${columnName} median`);
      close(numeric.q75, want.q75 ?? Number.NaN, `${columnName} q75`);
    }
  });
}
