import * as vscode from 'vscode';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { RunRecord } from '../../core/runs/store';
import { readFeedback } from '../../core/runs/feedback';
import { keyMetric } from '../../core/runs/keyMetric';
import { readModelVersions, setCurrentModelVersion, type ModelVersion } from '../../core/runs/versions';
import type { Services } from '../services';
import { runIdOf, type RunArgument } from '../runs/pickRun';
import { DeploymentManager, deploymentUrl, type DeploymentRecord } from './manager';
import { DeploymentsTree } from './tree';
import { showFailure } from '../failure';

export type DeploymentArgument = string | { readonly deploymentId: string } | undefined;

/** Registers the Deployed Models view and the commands that start, stop and inspect services. */
export function registerDeployments(services: Services): { manager: DeploymentManager; tree: DeploymentsTree } {
  const { disposer, training, log } = services;
  const manager = disposer.track(new DeploymentManager(services.extensionPath, () => training.store(), log));
  const tree = disposer.track(new DeploymentsTree(manager));
  disposer.track(vscode.window.createTreeView('mlWorkbench.deployments', { treeDataProvider: tree }));

  const pick = async (arg: DeploymentArgument, placeHolder: string): Promise<DeploymentRecord | undefined> => {
    if (typeof arg === 'string') return manager.get(arg);
    if (arg && typeof arg === 'object' && typeof arg.deploymentId === 'string') return manager.get(arg.deploymentId);
    const records = manager.list();
    if (records.length === 0) {
      void vscode.window.showInformationMessage('ML Workbench: no model is deployed. Deploy a completed run from the Runs view.');
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(
      records.map((record) => ({ label: record.experiment, description: `${record.state} ${deploymentUrl(record)}`, detail: record.runId, record })),
      { placeHolder },
    );
    return picked?.record;
  };

  const command = (id: string, handler: (...args: never[]) => unknown): void => {
    disposer.track(vscode.commands.registerCommand(id, handler));
  };

  command('mlWorkbench.deploy', async (arg?: RunArgument, options: { online?: boolean } = {}) => {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showErrorMessage('ML Workbench: serving a model needs a trusted workspace.');
      return undefined;
    }
    const runId = await runIdOf(arg, training, 'Select the completed run to deploy');
    if (!runId) return undefined;
    try {
      const record = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Deploying run ${runId}` },
        () => manager.deploy(runId, options),
      );
      void warnIfNotOnline(record);
      void vscode.window.showInformationMessage(`ML Workbench: run ${runId} is served at ${deploymentUrl(record)}`, 'Copy URL').then((choice) => {
        if (choice) void vscode.env.clipboard.writeText(deploymentUrl(record));
      });
      return record;
    } catch (error) {
      showFailure(`deploying run ${runId} failed`, error);
      return undefined;
    }
  });
  command('mlWorkbench.refreshDeployments', () => tree.refresh());
  command('mlWorkbench.stopDeployment', async (arg?: DeploymentArgument) => {
    const record = await pick(arg, 'Select the service to stop');
    if (record) await manager.stop(record.id);
  });
  command('mlWorkbench.restartDeployment', async (arg?: DeploymentArgument) => {
    const record = await pick(arg, 'Select the service to restart');
    if (!record) return undefined;
    try {
      return await manager.restart(record.id);
    } catch (error) {
      showFailure('restarting failed', error);
      return undefined;
    }
  });
  command('mlWorkbench.removeDeployment', async (arg?: DeploymentArgument) => {
    const record = await pick(arg, 'Select the service to remove from the list');
    if (!record) return;
    if (record.state === 'serving' || record.state === 'starting') await manager.stop(record.id);
    manager.remove(record.id);
  });
  /** Restarts a service with a progress notification; a failure is shown, not thrown. */
  const restartShowing = async (record: DeploymentRecord, what: string, options: { online?: boolean } = {}): Promise<DeploymentRecord | undefined> => {
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Restarting the service of run ${record.runId} ${what}` },
        () => manager.restart(record.id, options),
      );
    } catch (error) {
      showFailure('restarting failed', error);
      return undefined;
    }
  };
  const setOnline = async (arg: DeploymentArgument, online: boolean): Promise<DeploymentRecord | undefined> => {
    const record = await pick(arg, `Select the service to turn online updates ${online ? 'on' : 'off'} for`);
    if (!record) return undefined;
    // The service reads the switch at start; a restart also loads the version to serve.
    const restarted = await restartShowing(record, `with online updates ${online ? 'on' : 'off'}`, { online });
    if (restarted && online) void warnIfNotOnline(restarted);
    return restarted;
  };
  command('mlWorkbench.enableOnlineUpdates', (arg?: DeploymentArgument) => setOnline(arg, true));
  command('mlWorkbench.disableOnlineUpdates', (arg?: DeploymentArgument) => setOnline(arg, false));
  /** Online updates were asked for a model type that cannot learn online: say it is served as trained. */
  async function warnIfNotOnline(record: DeploymentRecord): Promise<void> {
    const run = record.online ? training.store()?.get(record.runId) : undefined;
    if (!run?.modelType) return;
    // The model registry loads TensorFlow.js: only when it is needed, not at activation.
    const { onlineModelTypes, supportsOnlineUpdates } = await import('../../core/models/registry');
    if (!supportsOnlineUpdates(run.modelType)) {
      void vscode.window.showWarningMessage(
        `ML Workbench: ${run.modelType} models cannot learn online, so run ${record.runId} is served as trained. Online updates work for ${onlineModelTypes().join(', ')}; use Retrain with Feedback for the others.`,
      );
    }
  }
  command('mlWorkbench.serveModelVersion', async (arg?: DeploymentArgument, version?: number) => {
    const record = await pick(arg, 'Select the service whose model version to change');
    const store = training.store();
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
        const scored = new Map((manager.snapshot(record.id)?.versions ?? []).map((v) => [v.version, v.feedback]));
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
      log.info(`deployment ${record.id}: serving model version ${chosen} (was ${serving})`);
    } catch (error) {
      showFailure('changing the model version failed', error);
      return undefined;
    }
    return restartShowing(record, `on model version ${chosen}`);
  });
  command('mlWorkbench.copyDeploymentUrl', async (arg?: DeploymentArgument) => {
    const record = await pick(arg, 'Select a service');
    if (record) await vscode.env.clipboard.writeText(deploymentUrl(record));
  });
  command('mlWorkbench.copyCurlExample', async (arg?: DeploymentArgument) => {
    const record = await pick(arg, 'Select a service');
    const store = training.store();
    if (!record || !store) return;
    await vscode.env.clipboard.writeText(curlExample(record, store.runDir(record.runId)));
    void vscode.window.showInformationMessage('ML Workbench: curl example copied.');
  });
  command('mlWorkbench.showDeploymentLog', async (arg?: DeploymentArgument) => {
    const record = await pick(arg, 'Select a service');
    const file = record ? manager.logFile(record.id) : undefined;
    if (file && existsSync(file)) await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true });
  });
  const retrain = async (arg?: DeploymentArgument | RunArgument, options: { silent?: boolean } = {}): Promise<{ previous: RunRecord; retrained: RunRecord } | undefined> => {
    const store = training.store();
    if (!store) return undefined;
    let deployment: DeploymentRecord | undefined;
    if (arg && typeof arg === 'object' && 'deploymentId' in arg) deployment = manager.get(arg.deploymentId);
    else if (typeof arg === 'string' && manager.get(arg)) deployment = manager.get(arg);
    else if (arg === undefined && manager.list().length > 0) deployment = await pick(undefined, 'Select the service whose feedback to retrain with');
    const runId = deployment?.runId ?? (deployment ? undefined : await runIdOf(arg as RunArgument, training, 'Select the run whose feedback to retrain with'));
    const previous = runId ? store.get(runId) : undefined;
    if (!previous) return undefined;
    const feedback = readFeedback(store.runDir(previous.id));
    if (feedback.lines.length === 0) {
      void vscode.window.showInformationMessage(`ML Workbench: the service of run ${previous.id} has no labelled feedback yet. Send some to POST /feedback first.`);
      return undefined;
    }
    const retrained = await vscode.commands.executeCommand<RunRecord | undefined>(
      'mlWorkbench.train',
      vscode.Uri.file(path.join(store.workspaceRoot, previous.experimentFile)),
      { silent: true, feedbackFrom: previous.id },
    );
    if (!retrained) return undefined;
    if (retrained.status !== 'completed') {
      void vscode.window.showErrorMessage(`ML Workbench: retraining ${retrained.status}: ${retrained.reason ?? ''}`);
      return { previous, retrained };
    }
    if (!options.silent) {
      // Old and new side by side, then the choice to serve the new model instead.
      await vscode.commands.executeCommand('mlWorkbench.compareRuns', [previous.id, retrained.id]).then(undefined, () => undefined);
      const before = keyMetric(previous);
      const after = keyMetric(retrained);
      const change = before && after ? `${before.name} ${before.value.toFixed(4)} → ${after.value.toFixed(4)}` : retrained.id;
      const choice = await vscode.window.showInformationMessage(
        `ML Workbench: retrained with ${feedback.lines.length} labelled requests: ${change}.`,
        ...(deployment ? ['Redeploy'] : ['Deploy']),
      );
      if (choice) {
        if (deployment && (deployment.state === 'serving' || deployment.state === 'starting')) await manager.stop(deployment.id);
        await vscode.commands.executeCommand('mlWorkbench.deploy', retrained.id);
      }
    }
    return { previous, retrained };
  };
  command('mlWorkbench.retrainWithFeedback', (arg?: DeploymentArgument | RunArgument, options?: { silent?: boolean }) => retrain(arg, options));

  // Periodic retraining: each serving model whose feedback grew since the last look is retrained.
  const seenFeedback = new Map<string, number>();
  let retraining = false;
  const schedule = setInterval(() => {
    const minutes = vscode.workspace.getConfiguration('mlWorkbench').get<number>('retrain.intervalMinutes', 0);
    if (minutes <= 0 || retraining) return;
    const store = training.store();
    if (!store) return;
    const now = Date.now();
    for (const deployment of manager.list()) {
      if (deployment.state !== 'serving') continue;
      const last = seenFeedback.get(deployment.id) ?? 0;
      if (now - last < minutes * 60_000) continue;
      const count = readFeedback(store.runDir(deployment.runId)).lines.length;
      seenFeedback.set(deployment.id, now);
      if (count === 0) continue;
      retraining = true;
      log.info(`scheduled retraining of run ${deployment.runId} with ${count} labelled requests`);
      void retrain({ deploymentId: deployment.id }).finally(() => (retraining = false));
      break;
    }
  }, 30_000);
  disposer.track({ dispose: () => clearInterval(schedule) });
  return { manager, tree };
}

