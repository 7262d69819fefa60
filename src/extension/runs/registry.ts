/**
 * Register Model Version… on a completed run: the run becomes the next version of its experiment's
 * model in `.mlwb/models.json`, with an alias (champion, challenger, another word, or none). Deploy,
 * when no run is given, offers the aliased versions first. Remove Model Alias… takes an alias off its
 * model (the version stays registered).
 */
import * as vscode from 'vscode';
import { formatMetric, headlineMetric, runLabel, shortRunId } from '../../core/runs/display';
import { MODEL_ALIASES, aliasedVersions, deployChoices, readModelRegistry, registerModelVersion, removeModelAlias } from '../../core/runs/modelRegistry';
import type { TrainingManager } from '../training/manager';
import { runIdOf, type RunArgument } from './pickRun';

/** What Register Model Version… registered. */
export interface Registered {
  readonly model: string;
  readonly version: number;
  readonly runId: string;
  readonly alias?: string;
}

/** Registers a run (asking for the alias unless `options.alias` says it; `null` for none). */
export async function registerModelCommand(
  training: TrainingManager,
  arg?: RunArgument,
  options: { alias?: string | null; model?: string } = {},
): Promise<Registered | undefined> {
  const store = training.store();
  const runId = await runIdOf(arg, training, 'Select the completed run to register as a model version');
  const record = runId ? store?.get(runId) : undefined;
  if (!store || !record) return undefined;
  let alias = options.alias;
  if (alias === undefined) {
    const none = 'No alias';
    const other = 'Other alias…';
    const picked = await vscode.window.showQuickPick(
      [
        ...MODEL_ALIASES.map((name) => ({ label: name, description: name === 'champion' ? 'the version to serve' : 'the version to try against it' })),
        { label: none },
        { label: other },
      ],
      { placeHolder: `Alias for ${options.model ?? record.experiment}'s new version (Deploy offers aliased versions first)` },
    );
    if (!picked) return undefined;
    if (picked.label === other) {
      const typed = await vscode.window.showInputBox({ prompt: 'Alias (letters, digits, _ . -)', placeHolder: 'staging' });
      if (!typed) return undefined;
      alias = typed.trim();
    } else alias = picked.label === none ? null : picked.label;
  }
  try {
    const registered = registerModelVersion(store.workspaceRoot, record, { ...(options.model ? { model: options.model } : {}), ...(alias ? { alias } : {}) });
    void vscode.window.showInformationMessage(
      `ML Workbench: run ${shortRunId(record.id)} is ${registered.model} version ${registered.version}${registered.alias ? ` (@${registered.alias})` : ''}.`,
    );
    return registered;
  } catch (error) {
    void vscode.window.showErrorMessage(`ML Workbench: ${(error as Error).message}`);
    return undefined;
  }
}

/** What Remove Model Alias… removed. */
export interface RemovedAlias {
  readonly model: string;
  readonly alias: string;
  readonly version: number;
}

/**
 * Removes an alias: `model` and `alias` when given, else a pick of every alias (of the run's
 * registrations when a run is given, as the Runs view's context menu does).
 */
export async function removeAliasCommand(training: TrainingManager, arg?: RunArgument, model?: string, alias?: string): Promise<RemovedAlias | undefined> {
  const store = training.store();
  if (!store) return undefined;
  try {
    const aliased = aliasedVersions(readModelRegistry(store.workspaceRoot));
    let chosen = model !== undefined && alias !== undefined ? aliased.find((a) => a.model === model && a.alias === alias) : undefined;
    if (model !== undefined && alias !== undefined && !chosen) throw new Error(`model ${model} has no alias "${alias}"`);
    if (!chosen) {
      const runId = typeof arg === 'string' ? arg : arg?.runId;
      const candidates = runId ? aliased.filter((a) => a.runId === runId) : aliased;
      if (candidates.length === 0) {
        void vscode.window.showInformationMessage(
          runId
            ? `ML Workbench: run ${shortRunId(runId)} has no model alias.`
            : 'ML Workbench: no model version has an alias. Register Model Version… sets one.',
        );
        return undefined;
      }
      const picked = await vscode.window.showQuickPick(
        candidates.map((a) => ({ label: `${a.model}@${a.alias}`, description: `version ${a.version} · run ${shortRunId(a.runId)}`, aliased: a })),
        { placeHolder: 'Select the alias to remove (its model version stays registered)' },
      );
      chosen = picked?.aliased;
    }
    if (!chosen) return undefined;
    removeModelAlias(store.workspaceRoot, chosen.model, chosen.alias);
    void vscode.window.showInformationMessage(`ML Workbench: removed @${chosen.alias} from ${chosen.model} version ${chosen.version}.`);
    return { model: chosen.model, alias: chosen.alias, version: chosen.version };
  } catch (error) {
    void vscode.window.showErrorMessage(`ML Workbench: ${(error as Error).message}`);
    return undefined;
  }
}

/** The run Deploy serves: the argument, or a pick listing the aliased model versions first, then the other completed runs. */
export async function deployTargetOf(arg: RunArgument, training: TrainingManager): Promise<string | undefined> {
  const store = training.store();
  if (arg !== undefined || !store) return runIdOf(arg, training, 'Select the completed run to deploy');
  let registry;
  try {
    registry = readModelRegistry(store.workspaceRoot);
  } catch (error) {
    void vscode.window.showWarningMessage(`ML Workbench: ${(error as Error).message}`);
    registry = { models: {} };
  }
  const runs = store.list().filter((record) => !record.parent);
  const byId = new Map(runs.map((record) => [record.id, record]));
  const choices = deployChoices(registry, runs);
  if (choices.length === 0) {
    void vscode.window.showInformationMessage('ML Workbench: there is no completed run to deploy. Train an experiment first.');
    return undefined;
  }
  const items = choices.map((choice) => {
    const record = byId.get(choice.runId);
    const metric = record ? headlineMetric(record) : undefined;
    const detail = metric ? `${metric.name} ${formatMetric(metric.value)} · ${choice.runId}` : choice.runId;
    return choice.aliased
      ? {
          label: `$(tag) ${choice.aliased.model}@${choice.aliased.alias}`,
          description: `version ${choice.aliased.version} · run ${shortRunId(choice.runId)}`,
          detail,
          runId: choice.runId,
        }
      : { label: record ? runLabel(record, []) : choice.runId, description: `run ${shortRunId(choice.runId)}`, detail, runId: choice.runId };
  });
  const picked = await vscode.window.showQuickPick(items, {
    placeHolder: 'Select the model version or run to deploy (aliased versions first)',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked?.runId;
}
