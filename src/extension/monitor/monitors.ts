/**
 * Keeps one monitor panel per deployment and the last snapshot of every service; pushes each
 * panel's state when its service is polled or changes state, and raises the alerts.
 */
import * as vscode from 'vscode';
import type { DeploymentChange, DeploymentManager, DeploymentRecord } from '../deployments/manager';
import type { Log } from '../log';
import { alertMessage, checkAlerts, type AlertMemory, type AlertSettings } from './alerts';
import type { HostMessage, MonitorState, ServiceSnapshot } from './contract';
import { monitorWebviewOptions } from './html';
import { MonitorPanel, type Delivered, type PanelCommand } from './panel';
import { monitorState } from './state';
import { showFailure } from '../failure';
import { executeCommand } from '../commands';

export const MONITOR_VIEW_TYPE = 'mlWorkbench.monitor';
const ALERTS_KEY = 'mlWorkbench.monitor.alerted';

/** The alert settings, with the threshold kept in 0..1. */
export function alertSettings(): AlertSettings {
  const config = vscode.workspace.getConfiguration('mlWorkbench.monitor');
  const threshold = config.get<number>('accuracyThreshold', 0);
  return {
    alertOnDrift: config.get<boolean>('alertOnDrift', true),
    accuracyThreshold: typeof threshold === 'number' && Number.isFinite(threshold) ? Math.min(1, Math.max(0, threshold)) : 0,
  };
}

/** What each button of the monitor panel runs for its deployment. */
const PANEL_COMMANDS: Record<PanelCommand, (deploymentId: string) => Thenable<unknown>> = {
  stop: (deploymentId) => executeCommand('mlWorkbench.stopDeployment', deploymentId),
  restart: (deploymentId) => executeCommand('mlWorkbench.restartDeployment', deploymentId),
  showLog: (deploymentId) => executeCommand('mlWorkbench.showDeploymentLog', deploymentId),
  copyUrl: (deploymentId) => executeCommand('mlWorkbench.copyDeploymentUrl', deploymentId),
  retrain: (deploymentId) => executeCommand('mlWorkbench.retrainWithFeedback', { deploymentId }),
};

export class Monitors implements vscode.Disposable {
  private readonly panels = new Map<string, MonitorPanel>();
  /** The last snapshot seen of each deployment, kept after it stops so its panel still shows it. */
  private readonly snapshots = new Map<string, ServiceSnapshot>();
  private readonly alertMemory: Map<string, AlertMemory>;
  private readonly subscriptions: vscode.Disposable[] = [];

  /** `memento` keeps what was already alerted across window reloads (the workspace state). */
  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly manager: DeploymentManager,
    private readonly log: Log,
    private readonly memento?: vscode.Memento,
  ) {
    const saved = memento?.get<Record<string, AlertMemory>>(ALERTS_KEY) ?? {};
    this.alertMemory = new Map(Object.entries(saved).filter(([, memory]) => typeof memory === 'object' && memory !== null));
    this.subscriptions.push(
      manager.onDidChange((change) => this.changed(change)),
      vscode.workspace.onDidChangeConfiguration((event) => {
        if (event.affectsConfiguration('mlWorkbench.monitor')) for (const panel of this.panels.values()) panel.push();
      }),
    );
  }

  private changed(change: DeploymentChange): void {
    const record = this.manager.get(change.id);
    if (change.snapshot) {
      this.snapshots.set(change.id, change.snapshot);
      if (record) this.alert(record, change.snapshot);
    }
    if ((!record || record.state !== 'serving') && this.alertMemory.delete(change.id)) this.saveAlertMemory();
    if (!record) this.snapshots.delete(change.id);
    this.panels.get(change.id)?.push();
  }

  private alert(record: DeploymentRecord, snapshot: ServiceSnapshot): void {
    const { memory, alerts } = checkAlerts(
      this.alertMemory.get(record.id),
      {
        datasetDrift: snapshot.drift?.datasetDrift,
        driftedFeatureNames: snapshot.drift?.driftedFeatureNames,
        measuredFeatures: snapshot.drift?.features.length,
        accuracy: snapshot.feedback.accuracy,
        feedbackCount: snapshot.feedback.count,
      },
      alertSettings(),
    );
    const before = this.alertMemory.get(record.id);
    this.alertMemory.set(record.id, memory);
    if (before?.drift !== memory.drift || before.lowAccuracy !== memory.lowAccuracy) this.saveAlertMemory();
    for (const alert of alerts) {
      const message = alertMessage(alert, record.runId);
      this.log.info(message);
      void vscode.window.showWarningMessage(message, 'Open Monitor').then((choice) => {
        if (choice) void executeCommand('mlWorkbench.openMonitor', record.id);
      });
    }
  }

  private saveAlertMemory(): void {
    void this.memento?.update(ALERTS_KEY, Object.fromEntries(this.alertMemory));
  }

  private message(deploymentId: string): HostMessage {
    const record = this.manager.get(deploymentId);
    if (!record) return { type: 'error', message: `The deployment ${deploymentId} is no longer in .mlwb/deployments.json.` };
    let snapshot = this.snapshots.get(deploymentId);
    if (!snapshot && record.state === 'serving') {
      snapshot = this.manager.snapshot(deploymentId);
      if (snapshot) this.snapshots.set(deploymentId, snapshot);
    }
    return { type: 'state', state: monitorState(record, snapshot, alertSettings()) };
  }

  private command(deploymentId: string, command: PanelCommand): void {
    PANEL_COMMANDS[command](deploymentId).then(undefined, (error: unknown) => {
      showFailure(undefined, error);
    });
  }

  /** The state last pushed to the deployment's panel (undefined without an open panel). */
  lastState(deploymentId: string): MonitorState | undefined {
    return this.panels.get(deploymentId)?.lastState();
  }

  /** Shows the deployment's monitor (reusing its panel) and resolves once the webview drew its state. */
  open(record: DeploymentRecord, existing?: vscode.WebviewPanel): Promise<Delivered | undefined> {
    let panel = this.panels.get(record.id);
    if (panel) {
      const rendered = panel.whenRendered();
      panel.panel.reveal();
      panel.push();
      return rendered;
    }
    const webviewPanel =
      existing ??
      vscode.window.createWebviewPanel(MONITOR_VIEW_TYPE, `Monitor: ${record.runId}`, vscode.ViewColumn.Active, monitorWebviewOptions(this.extensionUri));
    const id = record.id;
    panel = new MonitorPanel(
      webviewPanel,
      this.extensionUri,
      () => this.message(id),
      (command) => this.command(id, command),
    );
    this.panels.set(id, panel);
    const opened = panel;
    panel.onDidClose(() => {
      if (this.panels.get(id) === opened) this.panels.delete(id);
    });
    return panel.whenRendered();
  }

  dispose(): void {
    for (const panel of [...this.panels.values()]) panel.dispose();
    for (const subscription of this.subscriptions.splice(0)) subscription.dispose();
  }
}
