import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatasetEngine, readTableWith } from '../../../src/core/datasets';
import { stringKind, textExpression, typedExpression } from '../../../src/core/datasets/columns';
import type { QueryOptions } from '../../../src/core/datasets/engine';
import { columnPlans, numberRow } from '../../../src/core/datasets/head';
import { readNumericCsv } from '../../../src/core/datasets/numericCsv';
import { sqlIdentifier } from '../../../src/core/datasets/source';
import { csvRowBound } from '../../../src/core/datasets/readTable';
import type { Experiment } from '../../../src/core/experiment/experiment';
import { readRunTable } from '../../../src/core/runs/runTable';
import { NumericColumnBuilder } from '../../../src/core/data/columnBuilder';
import { dataQualityWarnings } from '../../../src/core/data/quality';
import { cellAt, stringColumn, stringValues, type Column, type NumericColumn, type StringColumn, type Table } from '../../../src/core/data/table';

// The columnar reader must give what the row reader it replaced gave: that reader (a materialized DuckDB table,
// every row read as JavaScript values, ORDER BY rowid) is kept here as the reference.
async function readTableByRows(engine: DatasetEngine, filePath: string, options: QueryOptions = {}): Promise<Table> {
  return engine.withTable(filePath, options, async (table) => {
    const plans = await columnPlans(engine, filePath, options);
    const numeric = plans.map((plan) => plan.type === 'integer' || plan.type === 'float');
    const stringPlans = plans.filter((_, i) => !numeric[i]);
    const shape =
      stringPlans.length === 0
        ? [0]
        : numberRow(
            await engine.query(
              `SELECT count(*), ${stringPlans.map((p) => `count(${textExpression(p)}), count(DISTINCT ${textExpression(p)}), coalesce(avg(length(${textExpression(p)})), 0)`).join(', ')} FROM ${table}`,
              options,
            ),
          );
    const select = plans.map((plan, i) => `${numeric[i] ? typedExpression(plan) : textExpression(plan)} AS ${sqlIdentifier(plan.name)}`).join(', ');
    const reader = await engine.query(`SELECT ${select} FROM ${table} ORDER BY rowid`, options);
    const data = reader.getColumns();
    const rowCount = reader.currentRowCount;
    const columns: Column[] = plans.map((plan, i) => {
      const values = data[i] ?? [];
      if (numeric[i]) {
        const out = new Float64Array(rowCount);
        for (let r = 0; r < rowCount; r++) out[r] = values[r] === null || values[r] === undefined ? Number.NaN : Number(values[r]);
        return { name: plan.name, kind: 'numeric', values: out };
      }
      const s = stringPlans.indexOf(plan);
      const [present = 0, distinct = 0, averageLength = 0] = shape.slice(1 + 3 * s, 4 + 3 * s);
      return stringColumn(
        plan.name,
        stringKind(distinct, present, averageLength),
        values.map((value) => (value === null || value === undefined ? null : String(value))),
      );
    });
    return { rowCount, columns };
  });
}

const fixtures = path.join(__dirname, '..', '..', 'fixtures');
const engine = new DatasetEngine();
const reference = new DatasetEngine();
after(async () => {
  await engine.close();
  await reference.close();
});

/** Compares two tables value by value (NaN equals NaN; -0 and 0 apart, as Object.is does). */
function assertSameTable(actual: Table, expected: Table, label: string): void {
  assert.equal(actual.rowCount, expected.rowCount, `${label}: rows`);
  assert.deepEqual(
    actual.columns.map((c) => [c.name, c.kind]),
    expected.columns.map((c) => [c.name, c.kind]),
    `${label}: column names and kinds`,
  );
  actual.columns.forEach((column, j) => {
    const other = expected.columns[j] as Column;
    if (column.kind === 'numeric') {
      assert.ok(column.values instanceof Float64Array, `${label}: ${column.name} is a Float64Array`);
      assert.equal(column.values.length, actual.rowCount, `${label}: ${column.name} length`);
    } else if (column.kind === 'text') {
      // Free text: UTF-8 bytes and offsets, no per-row strings.
      assert.ok(column.bytes instanceof Uint8Array, `${label}: ${column.name} bytes are a Uint8Array`);
      assert.equal(column.offsets.length, actual.rowCount + 1, `${label}: ${column.name} offsets`);
      assert.ok(!('values' in column) && !('categories' in column), `${label}: ${column.name} holds no per-row array`);
    } else {
      // Dictionary codes, no per-row strings: the codes are an Int32Array and the categories distinct.
      assert.ok(column.codes instanceof Int32Array, `${label}: ${column.name} codes are an Int32Array`);
      assert.equal(column.codes.length, actual.rowCount, `${label}: ${column.name} length`);
      assert.equal(new Set(column.categories).size, column.categories.length, `${label}: ${column.name} categories are distinct`);
      assert.ok(!('values' in column), `${label}: ${column.name} holds no per-row array`);
    }
    for (let r = 0; r < actual.rowCount; r++) {
      const a = cellAt(column, r);
      const b = cellAt(other, r);
      if (!Object.is(a, b)) assert.fail(`${label}: ${column.name} row ${r + 1}: ${String(a)} (columnar) vs ${String(b)} (rows)`);
    }
  });
}

