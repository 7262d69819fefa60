import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MessageChannel } from 'node:worker_threads';
import { DatasetEngine, readTableWith } from '../../../src/core/datasets';
import {
  asStringKind,
  cellAt,
  dictionaryOf,
  fillMissingText,
  missingAt,
  stringAt,
  stringColumn,
  stringValues,
  tableFromRecords,
  takeRows,
  type Table,
  type TextColumn,
} from '../../../src/core/data/table';
import { sharedTable } from '../../../src/core/parallel/transfer';
import { Pipeline } from '../../../src/core/prepare/pipeline';
import { TextVectorizer } from '../../../src/core/text/vectorizer';
import type { CsrMatrix } from '../../../src/core/types';

// ASCII, two- three- and four-byte UTF-8 (an astral emoji is a surrogate pair in JavaScript), the empty string (present)
// and missing cells (null), which must stay apart.
const TEXTS: (string | null)[] = ['The quick brown fox', 'Ça coûte 12 €', '', null, '日本語のテキスト', 'emoji 😀 here', null, 'ÉCOLE Straße İstanbul', ''];

function textOf(values: readonly (string | null)[]): TextColumn {
  const column = stringColumn('t', 'text', values);
  assert.equal(column.kind, 'text');
  return column as TextColumn;
}

test('a text column holds UTF-8 bytes and offsets and reads every row back (multi-byte text, empty string vs missing)', () => {
  const column = textOf(TEXTS);
  assert.ok(column.bytes instanceof Uint8Array);
  assert.ok(column.offsets instanceof Float64Array);
  assert.equal(column.offsets.length, TEXTS.length + 1);
  assert.ok(!('codes' in column) && !('categories' in column), 'no dictionary');
  const utf8 = Buffer.concat(TEXTS.map((t) => Buffer.from(t ?? '', 'utf8')));
  assert.deepEqual(Buffer.from(column.bytes), utf8, 'the rows’ UTF-8 bytes one after another');
  assert.deepEqual(stringValues(column), TEXTS);
  TEXTS.forEach((text, i) => {
    assert.equal(stringAt(column, i), text, `row ${i}`);
    assert.equal(cellAt(column, i), text, `row ${i}`);
    assert.equal(missingAt(column, i), text === null, `row ${i} missing`);
  });
});

test('a text column from records is inferred as text and keeps missing and empty cells apart', () => {
  const docs = Array.from({ length: 30 }, (_, i) => (i % 7 === 3 ? null : i % 11 === 5 ? '' : `document number ${i} says something new é${i}`));
  const table = tableFromRecords(docs.map((d) => ({ d })));
  const column = table.columns[0] as TextColumn;
  assert.equal(column.kind, 'text');
  // tableFromRecords reads '' as missing (as a CSV reader does); nulls stay missing.
  assert.deepEqual(
    stringValues(column),
    docs.map((d) => (d === '' ? null : d)),
  );
});

test('takeRows copies a text column’s selected rows (repeats, missing, empty) and asStringKind converts both ways', () => {
  const column = textOf(TEXTS);
  const indices = [8, 3, 1, 1, 5, 2, 0];
  const taken = takeRows({ rowCount: TEXTS.length, columns: [column] }, indices).columns[0] as TextColumn;
  assert.equal(taken.kind, 'text');
  assert.deepEqual(
    stringValues(taken),
    indices.map((i) => TEXTS[i] ?? null),
  );
  assert.deepEqual(stringValues(takeRows({ rowCount: TEXTS.length, columns: [column] }, []).columns[0] as TextColumn), []);
  const categorical = asStringKind(column, 'categorical');
  assert.equal(categorical.kind, 'categorical');
  assert.deepEqual(stringValues(categorical), TEXTS);
  assert.deepEqual(dictionaryOf(column).categories, ['The quick brown fox', 'Ça coûte 12 €', '', '日本語のテキスト', 'emoji 😀 here', 'ÉCOLE Straße İstanbul']);
  assert.deepEqual(stringValues(asStringKind(categorical, 'text')), TEXTS);
  assert.deepEqual(
    stringValues(fillMissingText(column, 'n/a é')),
    TEXTS.map((t) => t ?? 'n/a é'),
  );
});

