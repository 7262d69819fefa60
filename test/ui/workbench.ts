/** Helpers that drive the code-server workbench the way a person would: activity bar, palette, views. */
import { after, afterEach, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser, Frame, Locator, Page } from 'playwright-core';
import {
  fixtureWorkspace,
  launchBrowser,
  newWorkbenchPage,
  projectRoot,
  startCodeServer,
  workbenchUrl,
  type CodeServer,
  type StartOptions,
} from '../runner/codeServer';

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

export interface TemplateOptions {
  /** Files written into the copy, by path relative to it. */
  readonly files?: Readonly<Record<string, string>>;
  /** The workspace's .vscode/settings.json. */
  readonly settings?: Readonly<Record<string, unknown>>;
}

/** A copy of the fixture workspace in a new temporary folder (for openWorkbench's workspaceTemplate), with `files` and `settings` written into it. */
export function workspaceTemplate(prefix: string, options: TemplateOptions = {}): string {
  const template = mkdtempSync(path.join(tmpdir(), prefix));
  cpSync(fixtureWorkspace, template, { recursive: true });
  for (const [file, text] of Object.entries(options.files ?? {})) writeFileSync(path.join(template, file), text);
  if (options.settings) {
    mkdirSync(path.join(template, '.vscode'), { recursive: true });
    writeFileSync(path.join(template, '.vscode', 'settings.json'), JSON.stringify(options.settings, null, 2));
  }
  return template;
}

/** Trains a workspace experiment with the built CLI (dist/cli/mlwb.js) into `workspace`; fails unless the run completed. */
export function trainWithCli<Run extends { status: string }>(workspace: string, file: string): Run {
  const output = execFileSync(process.execPath, [path.join(projectRoot, 'dist', 'cli', 'mlwb.js'), 'train', file, '--json', '--workspace', workspace], {
    cwd: workspace,
    encoding: 'utf8',
  });
  const run = JSON.parse(output) as Run;
  assert.equal(run.status, 'completed', output);
  return run;
}

export interface WorkbenchFileOptions extends TemplateOptions {
  /** Runs on the workspace template before the workbench opens (e.g. trains runs into it). */
  readonly prepare?: (template: string) => void;
  /** Opens the ML Workbench views first, so the extension's commands are in the palette (default true). */
  readonly openViews?: boolean;
  /** Clears the notifications before closing (default true). */
  readonly clearNotifications?: boolean;
}

/**
 * A test file's workbench on a copy of the fixture workspace: registers the file's hooks (open it before the first
 * test, dismiss overlays after each, close it and remove the copy after the last). Read `workbench` inside tests.
 */
export function useWorkbench(prefix: string, options: WorkbenchFileOptions = {}): { readonly workbench: Workbench } {
  let workbench: Workbench | undefined;
  let template: string | undefined;
  before(async () => {
    template = workspaceTemplate(prefix, options);
    options.prepare?.(template);
    workbench = await openWorkbench({ workspaceTemplate: template });
    if (options.openViews ?? true) await openMlWorkbench(workbench.page);
  });
  afterEach(async () => {
    if (workbench) await dismissOverlays(workbench.page);
  });
  after(async () => {
    await closeWorkbench(workbench, template, options.clearNotifications ?? true);
  });
  return {
    get workbench() {
      if (!workbench) throw new Error('the workbench is not open: use it inside a test');
      return workbench;
    },
  };
}

/** Closes the workbench (first clearing its notifications, with `clearNotifications`) and removes the workspace template. */
export async function closeWorkbench(workbench: Workbench | undefined, template: string | undefined, clearNotifications = true): Promise<void> {
  if (workbench) {
    if (clearNotifications) await runFromPalette(workbench.page, 'Notifications: Clear All Notifications').catch(() => undefined);
    await workbench.close();
  }
  if (template) rmSync(template, { recursive: true, force: true });
}

/** The ids of the runs in the workbench's store (.mlwb/runs of its workspace). */
export function runIds(workbench: Workbench): string[] {
  const runs = path.join(workbench.server.workspace, '.mlwb', 'runs');
  return existsSync(runs) ? readdirSync(runs) : [];
}

/** The ids of the runs of the experiment named `name`. */
export function runsOf(workbench: Workbench, name: string): string[] {
  return runIds(workbench).filter((id) => id.includes(`-${name}-`));
}

/** The id of the newest run of an experiment in the workbench's store not in `since`, once one exists. */
export async function newestRun(workbench: Workbench, experiment: string, since: readonly string[]): Promise<string> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const fresh = runIds(workbench).filter((id) => id.includes(experiment) && !since.includes(id));
    if (fresh.length > 0) return fresh.sort().at(-1) as string;
    await workbench.page.waitForTimeout(200);
  }
  throw new Error(`no run of ${experiment} appeared within 30 s`);
}

