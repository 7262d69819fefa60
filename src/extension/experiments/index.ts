/** Experiment files: diagnostics on their lines while they are edited, completion, hovers, quick fixes, and the New Experiment wizard. */
import * as vscode from 'vscode';
import type { Services } from '../services';
import { registerCommand } from '../commands';
import { EXPERIMENT_SELECTOR, ExperimentCompletionProvider } from './completion';
import type { TypedColumn } from './columns';
import { ExperimentDiagnostics } from './diagnostics';
import { ExperimentHoverProvider } from './hover';
import { ExperimentQuickFixProvider } from './quickFix';
import { newExperiment } from './wizard';

/**
 * Registers the experiment diagnostics and `mlWorkbench.newExperiment` (which takes optional preset
 * answers or a dataset URI); returns the diagnostics, which Train asks before it starts a run.
 */
export function registerExperiments(services: Services): ExperimentDiagnostics {
  const { disposer, log } = services;
  // Column names come from the file's head (schema inference), cached per file version by the worker.
  const client = services.datasets;
  const columnsOf = async (dataPath: string, signal: AbortSignal): Promise<readonly string[]> =>
    (await client.schema(dataPath, { signal })).columns.map((c) => c.name);
  const columnTypesOf = async (dataPath: string, signal: AbortSignal): Promise<readonly TypedColumn[]> => (await client.schema(dataPath, { signal })).columns;
  const scanData = (dataPath: string, signal: AbortSignal): Promise<number> => client.count(dataPath, { signal });
  const diagnostics = disposer.track(new ExperimentDiagnostics(columnsOf, log, columnTypesOf, scanData));
  // Completion, hovers and quick fixes come from the model and step specs, without any YAML extension.
  const { languages } = vscode;
  disposer.track(languages.registerCompletionItemProvider(EXPERIMENT_SELECTOR, new ExperimentCompletionProvider(columnsOf), ' '));
  disposer.track(languages.registerHoverProvider(EXPERIMENT_SELECTOR, new ExperimentHoverProvider()));
  disposer.track(languages.registerCodeActionsProvider(EXPERIMENT_SELECTOR, new ExperimentQuickFixProvider(columnsOf), ExperimentQuickFixProvider.metadata));
  disposer.track(registerCommand('mlWorkbench.newExperiment', (arg) => newExperiment({ client, log }, arg)));
  return diagnostics;
}
