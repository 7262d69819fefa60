/** The target column the profile's exploration starts with: that of an experiment of the workspace which trains on the file. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { loadExperimentFile } from '../../core/runs/experimentFile';

/** The target of the first experiment file (by path) whose data is `filePath`; undefined when none references it. */
export async function experimentTargetFor(filePath: string): Promise<string | undefined> {
  const files = await vscode.workspace.findFiles('**/*.experiment.{yaml,yml,json}', '**/node_modules/**', 200);
  const sorted = files.map((uri) => uri.fsPath).sort();
  for (const file of sorted) {
    const loaded = loadExperimentFile(file);
    if (loaded.dataPath && path.resolve(loaded.dataPath) === path.resolve(filePath) && loaded.experiment?.data.target) return loaded.experiment.data.target;
  }
  return undefined;
}
