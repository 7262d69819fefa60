/** Palette and context-menu commands of the Datasets feature. */
import * as vscode from 'vscode';
import { datasetFormat } from '../../core/datasets/sniff';
import { PreviewPanel, type PreviewDeps } from '../preview/panel';
import type { PreviewTab } from '../preview/contract';
import { executeCommand, registerCommand } from '../commands';
import { DatasetIndex } from './model';
import type { DatasetNode } from './tree';

/** A command argument as VS Code passes it: a tree node, a URI (explorer, CodeLens, hover link), a path, or nothing. */
export type DatasetTarget = DatasetNode | vscode.Uri | string | undefined;

function uriOf(target: DatasetTarget): vscode.Uri | undefined {
  if (target instanceof vscode.Uri) return target;
  if (typeof target === 'string') return vscode.Uri.file(target);
  if (target && typeof target === 'object' && 'entry' in target) return target.entry.uri;
  // A hover link's JSON arguments arrive as a plain object with the URI's parts.
  if (target && typeof target === 'object' && 'path' in target && 'scheme' in target) return vscode.Uri.from(target as vscode.Uri);
  return undefined;
}

/** The target's file, else the active editor's dataset file, else one picked from the Datasets list. */
async function pickDataset(target: DatasetTarget, index: DatasetIndex): Promise<vscode.Uri | undefined> {
  const direct = uriOf(target);
  if (direct) return direct;
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.scheme === 'file' && datasetFormat(active.fsPath)) return active;
  await index.ready();
  const items = index.list().map((entry) => ({ label: DatasetIndex.label(entry.uri), uri: entry.uri }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage('ML Workbench: no dataset files found in this workspace.');
    return undefined;
  }
  return (await vscode.window.showQuickPick(items, { placeHolder: 'Dataset file' }))?.uri;
}

/** Registers preview, profile, reveal, copy path and new-experiment commands. */
export function registerDatasetCommands(deps: PreviewDeps, index: DatasetIndex): vscode.Disposable[] {
  const open =
    (tab: PreviewTab) =>
    async (target: DatasetTarget, options?: { row?: number }): Promise<PreviewPanel | undefined> => {
      const uri = await pickDataset(target, index);
      if (!uri) return undefined;
      const panel = PreviewPanel.show(deps, uri.fsPath, tab);
      const row = options?.row;
      if (tab === 'data' && typeof row === 'number' && Number.isInteger(row) && row >= 1) await panel.revealRow(row);
      return panel;
    };
  return [
    registerCommand('mlWorkbench.previewDataset', open('data')),
    vscode.commands.registerCommand('mlWorkbench.profileDataset', open('profile')),
    vscode.commands.registerCommand('mlWorkbench.revealDataset', async (target: DatasetTarget) => {
      const uri = await pickDataset(target, index);
      if (uri) await executeCommand('revealInExplorer', uri);
    }),
    vscode.commands.registerCommand('mlWorkbench.copyDatasetPath', async (target: DatasetTarget) => {
      const uri = await pickDataset(target, index);
      if (uri) await vscode.env.clipboard.writeText(uri.fsPath);
      return uri?.fsPath;
    }),
    vscode.commands.registerCommand('mlWorkbench.newExperimentFromDataset', async (target: DatasetTarget) => {
      const uri = await pickDataset(target, index);
      if (!uri) return;
      await executeCommand('mlWorkbench.newExperiment', uri);
    }),
  ];
}
