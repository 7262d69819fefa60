import type { Disposer } from './dispose';
import type { Log } from './log';
import type { RuntimeInfo } from '../worker/protocol';
import type { TrainingManager } from './training/manager';

/** What every feature module of the extension gets at activation. */
export interface Services {
  readonly disposer: Disposer;
  readonly log: Log;
  readonly extensionPath: string;
  /** Resolves once the runtime worker has reported the TensorFlow.js backend. */
  readonly runtime: Promise<RuntimeInfo>;
  /** Queues and runs trainings in worker threads; fires an event for every run change. */
  readonly training: TrainingManager;
}
