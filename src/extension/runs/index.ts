import * as vscode from 'vscode';
import type { Services } from '../services';

/** Runs view: placeholder until the run store lands; shows the welcome view. */
class RunsTree implements vscode.TreeDataProvider<never> {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;

  refresh(): void {
    this.changed.fire();
  }

  getTreeItem(element: never): vscode.TreeItem {
    return element;
  }

  getChildren(): never[] {
    return [];
  }
}

/** Registers the Runs view and its commands. */
export function registerRuns(services: Services): void {
  const tree = new RunsTree();
  services.disposer.track(vscode.window.createTreeView('mlWorkbench.runs', { treeDataProvider: tree }));
  services.disposer.track(vscode.commands.registerCommand('mlWorkbench.refreshRuns', () => tree.refresh()));
}
