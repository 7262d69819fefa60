import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunRecord } from '../../src/core/runs/store';
import type { CompareState, DashboardState, LeaderboardState } from '../../src/extension/dashboard/contract';
import type { Delivered } from '../../src/extension/dashboard/panel';
import { EXTENSION_ID, trainCompleted } from './workspace';

function webviewTabs(viewType: string): vscode.Tab[] {
  // The workbench prefixes extension webview types with a generated id, so match the end.
  return vscode.window.tabGroups.all
    .flatMap((group) => group.tabs)
    .filter((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith(viewType));
}

function stateOf<T>(delivered: Delivered | undefined, type: 'dashboard' | 'compare' | 'leaderboard'): T {
  assert.ok(delivered, `the ${type} webview never said it had drawn its state`);
  assert.equal(delivered.message.type, type, JSON.stringify(delivered.message).slice(0, 300));
  return (delivered.message as unknown as { state: T }).state;
}

suite('Dashboards', () => {
  let iris: RunRecord;
  let sweep: RunRecord;

  suiteSetup(async function () {
    this.timeout(240_000);
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    iris = await trainCompleted('dashboard-iris.experiment.yaml');
    sweep = await trainCompleted('dashboard-sweep.experiment.yaml');
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the dashboard of a finished run opens and draws its confusion matrix and loss curves', async () => {
    const delivered = await vscode.commands.executeCommand<Delivered | undefined>('mlWorkbench.openDashboard', iris.id);
    const state = stateOf<DashboardState>(delivered, 'dashboard');
    const metrics = iris.metrics as { confusion_matrix: number[][]; labels: string[] };
    assert.equal(state.run.id, iris.id);
    assert.equal(state.run.status, 'completed');
    assert.deepEqual(state.confusion?.matrix, metrics.confusion_matrix);
    assert.deepEqual(state.confusion?.labels, metrics.labels);
    // What the webview reports having drawn, not only what it was sent.
    assert.deepEqual(delivered?.rendered.confusion, metrics.confusion_matrix);
    assert.ok(delivered?.rendered.charts.includes('confusion'), String(delivered?.rendered.charts));
    assert.ok(delivered?.rendered.charts.includes('loss'), String(delivered?.rendered.charts));
    // A network trained with 3-fold CV: one loss curve per fold plus the refit, each with a point per epoch.
    assert.equal(state.curves.loss.filter((series) => series.fold !== undefined).length, 3);
    assert.ok(
      state.curves.loss.every((series) => series.points.length === 30),
      JSON.stringify(state.curves.loss.map((s) => s.points.length)),
    );
    assert.equal(state.perClass?.length, metrics.labels.length);
    assert.ok(state.metrics.some((row) => row.name === 'accuracy' && row.mean !== undefined && row.std !== undefined));
    assert.equal(webviewTabs('mlWorkbench.dashboard').length, 1);
  });

  test('opening the same run again reuses its panel; a tree item argument works too', async () => {
    await vscode.commands.executeCommand('mlWorkbench.openDashboard', iris.id);
    const again = await vscode.commands.executeCommand<Delivered | undefined>('mlWorkbench.openDashboard', { runId: iris.id });
    assert.equal(stateOf<DashboardState>(again, 'dashboard').run.id, iris.id);
    assert.equal(webviewTabs('mlWorkbench.dashboard').length, 1);
    const other = await vscode.commands.executeCommand<Delivered | undefined>('mlWorkbench.openDashboard', sweep.id);
    assert.equal(stateOf<DashboardState>(other, 'dashboard').trialCount, 4);
    assert.equal(webviewTabs('mlWorkbench.dashboard').length, 2);
  });

  test('a run that is not in the store shows an error in its panel instead of failing', async () => {
    const delivered = await vscode.commands.executeCommand<Delivered | undefined>('mlWorkbench.openDashboard', '20000101-000000-gone-xxxx');
    assert.equal(delivered?.message.type, 'error');
  });

  test('the sweep leaderboard lists every trial with the best one marked', async () => {
    const delivered = await vscode.commands.executeCommand<Delivered | undefined>('mlWorkbench.openLeaderboard', { runId: sweep.id, trialIndex: 2 });
    const state = stateOf<LeaderboardState>(delivered, 'leaderboard');
    const trials = sweep.trials as { params: Record<string, unknown>; score: number }[];
    const best = sweep.best as { params: Record<string, unknown>; score: number; metric: string };
    assert.equal(state.trials.length, 4);
    assert.deepEqual(
      state.trials.map((t) => t.params),
      trials.map((t) => t.params),
    );
    assert.deepEqual(
      state.trials.map((t) => t.score),
      trials.map((t) => t.score),
    );
    assert.equal(state.metric, best.metric);
    assert.equal(state.bestIndex === undefined ? undefined : state.trials[state.bestIndex]?.score, best.score);
    assert.equal(state.focusIndex, 2);
    assert.ok(delivered?.rendered.charts.includes('param-C'), String(delivered?.rendered.charts));
    assert.equal(webviewTabs('mlWorkbench.leaderboard').length, 1);
  });

  test('the leaderboard of a run without a search is refused with a message', async () => {
    const result = await vscode.commands.executeCommand('mlWorkbench.openLeaderboard', iris.id);
    assert.equal(result, undefined);
    assert.equal(webviewTabs('mlWorkbench.leaderboard').length, 0);
  });

  test('compare takes the tree selection and marks the best value of each metric', async () => {
    const delivered = await vscode.commands.executeCommand<Delivered | undefined>('mlWorkbench.compareRuns', { runId: iris.id }, [
      { runId: iris.id },
      { runId: sweep.id },
    ]);
    const state = stateOf<CompareState>(delivered, 'compare');
    assert.deepEqual(
      state.runs.map((run) => run.id),
      [iris.id, sweep.id],
    );
    const accuracy = state.rows.find((row) => row.kind === 'metric' && row.name === 'accuracy');
    assert.ok(accuracy);
    const values = [iris, sweep].map((run) => (run.metrics as { accuracy: number }).accuracy);
    const expected = values[0] === values[1] ? [0, 1] : [(values[0] as number) > (values[1] as number) ? 0 : 1];
    assert.deepEqual(accuracy.best, expected);
    const model = state.rows.find((row) => row.name === 'model');
    assert.deepEqual(model?.values, ['mlp', 'logistic_regression']);
    assert.equal(model?.differs, true);
    assert.ok(
      state.curves.some((curve) => curve.runIndex === 0),
      'the network run has a loss curve',
    );
    assert.equal(webviewTabs('mlWorkbench.compare').length, 1);
  });
});
