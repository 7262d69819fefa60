import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { DatasetEngine, countRowsWith, headWith, pageWith, profileWith, readTableWith, schemaWith } from '../../../src/core/datasets';
import type { ColumnProfile, DatasetProfile } from '../../../src/core/datasets';
import { cellAt } from '../../../src/core/data/table';

// Expected values below are counted by hand from the fixture files (see the comments beside each).
const data = path.join(__dirname, '..', '..', 'fixtures', 'workspace', 'data');
const file = (name: string): string => path.join(data, name);
const engine = new DatasetEngine();
after(() => engine.close());

function column(profile: DatasetProfile, name: string): ColumnProfile {
  const found = profile.columns.find((c) => c.name === name);
  assert.ok(found, `column ${name}`);
  return found;
}

test('schema of people.csv: names and types from the head', async () => {
  const schema = await schemaWith(engine, file('people.csv'));
  assert.equal(schema.format, 'csv');
  assert.deepEqual(
    schema.columns.map((c) => `${c.name}:${c.type}`),
    ['id:integer', 'name:categorical', 'age:integer', 'city:categorical', 'score:float', 'joined:date'],
  );
  assert.deepEqual(schema.warnings, []);
});

test('head returns the first n rows as text with missing cells as null', async () => {
  const head = await headWith(engine, file('people.csv'), 3);
  assert.deepEqual(head.rows, [
    ['1', 'Ann', '34', 'Berlin', '7.5', '2021-03-01'],
    ['2', 'Bob', null, 'Paris', '6.0', '2021-04-15'],
    ['3', 'Cid', '29', 'Berlin', null, '2022-01-10'],
  ]);
});

test('countRows for every format', async () => {
  assert.equal(await countRowsWith(engine, file('people.csv')), 10);
  assert.equal(await countRowsWith(engine, file('orders.tsv')), 5);
  assert.equal(await countRowsWith(engine, file('events.jsonl')), 4);
  assert.equal(await countRowsWith(engine, file('cities.json')), 3);
  assert.equal(await countRowsWith(engine, file('measurements.parquet')), 4);
});

test('profile of people.csv matches hand counts', async () => {
  const profile = await profileWith(engine, file('people.csv'));
  assert.equal(profile.rowCount, 10);
  // age: "", NA missing; "abc" present but not a number; numbers 34 29 41 29 52 38 29.
  const age = column(profile, 'age');
  assert.equal(age.type, 'integer');
  assert.equal(age.missing, 2);
  assert.equal(age.count, 8);
  assert.equal(age.distinct, 6);
  assert.equal(age.invalidCount, 1);
  assert.deepEqual(age.invalidExamples, [{ row: 4, value: 'abc' }]);
  assert.equal(age.numeric?.min, 29);
  assert.equal(age.numeric?.max, 52);
  assert.equal(age.numeric?.mean, 36);
  assert.equal(age.numeric?.median, 34);
  // A small file's counts and quartiles are exact, so nothing is flagged as an estimate.
  assert.equal(age.distinctEstimated, undefined);
  assert.equal(age.numeric?.quartilesEstimated, undefined);
  // One bin per integer 29..52 would be 24 > 20, so 20 equal bins; all 7 numbers land in them.
  assert.equal(
    age.numeric?.histogram.reduce((sum, bin) => sum + bin.count, 0),
    7,
  );
  // score: 9 values summing to 65.25; 7.5 appears twice.
  const score = column(profile, 'score');
  assert.equal(score.missing, 1);
  assert.equal(score.distinct, 8);
  assert.equal(score.numeric?.mean, 7.25);
  assert.equal(score.numeric?.min, 5.5);
  assert.equal(score.numeric?.max, 9);
  // city: Berlin 4, Paris 3, Rome 2, one missing.
  const city = column(profile, 'city');
  assert.equal(city.type, 'categorical');
  assert.equal(city.missing, 1);
  assert.equal(city.distinct, 3);
  assert.deepEqual(city.topValues, [
    { value: 'Berlin', count: 4 },
    { value: 'Paris', count: 3 },
    { value: 'Rome', count: 2 },
  ]);
  const joined = column(profile, 'joined');
  assert.equal(joined.type, 'date');
  assert.deepEqual(joined.range, { min: '2021-03-01', max: '2024-03-03' });
  assert.equal(joined.missing, 1);
  // 2 + 1 + 1 + 1 missing cells of 60.
  assert.equal(profile.quality.missingCells, 5);
  assert.equal(profile.quality.duplicateRows, 0);
  assert.equal(profile.quality.invalidValues, 1);
  // name: 10 distinct of 10; id is numeric, so not a category at all.
  assert.deepEqual(profile.quality.highCardinalityColumns, ['name']);
  assert.ok(profile.quality.findings.some((f) => f.includes('age: 1 value not parsing as integer, e.g. "abc" (row 4)')));
});

