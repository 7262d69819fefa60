import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FeedbackStore, LatencyRecorder, RateMeter, SlidingWindow, percentileOfSorted } from '../../../src/core/monitor';
import type { ReferenceSample, RunSchema } from '../../../src/core/runs/artifacts';

// numpy / scikit-learn figures recorded by bench/reference/drift.py.
const monitor = (
  JSON.parse(readFileSync(join(__dirname, '../../fixtures/reference/drift.json'), 'utf8')) as {
    monitor: {
      percentiles: { values: number[]; ring: number; p50: number; p95: number; p99: number; small: number[]; small_p50: number; small_p95: number };
      feedback_classification: { y_true: string[]; y_pred: string[]; accuracy: number; precision_macro: number; recall_macro: number; f1_macro: number };
      feedback_regression: { y_true: number[]; y_pred: number[]; mae: number; rmse: number };
    };
  }
).monitor;

const near = (a: number, b: number, what: string): void => assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

test('sliding window keeps the last rows, oldest first, missing features as null', () => {
  const window = new SlidingWindow(['a', 'b'], 3);
  window.pushRows([{ a: 1, b: 'x' }, { a: 2 }, { a: 3, b: 'z', extra: 1 }]);
  assert.deepEqual(window.columns().columns, { a: [1, 2, 3], b: ['x', null, 'z'] });
  window.push({ a: 4, b: 'w' });
  window.push({ a: 5, b: 'v' });
  assert.deepEqual(window.columns().columns, { a: [3, 4, 5], b: ['z', 'w', 'v'] });
  assert.equal(window.size, 3);
  assert.equal(window.total, 5);
  window.clear();
  assert.deepEqual(window.columns().columns, { a: [], b: [] });
  assert.throws(() => new SlidingWindow(['a'], 0), /positive integer/);
});

test('sliding window feeds driftReport: a shifted stream drifts once it fills the window', () => {
  const schema: RunSchema = { features: [{ name: 'x', kind: 'numeric' }], target: { name: 'y', kind: 'numeric' }, task: 'regression' };
  const reference: ReferenceSample = { rows: 200, columns: { x: Array.from({ length: 200 }, (_, i) => (i + 0.5) / 200) } };
  const window = new SlidingWindow(['x'], 100);
  for (let i = 0; i < 100; i++) window.push({ x: (i + 0.5) / 100 });
  assert.deepEqual(window.report(reference, schema).driftedFeatures, []);
  for (let i = 0; i < 100; i++) window.push({ x: 0.5 + (i + 0.5) / 100 });
  const report = window.report(reference, schema);
  assert.deepEqual(report.driftedFeatures, ['x']);
  assert.equal(report.currentRows, 100);
});

test('latency percentiles are numpy.percentile over the most recent ring', () => {
  const p = monitor.percentiles;
  const recorder = new LatencyRecorder(p.ring);
  for (const v of p.values) recorder.record(v);
  const summary = recorder.summary();
  assert.equal(summary.count, p.ring);
  near(summary.p50, p.p50, 'p50');
  near(summary.p95, p.p95, 'p95');
  near(summary.p99, p.p99, 'p99');
  const small = [...p.small].sort((a, b) => a - b);
  near(percentileOfSorted(small, 50), p.small_p50, 'small p50');
  near(percentileOfSorted(small, 95), p.small_p95, 'small p95');
  assert.ok(Number.isNaN(new LatencyRecorder().summary().p99));
});

test('latency histogram is cumulative, in seconds, and counts every request', () => {
  const recorder = new LatencyRecorder(2, [0.001, 0.01]);
  for (const ms of [0.5, 1, 5, 50, -1, Number.NaN]) recorder.record(ms);
  const h = recorder.histogram();
  // 1 ms lands in le=0.001 (buckets are inclusive); invalid latencies are ignored.
  assert.deepEqual(h.cumulative, [2, 3, 4]);
  assert.equal(h.count, 4);
  near(h.sum, 0.0565, 'sum');
  assert.equal(recorder.summary().count, 2, 'the ring keeps only the last two');
});

test('rate meter: requests per second over a trailing window', () => {
  const meter = new RateMeter(10);
  assert.equal(meter.rate(0), 0);
  for (let t = 0; t < 20000; t += 10) meter.mark(1_000_000 + t); // 100 per second for 20 s
  assert.equal(meter.rate(1_000_000 + 19_999), 100);
  assert.equal(meter.rate(1_000_000 + 19_999 + 5000), 50, 'half the window is silent');
  assert.equal(meter.rate(1_000_000 + 60_000), 0);
  const young = new RateMeter(10);
  for (let t = 0; t < 2000; t += 100) young.mark(t);
  assert.equal(young.rate(2000), 10, 'divides by the time since the first request while that is shorter');
});

test('feedback joins predictions by id and scores them as scikit-learn does (classification)', () => {
  const c = monitor.feedback_classification;
  const store = new FeedbackStore('classification', 1000, ['cat', 'dog', 'fox']);
  c.y_pred.forEach((p, i) => store.recordPrediction(`id${i}`, p, i, { row: i }));
  store.recordPrediction('never-labelled', 'cat', 99);
  assert.equal(store.metrics(), null);
  c.y_true.forEach((t, i) => assert.equal(store.addFeedback(`id${i}`, t, 100 + i), 'joined'));
  assert.equal(store.addFeedback('nope', 'cat', 1), 'unknown-id');
  const m = store.metrics();
  assert.ok(m && m.task === 'classification');
  assert.equal(m.count, c.y_true.length);
  near(m.accuracy, c.accuracy, 'accuracy');
  near(m.precision_macro, c.precision_macro, 'precision');
  near(m.recall_macro, c.recall_macro, 'recall');
  near(m.f1_macro, c.f1_macro, 'f1');
  assert.equal(store.labelledRecords()[0]?.features?.row, 0);
  assert.equal(store.addFeedback('id0', c.y_pred[0], 500), 'updated');
  assert.equal(store.labelled, c.y_true.length);
  assert.throws(() => store.addFeedback('id1', null, 1), /class label/);
});

test('feedback scores regression as MAE and RMSE; the oldest predictions are forgotten past capacity', () => {
  const r = monitor.feedback_regression;
  const store = new FeedbackStore('regression', r.y_true.length);
  store.recordPrediction('old', 1, 0);
  r.y_pred.forEach((p, i) => store.recordPrediction(`r${i}`, p, i));
  assert.equal(store.size, r.y_true.length);
  assert.equal(store.addFeedback('old', 1, 1), 'unknown-id');
  r.y_true.forEach((t, i) => store.addFeedback(`r${i}`, i % 2 ? String(t) : t, i));
  const m = store.metrics();
  assert.ok(m && m.task === 'regression');
  near(m.mae, r.mae, 'mae');
  near(m.rmse, r.rmse, 'rmse');
  assert.throws(() => store.addFeedback('r0', 'abc', 1), /finite number/);
  // Replacing a labelled prediction's id forgets its label.
  store.recordPrediction('r0', 3, 1);
  assert.equal(store.labelled, r.y_true.length - 1);
});