const files = [
  'workspace/data/people.csv', // missing ages and scores, dates
  'workspace/data/cars.csv',
  'workspace/data/orders.tsv',
  'workspace/data/cities.json',
  'workspace/data/events.jsonl',
  'workspace/data/measurements.parquet',
  'workspace/data/reviews.csv', // free text
  'workspace/data/iris.csv',
  'workspace/data/diabetes.csv',
  'workspace/data/breast_cancer.csv',
  'datasets/explore.csv', // an empty categorical cell
  'bad/bom.csv',
  'bad/latin1.csv', // read again as Latin-1
];

for (const name of files) {
  test(`columnar readTable equals the row reader on ${name}`, async () => {
    const file = path.join(fixtures, name);
    assertSameTable(await readTableWith(engine, file), await readTableByRows(reference, file), name);
  });
}

test('columnar readTable: NULLs, missing strings, text in a numeric column, dates and booleans, past one chunk', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlwb-columnar-'));
  const file = path.join(dir, 'mixed.csv');
  // 5,000 rows (three DuckDB chunks); the head (1,000 rows) makes x numeric, later rows hold text in it.
  const lines = ['x,city,when,flag,n'];
  for (let i = 0; i < 5000; i++) {
    const x = i % 97 === 0 ? '' : i > 1500 && i % 501 === 0 ? 'oops' : i % 89 === 0 ? 'NA' : String((i * 0.37).toFixed(3));
    const city = i % 13 === 0 ? 'NULL' : ['Rome', 'Paris', 'Oslo', ''][i % 4];
    const when = i % 11 === 0 ? 'not a date' : `2024-0${1 + (i % 9)}-1${i % 10}`;
    const flag = i % 7 === 0 ? '' : i % 2 === 0 ? 'true' : 'false';
    lines.push(`${x},${city},${when},${flag},${i % 5 === 0 ? '-0' : i}`);
  }
  writeFileSync(file, lines.join('\n') + '\n');
  const table = await readTableWith(engine, file);
  assertSameTable(table, await readTableByRows(reference, file), 'mixed.csv');
  const x = table.columns[0] as Column;
  assert.equal(x.kind, 'numeric');
  assert.ok(Number.isNaN(x.values[0]) && Number.isNaN(x.values[1503]), 'missing and unparsable cells are NaN');
  assert.equal(x.values[1], 0.37);
  const city = table.columns[1] as Column;
  assert.equal(city.kind, 'categorical');
  assert.deepEqual(stringValues(city as StringColumn).slice(0, 5), [null, 'Paris', 'Oslo', null, 'Rome']);
  assert.equal(cellAt(table.columns[2] as Column, 1), '2024-02-11', 'dates keep their text');
});

