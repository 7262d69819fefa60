import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { RunRecord } from '../../src/core/runs/store';
import { trainCompleted } from './workspace';

interface Exported {
  readonly outDir: string;
  readonly files: string[];
  readonly format: string;
}

suite('Export Model…', () => {
  let run: RunRecord;

  suiteSetup(async () => {
    run = await trainCompleted('train-iris.experiment.yaml');
  });

  test('the command is contributed to the palette and to the context menu of completed runs', () => {
    const manifest = vscode.extensions.getExtension('mlwb.ml-workbench')?.packageJSON as {
      contributes: { commands: { command: string; title: string }[]; menus: Record<string, { command: string; when?: string }[]> };
    };
    assert.equal(manifest.contributes.commands.find((c) => c.command === 'mlWorkbench.exportModel')?.title, 'Export Model…');
    const menu = manifest.contributes.menus['view/item/context']?.find((m) => m.command === 'mlWorkbench.exportModel');
    assert.match(menu?.when ?? '', /view == mlWorkbench\.runs && viewItem =~ \/\^run\\\.completed\//);
  });

  test('a container export writes the build context and opens its README', async () => {
    const outDir = path.join(mkdtempSync(path.join(tmpdir(), 'mlwb-export-it-')), 'image');
    const result = await vscode.commands.executeCommand<Exported>('mlWorkbench.exportModel', run.id, { format: 'container', outDir });
    assert.ok(result, 'the command returned what it wrote');
    assert.equal(result.outDir, outDir);
    assert.equal(result.format, 'container');
    for (const file of [
      'Dockerfile',
      '.dockerignore',
      'server.js',
      'healthcheck.js',
      'package.json',
      'k8s.yaml',
      'README.md',
      'model/run.json',
      'model/model.json',
    ]) {
      assert.ok(existsSync(path.join(outDir, file)), file);
    }
    assert.equal((JSON.parse(readFileSync(path.join(outDir, 'model', 'run.json'), 'utf8')) as RunRecord).id, run.id);
    assert.match(readFileSync(path.join(outDir, 'Dockerfile'), 'utf8'), /^CMD \["node", "server\.js"\]$/m);
    const readme = path.join(outDir, 'README.md');
    await waitFor(() => vscode.window.activeTextEditor?.document.uri.fsPath === readme, 10_000, 'the README in the editor');
  });

  test('an ONNX export writes model.onnx, which onnxruntime runs in this process with the run’s inputs and outputs', async () => {
    const outDir = path.join(mkdtempSync(path.join(tmpdir(), 'mlwb-export-it-')), 'onnx');
    const result = await vscode.commands.executeCommand<Exported>('mlWorkbench.exportModel', run.id, { format: 'onnx', outDir });
    assert.equal(result?.format, 'onnx');
    assert.deepEqual(readdirSync(outDir), ['model.onnx']);
    // onnxruntime-node is a dev dependency with a native binding: loaded from the extension's node_modules, not bundled.
    const extensionPath = vscode.extensions.getExtension('mlwb.ml-workbench')?.extensionPath ?? '';
    const ort = createRequire(path.join(extensionPath, 'package.json'))('onnxruntime-node') as typeof import('onnxruntime-node');
    const session = await ort.InferenceSession.create(path.join(outDir, 'model.onnx'));
    const columns = ['sepal_length_cm', 'sepal_width_cm', 'petal_length_cm', 'petal_width_cm'];
    assert.deepEqual([...session.inputNames].sort(), [...columns].sort());
    assert.deepEqual([...session.outputNames], ['label', 'probabilities']);
    const rows = [
      [5.1, 3.5, 1.4, 0.2],
      [6.7, 3.1, 5.6, 2.4],
    ];
    const feeds = Object.fromEntries(
      columns.map((c, j) => [
        c,
        new ort.Tensor(
          'float32',
          Float32Array.from(rows, (r) => r[j] as number),
          [2, 1],
        ),
      ]),
    );
    const output = await session.run(feeds);
    assert.deepEqual(Array.from(output.label?.data as ArrayLike<string>), ['setosa', 'virginica']);
    assert.deepEqual(output.probabilities?.dims, [2, 3]);
  });

  test('folder and scikit-learn exports by argument; a non-empty folder is refused and left as it was', async () => {
    const parent = mkdtempSync(path.join(tmpdir(), 'mlwb-export-it-'));
    const folder = await vscode.commands.executeCommand<Exported>(
      'mlWorkbench.exportModel',
      { runId: run.id },
      { format: 'folder', outDir: path.join(parent, 'folder') },
    );
    assert.deepEqual(folder?.files, ['run.json', 'model.json', 'pipeline.json', 'schema.json', 'reference.json', 'train_sklearn.py', 'README.md']);
    const sklearn = await vscode.commands.executeCommand<Exported>('mlWorkbench.exportModel', run.id, {
      format: 'sklearn',
      outDir: path.join(parent, 'script'),
    });
    assert.deepEqual(readdirSync(sklearn?.outDir ?? ''), ['train_sklearn.py']);
    const script = path.join(parent, 'script', 'train_sklearn.py');
    await waitFor(() => vscode.window.activeTextEditor?.document.uri.fsPath === script, 10_000, 'the script in the editor');

    writeFileSync(path.join(parent, 'busy.txt'), 'mine');
    const refused = await vscode.commands.executeCommand<Exported | undefined>('mlWorkbench.exportModel', run.id, { format: 'folder', outDir: parent });
    assert.equal(refused, undefined);
    assert.deepEqual(readdirSync(parent).sort(), ['busy.txt', 'folder', 'script']);
  });
});

async function waitFor(probe: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; the active editor shows ${vscode.window.activeTextEditor?.document.uri.fsPath ?? 'nothing'}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
