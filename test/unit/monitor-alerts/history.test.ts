import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { HistoryPoint } from '../../../src/extension/monitor/contract';
import { persistedState } from '../../../src/extension/monitor/contract';
import { serviceSnapshot } from '../../../src/extension/monitor/state';
import { appendHistory, historyPoint, HISTORY_MS } from '../../../webview/monitor/history';
import { feedbackRows, methodName, thresholdText } from '../../../webview/monitor/tables';
import * as tables from '../../../webview/monitor/tables';

const point = (t: number, rps = 1): HistoryPoint => ({ t, rps, p50: 1, p95: 2, p99: 3, errorRate: 0, cpu: 5, rss: 1e6 });

test('the history keeps one point per poll, in time order, over the last five minutes', () => {
  let history: HistoryPoint[] = [];
  for (let t = 0; t <= 10 * 60_000; t += 2000) history = appendHistory(history, point(t));
  assert.equal(history[0]?.t, 10 * 60_000 - HISTORY_MS);
  assert.equal(history.length, HISTORY_MS / 2000 + 1);
  // The same poll pushed again (a re-render or a restored panel) replaces its point.
  const again = appendHistory(history, point(10 * 60_000, 42));
  assert.equal(again.length, history.length);
  assert.equal(again[again.length - 1]?.rps, 42);
  // A late point goes in its place.
  const late = appendHistory([point(0), point(4000)], point(2000));
  assert.deepEqual(
    late.map((p) => p.t),
    [0, 2000, 4000],
  );
});

test('a poll becomes a point with the figures the charts draw', () => {
  const snapshot = serviceSnapshot({
    time: '2025-03-01T10:00:00.000Z',
    requests: 9,
    requestsPerSecond: 4.5,
    errorRate: 0.25,
    latency: { p50: 1, p95: 2, p99: 7 },
    process: { pid: 1, cpuPercent: 12, rssBytes: 5e7, heapUsedBytes: 1e7 },
    feedback: { count: 3, accuracy: 0.66 },
    drift: { features: [], share: 0.5 },
  });
  assert.ok(snapshot);
  assert.deepEqual(historyPoint(snapshot), {
    t: Date.parse('2025-03-01T10:00:00.000Z'),
    rps: 4.5,
    p50: 1,
    p95: 2,
    p99: 7,
    errorRate: 0.25,
    cpu: 12,
    rss: 5e7,
    accuracy: 0.66,
    driftShare: 0.5,
  });
  assert.equal(historyPoint({ ...snapshot, time: 'not a time' }), undefined);
});

test('the state a webview kept is read back defensively', () => {
  assert.deepEqual(persistedState(undefined), {});
  assert.deepEqual(persistedState({ deploymentId: 7, history: 'x' }), {});
  assert.deepEqual(persistedState({ deploymentId: 'd', history: [point(1), { t: 'x' }, null] }), { deploymentId: 'd', history: [point(1)] });
});

test('table texts: method names, thresholds and the feedback rows of each task', () => {
  assert.equal(methodName('ks'), 'Kolmogorov–Smirnov');
  assert.equal(methodName('wasserstein_normed'), 'Wasserstein (normed)');
  assert.equal(methodName('other'), 'other');
  assert.equal(thresholdText({ pValue: 0.2, threshold: 0.05 }), 'p < 0.05');
  assert.equal(thresholdText({ threshold: 0.1 }), 'distance ≥ 0.1');
  assert.deepEqual(feedbackRows({ count: 4, accuracy: 0.75, f1_macro: 0.5 }, true), [
    ['Accuracy', '0.7500'],
    ['Precision (macro)', '—'],
    ['Recall (macro)', '—'],
    ['F1 (macro)', '0.5000'],
    ['Labelled requests', '4'],
  ]);
  assert.deepEqual(feedbackRows(undefined, false), [
    ['MAE', '—'],
    ['RMSE', '—'],
    ['Labelled requests', '0'],
  ]);
});

test('the model-versions table: newest first, the serving one marked, accuracy or MAE on the predictions each version made', () => {
  const { versionCells, versionHeaders, onlineNote } = tables;
  assert.deepEqual(versionHeaders(true).at(-1), 'Accuracy on them');
  assert.deepEqual(versionHeaders(false).at(-1), 'MAE on them');
  assert.deepEqual(
    versionCells(
      { version: 3, source: 'online', createdAt: '2026-11-29T10:01:02.345Z', rows: 20, skippedRows: 2, feedback: { count: 8, accuracy: 0.875 } },
      true,
      3,
    ),
    ['v3 (serving)', 'online update', '2026-11-29 10:01:02', '20 (2 left out)', '8', '0.8750'],
  );
  assert.deepEqual(versionCells({ version: 1, source: 'training', createdAt: '', feedback: { count: 0 } }, false, 3), ['v1', 'training', '—', '—', '0', '—']);
  const heldBack =
    'not served: on 50 rows of earlier feedback its RMSE is 310 against 55.2 for version 1 (higher by more than the margin of 5%); version 1 goes on serving';
  assert.deepEqual(versionCells({ version: 2, source: 'online', createdAt: '', rows: 200, heldBack, feedback: { count: 0 } }, false, 1).slice(0, 2), [
    'v2 (held back)',
    `online update — ${heldBack}`,
  ]);

  assert.match(onlineNote(undefined, 1), /^Serving model version 1\. Online updates from feedback are off/);
  assert.equal(
    onlineNote({ supported: true, minRows: 20, updates: 1, pendingRows: 5 }, 2),
    'Serving model version 2, updated online 1 time since the service started; 5 of 20 labelled rows gathered for the next update.',
  );
  assert.match(onlineNote({ supported: false, reason: 'svm cannot learn online', minRows: 20, updates: 0, pendingRows: 0 }, 1), /svm cannot learn online/);
});
