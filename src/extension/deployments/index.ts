import * as vscode from 'vscode';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Services } from '../services';
import { runIdOf, type RunArgument } from '../runs/pickRun';
import { DeploymentManager, deploymentUrl, type DeploymentRecord } from './manager';
import { DeploymentsTree } from './tree';

export type DeploymentArgument = string | { readonly deploymentId: string } | undefined;

/** Registers the Deployed Models view and the commands that start, stop and inspect services. */
export function registerDeployments(services: Services): { manager: DeploymentManager; tree: DeploymentsTree } {
  const { disposer, training, log } = services;
  const manager = disposer.track(new DeploymentManager(services.extensionPath, () => training.store(), log));
  const tree = disposer.track(new DeploymentsTree(manager));
  disposer.track(vscode.window.createTreeView('mlWorkbench.deployments', { treeDataProvider: tree }));

  const pick = async (arg: DeploymentArgument, placeHolder: string): Promise<DeploymentRecord | undefined> => {
    if (typeof arg === 'string') return manager.get(arg);
    if (arg && typeof arg === 'object' && typeof arg.deploymentId === 'string') return manager.get(arg.deploymentId);
    const records = manager.list();
    if (records.length === 0) {
      void vscode.window.showInformationMessage('ML Workbench: no model is deployed. Deploy a completed run from the Runs view.');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      records.map((record) => ({ label: record.experiment, description: `${record.state} ${deploymentUrl(record)}`, detail: record.runId, record })),
      { placeHolder },
    );
    return picked?.record;
  };

  const command = (id: string, handler: (...args: never[]) => unknown): void => {
    disposer.track(vscode.commands.registerCommand(id, handler));
  };

  command('mlWorkbench.deploy', async (arg?: RunArgument) => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showErrorMessage('ML Workbench: serving a model needs a trusted workspace.');
      return undefined;
    }
    const runId = await runIdOf(arg, training, 'Select the completed run to deploy');
    if (!runId) return undefined;
    try {
      const record = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Deploying run ${runId}` },
        () => manager.deploy(runId),
      );
      void vscode.window.showInformationMessage(`ML Workbench: run ${runId} is served at ${deploymentUrl(record)}`, 'Copy URL').then((choice) => {
        if (choice) void vscode.env.clipboard.writeText(deploymentUrl(record));
      });
      return record;
    } catch (error) {
      void vscode.window.showErrorMessage(`ML Workbench: deploying run ${runId} failed: ${(error as Error).message}`);
      return undefined;
    }
  });
  command('mlWorkbench.refreshDeployments', () => tree.refresh());
  command('mlWorkbench.stopDeployment', async (arg?: DeploymentArgument) => {
    const record = await pick(arg, 'Select the service to stop');
    if (record) await manager.stop(record.id);
  });
  command('mlWorkbench.restartDeployment', async (arg?: DeploymentArgument) => {
    const record = await pick(arg, 'Select the service to restart');
    if (!record) return undefined;
    try {
      return await manager.restart(record.id);
    } catch (error) {
      void vscode.window.showErrorMessage(`ML Workbench: restarting failed: ${(error as Error).message}`);
      return undefined;
    }
  });
  command('mlWorkbench.removeDeployment', async (arg?: DeploymentArgument) => {
    const record = await pick(arg, 'Select the service to remove from the list');
    if (!record) return;
    if (record.state === 'serving' || record.state === 'starting') await manager.stop(record.id);
    manager.remove(record.id);
  });
  command('mlWorkbench.copyDeploymentUrl', async (arg?: DeploymentArgument) => {
    const record = await pick(arg, 'Select a service');
    if (record) await vscode.env.clipboard.writeText(deploymentUrl(record));
  });
  command('mlWorkbench.copyCurlExample', async (arg?: DeploymentArgument) => {
    const record = await pick(arg, 'Select a service');
    const store = training.store();
    if (!record || !store) return;
    await vscode.env.clipboard.writeText(curlExample(record, store.runDir(record.runId)));
    void vscode.window.showInformationMessage('ML Workbench: curl example copied.');
  });
  command('mlWorkbench.showDeploymentLog', async (arg?: DeploymentArgument) => {
    const record = await pick(arg, 'Select a service');
    const file = record ? manager.logFile(record.id) : undefined;
    if (file && existsSync(file)) await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true });
  });
  return { manager, tree };
}

/** A curl command that sends the first reference row of the run to the service. */
export function curlExample(record: DeploymentRecord, runDir: string): string {
  let row: Record<string, unknown> = {};
  const reference = path.join(runDir, 'reference.json');
  if (existsSync(reference)) {
    const sample = JSON.parse(readFileSync(reference, 'utf8')) as { columns: Record<string, unknown[]> };
    row = Object.fromEntries(Object.entries(sample.columns).map(([name, values]) => [name, values[0] ?? null]));
  }
  const body = JSON.stringify({ dataframe_records: [row] });
  return `curl -s -X POST ${deploymentUrl(record)}/invocations -H 'Content-Type: application/json' -d '${body.replace(/'/g, "'\\''")}'`;
}