function versionDescription(version: ModelVersion): string {
  const made = version.source === 'online' ? `online update of v${version.parent ?? '?'} from ${version.rows ?? '?'} labelled rows` : 'trained';
  return `${made}${version.createdAt ? ` · ${version.createdAt.replace('T', ' ').slice(0, 19)}` : ''}`;
}

function feedbackDetail(feedback: { count?: number; accuracy?: number; mae?: number } | undefined): string | undefined {
  if (!feedback?.count) return undefined;
  const score = feedback.accuracy !== undefined ? `accuracy ${feedback.accuracy.toFixed(4)}` : feedback.mae !== undefined ? `MAE ${feedback.mae.toFixed(4)}` : '';
  return `${score} on ${feedback.count} labelled predictions it made`;
}

/** A curl command that sends the first reference row of the run to the service. */
export function curlExample(record: DeploymentRecord, runDir: string): string {
  let row: Record<string, unknown> = {};
  const reference = path.join(runDir, 'reference.json');
  if (existsSync(reference)) {
    const sample = JSON.parse(readFileSync(reference, 'utf8')) as { columns: Record<string, unknown[]> };
    row = Object.fromEntries(Object.entries(sample.columns).map(([name, values]) => [name, values[0] ?? null]));
  }
  const body = JSON.stringify({ dataframe_records: [row] });
  return `curl -s -X POST ${deploymentUrl(record)}/invocations -H 'Content-Type: application/json' -d '${body.replace(/'/g, "'\\''")}'`;
}
