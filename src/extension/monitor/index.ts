/**
 * The deployment monitor: the Open Monitor command, the serializer that brings panels back after a
 * reload, and the drift and accuracy alerts (raised for every serving deployment, open panel or not).
 */
import * as vscode from 'vscode';
import type { DeploymentManager, DeploymentRecord } from '../deployments/manager';
import type { Services } from '../services';
import { registerCommand } from '../commands';
import type { DeploymentArgument } from '../deployments/pick';
import { persistedState } from './contract';
import { MONITOR_VIEW_TYPE, Monitors } from './monitors';
import type { Delivered } from './panel';

export type { Delivered } from './panel';
export type MonitorArgument = DeploymentArgument;

const STATE_ORDER: Record<DeploymentRecord['state'], number> = { serving: 0, starting: 1, crashed: 2, stopped: 3 };

async function pickDeployment(manager: DeploymentManager, arg: MonitorArgument): Promise<DeploymentRecord | undefined> {
  if (typeof arg === 'string') return manager.get(arg);
  if (arg && typeof arg === 'object' && typeof arg.deploymentId === 'string') return manager.get(arg.deploymentId);
  const records = manager.list().sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || b.startedAt.localeCompare(a.startedAt));
  if (records.length === 0) {
    void vscode.window.showInformationMessage('ML Workbench: no model is deployed. Deploy a completed run from the Runs view first.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    records.map((record) => ({ label: record.runId, description: `${record.state} http://${record.host}:${record.port}`, detail: record.experiment, record })),
    { placeHolder: 'Select the service to monitor', matchOnDescription: true, matchOnDetail: true },
  );
  return picked?.record;
}

/**
 * The deployment a restored panel showed, from its title (`Monitor: <run id>`): a browser reload can
 * cut the workbench's last save, leaving the panel with the state it had before its webview's
 * setState. The newest deployment of that run is taken.
 */
function deploymentOfTitle(manager: DeploymentManager, title: string): DeploymentRecord | undefined {
  const runId = /^Monitor: (.+)$/.exec(title)?.[1];
  if (!runId) return undefined;
  return manager
    .list()
    .filter((record) => record.runId === runId)
    .sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || b.startedAt.localeCompare(a.startedAt))[0];
}

/**
 * Registers `mlWorkbench.openMonitor` (it resolves with the state the panel drew) and the panel
 * serializer; `workspaceState` keeps what was already alerted across reloads.
 */
export function registerMonitor(services: Services, manager: DeploymentManager, workspaceState?: vscode.Memento): Monitors {
  const { disposer, log } = services;
  const extensionUri = vscode.Uri.file(services.extensionPath);
  const monitors = disposer.track(new Monitors(extensionUri, manager, log, workspaceState));

  disposer.track(
    registerCommand('mlWorkbench.openMonitor', async (arg): Promise<Delivered | undefined> => {
      const record = await pickDeployment(manager, arg);
      if (!record) {
        if (arg !== undefined) void vscode.window.showWarningMessage('ML Workbench: that deployment is no longer in .mlwb/deployments.json.');
        return undefined;
      }
      return monitors.open(record);
    }),
  );

  // Panels left open come back after a reload, from the deployment id their webview kept.
  disposer.track(
    vscode.window.registerWebviewPanelSerializer(MONITOR_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) => {
        const { deploymentId } = persistedState(state);
        const record = deploymentId ? manager.get(deploymentId) : deploymentOfTitle(manager, panel.title);
        if (record) void monitors.open(record, panel);
        else {
          log.info(`the monitor panel "${panel.title}" was not restored: its deployment is no longer recorded`);
          panel.dispose();
        }
      },
    }),
  );
  return monitors;
}
