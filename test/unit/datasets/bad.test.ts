import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatasetEngine, DatasetError, countRowsWith, headWith, pageWith, profileWith, schemaWith } from '../../../src/core/datasets';

const bad = path.join(__dirname, '..', '..', 'fixtures', 'bad');
const file = (name: string): string => path.join(bad, name);
const engine = new DatasetEngine();
const temp = mkdtempSync(path.join(os.tmpdir(), 'mlwb-bad-'));
after(async () => {
  await engine.close();
  rmSync(temp, { recursive: true, force: true });
});

/** Asserts that reading fails with a DatasetError whose message is exactly `message`. */
async function rejectsWith(promise: Promise<unknown>, message: string, line?: number): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof DatasetError, `expected DatasetError, got ${String(error)}`);
    assert.equal(error.message, message);
    assert.equal(error.line, line);
    return true;
  });
}

test('ragged rows: names the file and the line with too few fields', async () => {
  await rejectsWith(countRowsWith(engine, file('ragged.csv')), 'ragged.csv, line 3: the row has 2 fields but the header has 3 columns', 3);
});

test('unbalanced quotes: names the line where the quote opens', async () => {
  await rejectsWith(countRowsWith(engine, file('unbalanced_quotes.csv')), 'unbalanced_quotes.csv, line 3: a quoted value is never closed (unbalanced ")', 3);
});

test('BOM: skipped, first column name is clean, with a warning', async () => {
  const head = await headWith(engine, file('bom.csv'), 5);
  assert.deepEqual(
    head.schema.columns.map((c) => c.name),
    ['id', 'name'],
  );
  assert.deepEqual(head.rows, [
    ['1', 'Ann'],
    ['2', 'Bob'],
  ]);
  assert.deepEqual(head.schema.warnings, ['bom.csv: starts with a UTF-8 byte order mark (BOM), which was skipped']);
});

test('Latin-1 bytes: read as Latin-1 with a warning', async () => {
  const head = await headWith(engine, file('latin1.csv'), 5);
  assert.deepEqual(head.rows, [
    ['1', 'café'],
    ['2', 'naïve'],
  ]);
  assert.deepEqual(head.schema.warnings, ['latin1.csv: is not valid UTF-8; read as Latin-1 (ISO-8859-1)']);
});

test('Latin-1 bytes past the sniffed head: DuckDB refuses, the engine retries as Latin-1', async () => {
  const late = path.join(temp, 'late_latin1.csv');
  const rows = Array.from({ length: 120_000 }, (_, i) => `${i},plain`).join('\n');
  writeFileSync(late, Buffer.concat([Buffer.from(`id,name\n${rows}\n`), Buffer.from([0x31, 0x2c, 0x63, 0x61, 0x66, 0xe9, 0x0a])]));
  assert.equal(await countRowsWith(engine, late), 120_001);
  // Loading every value meets the byte, switches to Latin-1 and says so.
  const last = await pageWith(engine, late, { offset: 120_000, limit: 1 });
  assert.deepEqual(last.rows, [['1', 'café']]);
  const schema = await schemaWith(engine, late);
  assert.deepEqual(schema.warnings, ['late_latin1.csv: is not valid UTF-8; read as Latin-1 (ISO-8859-1)']);
});

test('empty file', async () => {
  await rejectsWith(schemaWith(engine, file('empty.csv')), 'empty.csv: the file is empty');
});

test('header only: columns and zero rows', async () => {
  const profile = await profileWith(engine, file('header_only.csv'));
  assert.equal(profile.rowCount, 0);
  assert.deepEqual(
    profile.schema.columns.map((c) => c.name),
    ['id', 'name', 'score'],
  );
  assert.deepEqual(profile.quality.findings, []);
});

test('duplicate column names: second one renamed, with a warning', async () => {
  const head = await headWith(engine, file('duplicate_columns.csv'), 5);
  assert.deepEqual(
    head.schema.columns.map((c) => c.name),
    ['id', 'value', 'value_1'],
  );
  assert.deepEqual(head.rows[0], ['1', '2', '3']);
  assert.deepEqual(head.schema.warnings, ['duplicate_columns.csv: duplicate column name "value" (columns 2 and 3); column 3 is read as "value_1"']);
});

test('a 5 MB single line', async () => {
  const long = path.join(temp, 'single_line.csv');
  writeFileSync(long, 'a,'.repeat(2.5 * 1024 * 1024));
  await rejectsWith(schemaWith(engine, long), 'single_line.csv, line 1: the line is longer than the 2 MB a row may have; this does not look like CSV', 1);
});

test('a 5 MB value in a data row', async () => {
  const long = path.join(temp, 'long_value.csv');
  writeFileSync(long, `id,text\n1,short\n2,${'x'.repeat(5 * 1024 * 1024)}\n`);
  await assert.rejects(countRowsWith(engine, long), (error: unknown) => {
    assert.ok(error instanceof DatasetError);
    assert.match(error.message, /^long_value\.csv, line 3: /);
    return true;
  });
});

test('binary bytes named .csv', async () => {
  await rejectsWith(schemaWith(engine, file('binary.csv')), 'binary.csv: the file holds binary data, not delimited text');
});

test('UTF-16 text (with or without a byte order mark, either byte order) is named as such, with how to convert it', async () => {
  const text = 'id,name\n1,Ann\n2,Bob\n';
  const little = Buffer.from(text, 'utf16le');
  const big = Buffer.from(little).swap16();
  const files: [string, Buffer, string][] = [
    ['utf16le_bom.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), little]), 'little-endian'],
    ['utf16le.csv', little, 'little-endian'],
    ['utf16be_bom.csv', Buffer.concat([Buffer.from([0xfe, 0xff]), big]), 'big-endian'],
  ];
  for (const [name, bytes, order] of files) {
    writeFileSync(path.join(temp, name), bytes);
    const utf8Name = name.replace('.csv', '-utf8.csv');
    // Before: "the file holds binary data, not delimited text".
    await rejectsWith(
      schemaWith(engine, path.join(temp, name)),
      `${name}: the file is UTF-16 text (${order}), which cannot be read; save it as UTF-8 (in Excel: "CSV UTF-8"), or convert it: iconv -f UTF-16 -t UTF-8 ${name} > ${utf8Name}`,
    );
  }
});

test('JSON that is not records', async () => {
  await rejectsWith(
    schemaWith(engine, file('not_records.json')),
    'not_records.json: the JSON is not a list of records; expected [{"column": value, …}, …] or one object per line',
  );
});

test('truncated parquet', async () => {
  await rejectsWith(schemaWith(engine, file('truncated.parquet')), 'truncated.parquet: not a readable Parquet file (truncated or corrupt)');
});

test('a file that does not exist, and one with an unknown extension', async () => {
  await rejectsWith(schemaWith(engine, path.join(temp, 'gone.csv')), 'gone.csv: the file does not exist');
  const text = path.join(temp, 'notes.txt');
  writeFileSync(text, 'hello');
  await rejectsWith(schemaWith(engine, text), 'notes.txt: is not a dataset file (csv, tsv, json, jsonl, ndjson or parquet)');
});

test('after every bad file the engine still reads good files', async () => {
  writeFileSync(path.join(temp, 'good.csv'), 'a,b\n1,2\n');
  assert.equal(await countRowsWith(engine, path.join(temp, 'good.csv')), 1);
});
