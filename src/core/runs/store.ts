/** The run store: plain files under `.mlwb/runs/<id>/` in the workspace, readable and diffable. */
import { appendFileSync, existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { makeDirectory, writeJsonAtomic } from './atomic';

export type RunStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled' | 'interrupted';

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
  /** Why a run failed or was cancelled. */
  reason?: string;
  task?: string;
  taskReason?: string;
  modelType?: string;
  params?: Record<string, unknown>;
  seed?: number;
  data?: DataFingerprint;
  environment?: Record<string, string>;
  metrics?: Record<string, unknown>;
  cv?: unknown;
  trials?: unknown[];
  best?: unknown;
  featureNames?: readonly string[];
  featureImportances?: readonly number[];
  /** Regression: held-out actual and predicted values for residual charts. */
  predictions?: { readonly actual: number[]; readonly predicted: number[] };
  /** A retraining: the run whose service's labelled requests were added, and how many. */
  retrainedFrom?: { readonly runId: string; readonly feedbackRows: number; readonly skippedLines: number; readonly file: string };
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
    const slug = experiment.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'run';
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
    this.save(record);
  }

  appendMetric(id: string, entry: Record<string, unknown>): void {
    appendFileSync(path.join(this.runDir(id), 'metrics.jsonl'), `${JSON.stringify({ time: Date.now(), ...entry })}\n`);
  }

  appendLog(id: string, line: string): void {
    appendFileSync(path.join(this.runDir(id), 'log.txt'), `[${new Date().toISOString()}] ${line}\n`);
  }

  /** One run, with `running` turned into `interrupted` when its process is gone; undefined if unreadable. */
  get(id: string): RunRecord | undefined {
    const file = path.join(this.runDir(id), 'run.json');
    try {
      const record = JSON.parse(readFileSync(file, 'utf8')) as RunRecord;
      if ((record.status === 'running' || record.status === 'queued') && !ownerAlive(record)) record.status = 'interrupted';
      return record;
    } catch {
      return undefined;
    }
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
