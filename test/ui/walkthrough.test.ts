import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../runner/codeServer';
import { pick, runFromPalette, screenshot, useWorkbench } from './workbench';

interface Walkthrough {
  title: string;
  steps: { title: string }[];
}

const walkthrough = (JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { contributes: { walkthroughs: Walkthrough[] } }).contributes
  .walkthroughs[0];

const ui = useWorkbench('mlwb-walkthrough-ui-', { openViews: false, clearNotifications: false });

test('the Getting Started walkthrough opens from "Welcome: Open Walkthrough..." with its five steps', async () => {
  assert.ok(walkthrough);
  const { page } = ui.workbench;
  await runFromPalette(page, 'Welcome: Open Walkthrough...');
  await pick(page, walkthrough.title);
  const steps = page.locator('.gettingStartedContainer .getting-started-step');
  await page.locator('.gettingStartedContainer', { hasText: walkthrough.title }).first().waitFor({ timeout: 30_000 });
  for (const step of walkthrough.steps) await steps.filter({ hasText: step.title }).first().waitFor({ timeout: 10_000 });
  // The first step is expanded with its command buttons.
  await page
    .locator('.gettingStartedContainer .getting-started-step.expanded .button-link, .gettingStartedContainer .getting-started-step.expanded a.monaco-button')
    .first()
    .waitFor({ timeout: 10_000 });
  assert.ok(existsSync(await screenshot(page, 'walkthrough')));
});
