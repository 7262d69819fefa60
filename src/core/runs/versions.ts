/**
 * Model versions of a run. Version 1 is the model the run trained (`model.json` in the run
 * folder); every online update from feedback saves the updated model as a new version under
 * `versions/<n>/` and lists it in `versions/index.json`. Nothing is overwritten: each version's
 * files are written once, and the index is replaced atomically after them, so a crash leaves at
 * worst an unlisted folder. The index also names the version to serve (`current`): the newest
 * update, or an older version the user went back to; a service loads that one.
 */
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { MlError } from '../types';
import { makeDirectory, writeFileAtomic, writeJsonAtomic } from './atomic';

export const VERSIONS_DIR = 'versions';

/** One model version as listed in `versions/index.json` (version 1 is implied by the run). */
export interface ModelVersion {
  readonly version: number;
  /** The version it was updated from. */
  readonly parent?: number;
  readonly createdAt: string;
  readonly source: 'training' | 'online';
  /** Labelled rows this update learned from, and all rows learned online up to this version. */
  readonly rows?: number;
  readonly onlineRows?: number;
  /** Labels sent back for the update's rows that the model did not know, left out of it. */
  readonly skippedRows?: number;
  readonly learningRate?: number;
  /** An online update's check on rows it did not learn from, against the version it grew from. */
  readonly check?: HeldOutCheck;
  /** Why this version was kept but never served: it scored worse on those rows than the margin allows. */
  readonly heldBack?: string;
  /** Folder of the version's model.json, relative to the run folder. */
  readonly dir: string;
}

/**
 * Scores of an online update and of the version serving when it was made, on the same rows the
 * update did not learn from: earlier feedback, or the run's training sample before there was any.
 */
export interface HeldOutCheck {
  readonly rows: number;
  readonly source: 'feedback' | 'training';
  /** Higher is better for accuracy, lower for rmse. */
  readonly metric: 'accuracy' | 'rmse';
  readonly candidate: number;
  readonly serving: number;
  /** The version it was compared with (its parent). */
  readonly servingVersion: number;
  /** Accuracy: how much lower it may be; rmse: by which share it may be higher. */
  readonly margin: number;
}

interface VersionIndex {
  readonly versions: ModelVersion[];
  /** The version to serve; absent in older indexes, meaning the newest. */
  readonly current?: number;
}

/** A model that can be saved: JSON for most, tfjs layers format for networks. */
export interface SavableModel {
  readonly type: string;
  toJSON(): unknown;
  saveTo?: (dir: string) => Promise<void>;
}

function indexFile(runDir: string): string {
  return path.join(runDir, VERSIONS_DIR, 'index.json');
}

/** Every version of the run's model, oldest first; version 1 is the trained one. */
export function listModelVersions(runDir: string): ModelVersion[] {
  return readModelVersions(runDir).versions;
}

/** The run's versions, oldest first, and the number of the one to serve (`current`), from one read of the index. */
export function readModelVersions(runDir: string): { versions: ModelVersion[]; current: number } {
  let createdAt = '';
  const runFile = path.join(runDir, 'run.json');
  if (existsSync(runFile)) {
    try {
      const run = JSON.parse(readFileSync(runFile, 'utf8')) as { endedAt?: string; startedAt?: string };
      createdAt = run.endedAt ?? run.startedAt ?? '';
    } catch {
      // a broken run.json is reported by whoever loads the run; the versions stay readable
    }
  }
  const first: ModelVersion = { version: 1, createdAt, source: 'training', dir: '.' };
  const file = indexFile(runDir);
  if (!existsSync(file)) return { versions: [first], current: 1 };
  let index: VersionIndex;
  try {
    index = JSON.parse(readFileSync(file, 'utf8')) as VersionIndex;
  } catch (error) {
    throw new MlError(`${file} is not valid JSON (${(error as Error).message}); the run's trained model is still in model.json`);
  }
  if (!Array.isArray(index.versions)) throw new MlError(`${file} has no "versions" list`);
  const versions = [first, ...index.versions.filter((v) => v.version > 1).sort((a, b) => a.version - b.version)];
  const newest = (versions[versions.length - 1] as ModelVersion).version;
  const current = versions.some((v) => v.version === index.current) ? (index.current as number) : newest;
  return { versions, current };
}

/**
 * The version numbered `version`, or, left out, the one a service of the run serves (the newest,
 * unless the user went back to an older one); a number the run lacks is an MlError listing its versions.
 */
export function findModelVersion(runDir: string, version?: number): ModelVersion {
  const { versions, current } = readModelVersions(runDir);
  return pick(runDir, versions, version ?? current);
}

function pick(runDir: string, versions: readonly ModelVersion[], version: number): ModelVersion {
  const chosen = versions.find((v) => v.version === version);
  if (!chosen) throw new MlError(`model version ${version} does not exist in ${runDir}; versions: ${versions.map((v) => v.version).join(', ')}`);
  return chosen;
}

/**
 * Makes `version` the one a service serves (going back to an older version, or forward again);
 * the versions themselves are untouched. Takes effect when a service (re)starts.
 */
export function setCurrentModelVersion(runDir: string, version: number): ModelVersion {
  const { versions } = readModelVersions(runDir);
  const chosen = pick(runDir, versions, version);
  writeJsonAtomic(indexFile(runDir), { versions: versions.slice(1), current: version } satisfies VersionIndex);
  return chosen;
}

/** Writes a model's files into `dir`: model.json, plus model/ for networks. */
export async function saveModelFiles(dir: string, model: SavableModel): Promise<void> {
  makeDirectory(dir);
  if (typeof model.saveTo === 'function') {
    // Networks are kept in tfjs layers format (model.json + weights.bin).
    await model.saveTo(path.join(dir, 'model'));
    writeJsonAtomic(path.join(dir, 'model.json'), { type: model.type, format: 'tfjs-layers', dir: 'model' });
  } else {
    writeFileAtomic(path.join(dir, 'model.json'), JSON.stringify(model.toJSON()));
  }
}

/**
 * Saves an updated model as the next version and lists it; returns what was listed. It serves
 * from then on (also after a restart) unless `serve` is false: a held-back version is kept, listed,
 * and the index goes on naming the version that served before.
 */
export async function saveModelVersion(
  runDir: string,
  model: SavableModel,
  meta: Omit<ModelVersion, 'version' | 'dir' | 'createdAt'>,
  serve = true,
): Promise<ModelVersion> {
  const { versions, current } = readModelVersions(runDir);
  const version = (versions[versions.length - 1] as ModelVersion).version + 1;
  const dir = path.join(VERSIONS_DIR, String(version));
  const target = path.join(runDir, dir);
  // Written beside, then renamed: a listed version's folder is always complete.
  const staging = `${target}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  await saveModelFiles(staging, model);
  if (existsSync(target)) rmSync(target, { recursive: true, force: true }); // an unlisted leftover of a crash
  renameSync(staging, target);
  const entry: ModelVersion = { version, ...meta, createdAt: new Date().toISOString(), dir };
  writeJsonAtomic(indexFile(runDir), { versions: [...versions.slice(1), entry], current: serve ? version : current } satisfies VersionIndex);
  return entry;
}
