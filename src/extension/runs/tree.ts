import * as vscode from 'vscode';
import { keyMetric } from '../../core/runs/keyMetric';
import type { RunRecord, RunStatus } from '../../core/runs/store';
import type { TrainingManager } from '../training/manager';

const STATUS_ICONS: Record<RunStatus, vscode.ThemeIcon> = {
  queued: new vscode.ThemeIcon('clock'),
  running: new vscode.ThemeIcon('sync~spin'),
  completed: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  cancelled: new vscode.ThemeIcon('circle-slash'),
  interrupted: new vscode.ThemeIcon('debug-disconnect', new vscode.ThemeColor('list.warningForeground')),
  damaged: new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')),
};

export class ExperimentGroupItem extends vscode.TreeItem {
  constructor(
    readonly experiment: string,
    readonly runs: RunRecord[],
  ) {
    super(experiment, vscode.TreeItemCollapsibleState.Expanded);
    this.iconPath = new vscode.ThemeIcon('beaker');
    this.description = `${runs.length} run${runs.length === 1 ? '' : 's'}`;
    this.contextValue = 'experiment';
    this.id = `experiment:${experiment}`;
  }
}

export class RunItem extends vscode.TreeItem {
  readonly runId: string;

  constructor(
    readonly record: RunRecord,
    progress: number | undefined,
  ) {
    const hasTrials = Array.isArray(record.trials) && record.trials.length > 0;
    super(runLabel(record), hasTrials ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    this.runId = record.id;
    this.id = `run:${record.id}`;
    this.iconPath = STATUS_ICONS[record.status];
    const metric = keyMetric(record);
    const fraction = progress ?? record.progress;
    this.description =
      record.status === 'running' ? `running ${Math.round((fraction ?? 0) * 100)}%` : metric ? `${metric.name} ${metric.value.toFixed(4)}` : record.status;
    this.tooltip = runTooltip(record);
    this.contextValue = `run.${record.status}${hasTrials ? '.sweep' : ''}`;
    this.command = { command: 'mlWorkbench.openDashboard', title: 'Open Dashboard', arguments: [record.id] };
  }
}

export class TrialItem extends vscode.TreeItem {
  constructor(
    readonly runId: string,
    readonly trialIndex: number,
    trial: { params: Record<string, unknown>; score: number; error?: string },
    best: boolean,
  ) {
    super(
      Object.entries(trial.params)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join(', ') || `trial ${trialIndex + 1}`,
    );
    this.id = `trial:${runId}:${trialIndex}`;
    this.iconPath = trial.error
      ? new vscode.ThemeIcon('error')
      : best
        ? new vscode.ThemeIcon('star-full', new vscode.ThemeColor('charts.yellow'))
        : new vscode.ThemeIcon('circle-outline');
    this.description = trial.error ? 'failed' : `${trial.score.toFixed(4)}${best ? ' (best)' : ''}`;
    this.tooltip = trial.error ?? JSON.stringify(trial.params, null, 2);
    this.contextValue = 'trial';
  }
}

type Node = ExperimentGroupItem | RunItem | TrialItem;

function runLabel(record: RunRecord): string {
  const started = new Date(record.startedAt ?? record.createdAt);
  return `${record.modelType ?? 'run'} · ${started.toLocaleString()}`;
}

function runTooltip(record: RunRecord): vscode.MarkdownString {
  const tooltip = new vscode.MarkdownString();
  tooltip.appendMarkdown(`**${record.experiment}** — ${record.status}\n\n`);
  tooltip.appendText(`run ${record.id}\n`);
  if (record.reason) tooltip.appendText(`\n${record.reason}\n`);
  if (record.params && Object.keys(record.params).length > 0) tooltip.appendCodeblock(JSON.stringify(record.params, null, 2), 'json');
  if (record.data) tooltip.appendText(`data ${record.data.path}: ${record.data.rows} rows × ${record.data.columns} columns`);
  return tooltip;
}

/** Runs grouped by experiment, newest first; sweeps show their trials with the best marked. */
export class RunsTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly progress = new Map<string, number>();
  private refreshTimer: NodeJS.Timeout | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly training: TrainingManager) {
    this.subscriptions.push(
      training.onDidChangeRun((change) => {
        if (change.event?.type === 'progress') this.progress.set(change.runId, change.event.fraction);
        if (change.event?.type === 'finished') this.progress.delete(change.runId);
        this.scheduleRefresh();
      }),
    );
  }

  /** Coalesces bursts of progress events into at most a few refreshes a second. */
  scheduleRefresh(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.changed.fire();
    }, 250);
  }

  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(element: Node): vscode.TreeItem {
    return element;
  }

  getChildren(element?: Node): Node[] {
    const store = this.training.store();
    if (!store) return [];
    if (!element) {
      const groups = new Map<string, RunRecord[]>();
      for (const record of store.list()) {
        if (record.parent) continue;
        const runs = groups.get(record.experiment) ?? [];
        runs.push(record);
        groups.set(record.experiment, runs);
      }
      return [...groups.entries()].map(([experiment, runs]) => new ExperimentGroupItem(experiment, runs));
    }
    if (element instanceof ExperimentGroupItem) return element.runs.map((record) => new RunItem(record, this.progress.get(record.id)));
    if (element instanceof RunItem) {
      const trials = (element.record.trials ?? []) as { params: Record<string, unknown>; score: number; error?: string }[];
      const best = element.record.best as { params?: Record<string, unknown> } | undefined;
      const bestKey = JSON.stringify(best?.params ?? null);
      return trials.map((trial, index) => new TrialItem(element.runId, index, trial, JSON.stringify(trial.params) === bestKey));
    }
    return [];
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    for (const subscription of this.subscriptions) subscription.dispose();
    this.changed.dispose();
  }
}
