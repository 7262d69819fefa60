import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { MODEL_SPECS } from '../../src/core/models/specs';
import { openWorkspaceFile, runFromPalette, screenshot, useWorkbench } from './workbench';

// Completion in an experiment file as a person gets it: keys only, no pointer. The fixture is
// test/fixtures/workspace/assist-iris.experiment.yaml (line 10: "  type: logistic_regression", line 12: "    C: 1.0").
const FILE = 'assist-iris.experiment.yaml';
const TYPE_LINE = 10;
const PARAM_LINE = 12;

const ui = useWorkbench('mlwb-completion-ui-', { openViews: false, clearNotifications: false });

/** Puts the cursor at the end of a line with Go to Line. */
async function endOfLine(page: Page, line: number): Promise<void> {
  await runFromPalette(page, 'Go to Line/Column...');
  await page.keyboard.type(String(line));
  await page.keyboard.press('Enter');
  await page.keyboard.press('End');
}

/**
 * Asks for completion with Ctrl+Space and returns the labels the suggest widget lists. On a loaded
 * machine the first request can come before the editor has the cursor or the extension host the
 * latest text, and the widget then stays empty: ask again (Escape, Ctrl+Space) until it lists something.
 */
async function suggestions(page: Page, name: string, ours: (label: string) => boolean): Promise<string[]> {
  const widget = page.locator('.editor-widget.suggest-widget.visible');
  const rows = widget.locator('.monaco-list-row');
  const deadline = Date.now() + 60_000;
  for (;;) {
    await page.keyboard.press('Control+Space');
    try {
      await rows.first().waitFor({ timeout: 10_000 });
      const labels = await widget.locator('.monaco-list-row .label-name').allInnerTexts();
      // Before the extension host has the edited text the editor falls back to the document's words.
      if (labels.length > 0 && labels.every(ours)) return labels;
      throw new Error(`the list shows ${labels.join(', ')}`);
    } catch (error) {
      if (Date.now() > deadline) {
        await screenshot(page, `${name}-no-suggestions`);
        throw new Error(`no completion list within 60 s (see test-results/${name}-no-suggestions.png): ${String(error)}`);
      }
      if (await widget.count()) await page.keyboard.press('Escape');
    }
  }
}

test('Ctrl+Space after "type: " lists the model types with their docs', async () => {
  const { page } = ui.workbench;
  await openWorkspaceFile(page, FILE);
  await endOfLine(page, TYPE_LINE);
  // Delete the value, as a person about to choose another model would.
  await page.keyboard.press('Control+Shift+ArrowLeft');
  await page.keyboard.press('Delete');
  await page.locator('.editor-instance .view-line', { hasText: /^\s*type:\s*$/ }).waitFor({ timeout: 10_000 });
  const types = MODEL_SPECS.map((spec) => spec.type);
  const shown = await suggestions(page, 'completion-model-types', (label) => types.includes(label));
  assert.ok(shown.length >= Math.min(8, types.length), `the list shows the model types: ${shown.join(', ')}`);
  for (const label of shown) assert.ok(types.includes(label), `${label} is a model type`);
  assert.equal(shown[0], types[0]);
  // The details pane of the focused entry: its doc and parameters.
  const details = page.locator('.suggest-details').filter({ visible: true });
  if ((await details.count()) === 0) await page.keyboard.press('Control+Space');
  await details
    .first()
    .getByText(MODEL_SPECS[0]?.doc ?? '', { exact: false })
    .waitFor({ timeout: 10_000 });
  assert.ok(existsSync(await screenshot(page, 'completion-model-types')));
  // Typing narrows the list; Enter accepts the focused type into the line.
  await page.keyboard.type('logistic_r');
  await page.locator('.editor-widget.suggest-widget.visible .monaco-list-row.focused', { hasText: 'logistic_regression' }).waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
  await page.locator('.editor-instance .view-line', { hasText: /type:\s+logistic_regression\s*$/ }).waitFor({ timeout: 10_000 });
  await runFromPalette(page, 'File: Save');
});

test('Ctrl+Space on a new line under params lists the parameters with default and range', async () => {
  const { page } = ui.workbench;
  await openWorkspaceFile(page, FILE);
  await endOfLine(page, PARAM_LINE);
  await page.keyboard.press('Enter');
  const spec = MODEL_SPECS.find((s) => s.type === 'logistic_regression');
  assert.ok(spec);
  const shown = await suggestions(page, 'completion-params', (label) => label in spec.params);
  for (const label of shown) assert.ok(label in spec.params, `${label} is a parameter of ${spec.type}`);
  assert.ok(shown.includes('penalty'), shown.join(', '));
  const details = page.locator('.suggest-details').filter({ visible: true });
  if ((await details.count()) === 0) await page.keyboard.press('Control+Space');
  await details.first().getByText('default', { exact: false }).first().waitFor({ timeout: 10_000 });
  assert.ok(existsSync(await screenshot(page, 'completion-params')));
  await page.keyboard.press('Escape');
  await runFromPalette(page, 'File: Revert File');
});
