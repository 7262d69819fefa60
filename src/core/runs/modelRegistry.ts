/**
 * Registered models, as MLflow's model registry: a completed run becomes version n of a named model
 * (the experiment's name by default), and an alias (`champion`, `challenger`, or another word) points
 * at one version of that model. Kept in `.mlwb/models.json`, written atomically. The run's own model
 * versions (online updates, versions.ts) stay with the run; a registered version names the run and the
 * run's model version it was registered at, so that deploying an alias serves that model even after
 * later online updates of the run.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { isRecord } from '../json';
import { MlError } from '../types';
import { writeJsonAtomic } from './atomic';
import { STORE_DIR, type RunRecord } from './store';

export const MODEL_ALIASES = ['champion', 'challenger'] as const;

export interface RegisteredVersion {
  readonly version: number;
  readonly runId: string;
  /** The run's model version (versions.ts) registered; absent in registries written before it was recorded. */
  readonly modelVersion?: number;
  readonly createdAt: string;
}

export interface RegisteredModel {
  readonly versions: readonly RegisteredVersion[];
  /** Alias → version number. */
  readonly aliases: Readonly<Record<string, number>>;
}

export interface ModelRegistry {
  readonly models: Readonly<Record<string, RegisteredModel>>;
}

/** One aliased version, as Deploy offers it. */
export interface AliasedVersion {
  readonly model: string;
  readonly alias: string;
  readonly version: number;
  readonly runId: string;
  readonly modelVersion?: number;
}

export function registryFile(workspaceRoot: string): string {
  return path.join(workspaceRoot, STORE_DIR, 'models.json');
}

/** The workspace's registry; empty when there is none. A file that is not a registry is an MlError (it is not overwritten). */
export function readModelRegistry(workspaceRoot: string): ModelRegistry {
  const file = registryFile(workspaceRoot);
  if (!existsSync(file)) return { models: {} };
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new MlError(`${file} is not valid JSON (${(error as Error).message}); repair or delete it`);
  }
  if (!isRecord(value) || !isRecord(value.models)) throw new MlError(`${file} has no "models" object; repair or delete it`);
  return value as unknown as ModelRegistry;
}

function checkName(kind: 'model' | 'alias', name: string): void {
  if (!/^[A-Za-z][\w.-]*$/.test(name)) throw new MlError(`${kind} name "${name}": use letters, digits, _ . or -, starting with a letter`);
}

/**
 * Registers a completed run at its model version `modelVersion` (the one it serves now) as the next
 * version of `model` (the run's experiment by default) and, with `alias`, points the alias at it
 * (moving it from the version it named). A run registered before at the same model version keeps its
 * version; after an online update it registers as a new version. Returns the version.
 */
export function registerModelVersion(
  workspaceRoot: string,
  run: Pick<RunRecord, 'id' | 'status' | 'experiment'>,
  options: { model?: string; alias?: string; modelVersion?: number } = {},
): { readonly model: string; readonly version: number; readonly runId: string; readonly modelVersion?: number; readonly alias?: string } {
  if (run.status !== 'completed') throw new MlError(`run ${run.id} is ${run.status}: only a completed run can be registered as a model version`);
  const model = options.model ?? run.experiment;
  checkName('model', model);
  if (options.alias !== undefined) checkName('alias', options.alias);
  const registry = readModelRegistry(workspaceRoot);
  const current = registry.models[model] ?? { versions: [], aliases: {} };
  const modelVersion = options.modelVersion;
  // An entry without a model version predates them: it matches the run at any model version.
  let entry = current.versions.find(
    (v) => v.runId === run.id && (v.modelVersion === undefined || modelVersion === undefined || v.modelVersion === modelVersion),
  );
  const versions = [...current.versions];
  if (!entry) {
    const version = (versions[versions.length - 1]?.version ?? 0) + 1;
    entry = { version, runId: run.id, ...(modelVersion !== undefined ? { modelVersion } : {}), createdAt: new Date().toISOString() };
    versions.push(entry);
  }
  const aliases = options.alias !== undefined ? { ...current.aliases, [options.alias]: entry.version } : current.aliases;
  writeJsonAtomic(registryFile(workspaceRoot), { models: { ...registry.models, [model]: { versions, aliases } } } satisfies ModelRegistry);
  return {
    model,
    version: entry.version,
    runId: run.id,
    ...(entry.modelVersion !== undefined ? { modelVersion: entry.modelVersion } : {}),
    ...(options.alias !== undefined ? { alias: options.alias } : {}),
  };
}

/** Removes an alias from a model. */
export function removeModelAlias(workspaceRoot: string, model: string, alias: string): void {
  const registry = readModelRegistry(workspaceRoot);
  const current = registry.models[model];
  if (!current || !(alias in current.aliases)) throw new MlError(`model ${model} has no alias "${alias}"`);
  const aliases = Object.fromEntries(Object.entries(current.aliases).filter(([name]) => name !== alias));
  writeJsonAtomic(registryFile(workspaceRoot), { models: { ...registry.models, [model]: { ...current, aliases } } } satisfies ModelRegistry);
}

/** Every alias of every model, champion first, then challenger, then other aliases; models by name. */
export function aliasedVersions(registry: ModelRegistry): AliasedVersion[] {
  const rank = (alias: string): number => {
    const at = (MODEL_ALIASES as readonly string[]).indexOf(alias);
    return at < 0 ? MODEL_ALIASES.length : at;
  };
  return Object.entries(registry.models)
    .flatMap(([model, entry]) =>
      Object.entries(entry.aliases).flatMap(([alias, version]) => {
        const found = entry.versions.find((v) => v.version === version);
        return found ? [{ model, alias, version, runId: found.runId, ...(found.modelVersion !== undefined ? { modelVersion: found.modelVersion } : {}) }] : [];
      }),
    )
    .sort((a, b) => rank(a.alias) - rank(b.alias) || a.model.localeCompare(b.model) || a.alias.localeCompare(b.alias));
}

/** What a run is registered as: `model vN @alias…` for each model that has it, for the Runs view. */
export function registrationsOf(registry: ModelRegistry, runId: string): string[] {
  return Object.entries(registry.models).flatMap(([model, entry]) =>
    entry.versions
      .filter((v) => v.runId === runId)
      .map((v) => {
        const aliases = Object.entries(entry.aliases)
          .filter(([, version]) => version === v.version)
          .map(([alias]) => `@${alias}`);
        const pinned = v.modelVersion !== undefined && v.modelVersion > 1 ? ` (model v${v.modelVersion})` : '';
        return [`${model} v${v.version}${pinned}`, ...aliases].join(' ');
      }),
  );
}

/**
 * The order Deploy offers runs in: the aliased versions first (champion, then challenger, then
 * others), then the remaining completed runs newest first. `runs` is newest first.
 */
export function deployChoices(registry: ModelRegistry, runs: readonly RunRecord[]): { readonly runId: string; readonly aliased?: AliasedVersion }[] {
  const completed = new Set(runs.filter((r) => r.status === 'completed').map((r) => r.id));
  const aliased = aliasedVersions(registry).filter((a) => completed.has(a.runId));
  const first = new Set(aliased.map((a) => a.runId));
  return [
    ...aliased.map((a) => ({ runId: a.runId, aliased: a })),
    ...runs.filter((r) => completed.has(r.id) && !first.has(r.id)).map((r) => ({ runId: r.id })),
  ];
}
