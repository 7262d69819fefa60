import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { RunRecord } from '../../src/core/runs/store';
import type { TreeSnapshot } from '../../src/extension/main';
import type { DeploymentRecord } from '../../src/extension/deployments/manager';
import { extensionApi, trainCompleted, workspaceRoot } from './workspace';

const url = (record: DeploymentRecord): string => `http://${record.host}:${record.port}`;

async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function detail(view: TreeSnapshot[], id: string, label: string): string | undefined {
  const item = view.find((entry) => entry.label.includes(id.slice(0, 15)));
  return item?.children.find((child) => child.label === label)?.description;
}

const iris = [
  { sepal_length_cm: 5.1, sepal_width_cm: 3.5, petal_length_cm: 1.4, petal_width_cm: 0.2 },
  { sepal_length_cm: 6.7, sepal_width_cm: 3.0, petal_length_cm: 5.2, petal_width_cm: 2.3 },
];

suite('Deployed models', () => {
  let run: RunRecord;
  let deployment: DeploymentRecord;

  suiteSetup(async () => {
    run = await trainCompleted('train-iris.experiment.yaml');
  });

  suiteTeardown(async () => {
    for (const record of JSON.parse(readFileSync(path.join(workspaceRoot(), '.mlwb', 'deployments.json'), 'utf8')) as DeploymentRecord[]) {
      await vscode.commands.executeCommand('mlWorkbench.stopDeployment', record.id);
    }
  });

  test('deploying a finished run serves it on 127.0.0.1 and records it', async () => {
    const record = await vscode.commands.executeCommand<DeploymentRecord>('mlWorkbench.deploy', run.id);
    assert.ok(record, 'deploy returned the deployment');
    deployment = record;
    assert.equal(deployment.state, 'serving');
    assert.equal(deployment.host, '127.0.0.1');
    const recorded = JSON.parse(readFileSync(path.join(workspaceRoot(), '.mlwb', 'deployments.json'), 'utf8')) as DeploymentRecord[];
    assert.ok(recorded.some((r) => r.id === deployment.id && r.runId === run.id));
    const health = (await (await fetch(`${url(deployment)}/health`)).json()) as Record<string, unknown>;
    assert.equal(health.runId ?? health.run_id, run.id);
  });

  test('/invocations answers every input shape with the same predictions, and /feedback joins them', async () => {
    const columns = Object.keys(iris[0] as object);
    const bodies: [string, string][] = [
      ['application/json', JSON.stringify({ dataframe_records: iris })],
      ['application/json', JSON.stringify({ dataframe_split: { columns, data: iris.map((row) => columns.map((c) => row[c as keyof typeof row])) } })],
      ['application/json', JSON.stringify({ instances: iris })],
      ['text/csv', `${columns.join(',')}\n${iris.map((row) => columns.map((c) => row[c as keyof typeof row]).join(',')).join('\n')}\n`],
    ];
    const answers: { predictions: string[]; prediction_ids: string[] }[] = [];
    for (const [type, body] of bodies) {
      const response = await fetch(`${url(deployment)}/invocations`, { method: 'POST', headers: { 'content-type': type }, body });
      assert.equal(response.status, 200, await response.clone().text());
      answers.push((await response.json()) as { predictions: string[]; prediction_ids: string[] });
    }
    for (const answer of answers) assert.deepEqual(answer.predictions, ['setosa', 'virginica']);
    const bad = await fetch(`${url(deployment)}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dataframe_records: [{ sepal_length_cm: 'x' }] }),
    });
    assert.equal(bad.status, 400);
    const ids = answers.flatMap((answer) => answer.prediction_ids);
    const feedback = await fetch(`${url(deployment)}/feedback`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ prediction_ids: ids, labels: ids.map((_, i) => (i % 2 === 0 ? 'setosa' : 'versicolor')) }),
    });
    assert.equal(feedback.status, 200, await feedback.clone().text());
    assert.ok(existsSync(path.join(workspaceRoot(), '.mlwb', 'runs', run.id, 'feedback.jsonl')));
  });

  test('the Deployed Models view shows the service serving, with its requests', async () => {
    const view = await waitFor(
      async () => {
        const snapshot = (await extensionApi()).deploymentsView();
        const requests = Number(detail(snapshot, run.id, 'Requests') ?? 0);
        return requests >= 5 ? snapshot : undefined;
      },
      20_000,
      'the view to count the requests',
    );
    const item = view.find((entry) => entry.label.includes(run.id.slice(0, 15)));
    assert.equal(item?.contextValue, 'deployment.serving.offline');
    assert.equal(item?.description, `serving ${url(deployment)} · v1`);
    assert.equal(detail(view, run.id, 'Model version'), 'v1 · online updates off');
    assert.match(detail(view, run.id, 'p95 latency') ?? '', /ms$/);
  });

  test('retraining with feedback makes a new run with the labelled requests', async () => {
    const result = await vscode.commands.executeCommand<{ previous: RunRecord; retrained: RunRecord }>(
      'mlWorkbench.retrainWithFeedback',
      { deploymentId: deployment.id },
      { silent: true },
    );
    assert.equal(result?.retrained.status, 'completed', result?.retrained.reason);
    assert.equal(result.retrained.retrainedFrom?.runId, run.id);
    assert.equal(result.retrained.retrainedFrom?.feedbackRows, 8);
    assert.equal(result.retrained.data?.rows, 158);
  });

  test('stop and restart; a service killed with SIGKILL is shown as crashed', async () => {
    await vscode.commands.executeCommand('mlWorkbench.stopDeployment', deployment.id);
    const stopped = (await extensionApi()).deploymentsView().find((entry) => entry.label.includes(run.id.slice(0, 15)));
    assert.equal(stopped?.contextValue, 'deployment.stopped.offline');
    await assert.rejects(fetch(`${url(deployment)}/ping`));

    const restarted = await vscode.commands.executeCommand<DeploymentRecord>('mlWorkbench.restartDeployment', deployment.id);
    assert.equal(restarted?.state, 'serving');
    assert.equal((await fetch(`${url(restarted)}/ping`)).status, 200);

    process.kill(restarted.pid as number, 'SIGKILL');
    await waitFor(
      () => extensionApi().then((a) => a.deploymentsView().find((entry) => entry.contextValue?.startsWith('deployment.crashed'))),
      20_000,
      'the crash to show',
    );
    const recorded = JSON.parse(readFileSync(path.join(workspaceRoot(), '.mlwb', 'deployments.json'), 'utf8')) as DeploymentRecord[];
    assert.equal(recorded.find((r) => r.id === deployment.id)?.state, 'crashed', 'the record is kept, marked crashed');
  });

  test('online updates: labelled feedback becomes model version 2, shown in the view; switching them off keeps serving it', async () => {
    await vscode.workspace.getConfiguration('mlWorkbench').update('serve.onlineUpdateRows', 10, vscode.ConfigurationTarget.Workspace);
    try {
      const online = await vscode.commands.executeCommand<DeploymentRecord>('mlWorkbench.deploy', run.id, { online: true });
      assert.equal(online?.state, 'serving');
      assert.equal(online.online, true);
      const rows = Array.from({ length: 10 }, (_, i) => iris[i % 2] as (typeof iris)[number]);
      const answer = (await (
        await fetch(`${url(online)}/invocations`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ dataframe_records: rows }),
        })
      ).json()) as {
        prediction_ids: string[];
      };
      const feedback = await fetch(`${url(online)}/feedback`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ prediction_ids: answer.prediction_ids, labels: rows.map((_, i) => (i % 2 === 0 ? 'setosa' : 'virginica')) }),
      });
      assert.equal(feedback.status, 200);
      const view = await waitFor(
        async () => {
          const snapshot = (await extensionApi()).deploymentsView();
          const item = snapshot.find((entry) => entry.description?.includes(url(online)));
          return item?.description?.endsWith('· v2') ? item : undefined;
        },
        20_000,
        'the view to show model version 2',
      );
      assert.equal(view.contextValue, 'deployment.serving.online');
      assert.equal(view.children.find((child) => child.label === 'Model version')?.description, 'v2 · online updates on (1 update)');
      const runDir = path.join(workspaceRoot(), '.mlwb', 'runs', run.id);
      assert.ok(existsSync(path.join(runDir, 'versions', '2', 'model.json')), 'version 2 is saved in the run folder');
      assert.ok(existsSync(path.join(runDir, 'model.json')), 'the trained model stays');

      const off = await vscode.commands.executeCommand<DeploymentRecord>('mlWorkbench.disableOnlineUpdates', online.id);
      assert.equal(off?.online, false);
      const health = (await (await fetch(`${url(off)}/health`)).json()) as Record<string, unknown>;
      assert.equal(health.model_version, 2, 'the restarted service loads the newest version');
      assert.equal(health.online_updates, 'off');

      // Back to the trained model: the service restarts on version 1; version 2 stays on disk.
      const back = await vscode.commands.executeCommand<DeploymentRecord>('mlWorkbench.serveModelVersion', off.id, 1);
      assert.equal(back?.state, 'serving');
      const backHealth = (await (await fetch(`${url(back)}/health`)).json()) as Record<string, unknown>;
      assert.equal(backHealth.model_version, 1);
      assert.ok(existsSync(path.join(runDir, 'versions', '2', 'model.json')));
      await vscode.commands.executeCommand('mlWorkbench.stopDeployment', back.id);
    } finally {
      await vscode.workspace.getConfiguration('mlWorkbench').update('serve.onlineUpdateRows', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  test('the retraining schedule retrains a serving model that has feedback, on its own', async () => {
    const retrainedRuns = (): string[] => {
      const runsDir = path.join(workspaceRoot(), '.mlwb', 'runs');
      return readdirSync(runsDir).filter((id) => {
        const file = path.join(runsDir, id, 'run.json');
        return existsSync(file) && (JSON.parse(readFileSync(file, 'utf8')) as RunRecord).retrainedFrom?.runId === run.id;
      });
    };
    const before = retrainedRuns();
    const served = await vscode.commands.executeCommand<DeploymentRecord>('mlWorkbench.deploy', run.id, { online: false });
    assert.equal(served?.state, 'serving');
    const config = vscode.workspace.getConfiguration('mlWorkbench');
    await config.update('retrain.intervalMinutes', 1, vscode.ConfigurationTarget.Workspace);
    try {
      // The schedule looks every 30 s; a deployment it has not looked at yet is due at once.
      const added = await waitFor(
        () => {
          const fresh = retrainedRuns().filter((id) => !before.includes(id));
          return fresh.length > 0 ? fresh : undefined;
        },
        75_000,
        'a scheduled retraining',
      );
      assert.equal(added.length, 1);
      const runFile = path.join(workspaceRoot(), '.mlwb', 'runs', added[0] as string, 'run.json');
      const finished = await waitFor(
        () => {
          const record = JSON.parse(readFileSync(runFile, 'utf8')) as RunRecord;
          return record.status !== 'running' ? record : undefined;
        },
        60_000,
        'the scheduled run to finish',
      );
      assert.equal(finished.status, 'completed', finished.reason);
      assert.ok((finished.retrainedFrom?.feedbackRows ?? 0) >= 18, 'it learned from the feedback the service collected');
    } finally {
      await config.update('retrain.intervalMinutes', undefined, vscode.ConfigurationTarget.Workspace);
      await vscode.commands.executeCommand('mlWorkbench.stopDeployment', served.id);
    }
  });
});
