import * as vscode from 'vscode';
import * as path from 'node:path';
import { readFileSync } from 'node:fs';
import type { RunRecord, RunStore } from '../../core/runs/store';
import type { Services } from '../services';
import { runIdOf, type RunArgument } from './pickRun';
import { RunsTree, type RunItem } from './tree';
import { TrainCodeLensProvider } from './codeLens';
import { showFailure } from '../failure';
import { executeCommand, registerCommand, type TrainOptions } from '../commands';
import { exportModelCommand } from './export';
import { completionMessage } from '../../core/runs/display';
import { registerRunAnnotations } from './annotate';
import { registerModelCommand, removeAliasCommand } from './registry';
import { trainVerdict, type FileProblem } from './trainCheck';
import { progressPercent, progressText } from '../../core/runs/progress';

const EXPERIMENT_GLOB = '**/*.experiment.{yaml,yml,json}';

/** Finds the experiment file a Train command is about: its argument, the active editor, or a pick. */
async function experimentFileOf(arg: unknown): Promise<string | undefined> {
  if (arg instanceof vscode.Uri) return arg.fsPath;
  if (typeof arg === 'string') return arg;
  const active = vscode.window.activeTextEditor?.document;
  if (active && /\.experiment\.(ya?ml|json)$/.test(active.fileName)) {
    if (active.isDirty) await active.save();
    return active.fileName;
  }
  const files = await vscode.workspace.findFiles(EXPERIMENT_GLOB, '**/node_modules/**', 200);
  if (files.length === 0) {
    void vscode.window.showInformationMessage('ML Workbench: no *.experiment.yaml file in this workspace. Create one with "ML Workbench: New Experiment…".');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    files.map((uri) => ({ label: vscode.workspace.asRelativePath(uri), uri })),
    { placeHolder: 'Select the experiment to train' },
  );
  return picked?.uri.fsPath;
}

/** Checks an experiment document's text now and gives its diagnostics (ours: syntax, keys, values, data file, columns). */
export type CheckExperiment = (document: vscode.TextDocument, text: string) => Promise<readonly vscode.Diagnostic[]>;

const SEVERITIES: Record<vscode.DiagnosticSeverity, FileProblem['severity']> = {
  [vscode.DiagnosticSeverity.Error]: 'error',
  [vscode.DiagnosticSeverity.Warning]: 'warning',
  [vscode.DiagnosticSeverity.Information]: 'information',
  [vscode.DiagnosticSeverity.Hint]: 'hint',
};

/**
 * Whether Train goes ahead with the file: not when it has errors (the Problems view opens and the
 * notification says why, with "Go to Problem"); with warnings only, when the user picks "Train
 * Anyway" (a `silent` caller, which asks nothing, trains).
 */
async function mayTrain(file: string, check: CheckExperiment, silent: boolean): Promise<boolean> {
  let document: vscode.TextDocument;
  let text: string;
  try {
    document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    if (document.isDirty) await document.save();
    // The file on disk is what the run reads (an open editor may not have caught up with it yet).
    text = readFileSync(file, 'utf8');
  } catch (error) {
    showFailure(`cannot read ${file}`, error);
    return false;
  }
  const problems = (await check(document, text)).map((d) => ({ severity: SEVERITIES[d.severity], line: d.range.start.line + 1, message: d.message }));
  const verdict = trainVerdict(path.basename(file), problems);
  if (verdict.kind === 'train') return true;
  if (verdict.kind === 'ask' && silent) return true;
  void executeCommand('workbench.actions.view.problems');
  const goTo = (): Thenable<unknown> => {
    const line = new vscode.Range(verdict.first.line - 1, 0, verdict.first.line - 1, 0);
    return vscode.window.showTextDocument(document, { selection: line });
  };
  if (verdict.kind === 'refuse') {
    void vscode.window.showErrorMessage(verdict.message, 'Go to Problem').then((choice) => (choice ? goTo() : undefined));
    return false;
  }
  const choice = await vscode.window.showWarningMessage(verdict.message, 'Train Anyway', 'Go to Problem');
  if (choice === 'Go to Problem') void goTo();
  return choice === 'Train Anyway';
}

