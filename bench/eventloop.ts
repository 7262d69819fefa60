/**
 * Event-loop delay of the extension host while a long training runs: in a worker thread (what the
 * extension does) beside the same training on the main thread (the anchor: what not to do).
 * Target: p99 under 20 ms with the worker.
 *
 * Run: node scripts/build.mjs && node --import tsx bench/eventloop.ts
 */
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { executeRun } from '../src/core/runs/execute';
import { RunStore } from '../src/core/runs/store';
import type { TrainRequest, TrainingResponse } from '../src/worker/trainingProtocol';

const root = path.resolve(__dirname, '..');
const workspace = mkdtempSync(path.join(tmpdir(), 'mlwb-eventloop-'));
cpSync(path.join(root, 'test', 'fixtures', 'datasets', 'breast_cancer.csv'), path.join(workspace, 'breast_cancer.csv'));
const experimentFile = path.join(workspace, 'long.experiment.yaml');
writeFileSync(
  experimentFile,
  [
    'name: long',
    'data: { path: breast_cancer.csv, target: diagnosis }',
    'prepare:',
    '  - scale: { method: standard }',
    'model: { type: random_forest, params: { n_estimators: 600 } }',
    'validation: { method: kfold, folds: 5 }',
    '',
  ].join('\n'),
);

interface Delay {
  p50: number;
  p99: number;
  max: number;
  seconds: number;
  events: number;
}

async function measure(train: (onEvent: () => void) => Promise<void>): Promise<Delay> {
  // The sampling timer fires every 5 ms: a delay near 5 ms means the loop was idle and on time.
  const histogram = monitorEventLoopDelay({ resolution: 5 });
  let events = 0;
  const started = Date.now();
  histogram.enable();
  await train(() => events++);
  histogram.disable();
  return { p50: histogram.percentile(50) / 1e6, p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6, seconds: (Date.now() - started) / 1000, events };
}

function inWorker(onEvent: () => void): Promise<void> {
  const store = new RunStore(workspace);
  const record = store.create('long', 'long.experiment.yaml', null);
  return new Promise((resolve, reject) => {
    const worker = new Worker(path.join(root, 'dist', 'worker', 'training.js'));
    worker.on('message', (message: TrainingResponse) => {
      if (message.type === 'event') {
        // What the host does with each event: parse, relay, update a view model.
        JSON.stringify(message.event);
        onEvent();
        if (message.event.type === 'finished') void worker.terminate().then(() => resolve());
      }
    });
    worker.on('error', reject);
    const request: TrainRequest = {
      type: 'train',
      workspaceRoot: workspace,
      experimentFile,
      runId: record.id,
      tfjsBackend: 'auto',
      wasmDir: path.join(root, 'dist', 'wasm'),
    };
    worker.postMessage(request);
  });
}

async function onMainThread(onEvent: () => void): Promise<void> {
  await executeRun({ workspaceRoot: workspace, experimentFile, onEvent });
}

async function main(): Promise<void> {
  const worker = await measure(inWorker);
  const main = await measure(onMainThread);
  const row = (name: string, d: Delay) =>
    `| ${name} | ${d.seconds.toFixed(1)} s | ${d.events} | ${d.p50.toFixed(1)} ms | ${d.p99.toFixed(1)} ms | ${d.max.toFixed(1)} ms |`;
  console.log('| training (random forest, 600 trees, 5-fold, breast_cancer) | time | events relayed | p50 delay | p99 delay | max delay |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  console.log(row('in a worker thread (the extension)', worker));
  console.log(row('on the main thread (anchor)', main));
  console.log(`p99 ratio worker / main thread: ${(worker.p99 / main.p99).toFixed(3)}; target p99 < 20 ms: ${worker.p99 < 20 ? 'met' : 'NOT met'}`);
}

void main();
