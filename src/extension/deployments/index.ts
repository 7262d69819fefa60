/**
 * The Deployed Models feature: its view, its commands (commands.ts, with the picker in pick.ts), the
 * Retrain with Feedback workflow (retrain.ts) and the periodic retraining (scheduler.ts).
 */
import * as vscode from 'vscode';
import type { Commands } from '../commands';
import type { Services } from '../services';
import { deployRun, registerDeploymentCommands, type DeploymentDeps } from './commands';
import { DeploymentManager } from './manager';
import { retrainWithFeedback } from './retrain';
import { RetrainScheduler } from './scheduler';
import { DeploymentsTree } from './tree';

export type { DeploymentArgument } from './pick';

/** Registers the Deployed Models view and the commands that start, stop, inspect and retrain services. */
export function registerDeployments(services: Services): { manager: DeploymentManager; tree: DeploymentsTree } {
  const { disposer, training, log } = services;
  const manager = disposer.track(new DeploymentManager(services.extensionPath, () => training.store(), log));
  const tree = disposer.track(new DeploymentsTree(manager));
  disposer.track(vscode.window.createTreeView('mlWorkbench.deployments', { treeDataProvider: tree }));

  const deps: DeploymentDeps = { training, manager, log };
  const retrain: Commands['mlWorkbench.retrainWithFeedback'] = (arg, options) =>
    retrainWithFeedback({ training, manager, deploy: (runId) => deployRun(deps, runId) }, arg, options);
  for (const command of registerDeploymentCommands(deps, tree, retrain)) disposer.track(command);
  disposer.track(
    new RetrainScheduler(
      manager,
      () => training.store(),
      (deployment) => retrain({ deploymentId: deployment.id }),
      log,
    ),
  );
  return { manager, tree };
}
