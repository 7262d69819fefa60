import * as vscode from 'vscode';
import { headlineMetric, runDescription, runLabel, shortRunId, trialLabel, varyingParamNames } from '../../core/runs/display';
import type { RunRecord, RunStatus } from '../../core/runs/store';
import { readAnnotations, type RunAnnotations } from '../../core/runs/annotations';
import { matchesRunFilter, type FilterClause } from '../../core/runs/runFilter';
import { readModelRegistry, registrationsOf, type ModelRegistry } from '../../core/runs/modelRegistry';
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
    varying: readonly string[] = [],
    readonly annotations: RunAnnotations = { tags: {} },
    registrations: readonly string[] = [],
  ) {
    const hasTrials = Array.isArray(record.trials) && record.trials.length > 0;
    super(runLabel(record, varying, progress), hasTrials ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    this.runId = record.id;
    this.id = `run:${record.id}`;
    this.iconPath = STATUS_ICONS[record.status];
    const tags = Object.entries(annotations.tags).map(([key, value]) => (value ? `${key}=${value}` : key));
    this.description = [runDescription(record), ...registrations, ...tags, annotations.note ? '✎' : ''].filter(Boolean).join(' · ');
    this.tooltip = runTooltip(record, annotations);
    // `.aliased` offers Remove Model Alias… on a run some alias points at.
    const aliased = registrations.some((registration) => registration.includes('@'));
    this.contextValue = `run.${record.status}${aliased ? '.aliased' : ''}${hasTrials ? '.sweep' : ''}`;
    this.command = { command: 'mlWorkbench.openDashboard', title: 'Open Dashboard', arguments: [record.id] };
  }
}

export class TrialItem extends vscode.TreeItem {
  constructor(
    readonly runId: string,
    readonly trialIndex: number,
    trial: { params: Record<string, unknown>; score: number; error?: string },
    best: boolean,
    /** The queue worker that ran it (mlWorkbench.queue.url). */
    worker?: string,
  ) {
    super(trialLabel(trial, trialIndex));
    this.id = `trial:${runId}:${trialIndex}`;
    this.iconPath = trial.error
      ? new vscode.ThemeIcon('error')
      : best
        ? new vscode.ThemeIcon('star-full', new vscode.ThemeColor('charts.yellow'))
        : new vscode.ThemeIcon('circle-outline');
    this.description = `trial ${trialIndex + 1}${best ? ' (best)' : ''}${worker ? ` · ${worker}` : ''}`;
    const tooltip = new vscode.MarkdownString();
    if (trial.error) tooltip.appendText(`${trial.error}\n`);
    else tooltip.appendText(`score ${trial.score} (CV mean)\n`);
    tooltip.appendCodeblock(JSON.stringify(trial.params, null, 2), 'json');
    this.tooltip = tooltip;
    this.contextValue = 'trial';
  }
}

type Node = ExperimentGroupItem | RunItem | TrialItem;

function runTooltip(record: RunRecord, annotations: RunAnnotations): vscode.MarkdownString {
  const tooltip = new vscode.MarkdownString();
  tooltip.appendMarkdown(`**${record.experiment}** — ${record.status}\n\n`);
  if (annotations.note) tooltip.appendText(`${annotations.note}\n\n`);
  const tags = Object.entries(annotations.tags);
  if (tags.length > 0) tooltip.appendText(`tags: ${tags.map(([key, value]) => `${key}=${value}`).join(', ')}\n`);
  tooltip.appendText(`run ${record.id} (${shortRunId(record.id)}) · ${new Date(record.startedAt ?? record.createdAt).toLocaleString()}\n`);
  const headline = headlineMetric(record);
  if (headline) tooltip.appendText(`\n${headline.name} ${headline.value}: ${headline.definition}\n`);
  if (record.reason) tooltip.appendText(`\n${record.reason}\n`);
  const metrics = Object.entries(record.metrics ?? {}).filter((entry): entry is [string, number] => typeof entry[1] === 'number');
  if (metrics.length > 0) tooltip.appendText(`\n${metrics.map(([name, value]) => `${name} ${value}`).join('\n')}\n`);
  if (record.params && Object.keys(record.params).length > 0) {
    tooltip.appendText(`\n${record.modelType ?? 'model'} parameters:`);
    tooltip.appendCodeblock(JSON.stringify(record.params, null, 2), 'json');
  }
  if (record.data) tooltip.appendText(`data ${record.data.path}: ${record.data.rows} rows × ${record.data.columns} columns`);
  return tooltip;
}