test('numeric columns of a csv are written in place into arrays sized by its line count; a quoted line break, blank lines or too small a reservation still give the same table', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlwb-columnar-'));
  const file = path.join(dir, 'numbers.csv');
  const lines = ['a,b,note'];
  for (let i = 0; i < 5000; i++) lines.push(`${i % 101 === 0 ? '' : i * 0.5},${-i},${i === 7 ? '"two\nlines"' : 'n'}`);
  writeFileSync(file, lines.join('\n') + '\n\n');
  assert.equal(csvRowBound(file), 5002, 'lines less the header (the quoted break and the blank line count)');
  const table = await readTableWith(engine, file);
  assertSameTable(table, await readTableByRows(reference, file), 'numbers.csv');
  const a = (table.columns[0] as NumericColumn).values;
  assert.equal(a.length, 5000);
  assert.ok(Number.isNaN(a[0]) && a[1] === 0.5 && a[4999] === 2499.5);
  assert.equal(csvRowBound(path.join(dir, 'missing.csv')), undefined);
  // Reserved too small: the rows past it go to batches and finish joins them.
  const builder = new NumericColumnBuilder();
  builder.reserve(3);
  builder.batch(2).set([1, 2]);
  builder.batch(2).set([3, 4]);
  builder.batch(1)[0] = 5;
  assert.deepEqual([...builder.finish()], [1, 2, 3, 4, 5]);
  builder.reserve(4);
  builder.batch(2).set([6, 7]);
  const exact = builder.batch(2);
  exact[0] = 8;
  assert.deepEqual([...builder.finish()], [6, 7, 8, Number.NaN]);
});

/** readNumericCsv on a file (undefined: left to DuckDB), reading `block` bytes at a time. */
async function readBytes(file: string, block?: number): Promise<Table | undefined> {
  const { source } = await engine.open(file);
  const bound = csvRowBound(file) as number;
  return readNumericCsv(engine, source, source.layout?.columns ?? [], bound, {}, block);
}

test('an all-numeric csv is parsed from its bytes into the row reader’s doubles: signs, exponents, 17 digits, spaces, inf, nan, missing strings and text, CRLF, small blocks', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlwb-columnar-'));
  const file = path.join(dir, 'numeric.csv');
  const odd = [
    '-0',
    '+2',
    '.5',
    '-.25',
    '1.',
    '1e5',
    '1E-05',
    '6.02214076e23',
    ' 1.5',
    '2 ',
    'inf',
    '-Infinity',
    'nan',
    'NaN',
    'NA',
    'N/A',
    'null',
    'None',
    '',
    '?',
    'oops',
    '0.12345678901234567',
    '-9007199254740993',
    '1e400',
    '-1e-400',
    '1e-310',
    '1_000',
    '0x10',
    '1,5',
    '12345678901234567890',
    '0.000000000000000000000001',
  ];
  let seed = 7;
  const random = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const lines = ['a\tb\tc\ty'];
  for (let i = 0; i < 3000; i++) {
    const cell = (c: number): string =>
      i % 10 === c ? (odd[(Math.floor(i / 10) + c) % odd.length] as string) : ((random() - 0.5) * 10 ** c).toFixed(1 + ((i + c) % 17));
    lines.push(`${cell(1)}\t${cell(2)}\t${cell(3)}\t${i % 2}`);
  }
  writeFileSync(file.replace('.csv', '.tsv'), lines.join('\r\n'));
  const tsv = file.replace('.csv', '.tsv');
  const expected = await readTableByRows(reference, tsv);
  assert.ok(
    expected.columns.every((c) => c.kind === 'numeric'),
    'every column numeric',
  );
  for (const block of [160, 1000, 1 << 20]) {
    const table = await readBytes(tsv, block);
    assert.ok(table, `parsed from the bytes (block ${block})`);
    assertSameTable(table, expected, `numeric.tsv, block ${block}`);
  }
  const table = await readTableWith(engine, tsv);
  assertSameTable(table, expected, 'numeric.tsv through readTable');
  // The odd cells are there: DuckDB's cast of ' 1.5', 'inf' and '-Infinity', NaN for text, -0 kept.
  const cells = table.columns.flatMap((column) => [...(column as NumericColumn).values]);
  for (const value of [Infinity, -Infinity, 1.5, -0, 6.02214076e23])
    assert.ok(
      cells.some((v) => Object.is(v, value)),
      `${value} read`,
    );
});

