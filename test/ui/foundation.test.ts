import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../runner/codeServer';
import { dismissOverlays, openMlWorkbench, openWorkbench, runFromPalette, screenshot, type Workbench } from './workbench';

let workbench: Workbench;

before(async () => {
  workbench = await openWorkbench({ workspaceTemplate: path.join(projectRoot, 'test', 'fixtures', 'empty-workspace') });
});

afterEach(async () => {
  if (workbench) await dismissOverlays(workbench.page);
});

after(async () => {
  await workbench?.close();
});

test('the ML Workbench container shows its three views with their welcome text', async () => {
  const { page } = workbench;
  await openMlWorkbench(page);
  for (const title of ['Datasets', 'Runs', 'Deployed Models']) {
    await page.locator('.pane-header', { hasText: title }).first().waitFor();
  }
  // Each empty view explains itself and offers commands as links.
  await page.getByText('No dataset files (csv, tsv, json, jsonl, parquet) were found in this workspace.').waitFor();
  await page.getByText('No training runs yet.', { exact: false }).waitFor();
  await page.getByText('No model is deployed.', { exact: false }).waitFor();
  assert.ok(await page.locator('.welcome-view-content a.monaco-button', { hasText: 'Refresh Datasets' }).isVisible());
  const file = await screenshot(page, 'foundation-views');
  assert.ok(existsSync(file));
});

test('"ML Workbench: Show Log" from the command palette shows the TensorFlow.js backend', async () => {
  const { page } = workbench;
  await runFromPalette(page, 'ML Workbench: Show Log');
  const output = page.locator('.part.panel .view-lines');
  await output.filter({ hasText: /TensorFlow\.js\s4\.22\.0\sbackend:\s(wasm|tensorflow|cpu)/ }).waitFor({ timeout: 30_000 });
  const text = await output.innerText();
  assert.match(text, /activated/);
  await screenshot(page, 'foundation-output-channel');
});
