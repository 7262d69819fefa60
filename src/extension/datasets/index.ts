import * as vscode from 'vscode';
import type { Services } from '../services';

/** Datasets view: placeholder until the dataset engine lands; shows the welcome view. */
class DatasetsTree implements vscode.TreeDataProvider<never> {
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

/** Registers the Datasets view and its commands. */
export function registerDatasets(context: vscode.ExtensionContext, services: Services): void {
  const tree = new DatasetsTree();
  services.disposer.track(vscode.window.createTreeView('mlWorkbench.datasets', { treeDataProvider: tree, showCollapseAll: true }));
  services.disposer.track(vscode.commands.registerCommand('mlWorkbench.refreshDatasets', () => tree.refresh()));
  void context;
}
