import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { pick, runFromPalette, runsOf, screenshot, useWorkbench } from './workbench';

// Train on an experiment file with a warning and no error, as a person would, with the keyboard: a
// transformer after a TF-IDF text step (the transformer tokenizes the raw text itself, so the step's
// TF-IDF settings are unused). Train asks first, offering "Train Anyway": dismissing the question
// starts nothing, choosing "Train Anyway" trains and adds one completed run.
const NAME = 'ui-warn';
const FILE = `${NAME}.experiment.yaml`;
const TEXT = [
  '# A transformer after a TF-IDF step (line 5): a warning only, so Train asks before it trains.',
  `name: ${NAME}`,
  'data: { path: data/reviews.csv, target: label }',
  'prepare:',
  '  - text: { column: review, method: tfidf }',
  'model: { type: transformer, params: { epochs: 2 } }',
  'validation: { method: holdout, test_size: 0.3 }',
  'seed: 1',
  '',
].join('\n');

// The extension's views are opened first, so its commands are in the palette.
const ui = useWorkbench('mlwb-anyway-ui-', { files: { [FILE]: TEXT } });

/** Train Experiment from the palette on FILE; returns the question's toast once it shows. */
async function trainAndWaitForQuestion(page: Page): Promise<Locator> {
  await runFromPalette(page, 'ML Workbench: Train Experiment');
  await pick(page, FILE);
  const toast = page.locator('.notification-toast', { hasText: 'train it anyway?' }).first();
  await toast.waitFor({ timeout: 60_000 });
  return toast;
}

/** Focuses the notification toasts from the palette, then tabs to the toast's button `label` and presses Enter. */
async function pressToastButton(page: Page, label: string): Promise<void> {
  await runFromPalette(page, 'Notifications: Focus Notification Toast');
  await page.locator('.notification-toast .monaco-list-row.focused').first().waitFor({ timeout: 10_000 });
  const seen: string[] = [];
  for (let step = 0; step < 12; step++) {
    const focused = await page.evaluate(() => {
      const active = document.activeElement;
      return active?.closest('.notification-toast') && active.classList.contains('monaco-button') ? (active.textContent ?? '').trim() : '';
    });
    if (focused === label) {
      await page.keyboard.press('Enter');
      return;
    }
    seen.push(focused || '(not a button)');
    await page.keyboard.press('Tab');
  }
  throw new Error(`the toast's "${label}" button never took the focus (focus went: ${seen.join(' | ')})`);
}

test('a file with warnings only: Train asks and offers "Train Anyway"; dismissing the question starts no run', async () => {
  const { page } = ui.workbench;
  const toast = await trainAndWaitForQuestion(page);
  const text = (await toast.textContent()) ?? '';
  assert.match(text, new RegExp(`${FILE.replace(/\./g, '\\.')} has 1 warning \\(listed in Problems\\); train it anyway\\?`));
  assert.match(text, /line 5: prepare\[0\]\.text: model\.type transformer reads the raw text/);
  const buttons = (await toast.locator('.monaco-button').allInnerTexts()).map((b) => b.trim());
  assert.deepEqual(buttons, ['Train Anyway', 'Go to Problem']);
  // The Problems view opens on the warning.
  await page.locator('.markers-panel .monaco-list-row', { hasText: 'reads the raw text' }).first().waitFor({ timeout: 30_000 });
  assert.ok(existsSync(await screenshot(page, 'train-anyway-question')));
  // Dismiss: focus the toast and clear it with the keyboard (Delete is "Clear Notification").
  await runFromPalette(page, 'Notifications: Focus Notification Toast');
  await page.locator('.notification-toast .monaco-list-row.focused').first().waitFor({ timeout: 10_000 });
  await page.keyboard.press('Delete');
  await toast.waitFor({ state: 'detached', timeout: 10_000 });
  // Nothing starts: no progress notification and no run, a few seconds on.
  await page.waitForTimeout(3000);
  assert.equal(await page.locator('.notification-toast', { hasText: `Training ${NAME}` }).count(), 0);
  assert.deepEqual(runsOf(ui.workbench, NAME), []);
});

test('"Train Anyway" trains the same file and adds one completed run', async () => {
  const { page } = ui.workbench;
  await trainAndWaitForQuestion(page);
  assert.deepEqual(runsOf(ui.workbench, NAME), [], 'nothing starts while the question is open');
  await pressToastButton(page, 'Train Anyway');
  await page
    .locator('.notification-toast', { hasText: new RegExp(`Run .*\\(${NAME}\\) completed`) })
    .first()
    .waitFor({ timeout: 180_000 });
  const runs = runsOf(ui.workbench, NAME);
  assert.equal(runs.length, 1, `runs: ${runs.join(', ')}`);
  const saved = JSON.parse(readFileSync(path.join(ui.workbench.server.workspace, '.mlwb', 'runs', runs[0] as string, 'run.json'), 'utf8')) as {
    status: string;
    modelType?: string;
  };
  assert.equal(saved.status, 'completed');
  assert.ok(existsSync(await screenshot(page, 'train-anyway-completed')));
});
