import type { Disposer } from './dispose';
import type { Log } from './log';
import type { RuntimeInfo } from '../worker/protocol';
import type { TrainingManager } from './training/manager';
import type { DatasetsClient } from './datasets/client';

/** What every feature module of the extension gets at activation. */
export interface Services {
  readonly disposer: Disposer;
  readonly log: Log;
  readonly extensionPath: string;
  /** Resolves once the runtime worker has reported the TensorFlow.js backend. */
  readonly runtime: Promise<RuntimeInfo>;
  /** Queues and runs trainings in worker threads; fires an event for every run change. */
  readonly training: TrainingManager;
  /**
   * The one datasets worker (DuckDB): the Datasets view, previews, hovers and the experiment
   * diagnostics all ask it, so the extension host never reads data itself. It starts on first use.
   */
  readonly datasets: DatasetsClient;
}
