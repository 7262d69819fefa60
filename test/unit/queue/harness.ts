/**
 * Real Redis and real `mlwb worker` processes for the queue tests: Debian's redis-server in a
 * temporary folder on a free loopback port (no persistence, as a restart that forgets everything is
 * the harder case), stopped by PID; workers started from their own folder with their own HOME, so
 * they cannot see the workspace and get the data only through Redis.
 */
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Redis } from 'ioredis';
import { listWorkers } from '../../../src/core/queue/worker';
import { freePort } from '../sources/servers';

const root = path.join(__dirname, '..', '..', '..');
const fixtures = path.join(root, 'test', 'fixtures');
export const MLWB = path.join(root, 'src', 'cli', 'mlwb.ts');
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

export function redisServerBin(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

/** Why a queue test file is skipped here, or false where redis-server is installed. */
export const skipWithoutRedis: string | false = redisServerBin() ? false : 'redis-server is not installed (apt-get install redis-server)';

export interface RunningRedis {
  readonly port: number;
  readonly password: string;
  readonly url: string;
  /** Stops the server by PID (kill -9 when `hard`). */
  stop(hard?: boolean): Promise<void>;
  /** Starts it again on the same port (empty: no persistence). */
  restart(): Promise<void>;
}

/** Starts redis-server with a password on a free loopback port. */
export async function startRedis(): Promise<RunningRedis> {
  const bin = redisServerBin();
  if (!bin) throw new Error('redis-server is not installed (apt-get install redis-server)');
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'mlwb-redis-'));
  const password = 's3cret-queue-pw';
  let child: ChildProcess | undefined;
  let log = '';
  const start = async (): Promise<void> => {
    log = '';
    const started = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--requirepass', password], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(started);
    started.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    started.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child = started;
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      if (started.exitCode !== null) throw new Error(`redis-server exited with ${started.exitCode}: ${log}`);
      const probe = new Redis({ port, host: '127.0.0.1', password, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
      probe.on('error', () => undefined);
      const ok = await probe
        .connect()
        .then(() => probe.ping())
        .then(
          () => true,
          () => false,
        );
      probe.disconnect();
      if (ok) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`redis-server did not start within 20 s: ${log}`);
  };
  const stop = async (hard = false): Promise<void> => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill(hard ? 'SIGKILL' : 'SIGTERM');
    await exited;
    children.delete(running);
  };
  await start();
  return { port, password, url: `redis://:${password}@127.0.0.1:${port}/0`, stop, restart: start };
}

export interface WorkerProcess {
  readonly child: ChildProcess;
  readonly name: string;
  output(): string;
  /** Resolves with the exit code (or the signal) once the process ended. */
  readonly exited: Promise<number | NodeJS.Signals | null>;
}

/** Starts `mlwb worker` from its own empty folder and HOME (it cannot see any workspace). */
export function startWorker(url: string, name: string, options: { concurrency?: number; env?: Record<string, string> } = {}): WorkerProcess {
  const home = mkdtempSync(path.join(tmpdir(), `mlwb-worker-${name}-`));
  const child = spawn(
    process.execPath,
    ['--import', require.resolve('tsx'), MLWB, 'worker', '--queue', url, '--name', name, '--concurrency', String(options.concurrency ?? 1)],
    { cwd: home, env: { ...process.env, HOME: home, XDG_CACHE_HOME: path.join(home, '.cache'), ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  return { child, name, output: () => text, exited };
}

/** Waits until `check` is true (polled), failing with `what` after `ms`. */
export async function waitUntil(check: () => boolean | Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
}

/** Runs `mlwb` (the real CLI from source) in a folder; resolves with its status and output. */
export function runMlwb(
  cwd: string,
  args: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; done: Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, ['--import', require.resolve('tsx'), MLWB, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.once('close', (status, signal) => resolve({ status, signal, stdout, stderr })),
  );
  return { child, done };
}

export interface QueueFixture {
  /** The file's Redis (started before its first test). */
  readonly redis: RunningRedis;
  /** A client of it for the tests' own looks (workers' heartbeats, waiting jobs). */
  readonly client: Redis;
  /** Every worker started for the file; all are killed after its last test. */
  readonly workers: WorkerProcess[];
  /** The running worker of that name, started if there is none. */
  ensureWorker(name: string): WorkerProcess;
  /** Waits until each named worker has sent a heartbeat. */
  waitForWorkers(names: string[]): Promise<void>;
}

/**
 * Registers the test file's before/after hooks: Redis and a client started before its first test; after the last,
 * the workers killed, the client disconnected and Redis stopped (so the test process exits).
 */
export function useQueueFixture(): QueueFixture {
  let redis: RunningRedis | undefined;
  let client: Redis | undefined;
  const workers: WorkerProcess[] = [];
  before(async () => {
    if (skipWithoutRedis) return;
    redis = await startRedis();
    client = new Redis(redis.url, { maxRetriesPerRequest: null });
    client.on('error', () => undefined);
  });
  after(async () => {
    for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
    client?.disconnect();
    await redis?.stop(true);
  });
  const started = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`${what} is not started: use it inside a test`);
    return value;
  };
  const fixture: QueueFixture = {
    get redis() {
      return started(redis, 'Redis');
    },
    get client() {
      return started(client, 'the Redis client');
    },
    workers,
    ensureWorker(name) {
      const running = workers.find((worker) => worker.name === name && worker.child.exitCode === null && worker.child.signalCode === null);
      if (running) return running;
      const worker = startWorker(fixture.redis.url, name);
      workers.push(worker);
      return worker;
    },
    async waitForWorkers(names) {
      await waitUntil(
        async () => (await listWorkers(fixture.client)).filter((w) => names.includes(w.name)).length === names.length,
        `workers ${names.join(', ')}`,
        90_000,
      );
    },
  };
  return fixture;
}

/**
 * A workspace with one experiment file under experiments/ and a fixture dataset in a sibling folder (../data/), as
 * users often keep it; `lines` are the experiment's YAML lines.
 */
export function queueWorkspace(prefix: string, dataset: string, fileName: string, lines: string[]): { dir: string; file: string } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  mkdirSync(path.join(dir, 'data'));
  mkdirSync(path.join(dir, 'experiments'));
  cpSync(path.join(fixtures, 'datasets', dataset), path.join(dir, 'data', dataset));
  const file = path.join(dir, 'experiments', fileName);
  writeFileSync(file, [...lines, ''].join('\n'));
  return { dir, file };
}

/** What `mlwb train --json` prints, as far as the queue tests compare it. */
export interface RunJson {
  runId: string;
  status: string;
  reason?: string;
  metrics?: Record<string, unknown>;
  trials?: { params: Record<string, unknown>; score: number | null; error?: string; iteration?: number; rows?: number }[];
  best?: unknown;
}

/** The run without its id, which differs between two runs of the same experiment. */
export function withoutId(run: RunJson): Omit<RunJson, 'runId'> {
  const { runId: _runId, ...rest } = run;
  return rest;
}

/** Runs `mlwb train FILE --json` in `dir` (through the queue at `queue` when given); fails the test unless it exits 0. */
export async function trainJson(dir: string, file: string, queue?: string): Promise<{ run: RunJson; stdout: string; stderr: string }> {
  const done = await runMlwb(dir, ['train', file, '--json', ...(queue ? ['--queue', queue] : [])]).done;
  assert.equal(done.status, 0, `mlwb train exited ${done.status}: ${done.stderr}${done.stdout}`);
  return { run: JSON.parse(done.stdout) as RunJson, stdout: done.stdout, stderr: done.stderr };
}
