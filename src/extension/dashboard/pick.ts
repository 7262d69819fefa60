/** Which runs a dashboard command is about: from its argument, the tree's selection, or a QuickPick. */
import * as vscode from 'vscode';
import { keyMetric } from '../../core/runs/keyMetric';
import type { RunRecord, RunStore } from '../../core/runs/store';

/** A run id, a Runs view item (which has `runId`, and `trialIndex` for a sweep's trial), or nothing. */
export type RunArgument = string | { readonly runId: string; readonly trialIndex?: number } | undefined;

/** The run id and trial index a command argument names, if any. */
export function runOf(arg: unknown): { runId: string; trialIndex?: number } | undefined {
  if (typeof arg === 'string' && arg !== '') return { runId: arg };
  if (typeof arg === 'object' && arg !== null && typeof (arg as { runId?: unknown }).runId === 'string') {
    const { runId, trialIndex } = arg as { runId: string; trialIndex?: unknown };
    return typeof trialIndex === 'number' ? { runId, trialIndex } : { runId };
  }
  return undefined;
}

interface RunPickItem extends vscode.QuickPickItem {
  readonly runId: string;
}

function item(record: RunRecord): RunPickItem {
  const metric = keyMetric(record);
  return {
    label: record.experiment,
    description: [record.status, metric ? `${metric.name} ${metric.value.toFixed(4)}` : '', record.modelType ?? ''].filter(Boolean).join(' · '),
    detail: `${record.id}${Array.isArray(record.trials) ? ` · sweep of ${record.trials.length} trials` : ''}`,
    runId: record.id,
  };
}

/** Asks for one run; undefined when the store is empty or the user dismissed the pick. */
export async function pickRun(store: RunStore, placeHolder: string, filter: (record: RunRecord) => boolean = () => true): Promise<string | undefined> {
  const records = store.list().filter(filter);
  if (records.length === 0) {
    void vscode.window.showInformationMessage('ML Workbench: no matching runs yet. Train an experiment first.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(records.map(item), { placeHolder, matchOnDescription: true, matchOnDetail: true });
  return picked?.runId;
}

/** Asks for two or more runs, with those already chosen ticked. */
export async function pickRuns(store: RunStore, preselected: readonly string[]): Promise<string[] | undefined> {
  const items = store.list().map((record) => ({ ...item(record), picked: preselected.includes(record.id) }));
  if (items.length < 2) {
    void vscode.window.showInformationMessage('ML Workbench: comparing needs at least two runs.');
    return undefined;
  }
  const picked = await vscode.window.showQuickPick(items, { canPickMany: true, placeHolder: 'Select two or more runs to compare', matchOnDetail: true });
  return picked?.map((p) => p.runId);
}
