import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatasetsClient } from '../../../src/extension/datasets/client';
import { mixedCsv } from '../../../bench/datasetsData';

const root = path.join(__dirname, '..', '..', '..');
const data = path.join(root, 'test', 'fixtures', 'workspace', 'data');
const temp = mkdtempSync(path.join(os.tmpdir(), 'mlwb-worker-'));
// Worker threads do not take tsx's loader for a .ts entry point; a JS bootstrap registers it first.
const bootstrap = path.join(temp, 'datasets-worker.cjs');
writeFileSync(
  bootstrap,
  `require(${JSON.stringify(require.resolve('tsx/cjs'))});\nrequire(${JSON.stringify(path.join(root, 'src', 'worker', 'datasets.ts'))});\n`,
);
const client = new DatasetsClient(bootstrap);
after(() => {
  client.dispose();
  rmSync(temp, { recursive: true, force: true });
});

test('the worker answers head, count and page requests with ids matched', async () => {
  const [head, count, page] = await Promise.all([
    client.head(path.join(data, 'people.csv'), 2),
    client.count(path.join(data, 'orders.tsv')),
    client.page(path.join(data, 'people.csv'), { offset: 9, limit: 5 }),
  ]);
  assert.deepEqual(
    head.rows.map((r) => r[1]),
    ['Ann', 'Bob'],
  );
  assert.equal(count, 5);
  assert.deepEqual(
    page.rows.map((r) => r[1]),
    ['Jon'],
  );
});

test('a bad file rejects with the engine message and line', async () => {
  await assert.rejects(client.count(path.join(root, 'test', 'fixtures', 'bad', 'ragged.csv')), {
    name: 'DatasetError',
    message: 'ragged.csv, line 3: the row has 2 fields but the header has 3 columns',
    line: 3,
  });
});

test('profile reports progress; cancel interrupts a long profile and the worker stays usable', async () => {
  const big = await mixedCsv(temp, 100_000);
  const stages: string[] = [];
  const controller = new AbortController();
  const running = client.profile(big, { signal: controller.signal, onProgress: (event) => stages.push(event.stage) });
  setTimeout(() => controller.abort(), 100);
  await assert.rejects(running, { name: 'CancelledError' });
  assert.ok(stages.includes('reading'), `progress stages: ${stages.join(',')}`);
  assert.equal(await client.count(path.join(data, 'people.csv')), 10);
});
