import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { RunRecord } from '../../src/core/runs/store';
import { readModelVersions, saveModelVersion, setCurrentModelVersion } from '../../src/core/runs/versions';
import type { TreeSnapshot } from '../../src/extension/main';
import { extensionApi as api, workspaceRoot } from './workspace';

async function train(name: string): Promise<RunRecord> {
  const record = await vscode.commands.executeCommand<RunRecord | undefined>('mlWorkbench.train', vscode.Uri.file(path.join(workspaceRoot(), name)), {
    silent: true,
  });
  assert.ok(record, `training ${name} gave no run`);
  assert.equal(record.status, 'completed', record.reason);
  return record;
}
const annotationsOf = (runId: string): unknown => {
  const file = path.join(workspaceRoot(), '.mlwb', 'runs', runId, 'annotations.json');
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
};
/** The Runs view's run rows (below the experiment groups). */
const runRows = async (): Promise<TreeSnapshot[]> => (await api()).runsView().flatMap((group) => group.children);
const rowOf = async (runId: string): Promise<TreeSnapshot | undefined> => (await runRows()).find((row) => row.description?.startsWith(`${runId.slice(-4)} · `));

suite('Run notes, tags, search and model aliases', () => {
  let iris: RunRecord;
  let diabetes: RunRecord;

  suiteSetup(async function () {
    this.timeout(240_000);
    iris = await train('train-iris.experiment.yaml');
    diabetes = await train('train-diabetes.experiment.yaml');
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('mlWorkbench.clearRunsFilter');
  });

  test('a note and tags set from the commands are kept in the run folder and shown on the run', async () => {
    await vscode.commands.executeCommand('mlWorkbench.editRunNote', iris.id, 'baseline with scaling');
    await vscode.commands.executeCommand('mlWorkbench.addRunTag', iris.id, 'team=a');
    await vscode.commands.executeCommand('mlWorkbench.addRunTag', iris.id, 'stage=review');
    await vscode.commands.executeCommand('mlWorkbench.addRunTag', diabetes.id, "team='b'");
    assert.deepEqual(annotationsOf(iris.id), { note: 'baseline with scaling', tags: { team: 'a', stage: 'review' } });
    assert.deepEqual(annotationsOf(diabetes.id), { tags: { team: 'b' } });
    await vscode.commands.executeCommand('mlWorkbench.removeRunTag', iris.id, 'stage');
    assert.deepEqual(annotationsOf(iris.id), { note: 'baseline with scaling', tags: { team: 'a' } });
    // run.json is left alone: the training process owns it.
    const runJson = JSON.parse(readFileSync(path.join(workspaceRoot(), '.mlwb', 'runs', iris.id, 'run.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(runJson.tags, undefined);
    const row = await rowOf(iris.id);
    assert.ok(row, 'the run is listed');
    assert.match(row.description ?? '', / · team=a · ✎$/);
  });

  test('Filter Runs… shows only the runs matching an MLflow search expression, says so, and Clear Runs Filter shows all again', async () => {
    await vscode.commands.executeCommand('mlWorkbench.addRunTag', iris.id, 'team=a');
    await vscode.commands.executeCommand('mlWorkbench.addRunTag', diabetes.id, 'team=b');
    const all = (await runRows()).length;
    assert.ok(all >= 2);

    const counts = await vscode.commands.executeCommand<{ shown: number; total: number }>(
      'mlWorkbench.filterRuns',
      "tags.team = 'a' and metrics.accuracy > 0.5 and status = 'completed'",
    );
    assert.equal(counts.shown, 1);
    assert.equal(counts.total, all);
    let rows = await runRows();
    assert.deepEqual(
      rows.map((row) => row.description?.slice(0, 4)),
      [iris.id.slice(-4)],
    );

    await vscode.commands.executeCommand('mlWorkbench.filterRuns', 'metrics.r2 > -100');
    rows = await runRows();
    assert.ok(
      rows.some((row) => row.description?.startsWith(diabetes.id.slice(-4))),
      'the regression run has r2',
    );
    assert.ok(!rows.some((row) => row.description?.startsWith(iris.id.slice(-4))), 'a classification run has no r2 and does not match');

    await vscode.commands.executeCommand('mlWorkbench.filterRuns', "note LIKE '%scaling' and experiment = 'train-iris'");
    assert.equal((await runRows()).length, 1);

    // A bad expression leaves the filter as it was (the input box says why before this).
    const unchanged = await vscode.commands.executeCommand<{ shown: number }>('mlWorkbench.filterRuns', 'metrics.accuracy >');
    assert.equal(unchanged.shown, 1);
    await closeNotifications();

    const cleared = await vscode.commands.executeCommand<{ shown: number; total: number }>('mlWorkbench.clearRunsFilter');
    assert.equal(cleared.shown, cleared.total);
    assert.equal((await runRows()).length, all);
  });

  test('Register Model Version… makes a run a version of its experiment with an alias, shown on the run; Deploy offers the champion first', async function () {
    this.timeout(120_000);
    type Registered = { model: string; version: number; runId: string; alias?: string };
    const champion = await vscode.commands.executeCommand<Registered>('mlWorkbench.registerModelVersion', iris.id, { alias: 'champion' });
    assert.equal(champion.model, 'train-iris');
    assert.equal(champion.alias, 'champion');
    const again = await vscode.commands.executeCommand<Registered>('mlWorkbench.registerModelVersion', iris.id, { alias: 'challenger' });
    assert.equal(again.version, champion.version, 'a run registered before keeps its version');
    const challenger = await vscode.commands.executeCommand<Registered>('mlWorkbench.registerModelVersion', diabetes.id, { alias: 'challenger' });
    assert.equal(challenger.model, 'train-diabetes');
    const registry = JSON.parse(readFileSync(path.join(workspaceRoot(), '.mlwb', 'models.json'), 'utf8')) as {
      models: Record<string, { versions: { version: number; runId: string }[]; aliases: Record<string, number> }>;
    };
    assert.deepEqual(registry.models['train-iris']?.aliases, { champion: champion.version, challenger: champion.version });
    assert.ok(registry.models['train-iris']?.versions.some((v) => v.version === champion.version && v.runId === iris.id));
    assert.deepEqual(registry.models['train-diabetes']?.aliases, { challenger: challenger.version });
    const row = await rowOf(iris.id);
    assert.ok(row?.description?.includes(`train-iris v${champion.version} @champion @challenger`), row?.description);
    // A failed or unknown run is refused with a message, nothing registered.
    assert.equal(await vscode.commands.executeCommand('mlWorkbench.registerModelVersion', 'no-such-run', { alias: null }), undefined);
    await closeNotifications();

    // Deploy without a run: the pick lists the aliased versions first; the first is train-iris@champion
    // (the diabetes run is newer, so the plain newest-first order would put it first).
    const deploying = vscode.commands.executeCommand<{ id: string; runId: string } | undefined>('mlWorkbench.deploy');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const deployment = await deploying;
    assert.ok(deployment, 'Deploy deployed the picked version');
    try {
      assert.equal(deployment.runId, iris.id);
    } finally {
      await vscode.commands.executeCommand('mlWorkbench.stopDeployment', deployment.id);
      await closeNotifications();
    }
  });

  test('Remove Model Alias… takes an alias off its model, keeps the version registered, and the run stops showing it', async () => {
    type Removed = { model: string; alias: string; version: number };
    const removed = await vscode.commands.executeCommand<Removed>('mlWorkbench.removeModelAlias', undefined, 'train-iris', 'challenger');
    assert.equal(removed.model, 'train-iris');
    assert.equal(removed.alias, 'challenger');
    const registry = JSON.parse(readFileSync(path.join(workspaceRoot(), '.mlwb', 'models.json'), 'utf8')) as {
      models: Record<string, { versions: { version: number; runId: string }[]; aliases: Record<string, number> }>;
    };
    assert.deepEqual(registry.models['train-iris']?.aliases, { champion: removed.version });
    assert.ok(
      registry.models['train-iris']?.versions.some((v) => v.version === removed.version && v.runId === iris.id),
      'the version stays',
    );
    const row = await rowOf(iris.id);
    assert.ok(row?.description?.includes(`train-iris v${removed.version} @champion`) && !row.description.includes('@challenger'), row?.description);
    assert.match(String(row?.contextValue), /^run\.completed\.aliased/);
    // An alias the model does not have is refused with a message; nothing changes.
    assert.equal(await vscode.commands.executeCommand('mlWorkbench.removeModelAlias', undefined, 'train-iris', 'challenger'), undefined);
    await closeNotifications();
    // From the run's context menu (the run as argument), its only alias is offered; accepting removes it.
    const removing = vscode.commands.executeCommand<Removed | undefined>('mlWorkbench.removeModelAlias', iris.id);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    assert.deepEqual(await removing, { model: 'train-iris', alias: 'champion', version: removed.version });
    const after = await rowOf(iris.id);
    assert.ok(!after?.description?.includes('@'), after?.description);
    assert.doesNotMatch(String(after?.contextValue), /aliased/);
    await closeNotifications();
  });

  test("Deploy of an aliased version serves the run's model version it was registered at, after the run moved to another", async function () {
    this.timeout(120_000);
    // An online update of the diabetes run (version 2, a copy of the trained model) serves now; it is registered as @staging.
    const runDir = path.join(workspaceRoot(), '.mlwb', 'runs', diabetes.id);
    const trained = JSON.parse(readFileSync(path.join(runDir, 'model.json'), 'utf8')) as { type: string };
    await saveModelVersion(runDir, { type: trained.type, toJSON: () => trained }, { source: 'online', parent: 1, rows: 3 });
    type Registered = { model: string; version: number; modelVersion?: number };
    const staging = await vscode.commands.executeCommand<Registered>('mlWorkbench.registerModelVersion', diabetes.id, { alias: 'staging' });
    assert.equal(staging.modelVersion, 2);
    assert.ok((await rowOf(diabetes.id))?.description?.includes(`train-diabetes v${staging.version} (model v2) @staging`));
    // The user goes back to the trained model; Deploy of train-diabetes@staging serves version 2 again.
    setCurrentModelVersion(runDir, 1);
    await vscode.commands.executeCommand('mlWorkbench.removeModelAlias', undefined, 'train-diabetes', 'challenger');
    await closeNotifications();
    const deploying = vscode.commands.executeCommand<{ id: string; runId: string; host: string; port: number } | undefined>('mlWorkbench.deploy');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const deployment = await deploying;
    assert.ok(deployment, 'Deploy deployed the picked version');
    try {
      assert.equal(deployment.runId, diabetes.id);
      const served = (await (await fetch(`http://${deployment.host}:${deployment.port}/version`)).json()) as { model_version: number };
      assert.equal(served.model_version, 2);
      assert.equal(readModelVersions(runDir).current, 2);
    } finally {
      await vscode.commands.executeCommand('mlWorkbench.stopDeployment', deployment.id);
      await closeNotifications();
    }
  });
});

async function closeNotifications(): Promise<void> {
  await vscode.commands.executeCommand('notifications.clearAll');
}