/** Registers the Runs view, training commands and the Train CodeLens of experiment files. */
export function registerRuns(services: Services, check: CheckExperiment, workspaceState?: vscode.Memento): RunsTree {
  const { disposer, training } = services;
  const tree = disposer.track(new RunsTree(training));
  const view = disposer.track(vscode.window.createTreeView('mlWorkbench.runs', { treeDataProvider: tree, canSelectMany: true, showCollapseAll: true }));
  for (const disposable of registerRunAnnotations(training, tree, view, workspaceState)) disposer.track(disposable);
  const watcher = disposer.track(vscode.workspace.createFileSystemWatcher('**/.mlwb/runs/*/run.json'));
  disposer.track(watcher.onDidCreate(() => tree.scheduleRefresh()));
  disposer.track(watcher.onDidChange(() => tree.scheduleRefresh()));
  disposer.track(watcher.onDidDelete(() => tree.scheduleRefresh()));
  disposer.track(vscode.languages.registerCodeLensProvider({ scheme: 'file', pattern: '**/*.experiment.{yaml,yml,json}' }, new TrainCodeLensProvider()));

  const train = async (arg?: unknown, options: TrainOptions = {}): Promise<RunRecord | undefined> => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window
        .showErrorMessage('ML Workbench: training runs code from the workspace and needs a trusted workspace.', 'Manage Workspace Trust')
        .then((choice) => {
          if (choice) void executeCommand('workbench.trust.manage');
        });
      return undefined;
    }
    const file = await experimentFileOf(arg);
    if (!file || !(await mayTrain(file, check, options.silent === true))) return undefined;
    const name = path.basename(file).replace(/\.experiment\.(ya?ml|json)$/, '');
    let started: { runId: string; finished: Promise<RunRecord> };
    try {
      started = training.train(file, { seed: options.seed, feedbackFrom: options.feedbackFrom });
    } catch (error) {
      showFailure(undefined, error);
      return undefined;
    }
    const record = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `${options.feedbackFrom ? 'Retraining' : 'Training'} ${name}`, cancellable: true },
      async (progress, token) => {
        token.onCancellationRequested(() => training.cancel(started.runId));
        // The worker's one progress model (core/runs/progress.ts), as the Runs view and the dashboard show it.
        let reported = 0;
        let phase = '';
        const subscription = training.onDidChangeRun((change) => {
          if (change.runId !== started.runId || change.event?.type !== 'progress') return;
          const percent = progressPercent(change.event.fraction);
          if (percent > reported || change.event.phase !== phase) {
            phase = change.event.phase;
            progress.report({ increment: Math.max(0, percent - reported), message: progressText({ fraction: change.event.fraction, phase }) });
            reported = Math.max(reported, percent);
          }
        });
        try {
          return await started.finished;
        } finally {
          subscription.dispose();
        }
      },
    );
    tree.refresh();
    if (!options.silent) void announce(record, training.store());
    return record;
  };

  disposer.track(registerCommand('mlWorkbench.train', (arg, options) => train(arg, options)));
  disposer.track(vscode.commands.registerCommand('mlWorkbench.refreshRuns', () => tree.refresh()));
  disposer.track(
    registerCommand('mlWorkbench.cancelRun', async (arg) => {
      const runId = await runIdOf(arg, training, 'Select the run to cancel');
      if (runId && !training.cancel(runId)) void vscode.window.showInformationMessage(`ML Workbench: run ${runId} is not running.`);
    }),
  );
  disposer.track(
    vscode.commands.registerCommand('mlWorkbench.rerun', async (arg?: RunArgument) => {
      const store = training.store();
      const runId = await runIdOf(arg, training, 'Select the run to train again');
      const record = runId ? store?.get(runId) : undefined;
      if (!store || !record) return undefined;
      return train(path.join(store.workspaceRoot, record.experimentFile), { seed: record.seed });
    }),
  );
  disposer.track(
    vscode.commands.registerCommand('mlWorkbench.deleteRun', async (arg?: RunArgument | RunItem, selected?: RunItem[]) => {
      const store = training.store();
      const ids = selected && selected.length > 1 ? selected.map((item) => item.runId) : [await runIdOf(arg, training, 'Select the run to delete')];
      const runIds = ids.filter((id): id is string => typeof id === 'string');
      if (!store || runIds.length === 0) return;
      const running = runIds.filter((id) => training.isActive(id));
      if (running.length > 0) {
        void vscode.window.showWarningMessage(`ML Workbench: cancel ${running.join(', ')} before deleting it.`);
        return;
      }
      const answer = await vscode.window.showWarningMessage(
        runIds.length === 1 ? `Delete run ${runIds[0]} and its files?` : `Delete ${runIds.length} runs and their files?`,
        { modal: true },
        'Delete',
      );
      if (answer !== 'Delete') return;
      for (const id of runIds) store.delete(id);
      tree.refresh();
    }),
  );
  disposer.track(
    vscode.commands.registerCommand('mlWorkbench.revealRun', async (arg?: RunArgument) => {
      const store = training.store();
      const runId = await runIdOf(arg, training);
      if (store && runId) await executeCommand('revealInExplorer', vscode.Uri.file(path.join(store.runDir(runId), 'run.json')));
    }),
  );
  disposer.track(registerCommand('mlWorkbench.exportModel', (arg, options) => exportModelCommand(training, arg, options)));
  disposer.track(
    vscode.commands.registerCommand('mlWorkbench.registerModelVersion', async (arg?: RunArgument, options?: { alias?: string | null; model?: string }) => {
      const registered = await registerModelCommand(training, arg, options);
      tree.refresh();
      return registered;
    }),
  );
  disposer.track(
    vscode.commands.registerCommand('mlWorkbench.removeModelAlias', async (arg?: RunArgument, model?: string, alias?: string) => {
      const removed = await removeAliasCommand(training, arg, model, alias);
      tree.refresh();
      return removed;
    }),
  );
  disposer.track(
    vscode.commands.registerCommand('mlWorkbench.copyRunId', async (arg?: RunArgument) => {
      const runId = await runIdOf(arg, training);
      if (runId) await vscode.env.clipboard.writeText(runId);
    }),
  );
  return tree;
}