/** Runs grouped by experiment, newest first; sweeps show their trials with the best marked. */
export class RunsTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly progress = new Map<string, number>();
  /** The Runs view's search, as typed, and parsed; runs that do not match are hidden. */
  private filter: { readonly expression: string; readonly clauses: readonly FilterClause[] } | undefined;
  /** Top-level runs shown and in all, at the last listing. */
  counts = { shown: 0, total: 0 };
  private refreshTimer: NodeJS.Timeout | undefined;
  /** The workspace's registered models, read with the listing. */
  private registry: ModelRegistry = { models: {} };
  /** Note and tags of the runs listed, read with the listing. */
  private readonly annotations = new Map<string, RunAnnotations>();
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

  /** Shows only the runs matching `clauses` (undefined: every run). */
  setFilter(filter: { readonly expression: string; readonly clauses: readonly FilterClause[] } | undefined): void {
    this.filter = filter;
    this.changed.fire();
  }

  get filterExpression(): string | undefined {
    return this.filter?.expression;
  }

  getTreeItem(element: Node): vscode.TreeItem {
    return element;
  }

  getChildren(element?: Node): Node[] {
    const store = this.training.store();
    if (!store) return [];
    if (!element) {
      const groups = new Map<string, RunRecord[]>();
      this.annotations.clear();
      let total = 0;
      for (const record of store.list()) {
        if (record.parent) continue;
        total++;
        const annotations = readAnnotations(store.runDir(record.id));
        if (this.filter && !matchesRunFilter(this.filter.clauses, { record, annotations })) continue;
        this.annotations.set(record.id, annotations);
        const runs = groups.get(record.experiment) ?? [];
        runs.push(record);
        groups.set(record.experiment, runs);
      }
      this.counts = { shown: this.annotations.size, total };
      try {
        this.registry = readModelRegistry(store.workspaceRoot);
      } catch {
        this.registry = { models: {} }; // Deploy and Register Model Version… say what is wrong with the file
      }
      return [...groups.entries()].map(([experiment, runs]) => new ExperimentGroupItem(experiment, runs));
    }
    if (element instanceof ExperimentGroupItem) {
      const varying = varyingParamNames(element.runs);
      return element.runs.map((record) =>
        withPhase(
          new RunItem(record, this.progress.get(record.id), varying, this.annotations.get(record.id), registrationsOf(this.registry, record.id)),
          this.training,
        ),
      );
    }
    if (element instanceof RunItem) {
      const trials = (element.record.trials ?? []) as { index?: number; params: Record<string, unknown>; score: number; error?: string }[];
      const best = element.record.best as { params?: Record<string, unknown> } | undefined;
      const bestKey = JSON.stringify(best?.params ?? null);
      // A sweep still running lists the trials done so far, each with its candidate index.
      return trials.map((trial, position) => {
        const index = trial.index ?? position;
        return new TrialItem(element.runId, index, trial, JSON.stringify(trial.params) === bestKey, element.record.trialWorkers?.[String(index)]);
      });
    }
    return [];
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    for (const subscription of this.subscriptions) subscription.dispose();
    this.changed.dispose();
  }
}

/** A running run's item says its phase first, as the notification and the dashboard do ("fold 2/5"). */
function withPhase(item: RunItem, training: TrainingManager): RunItem {
  const phase = item.record.status === 'running' ? training.progressOf(item.runId)?.phase : undefined;
  if (phase) item.description = [phase, item.description].filter(Boolean).join(' · ');
  return item;
}
