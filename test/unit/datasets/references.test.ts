import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { findDatasetReferences, referenceAt, resolveDatasetPath } from '../../../src/extension/datasets/references';
import { cellText, escapeMarkdown, hoverMarkdown } from '../../../src/extension/datasets/markdown';
import type { DatasetHead } from '../../../src/core/datasets/types';

const workspace = path.join(__dirname, '..', '..', 'fixtures', 'workspace');

test('finds dataset paths in Python, TypeScript, SQL and Markdown lines', () => {
  const texts = (line: string): string[] => findDatasetReferences(line).map((ref) => ref.text);
  assert.deepEqual(texts('df = pd.read_csv("data/people.csv")'), ['data/people.csv']);
  assert.deepEqual(texts("const t = await load('./events.jsonl', `x.parquet`);"), ['./events.jsonl', 'x.parquet']);
  assert.deepEqual(texts("SELECT * FROM 'data/orders.tsv' JOIN read_parquet('m.parquet')"), ['data/orders.tsv', 'm.parquet']);
  assert.deepEqual(texts('See [people](data/people.csv) and data/cities.json.'), ['data/people.csv', 'data/cities.json']);
  assert.deepEqual(texts('fetch("https://example.com/a.csv")'), []);
  assert.deepEqual(texts('see https://example.com/a.csv'), []);
  assert.deepEqual(texts('open("notes.txt")'), []);
});

test('referenceAt picks the literal under the cursor, with its offsets', () => {
  const line = 'a = read("one.csv") + read("two.csv")';
  assert.equal(referenceAt(line, line.indexOf('two') + 1)?.text, 'two.csv');
  assert.equal(referenceAt(line, 0), undefined);
  const ref = referenceAt(line, line.indexOf('one'));
  assert.equal(line.slice(ref?.start, ref?.end), 'one.csv');
});

test('resolves relative to the document first, then the workspace folders', async () => {
  const docDir = path.join(workspace, 'data');
  assert.equal(await resolveDatasetPath('orders.tsv', docDir, [workspace]), path.join(docDir, 'orders.tsv'));
  assert.equal(await resolveDatasetPath('data/people.csv', docDir, [workspace]), path.join(workspace, 'data', 'people.csv'));
  assert.equal(await resolveDatasetPath('missing.csv', docDir, [workspace]), undefined);
});

test('Markdown escaping leaves no HTML, link or table syntax', () => {
  assert.equal(escapeMarkdown('<img src=x onerror="a()">'), '\\<img src\\=x onerror\\=\\"a\\(\\)\\"\\>');
  assert.equal(escapeMarkdown('a|b\nc'), 'a\\|b c');
  assert.equal(cellText('x'.repeat(50)), `${'x'.repeat(39)}…`);
  assert.equal(cellText(null), '*∅*');
});

test('hover Markdown: name, shape, columns, five rows, link', () => {
  const head: DatasetHead = {
    schema: {
      path: '/w/x.csv',
      format: 'csv',
      size: 2048,
      warnings: [],
      columns: [
        { name: 'id', type: 'integer' },
        { name: 'payload', type: 'text' },
      ],
    },
    rows: [
      ['1', '<script>alert(1)</script>'],
      ['2', 'javascript:alert(2)'],
      ['3', null],
      ['4', 'd'],
      ['5', 'e'],
      ['6', 'f'],
    ],
  };
  const markdown = hoverMarkdown('x.csv', head, 6, 'command:mlWorkbench.previewDataset?%5B%5D');
  const lines = markdown.split('\n');
  assert.equal(lines[0], '**x\\.csv** · 6 rows × 2 columns · 2.0 KB');
  assert.equal(lines[2], '`id` integer · `payload` text');
  assert.equal(lines[4], '| id | payload |');
  assert.equal(lines[6], '| 1 | \\<script\\>alert\\(1\\)\\<\\/script\\> |'.replace('\\/', '/'));
  assert.equal(lines[7], '| 2 | javascript\\:alert\\(2\\) |');
  // Header, separator and the first five of six rows.
  assert.equal(lines.filter((line) => line.startsWith('| ')).length, 7);
  assert.equal(lines.at(-1), '[Open preview](command:mlWorkbench.previewDataset?%5B%5D)');
});
