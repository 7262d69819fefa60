import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunRecord } from '../../../src/core/runs/store';
import { dashboardState } from '../../../src/extension/dashboard/state';

function record(overrides: Partial<RunRecord>): RunRecord {
  return {
    id: 'r1',
    experiment: 'iris',
    experimentFile: 'iris.experiment.yaml',
    snapshot: null,
    status: 'completed',
    createdAt: '2026-01-01T00:00:00Z',
    ...overrides,
  };
}

test("a failed run's dashboard says why it has no scores, not that they are below", () => {
  const reason = 'cannot read data/broken.csv: line 3 has 2 fields, expected 3';
  const state = dashboardState(record({ status: 'failed', reason }), []);
  assert.equal(state.metrics.length, 0);
  assert.doesNotMatch(state.curvesNote, /scores are below/);
  assert.match(state.curvesNote, /^This run failed before it had scores: cannot read data\/broken\.csv: line 3 has 2 fields, expected 3\./);
  assert.match(
    dashboardState(record({ status: 'cancelled', reason: 'cancelled by the user' }), []).curvesNote,
    /cancelled before it had scores: cancelled by the user/,
  );
});

test('a running run waits for its first curve; a completed one-pass model points at its scores', () => {
  assert.match(dashboardState(record({ status: 'running' }), []).curvesNote, /^Waiting for the first loss/);
  assert.match(dashboardState(record({ status: 'completed', metrics: { accuracy: 1 } }), []).curvesNote, /its scores are below/);
});
