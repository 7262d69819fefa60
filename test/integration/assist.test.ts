import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { MODEL_SPECS } from '../../src/core/models/specs';
import { EXTENSION_ID, eventually, workspaceFile } from './workspace';

// Completion, hover and quick fixes of experiment files come from the extension itself: no YAML extension is installed here.
const FIXTURE = 'assist-iris.experiment.yaml';
const MODEL = 'logistic_regression';

const labelOf = (item: vscode.CompletionItem): string => (typeof item.label === 'string' ? item.label : item.label.label);

async function completionsAt(uri: vscode.Uri, position: vscode.Position): Promise<vscode.CompletionItem[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, position);
  return list.items;
}

/** The position just after `before` in the document, at its `nth` occurrence. */
function after(document: vscode.TextDocument, before: string): vscode.Position {
  const at = document.getText().indexOf(before);
  assert.ok(at >= 0, `${JSON.stringify(before)} in ${document.fileName}`);
  return document.positionAt(at + before.length);
}

suite('Experiment completion, hover and quick fixes', () => {
  const uri = workspaceFile(FIXTURE);
  let editor: vscode.TextEditor;

  suiteSetup(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  });

  setup(async () => {
    editor = await vscode.window.showTextDocument(uri, { preview: false });
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('no YAML extension is installed: what follows comes from ML Workbench', () => {
    assert.equal(vscode.extensions.getExtension('redhat.vscode-yaml'), undefined);
  });

  test('model.type completes every model type of the specs, each with its doc', async () => {
    const items = await completionsAt(uri, after(editor.document, 'type: '));
    for (const spec of MODEL_SPECS) {
      const item = items.find((i) => labelOf(i) === spec.type);
      assert.ok(item, `${spec.type} among ${items.map(labelOf).join(', ')}`);
      const doc = item.documentation instanceof vscode.MarkdownString ? item.documentation.value : String(item.documentation ?? '');
      assert.ok(doc.includes(spec.doc), `${spec.type}: ${doc}`);
    }
  });

  test("model.params completes the type's parameters with their defaults", async () => {
    const spec = MODEL_SPECS.find((s) => s.type === MODEL);
    assert.ok(spec);
    const items = await completionsAt(uri, after(editor.document, 'params:\n    '));
    for (const [name, param] of Object.entries(spec.params)) {
      const item = items.find((i) => labelOf(i) === name);
      assert.ok(item, `${name} among ${items.map(labelOf).join(', ')}`);
      if (param.default !== undefined) assert.ok(item.detail?.includes(`default ${String(param.default)}`), `${name}: ${item.detail}`);
    }
  });

  test("the target completes the data file's column names, data.path the workspace's data files", async () => {
    const header = new TextDecoder().decode(await vscode.workspace.fs.readFile(workspaceFile('data/iris.csv'))).split('\n')[0] ?? '';
    const columns = header.trim().split(',');
    const items = await completionsAt(uri, after(editor.document, 'target: '));
    for (const column of columns)
      assert.ok(
        items.some((i) => labelOf(i) === column),
        `${column} among ${items.map(labelOf).join(', ')}`,
      );
    const files = await completionsAt(uri, after(editor.document, 'path: '));
    assert.ok(
      files.some((i) => labelOf(i) === 'data/iris.csv'),
      `data files: ${files.map(labelOf).join(', ')}`,
    );
    const listed = await completionsAt(uri, after(editor.document, 'columns: ['));
    assert.ok(listed.some((i) => labelOf(i) === columns[0]));
  });

  test('hover shows the model type and a parameter', async () => {
    const spec = MODEL_SPECS.find((s) => s.type === MODEL);
    assert.ok(spec?.params.C);
    const text = async (position: vscode.Position): Promise<string> => {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
      return hovers.flatMap((h) => h.contents.map((c) => (c instanceof vscode.MarkdownString ? c.value : typeof c === 'string' ? c : c.value))).join('\n');
    };
    assert.ok((await text(after(editor.document, 'type: l'))).includes(spec.doc));
    assert.ok((await text(after(editor.document, '    C'))).includes(spec.params.C.doc));
  });

  test('a misspelt model type gets a "did you mean" quick fix that replaces it', async () => {
    const start = after(editor.document, 'type: ');
    const typo = MODEL.slice(0, -2) + MODEL.slice(-1);
    await editor.edit((edit) => edit.replace(new vscode.Range(start, start.translate(0, MODEL.length)), typo));
    const diagnostic = await eventually(
      () => vscode.languages.getDiagnostics(uri).find((d) => d.source === 'ML Workbench' && d.range.start.line === start.line),
      'the unknown model type problem',
    );
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, diagnostic.range);
    const fix = actions.find((a) => a.title === `Change to "${MODEL}"`);
    assert.ok(fix, `quick fixes: ${actions.map((a) => a.title).join(', ')}`);
    assert.equal(fix.isPreferred, true);
    assert.ok(fix.edit);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(editor.document.lineAt(start.line).text, `  type: ${MODEL}`);
    await eventually(() => (vscode.languages.getDiagnostics(uri).some((d) => d.source === 'ML Workbench') ? undefined : true), 'no problem once fixed');
  });

  test('a YAML syntax error is said in plain words with its line', async () => {
    const line = after(editor.document, 'validation: ').line;
    await editor.edit((edit) => edit.replace(editor.document.lineAt(line).range, 'validation: method: kfold'));
    const problem = await eventually(
      () => vscode.languages.getDiagnostics(uri).find((d) => d.source === 'ML Workbench' && /syntax error/.test(d.message)),
      'a syntax error',
    );
    assert.equal(
      problem.message,
      `syntax error on line ${line + 1}: a key and its value are on one line where a nested block is expected — put the nested keys on their own lines, indented`,
    );
  });
});
