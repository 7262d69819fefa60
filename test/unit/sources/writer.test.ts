import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { StagedFile } from '../../../src/core/sources/writer';
import type { Cell, RowBatch } from '../../../src/core/sources/types';
import { readBack, tempFolder } from './helpers';

async function* batches(...rows: Cell[][][]): AsyncGenerator<RowBatch> {
  for (const batch of rows)
    yield {
      columns: [
        { name: 'text', type: 'VARCHAR' },
        { name: 'bytes "raw"', type: 'BLOB' },
        { name: 'n', type: 'INTEGER' },
      ],
      rows: batch,
    };
}

test('staged rows come back exactly: empty text is not missing, quotes, commas and line breaks, bytes, a 9 MB cell', async () => {
  const big = 'é'.repeat(3_000_000);
  const dir = tempFolder();
  const out = path.join(dir, 'edges.parquet');
  const staged = new StagedFile(out);
  try {
    const written = await staged.writeRows(
      batches(
        [
          ['', Buffer.from([0, 255, 16]), '1'],
          [null, null, null],
        ],
        [
          ['line 1\nline 2, "quoted"\r\n', new Uint8Array(0), '-3'],
          ['  spaced  ', Buffer.from('hi'), '7'],
          ['\\N', Buffer.from([1]), '2'],
          [big, null, '0'],
        ],
      ),
    );
    await staged.commit();
    assert.equal(written.rows, 6);
    assert.deepEqual(written.columns, [
      { name: 'text', type: 'VARCHAR' },
      { name: 'bytes "raw"', type: 'BLOB' },
      { name: 'n', type: 'INTEGER' },
    ]);
  } finally {
    await staged.dispose();
  }
  const { rows } = await readBack(out);
  assert.deepEqual(rows.slice(0, 5), [
    { text: '', 'bytes "raw"': '\\x00\\xFF\\x10', n: 1 },
    { text: null, 'bytes "raw"': null, n: null },
    { text: 'line 1\nline 2, "quoted"\r\n', 'bytes "raw"': '', n: -3 },
    { text: '  spaced  ', 'bytes "raw"': 'hi', n: 7 },
    { text: '\\N', 'bytes "raw"': '\\x01', n: 2 },
  ]);
  assert.ok(rows[5]?.text === big, 'the 9 MB cell comes back whole');
});
