import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectGarbage } from '../../../src/core/memory';

test('collectGarbage frees unreachable objects now, and leaves no gc global behind for other code', async () => {
  let ref: WeakRef<Float64Array> | undefined;
  (() => {
    ref = new WeakRef(new Float64Array(1 << 20));
  })();
  // A WeakRef's target is kept until the current job ends.
  await new Promise<void>((resolve) => setImmediate(resolve));
  assert.equal(collectGarbage(), true);
  assert.equal(ref?.deref(), undefined, 'collected');
  assert.equal(typeof (globalThis as { gc?: unknown }).gc, 'undefined');
  const { runInNewContext } = await import('node:vm');
  assert.equal(runInNewContext('typeof gc'), 'undefined', 'new contexts do not get gc either');
});
