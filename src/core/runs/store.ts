/** The run store: plain files under `.mlwb/runs/<id>/` in the workspace, readable and diffable. */
import { appendFileSync, existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import type { DataSource } from '../sources/sidecar';
import type { PermutationImportanceResult } from '../inspection/permutationImportance';
import type { EmbedRecord } from '../embed/record';
import { makeDirectory, writeJsonAtomic } from './atomic';

/** `damaged`: run.json exists but cannot be read (cut short, not JSON); `reason` says where it broke. */
export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted' | 'damaged';

export interface DataFingerprint {
  readonly path: string;
  readonly sha256: string;
  readonly rows: number;
  readonly columns: number;
  readonly bytes: number;
}

export interface RunRecord {
  readonly id: string;
  experiment: string;
  /** Experiment file relative to the workspace root. */
  readonly experimentFile: string;
  /** The experiment as it was when the run started. */
  snapshot: unknown;
  status: RunStatus;
  readonly createdAt: string;
  startedAt?: string;
  endedAt?: string;
  /** 0..1 while running. */
  progress?: number;
  /** The phase the run is in while running, in words ("trial 3/12 · fold 2/5"); see core/runs/progress.ts. */
  phase?: string;
  /** Why a run failed or was cancelled. */
  reason?: string;
  /** Things about the data that trained but are unlikely to be meant (e.g. a class for almost every row). */
  warnings?: string[];
  task?: string;
  taskReason?: string;
  modelType?: string;
  params?: Record<string, unknown>;
  seed?: number;
  data?: DataFingerprint;
  /** Rows of the data left out before the split because their target is missing (dropMissing naming the target). */
  missingTargetRows?: number;
  /** Where the data file was imported from (its `.source.yaml` sidecar), when it was imported. */
  source?: DataSource;
  environment?: Record<string, string>;
  metrics?: Record<string, unknown>;
  cv?: unknown;
  trials?: unknown[];
  best?: unknown;
  featureNames?: readonly string[];
  featureImportances?: readonly number[];
  /** Permutation importance of the original columns on held-out rows (core/inspection/permutationImportance.ts). */
  permutationImportance?: PermutationImportanceResult;
  /** embed steps: each one's encoder folder, its sha256, the width and texts cut; the run's embedding cache hits and misses. */
  embeddings?: EmbedRecord;
  /** Regression: held-out actual and predicted values for residual charts. */
  predictions?: { readonly actual: number[]; readonly predicted: number[] };
  /** A retraining: the run whose service's labelled requests were added, and how many. */
  retrainedFrom?: { readonly runId: string; readonly feedbackRows: number; readonly skippedLines: number; readonly file: string };
  /** Trained beyond memory: streamed from the file in batches of `batchSize` rows, `passes` reads, `rows` rows trained on (stream/run.ts). */
  streamed?: { readonly batchSize: number; readonly passes: number; readonly rows: number };
  /** A sweep scored by queue workers: which worker ran each trial, by trial index. */
  trialWorkers?: Record<string, string>;
  /** The sweep this run is a trial of. */
  parent?: string;
  /** Who holds the run while it runs: a run whose owner is gone was interrupted. */
  owner?: { readonly pid: number; readonly host: string };
}

export const STORE_DIR = '.mlwb';

/** Reads and writes runs of one workspace. */
export class RunStore {
  readonly runsDir: string;

  constructor(readonly workspaceRoot: string) {
    this.runsDir = path.join(workspaceRoot, STORE_DIR, 'runs');
  }

  runDir(id: string): string {
    if (!/^[\w.-]+$/.test(id)) throw new Error(`invalid run id "${id}"`);
    return path.join(this.runsDir, id);
  }

  /** Makes a new run folder with a sortable id (time first, then the experiment name). */
  create(experiment: string, experimentFile: string, snapshot: unknown, parent?: string): RunRecord {
    const now = new Date();
    const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    const slug =
      experiment
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, '-')
        .replace(/^-|-$/g, '')
        .slice(0, 40) || 'run';
    let id = `${stamp}-${slug}-${Math.random().toString(36).slice(2, 6)}`;
    while (existsSync(this.runDir(id))) id = `${stamp}-${slug}-${Math.random().toString(36).slice(2, 6)}`;
    const record: RunRecord = {
      id,
      experiment,
      experimentFile,
      snapshot,
      status: 'queued',
      createdAt: now.toISOString(),
      owner: { pid: process.pid, host: hostname() },
      ...(parent ? { parent } : {}),
    };
    makeDirectory(this.runDir(id));
    this.save(record);
    return record;
  }

  save(record: RunRecord): void {
    writeJsonAtomic(path.join(this.runDir(record.id), 'run.json'), record);
  }

  /** Marks the run as held by this process (for interrupted-run detection) and running. */
  start(record: RunRecord): void {
    record.status = 'running';
    record.startedAt = new Date().toISOString();
    record.owner = { pid: process.pid, host: hostname() };
    this.save(record);
  }

  finish(record: RunRecord, status: 'completed' | 'failed' | 'cancelled', reason?: string): void {
    record.status = status;
    record.endedAt = new Date().toISOString();
    if (reason !== undefined) record.reason = reason;
    if (status === 'completed') record.progress = 1;
    delete record.phase;
    this.save(record);
  }

  appendMetric(id: string, entry: Record<string, unknown>): void {
    appendFileSync(path.join(this.runDir(id), 'metrics.jsonl'), `${JSON.stringify({ time: Date.now(), ...entry })}\n`);
  }

  appendLog(id: string, line: string): void {
    appendFileSync(path.join(this.runDir(id), 'log.txt'), `[${new Date().toISOString()}] ${line}\n`);
  }

  /**
   * One run, with `running` turned into `interrupted` when its process is gone; a run.json that
   * cannot be read is a `damaged` record saying why; undefined when the run has no run.json.
   */
  get(id: string): RunRecord | undefined {
    return readRunRecord(this.runDir(id));
  }

  /** All runs, newest first. */
  list(): RunRecord[] {
    if (!existsSync(this.runsDir)) return [];
    return readdirSync(this.runsDir)
      .sort()
      .reverse()
      .map((id) => this.get(id))
      .filter((record): record is RunRecord => record !== undefined);
  }

  metrics(id: string): Record<string, unknown>[] {
    const file = path.join(this.runDir(id), 'metrics.jsonl');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as Record<string, unknown>];
        } catch {
          return []; // a line cut by a crash is skipped, the rest stays readable
        }
      });
  }

  delete(id: string): void {
    rmSync(this.runDir(id), { recursive: true, force: true });
  }
}

