import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { stringColumn, stringValues, type CategoricalColumn, type NumericColumn, type Table } from '../../../src/core/data/table';
import { sharedTable, shareTarget, unshareTarget } from '../../../src/core/parallel/transfer';

function table(): Table {
  return {
    rowCount: 4,
    columns: [
      { name: 'x', kind: 'numeric', values: Float64Array.from([1, Number.NaN, 3, 4]) },
      stringColumn('city', 'categorical', ['Oslo', null, 'Rome', 'Oslo']),
    ],
  };
}

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

test('a table sent to a worker carries its columns in shared memory: numbers and codes are shared, not copied', async () => {
  const sent = sharedTable(table());
  for (const column of sent.columns) {
    const array = column.kind === 'numeric' ? column.values : column.kind === 'text' ? column.bytes : column.codes;
    assert.ok(array.buffer instanceof SharedArrayBuffer, `${column.name} is in shared memory`);
  }
  const city = sent.columns[1] as CategoricalColumn;
  assert.ok(!('values' in city), 'no per-row string array');
  assert.deepEqual(stringValues(city), ['Oslo', null, 'Rome', 'Oslo']);
  const received = await postAndReceive(sent);
  // The receiver's arrays are views of the same memory: a write there is seen here.
  (received.columns[1] as CategoricalColumn).codes[1] = 1;
  (received.columns[0] as NumericColumn).values[1] = 2;
  assert.equal(city.codes[1], 1);
  assert.equal((sent.columns[0] as NumericColumn).values[1], 2);
  assert.deepEqual((received.columns[1] as CategoricalColumn).categories, ['Oslo', 'Rome']);
});

test('a classification target goes as shared codes into its distinct labels and comes back equal', async () => {
  const labels = ['b', 'a', 'b', 'c', 'a'];
  const packed = shareTarget(labels);
  assert.equal(packed.kind, 'labels');
  if (packed.kind !== 'labels') return;
  assert.ok(packed.codes.buffer instanceof SharedArrayBuffer);
  assert.deepEqual(packed.labels, ['b', 'a', 'c']);
  assert.deepEqual(unshareTarget(await postAndReceive(packed)), labels);
  const numbers = shareTarget(Float64Array.from([1.5, 2]));
  assert.ok(numbers.kind === 'numbers' && numbers.values.buffer instanceof SharedArrayBuffer);
  assert.deepEqual([...(unshareTarget(numbers) as Float64Array)], [1.5, 2]);
});