/**
 * Trains train-long.experiment.yaml and then `experiment` (a file of the fixture workspace) from the palette. In a
 * workspace that trains one run at a time (mlWorkbench.maxConcurrentWorkers 1) the long run holds the queue, so the
 * second run waits however fast the machine trains, until the blocker is cancelled. Returns both run ids.
 */
export async function queueBehindLongRun(workbench: Workbench, experiment: string): Promise<{ blocker: string; queued: string }> {
  const { page } = workbench;
  const before = runIds(workbench);
  await runFromPalette(page, 'ML Workbench: Train Experiment');
  await pick(page, 'train-long.experiment.yaml');
  const blocker = await newestRun(workbench, 'train-long', before);
  await runFromPalette(page, 'ML Workbench: Train Experiment');
  await pick(page, experiment);
  const queued = await newestRun(workbench, experiment.replace(/\.experiment\.yaml$/, ''), before);
  return { blocker, queued };
}

/**
 * Shows the ML Workbench views (clicking its icon in the activity bar) and waits for them. After a reload the
 * sidebar may come back showing them on its own, before or after the click, and a click on the icon of the
 * shown container hides it: so the click is repeated until the views stay shown.
 */
export async function openMlWorkbench(page: Page): Promise<void> {
  const icon = page.locator('.activitybar [aria-label^="ML Workbench"]').first();
  await icon.waitFor({ timeout: 60_000 });
  const datasets = page.locator('.pane-header', { hasText: 'Datasets' }).first();
  for (let attempt = 0; attempt < 4; attempt++) {
    if (await datasets.isVisible()) return;
    await icon.click();
    try {
      await datasets.waitFor({ timeout: 7_500 });
      return;
    } catch {
      // Hidden again by a restore that came between the check and the click: look and click once more.
    }
  }
  await datasets.waitFor({ timeout: 30_000 });
}

/** A string as a regular expression that matches it whole. */
function exactly(text: string): RegExp {
  return new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
}

/**
 * Moves the keyboard focus down the open list (a quick pick or a menu) until the focused entry's text
 * satisfies `matches`, then presses Enter. Keys, not pointer clicks: a click inside a menu or picker
 * depends on the browser build's pointer timing, and a missed one left menus open for later tests.
 */
async function enterWhenFocused(page: Page, focused: Locator, matches: (text: string) => boolean, what: string): Promise<void> {
  const seen: string[] = [];
  for (let step = 0; step < 60; step++) {
    const text = (await focused.count()) > 0 ? ((await focused.first().textContent()) ?? '').trim() : '';
    if (text !== '' && matches(text)) {
      await page.keyboard.press('Enter');
      return;
    }
    if (text !== '' && seen[0] === text) break; // round the whole list and back
    if (text !== '') seen.push(text);
    await page.keyboard.press('ArrowDown');
  }
  await page.keyboard.press('Escape');
  throw new Error(`${what} was not offered (the list had: ${seen.join(' | ') || 'nothing focusable'})`);
}

/** The quick-input widget (command palette and quick picks) while it is open. */
function quickInput(page: Page): Locator {
  return page.locator('.quick-input-widget').filter({ visible: true });
}

/**
 * Closes whatever a test may have left open — a context menu, a quick pick, a dialog — so the next test
 * starts from the plain workbench. Safe to call when nothing is open.
 */
export async function dismissOverlays(page: Page): Promise<void> {
  const open = page.locator('.monaco-menu, .monaco-dialog-box, .quick-input-widget').filter({ visible: true });
  for (let attempt = 0; attempt < 5 && (await open.count()) > 0; attempt++) {
    await page.keyboard.press('Escape');
    await page.waitForTimeout(200);
  }
  const left = await open.count();
  if (left > 0) throw new Error(`${left} menu(s), dialog(s) or picker(s) stayed open after Escape`);
}

/** Opens the command palette with an empty query, its input focused. */
async function openPalette(page: Page): Promise<Locator> {
  await dismissOverlays(page);
  const input = quickInput(page).locator('input');
  await page.keyboard.press('F1');
  try {
    await input.waitFor({ timeout: 5000 });
  } catch {
    // Keys pressed while a webview has focus do not all reach the workbench: focus the side bar's title, then again.
    await page.locator('.part.sidebar .composite.title').first().click();
    await page.keyboard.press('F1');
    await input.waitFor({ timeout: 10_000 });
  }
  return input;
}