/**
 * Reads `<runDir>/run.json` as RunStore.get does: undefined when there is none, `interrupted` for a
 * run whose process is gone, and a `damaged` record (id, what could be salvaged, the reason with the
 * line and column where the JSON broke) when it cannot be parsed. The run's files are left as they are.
 */
export function readRunRecord(runDir: string): RunRecord | undefined {
  const file = path.join(runDir, 'run.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return damagedRecord(runDir, file, '', (error as Error).message);
  }
  let record: unknown;
  try {
    record = JSON.parse(text);
  } catch (error) {
    return damagedRecord(runDir, file, text, jsonProblem(text, (error as Error).message));
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record) || typeof (record as RunRecord).status !== 'string') {
    return damagedRecord(runDir, file, text, 'it is JSON but not a run record (no "status")');
  }
  const run = record as RunRecord;
  if ((run.status === 'running' || run.status === 'queued') && !ownerAlive(run)) {
    run.status = 'interrupted';
    // A process that is stopped by a signal it handles records why; one killed outright cannot.
    run.reason ??= `the process that ran it (pid ${run.owner?.pid ?? '?'}${run.owner?.host ? ` on ${run.owner.host}` : ''}) ended before the run finished: it was killed (kill -9, or the machine stopped) or crashed; its files are kept`;
  }
  return run;
}

/** Where and why JSON.parse gave up, as `line L, column C` (V8 gives a character position, or none at the end). */
function jsonProblem(text: string, message: string): string {
  if (text.trim() === '') return 'the file is empty';
  const at = (offset: number): string => {
    const before = text.slice(0, offset);
    return `line ${before.split('\n').length}, column ${before.length - before.lastIndexOf('\n')}`;
  };
  const position = /at position (\d+)/.exec(message);
  const offset = position ? Number(position[1]) : undefined;
  if (/Unexpected end of JSON input/.test(message) || (offset !== undefined && text.slice(offset).trim() === '')) {
    return `the JSON ends early, at ${at(text.trimEnd().length)}: the file was cut short`;
  }
  // V8 quotes the whole text after some messages; the reason is before it.
  const reason = message.replace(/ in JSON at position \d+.*$/s, '').replace(/, ".*" is not valid JSON$/s, '');
  return offset === undefined ? `not valid JSON: ${reason}` : `not valid JSON at ${at(offset)}: ${reason}`;
}

/** A stand-in for a run whose run.json broke: listed (not hidden) with why, so it can be repaired or deleted. */
function damagedRecord(runDir: string, file: string, text: string, problem: string): RunRecord {
  const id = path.basename(runDir);
  // run.json starts with these keys, so a file cut short further down still names its experiment.
  const salvage = (key: string): string | undefined => {
    const match = new RegExp(`"${key}":\\s*("(?:[^"\\\\]|\\\\.)*")`).exec(text);
    try {
      return match ? (JSON.parse(match[1] as string) as string) : undefined;
    } catch {
      return undefined;
    }
  };
  // Ids are <date>-<time>-<experiment slug>-<random>.
  const slug = /^\d{8}-\d{6}-(.+)-[a-z0-9]{4}$/.exec(id)?.[1] ?? id;
  let createdAt = salvage('createdAt');
  if (createdAt === undefined) {
    try {
      createdAt = statSync(runDir).mtime.toISOString();
    } catch {
      createdAt = new Date(0).toISOString();
    }
  }
  return {
    id,
    experiment: salvage('experiment') ?? slug,
    experimentFile: salvage('experimentFile') ?? '',
    snapshot: null,
    status: 'damaged',
    createdAt,
    reason: `${file} cannot be read: ${problem}. The run's other files are kept; delete the run or repair run.json`,
  };
}

function ownerAlive(record: RunRecord): boolean {
  if (!record.owner) return false;
  if (record.owner.host !== hostname()) return true; // cannot tell for another machine
  try {
    process.kill(record.owner.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
