import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Random } from '../../src/core/random';

test('Random gives the same sequence for the same seed and another for another seed', () => {
  const a = new Random(7);
  const b = new Random(7);
  const c = new Random(8);
  const seqA = Array.from({ length: 5 }, () => a.next());
  const seqB = Array.from({ length: 5 }, () => b.next());
  const seqC = Array.from({ length: 5 }, () => c.next());
  assert.deepEqual(seqA, seqB);
  assert.notDeepEqual(seqA, seqC);
  for (const x of seqA) assert.ok(x >= 0 && x < 1);
});

test('Random.shuffle is a permutation', () => {
  const items = Array.from({ length: 50 }, (_, i) => i);
  const shuffled = new Random(1).shuffle([...items]);
  assert.notDeepEqual(shuffled, items);
  assert.deepEqual(
    [...shuffled].sort((x, y) => x - y),
    items,
  );
});
