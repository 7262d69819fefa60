import * as vscode from 'vscode';
import { readFeedback } from '../../core/runs/feedback';
import type { RunStore } from '../../core/runs/store';
import { Disposer } from '../dispose';
import type { Log } from '../log';
import type { DeploymentManager, DeploymentRecord } from './manager';

/** How often the scheduler looks; `mlWorkbench.retrain.intervalMinutes` says how often a deployment is retrained. */
const LOOK_EVERY_MS = 30_000;

/**
 * Periodic retraining (`mlWorkbench.retrain.intervalMinutes` above 0): each serving model whose
 * interval has passed and that has labelled feedback is retrained, one at a time. Disposing stops it.
 */
export class RetrainScheduler implements vscode.Disposable {
  private readonly disposer = new Disposer();
  /** When each deployment's feedback was last looked at (ms since the epoch). */
  private readonly seenFeedback = new Map<string, number>();
  private retraining = false;

  constructor(
    private readonly manager: DeploymentManager,
    private readonly store: () => RunStore | undefined,
    private readonly retrain: (deployment: DeploymentRecord) => Promise<unknown>,
    private readonly log: Log,
  ) {
    const timer = setInterval(() => this.look(), LOOK_EVERY_MS);
    this.disposer.track({ dispose: () => clearInterval(timer) });
  }

  /** Starts the retraining of at most one deployment that is due, unless one is still running. */
  private look(now = Date.now()): void {
    const minutes = vscode.workspace.getConfiguration('mlWorkbench').get<number>('retrain.intervalMinutes', 0);
    if (minutes <= 0 || this.retraining) return;
    const store = this.store();
    if (!store) return;
    for (const deployment of this.manager.list()) {
      if (deployment.state !== 'serving') continue;
      const last = this.seenFeedback.get(deployment.id) ?? 0;
      if (now - last < minutes * 60_000) continue;
      const count = readFeedback(store.runDir(deployment.runId)).lines.length;
      this.seenFeedback.set(deployment.id, now);
      if (count === 0) continue;
      this.retraining = true;
      this.log.info(`scheduled retraining of run ${deployment.runId} with ${count} labelled requests`);
      void this.retrain(deployment).finally(() => (this.retraining = false));
      break;
    }
  }

  dispose(): void {
    this.disposer.dispose();
  }
}
