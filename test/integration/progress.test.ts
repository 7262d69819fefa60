import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunRecord } from '../../src/core/runs/store';
import type { MlWorkbenchApi, TreeSnapshot } from '../../src/extension/main';
import { EXTENSION_ID, workspaceFile } from './workspace';

// One progress model: what the Runs view shows of a training sweep, read as a person would see it
// while it runs, only grows and names its phase (trial, fold, refit) without repeating a word.
suite('Progress of a training run', () => {
  const uri = workspaceFile('progress-sweep.experiment.yaml');

  suiteTeardown(async () => {
    await vscode.workspace.fs.delete(uri).then(undefined, () => undefined);
  });

  test('the Runs view of a running sweep: the percentage never goes back, the phase is named', async function () {
    this.timeout(240_000);
    const api = await vscode.extensions.getExtension<MlWorkbenchApi>(EXTENSION_ID)?.activate();
    assert.ok(api);
    const text = [
      'name: progress-sweep',
      'data: { path: data/iris.csv, target: species }',
      'prepare:',
      '  - scale: { method: standard }',
      'model: { type: mlp, params: { hidden_layer_sizes: [16], batch_size: 16, max_iter: 120, n_iter_no_change: 1000 } }',
      'validation: { method: kfold, folds: 3 }',
      'search: { method: grid, metric: accuracy, params: { alpha: [0.0001, 0.01] } }',
      'seed: 2',
      '',
    ].join('\n');
    await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
    const seen: { percent: number; description: string }[] = [];
    let done = false;
    const training = Promise.resolve(vscode.commands.executeCommand<RunRecord | undefined>('mlWorkbench.train', uri, { silent: true })).finally(() => {
      done = true;
    });
    while (!done) {
      const run: TreeSnapshot | undefined = api.runsView().find((group) => group.label === 'progress-sweep')?.children[0];
      const match = /^running (\d+)%/.exec(run?.label ?? '');
      if (run && match) seen.push({ percent: Number(match[1]), description: run.description ?? '' });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const record = await training;
    assert.equal(record?.status, 'completed', record?.reason);
    assert.ok(seen.length >= 5, `the view was read running ${seen.length} times`);
    for (let i = 1; i < seen.length; i++) {
      assert.ok((seen[i]?.percent ?? 0) >= (seen[i - 1]?.percent ?? 0), `went back: ${seen.map((s) => s.percent).join(' ')}`);
    }
    const phases = seen.map((s) => s.description);
    assert.ok(
      phases.some((d) => /^(best of 2 trials · )?(trial \d\/2 · )?fold \d\/3/.test(d)),
      phases.join('\n'),
    );
    for (const phase of phases) assert.doesNotMatch(phase, /· fold( ·|$)|fold \d\/\d · fold/, phase);
    assert.ok(seen.every((s) => s.percent < 100));
    // Finished: the view says so, without a percentage.
    const final = api.runsView().find((group) => group.label === 'progress-sweep')?.children[0];
    assert.doesNotMatch(final?.label ?? '', /running/);
  });
});
