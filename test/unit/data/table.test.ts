import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cellAt, getColumn, stringValues, tableFromRecords, tableFromRows, takeRows, type StringColumn } from '../../../src/core/data/table';
import { inferTask, splitTarget, targetValues } from '../../../src/core/data/target';
import { MlError } from '../../../src/core/types';

test('kinds are inferred: numeric with missing markers, categorical, text', () => {
  const table = tableFromRecords([
    { age: 31, city: 'Paris', review: 'great product, would buy again', score: '1.5' },
    { age: null, city: 'Lyon', review: 'did not work at all for me', score: 'NA' },
    { age: '40', city: 'Paris', review: '', score: 'NaN' },
  ]);
  assert.deepEqual(
    table.columns.map((c) => [c.name, c.kind]),
    [
      ['age', 'numeric'],
      ['city', 'categorical'],
      ['review', 'text'],
      ['score', 'numeric'],
    ],
  );
  const age = getColumn(table, 'age');
  assert.equal(age.kind, 'numeric');
  if (age.kind === 'numeric') assert.deepEqual([...age.values], [31, NaN, 40]);
  const review = getColumn(table, 'review');
  assert.equal(cellAt(review, 2), null);
});

test('a column with one non-numeric value is categorical; kinds can be forced', () => {
  const table = tableFromRows(
    ['code', 'n'],
    [
      ['1', '2'],
      ['2', 'x'],
      ['A7', '3'],
    ],
    { kinds: { n: 'numeric' } },
  );
  assert.equal(getColumn(table, 'code').kind, 'categorical');
  const n = getColumn(table, 'n');
  assert.ok(n.kind === 'numeric' && Number.isNaN(n.values[1] as number));
});

test('mostly distinct short phrases are text, ids are categorical', () => {
  const rows = Array.from({ length: 30 }, (_, i) => [`id${i}`, `title number ${i}`]);
  const table = tableFromRows(['id', 'title'], rows);
  assert.equal(getColumn(table, 'id').kind, 'categorical');
  assert.equal(getColumn(table, 'title').kind, 'text');
});

test('rows of the wrong length and duplicate headers are named', () => {
  assert.throws(() => tableFromRows(['a', 'b'], [['1', '2'], ['3']]), /row 2 has 1 cells/);
  assert.throws(() => tableFromRows(['a', 'a'], []), /"a" appears twice/);
  assert.throws(
    () => getColumn(tableFromRows(['a'], [['1']]), 'b'),
    (e: unknown) => e instanceof MlError && /"b" not found; the table has: a/.test(e.message),
  );
});

test('splitTarget separates features and target, names a missing target', () => {
  const table = tableFromRows(
    ['x', 'y'],
    [
      ['1', 'a'],
      ['2', 'b'],
    ],
  );
  const { features, target } = splitTarget(table, 'y');
  assert.deepEqual(
    features.columns.map((c) => c.name),
    ['x'],
  );
  assert.equal(target.name, 'y');
  assert.throws(() => splitTarget(table, 'label'), /target column "label" not found; the table has: x, y/);
});

test('inferTask says which rule fired', () => {
  const strings = tableFromRows(['y'], [['cat'], ['dog']]).columns[0]!;
  assert.deepEqual(inferTask(strings).task, 'classification');
  assert.match(inferTask(strings).reason, /strings/);
  const many = tableFromRows(
    ['y'],
    Array.from({ length: 200 }, (_, i) => [String(i % 4)]),
  ).columns[0]!;
  assert.equal(inferTask(many).task, 'classification');
  assert.match(inferTask(many).reason, /4 distinct integer values/);
  const binary = tableFromRows(['y'], [['0'], ['1'], ['1']]).columns[0]!;
  assert.equal(inferTask(binary).task, 'classification');
  const counts = tableFromRows(
    ['y'],
    Array.from({ length: 100 }, (_, i) => [String(i % 30)]),
  ).columns[0]!;
  assert.equal(inferTask(counts).task, 'regression');
  assert.match(inferTask(counts).reason, /30 distinct/);
  const real = tableFromRows(['y'], [['0.5'], ['1']]).columns[0]!;
  assert.equal(inferTask(real).task, 'regression');
  assert.match(inferTask(real).reason, /non-integer/);
});

test('targetValues gives labels or numbers and names missing rows', () => {
  const column = tableFromRows(['y'], [['1'], ['2'], ['NA']]).columns[0]!;
  assert.throws(() => targetValues(column, 'regression'), /target "y" is missing at row 3/);
  const ok = tableFromRows(['y'], [['1'], ['2']]).columns[0]!;
  assert.deepEqual(targetValues(ok, 'classification'), ['1', '2']);
  assert.deepEqual([...(targetValues(ok, 'regression') as Float64Array)], [1, 2]);
  const labels = tableFromRows(['y'], [['a'], ['b']]).columns[0]!;
  assert.throws(() => targetValues(labels, 'regression'), /non-numeric value "a" at row 1/);
  // Numeric labels: each row's String() of its value, missing rows named (first, and after a run of equal values).
  const numbers = tableFromRows(['y'], [['1'], ['1'], ['-0'], ['0'], ['2.5'], ['1']]).columns[0]!;
  assert.equal(numbers.kind, 'numeric');
  assert.deepEqual(targetValues(numbers, 'classification'), ['1', '1', '0', '0', '2.5', '1']);
  assert.throws(() => targetValues(tableFromRows(['y'], [['NA'], ['1']]).columns[0]!, 'classification'), /target "y" is missing at row 1/);
  assert.throws(() => targetValues(tableFromRows(['y'], [['1'], ['1'], ['NA']]).columns[0]!, 'classification'), /target "y" is missing at row 3/);
});

test('takeRows keeps the chosen rows in order', () => {
  const table = tableFromRows(
    ['a', 'b'],
    [
      ['1', 'x'],
      ['2', 'y'],
      ['3', 'z'],
    ],
  );
  const taken = takeRows(table, [2, 0]);
  assert.equal(taken.rowCount, 2);
  assert.deepEqual(stringValues(taken.columns[1] as StringColumn), ['z', 'x']);
});
