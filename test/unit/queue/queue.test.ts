import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { listWorkers } from '../../../src/core/queue/worker';
import { RunStore } from '../../../src/core/runs/store';
import { queueName, queueVersion } from '../../../src/core/queue/protocol';
import { queueWorkspace, runMlwb, skipWithoutRedis as skip, startWorker, trainJson, useQueueFixture, waitUntil, withoutId, type RunJson } from './harness';

const fixture = useQueueFixture();

/** A workspace with a sweep of `grid` candidates; the data sits in a sibling folder (../data/) as users often keep it. */
function workspace(grid: string, extra: string[] = []): { dir: string; file: string } {
  return queueWorkspace('mlwb-queue-ws-', 'iris.csv', 'sweep.experiment.yaml', [
    'name: queued-sweep',
    'data: { path: ../data/iris.csv, target: species }',
    'model: { type: decision_tree }',
    'validation: { method: kfold, folds: 3 }',
    `search: { method: grid, metric: f1_macro, params: ${grid} }`,
    'seed: 11',
    ...extra,
  ]);
}

async function localRun(dir: string, file: string): Promise<RunJson> {
  return (await trainJson(dir, file)).run;
}

/** The two workers the tests share, started by whichever test runs first. */
function ensureWorkers(): void {
  for (const name of ['alpha', 'beta']) fixture.ensureWorker(name);
}

async function waitForWorkers(count: number): Promise<void> {
  await waitUntil(async () => (await listWorkers(fixture.client)).length >= count, `${count} worker(s) to send a heartbeat`, 90_000);
}

test(
  'a sweep queued on two worker processes (outside the workspace) equals the local sweep trial by trial; a worker of another version is refused',
  { skip, timeout: 600_000 },
  async () => {
    const { dir, file } = workspace('{ max_depth: [1, 2, 3], min_samples_leaf: [0, 1, 5] }');
    ensureWorkers();
    fixture.workers.push(startWorker(fixture.redis.url, 'old', { env: { MLWB_QUEUE_VERSION: '0.0.1+q1' } }));
    const local = await localRun(dir, file);
    await waitForWorkers(3);
    const queued = await trainJson(dir, file, fixture.redis.url);
    const remote = queued.run;
    // min_samples_leaf 0 throws in its trials: recorded failed, the sweep goes on.
    assert.ok(remote.trials?.filter((t) => t.error).length === 3, JSON.stringify(remote.trials));
    assert.deepEqual(withoutId(remote), withoutId(local));

    const store = new RunStore(dir);
    const record = store.get(remote.runId);
    assert.equal(record?.environment?.sweepExecutor, 'queue');
    const ran = new Set(Object.values(record?.trialWorkers ?? {}));
    assert.equal(Object.keys(record?.trialWorkers ?? {}).length, 9);
    for (const name of ran) assert.ok(['alpha', 'beta'].includes(name), name);
    // The password is nowhere the user looks: run.json, the log, the terminal.
    const runDir = store.runDir(remote.runId);
    for (const text of [
      readFileSync(path.join(runDir, 'run.json'), 'utf8'),
      readFileSync(path.join(runDir, 'log.txt'), 'utf8'),
      queued.stdout,
      queued.stderr,
    ]) {
      assert.ok(!text.includes(fixture.redis.password), 'no password');
    }
    assert.match(readFileSync(path.join(runDir, 'log.txt'), 'utf8'), /worker old on .* runs mlwb 0\.0\.1\+q1, not .*: it takes no trial/);
    // The old worker's own "refused the trials of run …" line is printed only when one of its 2-s scans finds the sweep
    // still running, and a sweep this small can end between two scans (clean run cc3): the run's log above is the
    // message the user is sure to see; what the old worker must never do is run a trial.
    const oldOutput = fixture.workers[2]?.output() ?? '';
    if (oldOutput.includes('refused the trials of run')) {
      assert.match(oldOutput, new RegExp(`it was sent by mlwb ${queueVersion().replace(/[.+]/g, '\\$&')}, this worker is mlwb 0\\.0\\.1\\+q1`));
    }
    assert.equal(oldOutput.includes('trial 1 of run'), false);
    fixture.workers[2]?.child.kill('SIGTERM');
  },
);

test('kill -9 of a worker mid-trial: its trial runs again on another worker, and no trial is counted twice', { skip, timeout: 600_000 }, async () => {
  const { dir, file } = workspace('{ max_depth: [2, 3, 4, 5], min_samples_leaf: [1, 2] }');
  const local = await localRun(dir, file);
  ensureWorkers();
  const victim = startWorker(fixture.redis.url, 'victim');
  fixture.workers.push(victim);
  await fixture.waitForWorkers(['alpha', 'beta', 'victim']);
  const coordinator = runMlwb(dir, ['train', file, '--queue', fixture.redis.url, '--json']);
  await waitUntil(
    async () => (await listWorkers(fixture.client)).some((w) => w.name === 'victim' && w.current.length > 0),
    'the victim to take a trial',
    120_000,
  );
  victim.child.kill('SIGKILL');
  const queued = await coordinator.done;
  assert.equal(queued.status, 0, queued.stderr);
  const remote = JSON.parse(queued.stdout) as RunJson;
  assert.deepEqual(withoutId(remote), withoutId(local));
  const record = new RunStore(dir).get(remote.runId);
  const trialLines = new RunStore(dir).metrics(remote.runId).filter((line) => line.stage === 'trial' && 'worker' in line);
  assert.equal(trialLines.length, 8, 'each trial recorded once');
  assert.equal(Object.keys(record?.trialWorkers ?? {}).length, 8);
});

