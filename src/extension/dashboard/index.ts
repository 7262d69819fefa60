/**
 * Run dashboard, compare and sweep-leaderboard panels: their commands, their serializers (so they
 * come back after a reload) and the wiring that keeps them live while runs train.
 */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { loadExperimentFile } from '../../core/runs/experimentFile';
import type { RunRecord, RunStore } from '../../core/runs/store';
import type { Services } from '../services';
import { registerCommand } from '../commands';
import { persistedState } from './contract';
import { Dashboards, VIEW_TYPES, type RunSource } from './dashboards';
import { pickRun, pickRuns, runOf, type RunArgument } from './pick';

export type { Delivered } from './panel';

/** Registers the three panels' commands and serializers; the panels follow `training.onDidChangeRun`. */
export function registerDashboards(services: Services): Dashboards {
  const source: RunSource = services.training;
  const extensionUri = vscode.Uri.file(services.extensionPath);
  const dashboards = services.disposer.track(new Dashboards(extensionUri, source));
  const { disposer } = services;

  disposer.track(source.onDidChangeRun((change) => dashboards.runChanged(change.runId, change.event?.type === 'finished')));
  watchRunFiles(services, dashboards);

  const noFolder = (): undefined => {
    void vscode.window.showWarningMessage('ML Workbench: open a folder first; runs are kept under .mlwb/runs in the workspace.');
    return undefined;
  };

  disposer.track(
    registerCommand('mlWorkbench.openDashboard', async (arg) => {
      const store = source.store();
      if (!store) return noFolder();
      const runId = runOf(arg)?.runId ?? (await pickRun(store, 'Select a run to open its dashboard'));
      return runId ? dashboards.openDashboard(runId) : undefined;
    }),
  );

  disposer.track(
    vscode.commands.registerCommand('mlWorkbench.openLeaderboard', async (arg: RunArgument) => {
      const store = source.store();
      if (!store) return noFolder();
      const named = runOf(arg);
      const runId = named?.runId ?? (await pickRun(store, 'Select a sweep to open its leaderboard', (record) => isSweep(store, record)));
      if (!runId) return undefined;
      const record = store.get(runId);
      if (record && !isSweep(store, record) && !store.metrics(runId).some((line) => line.stage === 'trial')) {
        void vscode.window.showInformationMessage(`ML Workbench: run ${runId} is not a sweep (its experiment has no "search").`);
        return undefined;
      }
      return dashboards.openLeaderboard(runId, named?.trialIndex);
    }),
  );

  disposer.track(
    registerCommand('mlWorkbench.compareRuns', async (arg, selection) => {
      const store = source.store();
      if (!store) return noFolder();
      const chosen = [...new Set([...(selection ?? []), arg].map(runOf).flatMap((run) => (run ? [run.runId] : [])))];
      const runIds = chosen.length >= 2 ? chosen : await pickRuns(store, chosen);
      if (!runIds) return undefined;
      if (runIds.length < 2) {
        void vscode.window.showInformationMessage('ML Workbench: select at least two runs to compare.');
        return undefined;
      }
      return dashboards.openCompare(runIds);
    }),
  );

  // Panels left open come back after a reload, from the run ids their webviews kept.
  disposer.track(
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPES.dashboard, {
      deserializeWebviewPanel: async (panel, state) => {
        const { runId } = persistedState(state);
        if (runId) void dashboards.openDashboard(runId, panel);
        else panel.dispose();
      },
    }),
  );
  disposer.track(
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPES.leaderboard, {
      deserializeWebviewPanel: async (panel, state) => {
        const { runId } = persistedState(state);
        if (runId) void dashboards.openLeaderboard(runId, undefined, panel);
        else panel.dispose();
      },
    }),
  );
  disposer.track(
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPES.compare, {
      deserializeWebviewPanel: async (panel, state) => {
        const { runIds } = persistedState(state);
        if (runIds && runIds.length > 0) void dashboards.openCompare(runIds, panel);
        else panel.dispose();
      },
    }),
  );
  return dashboards;
}

function hasSearch(experiment: unknown): boolean {
  return typeof experiment === 'object' && experiment !== null && (experiment as { search?: unknown }).search !== undefined;
}

/** A sweep has trials, or its experiment has `search` (read from the file while it is still running). */
function isSweep(store: RunStore, record: RunRecord): boolean {
  if (Array.isArray(record.trials) || hasSearch(record.snapshot)) return true;
  if (record.status !== 'running' && record.status !== 'queued') return false;
  return hasSearch(loadExperimentFile(path.join(store.workspaceRoot, record.experimentFile)).experiment);
}

/** Runs trained by `mlwb` in a terminal write the same files: their open panels follow them too. */
function watchRunFiles(services: Services, dashboards: Dashboards): void {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) return;
  const watcher = services.disposer.track(
    vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '.mlwb/runs/*/{run.json,metrics.jsonl}')),
  );
  const changed = (uri: vscode.Uri): void => dashboards.runChanged(path.basename(path.dirname(uri.fsPath)));
  services.disposer.track(watcher.onDidChange(changed));
  services.disposer.track(watcher.onDidCreate(changed));
}
