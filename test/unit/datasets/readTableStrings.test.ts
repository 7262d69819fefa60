import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DatasetEngine, readTableWith } from '../../../src/core/datasets';
import { stringValues, type CategoricalColumn } from '../../../src/core/data/table';

const engine = new DatasetEngine();
const dir = mkdtempSync(path.join(tmpdir(), 'mlwb-strings-'));
after(() => engine.close());

// Strings around DuckDB's 12-byte inline limit (multi-byte characters among them), strings that differ only past the
// first bytes or in length, and missing cells, over several result chunks (2,048 rows each).
const VALUES = [
  'a',
  'ab',
  'abcd',
  'abcde',
  'abcdefgh',
  'abcdefghi',
  'abcdefghijkl',
  'abcdefghijklm',
  'abcdefghijklmnopq',
  'é',
  'éé',
  'ééééé',
  'éééééé',
  'ééééééé',
  '日本語の',
  '日本語の文',
  'x'.repeat(40),
  'abcdefghijkL',
  'abcdefghijkl ',
  null,
];

test('string columns are coded the same whatever their length (inline short strings, longer ones, multi-byte text)', async () => {
  const rows = 7000;
  const expected = Array.from({ length: rows }, (_, i) => VALUES[(i * 7 + (i >> 5)) % VALUES.length] ?? null);
  const file = path.join(dir, 'strings.csv');
  writeFileSync(file, ['s,n', ...expected.map((v, i) => `${v === null ? '' : `"${v}"`},${i}`)].join('\n') + '\n');
  const table = await readTableWith(engine, file);
  const column = table.columns[0] as CategoricalColumn;
  assert.ok(column.codes instanceof Int32Array);
  assert.deepEqual(stringValues(column), expected);
  assert.equal(new Set(column.categories).size, column.categories.length, 'categories are distinct');
  assert.equal(column.categories.length, VALUES.length - 1);
});
