/**
 * The queue's cost and its scaling: (1) per-trial overhead with no-op jobs on one worker process;
 * (2) a 24-candidate sweep (decision trees on a 20,000-row synthetic set, 5-fold CV) on 1, 2 and 4
 * `mlwb worker` processes beside the local worker-thread pool (`mlwb train --jobs`) and one thread.
 * Runs the bundled CLI (build first: node scripts/build.mjs) and Debian's redis-server on a free port.
 * (3) With --scaling: the same sweep on 1 and 2 workers, alternating (1, 2, 1, 2), each beside the load
 * average and the CPU seconds the workers and the coordinator got: on a shared 2-core machine the
 * honest figure is the speed-up per core obtained (parallel efficiency), and a model for 16 machines
 * built from the measured per-trial and coordinator CPU seconds.
 * Run: node --import tsx bench/queue.ts [--noop 300] [--scaling [--pairs 2]]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { queueName } from '../src/core/queue/protocol';
import { listWorkers } from '../src/core/queue/worker';
import { startRedis, waitUntil } from '../test/unit/queue/harness';
import { option } from './common';

const CLI = path.join(__dirname, '..', 'dist', 'cli', 'mlwb.js');

function startWorkers(url: string, count: number): ChildProcess[] {
  return Array.from({ length: count }, (_, i) => {
    const home = mkdtempSync(path.join(tmpdir(), 'mlwb-bench-worker-'));
    return spawn(process.execPath, [CLI, 'worker', '--queue', url, '--name', `w${i + 1}`], {
      cwd: home,
      env: { ...process.env, HOME: home },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  });
}

async function stopWorkers(children: ChildProcess[]): Promise<void> {
  await Promise.all(children.map((child) => new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM')))));
}

function train(dir: string, args: string[]): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'train', 'sweep.experiment.yaml', '--json', ...args], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) =>
      code === 0 ? resolve((performance.now() - started) / 1000) : reject(new Error(`mlwb train ${args.join(' ')} exited ${code}: ${stderr}`)),
    );
  });
}

function sweepWorkspace(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlwb-bench-queue-'));
  const lines = ['x1,x2,x3,x4,x5,x6,label'];
  let seed = 7;
  const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  for (let i = 0; i < 20_000; i++) {
    const x = Array.from({ length: 6 }, random);
    const score = (x[0] ?? 0) + 0.5 * (x[1] ?? 0) * (x[2] ?? 0) - (x[3] ?? 0) ** 2 + 0.3 * random();
    lines.push(`${x.map((v) => v.toFixed(4)).join(',')},${score > -0.2 ? 'a' : 'b'}`);
  }
  writeFileSync(path.join(dir, 'data.csv'), lines.join('\n') + '\n');
  writeFileSync(
    path.join(dir, 'sweep.experiment.yaml'),
    [
      'name: bench-sweep',
      'data: { path: data.csv, target: label }',
      'model: { type: decision_tree }',
      'validation: { method: kfold, folds: 5 }',
      'search: { method: grid, metric: accuracy, params: { max_depth: [4, 6, 8, 10, 12, 14], min_samples_leaf: [1, 5, 20, 50] } }',
      'importance: false',
      'seed: 1',
      '',
    ].join('\n'),
  );
  return dir;
}

/** CPU seconds (user + system, every thread) a live process has used, from /proc. */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /, '')
      .split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (100 Hz)
  } catch {
    return 0;
  }
}

/** `mlwb train` under /usr/bin/time: wall seconds and the coordinator's own CPU seconds. */
function timedTrain(dir: string, args: string[]): Promise<{ wall: number; cpu: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/time', ['-f', 'cpu %U %S', process.execPath, CLI, 'train', 'sweep.experiment.yaml', '--json', ...args], {
      cwd: dir,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => {
      const match = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(stderr);
      if (code !== 0 || !match) return reject(new Error(`mlwb train ${args.join(' ')} exited ${code}: ${stderr}`));
      resolve({ wall: (performance.now() - started) / 1000, cpu: Number(match[1]) + Number(match[2]) });
    });
  });
}

interface ScalingRun {
  readonly workers: number;
  readonly wall: number;
  readonly workerCpu: number;
  readonly coordinatorCpu: number;
  readonly loadBefore: number;
  readonly loadAfter: number;
}

