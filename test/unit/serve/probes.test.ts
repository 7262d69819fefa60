import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestStats } from '../../../src/serve/stats';

test('health probes and monitoring scrapes are not counted as requests; predictions are', () => {
  const stats = new RequestStats();
  for (const route of ['/health', '/ping', '/v2/health/live', '/v2/health/ready', '/monitor', '/metrics']) stats.record(route, 200, 1);
  assert.equal(stats.total, 0, 'no request before the first prediction');
  stats.record('/predict', 200, 3);
  stats.record('/v2/models/{name}/infer', 200, 3);
  assert.equal(stats.total, 2);
  assert.ok(
    [...stats.counts.values()].some((c) => c.route === '/health' && c.count === 1),
    'still counted by route',
  );
});
