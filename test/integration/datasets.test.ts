import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DatasetsApi, DatasetsTreeSnapshot } from '../../src/extension/datasets/index';
import { EXTENSION_ID, eventually, workspaceFile } from './workspace';

// Expected values are counted by hand from test/fixtures/workspace/data (see test/unit/datasets/engine.test.ts).
async function api(): Promise<DatasetsApi> {
  await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  return (await vscode.commands.executeCommand('mlWorkbench._datasetsTestApi')) as DatasetsApi;
}

function byPath(snapshot: readonly DatasetsTreeSnapshot[], relative: string): DatasetsTreeSnapshot {
  const found = snapshot.find((entry) => entry.path === relative);
  assert.ok(found, `${relative} is listed; listed: ${snapshot.map((entry) => entry.path).join(', ')}`);
  return found;
}

suite('Datasets', () => {
  test('the view lists the workspace dataset files with rows × columns and size', async () => {
    const snapshot = await (await api()).treeSnapshot(false);
    const expected: Record<string, string> = {
      'data/people.csv': '10 × 6 · 315 B',
      'data/orders.tsv': '5 × 4 · 93 B',
      'data/events.jsonl': '4 × 3 · 167 B',
      'data/cities.json': '3 × 3 · 175 B',
      'data/measurements.parquet': '4 × 3 · 452 B',
      'data/xss.csv': '4 × 2 · ',
      'data/iris.csv': '150 × 5 · ',
    };
    for (const [relative, description] of Object.entries(expected)) {
      assert.ok(byPath(snapshot, relative).description.startsWith(description), `${relative}: ${byPath(snapshot, relative).description}`);
    }
    assert.ok(!snapshot.some((entry) => entry.path.endsWith('analysis.py')));
  });

  test('an unreadable file is listed with its reason', async () => {
    const broken = byPath(await (await api()).treeSnapshot(false), 'data/broken.csv');
    assert.equal(broken.description, 'cannot be read');
    assert.equal(broken.error, 'broken.csv, line 3: the row has 2 fields but the header has 3 columns');
  });

  test('column children show type, missing % and distinct count', async () => {
    const snapshot = await (await api()).treeSnapshot(true);
    const columns = (relative: string): Record<string, string> =>
      Object.fromEntries((byPath(snapshot, relative).columns ?? []).map((column) => [column.name, column.description]));
    assert.deepEqual(columns('data/people.csv'), {
      id: 'integer · 0.0% missing · 10 distinct',
      name: 'categorical · 0.0% missing · 10 distinct',
      age: 'integer · 20.0% missing · 6 distinct',
      city: 'categorical · 10.0% missing · 3 distinct',
      score: 'float · 10.0% missing · 8 distinct',
      joined: 'date · 10.0% missing · 9 distinct',
    });
    assert.deepEqual(columns('data/orders.tsv'), {
      order: 'integer · 0.0% missing · 4 distinct',
      product: 'categorical · 0.0% missing · 3 distinct',
      qty: 'integer · 20.0% missing · 3 distinct',
      currency: 'categorical · 0.0% missing · 1 distinct',
    });
    assert.equal(columns('data/events.jsonl').clicks, 'integer · 25.0% missing · 3 distinct');
  });

  test('hover on a path in a Python file shows shape, types, first rows and a preview link', async () => {
    await (await api()).treeSnapshot(false);
    const document = await vscode.workspace.openTextDocument(workspaceFile('data/analysis.py'));
    const lineNumber = document
      .getText()
      .split('\n')
      .findIndex((line) => line.includes('data/people.csv'));
    const position = new vscode.Position(lineNumber, document.lineAt(lineNumber).text.indexOf('people.csv'));
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position);
    const markdown = hovers
      .flatMap((hover) => hover.contents)
      .map((content) => (content instanceof vscode.MarkdownString ? content.value : typeof content === 'string' ? content : content.value))
      .find((value) => value.includes('people\\.csv'));
    assert.ok(markdown, 'a dataset hover');
    const lines = markdown.split('\n');
    assert.deepEqual(lines.slice(0, 12), [
      '**people\\.csv** · 10 rows × 6 columns · 315 B',
      '',
      '`id` integer · `name` categorical · `age` integer · `city` categorical · `score` float · `joined` date',
      '',
      '| id | name | age | city | score | joined |',
      '| --- | --- | --- | --- | --- | --- |',
      '| 1 | Ann | 34 | Berlin | 7\\.5 | 2021\\-03\\-01 |',
      '| 2 | Bob | *∅* | Paris | 6\\.0 | 2021\\-04\\-15 |',
      '| 3 | Cid | 29 | Berlin | *∅* | 2022\\-01\\-10 |',
      '| 4 | Dee | abc | Rome | 8\\.25 | 2022\\-02\\-20 |',
      '| 5 | Eve | 41 | *∅* | 9\\.0 | *∅* |',
      '',
    ]);
    const link = /^\[Open preview\]\(command:mlWorkbench\.previewDataset\?(.*)\)$/.exec(lines.at(-1) ?? '');
    assert.ok(link, `link line: ${lines.at(-1)}`);
    const [argument] = JSON.parse(decodeURIComponent(link[1] ?? '')) as { path: string }[];
    assert.equal(path.basename(argument?.path ?? ''), 'people.csv');
  });

  test('CodeLens above lines that read datasets, with rows × columns', async () => {
    await (await api()).treeSnapshot(false);
    const uri = workspaceFile('data/analysis.py');
    await vscode.workspace.openTextDocument(uri);
    const titles = await eventually(async () => {
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      const found = lenses.map((lens) => lens.command?.title ?? '');
      return found.includes('Preview people.csv (10 × 6)') && found.includes('Preview orders.tsv (5 × 4)') ? found : undefined;
    }, 'both lenses with counts');
    assert.equal(titles.filter((title) => title.startsWith('Preview ')).length, 2);
  });

  test('settings switch the hover and the CodeLens off', async () => {
    const config = vscode.workspace.getConfiguration('mlWorkbench.preview');
    const uri = workspaceFile('data/analysis.py');
    const document = await vscode.workspace.openTextDocument(uri);
    const lineNumber = document
      .getText()
      .split('\n')
      .findIndex((line) => line.includes('data/people.csv'));
    const position = new vscode.Position(lineNumber, document.lineAt(lineNumber).text.indexOf('people.csv'));
    await config.update('hover', false, vscode.ConfigurationTarget.Global);
    await config.update('codeLens', false, vscode.ConfigurationTarget.Global);
    try {
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position);
      const ours = hovers
        .flatMap((hover) => hover.contents)
        .filter((content) => content instanceof vscode.MarkdownString && content.value.includes('people\\.csv'));
      assert.equal(ours.length, 0);
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      assert.equal(lenses.filter((lens) => lens.command?.title.startsWith('Preview ')).length, 0);
    } finally {
      await config.update('hover', undefined, vscode.ConfigurationTarget.Global);
      await config.update('codeLens', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  test('Preview Dataset opens a panel whose webview loads pages through the worker', async () => {
    const datasets = await api();
    const uri = workspaceFile('data/people.csv');
    await vscode.commands.executeCommand('mlWorkbench.previewDataset', uri);
    const state = await eventually(() => {
      const current = datasets.previewState(uri.fsPath);
      return current && current.total === 10 && current.page ? current : undefined;
    }, 'the first page of people.csv');
    assert.deepEqual(state.page?.rows[0], ['1', 'Ann', '34', 'Berlin', '7.5', '2021-03-01']);
    await vscode.commands.executeCommand('mlWorkbench.profileDataset', uri);
    const profiled = await eventually(() => datasets.previewState(uri.fsPath)?.profile, 'the profile of people.csv');
    assert.equal(profiled.quality.missingCells, 5);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Copy Dataset Path puts the path on the clipboard', async () => {
    const uri = workspaceFile('data/orders.tsv');
    await vscode.commands.executeCommand('mlWorkbench.copyDatasetPath', uri);
    assert.equal(await vscode.env.clipboard.readText(), uri.fsPath);
  });

  test('an imported file shows its source: kind and host in the description; kind, host and age in the tooltip; never the password', async () => {
    const data = workspaceFile('data/imported-orders.csv');
    const sidecar = workspaceFile('data/imported-orders.source.yaml');
    const fetchedAt = new Date(Date.now() - 5 * 60_000 - 10_000).toISOString();
    try {
      await vscode.workspace.fs.writeFile(
        sidecar,
        Buffer.from(
          [
            'file: imported-orders.csv',
            'source:',
            '  kind: postgres',
            '  url: postgres://alice:s3cret@db.example.com:5432/shop',
            '  table: orders',
            `  fetchedAt: ${fetchedAt}`,
            'rows: 2',
            'columns: [{ name: id, type: INTEGER }, { name: total, type: DOUBLE }]',
            'sha256: 0000',
            '',
          ].join('\n'),
        ),
      );
      await vscode.workspace.fs.writeFile(data, Buffer.from('id,total\n1,9.5\n2,3.25\n'));
      const datasets = await api();
      const entry = await eventually(async () => {
        await vscode.commands.executeCommand('mlWorkbench.refreshDatasets');
        const found = (await datasets.treeSnapshot(false)).find((e) => e.path === 'data/imported-orders.csv');
        return found && found.description.startsWith('2 × 2') ? found : undefined;
      }, 'data/imported-orders.csv listed with its row count');
      assert.match(entry.description, /^2 × 2 · \d+ B · postgres db\.example\.com:5432$/);
      assert.equal(entry.tooltip?.split('\n')[2], 'Source: postgres db.example.com:5432, table orders, fetched 5 min ago');
      assert.ok(!`${entry.description}${entry.tooltip ?? ''}`.includes('s3cret'));
      const plain = (await datasets.treeSnapshot(false)).find((e) => e.path === 'data/people.csv');
      assert.ok(plain && !plain.description.includes('postgres') && !(plain.tooltip ?? '').includes('Source:'), JSON.stringify(plain));
    } finally {
      await vscode.workspace.fs.delete(data).then(undefined, () => undefined);
      await vscode.workspace.fs.delete(sidecar).then(undefined, () => undefined);
    }
  });
});