/** Sends a value through a real MessagePort (postMessage's structured clone, as to a worker thread). */
function postAndReceive<T>(value: T): Promise<T> {
  const { port1, port2 } = new MessageChannel();
  return new Promise((resolve) => {
    port2.once('message', (message: T) => {
      port1.close();
      port2.close();
      resolve(message);
    });
    port1.postMessage(value);
  });
}

test('a text column goes to a worker as shared bytes and offsets and reads back equal there', async () => {
  const table: Table = { rowCount: TEXTS.length, columns: [textOf(TEXTS)] };
  const sent = sharedTable(table);
  const column = sent.columns[0] as TextColumn;
  assert.ok(column.bytes.buffer instanceof SharedArrayBuffer, 'bytes in shared memory');
  assert.ok(column.offsets.buffer instanceof SharedArrayBuffer, 'offsets in shared memory');
  const received = (await postAndReceive(sent)).columns[0] as TextColumn;
  assert.equal(received.kind, 'text');
  assert.deepEqual(stringValues(received), TEXTS);
  // The receiver's bytes are views of the same memory: a write there is seen here.
  received.bytes[0] = 't'.charCodeAt(0);
  assert.equal(stringAt(column, 0), 'the quick brown fox');
});

test('the text step on a text column gives the vectorizer’s matrix on the same strings (tokens, Unicode lowercasing)', () => {
  const docs = Array.from({ length: 40 }, (_, i) =>
    i % 9 === 4 ? null : `${TEXTS[i % TEXTS.length] ?? 'Ünïcode'} ÉCOLE word${i % 5} ΣΊΣΥΦΟΣ ${i % 3 === 0 ? 'İstanbul' : 'straße'}`,
  );
  const table: Table = { rowCount: docs.length, columns: [textOf(docs)] };
  const pipeline = Pipeline.fromSpec([{ text: { column: 't', ngram_range: [1, 2] } }]);
  const { X } = pipeline.fitTransform(table, new Float64Array(docs.length), { seed: 0 });
  const expected = new TextVectorizer({ ngram_range: [1, 2] }).fitTransform(docs);
  const actual = X as CsrMatrix;
  assert.deepEqual([actual.rows, actual.cols], [expected.rows, expected.cols]);
  assert.deepEqual(actual.indptr, expected.indptr);
  assert.deepEqual(actual.indices, expected.indices);
  assert.deepEqual(actual.values, expected.values);
});

const engine = new DatasetEngine();
const dir = mkdtempSync(path.join(tmpdir(), 'mlwb-text-'));
after(() => engine.close());

test('readTable reads free text as bytes and offsets: inline (≤ 12 bytes) and longer values, multi-byte text, missing cells, several chunks', async () => {
  const rows = 5000;
  const expected = Array.from({ length: rows }, (_, i): string | null => {
    switch (i % 6) {
      case 0:
        return null;
      case 1:
        return `t${i}`; // inline
      case 2:
        return `é${i}日`; // inline, multi-byte
      case 3:
        return `a longer free text number ${i} with Ünïcode ${'x'.repeat(i % 40)}`;
      case 4:
        return `日本語の文 ${i}`; // 12+ bytes
      default:
        return `row ${i} 😀`;
    }
  });
  const file = path.join(dir, 'text.csv');
  writeFileSync(file, ['t,n', ...expected.map((v, i) => `${v === null ? '' : `"${v}"`},${i}`)].join('\n') + '\n');
  const table = await readTableWith(engine, file);
  const column = table.columns[0] as TextColumn;
  assert.equal(column.kind, 'text');
  assert.ok(column.bytes instanceof Uint8Array && column.offsets instanceof Float64Array);
  assert.equal(column.offsets.length, rows + 1);
  assert.deepEqual(stringValues(column), expected);
  const sampled = await readTableWith(engine, file, { sample: { rows: 700, seed: 3 } });
  const sampledText = sampled.columns[0] as TextColumn;
  const numbers = (sampled.columns[1] as { values: Float64Array }).values;
  assert.equal(sampled.rowCount, 700);
  assert.deepEqual(
    stringValues(sampledText),
    Array.from(numbers, (n) => expected[n] ?? null),
  );
});
