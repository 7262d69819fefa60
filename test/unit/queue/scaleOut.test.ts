/**
 * Issue 12's remaining parts on real Redis and real `mlwb worker` processes (outside the workspace):
 * a single training sent as one job, successive halving's rounds as jobs, and the coordinator's
 * splits travelling to the workers (they score on them, not on splits rebuilt from the seed).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readTable } from '../../../src/core/datasets';
import { planSplits, scoreTrials } from '../../../src/core/experiment/train';
import { queueExecutor } from '../../../src/core/queue/coordinator';
import { listWorkers } from '../../../src/core/queue/worker';
import { loadExperimentFile } from '../../../src/core/runs/experimentFile';
import { RunStore } from '../../../src/core/runs/store';
import type { TrialReport } from '../../../src/core/runs/sweepRun';
import {
  queueWorkspace,
  runMlwb,
  skipWithoutRedis as skip,
  startWorker,
  trainJson as train,
  useQueueFixture,
  waitUntil,
  withoutId,
  type RunJson,
} from './harness';
import { REVIEWS, TINY_BERT } from '../embed/fixture';

const fixture = useQueueFixture();
const { ensureWorker, waitForWorkers } = fixture;

/** A workspace with one experiment (its data in a sibling folder, as users often keep it). */
function workspace(dataset: string, lines: string[]): { dir: string; file: string } {
  const target = dataset === 'iris.csv' ? 'species' : 'diagnosis';
  return queueWorkspace('mlwb-scaleout-ws-', dataset, 'run.experiment.yaml', [`data: { path: ../data/${dataset}, target: ${target} }`, ...lines]);
}

/** The files a run saved that say what was fitted. */
function artifacts(dir: string, runId: string): { pipeline: string; model: string } {
  const runDir = new RunStore(dir).runDir(runId);
  return { pipeline: readFileSync(path.join(runDir, 'pipeline.json'), 'utf8'), model: readFileSync(path.join(runDir, 'model.json'), 'utf8') };
}

test(
  'a single training sent with --queue runs on a worker as one job: its JSON and its fitted files equal a local run’s',
  { skip, timeout: 600_000 },
  async () => {
    const { dir, file } = workspace('breast_cancer.csv', [
      'model: { type: random_forest, params: { n_estimators: 15, max_depth: 4 } }',
      'validation: { method: kfold, folds: 3 }',
      'seed: 5',
    ]);
    ensureWorker('alpha');
    const local = await train(dir, file);
    await waitForWorkers(['alpha']);
    const queued = await train(dir, file, fixture.redis.url);
    assert.equal(queued.run.status, 'completed', queued.run.reason);
    assert.deepEqual(withoutId(queued.run), withoutId(local.run));
    assert.deepEqual(artifacts(dir, queued.run.runId), artifacts(dir, local.run.runId));
    const record = new RunStore(dir).get(queued.run.runId);
    assert.equal(record?.environment?.sweepExecutor, 'queue');
    assert.equal(record?.environment?.trainedOn, 'alpha');
    assert.match(fixture.workers.find((w) => w.name === 'alpha')?.output() ?? '', new RegExp(`training of run ${queued.run.runId}: done`));
    assert.ok(!readFileSync(path.join(new RunStore(dir).runDir(queued.run.runId), 'log.txt'), 'utf8').includes(fixture.redis.password));
    // The worker told its progress as it trained: the run recorded the events a local run records (folds and trees).
    const queuedEvents = progressEvents(dir, queued.run.runId);
    assert.ok(queuedEvents.length > 0, 'no progress from the worker');
    assert.deepEqual(queuedEvents, progressEvents(dir, local.run.runId));
  },
);

