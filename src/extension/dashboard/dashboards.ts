/**
 * Keeps the open panels: one dashboard and one leaderboard per run, one compare panel. Each is
 * refreshed from the run store when its runs change (training events, or files written by `mlwb`).
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { RunStore } from '../../core/runs/store';
import type { HostMessage, ViewName, WebviewMessage } from './contract';
import { webviewOptions } from './html';
import { ViewPanel, type Delivered } from './panel';
import { compareState, dashboardState, leaderboardState } from './state';
import { showFailure } from '../failure';
import { executeCommand } from '../commands';
import { readErrorTable } from '../../core/inspection/errorRows';
import type { ProgressReport } from '../../core/runs/progress';

export const VIEW_TYPES: Record<ViewName, string> = {
  dashboard: 'mlWorkbench.dashboard',
  compare: 'mlWorkbench.compare',
  leaderboard: 'mlWorkbench.leaderboard',
};

/** What the panels need from training: the store and a signal when a run changes. */
export interface RunSource {
  readonly onDidChangeRun: vscode.Event<{ readonly runId: string; readonly event?: { readonly type: string } }>;
  store(): RunStore | undefined;
  /** A run training in this window: its progress as its worker last said (fresher than run.json). */
  progressOf?(runId: string): ProgressReport | undefined;
}

const NO_FOLDER: HostMessage = { type: 'error', message: 'Open a folder: runs are kept under .mlwb/runs in the workspace.' };

export class Dashboards implements vscode.Disposable {
  private readonly dashboards = new Map<string, ViewPanel>();
  private readonly leaderboards = new Map<string, ViewPanel>();
  private readonly focusIndexes = new Map<string, number>();
  private comparePanel: ViewPanel | undefined;
  private compareIds: string[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly source: RunSource,
  ) {}

  /** Refreshes every panel showing this run; `now` (a run finished) at once, as its notification appears. */
  runChanged(runId: string, now = false): void {
    this.dashboards.get(runId)?.refresh(now);
    this.leaderboards.get(runId)?.refresh();
    if (this.compareIds.includes(runId)) this.comparePanel?.refresh();
  }

  private createPanel(view: ViewName, title: string): vscode.WebviewPanel {
    return vscode.window.createWebviewPanel(VIEW_TYPES[view], title, vscode.ViewColumn.Active, webviewOptions(this.extensionUri));
  }

  private dashboardMessage(runId: string): HostMessage {
    const store = this.source.store();
    if (!store) return NO_FOLDER;
    const record = store.get(runId);
    if (!record) return { type: 'error', message: `Run ${runId} is not in ${path.join('.mlwb', 'runs')} any more.` };
    const state = dashboardState(record, store.metrics(runId), readErrorTable(store.runDir(runId)));
    // The same progress as the notification and the Runs view: the worker's last report, not run.json's (saved each second).
    const live = record.status === 'running' ? this.source.progressOf?.(runId) : undefined;
    return { type: 'dashboard', state: live ? { ...state, run: { ...state.run, progress: live.fraction, phase: live.phase } } : state };
  }

  private leaderboardMessage(runId: string, focusIndex?: number): HostMessage {
    const store = this.source.store();
    if (!store) return NO_FOLDER;
    const record = store.get(runId);
    if (!record) return { type: 'error', message: `Run ${runId} is not in ${path.join('.mlwb', 'runs')} any more.` };
    return { type: 'leaderboard', state: leaderboardState(record, store.metrics(runId), focusIndex) };
  }

  private compareMessage(runIds: readonly string[]): HostMessage {
    const store = this.source.store();
    if (!store) return NO_FOLDER;
    const records = runIds.map((id) => store.get(id));
    const found = records.filter((record) => record !== undefined);
    const notFound = runIds.filter((_, i) => records[i] === undefined);
    return { type: 'compare', state: compareState(found, (id) => store.metrics(id), notFound) };
  }

