// The dashboard of a run with an embed step (issue 20): its embedding width, encoder and cache hits, from run.json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunRecord } from '../../../src/core/runs/store';
import { isWebviewMessage } from '../../../src/extension/dashboard/contract';
import { dashboardState } from '../../../src/extension/dashboard/state';

function record(overrides: Partial<RunRecord>): RunRecord {
  return {
    id: 'r1',
    experiment: 'reviews',
    experimentFile: 'reviews.experiment.yaml',
    snapshot: null,
    status: 'completed',
    createdAt: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}

const embeddings = {
  steps: [{ column: 'review', model: '/w/models/tiny-bert', sha256: 'ab'.repeat(32), width: 32, truncated: 7, max_length: 16 }],
  cache: { hits: 480, misses: 240 },
};

test('the dashboard state carries each embed step (column, encoder, width, texts cut) and the cache counts', () => {
  const state = dashboardState(record({ embeddings }), []);
  assert.deepEqual(state.embeddings, {
    steps: [{ column: 'review', model: '/w/models/tiny-bert', sha256: 'ab'.repeat(32), width: 32, truncated: 7, maxLength: 16 }],
    cache: { hits: 480, misses: 240 },
  });
});

test('a run without embeddings, or with a damaged embeddings record, has none on its dashboard', () => {
  assert.equal(dashboardState(record({}), []).embeddings, undefined);
  const damaged = { steps: [{ column: 'review' }], cache: { hits: 1, misses: 2 } } as unknown as RunRecord['embeddings'];
  assert.equal(dashboardState(record({ embeddings: damaged }), []).embeddings, undefined);
  const noCounts = { steps: embeddings.steps, cache: { hits: 'many' } } as unknown as RunRecord['embeddings'];
  assert.equal(dashboardState(record({ embeddings: noCounts }), []).embeddings, undefined);
});

test('the rendered message may report the embeddings text drawn', () => {
  assert.equal(
    isWebviewMessage({ type: 'rendered', view: 'dashboard', charts: [], embeddings: ['review | /w/models/tiny-bert | 32 | 7 (max_length 16)'] }),
    true,
  );
});