test('a text cell in an all-numeric csv reads as missing (NaN) with the same warning as before', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlwb-columnar-'));
  const file = path.join(dir, 'bad.csv');
  const lines = ['a,b,y'];
  for (let i = 0; i < 2000; i++) lines.push(`${i * 0.25},${i === 1500 ? 'oops' : i === 1700 ? '' : String(-i)},${i % 2}`);
  writeFileSync(file, lines.join('\n') + '\n');
  const table = await readBytes(file);
  assert.ok(table, 'parsed from the bytes');
  const expected = await readTableByRows(reference, file);
  assertSameTable(table, expected, 'bad.csv');
  const b = (table.columns[1] as NumericColumn).values;
  assert.ok(Number.isNaN(b[1500]) && Number.isNaN(b[1700]) && b[1499] === -1499);
  const warning =
    'column "b": 2 of 2000 values are missing (blank, or not a number, such as n/a, NA or ?); they train as missing values, which an impute step fills and most models refuse without one';
  assert.deepEqual(dataQualityWarnings(await readTableWith(engine, file), 'y'), [warning]);
  assert.deepEqual(dataQualityWarnings(expected, 'y'), [warning]);
});

test('csv files with quotes, blank lines, text past ASCII, a bare carriage return or ragged rows are left to DuckDB, with the same table', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlwb-columnar-'));
  const cases: Record<string, string> = {
    quoted: 'a,b\n1,2\n"3",4\n5,6\n',
    blank: 'a,b\n1,2\n\n5,6\n',
    single: 'a\n1\n\n2\n',
    accent: 'a,b\n1,2\n3,4é\n5,6\n',
    cr: 'a,b\n1,2\r3,4\n5,6\n',
    nul: `a,b\n${'1,2\n'.repeat(20_000)}3,4\u0000\n5,6\n`, // past the head the sniffer reads
    quotedHeader: '"a\nx",b\n1,2\n',
  };
  for (const [name, text] of Object.entries(cases)) {
    const file = path.join(dir, `${name}.csv`);
    writeFileSync(file, text);
    assert.equal(await readBytes(file), undefined, `${name}: left to DuckDB`);
    const expected = await readTableByRows(reference, file).catch((error: unknown) => error as Error);
    if (expected instanceof Error) await assert.rejects(readTableWith(engine, file), { message: expected.message });
    else assertSameTable(await readTableWith(engine, file), expected, name);
  }
  const ragged = path.join(dir, 'ragged.csv');
  writeFileSync(ragged, 'a,b\n1,2\n3\n4,5,6\n');
  assert.equal(await readBytes(ragged), undefined, 'ragged: left to DuckDB');
  await assert.rejects(readTableWith(engine, ragged), /line 3/);
});

test('large columns of an all-numeric csv are read into shared memory only for a run whose worker threads read them, with the same values', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlwb-columnar-'));
  const file = path.join(dir, 'large.csv');
  const rows = 131_072;
  const lines = ['a,y'];
  for (let i = 0; i < rows; i++) lines.push(`${(i * 0.37) % 11},${i % 2}`);
  writeFileSync(file, lines.join('\n') + '\n');
  const isShared = (table: Table): boolean[] => table.columns.map((c) => (c as NumericColumn).values.buffer instanceof SharedArrayBuffer);
  const plain = await readTableWith(engine, file);
  const shared = await readTableWith(engine, file, { sharedColumns: true });
  assert.deepEqual(isShared(plain), [false, false], 'plain memory by default');
  assert.deepEqual(isShared(shared), [true, true], 'shared memory when asked');
  assertSameTable(shared, plain, 'large.csv shared');
  const run = (model: Experiment['model'], validation?: Experiment['validation']): Experiment => ({
    data: { path: 'large.csv', target: 'y' },
    model,
    ...(validation ? { validation } : {}),
  });
  // The logistic objective's team reads the columns on a worker; a gradient boosting hold-out hands them to none.
  assert.deepEqual(isShared(await readRunTable(file, run({ type: 'logistic_regression', params: { n_jobs: 2 } }))), [true, true]);
  assert.deepEqual(isShared(await readRunTable(file, run({ type: 'logistic_regression', params: { n_jobs: 1 } }))), [false, false]);
  assert.deepEqual(isShared(await readRunTable(file, run({ type: 'gradient_boosting' }, { method: 'holdout' }))), [false, false]);
  // Folds on workers take the columns as they are instead of copying them.
  assert.deepEqual(isShared(await readRunTable(file, run({ type: 'gradient_boosting' }, { method: 'kfold', n_jobs: 2 }))), [true, true]);
  assert.deepEqual(isShared(await readRunTable(file, run({ type: 'gradient_boosting' }, { method: 'kfold', n_jobs: 1 }))), [false, false]);
});