  private handle(message: WebviewMessage): void {
    if (message.type === 'cancelRun') {
      executeCommand('mlWorkbench.cancelRun', message.runId).then(undefined, (error: unknown) => {
        showFailure(`could not cancel run ${message.runId}`, error);
      });
    } else if (message.type === 'openDashboard') {
      void this.openDashboard(message.runId);
    } else if (message.type === 'openLeaderboard') {
      void this.openLeaderboard(message.runId);
    } else if (message.type === 'showRunLog') {
      const store = this.source.store();
      if (store) void vscode.window.showTextDocument(vscode.Uri.file(path.join(store.runDir(message.runId), 'log.txt')), { preview: true });
    } else if (message.type === 'openDataRow') {
      void this.openDataRow(message.runId, message.row);
    }
  }

  /** Opens the data file a run trained on in the preview, at a 1-based data row. */
  private async openDataRow(runId: string, row: number): Promise<void> {
    const store = this.source.store();
    const data = store?.get(runId)?.data;
    if (!store || !data) {
      void vscode.window.showWarningMessage(`ML Workbench: run ${runId} does not record its data file.`);
      return;
    }
    const file = path.resolve(store.workspaceRoot, data.path);
    try {
      await executeCommand('mlWorkbench.previewDataset', vscode.Uri.file(file), { row });
    } catch (error) {
      showFailure(`could not open ${data.path} at row ${row}`, error);
    }
  }

  /** Shows the run's dashboard (reusing its panel) and resolves once it has drawn the run. */
  openDashboard(runId: string, existing?: vscode.WebviewPanel): Promise<Delivered | undefined> {
    let panel = this.dashboards.get(runId);
    if (panel) {
      const rendered = panel.whenRendered();
      panel.panel.reveal();
      panel.push();
      return rendered;
    }
    const webviewPanel = existing ?? this.createPanel('dashboard', `Run: ${runId}`);
    panel = new ViewPanel(
      webviewPanel,
      'dashboard',
      this.extensionUri,
      () => this.dashboardMessage(runId),
      (m) => this.handle(m),
    );
    this.dashboards.set(runId, panel);
    panel.onDidClose(() => this.dashboards.delete(runId));
    return panel.whenRendered();
  }

  /** Shows the sweep's leaderboard; `focusIndex` highlights one trial. */
  openLeaderboard(runId: string, focusIndex?: number, existing?: vscode.WebviewPanel): Promise<Delivered | undefined> {
    if (focusIndex === undefined) this.focusIndexes.delete(runId);
    else this.focusIndexes.set(runId, focusIndex);
    let panel = this.leaderboards.get(runId);
    if (panel) {
      const rendered = panel.whenRendered();
      panel.panel.reveal();
      panel.push();
      return rendered;
    }
    const webviewPanel = existing ?? this.createPanel('leaderboard', `Sweep: ${runId}`);
    panel = new ViewPanel(
      webviewPanel,
      'leaderboard',
      this.extensionUri,
      () => this.leaderboardMessage(runId, this.focusIndexes.get(runId)),
      (m) => this.handle(m),
    );
    this.leaderboards.set(runId, panel);
    panel.onDidClose(() => {
      this.leaderboards.delete(runId);
      this.focusIndexes.delete(runId);
    });
    return panel.whenRendered();
  }

  /** Shows the compare panel for these runs (there is one; it switches to the new selection). */
  openCompare(runIds: readonly string[], existing?: vscode.WebviewPanel): Promise<Delivered | undefined> {
    this.compareIds = [...new Set(runIds)];
    const title = `Compare ${this.compareIds.length} runs`;
    let panel = this.comparePanel;
    if (panel) {
      panel.panel.title = title;
      const rendered = panel.whenRendered();
      panel.panel.reveal();
      panel.push();
      return rendered;
    }
    const webviewPanel = existing ?? this.createPanel('compare', title);
    panel = new ViewPanel(
      webviewPanel,
      'compare',
      this.extensionUri,
      () => this.compareMessage(this.compareIds),
      (m) => this.handle(m),
    );
    this.comparePanel = panel;
    const opened = panel;
    panel.onDidClose(() => {
      if (this.comparePanel === opened) this.comparePanel = undefined;
    });
    return panel.whenRendered();
  }

  dispose(): void {
    for (const panel of [...this.dashboards.values()]) panel.dispose();
    for (const panel of [...this.leaderboards.values()]) panel.dispose();
    this.comparePanel?.dispose();
  }
}
