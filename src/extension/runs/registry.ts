/**
 * Register Model Version… on a completed run: the run becomes the next version of its experiment's
 * model in `.mlwb/models.json`, with an alias (champion, challenger, another word, or none). Deploy,
 * when no run is given, offers the aliased versions first. Remove Model Alias… takes an alias off its
 * model (the version stays registered).
 */
import * as vscode from 'vscode';
import { formatMetric, headlineMetric, runLabel, shortRunId } from '../../core/runs/display';
import {
  MODEL_ALIASES,
  aliasedVersions,
  deployChoices,
  readModelRegistry,
  registerModelVersion,
  removeModelAlias,
  type AliasedVersion,
} from '../../core/runs/modelRegistry';
import { readModelVersions } from '../../core/runs/versions';
import type { TrainingManager } from '../training/manager';
import { runIdOf, type RunArgument } from './pickRun';

/** What Register Model Version… registered. */
export interface Registered {
  readonly model: string;
  readonly version: number;
  readonly runId: string;
  /** The run's model version registered (the one it served then). */
  readonly modelVersion?: number;
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
    const modelVersion = readModelVersions(store.runDir(record.id)).current;
    const registered = registerModelVersion(store.workspaceRoot, record, {
      modelVersion,
      ...(options.model ? { model: options.model } : {}),
      ...(alias ? { alias } : {}),
    });
    const pinned = modelVersion > 1 ? ` at its model version ${modelVersion}` : '';
    void vscode.window.showInformationMessage(
      `ML Workbench: run ${shortRunId(record.id)}${pinned} is ${registered.model} version ${registered.version}${registered.alias ? ` (@${registered.alias})` : ''}.`,
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

/** What Deploy serves: a run, and the aliased registered version when one was picked (its model version is served). */
export interface DeployTarget {
  readonly runId: string;
  readonly aliased?: AliasedVersion;
}

/** The run Deploy serves: the argument, or a pick listing the aliased model versions first, then the other completed runs. */
export async function deployTargetOf(arg: RunArgument, training: TrainingManager): Promise<DeployTarget | undefined> {
  const store = training.store();
  if (arg !== undefined || !store) {
    const runId = await runIdOf(arg, training, 'Select the completed run to deploy');
    return runId ? { runId } : undefined;
  }
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
          description: `version ${choice.aliased.version} · run ${shortRunId(choice.runId)}${modelVersionText(choice.aliased)}`,
          detail,
          target: { runId: choice.runId, aliased: choice.aliased },
        }
      : { label: record ? runLabel(record, []) : choice.runId, description: `run ${shortRunId(choice.runId)}`, detail, target: { runId: choice.runId } };
  });
  const picked = await vscode.window.showQuickPick(items, {
    placeHolder: 'Select the model version or run to deploy (aliased versions first)',
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return picked?.target;
}

function modelVersionText(aliased: AliasedVersion): string {
  return aliased.modelVersion !== undefined && aliased.modelVersion > 1 ? ` · model v${aliased.modelVersion}` : '';
}
