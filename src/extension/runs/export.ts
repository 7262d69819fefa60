/**
 * "Export Model…" on a completed run: asks the format and a folder, writes the export in the
 * extension host (file copies, no build) and opens its README. Tests pass `{ format, outDir }`.
 */
import * as vscode from 'vscode';
import { existsSync, readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { EXPORT_FORMATS, exportModel, type ExportFormat } from '../../core/export/formats';
import type { ExportResult } from '../../core/export';
import { showFailure } from '../failure';
import type { TrainingManager } from '../training/manager';
import { executeCommand } from '../commands';
import { runIdOf, type RunArgument } from './pickRun';

/** Preset answers of "Export Model…": with both, it asks nothing. */
export interface ExportModelOptions {
  readonly format?: ExportFormat;
  /** The export folder itself (new or empty), not its parent. */
  readonly outDir?: string;
}

/** How the format picker shows each format. */
const FORMAT_ITEMS: Readonly<Record<ExportFormat, { label: string; detail: string }>> = {
  folder: { label: 'Folder for mlwb serve', detail: 'The model with its pipeline, schema and README; `mlwb serve DIR` serves it on any machine with Node.js.' },
  onnx: {
    label: 'ONNX model',
    detail: 'model.onnx: the preparation steps and the model as one graph, for onnxruntime, Triton, KServe or any ONNX runtime.',
  },
  container: {
    label: 'Container build context',
    detail: 'A Dockerfile (node:20-slim, non-root, health check), the service in one file, the model and a Kubernetes manifest.',
  },
  sklearn: { label: 'scikit-learn script only', detail: 'train_sklearn.py: the same preparation and model in Python.' },
};

/** Exports a run; resolves with what was written, or undefined when the user stopped or it failed (shown). */
export async function exportModelCommand(
  training: TrainingManager,
  arg?: RunArgument,
  options: ExportModelOptions = {},
): Promise<(ExportResult & { format: ExportFormat }) | undefined> {
  const store = training.store();
  const runId = await runIdOf(arg, training, 'Select the run to export');
  const record = runId ? store?.get(runId) : undefined;
  if (!store || !runId) return undefined;
  if (!record || record.status !== 'completed') {
    void vscode.window.showErrorMessage(`ML Workbench: only a completed run can be exported; run ${runId} is ${record?.status ?? 'not in this workspace'}.`);
    return undefined;
  }
  const format = options.format ?? (await pickFormat());
  if (!format) return undefined;
  const outDir = options.outDir ?? (await pickFolder(store.workspaceRoot, `${record.experiment}-${record.id}-${format}`));
  if (!outDir) return undefined;
  let result: ExportResult & { format: ExportFormat };
  try {
    result = exportModel(store.runDir(runId), outDir, { format });
  } catch (error) {
    showFailure(`export of ${runId} failed`, error);
    return undefined;
  }
  await reveal(result);
  return result;
}

async function pickFormat(): Promise<ExportFormat | undefined> {
  const picked = await vscode.window.showQuickPick(
    EXPORT_FORMATS.map((format) => ({ ...FORMAT_ITEMS[format], format })),
    { placeHolder: 'Export the model as…', matchOnDetail: true },
  );
  return picked?.format;
}

/** The folder to export into: the one picked when it is empty, otherwise a new subfolder named after the run. */
async function pickFolder(workspaceRoot: string, subfolder: string): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel: 'Export Here',
    title: 'Folder to export the model into (a subfolder is made when it is not empty)',
    defaultUri: vscode.Uri.file(workspaceRoot),
  });
  const folder = picked?.[0]?.fsPath;
  if (!folder) return undefined;
  if (!existsSync(folder) || readdirSync(folder).length === 0) return folder;
  const inside = path.join(folder, subfolder.replace(/[^\w.-]+/g, '-'));
  if (existsSync(inside) && (!statSync(inside).isDirectory() || readdirSync(inside).length > 0)) {
    void vscode.window.showErrorMessage(`ML Workbench: ${folder} is not empty and ${path.basename(inside)} exists in it; choose an empty folder.`);
    return undefined;
  }
  return inside;
}

/** The file an export is shown by: the README, the script, or the (binary) ONNX model, which is revealed but not opened. */
const MAIN_FILE: Readonly<Record<ExportFormat, string>> = { folder: 'README.md', onnx: 'model.onnx', container: 'README.md', sklearn: 'train_sklearn.py' };

/** Opens the export's README (or the script), then offers to reveal the folder where the editor can (not awaited). */
async function reveal(result: ExportResult & { format: ExportFormat }): Promise<void> {
  const main = vscode.Uri.file(path.join(result.outDir, MAIN_FILE[result.format]));
  if (result.format === 'onnx') {
    void offerReveal(result, main);
    return;
  }
  try {
    await vscode.window.showTextDocument(main, { preview: false });
  } catch (error) {
    showFailure(`cannot open ${main.fsPath}`, error);
  }
  void offerReveal(result, main);
}

async function offerReveal(result: ExportResult, main: vscode.Uri): Promise<void> {
  const folder = vscode.Uri.file(result.outDir);
  // The Explorer shows folders of the workspace; the OS's file manager only exists on the desktop.
  const inWorkspace = vscode.workspace.getWorkspaceFolder(folder) !== undefined;
  const canReveal = inWorkspace || (vscode.env.uiKind === vscode.UIKind.Desktop && vscode.env.remoteName === undefined);
  const choice = await vscode.window.showInformationMessage(
    `ML Workbench: exported to ${result.outDir} (${result.files.length} entries).`,
    ...(canReveal ? ['Reveal'] : []),
  );
  if (choice !== 'Reveal') return;
  if (inWorkspace) await executeCommand('revealInExplorer', main);
  else await executeCommand('revealFileInOS', folder);
}
