import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAlerts } from '../../../src/extension/monitor/alerts';
import { monitorState, serviceSnapshot, type DeploymentFields } from '../../../src/extension/monitor/state';
import { featureRecords, listen, post, trainedRun } from '../serve/fixture';

const record: DeploymentFields = {
  id: 'd1',
  runId: 'r1',
  experiment: 'iris',
  host: '127.0.0.1',
  port: 8123,
  state: 'serving',
  startedAt: '2025-01-01T00:00:00.000Z',
  restarts: 0,
};
const alerts = { alertOnDrift: true, accuracyThreshold: 0.9 };

test("the real service's /monitor JSON becomes the panel state: requests, latency, classes, feedback, drift table", async () => {
  const runDir = await trainedRun('iris');
  const { app, url } = await listen({ runDir, writeFeedback: false, windowSize: 150 });
  try {
    // A later period in which both petal measurements moved: 2 of 4 features, so the dataset drifts.
    const shifted = featureRecords('iris').map((r) => ({
      ...r,
      petal_length_cm: (r.petal_length_cm as number) + 1.5,
      petal_width_cm: (r.petal_width_cm as number) + 1,
    }));
    const answers: string[][] = [];
    for (let i = 0; i < 150; i += 50) {
      const answer = await post(`${url}/invocations`, JSON.stringify({ dataframe_records: shifted.slice(i, i + 50) }));
      assert.equal(answer.status, 200);
      answers.push(answer.json.prediction_ids as string[]);
    }
    const ids = answers.flat().slice(0, 10);
    const feedback = await post(`${url}/feedback`, JSON.stringify({ prediction_ids: ids, labels: ids.map(() => 'setosa') }));
    assert.equal(feedback.status, 200);
    const raw = (await (await fetch(`${url}/monitor`)).json()) as Record<string, unknown>;
    const snapshot = serviceSnapshot(raw);
    assert.ok(snapshot);
    assert.equal(snapshot.requests, raw.requests);
    assert.ok(snapshot.requests >= 4, `requests ${snapshot.requests}`);
    assert.equal(snapshot.task, 'classification');
    assert.deepEqual(snapshot.latency, {
      p50: (raw.latency as { p50: number }).p50,
      p95: (raw.latency as { p95: number }).p95,
      p99: (raw.latency as { p99: number }).p99,
    });
    assert.ok(snapshot.process.rssBytes > 0 && snapshot.process.pid === process.pid);
    assert.deepEqual(snapshot.predictions.byClass?.map(([label]) => label).sort(), ['setosa', 'versicolor', 'virginica']);
    assert.equal(
      snapshot.predictions.byClass?.reduce((sum, [, n]) => sum + n, 0),
      150,
    );
    assert.equal(snapshot.feedback.count, 10);
    assert.equal(typeof snapshot.feedback.accuracy, 'number');
    const drift = snapshot.drift;
    assert.ok(drift);
    assert.deepEqual(
      drift.features.map((f) => f.name),
      ['sepal_length_cm', 'sepal_width_cm', 'petal_length_cm', 'petal_width_cm'],
    );
    assert.deepEqual(
      drift.features.map((f) => f.method),
      ['ks', 'ks', 'ks', 'ks'],
    );
    assert.deepEqual(drift.driftedFeatureNames, ['petal_length_cm', 'petal_width_cm']);
    assert.equal(drift.datasetDrift, true);
    for (const row of drift.features) {
      assert.equal(row.threshold, 0.05);
      assert.equal(typeof row.pValue, 'number');
      assert.equal(row.drifted, (row.pValue as number) < 0.05);
    }

    const state = monitorState(record, snapshot, alerts);
    assert.equal(state.live, true);
    assert.equal(state.deployment.url, 'http://127.0.0.1:8123');
    // The same JSON raises the drift alert, and the accuracy alert when the feedback is poor.
    const { alerts: raised } = checkAlerts(
      undefined,
      { datasetDrift: drift.datasetDrift, driftedFeatureNames: drift.driftedFeatureNames, accuracy: snapshot.feedback.accuracy },
      alerts,
    );
    assert.equal(raised[0]?.kind, 'drift');
    assert.equal(
      raised.some((a) => a.kind === 'accuracy'),
      (snapshot.feedback.accuracy as number) < 0.9,
    );
  } finally {
    await app.close();
  }
});

test('a regression service reports MAE and RMSE from feedback and no classes', async () => {
  const runDir = await trainedRun('diabetes');
  const { app, url } = await listen({ runDir, writeFeedback: false });
  try {
    const rows = featureRecords('diabetes').slice(0, 20);
    const answer = await post(`${url}/invocations`, JSON.stringify({ dataframe_records: rows }));
    const ids = answer.json.prediction_ids as string[];
    await post(`${url}/feedback`, JSON.stringify({ prediction_ids: ids, values: ids.map(() => 150) }));
    const snapshot = serviceSnapshot(await (await fetch(`${url}/monitor`)).json());
    assert.equal(snapshot?.task, 'regression');
    assert.equal(snapshot?.predictions.byClass, undefined);
    assert.equal(typeof snapshot?.predictions.mean, 'number');
    assert.equal(snapshot?.feedback.count, 20);
    assert.ok((snapshot?.feedback.rmse as number) >= (snapshot?.feedback.mae as number) && (snapshot?.feedback.mae as number) > 0);
    assert.equal(snapshot?.feedback.accuracy, undefined);
  } finally {
    await app.close();
  }
});

test('JSON that is not a monitor answer is refused; fields of the wrong type are dropped, not shown', () => {
  assert.equal(serviceSnapshot(null), undefined);
  assert.equal(serviceSnapshot({ error: 'nope' }), undefined);
  const snapshot = serviceSnapshot({
    requests: 3,
    latency: { p50: '1', p95: 2, p99: Number.NaN },
    predictions: { total: 3, byClass: { a: 2, b: 'x' } },
    feedback: { count: 2, accuracy: 'high', f1_macro: 0.5 },
    drift: {
      features: [{ name: 'f', method: 'ks', statistic: 0.3, pValue: 0.01, threshold: 0.05, drifted: true, psi: null }, { method: 'ks' }],
      datasetDrift: true,
    },
  });
  assert.ok(snapshot);
  assert.deepEqual(snapshot.latency, { p50: 0, p95: 2, p99: 0 });
  assert.deepEqual(snapshot.predictions.byClass, [['a', 2]]);
  assert.deepEqual(snapshot.feedback, { count: 2, f1_macro: 0.5 });
  assert.equal(snapshot.drift?.features.length, 1);
  assert.deepEqual(snapshot.drift?.driftedFeatureNames, ['f']);
  assert.equal(snapshot.drift?.features[0]?.psi, null);
});

test("a stopped service's last snapshot is shown, but not as live", () => {
  const snapshot = serviceSnapshot({ requests: 1 });
  const state = monitorState({ ...record, state: 'stopped', stoppedAt: '2025-01-01T01:00:00.000Z' }, snapshot, alerts);
  assert.equal(state.live, false);
  assert.equal(state.deployment.state, 'stopped');
  assert.equal(state.snapshot?.requests, 1);
  assert.equal(monitorState(record, undefined, alerts).live, false);
});
