import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { RunRecord } from '../../src/core/runs/store';
import { readTable } from '../../src/core/datasets';
import { trainExperiment } from '../../src/core/experiment/train';
import { loadExperimentFile } from '../../src/core/runs/experimentFile';
import type { MlWorkbenchApi } from '../../src/extension/main';

const workspaceRoot = (): string => {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace is open');
  return folder.uri.fsPath;
};
const fileOf = (name: string): vscode.Uri => vscode.Uri.file(path.join(workspaceRoot(), name));
const api = async (): Promise<MlWorkbenchApi> => {
  const extension = vscode.extensions.getExtension<MlWorkbenchApi>('mlwb.ml-workbench');
  assert.ok(extension);
  return extension.activate();
};
const train = (name: string): Thenable<RunRecord | undefined> =>
  vscode.commands.executeCommand<RunRecord | undefined>('mlWorkbench.train', fileOf(name), { silent: true });
const runJson = (runId: string): RunRecord => JSON.parse(readFileSync(path.join(workspaceRoot(), '.mlwb', 'runs', runId, 'run.json'), 'utf8')) as RunRecord;

/** What the core computes for the same experiment, data and seed, outside the extension. */
async function coreMetrics(name: string): Promise<Record<string, unknown>> {
  const loaded = loadExperimentFile(fileOf(name).fsPath);
  assert.ok(loaded.experiment && loaded.dataPath, JSON.stringify(loaded.problems));
  const result = await trainExperiment(loaded.experiment, await readTable(loaded.dataPath));
  return result.metrics as unknown as Record<string, unknown>;
}

