// Import Data… as a person runs it: from the command palette, PostgreSQL (a real server started by the test), the URL
// and the password typed in, the table picked from the server's list, the first rows read in the preview document,
// the import confirmed and named; the file then appears in the Datasets view with its source.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import pg from 'pg';
import type { Page } from 'playwright-core';
import { postgresBin, startPostgres, type RunningServer } from '../unit/sources/servers';
import { dismissOverlays, openMlWorkbench, openWorkbench, pick, runFromPalette, screenshot, type Workbench } from './workbench';

const ROWS = 30;
let server: RunningServer | undefined;
let workbench: Workbench | undefined;
const skip = postgresBin() ? false : 'PostgreSQL is not installed (apt-get install postgresql)';

before(async () => {
  if (skip) return;
  server = await startPostgres();
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  await client.query(
    `CREATE TABLE reviews (id int, stars smallint, body text, posted timestamptz);
     INSERT INTO reviews SELECT i, 1 + i % 5, 'review number ' || i, timestamptz '2026-01-01 00:00:00+00' + i * interval '1 hour' FROM generate_series(1, ${ROWS}) AS i;
     CREATE TABLE other (x int)`,
  );
  await client.end();
  workbench = await openWorkbench();
  await openMlWorkbench(workbench.page);
});

afterEach(async () => {
  if (workbench) await dismissOverlays(workbench.page);
});

after(async () => {
  await workbench?.close();
  await server?.stop();
});

/** The quick input's visible title, once it says `title`. */
async function promptTitled(page: Page, title: string): Promise<void> {
  await page.locator('.quick-input-widget .quick-input-title', { hasText: title }).filter({ visible: true }).waitFor({ timeout: 60_000 });
}

/** Types into the open input box and presses Enter, after checking the box asks what we expect. */
async function answer(page: Page, title: string, text: string, options: { replace?: boolean } = {}): Promise<void> {
  await promptTitled(page, title);
  const input = page.locator('.quick-input-widget input').filter({ visible: true }).first();
  await input.focus();
  if (options.replace) await page.keyboard.press('ControlOrMeta+A');
  if (text !== '') await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

test('Import Data… from PostgreSQL: table from the list, preview of the first rows, confirm, and the file in the Datasets view', { skip }, async () => {
  const page = (workbench as Workbench).page;
  const running = server as RunningServer;
  await runFromPalette(page, 'ML Workbench: Import Data…');
  await promptTitled(page, 'what kind of source');
  await pick(page, 'PostgreSQL', { exact: true });
  await answer(page, 'where from', running.urlWithoutPassword);
  await answer(page, 'password', running.password);

  // The server's tables, listed by the import worker.
  await promptTitled(page, 'which table');
  const rows = page.locator('.quick-input-list .monaco-list-row .label-name');
  await rows
    .filter({ hasText: /^\s*other$/ })
    .first()
    .waitFor({ timeout: 60_000 })
    .catch(async (error: unknown) => {
      await screenshot(page, 'import-no-tables');
      throw error;
    });
  await pick(page, 'reviews', { exact: true });

  // The preview document beside the confirmation: names, types, the first 20 rows.
  await promptTitled(page, 'import?');
  const editor = page.locator('.editor-instance .view-lines').filter({ hasText: 'Preview of postgres://' }).first();
  await editor.waitFor({ timeout: 60_000 });
  const text = ((await editor.textContent()) ?? '').replace(/\u00a0/g, ' ');
  assert.match(text, /The first 20 rows with the types they get in the file/);
  assert.match(text, /id\s*│\s*stars\s*│\s*body\s*│\s*posted/);
  assert.match(text, /INTEGER\s*│\s*SMALLINT\s*│\s*VARCHAR\s*│\s*TIMESTAMP WITH TIME ZONE/);
  assert.match(text, /1\s*│\s*2\s*│\s*review number 1\s*│\s*2026-01-01 01:00:00\+00/);
  const tab = page.locator('.tabs-container .tab', { hasText: 'first rows' });
  assert.equal(await tab.count(), 1, 'the preview opens in one tab');
  await screenshot(page, 'import-preview');
  await pick(page, 'Import all rows');

  // Named as suggested: data/reviews.parquet.
  await promptTitled(page, 'save as');
  const name = page.locator('.quick-input-widget input').filter({ visible: true }).first();
  assert.equal(await name.inputValue(), path.join('data', 'reviews.parquet'));
  await answer(page, 'save as', '');
  await page
    .locator('.notification-list-item', { hasText: `imported ${ROWS} rows × 4 columns into data/reviews.parquet` })
    .first()
    .waitFor({ timeout: 120_000 });
  await tab.waitFor({ state: 'detached', timeout: 10_000 });

  const workspace = (workbench as Workbench).server.workspace;
  assert.ok(existsSync(path.join(workspace, 'data', 'reviews.parquet')));
  const sidecar = readFileSync(path.join(workspace, 'data', 'reviews.source.yaml'), 'utf8');
  assert.match(sidecar, /kind: postgres/);
  assert.match(sidecar, /table: reviews/);
  assert.ok(!sidecar.includes(running.password), 'the password stays in the secret storage');

  // The Datasets view lists it with its source.
  const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Datasets' }) }).first();
  const row = pane.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: /^reviews\.parquet$/ }) }).first();
  // The row shows "reading…" while the datasets worker counts the file, then its rows × columns.
  await row.filter({ hasText: /30 × 4/ }).waitFor({ timeout: 60_000 });
  assert.match((await row.textContent()) ?? '', /30 × 4/);
  await screenshot(page, 'import-done');
  await runFromPalette(page, 'Notifications: Clear All Notifications');
});
