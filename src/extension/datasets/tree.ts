/** The Datasets view: dataset files with rows × columns and size; children are columns with type, missing % and distinct count. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ColumnProfile, ColumnType } from '../../core/datasets/types';
import { formatBytes } from './markdown';
import type { DatasetEntry, DatasetIndex } from './model';
import { sourceSummary } from './source';
import { errorMessage } from '../../core/types';

export type DatasetNode =
  | { readonly kind: 'file'; readonly entry: DatasetEntry }
  | { readonly kind: 'column'; readonly entry: DatasetEntry; readonly column: ColumnProfile }
  | { readonly kind: 'message'; readonly entry: DatasetEntry; readonly text: string };

const TYPE_ICONS: Readonly<Record<ColumnType, string>> = {
  integer: 'symbol-number',
  float: 'symbol-number',
  boolean: 'symbol-boolean',
  date: 'calendar',
  datetime: 'calendar',
  categorical: 'symbol-enum',
  text: 'symbol-string',
};

/** "10 × 6 · 315 B" for a file whose rows are counted, "… × 6" while counting. */
export function fileDescription(entry: DatasetEntry, size: number | undefined): string {
  if (entry.error) return 'cannot be read';
  if (!entry.schema) return 'reading…';
  const rows = entry.rows === undefined ? '…' : entry.rows.toLocaleString('en-US');
  return `${rows} × ${entry.schema.columns.length} · ${formatBytes(size ?? entry.schema.size)}`;
}

/** "integer · 20.0% missing · 6 distinct"; an estimated count reads "≈6 distinct". */
export function columnDescription(column: ColumnProfile): string {
  const about = column.distinctEstimated ? '≈' : '';
  return `${column.type} · ${(column.missingRatio * 100).toFixed(1)}% missing · ${about}${column.distinct.toLocaleString('en-US')} distinct`;
}

export class DatasetsTree implements vscode.TreeDataProvider<DatasetNode> {
  private readonly changed = new vscode.EventEmitter<DatasetNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly nodes = new Map<string, DatasetNode>();

  constructor(private readonly index: DatasetIndex) {
    index.onDidChange((filePath) => {
      const node = filePath ? this.nodes.get(filePath) : undefined;
      // A node object the view knows refreshes in place; anything else refreshes the whole list.
      if (node && node.kind === 'file' && this.index.list().some((entry) => entry === node.entry)) this.changed.fire(node);
      else this.changed.fire(undefined);
    });
  }

  refresh(): void {
    void this.index.refresh();
  }

  getTreeItem(node: DatasetNode): vscode.TreeItem {
    if (node.kind === 'column') {
      const column = node.column;
      const item = new vscode.TreeItem(column.name, vscode.TreeItemCollapsibleState.None);
      item.description = columnDescription(column);
      item.iconPath = new vscode.ThemeIcon(TYPE_ICONS[column.type]);
      item.contextValue = 'mlWorkbench.datasetColumn';
      item.tooltip = `${column.name}: ${column.type}\n${column.count} present, ${column.missing} missing, ${column.distinctEstimated ? '≈' : ''}${column.distinct} distinct${column.distinctEstimated ? ' (estimate)' : ''}${column.invalidCount > 0 ? `\n${column.invalidCount} values do not parse as ${column.type}` : ''}`;
      return item;
    }
    if (node.kind === 'message') {
      const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon('warning');
      return item;
    }
    const entry = node.entry;
    const item = new vscode.TreeItem(
      path.basename(entry.uri.fsPath),
      entry.error ? vscode.TreeItemCollapsibleState.None : vscode.TreeItemCollapsibleState.Collapsed,
    );
    item.id = entry.uri.toString();
    item.resourceUri = entry.uri;
    item.description = fileDescription(entry, undefined);
    if (entry.error) {
      item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
      item.tooltip = entry.error;
      item.contextValue = 'mlWorkbench.datasetError';
    } else {
      item.iconPath = new vscode.ThemeIcon('table');
      const warnings = entry.schema?.warnings ?? [];
      const source = sourceSummary(entry.uri.fsPath);
      const description = item.description;
      if (source) item.description = `${description} · ${source.short}`;
      item.tooltip = [vscode.workspace.asRelativePath(entry.uri, false), description, ...(source ? [source.long] : []), ...warnings].join('\n');
      item.contextValue = 'mlWorkbench.dataset';
      item.command = { command: 'mlWorkbench.previewDataset', title: 'Preview Dataset', arguments: [entry.uri] };
    }
    return item;
  }

  async getChildren(node?: DatasetNode): Promise<DatasetNode[]> {
    if (!node) {
      await this.index.ready();
      return this.index.list().map((entry) => {
        const fileNode: DatasetNode = { kind: 'file', entry };
        this.nodes.set(entry.uri.fsPath, fileNode);
        return fileNode;
      });
    }
    if (node.kind !== 'file' || node.entry.error) return [];
    try {
      const profile = await this.index.profile(node.entry.uri.fsPath);
      return profile.columns.map((column) => ({ kind: 'column', entry: node.entry, column }));
    } catch (error) {
      return [{ kind: 'message', entry: node.entry, text: errorMessage(error) }];
    }
  }

  getParent(node: DatasetNode): DatasetNode | undefined {
    return node.kind === 'file' ? undefined : this.nodes.get(node.entry.uri.fsPath);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
