/** Experiment files: diagnostics on their lines while they are edited, and the New Experiment wizard. */
import type { Services } from '../services';
import { registerCommand } from '../commands';
import { ExperimentDiagnostics } from './diagnostics';
import { newExperiment } from './wizard';

/** Registers the experiment diagnostics and `mlWorkbench.newExperiment` (which takes optional preset answers or a dataset URI). */
export function registerExperiments(services: Services): void {
  const { disposer, log } = services;
  // Column names come from the file's head (schema inference), cached per file version by the worker.
  const client = services.datasets;
  const columnsOf = async (dataPath: string, signal: AbortSignal): Promise<readonly string[]> =>
    (await client.schema(dataPath, { signal })).columns.map((c) => c.name);
  disposer.track(new ExperimentDiagnostics(columnsOf, log));
  disposer.track(registerCommand('mlWorkbench.newExperiment', (arg) => newExperiment({ client, log }, arg)));
}
