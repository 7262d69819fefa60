// Issue 20 in the real extension host: the New Experiment wizard proposes an embed step for a text column from a
// pretrained encoder folder (the tiny BERT fixture copied into the workspace); the file trains from the Train
// command, and the run's dashboard shows the embedding width and the cache hits.
import * as assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parse } from 'yaml';
import type { RunRecord } from '../../src/core/runs/store';
import type { DashboardState } from '../../src/extension/dashboard/contract';
import type { Delivered } from '../../src/extension/dashboard/panel';
import { EXTENSION_ID, trainCompleted, workspaceFile } from './workspace';

suite('Pretrained encoders (embed)', () => {
  let encoder: string;
  const written: vscode.Uri[] = [];

  suiteSetup(async function () {
    this.timeout(60_000);
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    await extension?.activate();
    assert.ok(extension);
    encoder = workspaceFile('models/tiny-bert').fsPath;
    mkdirSync(path.dirname(encoder), { recursive: true });
    cpSync(path.join(extension.extensionPath, 'test', 'fixtures', 'encoder', 'tiny-bert'), encoder, { recursive: true });
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const uri of written) rmSync(uri.fsPath, { force: true });
    rmSync(path.dirname(encoder), { recursive: true, force: true });
  });

  test('the wizard writes an embed step (mean pooling, normalize) for the text column from the encoder folder; the file trains from the Train command and the dashboard shows the width and the cache hits', async function () {
    this.timeout(240_000);
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('mlWorkbench.newExperiment', {
      dataset: workspaceFile('data/reviews.csv'),
      target: 'label',
      task: 'classification',
      model: 'logistic_regression',
      validation: 'kfold5',
      fileName: 'embed-reviews.experiment.yaml',
      textFeatures: { encoder },
    });
    assert.ok(uri, 'the wizard wrote a file');
    written.push(uri);
    const text = readFileSync(uri.fsPath, 'utf8');
    const prepare = (parse(text) as { prepare: Record<string, unknown>[] }).prepare;
    assert.deepEqual(
      prepare.filter((step) => 'embed' in step),
      [{ embed: { column: 'review', model: 'models/tiny-bert', pooling: 'mean', normalize: true } }],
      text,
    );
    assert.ok(!prepare.some((step) => 'text' in step), text);

    const record: RunRecord = await trainCompleted('embed-reviews.experiment.yaml');
    const step = record.embeddings?.steps[0];
    assert.ok(step, JSON.stringify(record.embeddings));
    assert.equal(step.width, 32);
    assert.equal(step.model, encoder);
    const cache = record.embeddings?.cache;
    assert.ok(cache);
    // 5 folds and the refit over the same texts: each distinct text is embedded once (or found in the workspace's cache).
    const texts = new Set(
      readFileSync(workspaceFile('data/reviews.csv').fsPath, 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.slice(0, line.lastIndexOf(','))),
    );
    assert.ok(cache.misses <= texts.size, JSON.stringify(cache));
    assert.ok(cache.hits >= 5 * texts.size, JSON.stringify(cache));
    assert.deepEqual(
      record.featureNames,
      Array.from({ length: 32 }, (_, j) => `review_emb_${j}`),
    );

    const delivered = await vscode.commands.executeCommand<Delivered | undefined>('mlWorkbench.openDashboard', record.id);
    assert.ok(delivered);
    assert.equal(delivered.message.type, 'dashboard');
    const state = (delivered.message as unknown as { state: DashboardState }).state;
    assert.equal(state.embeddings?.steps[0]?.width, 32);
    assert.deepEqual(state.embeddings?.cache, cache);
    // What the webview drew: the step's row (column, encoder, width) and the cache line.
    const drawn = delivered.rendered.embeddings ?? [];
    assert.equal(drawn.length, 2, JSON.stringify(drawn));
    assert.match(drawn[0] ?? '', new RegExp(`^review \\| .*tiny-bert \\| 32 \\| `));
    assert.equal(drawn[1], `Embedding cache: ${cache.hits} hit(s), ${cache.misses} text(s) embedded (every fold, trial and the refit of this run).`);
  });

  /** Runs the wizard and presses the commands in turn (one each 300 ms, the last one again) until it settles. */
  async function driveWizard(answers: object, commands: readonly string[]): Promise<vscode.Uri | undefined> {
    let settled = false;
    const running = Promise.resolve(vscode.commands.executeCommand<vscode.Uri | undefined>('mlWorkbench.newExperiment', answers)).finally(() => {
      settled = true;
    });
    for (let i = 0; !settled; i++) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      if (!settled) await vscode.commands.executeCommand(commands[Math.min(i, commands.length - 1)] as string);
    }
    return running;
  }

  const reviewsAnswers = (fileName: string) => ({
    dataset: workspaceFile('data/reviews.csv'),
    target: 'label',
    task: 'classification',
    model: 'logistic_regression',
    validation: 'holdout20',
    fileName,
  });

  test('left open, the text column question is asked in a picker: its first choice keeps TF-IDF', async () => {
    const uri = await driveWizard(reviewsAnswers('embed-asked.experiment.yaml'), ['workbench.action.acceptSelectedQuickOpenItem']);
    assert.ok(uri);
    written.push(uri);
    const prepare = (parse(readFileSync(uri.fsPath, 'utf8')) as { prepare: Record<string, unknown>[] }).prepare;
    assert.ok(prepare.some((step) => 'text' in step && (step.text as { column?: string }).column === 'review'));
    assert.ok(!prepare.some((step) => 'embed' in step));
  });

  test('choosing "Pretrained encoder (local folder)" opens the folder dialog; cancelling it writes nothing', async () => {
    const uri = await driveWizard(reviewsAnswers('embed-dialog.experiment.yaml'), [
      'workbench.action.quickOpenSelectNext',
      'workbench.action.acceptSelectedQuickOpenItem',
      'workbench.action.closeQuickOpen',
    ]);
    assert.equal(uri, undefined);
    assert.equal(existsSync(workspaceFile('embed-dialog.experiment.yaml').fsPath), false);
  });

  test('a folder without the encoder files is refused by the wizard, which writes nothing', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('mlWorkbench.newExperiment', {
      dataset: workspaceFile('data/reviews.csv'),
      target: 'label',
      task: 'classification',
      model: 'logistic_regression',
      validation: 'holdout20',
      fileName: 'embed-refused.experiment.yaml',
      textFeatures: { encoder: path.join(encoder, 'onnx') },
    });
    assert.equal(uri, undefined);
    assert.equal(existsSync(workspaceFile('embed-refused.experiment.yaml').fsPath), false);
  });
});
