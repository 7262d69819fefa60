/**
 * The queue's cost and its scaling: (1) per-trial overhead with no-op jobs on one worker process;
 * (2) a 24-candidate sweep (decision trees on a 20,000-row synthetic set, 5-fold CV) on 1, 2 and 4
 * `mlwb worker` processes beside the local worker-thread pool (`mlwb train --jobs`) and one thread.
 * Runs the bundled CLI (build first: node scripts/build.mjs) and Debian's redis-server on a free port.
 * Run: node --import tsx bench/queue.ts [--noop 300]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
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

async function main(): Promise<void> {
  const redis = await startRedis();
  const client = new Redis(redis.url, { maxRetriesPerRequest: null });
  try {
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
