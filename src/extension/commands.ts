/**
 * The commands one feature of the extension runs from another, as vscode-python's
 * `application/commands.ts` does: a map from each command id to the signature of its handler. The
 * feature that owns a command registers it with `registerCommand` and the others run it with
 * `executeCommand`, so both sides are checked against the same arguments and result.
 */
import * as vscode from 'vscode';
import type { RunRecord } from '../core/runs/store';
import type { Delivered as DashboardDelivered } from './dashboard/panel';
import type { RunArgument as DashboardRunArgument } from './dashboard/pick';
import type { DatasetTarget } from './datasets/commands';
import type { DeploymentRecord } from './deployments/manager';
import type { DeploymentArgument } from './deployments/pick';
import type { Delivered as MonitorDelivered } from './monitor/panel';
import type { PreviewPanel } from './preview/panel';
import type { RunArgument } from './runs/pickRun';
import type { ExportModelOptions } from './runs/export';
import type { ExportFormat } from '../core/export/formats';
import type { ExportResult } from '../core/export';

/** How `mlWorkbench.train` runs: a fixed seed, no completion notification, retraining with a deployment's feedback. */
export interface TrainOptions {
  readonly seed?: number;
  readonly silent?: boolean;
  readonly feedbackFrom?: string;
}

/** The run a retraining started from and the run it made. */
export interface Retrained {
  readonly previous: RunRecord;
  readonly retrained: RunRecord;
}

/** Each command id with its handler's signature. */
export interface Commands {
  'mlWorkbench.train': (arg?: unknown, options?: TrainOptions) => Promise<RunRecord | undefined>;
  'mlWorkbench.cancelRun': (arg?: RunArgument) => Promise<void>;
  'mlWorkbench.openDashboard': (arg: DashboardRunArgument) => Promise<DashboardDelivered | undefined>;
  /** `selection` is the Runs view's selection; the runs compared are it and `arg`. */
  'mlWorkbench.compareRuns': (arg: DashboardRunArgument, selection?: readonly unknown[]) => Promise<DashboardDelivered | undefined>;
  'mlWorkbench.deploy': (arg?: RunArgument, options?: { online?: boolean }) => Promise<DeploymentRecord | undefined>;
  /** `options` answers the questions (format, folder) so nothing is asked. */
  'mlWorkbench.exportModel': (arg?: RunArgument, options?: ExportModelOptions) => Promise<(ExportResult & { format: ExportFormat }) | undefined>;
  'mlWorkbench.stopDeployment': (arg?: DeploymentArgument) => Promise<void>;
  'mlWorkbench.restartDeployment': (arg?: DeploymentArgument) => Promise<DeploymentRecord | undefined>;
  'mlWorkbench.showDeploymentLog': (arg?: DeploymentArgument) => Promise<void>;
  'mlWorkbench.copyDeploymentUrl': (arg?: DeploymentArgument) => Promise<void>;
  'mlWorkbench.retrainWithFeedback': (arg?: DeploymentArgument | RunArgument, options?: { silent?: boolean }) => Promise<Retrained | undefined>;
  'mlWorkbench.openMonitor': (arg?: DeploymentArgument) => Promise<MonitorDelivered | undefined>;
  /** `arg`: preset answers or a dataset URI. */
  'mlWorkbench.newExperiment': (arg?: unknown) => Promise<vscode.Uri | undefined>;
  /** Shows the ML Workbench output channel. */
  'mlWorkbench.showLog': () => void;
  'mlWorkbench.refreshDatasets': () => void;
  /** `options.row`: open at this 1-based data row of the file (filter and sort cleared). */
  'mlWorkbench.previewDataset': (target?: DatasetTarget, options?: { row?: number }) => Promise<PreviewPanel | undefined>;
}

/** VS Code's own commands that the extension runs, with their arguments. */
export interface BuiltInCommands {
  revealInExplorer: (uri: vscode.Uri) => void;
  revealFileInOS: (uri: vscode.Uri) => void;
  'workbench.trust.manage': () => void;
  /** Sets a context key that `when` clauses of menus read. */
  setContext: (key: string, value: unknown) => void;
  /** Opens the Problems view. */
  'workbench.actions.view.problems': () => void;
  /** `query` filters the Settings editor, as `@ext:publisher.name`. */
  'workbench.action.openSettings': (query: string) => void;
}

type Runnable = Commands & BuiltInCommands;

/** Registers the handler of a command of the map; the handler must have the map's signature. */
export function registerCommand<C extends keyof Commands>(command: C, handler: Commands[C]): vscode.Disposable {
  return vscode.commands.registerCommand(command, handler);
}

/** Runs a command of the map (or of VS Code) with arguments of its signature; resolves with its handler's result. */
export function executeCommand<C extends keyof Runnable>(command: C, ...args: Parameters<Runnable[C]>): Thenable<Awaited<ReturnType<Runnable[C]>>> {
  return vscode.commands.executeCommand<Awaited<ReturnType<Runnable[C]>>>(command, ...args);
}
