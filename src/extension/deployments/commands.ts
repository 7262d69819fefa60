/** Palette and context-menu commands of the Deployed Models feature: deploy, stop, restart, versions, URLs, logs. */
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { readModelVersions, setCurrentModelVersion, type ModelVersion } from '../../core/runs/versions';
import { registerCommand, type Commands } from '../commands';
import { showFailure } from '../failure';
import type { Log } from '../log';
import type { RunArgument } from '../runs/pickRun';
import { deployTargetOf, type DeployTarget } from '../runs/registry';
import type { TrainingManager } from '../training/manager';
import { deploymentUrl, type DeploymentManager, type DeploymentRecord } from './manager';
import { curlCommand, exampleRequest } from '../../serve/examples';
import { pickDeployment, type DeploymentArgument } from './pick';
import type { DeploymentsTree } from './tree';

/** What the deployment commands work with. */
export interface DeploymentDeps {
  readonly training: TrainingManager;
  readonly manager: DeploymentManager;
  readonly log: Log;
}

/** Deploys a completed run with a progress notification; a failure is shown, not thrown. */
export async function deployRun(deps: DeploymentDeps, arg?: RunArgument, options: { online?: boolean } = {}): Promise<DeploymentRecord | undefined> {
  if (!vscode.workspace.isTrusted) {
    void vscode.window.showErrorMessage('ML Workbench: serving a model needs a trusted workspace.');
    return undefined;
  }
  const target = await deployTargetOf(arg, deps.training);
  if (!target) return undefined;
  const runId = target.runId;
  try {
    servePinnedVersion(deps, target);
    const record = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Deploying run ${runId}` }, () =>
      deps.manager.deploy(runId, options),
    );
    void warnIfNotOnline(deps, record);
    void vscode.window.showInformationMessage(`ML Workbench: run ${runId} is served at ${deploymentUrl(record)}`, 'Copy URL').then((choice) => {
      if (choice) void vscode.env.clipboard.writeText(deploymentUrl(record));
    });
    return record;
  } catch (error) {
    showFailure(`deploying run ${runId} failed`, error);
    return undefined;
  }
}

/**
 * An aliased registered version names the run's model version it was registered at: when the run has
 * served another version since (an online update, or Serve Model Version…), the run goes back to it,
 * as Serve Model Version… does (no version is deleted).
 */
function servePinnedVersion(deps: DeploymentDeps, target: DeployTarget): void {
  const pinned = target.aliased?.modelVersion;
  const store = deps.training.store();
  if (pinned === undefined || !store) return;
  const runDir = store.runDir(target.runId);
  const { current } = readModelVersions(runDir);
  if (current === pinned) return;
  setCurrentModelVersion(runDir, pinned);
  const name = `${target.aliased?.model}@${target.aliased?.alias}`;
  deps.log.info(`run ${target.runId}: serving model version ${pinned}, registered as ${name} (was ${current})`);
}

/** Registers every command of the feature; `retrain` is the Retrain with Feedback workflow. */
export function registerDeploymentCommands(
  deps: DeploymentDeps,
  tree: DeploymentsTree,
  retrain: Commands['mlWorkbench.retrainWithFeedback'],
): vscode.Disposable[] {
  const { manager, training } = deps;
  return [
    registerCommand('mlWorkbench.deploy', (arg, options) => deployRun(deps, arg, options)),
    vscode.commands.registerCommand('mlWorkbench.refreshDeployments', () => tree.refresh()),
    registerCommand('mlWorkbench.stopDeployment', async (arg) => {
      const record = await pickDeployment(manager, arg, 'Select the service to stop');
      if (record) await manager.stop(record.id);
    }),
    registerCommand('mlWorkbench.restartDeployment', async (arg) => {
      const record = await pickDeployment(manager, arg, 'Select the service to restart');
      if (!record) return undefined;
      try {
        return await manager.restart(record.id);
      } catch (error) {
        showFailure('restarting failed', error);
        return undefined;
      }
    }),
    vscode.commands.registerCommand('mlWorkbench.removeDeployment', async (arg?: DeploymentArgument) => {
      const record = await pickDeployment(manager, arg, 'Select the service to remove from the list');
      if (!record) return;
      if (record.state === 'serving' || record.state === 'starting') await manager.stop(record.id);
      manager.remove(record.id);
    }),
    vscode.commands.registerCommand('mlWorkbench.enableOnlineUpdates', (arg?: DeploymentArgument) => setOnline(deps, arg, true)),
    vscode.commands.registerCommand('mlWorkbench.disableOnlineUpdates', (arg?: DeploymentArgument) => setOnline(deps, arg, false)),
    vscode.commands.registerCommand('mlWorkbench.serveModelVersion', (arg?: DeploymentArgument, version?: number) => serveModelVersion(deps, arg, version)),
    registerCommand('mlWorkbench.copyDeploymentUrl', async (arg) => {
      const record = await pickDeployment(manager, arg, 'Select a service');
      if (record) await vscode.env.clipboard.writeText(deploymentUrl(record));
    }),
    vscode.commands.registerCommand('mlWorkbench.copyCurlExample', async (arg?: DeploymentArgument) => {
      const record = await pickDeployment(manager, arg, 'Select a service');
      const store = training.store();
      if (!record || !store) return;
      const runDir = store.runDir(record.runId);
      const choices = (['mlflow', 'v2'] as const).map((protocol) => ({
        label: protocol === 'mlflow' ? 'POST /invocations' : 'Open Inference Protocol (KServe v2) infer',
        description: protocol === 'mlflow' ? 'MLflow-style: dataframe_records, dataframe_split, instances or CSV' : 'one tensor per feature column',
        command: curlCommand(deploymentUrl(record), exampleRequest(runDir, protocol, record.experiment)),
      }));
      const picked = await vscode.window.showQuickPick(choices, { placeHolder: 'Which request should the curl example send?' });
      if (!picked) return;
      await vscode.env.clipboard.writeText(picked.command);
      void vscode.window.showInformationMessage(`ML Workbench: curl example (${picked.label}) copied.`);
    }),
    registerCommand('mlWorkbench.showDeploymentLog', async (arg) => {
      const record = await pickDeployment(manager, arg, 'Select a service');
      const file = record ? manager.logFile(record.id) : undefined;
      if (file && existsSync(file)) await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true });
    }),
    registerCommand('mlWorkbench.retrainWithFeedback', retrain),
  ];
}

/** Restarts a service with a progress notification; a failure is shown, not thrown. */
async function restartShowing(
  deps: DeploymentDeps,
  record: DeploymentRecord,
  what: string,
  options: { online?: boolean } = {},
): Promise<DeploymentRecord | undefined> {
  try {
    return await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Restarting the service of run ${record.runId} ${what}` },
      () => deps.manager.restart(record.id, options),
    );
  } catch (error) {
    showFailure('restarting failed', error);
    return undefined;
  }
}