/** Runs a command from the command palette by its title, as typed by a person, and waits until the palette closes. */
export async function runFromPalette(page: Page, title: string): Promise<void> {
  // The first row may be a longer command containing the title: go down to the one whose label is exactly it.
  const row = page.locator('.quick-input-list .monaco-list-row .label-name', { hasText: exactly(title) }).first();
  // Just after the window opens, a loaded machine may list the extension's commands late (or the palette may take
  // the first keys before its input is ready): close it and ask again, three times at most.
  for (let attempt = 1; ; attempt++) {
    const input = await openPalette(page);
    await input.focus();
    await page.keyboard.type(title);
    try {
      await row.waitFor({ timeout: 30_000 });
      break;
    } catch (error) {
      if (attempt === 3) throw error;
      await page.keyboard.press('Escape');
    }
  }
  await enterWhenFocused(page, page.locator('.quick-input-list .monaco-list-row.focused .label-name'), (text) => text === title, `the command "${title}"`);
}

/** Picks the row of the quick pick now open whose text contains `text` (or is `text`, with `exact`), by typing it and Enter. */
export async function pick(page: Page, text: string, options: { exact?: boolean; timeout?: number } = {}): Promise<void> {
  const rows = page.locator('.quick-input-list .monaco-list-row');
  await rows
    .filter({ hasText: text })
    .first()
    .waitFor({ timeout: options.timeout ?? 30_000 });
  await quickInput(page).locator('input').focus();
  await page.keyboard.type(text);
  await rows.filter({ hasText: text }).first().waitFor();
  const focused = page.locator(`.quick-input-list .monaco-list-row.focused${options.exact ? ' .label-name' : ''}`);
  await enterWhenFocused(page, focused, (shown) => (options.exact ? shown === text : shown.includes(text)), `"${text}" in the quick pick`);
}

/**
 * Runs the command `title` from the palette and picks `text` in the quick pick it opens. A quick pick that closes
 * before the row shows (focus taken by a run starting or a notification while the machine is loaded) is opened again.
 */
export async function runAndPick(page: Page, title: string, text: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await runFromPalette(page, title);
    try {
      await pick(page, text, { timeout: 20_000 });
      return;
    } catch (error) {
      if (attempt === 3) throw error;
      await page.keyboard.press('Escape');
    }
  }
}

/** Chooses `label` from the context menu of `target` (right-click, then the keyboard) and waits until the menu closes. */
export async function chooseFromContextMenu(page: Page, target: Locator, label: string): Promise<void> {
  await dismissOverlays(page);
  await target.click({ button: 'right' });
  const menu = page.locator('.monaco-menu').filter({ visible: true }).first();
  await menu.waitFor({ timeout: 10_000 });
  await enterWhenFocused(page, menu.locator('.action-item.focused .action-label'), (text) => text === label, `"${label}" in the context menu`);
  await menu.waitFor({ state: 'hidden', timeout: 10_000 });
}

/** The webview frame of one of our panels, once it has drawn: the one whose page says `data-view="<view>"`. */
export async function webviewFrame(page: Page, view: string, timeoutMs = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      try {
        if ((await frame.locator(`body[data-view="${view}"] main[aria-busy="false"]`).count()) > 0) return frame;
      } catch {
        // a frame detached while we looked
      }
    }
    await page.waitForTimeout(250);
  }
  await screenshot(page, `no-${view}-webview`);
  throw new Error(`no ${view} webview appeared within ${timeoutMs / 1000} s (see test-results/no-${view}-webview.png)`);
}

/**
 * The data preview webview of a file, once it shows that file: the frame whose header names it. On timeout a screenshot
 * `<shotPrefix>-no-preview-<file>` is saved.
 */
export async function previewFrame(page: Page, fileName: string, shotPrefix: string, timeoutMs = 60_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      try {
        const title = frame.locator('body[data-tab] header h1');
        if ((await title.count()) > 0 && (await title.textContent()) === fileName && (await title.isVisible())) return frame;
      } catch {
        // a frame detached while we looked
      }
    }
    await page.waitForTimeout(250);
  }
  const shot = `${shotPrefix}-no-preview-${fileName}`;
  await screenshot(page, shot);
  throw new Error(`no preview of ${fileName} appeared within ${timeoutMs / 1000} s (see test-results/${shot}.png)`);
}

/** Opens a workspace file with Go to File, and waits for its editor. */
export async function openWorkspaceFile(page: Page, name: string): Promise<void> {
  await runFromPalette(page, 'Go to File...');
  await page.keyboard.type(name);
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: name }).waitFor({ timeout: 30_000 });
  await page.keyboard.press('Enter');
  await page.locator('.tab.active', { hasText: name }).waitFor({ timeout: 30_000 });
  await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: 30_000 });
}

/** Saves a screenshot under test-results/ and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const file = path.join(screenshotDir, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
