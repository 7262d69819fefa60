import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { RunRecord } from '../../src/core/runs/store';
import type { DashboardState } from '../../src/extension/dashboard/contract';
import type { Delivered } from '../../src/extension/dashboard/panel';
import type { PreviewState } from '../../src/extension/preview/contract';
import { EXTENSION_ID, eventually, trainCompleted, workspaceFile } from './workspace';

interface DatasetsApi {
  previewState(filePath: string): PreviewState | undefined;
}

suite('Error analysis', () => {
  let run: RunRecord;

  suiteSetup(async function () {
    this.timeout(240_000);
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    run = await trainCompleted('errors-iris.experiment.yaml');
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the dashboard message carries the misclassified held-out rows, each the data file row it names', async () => {
    const delivered = await vscode.commands.executeCommand<Delivered | undefined>('mlWorkbench.openDashboard', run.id);
    assert.ok(delivered, 'the dashboard never said it had drawn');
    assert.equal(delivered.message.type, 'dashboard');
    const state = (delivered.message as { state: DashboardState }).state;
    const errors = state.errors;
    assert.ok(errors, 'the dashboard state has an error table');
    const confusion = (run.metrics as { confusion_matrix: number[][] }).confusion_matrix;
    const wrong = confusion.flatMap((row, i) => row.filter((_, j) => j !== i)).reduce((a, b) => a + b, 0);
    assert.ok(wrong > 0);
    assert.equal(errors.kind, 'misclassified');
    assert.equal(errors.total, wrong);
    assert.equal(errors.rows.length, wrong);
    const lines = readFileSync(workspaceFile('data/iris.csv').fsPath, 'utf8').trim().split('\n').slice(1);
    for (const row of errors.rows) {
      assert.notEqual(row.predicted, row.actual);
      const cells = (lines[(row.row ?? 0) - 1] ?? '').split(',');
      assert.equal(cells[4], row.actual, `row ${row.row} of iris.csv`);
    }
  });

  test('opening the data file at an error row shows the preview scrolled to that row, filter cleared', async () => {
    const errors = (await vscode.commands.executeCommand<Delivered | undefined>('mlWorkbench.openDashboard', run.id))?.message as
      { state: DashboardState } | undefined;
    const target = errors?.state.errors?.rows.at(-1)?.row;
    assert.ok(typeof target === 'number');
    const api = (await vscode.commands.executeCommand('mlWorkbench._datasetsTestApi')) as DatasetsApi;
    const data = workspaceFile('data/iris.csv');
    await vscode.commands.executeCommand('mlWorkbench.previewDataset', data, { row: target });
    const state = await eventually(() => {
      const current = api.previewState(data.fsPath);
      return current?.focus?.row === target && !current.loadingPage && current.page?.rowNumbers.includes(target) ? current : undefined;
    }, `the preview at row ${target}`);
    assert.equal(state.tab, 'data');
    assert.equal(state.total, 150);
    assert.deepEqual(state.filter, {});
    const line = readFileSync(data.fsPath, 'utf8').trim().split('\n')[target] ?? '';
    const at = state.page?.rowNumbers.indexOf(target) ?? -1;
    assert.equal(state.page?.rows[at]?.[4], line.split(',')[4], "the row shown is the file's row");
    // Asking again for another row scrolls again (a new request), in the same panel.
    const other = target === 1 ? 2 : 1;
    const seq = state.focus?.seq ?? 0;
    await vscode.commands.executeCommand('mlWorkbench.previewDataset', data, { row: other });
    const again = await eventually(() => {
      const current = api.previewState(data.fsPath);
      return current?.focus?.row === other && !current.loadingPage && current.page?.rowNumbers.includes(other) ? current : undefined;
    }, `the preview at row ${other}`);
    assert.ok((again.focus?.seq ?? 0) > seq);
  });
});

suite('Profile exploration', () => {
  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('the profile explores the file against the target of an experiment that trains on it', async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
    const api = (await vscode.commands.executeCommand('mlWorkbench._datasetsTestApi')) as DatasetsApi;
    const data = workspaceFile('data/iris.csv');
    await vscode.commands.executeCommand('mlWorkbench.profileDataset', data);
    const state = await eventually(
      () => {
        const current = api.previewState(data.fsPath);
        return current?.exploration && !current.exploring ? current : undefined;
      },
      'the exploration of iris.csv',
      60_000,
    );
    // Every experiment of the fixture workspace that trains on iris.csv has the target species.
    assert.equal(state.explorationTarget, 'species');
    const exploration = state.exploration;
    assert.ok(exploration);
    assert.deepEqual(exploration.correlations.columns, ['sepal_length_cm', 'sepal_width_cm', 'petal_length_cm', 'petal_width_cm']);
    assert.equal(exploration.target?.kind, 'classification');
    assert.deepEqual(
      exploration.target?.classes?.map((c) => c.count),
      [50, 50, 50],
    );
    assert.deepEqual(exploration.missing.patterns, [{ missing: [], count: 150 }]);
  });
});