/** A run's progress events from its metrics.jsonl (without their times), sorted: folds may report in any order. */
function progressEvents(dir: string, runId: string): string[] {
  return readFileSync(path.join(new RunStore(dir).runDir(runId), 'metrics.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => typeof entry.stage === 'string' && typeof entry.step === 'number')
    .map(({ time: _time, ...event }) => JSON.stringify(event))
    .sort();
}

test('kill -9 of the worker mid-training: the training runs again on another worker and the run equals a local one', { skip, timeout: 600_000 }, async () => {
  const { dir, file } = workspace('breast_cancer.csv', [
    'model: { type: random_forest, params: { n_estimators: 120 } }',
    'validation: { method: kfold, folds: 5 }',
    'seed: 9',
  ]);
  const local = await train(dir, file);
  // Only the victim is there when the job is sent, so it takes it.
  for (const worker of fixture.workers) if (worker.child.exitCode === null) worker.child.kill('SIGTERM');
  await Promise.all(fixture.workers.map((worker) => worker.exited));
  const victim = startWorker(fixture.redis.url, 'victim');
  fixture.workers.push(victim);
  await waitForWorkers(['victim']);
  const coordinator = runMlwb(dir, ['train', file, '--json', '--queue', fixture.redis.url]);
  await waitUntil(
    async () => (await listWorkers(fixture.client)).some((w) => w.name === 'victim' && w.current.length > 0),
    'the victim to take the training',
    120_000,
  );
  victim.child.kill('SIGKILL');
  ensureWorker('beta');
  const done = await coordinator.done;
  assert.equal(done.status, 0, done.stderr);
  const run = JSON.parse(done.stdout) as RunJson;
  assert.deepEqual(withoutId(run), withoutId(local.run));
  assert.equal(new RunStore(dir).get(run.runId)?.environment?.trainedOn, 'beta');
});

test(
  'successive halving through the queue: each round’s candidates run as jobs on two workers; the run equals the local one',
  { skip, timeout: 600_000 },
  async () => {
    const { dir, file } = workspace('breast_cancer.csv', [
      'model: { type: decision_tree }',
      'validation: { method: holdout, test_size: 0.25 }',
      'search: { method: halving, metric: f1_macro, factor: 2, params: { max_depth: [1, 2, 3, 4, 6, 8], min_samples_leaf: [1, 5, 0] } }',
      'seed: 3',
    ]);
    ensureWorker('alpha');
    ensureWorker('beta');
    const local = await train(dir, file);
    await waitForWorkers(['alpha', 'beta']);
    const queued = await train(dir, file, fixture.redis.url);
    assert.deepEqual(withoutId(queued.run), withoutId(local.run));
    const rounds = new Set(queued.run.trials?.map((t) => t.iteration));
    assert.ok(rounds.size >= 3, `several rounds: ${[...rounds].join(', ')}`);
    assert.ok(
      (queued.run.trials ?? []).some((t) => t.score === null),
      'min_samples_leaf 0 fails its trials; the search goes on',
    );
    const record = new RunStore(dir).get(queued.run.runId);
    assert.equal(record?.environment?.sweepExecutor, 'queue');
    assert.equal(Object.keys(record?.trialWorkers ?? {}).length, queued.run.trials?.length);
    assert.deepEqual(new Set(Object.values(record?.trialWorkers ?? {})).size > 0, true);
    for (const name of Object.values(record?.trialWorkers ?? {})) assert.ok(['alpha', 'beta'].includes(name), name);
  },
);

test(
  'an embed step’s encoder folder travels with the sweep: a training and a grid sweep on workers outside the workspace equal local runs',
  { skip, timeout: 600_000 },
  async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mlwb-scaleout-embed-'));
    cpSync(REVIEWS, path.join(dir, 'data', 'reviews.csv'));
    cpSync(TINY_BERT, path.join(dir, 'models', 'tiny-bert'), { recursive: true });
    mkdirSync(path.join(dir, 'experiments'));
    const experiment = (name: string, search: string[]): string => {
      const file = path.join(dir, 'experiments', `${name}.experiment.yaml`);
      const lines = [
        `name: ${name}`,
        'data: { path: ../data/reviews.csv, target: label }',
        'prepare:',
        '  - embed: { column: review, model: ../models/tiny-bert, max_length: 8 }',
        'model: { type: logistic_regression }',
        'validation: { method: holdout, test_size: 0.25 }',
        ...search,
        'importance: false',
        'seed: 4',
      ];
      writeFileSync(file, [...lines, ''].join('\n'));
      return file;
    };
    ensureWorker('alpha');
    const single = experiment('embed-train', []);
    const local = await train(dir, single);
    assert.equal(local.run.status, 'completed', local.run.reason);
    await waitForWorkers(['alpha']);
    const queued = await train(dir, single, fixture.redis.url);
    assert.equal(queued.run.status, 'completed', queued.run.reason);
    assert.deepEqual(withoutId(queued.run), withoutId(local.run));
    // pipeline.json names the encoder folder of this workspace (the worker's copy was elsewhere), so the run serves here.
    assert.deepEqual(artifacts(dir, queued.run.runId), artifacts(dir, local.run.runId));
    assert.ok(artifacts(dir, queued.run.runId).pipeline.includes(JSON.stringify(path.join(dir, 'models', 'tiny-bert'))));
    const store = new RunStore(dir);
    // On a worker (beta may still run from an earlier test), not here.
    assert.ok(['alpha', 'beta'].includes(store.get(queued.run.runId)?.environment?.trainedOn ?? ''), store.get(queued.run.runId)?.environment?.trainedOn);
    assert.deepEqual(store.get(queued.run.runId)?.embeddings?.steps, store.get(local.run.runId)?.embeddings?.steps);

    const sweep = experiment('embed-sweep', ['search: { method: grid, metric: accuracy, params: { C: [0.1, 1, 10] } }']);
    const localSweep = await train(dir, sweep);
    const queuedSweep = await train(dir, sweep, fixture.redis.url);
    assert.equal(queuedSweep.run.status, 'completed', queuedSweep.run.reason);
    assert.ok(
      (queuedSweep.run.trials ?? []).every((trial) => trial.error === undefined),
      JSON.stringify(queuedSweep.run.trials),
    );
    assert.deepEqual(withoutId(queuedSweep.run), withoutId(localSweep.run));
    assert.equal(Object.keys(store.get(queuedSweep.run.runId)?.trialWorkers ?? {}).length, 3);
  },
);

test('the coordinator’s splits travel: workers score on the folds it sent, not on folds rebuilt from the seed', { skip, timeout: 600_000 }, async () => {
  const { file } = workspace('iris.csv', [
    'model: { type: knn }',
    'validation: { method: kfold, folds: 4 }',
    'search: { method: grid, metric: f1_macro, params: { n_neighbors: [1, 5, 15, 40] } }',
    'seed: 11',
  ]);
  ensureWorker('alpha');
  await waitForWorkers(['alpha']);
  const loaded = loadExperimentFile(file);
  assert.ok(loaded.experiment && loaded.dataPath);
  const table = await readTable(loaded.dataPath);
  // Folds of another seed, sent under the run's seed 11: a worker that rebuilt its folds from the seed would score seed 11's.
  const sent = planSplits(loaded.experiment, table, 12345);
  const own = planSplits(loaded.experiment, table, 11);
  assert.notDeepEqual(sent.search, own.search);
  const expected = await scoreTrials(loaded.experiment, table, { seed: 11, splits: sent, candidateIndices: [0, 1, 2, 3] });
  const rebuilt = await scoreTrials(loaded.experiment, table, { seed: 11, candidateIndices: [0, 1, 2, 3] });
  assert.notDeepEqual(
    expected.trials.map((t) => t.cv),
    rebuilt.trials.map((t) => t.cv),
  );
  const reports: TrialReport[] = [];
  await queueExecutor(fixture.redis.url).scoreCandidates(
    { experimentFile: file, dataPath: loaded.dataPath, seed: 11, candidates: 4, runId: `travel-${Date.now()}`, splits: sent },
    [0, 1, 2, 3],
    { log: () => undefined, onTrial: (report) => reports.push(report) },
  );
  const scored = reports.map((report) => report.trial).sort((a, b) => a.index - b.index);
  // As the worker sent them: JSON, so a trial's unset fields are absent.
  assert.deepEqual(scored, JSON.parse(JSON.stringify(expected.trials)));
  assert.ok(
    reports.every((report) => report.worker),
    'each trial names its worker',
  );
});