test(
  'Redis restarted mid-sweep (forgetting everything): the coordinator sends the unfinished trials again and the sweep completes',
  { skip, timeout: 600_000 },
  async () => {
    const { dir, file } = workspace('{ max_depth: [1, 2, 3, 4], min_samples_leaf: [1, 2, 3] }');
    const local = await localRun(dir, file);
    const coordinator = runMlwb(dir, ['train', file, '--queue', fixture.redis.url, '--json']);
    const store = new RunStore(dir);
    await waitUntil(() => store.list().some((run) => run.status === 'running' && (run.trials?.length ?? 0) >= 1), 'a first trial', 120_000);
    await fixture.redis.stop(true);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    await fixture.redis.restart();
    const queued = await coordinator.done;
    assert.equal(queued.status, 0, queued.stderr);
    const remote = JSON.parse(queued.stdout) as RunJson;
    assert.deepEqual(withoutId(remote), withoutId(local));
    assert.match(readFileSync(path.join(store.runDir(remote.runId), 'log.txt'), 'utf8'), /had lost this sweep \(restarted\?\)/);
  },
);

test(
  'Redis gone for good: the sweep fails with the reason after MLWB_QUEUE_TIMEOUT, it does not hang; cancel and a killed coordinator leave no jobs',
  { skip, timeout: 600_000 },
  async () => {
    // Cancel: SIGTERM to the coordinator with no worker taking trials; its waiting jobs are removed.
    for (const worker of fixture.workers) if (worker.child.exitCode === null) worker.child.kill('SIGTERM');
    await Promise.all(fixture.workers.map((worker) => worker.exited));
    const { dir, file } = workspace('{ max_depth: [1, 2, 3], min_samples_leaf: [1, 2] }');
    const cancelled = runMlwb(dir, ['train', file, '--queue', fixture.redis.url, '--json']);
    const queue = `bull:${queueName()}:wait`;
    await waitUntil(async () => (await fixture.client.llen(queue)) === 6, 'six waiting jobs', 60_000);
    cancelled.child.kill('SIGTERM');
    const result = await cancelled.done;
    assert.equal(JSON.parse(result.stdout).status, 'cancelled');
    assert.equal(await fixture.client.llen(queue), 0);

    // A coordinator killed outright: the run reads interrupted, and its sweep lapses so no worker runs its jobs.
    const killed = runMlwb(dir, ['train', file, '--queue', fixture.redis.url, '--json']);
    await waitUntil(async () => (await fixture.client.llen(queue)) === 6, 'six waiting jobs', 60_000);
    killed.child.kill('SIGKILL');
    await killed.done;
    const store = new RunStore(dir);
    assert.ok(store.list().some((run) => run.status === 'interrupted'));
    await waitUntil(async () => (await fixture.client.keys('mlwb:sweep:*')).length === 0, 'the dead sweep to lapse', 30_000);
    const late = startWorker(fixture.redis.url, 'late');
    fixture.workers.push(late);
    await waitUntil(async () => (await fixture.client.llen(queue)) === 0, 'the late worker to drop the dead sweep’s jobs', 120_000);
    assert.equal(late.output().includes('trial 1 of run'), false);

    // Redis stopped for good once the sweep is sent (its six jobs wait, no worker runs): a clear failure within the
    // timeout. Stopped while the sweep is still being sent (its key set, its jobs not yet added, as on a loaded machine),
    // the run fails from the start with "cannot use the queue's Redis", which is not this case.
    late.child.kill('SIGKILL');
    await late.exited;
    const lost = runMlwb(dir, ['train', file, '--queue', fixture.redis.url, '--json'], { MLWB_QUEUE_TIMEOUT: '5' });
    await waitUntil(async () => (await fixture.client.llen(queue)) === 6, 'the sweep and its six jobs to be sent', 60_000);
    await fixture.redis.stop(true);
    const failed = await lost.done;
    const run = JSON.parse(failed.stdout) as RunJson;
    assert.equal(run.status, 'failed');
    assert.match(run.reason ?? '', /lost the queue's Redis at redis:\/\/\*\*\*@127\.0\.0\.1:\d+\/0 for over 5 s/);
    assert.ok(!failed.stdout.includes(fixture.redis.password) && !failed.stderr.includes(fixture.redis.password));
    await fixture.redis.restart();
  },
);
