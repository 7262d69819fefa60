import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { parse } from 'yaml';
import { parseExperiment } from '../../src/core/runs/experimentFile';
import type { RunRecord } from '../../src/core/runs/store';
import { EXTENSION_ID, eventually, workspaceFile } from './workspace';

// Line numbers below are those of the fixtures test/fixtures/workspace/schema-*.experiment.* (0-based here).
const SOURCE = 'ML Workbench';

const ours = (uri: vscode.Uri): vscode.Diagnostic[] => vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);

/** Opens a fixture and waits until our diagnostics satisfy `done`. */
async function diagnosticsOf(relative: string, done: (found: vscode.Diagnostic[]) => boolean): Promise<vscode.Diagnostic[]> {
  const uri = workspaceFile(relative);
  await vscode.window.showTextDocument(uri, { preview: false });
  return eventually(
    () => {
      const found = ours(uri);
      return done(found) ? found : undefined;
    },
    `diagnostics of ${relative}; now: ${JSON.stringify(ours(uri).map((d) => `${d.range.start.line}: ${d.message}`))}`,
  );
}

const describe = (found: readonly vscode.Diagnostic[]): string => found.map((d) => `${d.range.start.line}: ${d.message}`).join('\n');

suite('Experiments', () => {
  const written: vscode.Uri[] = [];

  suiteSetup(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  suiteTeardown(async () => {
    for (const uri of written) await vscode.workspace.fs.delete(uri).then(undefined, () => undefined);
  });

  test('an unknown model type shows an error on its line', async () => {
    const found = await diagnosticsOf('schema-bad-model.experiment.yaml', (d) => d.length > 0);
    assert.equal(found.length, 1, describe(found));
    const [problem] = found as [vscode.Diagnostic];
    assert.equal(problem.range.start.line, 7);
    assert.equal(problem.severity, vscode.DiagnosticSeverity.Error);
    assert.match(problem.message, /^model\.type: "xgboost" is not a model type; known types: .*logistic_regression/);
  });

  test('a bad parameter value shows an error on the parameter', async () => {
    const found = await diagnosticsOf('schema-bad-param.experiment.yaml', (d) => d.length > 0);
    assert.deepEqual(
      found.map((d) => [d.range.start.line, d.range.start.character]),
      [[11, 7]],
      describe(found),
    );
    assert.match(found[0]?.message ?? '', /^model\.params\.C: .*> 0, got -1/);
  });

  test('a target or step column the data lacks is named on its line, with the columns the data has', async () => {
    const found = await diagnosticsOf('schema-unknown-column.experiment.yaml', (d) => d.length >= 2);
    assert.deepEqual(found.map((d) => d.range.start.line).sort(), [4, 7], describe(found));
    const target = found.find((d) => d.range.start.line === 4);
    assert.match(
      target?.message ?? '',
      /^data\.target: unknown column "kind"; the data has: sepal_length_cm, sepal_width_cm, petal_length_cm, petal_width_cm, species$/,
    );
    const step = found.find((d) => d.range.start.line === 7);
    assert.match(step?.message ?? '', /^prepare\[1\]\.onehot\.columns\[1\]: unknown column "colour"/);
    assert.equal(step?.range.start.character, 33);
  });

  test('a missing data file is reported on data.path', async () => {
    const found = await diagnosticsOf('schema-missing-data.experiment.yaml', (d) => d.length > 0);
    assert.deepEqual(
      found.map((d) => d.range.start.line),
      [3],
      describe(found),
    );
    assert.match(found[0]?.message ?? '', /^data\.path: file not found: .*no-such-file\.csv$/);
  });

  test('an edit is checked as it is typed, and fixing it clears the problem', async () => {
    const uri = workspaceFile('schema-valid.experiment.yaml');
    const editor = await vscode.window.showTextDocument(uri, { preview: false });
    const line = editor.document
      .getText()
      .split('\n')
      .findIndex((l) => l.includes('type: random_forest'));
    assert.ok(line > 0);
    const at = editor.document.lineAt(line).text.indexOf('random_forest') + 'random_forest'.length;
    await editor.edit((edit) => edit.insert(new vscode.Position(line, at), 's'));
    const found = await eventually(() => (ours(uri).length > 0 ? ours(uri) : undefined), 'a problem after the edit');
    assert.deepEqual(
      found.map((d) => d.range.start.line),
      [line],
      describe(found),
    );
    assert.match(found[0]?.message ?? '', /"random_forests" is not a model type/);
    await editor.edit((edit) => edit.delete(new vscode.Range(line, at, line, at + 1)));
    await eventually(() => (ours(uri).length === 0 ? true : undefined), `no problem after the fix; now ${describe(ours(uri))}`);
    assert.equal(editor.document.getText(), readFileSync(uri.fsPath, 'utf8'));
  });

  test('a valid JSON experiment gets no problem from us', async () => {
    const uri = workspaceFile('schema-valid.experiment.json');
    const editor = await vscode.window.showTextDocument(uri, { preview: false });
    // Break it, wait for the problem (so a check has run), then restore it and expect none.
    const text = editor.document.getText();
    const start = text.indexOf('"linear_svm"');
    const range = new vscode.Range(editor.document.positionAt(start), editor.document.positionAt(start + '"linear_svm"'.length));
    await editor.edit((edit) => edit.replace(range, '"linear_svn"'));
    await eventually(() => (ours(uri).some((d) => /linear_svn/.test(d.message)) ? true : undefined), 'a problem in the JSON file');
    await editor.edit((edit) => edit.replace(range, '"linear_svm"'));
    await eventually(() => (ours(uri).length === 0 ? true : undefined), `no problem in the restored JSON file; now ${describe(ours(uri))}`);
  });

  test('the schema is contributed for json and yaml experiment files', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    const manifest = JSON.parse(readFileSync(path.join(extension.extensionPath, 'package.json'), 'utf8')) as {
      contributes: { jsonValidation: { fileMatch: string[]; url: string }[]; yamlValidation: { fileMatch: string[]; url: string }[] };
    };
    const json = manifest.contributes.jsonValidation.find((v) => v.fileMatch.includes('*.experiment.json'));
    const yaml = manifest.contributes.yamlValidation.find((v) => v.fileMatch.includes('*.experiment.yaml') && v.fileMatch.includes('*.experiment.yml'));
    assert.ok(json && yaml);
    for (const url of [json.url, yaml.url]) assert.ok(existsSync(path.join(extension.extensionPath, url)), url);
  });

  test("the editor's JSON service validates and completes experiment files with the contributed schema", async () => {
    const uri = workspaceFile('schema-valid.experiment.json');
    const editor = await vscode.window.showTextDocument(uri, { preview: false });
    const text = editor.document.getText();
    const start = text.indexOf('"C": 0.5') + '"C": '.length;
    const range = new vscode.Range(editor.document.positionAt(start), editor.document.positionAt(start + 3));
    await editor.edit((edit) => edit.replace(range, '-50'));
    const line = range.start.line;
    // The JSON language server starts on demand, so this may take a while.
    const fromSchema = await eventually(
      () => vscode.languages.getDiagnostics(uri).find((d) => d.source !== SOURCE && d.range.start.line === line),
      `a schema problem from the JSON service on line ${line}; now ${JSON.stringify(vscode.languages.getDiagnostics(uri).map((d) => [d.source, d.range.start.line, d.message]))}`,
      60_000,
    );
    assert.match(fromSchema.message, /0/, fromSchema.message);
    const typeAt = editor.document.positionAt(editor.document.getText().indexOf('"linear_svm"') + 1);
    const completions = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, typeAt);
    const labels = completions.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label).replace(/"/g, ''));
    for (const type of ['logistic_regression', 'svm', 'random_forest', 'transformer']) assert.ok(labels.includes(type), `${type} among ${labels.join(', ')}`);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  test('the wizard, given its answers, writes a valid commented experiment next to the data folder and opens it', async () => {
    const answers = {
      dataset: workspaceFile('data/iris.csv'),
      target: 'species',
      task: 'inferred',
      model: 'logistic_regression',
      validation: 'kfold5',
      fileName: 'wizard-iris.experiment.yaml',
    };
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('mlWorkbench.newExperiment', answers);
    assert.ok(uri, 'the wizard wrote a file');
    written.push(uri);
    assert.equal(uri.fsPath, workspaceFile('wizard-iris.experiment.yaml').fsPath);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, uri.fsPath, 'the new file is open');
    const text = readFileSync(uri.fsPath, 'utf8');
    const loaded = parseExperiment(uri.fsPath, text, true);
    assert.deepEqual(loaded.problems, [], text);
    assert.equal(loaded.experiment?.task, 'classification', 'the task is inferred from the string labels');
    assert.deepEqual(loaded.experiment?.data, { path: 'data/iris.csv', target: 'species' });
    assert.equal(loaded.experiment?.model.type, 'logistic_regression');
    assert.deepEqual(loaded.experiment?.validation, { method: 'kfold', folds: 5, stratify: true });
    assert.match(text, /setosa 33% · versicolor 33% · virginica 33%/);
    assert.match(text, /^# search: /m);
    // The file it opened is checked like any other, and is clean.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.deepEqual(ours(uri), []);

    // Never overwrite: the same name again gives a fresh one, and the first file is untouched.
    const again = await vscode.commands.executeCommand<vscode.Uri | undefined>('mlWorkbench.newExperiment', { ...answers, model: 'random_forest' });
    assert.ok(again);
    written.push(again);
    assert.equal(path.basename(again.fsPath), 'wizard-iris-2.experiment.yaml');
    assert.equal(readFileSync(uri.fsPath, 'utf8'), text);
    assert.equal((parse(readFileSync(again.fsPath, 'utf8')) as { model: { type: string } }).model.type, 'random_forest');
  });

  test('on a table with an id, a name, a date and gaps in the target, the wizard writes a file that trains as written', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('mlWorkbench.newExperiment', {
      dataset: workspaceFile('data/cars.csv'),
      target: 'mpg',
      task: 'inferred',
      model: 'ridge',
      validation: 'kfold5',
      fileName: 'wizard-cars.experiment.yaml',
    });
    assert.ok(uri);
    written.push(uri);
    const text = readFileSync(uri.fsPath, 'utf8');
    const loaded = parseExperiment(uri.fsPath, text, true);
    assert.deepEqual(loaded.problems, [], text);
    assert.deepEqual(loaded.experiment?.prepare?.slice(0, 3), [
      { dropMissing: { columns: ['mpg'] } },
      { drop: { columns: ['id', 'name'] } },
      { datetime: { columns: ['released'] } },
    ]);
    // Every string column is encoded or dropped: no warning once the data's columns are read.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    assert.deepEqual(ours(uri), []);
    const record = await vscode.commands.executeCommand<RunRecord | undefined>('mlWorkbench.train', uri, { silent: true });
    assert.equal(record?.status, 'completed', record?.reason);
    assert.equal(record?.missingTargetRows, 5);
    assert.ok(record?.featureNames?.includes('released_year'), record?.featureNames?.join(', '));
  });

  test('a string column no step encodes or drops is warned about, with both choices', async () => {
    const uri = workspaceFile('wizard-cars-bare.experiment.yaml');
    written.push(uri);
    const bare = [
      'name: cars-bare',
      'data:',
      '  path: data/cars.csv',
      '  target: mpg',
      'prepare:',
      '  - dropMissing: { columns: [mpg] }',
      'model: { type: ridge }',
      '',
    ];
    await vscode.workspace.fs.writeFile(uri, Buffer.from(bare.join('\n'), 'utf8'));
    const found = await diagnosticsOf('wizard-cars-bare.experiment.yaml', (d) => d.length >= 2);
    assert.ok(
      found.some(
        (d) =>
          d.severity === vscode.DiagnosticSeverity.Warning &&
          d.range.start.line === 2 &&
          /column "name" is free text .*drop: \{ columns: \[name\] \}/.test(d.message),
      ),
      describe(found),
    );
    assert.ok(
      found.some((d) => /column "released" holds dates .*datetime: \{ columns: \[released\] \}/.test(d.message)),
      describe(found),
    );
  });

  test('the wizard infers regression for a continuous target', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('mlWorkbench.newExperiment', {
      dataset: workspaceFile('data/diabetes.csv').fsPath,
      target: 'progression',
      task: 'inferred',
      model: 'ridge',
      validation: 'holdout20',
      fileName: 'wizard-diabetes',
    });
    assert.ok(uri);
    written.push(uri);
    assert.equal(path.basename(uri.fsPath), 'wizard-diabetes.experiment.yaml');
    const loaded = parseExperiment(uri.fsPath, readFileSync(uri.fsPath, 'utf8'), true);
    assert.deepEqual(loaded.problems, []);
    assert.equal(loaded.experiment?.task, 'regression');
    assert.deepEqual(loaded.experiment?.validation, { method: 'holdout', test_size: 0.2 });
  });

  /** Runs the wizard and keeps pressing `command` (Enter or Escape on the open picker) until it settles. */
  async function driveWizard(answers: object, command: string): Promise<vscode.Uri | undefined> {
    let settled = false;
    const running = Promise.resolve(vscode.commands.executeCommand<vscode.Uri | undefined>('mlWorkbench.newExperiment', answers)).finally(() => {
      settled = true;
    });
    while (!settled) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      if (!settled) await vscode.commands.executeCommand(command);
    }
    return running;
  }

  test('a question left open is asked in a picker: Enter takes the first choice', async () => {
    const uri = await driveWizard(
      { dataset: workspaceFile('data/iris.csv'), target: 'species', task: 'classification', model: 'svm', fileName: 'wizard-picked.experiment.yaml' },
      'workbench.action.acceptSelectedQuickOpenItem',
    );
    assert.ok(uri);
    written.push(uri);
    const loaded = parseExperiment(uri.fsPath, readFileSync(uri.fsPath, 'utf8'), true);
    assert.deepEqual(loaded.experiment?.validation, { method: 'kfold', folds: 5, stratify: true }, 'the first validation choice');
  });

  test('Escape in a picker cancels and writes nothing', async () => {
    const uri = await driveWizard(
      { dataset: workspaceFile('data/iris.csv'), target: 'species', fileName: 'wizard-cancelled.experiment.yaml' },
      'workbench.action.closeQuickOpen',
    );
    assert.equal(uri, undefined);
    assert.equal(existsSync(workspaceFile('wizard-cancelled.experiment.yaml').fsPath), false);
  });

  test('a target the data lacks writes nothing', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('mlWorkbench.newExperiment', {
      dataset: workspaceFile('data/iris.csv'),
      target: 'colour',
      model: 'svm',
      validation: 'kfold5',
      fileName: 'wizard-nothing.experiment.yaml',
    });
    assert.equal(uri, undefined);
    assert.equal(existsSync(workspaceFile('wizard-nothing.experiment.yaml').fsPath), false);
  });
});
