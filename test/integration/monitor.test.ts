import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { RunRecord } from '../../src/core/runs/store';
import type { DeploymentRecord } from '../../src/extension/deployments/manager';
import type { Delivered } from '../../src/extension/monitor';
import { trainCompleted, workspaceRoot } from './workspace';
import { featureRows } from '../featureRows';

const MONITOR_CHARTS = ['throughput', 'latency', 'errors', 'resources', 'predictions', 'feedback'];

const url = (record: DeploymentRecord): string => `http://${record.host}:${record.port}`;

/** Opens (or re-shows) the monitor until the state it drew satisfies `done`. */
async function monitorUntil(id: string, done: (delivered: Delivered) => boolean, what: string, timeoutMs = 30_000): Promise<Delivered> {
  const deadline = Date.now() + timeoutMs;
  let last: Delivered | undefined;
  while (Date.now() < deadline) {
    last = await vscode.commands.executeCommand<Delivered | undefined>('mlWorkbench.openMonitor', id);
    if (last && done(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`timed out waiting for ${what}; last state: ${JSON.stringify(last?.state)?.slice(0, 2000)}`);
}

suite('Monitor', () => {
  let run: RunRecord;
  let deployment: DeploymentRecord;

  suiteSetup(async () => {
    run = await trainCompleted('train-iris.experiment.yaml');
    const deployed = await vscode.commands.executeCommand<DeploymentRecord>('mlWorkbench.deploy', run.id);
    assert.equal(deployed?.state, 'serving');
    deployment = deployed;
  });

  suiteTeardown(async () => {
    if (deployment) await vscode.commands.executeCommand('mlWorkbench.stopDeployment', deployment.id);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the panel shows the live requests, the latency, the predictions, the feedback scores and a drift table', async () => {
    const rows = featureRows(path.join(workspaceRoot(), 'data', 'iris.csv'));
    // Rows of a later period whose petal lengths moved: that feature should be the one that drifts.
    const shifted = rows.map((row) => ({ ...row, petal_length_cm: (row.petal_length_cm as number) + 1.5 }));
    const ids: string[] = [];
    for (let i = 0; i < shifted.length; i += 25) {
      const response = await fetch(`${url(deployment)}/invocations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ dataframe_records: shifted.slice(i, i + 25) }),
      });
      assert.equal(response.status, 200, await response.clone().text());
      ids.push(...((await response.json()) as { prediction_ids: string[] }).prediction_ids);
    }
    const feedback = await fetch(`${url(deployment)}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prediction_ids: ids.slice(0, 20), labels: ids.slice(0, 20).map(() => 'setosa') }),
    });
    assert.equal(feedback.status, 200, await feedback.clone().text());

    const { state, rendered } = await monitorUntil(
      deployment.id,
      (d) =>
        (d.state.snapshot?.requests ?? 0) >= 6 &&
        (d.state.snapshot?.feedback.count ?? 0) >= 20 &&
        (d.state.snapshot?.drift?.currentRows ?? 0) >= 150 &&
        d.rendered.driftRows > 0 &&
        // The feedback chart draws from the history, which may take one more poll than the snapshot's count.
        MONITOR_CHARTS.every((chart) => d.rendered.charts.includes(chart)),
      'the monitor to show the requests, the feedback and the drift',
    );
    assert.equal(state.deployment.id, deployment.id);
    assert.equal(state.deployment.state, 'serving');
    assert.equal(state.live, true);
    const snapshot = state.snapshot;
    assert.ok(snapshot);
    assert.equal(snapshot.task, 'classification');
    assert.ok(snapshot.latency.p95 > 0 && snapshot.latency.p99 >= snapshot.latency.p50);
    assert.ok(snapshot.process.rssBytes > 0);
    assert.equal(snapshot.predictions.total, 150);
    assert.deepEqual(snapshot.predictions.byClass?.map(([label]) => label).sort(), ['setosa', 'versicolor', 'virginica']);
    assert.equal(typeof snapshot.feedback.accuracy, 'number');
    assert.equal(typeof snapshot.feedback.f1_macro, 'number');
    // The drift table: every feature with its test, and only the shifted one drifted.
    const drift = snapshot.drift;
    assert.ok(drift);
    assert.equal(rendered.driftRows, 4);
    assert.deepEqual(
      drift.features.map((f) => f.method),
      ['ks', 'ks', 'ks', 'ks'],
    );
    assert.deepEqual(drift.driftedFeatureNames, ['petal_length_cm']);
    assert.equal(drift.datasetDrift, false);
    for (const chart of MONITOR_CHARTS) {
      assert.ok(rendered.charts.includes(chart), `chart ${chart} drawn: ${rendered.charts.join(', ')}`);
    }
    assert.ok(rendered.historyPoints >= 1);
  });

  test('the time series grow with each poll of the service', async () => {
    const first = await monitorUntil(deployment.id, () => true, 'the monitor');
    const later = await monitorUntil(deployment.id, (d) => d.rendered.historyPoints > first.rendered.historyPoints, 'a second point in the history', 15_000);
    assert.ok(Date.parse(later.state.snapshot?.time ?? '') > Date.parse(first.state.snapshot?.time ?? ''));
  });

  test('an open panel follows the service when it is stopped, and keeps its last figures', async () => {
    await vscode.commands.executeCommand('mlWorkbench.stopDeployment', deployment.id);
    const { state } = await monitorUntil(deployment.id, (d) => d.state.deployment.state === 'stopped', 'the panel to show the service stopped');
    assert.equal(state.live, false);
    assert.ok((state.snapshot?.requests ?? 0) >= 6, 'the last figures stay');
  });

  test('an unknown deployment opens nothing', async () => {
    assert.equal(await vscode.commands.executeCommand('mlWorkbench.openMonitor', 'no-such-deployment'), undefined);
  });
});