/** (3) 1 and 2 workers alternating: wall, CPU obtained, load; then parallel efficiency and the 16-machine model. */
async function scaling(url: string, client: Redis, pairs: number): Promise<void> {
  const dir = sweepWorkspace();
  const trials = 24;
  const runs: ScalingRun[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    for (const n of [1, 2]) {
      const workers = startWorkers(url, n);
      await waitUntil(async () => (await listWorkers(client)).length === n, `${n} worker(s)`, 120_000);
      const cpuStart = workers.reduce((a, w) => a + cpuSeconds(w.pid), 0);
      const loadBefore = loadavg()[0] ?? Number.NaN;
      const timed = await timedTrain(dir, ['--queue', url]);
      const workerCpu = workers.reduce((a, w) => a + cpuSeconds(w.pid), 0) - cpuStart;
      runs.push({ workers: n, wall: timed.wall, workerCpu, coordinatorCpu: timed.cpu, loadBefore, loadAfter: loadavg()[0] ?? Number.NaN });
      await stopWorkers(workers);
      await waitUntil(async () => (await listWorkers(client)).length === 0, 'the workers to leave', 30_000);
    }
  }
  console.log(`\nScaling on this machine (${availableParallelism()} cores, shared): the 24-candidate sweep on 1 and 2 workers, alternating`);
  console.log('| workers | wall s | workers CPU s | cores obtained (CPU/wall) | coordinator CPU s | load 1-min before → after |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of runs)
    console.log(
      `| ${r.workers} | ${r.wall.toFixed(1)} | ${r.workerCpu.toFixed(1)} | ${(r.workerCpu / r.wall).toFixed(2)} | ${r.coordinatorCpu.toFixed(1)} | ${r.loadBefore.toFixed(1)} → ${r.loadAfter.toFixed(1)} |`,
    );
  const mean = (list: readonly number[]): number => list.reduce((a, b) => a + b, 0) / list.length;
  const of = (n: number): ScalingRun[] => runs.filter((r) => r.workers === n);
  const wall1 = mean(of(1).map((r) => r.wall));
  const wall2 = mean(of(2).map((r) => r.wall));
  const cores1 = mean(of(1).map((r) => r.workerCpu / r.wall));
  const cores2 = mean(of(2).map((r) => r.workerCpu / r.wall));
  const speedUp = wall1 / wall2;
  console.log(
    `speed-up 1 → 2 workers: ${speedUp.toFixed(2)}× for ${(cores2 / cores1).toFixed(2)}× the cores obtained: parallel efficiency ${((speedUp / (cores2 / cores1)) * 100).toFixed(0)} % ` +
      `(ideal 2× needs 2 idle cores; this machine gave the workers ${cores1.toFixed(2)} and ${cores2.toFixed(2)} cores)`,
  );
  // The model: per-trial CPU from the workers, serial part (read, splits, refit) from the coordinator, 2 ms queue cost a trial.
  const trialCpu = mean(runs.map((r) => r.workerCpu)) / trials;
  const serial = mean(runs.map((r) => r.coordinatorCpu));
  const model = (machines: number, count: number): number => serial + Math.ceil(count / machines) * trialCpu + count * 0.002;
  console.log(`model (a free core per worker): t_trial ${trialCpu.toFixed(2)} s CPU, serial part (read, splits, refit) ${serial.toFixed(1)} s CPU`);
  for (const count of [24, 240]) {
    const one = model(1, count);
    const sixteen = model(16, count);
    console.log(
      `  ${count} trials: 1 machine ${one.toFixed(1)} s, 16 machines ${sixteen.toFixed(1)} s → ${(one / sixteen).toFixed(1)}× (ideal 16×; ${(sixteen / (one / 16)).toFixed(2)}× the ideal wall)`,
    );
  }
}

async function main(): Promise<void> {
  const redis = await startRedis();
  const client = new Redis(redis.url, { maxRetriesPerRequest: null });
  try {
    if (process.argv.includes('--scaling')) {
      await scaling(redis.url, client, option('--pairs', 2));
      return;
    }
    // (1) No-op trials through one worker: the queue's own cost per trial.
    const count = option('--noop', 300);
    let workers = startWorkers(redis.url, 1);
    await waitUntil(async () => (await listWorkers(client)).length === 1, 'the worker', 60_000);
    const queue = new Queue(queueName(), { connection: new Redis(redis.url, { maxRetriesPerRequest: null }) });
    const started = performance.now();
    await queue.addBulk(Array.from({ length: count }, (_, i) => ({ name: 'noop', data: { sweepId: 'noop', index: i }, opts: { removeOnComplete: false } })));
    await waitUntil(async () => (await queue.getJobCounts('completed')).completed === count, 'the no-op jobs', 300_000);
    const overheadMs = (performance.now() - started) / count;
    await queue.obliterate({ force: true });
    await queue.close();
    await stopWorkers(workers);
    console.log(`no-op trial: ${overheadMs.toFixed(2)} ms per trial over ${count} (one worker, concurrency 1)`);

    // (2) The 24-candidate sweep.
    const dir = sweepWorkspace();
    const results: { setup: string; seconds: number }[] = [];
    results.push({ setup: 'one thread (mlwb train)', seconds: await train(dir, []) });
    results.push({ setup: 'local pool, 2 threads (--jobs 2)', seconds: await train(dir, ['--jobs', '2']) });
    for (const n of [1, 2, 4]) {
      workers = startWorkers(redis.url, n);
      await waitUntil(async () => (await listWorkers(client)).length === n, `${n} worker(s)`, 120_000);
      results.push({ setup: `queue, ${n} worker process(es)`, seconds: await train(dir, ['--queue', redis.url]) });
      await stopWorkers(workers);
      await waitUntil(async () => (await listWorkers(client)).length === 0, 'the workers to leave', 30_000);
    }
    const one = results.find((r) => r.setup.startsWith('queue, 1'))?.seconds ?? Number.NaN;
    console.log(`\n24-candidate sweep, ${availableParallelism()} cores (wall seconds of mlwb train, refit included):`);
    console.log('| setup | wall s | speed-up vs queue×1 |');
    console.log('| --- | --- | --- |');
    for (const r of results) console.log(`| ${r.setup} | ${r.seconds.toFixed(1)} | ${(one / r.seconds).toFixed(2)}× |`);
  } finally {
    client.disconnect();
    await redis.stop(true);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