async function announce(record: RunRecord, store: RunStore | undefined): Promise<void> {
  if (record.status === 'completed') {
    // A run that trained with warnings (values that did not train as they look) says so, with its log a click away.
    const warned = (record.warnings?.length ?? 0) > 0;
    const actions = ['Open Dashboard', ...(warned && store ? ['Show Log'] : [])];
    const choice = warned
      ? await vscode.window.showWarningMessage(completionMessage(record), ...actions)
      : await vscode.window.showInformationMessage(completionMessage(record), ...actions);
    if (choice === 'Open Dashboard') await executeCommand('mlWorkbench.openDashboard', record.id);
    else if (choice === 'Show Log' && store)
      await vscode.window.showTextDocument(vscode.Uri.file(path.join(store.runDir(record.id), 'log.txt')), { preview: true });
  } else {
    // The whole reason (every line), with the run's log and its dashboard a click away.
    const log = store ? vscode.Uri.file(path.join(store.runDir(record.id), 'log.txt')) : undefined;
    showFailure(`run ${record.id} ${record.status}`, record.reason ?? 'no reason was recorded', {
      actions: { 'Open Dashboard': () => executeCommand('mlWorkbench.openDashboard', record.id) },
      ...(log ? { showLog: () => vscode.window.showTextDocument(log, { preview: true }) } : {}),
    });
  }
}
