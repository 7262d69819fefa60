import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { openWorkspaceFile, runFromPalette, runsOf, screenshot, useWorkbench } from './workbench';

// Train on an experiment file whose model type is misspelt, as a person would: keys and the
// notification's own button. Train is refused (no run), Problems opens, the quick fix repairs the
// type, and then the same command trains.
const FILE = 'ui-typo.experiment.yaml';
const TYPE_LINE = 8;
const TEXT = [
  '# A misspelt model type (line 8): Train must refuse it.',
  'name: ui-typo',
  'data:',
  '  path: data/iris.csv',
  '  target: species',
  'task: classification',
  'model:',
  '  type: random_forrest',
  '  params: { n_estimators: 10 }',
  'validation: { method: holdout, test_size: 0.3 }',
  '',
].join('\n');

const ui = useWorkbench('mlwb-refuse-ui-', { files: { [FILE]: TEXT }, openViews: false });

test('Train on a misspelt model type is refused: no run, Problems open, the reason in full with "did you mean"', async () => {
  const { page } = ui.workbench;
  await openWorkspaceFile(page, FILE);
  await runFromPalette(page, 'ML Workbench: Train Experiment');
  const toast = page.locator('.notification-toast', { hasText: 'is not trained' });
  await toast.first().waitFor({ timeout: 60_000 });
  const text = (await toast.first().textContent()) ?? '';
  assert.match(text, new RegExp(`${FILE.replace('.', '\\.')} is not trained: it has 1 error to fix first`));
  assert.match(text, new RegExp(`line ${TYPE_LINE}: model\\.type: "random_forrest" is not a model type \\(did you mean "random_forest"\\?\\)`));
  // Errors: only the way to the problem is offered, never "Train Anyway".
  const buttons = await toast.first().locator('.monaco-button').allInnerTexts();
  assert.deepEqual(
    buttons.map((b) => b.trim()),
    ['Go to Problem'],
  );
  // The Problems view is open on the same error.
  await page.locator('.markers-panel .monaco-list-row', { hasText: 'random_forrest' }).first().waitFor({ timeout: 30_000 });
  // No progress notification and no run: nothing was started.
  assert.equal(await page.locator('.notification-toast', { hasText: 'Training ui-typo' }).count(), 0);
  assert.deepEqual(runsOf(ui.workbench, 'ui-typo'), []);
  assert.ok(existsSync(await screenshot(page, 'train-refused')));
});

test('"Go to Problem" and the quick fix repair the type; the same command then trains', async () => {
  const { page } = ui.workbench;
  const toast = page.locator('.notification-toast', { hasText: 'is not trained' });
  await toast.first().locator('.monaco-button', { hasText: 'Go to Problem' }).click();
  await page.locator('.editor-instance .view-line', { hasText: /type:\s+random_forrest/ }).waitFor({ timeout: 10_000 });
  await page.locator('.editor-instance .monaco-editor.focused').first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('End');
  await page.keyboard.press('Control+.');
  const fix = page.locator('.action-widget .monaco-list-row.focused', { hasText: 'Change to "random_forest"' });
  await fix.waitFor({ timeout: 30_000 });
  await page.keyboard.press('Enter');
  await page.locator('.editor-instance .view-line', { hasText: /type:\s+random_forest\s*$/ }).waitFor({ timeout: 10_000 });
  await runFromPalette(page, 'File: Save');
  await runFromPalette(page, 'ML Workbench: Train Experiment');
  await page
    .locator('.notification-toast', { hasText: /Run .*ui-typo.* completed/ })
    .first()
    .waitFor({ timeout: 120_000 });
  assert.equal(runsOf(ui.workbench, 'ui-typo').length, 1);
  assert.ok(existsSync(await screenshot(page, 'train-after-fix')));
});
