import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestStats } from '../../../src/serve/stats';
import { featureRecords, listen, post, trainedRun } from './fixture';

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/**
 * A strict reader of the Prometheus text format 0.0.4: every line is a HELP, a TYPE or a sample of
 * a family declared before it; label values are quoted with the format's escapes; values are floats.
 */
function parsePrometheus(text: string): { types: Map<string, string>; samples: Sample[] } {
  assert.ok(text.endsWith('\n'), 'ends with a newline');
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const name = '[a-zA-Z_:][a-zA-Z0-9_:]*';
  const labelRe = new RegExp(`^(${name})="((?:[^"\\\\\\n]|\\\\[\\\\"n])*)"`);
  for (const line of text.slice(0, -1).split('\n')) {
    const meta = new RegExp(`^# (HELP|TYPE) (${name}) (.*)$`).exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') {
        assert.ok(['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(meta[3] as string), line);
        assert.ok(!types.has(meta[2] as string), `one TYPE per family: ${line}`);
        types.set(meta[2] as string, meta[3] as string);
      }
      continue;
    }
    const sample = new RegExp(`^(${name})(\\{(.*)\\})? (\\S+)$`).exec(line);
    assert.ok(sample, `not a sample line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    let rest = sample[3] ?? '';
    while (rest.length > 0) {
      const label = labelRe.exec(rest);
      assert.ok(label, `bad labels in ${line}`);
      labels[label[1] as string] = (label[2] as string).replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
      rest = rest.slice(label[0].length).replace(/^,/, '');
    }
    const raw = sample[4] as string;
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    assert.ok(raw === 'NaN' || !Number.isNaN(value), `bad value in ${line}`);
    const family = (sample[1] as string).replace(/_(bucket|sum|count)$/, '');
    assert.ok(types.has(sample[1] as string) || types.get(family) === 'histogram', `sample before its TYPE: ${line}`);
    samples.push({ name: sample[1] as string, labels, value });
  }
  return { types, samples };
}

test('/metrics is Prometheus text with request counts, a cumulative latency histogram, predictions by class and feedback accuracy', async () => {
  const runDir = await trainedRun('iris');
  const { app, url } = await listen({ runDir, writeFeedback: false });
  try {
    const records = featureRecords('iris');
    const { json } = await post(`${url}/invocations`, JSON.stringify({ dataframe_records: records.slice(0, 10) }));
    await post(`${url}/invocations`, JSON.stringify({ dataframe_records: [{ nope: 1 }] }));
    await post(`${url}/invocations`, '{', 'application/json');
    const ids = json.prediction_ids as string[];
    await post(`${url}/feedback`, JSON.stringify({ prediction_ids: ids.slice(0, 4), labels: ['setosa', 'setosa', 'setosa', 'virginica'] }));

    const response = await fetch(`${url}/metrics`);
    assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
    const { types, samples } = parsePrometheus(await response.text());
    const find = (name: string, labels: Record<string, string> = {}): number | undefined =>
      samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;

    assert.equal(types.get('mlwb_requests_total'), 'counter');
    assert.equal(find('mlwb_requests_total', { route: '/invocations', status: '200' }), 1);
    assert.equal(find('mlwb_requests_total', { route: '/invocations', status: '400' }), 2);
    assert.equal(find('mlwb_requests_total', { route: '/feedback', status: '200' }), 1);

    assert.equal(types.get('mlwb_request_duration_seconds'), 'histogram');
    const buckets = samples.filter((s) => s.name === 'mlwb_request_duration_seconds_bucket' && s.labels.route === '/invocations');
    assert.ok(buckets.length > 5);
    for (let i = 1; i < buckets.length; i++) {
      assert.ok(Number(buckets[i]?.labels.le === '+Inf' ? Infinity : buckets[i]?.labels.le) > Number(buckets[i - 1]?.labels.le), 'le increases');
      assert.ok((buckets[i]?.value as number) >= (buckets[i - 1]?.value as number), 'buckets are cumulative');
    }
    assert.equal(buckets.at(-1)?.labels.le, '+Inf');
    assert.equal(buckets.at(-1)?.value, 3);
    assert.equal(find('mlwb_request_duration_seconds_count', { route: '/invocations' }), 3);

    const byClass = samples.filter((s) => s.name === 'mlwb_predictions_total');
    assert.deepEqual(
      byClass.map((s) => s.labels.class),
      ['setosa', 'versicolor', 'virginica'],
    );
    assert.equal(
      byClass.reduce((sum, s) => sum + s.value, 0),
      10,
    );
    // The first ten iris rows are all setosa and the model gets them right: 3 of 4 labels agree.
    assert.equal(find('mlwb_feedback_accuracy'), 0.75);
    assert.equal(find('mlwb_feedback_total'), 4);
    assert.ok((find('process_resident_memory_bytes') as number) > 0);
  } finally {
    await app.close();
  }
});

test('request statistics: counts by route and status, requests/s and 5xx share over the window, prediction latency percentiles', () => {
  const stats = new RequestStats(10);
  const now = 1_000_000;
  // 100 predictions over the last 5 s with latencies 1..100 ms; every tenth failed with a 500.
  for (let i = 1; i <= 100; i++) stats.record('/invocations', i % 10 === 0 ? 500 : 200, i, now - 5_000 + i * 50);
  stats.record('/monitor', 200, 1000, now);
  const summary = stats.summary(now);
  assert.equal(stats.counts.get('/invocations 500')?.count, 10);
  assert.equal(stats.counts.get('/invocations 200')?.count, 90);
  assert.equal(stats.counts.get('/monitor 200')?.count, 1);
  // The /monitor poll is a scrape, not traffic: it is counted by route only.
  assert.equal(stats.total, 100);
  // numpy.percentile(range(1, 101), [50, 95, 99]) = 50.5, 95.05, 99.01; the /monitor poll is not a prediction.
  assert.ok(Math.abs(summary.latencyMs.p50 - 50.5) < 1e-9);
  assert.ok(Math.abs(summary.latencyMs.p95 - 95.05) < 1e-9);
  assert.ok(Math.abs(summary.latencyMs.p99 - 99.01) < 1e-9);
  assert.equal(summary.latencyMs.count, 100);
  assert.ok(Math.abs(summary.errorRate - 10 / 100) < 1e-12, String(summary.errorRate));
  // 100 predictions since the first one, 4.95 s ago.
  assert.ok(Math.abs(summary.requestsPerSecond - 100 / 4.95) < 1e-9, String(summary.requestsPerSecond));
  // Long after: the rate window is empty.
  assert.equal(stats.summary(now + 120_000).requestsPerSecond, 0);
});

test('drift over the window of recent requests: a shifted feature is flagged in /monitor and /metrics, a control stream is not', async () => {
  const runDir = await trainedRun('iris');
  const { app, url } = await listen({ runDir, writeFeedback: false, windowSize: 150 });
  try {
    const records = featureRecords('iris');
    const monitor = async (): Promise<Record<string, unknown>> => (await (await fetch(`${url}/monitor`)).json()) as Record<string, unknown>;
    assert.equal((await monitor()).drift, undefined, 'no drift before any request');
    // Control: the training rows themselves, in batches.
    for (let i = 0; i < 150; i += 50) await post(`${url}/invocations`, JSON.stringify({ dataframe_records: records.slice(i, i + 50) }));
    const control = (await monitor()).drift as {
      driftedFeatures: number;
      datasetDrift: boolean;
      features: { name: string; drifted: boolean; method: string }[];
    };
    assert.equal(control.driftedFeatures, 0);
    assert.equal(control.datasetDrift, false);
    assert.deepEqual(
      control.features.map((f) => f.method),
      ['ks', 'ks', 'ks', 'ks'],
    );
    // A later period where petal length moved by 1.5 cm: the whole window is replaced.
    const shifted = records.map((r) => ({ ...r, petal_length_cm: (r.petal_length_cm as number) + 1.5 }));
    await new Promise((resolve) => setTimeout(resolve, 1100)); // the report is cached for a second
    await post(`${url}/invocations`, JSON.stringify({ dataframe_records: shifted }));
    const report = (await monitor()).drift as { driftedFeatures: number; driftedFeatureNames: string[]; features: { name: string; drifted: boolean }[] };
    assert.deepEqual(report.driftedFeatureNames, ['petal_length_cm']);
    assert.equal(report.driftedFeatures, 1);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(metrics, /^mlwb_drift_detected\{feature="petal_length_cm"\} 1$/m);
    assert.match(metrics, /^mlwb_drift_detected\{feature="sepal_length_cm"\} 0$/m);
    assert.match(metrics, /^mlwb_drift_p_value\{feature="petal_length_cm",method="ks"\} /m);
    assert.match(metrics, /^mlwb_dataset_drift 0$/m);
  } finally {
    await app.close();
  }
});
