/**
 * A sweep's inputs on a queue worker: the experiment text, the data file and the coordinator's
 * splits fetched from Redis once (blobs by sha256, checked, cached on disk) and laid out in a folder of their own, the data at
 * the experiment's relative path, so the worker never needs the coordinator's workspace.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Redis } from 'ioredis';
import { MlError } from '../types';
import { KEYS, type SweepSpec } from './protocol';
import { decodeSplits } from './folds';
import type { TrainSplits } from '../experiment/train';
import type { Experiment } from '../experiment/experiment';
import { checkModelFolder } from '../embed/modelFolder';

export interface PreparedSweep {
  readonly spec: SweepSpec;
  /** Absolute path of the experiment file in the worker's cache. */
  readonly experimentFile: string;
  /** The coordinator's splits: every trial and training scores on these rows, not on splits rebuilt here. */
  readonly splits: TrainSplits;
}

export class SweepInputs {
  private readonly prepared = new Map<string, PreparedSweep>();

  constructor(
    private readonly redis: Redis,
    /** The worker's cache folder. */
    private readonly cacheDir: string,
  ) {}

  /** The sweep's spec as Redis holds it now; undefined when the sweep is gone (finished, cancelled, its coordinator dead). */
  async spec(sweepId: string): Promise<SweepSpec | undefined> {
    const text = await this.redis.get(KEYS.sweep(sweepId));
    return text ? (JSON.parse(text) as SweepSpec) : undefined;
  }

  /** The sweep's files on disk, fetched once per sweep (and the data once per content). */
  async prepare(spec: SweepSpec): Promise<PreparedSweep> {
    const known = this.prepared.get(spec.runId);
    if (known) return known;
    // Every input at its path relative to the experiment file, which sits deep enough that their leading ../ stay inside the sweep's folder.
    const inputs = [
      { ...spec.data, what: "the sweep's data file" },
      ...(spec.files ?? []).map((file) => ({ ...file, what: `the experiment's file ${file.relativePath}` })),
    ];
    const relatives = inputs.map((input) => path.normalize(input.relativePath));
    if (relatives.some((relative) => path.isAbsolute(relative))) throw new MlError(`sweep ${spec.runId}: its inputs must be relative to the experiment file`);
    const ups = Math.max(...relatives.map((relative) => relative.split(path.sep).filter((part) => part === '..').length));
    const sweepDir = path.join(this.cacheDir, 'sweeps', spec.runId.replace(/[^\w.-]/g, '_'));
    const experimentDir = path.join(sweepDir, ...Array.from({ length: ups }, () => 'e'));
    mkdirSync(experimentDir, { recursive: true });
    for (const [i, input] of inputs.entries()) {
      const target = path.resolve(experimentDir, relatives[i] as string);
      if (!target.startsWith(sweepDir + path.sep)) throw new MlError(`sweep ${spec.runId}: ${input.what} leaves the sweep's folder`);
      const blob = await this.blob(input.sha256, input.what);
      mkdirSync(path.dirname(target), { recursive: true });
      if (!existsSync(target)) copyFileSync(blob, target);
    }
    const experimentFile = path.join(experimentDir, path.basename(spec.experimentName));
    writeFileSync(experimentFile, spec.experimentText);
    const splits = decodeSplits(readFileSync(await this.blob(spec.folds.sha256, "the sweep's splits")));
    const prepared = { spec, experimentFile, splits };
    this.prepared.set(spec.runId, prepared);
    return prepared;
  }

  /** The data file of a sha256 in the cache, fetched from Redis when missing and checked against its hash. */
  private async blob(sha256: string, what: string): Promise<string> {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new MlError(`not a sha256: ${sha256}`);
    const file = path.join(this.cacheDir, 'blobs', sha256);
    if (existsSync(file) && hashOf(readFileSync(file)) === sha256) return file;
    const bytes = await this.redis.getBuffer(KEYS.blob(sha256));
    if (!bytes) throw new MlError(`${what} (sha256 ${sha256.slice(0, 12)}…) is no longer in Redis`);
    if (hashOf(bytes) !== sha256) throw new MlError(`${what} fetched from Redis does not match its sha256 ${sha256.slice(0, 12)}…`);
    mkdirSync(path.dirname(file), { recursive: true });
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, bytes);
    renameSync(temporary, file);
    return file;
  }

  forget(sweepId: string): void {
    this.prepared.delete(sweepId);
  }
}

/** A file a sweep's experiment reads besides its data, relative to the experiment file's folder. */
export interface ExtraFile {
  readonly relativePath: string;
  readonly bytes: Buffer;
}

/**
 * The files an experiment reads besides its data: every file of each embed step's model folder written relative to the
 * experiment file (a folder given by an absolute path is read there on every machine, and is not sent).
 */
export function extraFiles(experimentFile: string, experiment: Pick<Experiment, 'prepare'>): ExtraFile[] {
  const baseDir = path.dirname(path.resolve(experimentFile));
  const folders = new Set<string>();
  for (const step of experiment.prepare ?? []) {
    const model = (step.embed as { model?: unknown } | undefined)?.model;
    if (typeof model === 'string' && !path.isAbsolute(model)) folders.add(path.resolve(baseDir, model));
  }
  return [...folders].flatMap((folder) => {
    checkModelFolder(folder);
    return folderFiles(folder).map((file) => ({
      relativePath: path.relative(baseDir, path.join(folder, file)).split(path.sep).join('/'),
      bytes: readFileSync(path.join(folder, file)),
    }));
  });
}

function folderFiles(folder: string, prefix = ''): string[] {
  return readdirSync(path.join(folder, prefix), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(prefix, entry.name);
    if (entry.isDirectory()) return folderFiles(folder, relative);
    return entry.isFile() ? [relative] : [];
  });
}

export function hashOf(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
