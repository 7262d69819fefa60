import * as vscode from 'vscode';
import type { Services } from '../services';
import { registerCommand } from '../commands';
import { PreviewPanel, type PreviewDeps } from '../preview/panel';
import { isPersistedPreview, type PreviewState } from '../preview/contract';
import { registerDatasetCommands } from './commands';
import { DatasetIndex } from './model';
import { DATASET_SELECTOR, DatasetCodeLensProvider, DatasetHoverProvider } from './providers';
import { columnDescription, DatasetsTree, fileDescription } from './tree';

/** What the Datasets view shows, flattened for tests. */
export interface DatasetsTreeSnapshot {
  readonly path: string;
  readonly description: string;
  /** The tree item's tooltip, as the view shows it. */
  readonly tooltip?: string;
  readonly error?: string;
  readonly columns?: readonly { readonly name: string; readonly description: string }[];
}

/** Handles the integration tests use through `mlWorkbench._datasetsTestApi`. */
export interface DatasetsApi {
  /** Lists the files, waits for their row counts and, with `columns`, their column profiles. */
  treeSnapshot(columns: boolean): Promise<DatasetsTreeSnapshot[]>;
  previewState(filePath: string): PreviewState | undefined;
}

const DATASET_GLOB = '**/*.{csv,tsv,tab,json,jsonl,ndjson,parquet,pq}';

/** Registers the Datasets view, its commands, the inline hover/CodeLens and the preview panel. */
export function registerDatasets(context: vscode.ExtensionContext, services: Services): DatasetsApi {
  const { disposer, log } = services;
  const client = services.datasets;
  const index = disposer.track(new DatasetIndex(client, log));
  const tree = disposer.track(new DatasetsTree(index));
  disposer.track(vscode.window.createTreeView('mlWorkbench.datasets', { treeDataProvider: tree, showCollapseAll: true }));
  disposer.track(registerCommand('mlWorkbench.refreshDatasets', () => tree.refresh()));

  const deps: PreviewDeps = { client, index, extensionUri: context.extensionUri, log };
  for (const command of registerDatasetCommands(deps, index)) disposer.track(command);
  disposer.track(
    vscode.window.registerWebviewPanelSerializer(PreviewPanel.viewType, {
      async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown) {
        if (isPersistedPreview(state)) PreviewPanel.revive(deps, panel, state.filePath, state.tab, state.offset);
        else panel.dispose();
      },
    }),
  );
  disposer.track({ dispose: () => PreviewPanel.all().forEach((panel) => panel.panel.dispose()) });

  const hover = new DatasetHoverProvider(client, index);
  const lenses = disposer.track(new DatasetCodeLensProvider(index));
  disposer.track(vscode.languages.registerHoverProvider(DATASET_SELECTOR, hover));
  disposer.track(vscode.languages.registerCodeLensProvider(DATASET_SELECTOR, lenses));

  // A burst of file events (a checkout, a generator) refreshes once.
  let relist: NodeJS.Timeout | undefined;
  const scheduleRelist = (): void => {
    if (relist) clearTimeout(relist);
    relist = setTimeout(() => void index.refresh(), 300);
  };
  const watcher = disposer.track(vscode.workspace.createFileSystemWatcher(DATASET_GLOB));
  // A file replaced by a rename (an atomic write, such as an import's) arrives as created: drop what was known of it.
  disposer.track(
    watcher.onDidCreate((uri) => {
      index.fileChanged(uri);
      scheduleRelist();
    }),
  );
  disposer.track(
    watcher.onDidDelete((uri) => {
      client.forget(uri.fsPath);
      scheduleRelist();
    }),
  );
  disposer.track(watcher.onDidChange((uri) => index.fileChanged(uri)));
  disposer.track({ dispose: () => relist && clearTimeout(relist) });
  disposer.track(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('mlWorkbench.datasets')) void index.refresh();
      if (event.affectsConfiguration('mlWorkbench.preview')) lenses.refresh();
    }),
  );
  void index.refresh();

  const api: DatasetsApi = {
    async treeSnapshot(columns) {
      await index.ready();
      const entries = index.list();
      await Promise.all(
        entries.map(async (entry) => {
          await index.schema(entry.uri.fsPath).catch(() => undefined);
          if (!entry.error) await index.ensureCount(entry.uri.fsPath);
        }),
      );
      return Promise.all(
        entries.map(async (entry) => {
          const item = tree.getTreeItem({ kind: 'file', entry });
          const snapshot: DatasetsTreeSnapshot = {
            path: vscode.workspace.asRelativePath(entry.uri, false),
            description: typeof item.description === 'string' ? item.description : fileDescription(entry, undefined),
            ...(typeof item.tooltip === 'string' ? { tooltip: item.tooltip } : {}),
            ...(entry.error ? { error: entry.error } : {}),
          };
          if (!columns || entry.error) return snapshot;
          const profile = await index.profile(entry.uri.fsPath);
          return { ...snapshot, columns: profile.columns.map((column) => ({ name: column.name, description: columnDescription(column) })) };
        }),
      );
    },
    previewState: (filePath) => PreviewPanel.get(filePath)?.snapshot(),
  };
  disposer.track(vscode.commands.registerCommand('mlWorkbench._datasetsTestApi', () => api));
  return api;
}