suite('Training in a worker', () => {
  test('a tabular classification completes; run.json holds the metrics the core computes for the same seed', async () => {
    const record = await train('train-iris.experiment.yaml');
    assert.ok(record);
    assert.equal(record.status, 'completed', record.reason);
    const stored = runJson(record.id);
    assert.equal(stored.status, 'completed');
    assert.deepEqual(stored.metrics, await coreMetrics('train-iris.experiment.yaml'));
    const metrics = stored.metrics as { accuracy: number; confusion_matrix: number[][]; labels: string[] };
    assert.deepEqual(metrics.labels, ['setosa', 'versicolor', 'virginica']);
    assert.equal(
      metrics.confusion_matrix.flat().reduce((a, b) => a + b, 0),
      150,
    );
    assert.ok(metrics.accuracy > 0.9);
    assert.ok(stored.cv, 'k-fold runs keep per-fold metrics');
    assert.equal(stored.data?.rows, 150);
    assert.match(stored.data?.sha256 ?? '', /^[0-9a-f]{64}$/);
    assert.ok(stored.environment?.tfjsBackend);
    const runDir = path.join(workspaceRoot(), '.mlwb', 'runs', record.id);
    for (const file of ['model.json', 'pipeline.json', 'log.txt']) assert.ok(existsSync(path.join(runDir, file)), file);
  });

  test('a regression and a TF-IDF text classification complete with their metrics', async () => {
    const regression = await train('train-diabetes.experiment.yaml');
    assert.equal(regression?.status, 'completed', regression?.reason);
    assert.deepEqual(runJson(regression.id).metrics, await coreMetrics('train-diabetes.experiment.yaml'));
    assert.equal(typeof (regression.metrics as { r2?: unknown }).r2, 'number');

    const text = await train('train-reviews.experiment.yaml');
    assert.equal(text?.status, 'completed', text?.reason);
    assert.deepEqual(runJson(text.id).metrics, await coreMetrics('train-reviews.experiment.yaml'));
    assert.ok((text.metrics as { accuracy: number }).accuracy > 0.8);
  });

  test('the Runs view shows the runs grouped by experiment with their status and key metric', async () => {
    const view = (await api()).runsView();
    const iris = view.find((group) => group.label === 'train-iris');
    assert.ok(iris, `groups: ${view.map((g) => g.label).join(', ')}`);
    const run = iris.children[0];
    assert.ok(run);
    assert.equal(run.contextValue, 'run.completed');
    assert.equal(run.icon, 'pass');
    const latest = latestRun('train-iris');
    // Key metric first (rounded), then the experiment; the short run id leads the description.
    assert.equal(run.label, `f1_macro ${(latest?.metrics as { f1_macro: number }).f1_macro.toFixed(4)} · train-iris`);
    assert.match(run.description ?? '', new RegExp(`^${latest?.id.slice(-4)} · `));
    assert.ok(view.some((group) => group.label === 'train-diabetes' && /^r2 -?\d/.test(group.children[0]?.label ?? '')));
  });

  test('cancelling a long training leaves a cancelled run, and the host answers commands meanwhile', async () => {
    const pending = train('train-long.experiment.yaml');
    await waitFor(() => latestRun('train-long')?.status === 'running', 30_000);
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    await new Promise((resolve) => setTimeout(resolve, 2000));
    // The editor keeps answering while the worker trains.
    const before = Date.now();
    await vscode.commands.executeCommand('mlWorkbench.refreshRuns');
    const commands = await vscode.commands.getCommands(true);
    assert.ok(commands.includes('mlWorkbench.train'));
    assert.ok(Date.now() - before < 2000, 'commands answer during training');
    delay.disable();
    assert.ok(delay.percentile(99) / 1e6 < 200, `event loop p99 ${delay.percentile(99) / 1e6} ms during training`);
    const group = (await api()).runsView().find((g) => g.label === 'train-long');
    assert.equal(group?.children[0]?.contextValue, 'run.running');
    const running = latestRun('train-long');
    assert.ok(running);
    await vscode.commands.executeCommand('mlWorkbench.cancelRun', running.id);
    const record = await pending;
    assert.equal(record?.status, 'cancelled');
    assert.equal(runJson(running.id).status, 'cancelled');
    assert.match(runJson(running.id).reason ?? '', /cancelled/);
  });

  test('a worker that runs out of memory leaves a failed run with the reason', async () => {
    const config = vscode.workspace.getConfiguration('mlWorkbench');
    await config.update('training.memoryLimitMb', 16, vscode.ConfigurationTarget.Workspace);
    try {
      const record = await train('train-iris.experiment.yaml');
      assert.equal(record?.status, 'failed');
      assert.match(record.reason ?? '', /memory|crashed|exited/);
      assert.equal(runJson(record.id).status, 'failed');
    } finally {
      await config.update('training.memoryLimitMb', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});

/** The newest run of an experiment, read from the run store on disk. */
function latestRun(experiment: string): RunRecord | undefined {
  const runs = path.join(workspaceRoot(), '.mlwb', 'runs');
  if (!existsSync(runs)) return undefined;
  const id = readdirSync(runs)
    .filter((name) => name.includes(`-${experiment}-`))
    .sort()
    .reverse()[0];
  return id ? runJson(id) : undefined;
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

suite('Sweeps in a pool of workers', () => {
  test('a grid sweep runs its trials on two workers and keeps every trial with the best marked', async () => {
    const config = vscode.workspace.getConfiguration('mlWorkbench');
    await config.update('maxConcurrentWorkers', 2, vscode.ConfigurationTarget.Workspace);
    try {
      const record = await vscode.commands.executeCommand<RunRecord>(
        'mlWorkbench.train',
        vscode.Uri.file(path.join(workspaceRoot(), 'train-sweep.experiment.yaml')),
        { silent: true },
      );
      assert.equal(record?.status, 'completed', record?.reason);
      const stored = runJson(record.id);
      const trials = stored.trials as { index: number; params: { max_depth: number }; score: number }[];
      assert.deepEqual(
        trials.map((t) => t.params.max_depth),
        [1, 2, 3, 4],
      );
      const best = stored.best as { params: { max_depth: number }; score: number; metric: string };
      assert.equal(best.metric, 'accuracy');
      assert.equal(best.score, Math.max(...trials.map((t) => t.score)));
      assert.equal((stored.params as { max_depth: number }).max_depth, best.params.max_depth);
      const log = readFileSync(path.join(workspaceRoot(), '.mlwb', 'runs', record.id, 'log.txt'), 'utf8');
      assert.match(log, /sweep of 4 candidates on 2 worker\(s\)/);
      // The Runs view lists the trials under the sweep, the best one starred.
      const group = (await api()).runsView().find((g) => g.label === 'train-sweep');
      const children = group?.children[0]?.children ?? [];
      assert.equal(children.length, 4);
      assert.equal(children.filter((child) => child.icon === 'star-full').length, 1);
      assert.match(children.find((child) => child.icon === 'star-full')?.description ?? '', /\(best\)$/);
    } finally {
      await config.update('maxConcurrentWorkers', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
