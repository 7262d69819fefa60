import * as vscode from 'vscode';
import { deploymentUrl, type DeploymentManager, type DeploymentRecord } from './manager';

/** A command's deployment argument: a deployment id, a Deployed Models item, or nothing (then the user picks). */
export type DeploymentArgument = string | { readonly deploymentId: string } | undefined;

/** Resolves a deployment argument to its record, asking with a QuickPick when none was given. */
export async function pickDeployment(manager: DeploymentManager, arg: DeploymentArgument, placeHolder: string): Promise<DeploymentRecord | undefined> {
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
}
