import * as vscode from 'vscode';
import { formatMetric, headlineMetric, runLabel } from '../../core/runs/display';
import type { TrainingManager } from '../training/manager';

/** A command's run argument: a run id, a tree item with a runId, or nothing (then the user picks). */
export type RunArgument = string | { readonly runId: string } | undefined;

/** Resolves a run argument to a run id, asking with a QuickPick when none was given. */
export async function runIdOf(arg: RunArgument, training: TrainingManager, placeHolder = 'Select a run'): Promise<string | undefined> {
  if (typeof arg === 'string') return arg;
  if (arg && typeof arg === 'object' && typeof arg.runId === 'string') return arg.runId;
  const runs = training.store()?.list() ?? [];
  if (runs.length === 0) {
    void vscode.window.showInformationMessage('ML Workbench: there are no runs yet. Train an experiment first.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(
    runs.map((run) => {
      const metric = headlineMetric(run);
      return {
        label: run.id,
        description: runLabel(run, []),
        detail: metric ? `${metric.name} ${formatMetric(metric.value)}: ${metric.definition}` : undefined,
      };
    }),
    { placeHolder, matchOnDescription: true },
  );
  return picked?.label;
}
