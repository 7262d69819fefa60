import * as vscode from 'vscode';
import * as path from 'node:path';
import { Disposer } from './dispose';
import { Log } from './log';
import { probeRuntime } from './runtime';
import type { Services } from './services';
import type { RuntimeInfo } from '../worker/protocol';
import { registerDatasets } from './datasets';
import { registerRuns } from './runs';
import { registerDeployments } from './deployments';
import { registerExperiments } from './experiments';
import { registerDashboards } from './dashboard';
import { registerMonitor } from './monitor';
import { registerImport } from './import/commands';
import { WorkersStatus } from './training/workersStatus';
import { TrainingManager } from './training/manager';
import { DatasetsClient } from './datasets/client';
import { logFailuresTo, showFailure } from './failure';
import { executeCommand } from './commands';

/** What `vscode.extensions.getExtension(...).exports` gives other extensions and the integration tests. */
export interface MlWorkbenchApi {
  runtimeInfo(): Promise<RuntimeInfo>;
  /** The Runs view as the user sees it: labels, descriptions and context values, nested. */
  runsView(): TreeSnapshot[];
  /** The Deployed Models view as the user sees it. */
  deploymentsView(): TreeSnapshot[];
  /** The Workers status bar item: its text and tooltip as shown, after one fresh read of the queue. */
  workersStatus(): Promise<{ text: string; tooltip: string }>;
}

export interface TreeSnapshot {
  readonly label: string;
  readonly description?: string;
  readonly contextValue?: string;
  readonly icon?: string;
  readonly children: TreeSnapshot[];
}

function snapshot<T extends vscode.TreeItem>(provider: { getChildren(element?: T): T[] }, element?: T): TreeSnapshot[] {
  return provider.getChildren(element).map((item) => ({
    label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
    description: typeof item.description === 'string' ? item.description : undefined,
    contextValue: item.contextValue,
    icon: item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : undefined,
    children: item.collapsibleState === vscode.TreeItemCollapsibleState.None ? [] : snapshot(provider, item),
  }));
}

/** Wires the extension's features together; each feature lives in its own folder. */
export function activate(context: vscode.ExtensionContext): MlWorkbenchApi {
  const disposer = new Disposer();
  context.subscriptions.push(disposer);
  const log = disposer.track(new Log());
  disposer.track(logFailuresTo(log));
  log.info(`ML Workbench ${String(context.extension.packageJSON.version)} activating in VS Code ${vscode.version}`);

  const preference = vscode.workspace.getConfiguration('mlWorkbench').get<string>('tfjsBackend', 'auto');
  const runtime = probeRuntime(context.extensionPath, preference);
  runtime.then(
    (info) => log.info(`TensorFlow.js ${info.tfjsVersion} backend: ${info.backend} (${info.reason}); DuckDB ${info.duckdbVersion}; Node ${info.nodeVersion}`),
    (error: unknown) => log.error('runtime probe failed', error),
  );

  const training = disposer.track(new TrainingManager(context.extensionPath, log));
  const workersStatus = disposer.track(new WorkersStatus());
  const datasets = new DatasetsClient(path.join(context.extensionPath, 'dist', 'worker', 'datasets.js'));
  disposer.track({ dispose: () => datasets.dispose() });
  const services: Services = { disposer, log, extensionPath: context.extensionPath, runtime, training, datasets };
  registerDatasets(context, services);
  const experiments = registerExperiments(services);
  const runsTree = registerRuns(services, (document, text) => experiments.validateForTraining(document, text), context.workspaceState);
  const deployments = registerDeployments(services);
  registerMonitor(services, deployments.manager, context.workspaceState);
  registerDashboards(services);
  registerImport(context, services);

  disposer.track(vscode.commands.registerCommand('mlWorkbench.showLog', () => log.channel.show(true)));
  disposer.track(vscode.commands.registerCommand('mlWorkbench.openSettings', () => executeCommand('workbench.action.openSettings', '@ext:mlwb.ml-workbench')));
  disposer.track(
    vscode.commands.registerCommand('mlWorkbench.showRuntimeInfo', async () => {
      try {
        const info = await runtime;
        log.channel.show(true);
        void vscode.window.showInformationMessage(`ML Workbench: TensorFlow.js backend ${info.backend}, DuckDB ${info.duckdbVersion}`);
        return info;
      } catch (error) {
        showFailure('runtime probe failed', error);
        return undefined;
      }
    }),
  );
  // The extension's own bundles loaded by now: dist/lazy/* (database clients, DuckDB, YAML) only once something uses them.
  // Only dist/: in a development checkout the extension's folder also holds node_modules and the test editor.
  const bundles = path.join(context.extensionPath, 'dist') + path.sep;
  const loaded = Object.keys(require.cache).filter((file) => file.startsWith(bundles));
  log.info(`activated; loaded ${loaded.map((file) => path.relative(context.extensionPath, file)).join(', ')}`);
  return {
    runtimeInfo: () => runtime,
    runsView: () => snapshot(runsTree),
    deploymentsView: () => snapshot(deployments.tree),
    workersStatus: async () => {
      await workersStatus.refresh();
      return { text: workersStatus.text, tooltip: workersStatus.tooltip };
    },
  };
}

export function deactivate(): void {
  // Everything is released through context.subscriptions.
}
