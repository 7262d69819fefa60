import * as assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import * as vscode from 'vscode';
import type { RunRecord } from '../../src/core/runs/store';
import { EXTENSION_ID, workspaceFile } from './workspace';

// Train on a file the editor already marks with errors: no run is started (so no failed run is
// added), and the problems stay where the user reads them. Each file is written by the test, not opened.
/** Run folders of an experiment name in .mlwb/runs. */
function runsOf(name: string): string[] {
  const runs = workspaceFile('.mlwb/runs').fsPath;
  return existsSync(runs) ? readdirSync(runs).filter((id) => id.includes(`-${name}-`)) : [];
}

const errorsOf = (uri: vscode.Uri): vscode.Diagnostic[] =>
  vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'ML Workbench' && d.severity === vscode.DiagnosticSeverity.Error);

const experiment = (name: string, data: string, target: string, type: string): string =>
  [`name: ${name}`, 'data:', `  path: ${data}`, `  target: ${target}`, 'model:', `  type: ${type}`, 'validation: { method: holdout, test_size: 0.3 }', ''].join(
    '\n',
  );

suite('Train refuses a file with errors', () => {
  const written: vscode.Uri[] = [];

  suiteSetup(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const uri of written) await vscode.workspace.fs.delete(uri).then(undefined, () => undefined);
  });

  const cases: [string, string, string, string, RegExp][] = [
    ['refuse-typo', 'data/iris.csv', 'species', 'random_forrest', /model\.type: "random_forrest" is not a model type \(did you mean "random_forest"\?\)/],
    ['refuse-missing', 'data/no-such-file.csv', 'species', 'random_forest', /data\.path: file not found/],
    ['refuse-broken', 'data/broken.csv', 'score', 'ridge', /cannot read the data file .*broken\.csv.*line 3/],
  ];
  for (const [name, data, target, type, problem] of cases) {
    test(`${name}: no run is started and the error is in Problems`, async () => {
      const uri = workspaceFile(`${name}.experiment.yaml`);
      written.push(uri);
      await vscode.workspace.fs.writeFile(uri, Buffer.from(experiment(name, data, target, type), 'utf8'));
      const record = await vscode.commands.executeCommand<RunRecord | undefined>('mlWorkbench.train', uri, { silent: true });
      assert.equal(record, undefined, `a run was started: ${JSON.stringify(record)}`);
      assert.deepEqual(runsOf(name), [], 'no failed run is added to the store');
      const errors = errorsOf(uri);
      assert.ok(
        errors.some((d) => problem.test(d.message)),
        errors.map((d) => d.message).join('\n'),
      );
    });
  }

  test('a transformer after a TF-IDF step gets a warning on that step (only a warning: Train may still go ahead)', async () => {
    const uri = workspaceFile('warn-transformer.experiment.yaml');
    written.push(uri);
    const text = [
      'name: warn-transformer',
      'data: { path: data/reviews.csv, target: label }',
      'prepare:',
      '  - text: { column: review, method: tfidf, ngram_range: [1, 2] }',
      'model: { type: transformer }',
      '',
    ].join('\n');
    await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
    await vscode.window.showTextDocument(uri, { preview: false });
    const deadline = Date.now() + 30_000;
    let found: vscode.Diagnostic[] = [];
    while (Date.now() < deadline) {
      found = vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'ML Workbench');
      if (found.some((d) => d.severity === vscode.DiagnosticSeverity.Warning)) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const warning = found.find((d) => d.severity === vscode.DiagnosticSeverity.Warning && /transformer reads the raw text/.test(d.message));
    assert.ok(warning, found.map((d) => `${d.severity} ${d.message}`).join('\n'));
    assert.equal(warning.range.start.line, 3);
    assert.equal(errorsOf(uri).length, 0, 'a warning, not an error');
  });

  test('fixing the error lets the same file train', async () => {
    const uri = workspaceFile('refuse-typo.experiment.yaml');
    await vscode.workspace.fs.writeFile(uri, Buffer.from(experiment('refuse-typo', 'data/iris.csv', 'species', 'random_forest'), 'utf8'));
    const record = await vscode.commands.executeCommand<RunRecord | undefined>('mlWorkbench.train', uri, { silent: true });
    assert.equal(record?.status, 'completed', record?.reason);
    assert.equal(runsOf('refuse-typo').length, 1);
  });
});
