import * as vscode from 'vscode';
import type { ServiceSnapshot, ServiceState } from '../monitor/contract';
import { deploymentUrl, type DeploymentManager, type DeploymentRecord } from './manager';

const STATE_ICONS: Record<ServiceState, vscode.ThemeIcon> = {
  starting: new vscode.ThemeIcon('loading~spin'),
  serving: new vscode.ThemeIcon('broadcast', new vscode.ThemeColor('testing.iconPassed')),
  stopped: new vscode.ThemeIcon('debug-stop'),
  crashed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
};

export class DeploymentItem extends vscode.TreeItem {
  readonly deploymentId: string;

  constructor(
    readonly record: DeploymentRecord,
    readonly monitor: ServiceSnapshot | undefined,
  ) {
    super(`${record.experiment} · ${record.runId.slice(0, 15)}`, vscode.TreeItemCollapsibleState.Collapsed);
    this.deploymentId = record.id;
    this.id = `deployment:${record.id}`;
    this.iconPath = STATE_ICONS[record.state];
    const version = monitor?.modelVersion;
    this.description = record.state === 'serving' ? `serving ${deploymentUrl(record)}${version ? ` · v${version}` : ''}` : record.state;
    this.contextValue = `deployment.${record.state}.${record.online ? 'online' : 'offline'}`;
    const tooltip = new vscode.MarkdownString(`**${record.experiment}** — ${record.state}\n\n`);
    tooltip.appendText(`run ${record.runId}\n${deploymentUrl(record)} (pid ${record.pid ?? '?'})\n`);
    tooltip.appendText(`online updates from feedback: ${onlineText(record, monitor)}\n`);
    if (record.reason) tooltip.appendText(`\n${record.reason}`);
    this.tooltip = tooltip;
  }
}

class DetailItem extends vscode.TreeItem {
  constructor(label: string, description: string, icon: string) {
    super(label);
    this.description = description;
    this.iconPath = new vscode.ThemeIcon(icon);
    this.contextValue = 'deploymentDetail';
  }
}

type Node = DeploymentItem | DetailItem;

function driftText(monitor: ServiceSnapshot | undefined): string {
  const drift = monitor?.drift;
  if (!drift) return 'not measured yet';
  if (drift.datasetDrift) return `dataset drift (${drift.driftedFeatures} features)`;
  return drift.driftedFeatures ? `${drift.driftedFeatures} feature(s) drifting` : 'no drift';
}

function onlineText(record: DeploymentRecord, monitor: ServiceSnapshot | undefined): string {
  if (!record.online) return 'off';
  const online = monitor?.online;
  if (!online) return 'on';
  if (!online.supported) return online.reason ?? 'not supported by this model';
  const pending = online.pendingRows ? `, ${online.pendingRows} of ${online.minRows} rows for the next` : '';
  return `on (${online.updates} update${online.updates === 1 ? '' : 's'}${pending})`;
}

/** Deployed Models: each service with its state, URL, requests, p95 latency and drift state. */
export class DeploymentsTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly manager: DeploymentManager) {
    this.subscription = manager.onDidChange(() => this.changed.fire());
  }

  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(element: Node): vscode.TreeItem {
    return element;
  }

  getChildren(element?: Node): Node[] {
    if (!element)
      return this.manager
        .list()
        .reverse()
        .map((record) => new DeploymentItem(record, this.manager.snapshot(record.id)));
    if (element instanceof DeploymentItem) {
      const { record, monitor } = element;
      // Latency is measured over predictions: none yet, nothing to show.
      const p95 = monitor && monitor.predictions.total > 0 ? monitor.latency.p95 : undefined;
      return [
        new DetailItem('URL', deploymentUrl(record), 'link'),
        new DetailItem('Requests', String(monitor?.requests ?? 0), 'pulse'),
        new DetailItem('p95 latency', p95 === undefined ? '—' : `${p95.toFixed(2)} ms`, 'watch'),
        new DetailItem('Drift', driftText(monitor), 'graph-line'),
        new DetailItem(
          'Model version',
          `${monitor?.modelVersion ? `v${monitor.modelVersion}` : '—'} · online updates ${onlineText(record, monitor)}`,
          'versions',
        ),
      ];
    }
    return [];
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}
