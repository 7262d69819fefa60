/**
 * Issue 12 in the real extension host: with `mlWorkbench.queue.url` set, a sweep started as the
 * palette starts it (Train on the active experiment editor) runs its trials on two `mlwb worker`
 * processes, and a training without search runs as one job on one of them
 * processes (the built CLI, started from their own folder and HOME: they see no workspace and get
 * the data through Redis). Debian's redis-server and the workers are started here and stopped by PID.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { RunRecord } from '../../src/core/runs/store';
import { extensionApi as api, workspaceRoot } from './workspace';
import { redisServerBin, startRedis, waitUntil, type RunningRedis } from '../unit/queue/harness';

const projectRoot = process.env.MLWB_TEST_PROJECT_ROOT ?? path.join(__dirname, '..', '..', '..');
const CLI = path.join(projectRoot, 'dist', 'cli', 'mlwb.js');
const WORKERS = ['alpha', 'beta'];

interface Worker {
  readonly name: string;
  readonly child: ChildProcess;
  output(): string;
}

/** `node dist/cli/mlwb.js worker` from an empty folder with its own HOME. */
function startWorker(url: string, name: string): Worker {
  const home = mkdtempSync(path.join(tmpdir(), `mlwb-it-worker-${name}-`));
  const child = spawn(process.execPath, [CLI, 'worker', '--queue', url, '--name', name, '--concurrency', '1'], {
    cwd: home,
    env: { ...process.env, HOME: home, XDG_CACHE_HOME: path.join(home, '.cache'), ELECTRON_RUN_AS_NODE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { name, child, output: () => text };
}

/** Stops a worker by its PID: SIGTERM, then SIGKILL if it has not exited within 5 s. */
async function stopWorker(worker: Worker): Promise<void> {
  const { child } = worker;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

suite('Sweeps on mlwb worker processes through Redis', () => {
  test('with mlWorkbench.queue.url set, Train from the palette runs every trial on the workers (the Runs view and the Workers item name them) and a single training on one worker', async function () {
    if (!redisServerBin()) this.skip();
    this.timeout(300_000);
    const config = vscode.workspace.getConfiguration('mlWorkbench');
    let redis: RunningRedis | undefined;
    const workers: Worker[] = [];
    try {
      redis = await startRedis();
      const url = redis.url;
      for (const name of WORKERS) workers.push(startWorker(url, name));
      await config.update('queue.url', url, vscode.ConfigurationTarget.Workspace);

      // The Workers status bar item sees both workers' heartbeats.
      let status = { text: '', tooltip: '' };
      await waitUntil(
        async () => {
          status = await (await api()).workersStatus();
          return /\b2 workers\b/.test(status.text);
        },
        `the Workers item to report 2 workers (last: ${JSON.stringify(status)}; worker output: ${workers.map((w) => w.output()).join(' | ')})`,
        90_000,
      );
      for (const name of WORKERS) assert.match(status.tooltip, new RegExp(`\\*\\*${name}\\*\\* on `));
      assert.ok(!status.tooltip.includes(redis.password), 'the tooltip hides the password');
      assert.match(status.tooltip, /redis:\/\/\*\*\*@127\.0\.0\.1:/);

      // As the palette does: Train with the experiment in the active editor, no argument.
      const document = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(workspaceRoot(), 'train-sweep.experiment.yaml')));
      await vscode.window.showTextDocument(document);
      const record = await vscode.commands.executeCommand<RunRecord | undefined>('mlWorkbench.train');
      assert.ok(record, 'Train returned the run');
      assert.equal(record.status, 'completed', `${record.reason ?? ''}\n${workers.map((w) => `${w.name}: ${w.output()}`).join('\n')}`);

      const runDir = path.join(workspaceRoot(), '.mlwb', 'runs', record.id);
      const stored = JSON.parse(readFileSync(path.join(runDir, 'run.json'), 'utf8')) as RunRecord;
      assert.equal(stored.status, 'completed');
      assert.equal(stored.environment?.sweepExecutor, 'queue');
      // Every trial recorded once, in candidate order, and each ran on one of the worker processes.
      const trials = stored.trials as { index: number; params: { max_depth: number }; score: number | null; error?: string }[];
      assert.deepEqual(
        trials.map((t) => t.params.max_depth),
        [1, 2, 3, 4],
      );
      for (const trial of trials) assert.equal(typeof trial.score, 'number', JSON.stringify(trial));
      const trialWorkers = stored.trialWorkers ?? {};
      assert.equal(Object.keys(trialWorkers).length, 4, JSON.stringify(trialWorkers));
      for (const name of Object.values(trialWorkers)) assert.ok(WORKERS.includes(name), `trial ran on ${name}`);
      const best = stored.best as { params: { max_depth: number }; score: number; metric: string };
      assert.equal(best.score, Math.max(...trials.map((t) => t.score as number)));
      const log = readFileSync(path.join(runDir, 'log.txt'), 'utf8');
      for (const [index, name] of Object.entries(trialWorkers)) assert.match(log, new RegExp(`trial ${Number(index) + 1}\\b[^\\n]*${name}`), log);
      for (const text of [log, readFileSync(path.join(runDir, 'run.json'), 'utf8')]) assert.ok(!text.includes(redis.password), 'no password');

      // The Runs view (the leaderboard) lists the four trials under the sweep, each naming its worker.
      await vscode.commands.executeCommand('mlWorkbench.refreshRuns');
      const group = (await api()).runsView().find((g) => g.label === 'train-sweep');
      const sweep = group?.children.find((child) => child.description?.startsWith(record.id.slice(-4)));
      assert.ok(sweep, JSON.stringify(group));
      assert.equal(sweep.children.length, 4);
      for (const child of sweep.children) assert.match(child.description ?? '', /^trial \d+( \(best\))? · (alpha|beta)$/, JSON.stringify(child));
      assert.equal(sweep.children.filter((child) => child.icon === 'star-full').length, 1);

      // After the sweep the item still reports both workers and nothing waiting or running.
      status = await (await api()).workersStatus();
      assert.match(status.text, /^\$\(server\) 2 workers$/);

      // A training without search from the palette is one job on a worker; the host writes the run from what it sends back.
      const single = await vscode.workspace.openTextDocument(vscode.Uri.file(path.join(workspaceRoot(), 'train-iris.experiment.yaml')));
      await vscode.window.showTextDocument(single);
      const queued = await vscode.commands.executeCommand<RunRecord | undefined>('mlWorkbench.train');
      assert.ok(queued, 'Train returned the run');
      assert.equal(queued.status, 'completed', `${queued.reason ?? ''}\n${workers.map((w) => `${w.name}: ${w.output()}`).join('\n')}`);
      const queuedDir = path.join(workspaceRoot(), '.mlwb', 'runs', queued.id);
      const queuedRun = JSON.parse(readFileSync(path.join(queuedDir, 'run.json'), 'utf8')) as RunRecord;
      assert.equal(queuedRun.environment?.sweepExecutor, 'queue');
      assert.ok(WORKERS.includes(queuedRun.environment?.trainedOn ?? ''), JSON.stringify(queuedRun.environment));
      assert.match(readFileSync(path.join(queuedDir, 'log.txt'), 'utf8'), new RegExp(`trained on ${queuedRun.environment?.trainedOn ?? '?'} \\(queue\\)`));
      // The same training here, without the queue: the same metrics and the same fitted files.
      await config.update('queue.url', undefined, vscode.ConfigurationTarget.Workspace);
      const local = await vscode.commands.executeCommand<RunRecord | undefined>('mlWorkbench.train');
      assert.equal(local?.status, 'completed');
      const localDir = path.join(workspaceRoot(), '.mlwb', 'runs', local?.id ?? '');
      const localRun = JSON.parse(readFileSync(path.join(localDir, 'run.json'), 'utf8')) as RunRecord;
      assert.equal(localRun.environment?.sweepExecutor, undefined);
      assert.deepEqual(queuedRun.metrics, localRun.metrics);
      assert.deepEqual(queuedRun.cv, localRun.cv);
      for (const file of ['pipeline.json', 'model.json'])
        assert.equal(readFileSync(path.join(queuedDir, file), 'utf8'), readFileSync(path.join(localDir, file), 'utf8'), file);
    } finally {
      await config.update('queue.url', undefined, vscode.ConfigurationTarget.Workspace);
      await Promise.all(workers.map(stopWorker));
      await redis?.stop();
    }
  });
});