async function setOnline(deps: DeploymentDeps, arg: DeploymentArgument, online: boolean): Promise<DeploymentRecord | undefined> {
  const record = await pickDeployment(deps.manager, arg, `Select the service to turn online updates ${online ? 'on' : 'off'} for`);
  if (!record) return undefined;
  // The service reads the switch at start; a restart also loads the version to serve.
  const restarted = await restartShowing(deps, record, `with online updates ${online ? 'on' : 'off'}`, { online });
  if (restarted && online) void warnIfNotOnline(deps, restarted);
  return restarted;
}

/** Online updates were asked for a model type that cannot learn online: say it is served as trained. */
async function warnIfNotOnline(deps: DeploymentDeps, record: DeploymentRecord): Promise<void> {
  const run = record.online ? deps.training.store()?.get(record.runId) : undefined;
  if (!run?.modelType) return;
  // The model registry loads TensorFlow.js: only when it is needed, not at activation.
  const { onlineModelTypes, supportsOnlineUpdates } = await import('../../core/models/specs');
  if (!supportsOnlineUpdates(run.modelType)) {
    void vscode.window.showWarningMessage(
      `ML Workbench: ${run.modelType} models cannot learn online, so run ${record.runId} is served as trained. Online updates work for ${onlineModelTypes().join(', ')}; use Retrain with Feedback for the others.`,
    );
  }
}

async function serveModelVersion(deps: DeploymentDeps, arg: DeploymentArgument, version: number | undefined): Promise<DeploymentRecord | undefined> {
  const record = await pickDeployment(deps.manager, arg, 'Select the service whose model version to change');
  const store = deps.training.store();
  if (!record || !store) return undefined;
  const runDir = store.runDir(record.runId);
  let chosen = version;
  try {
    const { versions, current: serving } = readModelVersions(runDir);
    if (chosen === undefined) {
      if (versions.length === 1) {
        void vscode.window.showInformationMessage(
          `ML Workbench: run ${record.runId} has one model version, the trained one. Turn on online updates from feedback to make more.`,
        );
        return undefined;
      }
      const scored = new Map((deps.manager.snapshot(record.id)?.versions ?? []).map((v) => [v.version, v.feedback]));
      const picked = await vscode.window.showQuickPick(
        [...versions].reverse().map((v) => ({
          label: `v${v.version}${v.version === serving ? ' (serving)' : ''}`,
          description: versionDescription(v),
          detail: feedbackDetail(scored.get(v.version)),
          version: v.version,
        })),
        { placeHolder: `Serve which model version of run ${record.runId}? The service restarts with it; no version is deleted.` },
      );
      if (!picked) return undefined;
      chosen = picked.version;
    }
    setCurrentModelVersion(runDir, chosen);
    deps.log.info(`deployment ${record.id}: serving model version ${chosen} (was ${serving})`);
  } catch (error) {
    showFailure('changing the model version failed', error);
    return undefined;
  }
  return restartShowing(deps, record, `on model version ${chosen}`);
}

function versionDescription(version: ModelVersion): string {
  const made = version.source === 'online' ? `online update of v${version.parent ?? '?'} from ${version.rows ?? '?'} labelled rows` : 'trained';
  return `${made}${version.createdAt ? ` · ${version.createdAt.replace('T', ' ').slice(0, 19)}` : ''}`;
}

function feedbackDetail(feedback: { count?: number; accuracy?: number; mae?: number } | undefined): string | undefined {
  if (!feedback?.count) return undefined;
  const score =
    feedback.accuracy !== undefined ? `accuracy ${feedback.accuracy.toFixed(4)}` : feedback.mae !== undefined ? `MAE ${feedback.mae.toFixed(4)}` : '';
  return `${score} on ${feedback.count} labelled predictions it made`;
}
