import * as vscode from 'vscode';
import type { Services } from '../services';

/** Deployed Models view: placeholder until the prediction service lands; shows the welcome view. */
class DeploymentsTree implements vscode.TreeDataProvider<never> {
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

/** Registers the Deployed Models view and its commands. */
export function registerDeployments(services: Services): void {
  const tree = new DeploymentsTree();
  services.disposer.track(vscode.window.createTreeView('mlWorkbench.deployments', { treeDataProvider: tree }));
  services.disposer.track(vscode.commands.registerCommand('mlWorkbench.refreshDeployments', () => tree.refresh()));
}
