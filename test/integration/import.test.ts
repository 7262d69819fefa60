import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import pg from 'pg';
import type { DatasetsApi, DatasetsTreeSnapshot } from '../../src/extension/datasets/index';
import type { ImportResult } from '../../src/core/sources';
import { postgresBin, startPostgres, type RunningServer } from '../unit/sources/servers';

const EXTENSION_ID = 'mlwb.ml-workbench';

async function datasets(): Promise<DatasetsApi> {
  await vscode.extensions.getExtension(EXTENSION_ID)?.activate();
  return (await vscode.commands.executeCommand('mlWorkbench._datasetsTestApi')) as DatasetsApi;
}

async function listed(relative: string, description: RegExp): Promise<DatasetsTreeSnapshot> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const entry = (await (await datasets()).treeSnapshot(false)).find((e) => e.path === relative);
    if (entry && description.test(entry.description)) return entry;
    if (Date.now() > deadline) throw new Error(`${relative} not listed as ${description}: ${JSON.stringify(entry)}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

suite('Import Data', () => {
  let server: RunningServer | undefined;

  suiteSetup(async function () {
    if (!postgresBin()) this.skip();
    this.timeout(120_000);
    server = await startPostgres();
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    await client.query(
      "CREATE TABLE reviews (id int, stars smallint, body text, at timestamptz); INSERT INTO reviews VALUES (1, 5, 'great', now()), (2, 1, 'bad', now())",
    );
    await client.end();
  });
  suiteTeardown(async () => {
    await server?.stop();
  });

  test('Import Data… from PostgreSQL writes the file and its source, the Datasets view lists it, and Refresh from Source picks up new rows', async function () {
    this.timeout(120_000);
    const running = server as RunningServer;
    const result = (await vscode.commands.executeCommand('mlWorkbench.importData', {
      source: running.urlWithoutPassword,
      table: 'reviews',
      out: 'data/reviews.parquet',
      password: running.password,
    })) as ImportResult | undefined;
    assert.ok(result, 'the import returned its result');
    assert.equal(result.rows, 2);
    assert.deepEqual(
      result.columns.map((c) => c.type),
      ['INTEGER', 'SMALLINT', 'VARCHAR', 'TIMESTAMP WITH TIME ZONE'],
    );
    const sidecar = result.sidecar;
    assert.ok(existsSync(sidecar));
    const text = readFileSync(sidecar, 'utf8');
    assert.match(text, /kind: postgres/);
    assert.ok(!text.includes(running.password), 'the password stays in the secret storage');
    await listed('data/reviews.parquet', /^2 × 4/);

    const client = new pg.Client({ connectionString: running.url });
    await client.connect();
    await client.query("INSERT INTO reviews VALUES (3, 4, 'fine', now())");
    await client.end();
    // The password comes from SecretStorage, where the import put it.
    const refreshed = (await vscode.commands.executeCommand('mlWorkbench.refreshFromSource', vscode.Uri.file(result.path))) as ImportResult | undefined;
    assert.equal(refreshed?.rows, 3);
    await listed('data/reviews.parquet', /^3 × 4/);
  });
});
