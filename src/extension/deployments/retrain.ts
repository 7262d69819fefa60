/** Retrain with Feedback: train a deployed run's experiment again with the labelled requests its service received. */
import * as vscode from 'vscode';
import * as path from 'node:path';
import { readFeedback } from '../../core/runs/feedback';
import { keyMetric } from '../../core/runs/keyMetric';
import { executeCommand, type Retrained } from '../commands';
import { runIdOf, type RunArgument } from '../runs/pickRun';
import type { TrainingManager } from '../training/manager';
import type { DeploymentManager, DeploymentRecord } from './manager';
import { pickDeployment, type DeploymentArgument } from './pick';

export interface RetrainDeps {
  readonly training: TrainingManager;
  readonly manager: DeploymentManager;
  /** Deploys a run as the Deploy command does. */
  readonly deploy: (runId: string) => Promise<DeploymentRecord | undefined>;
}

/**
 * Retrains the run a deployment (or a run argument) names with its feedback. Unless `silent`, it then
 * compares the old and new runs and offers to serve the new model instead.
 */
export async function retrainWithFeedback(
  deps: RetrainDeps,
  arg?: DeploymentArgument | RunArgument,
  options: { silent?: boolean } = {},
): Promise<Retrained | undefined> {
  const { training, manager } = deps;
  const store = training.store();
  if (!store) return undefined;
  let deployment: DeploymentRecord | undefined;
  if (arg && typeof arg === 'object' && 'deploymentId' in arg) deployment = manager.get(arg.deploymentId);
  else if (typeof arg === 'string' && manager.get(arg)) deployment = manager.get(arg);
  else if (arg === undefined && manager.list().length > 0)
    deployment = await pickDeployment(manager, undefined, 'Select the service whose feedback to retrain with');
  const runId = deployment?.runId ?? (deployment ? undefined : await runIdOf(arg as RunArgument, training, 'Select the run whose feedback to retrain with'));
  const previous = runId ? store.get(runId) : undefined;
  if (!previous) return undefined;
  const feedback = readFeedback(store.runDir(previous.id));
  if (feedback.lines.length === 0) {
    void vscode.window.showInformationMessage(
      `ML Workbench: the service of run ${previous.id} has no labelled feedback yet. Send some to POST /feedback first.`,
    );
    return undefined;
  }
  const retrained = await executeCommand('mlWorkbench.train', vscode.Uri.file(path.join(store.workspaceRoot, previous.experimentFile)), {
    silent: true,
    feedbackFrom: previous.id,
  });
  if (!retrained) return undefined;
  if (retrained.status !== 'completed') {
    void vscode.window.showErrorMessage(`ML Workbench: retraining ${retrained.status}: ${retrained.reason ?? ''}`);
    return { previous, retrained };
  }
  if (!options.silent) {
    // Old and new side by side, then the choice to serve the new model instead.
    await executeCommand('mlWorkbench.compareRuns', retrained.id, [previous.id]).then(undefined, () => undefined);
    const before = keyMetric(previous);
    const after = keyMetric(retrained);
    const change = before && after ? `${before.name} ${before.value.toFixed(4)} → ${after.value.toFixed(4)}` : retrained.id;
    const choice = await vscode.window.showInformationMessage(
      `ML Workbench: retrained with ${feedback.lines.length} labelled requests: ${change}.`,
      ...(deployment ? ['Redeploy'] : ['Deploy']),
    );
    if (choice) {
      if (deployment && (deployment.state === 'serving' || deployment.state === 'starting')) await manager.stop(deployment.id);
      await deps.deploy(retrained.id);
    }
  }
  return { previous, retrained };
}
