/**
 * A sweep's inputs on a queue worker: the experiment text, the data file and the coordinator's
 * splits fetched from Redis once (blobs by sha256, checked, cached on disk) and laid out in a folder of their own, the data at
 * the experiment's relative path, so the worker never needs the coordinator's workspace.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Redis } from 'ioredis';
import { MlError } from '../types';
import { KEYS, type SweepSpec } from './protocol';
import { decodeSplits } from './folds';
import type { TrainSplits } from '../experiment/train';

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
    const blob = await this.blob(spec.data.sha256, "the sweep's data file");
    // The experiment sits deep enough that its data path's leading ../ stay inside the sweep's folder.
    const relative = path.normalize(spec.data.relativePath);
    if (path.isAbsolute(relative)) throw new MlError(`sweep ${spec.runId}: its data path must be relative to the experiment file`);
    const ups = relative.split(path.sep).filter((part) => part === '..').length;
    const sweepDir = path.join(this.cacheDir, 'sweeps', spec.runId.replace(/[^\w.-]/g, '_'));
    const experimentDir = path.join(sweepDir, ...Array.from({ length: ups }, () => 'e'));
    const dataFile = path.resolve(experimentDir, relative);
    if (!dataFile.startsWith(sweepDir + path.sep)) throw new MlError(`sweep ${spec.runId}: its data path leaves the sweep's folder`);
    mkdirSync(path.dirname(dataFile), { recursive: true });
    mkdirSync(experimentDir, { recursive: true });
    if (!existsSync(dataFile)) copyFileSync(blob, dataFile);
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

export function hashOf(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}
