/** Helpers that drive the code-server workbench the way a person would: activity bar, palette, views. */
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newWorkbenchPage, projectRoot, startCodeServer, workbenchUrl, type CodeServer, type StartOptions } from '../runner/codeServer';

export const screenshotDir = path.join(projectRoot, 'test-results');

export interface Workbench {
  readonly server: CodeServer;
  readonly browser: Browser;
  readonly page: Page;
  close(): Promise<void>;
}

/** Starts code-server, opens its workbench in Chromium and waits until it is ready. */
export async function openWorkbench(options: StartOptions & { developExtension?: boolean } = {}): Promise<Workbench> {
  const server = await startCodeServer(options);
  const browser = await launchBrowser();
  const page = await newWorkbenchPage(browser);
  await page.goto(workbenchUrl(server, { developExtension: options.developExtension }), { waitUntil: 'domcontentloaded', timeout: 180_000 });
  await page.locator('.monaco-workbench .activitybar').waitFor({ timeout: 180_000 });
  return {
    server,
    browser,
    page,
    close: async () => {
      await browser.close();
      await server.stop();
    },
  };
}

/** Clicks the ML Workbench icon in the activity bar and waits for its views. */
export async function openMlWorkbench(page: Page): Promise<void> {
  const icon = page.locator('.activitybar [aria-label^="ML Workbench"]').first();
  await icon.waitFor({ timeout: 60_000 });
  await icon.click();
  await page.locator('.pane-header', { hasText: 'Datasets' }).first().waitFor({ timeout: 30_000 });
}

/** Runs a command from the command palette by its title, as typed by a person. */
export async function runFromPalette(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor();
  await page.keyboard.type(title);
  // Pick the row whose label is exactly the title: the first row may be a longer command containing it.
  const row = page.locator('.quick-input-list .monaco-list-row').filter({ has: page.locator('.label-name', { hasText: new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }) });
  await row.first().waitFor();
  await row.first().click();
}

/** Saves a screenshot under test-results/ and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