test('profile of orders.tsv finds the duplicate row and the constant column', async () => {
  const profile = await profileWith(engine, file('orders.tsv'));
  assert.equal(profile.rowCount, 5);
  assert.equal(profile.quality.duplicateRows, 1);
  assert.deepEqual(profile.quality.constantColumns, ['currency']);
  assert.equal(column(profile, 'qty').missing, 1);
  assert.equal(column(profile, 'product').distinct, 3);
  // qty 3 1 1 2: one bin per integer 1..3.
  assert.deepEqual(
    column(profile, 'qty').numeric?.histogram.map((bin) => bin.count),
    [2, 1, 1],
  );
});

test('profile of json, jsonl and parquet uses their own types', async () => {
  const events = await profileWith(engine, file('events.jsonl'));
  assert.deepEqual(
    events.schema.columns.map((c) => `${c.name}:${c.type}`),
    ['user:categorical', 'clicks:integer', 'premium:boolean'],
  );
  assert.equal(column(events, 'clicks').missing, 1);
  assert.equal(column(events, 'premium').missing, 1);
  assert.equal(column(events, 'user').distinct, 3);
  const cities = await profileWith(engine, file('cities.json'));
  assert.equal(cities.rowCount, 3);
  assert.equal(column(cities, 'population').missing, 1);
  assert.equal(column(cities, 'population').numeric?.mean, 2.85);
  const measurements = await profileWith(engine, file('measurements.parquet'));
  assert.equal(measurements.rowCount, 4);
  assert.equal(column(measurements, 'value').missing, 1);
  assert.equal(column(measurements, 'tag').missing, 1);
  assert.equal(column(measurements, 'tag').distinct, 2);
});

test('pageRows pages, sorts numerically and filters', async () => {
  const page = await pageWith(engine, file('people.csv'), { offset: 8, limit: 5 });
  assert.equal(page.total, 10);
  assert.deepEqual(page.rowNumbers, [9, 10]);
  assert.deepEqual(
    page.rows.map((r) => r[1]),
    ['Ivy', 'Jon'],
  );
  // Numeric sort: 10 sorts after 9, missing and unparsable last.
  const byScore = await pageWith(engine, file('people.csv'), { offset: 0, limit: 3, sort: { column: 'score', direction: 'desc' } });
  assert.deepEqual(
    byScore.rows.map((r) => r[4]),
    ['9.0', '8.25', '8.0'],
  );
  const byId = await pageWith(engine, file('people.csv'), { offset: 0, limit: 2, sort: { column: 'id', direction: 'desc' } });
  assert.deepEqual(
    byId.rows.map((r) => r[0]),
    ['10', '9'],
  );
  const filtered = await pageWith(engine, file('people.csv'), { offset: 0, limit: 10, filter: { city: 'BER', age: '>30' } });
  assert.equal(filtered.total, 2);
  assert.deepEqual(
    filtered.rows.map((r) => r[1]),
    ['Ann', 'Ivy'],
  );
  await assert.rejects(
    pageWith(engine, file('people.csv'), { offset: 0, limit: 1, sort: { column: 'nope', direction: 'asc' } }),
    /people\.csv: there is no column "nope"/,
  );
});

test('quick page of an unloaded file answers from the head with an unknown total', async () => {
  const quick = new DatasetEngine();
  try {
    const page = await pageWith(quick, file('people.csv'), { offset: 0, limit: 2, quick: true });
    assert.equal(page.total, -1);
    assert.deepEqual(
      page.rows.map((r) => r[1]),
      ['Ann', 'Bob'],
    );
  } finally {
    await quick.close();
  }
});

test('readTable gives numeric columns as Float64Array with NaN for missing and unparsable', async () => {
  const table = await readTableWith(engine, file('people.csv'));
  assert.equal(table.rowCount, 10);
  const age = table.columns.find((c) => c.name === 'age');
  assert.ok(age && age.kind === 'numeric');
  assert.deepEqual(
    Array.from(age.values).map((v) => (Number.isNaN(v) ? null : v)),
    [34, null, 29, null, 41, 29, null, 52, 38, 29],
  );
  const city = table.columns.find((c) => c.name === 'city');
  assert.ok(city && city.kind === 'categorical');
  assert.deepEqual([cellAt(city, 3), cellAt(city, 4)], ['Rome', null]);
});

test('cancelling a query rejects with CancelledError', async () => {
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(profileWith(new DatasetEngine(), file('people.csv'), { signal: controller.signal }), { name: 'CancelledError' });
});

test('results are cached per file version', async () => {
  const first = await profileWith(engine, file('people.csv'));
  const second = await profileWith(engine, file('people.csv'));
  assert.equal(first, second);
});

test('tables in use are not evicted when more files are loaded than the engine keeps', async () => {
  const small = new DatasetEngine(1);
  try {
    const names = ['people.csv', 'orders.tsv', 'events.jsonl', 'cities.json', 'measurements.parquet'];
    const profiles = await Promise.all(names.map((name) => profileWith(small, file(name))));
    assert.deepEqual(
      profiles.map((p) => p.rowCount),
      [10, 5, 4, 3, 4],
    );
    const pages = await Promise.all(names.map((name) => pageWith(small, file(name), { offset: 1, limit: 1 })));
    assert.deepEqual(
      pages.map((page) => page.total),
      [10, 5, 4, 3, 4],
    );
  } finally {
    await small.close();
  }
});
