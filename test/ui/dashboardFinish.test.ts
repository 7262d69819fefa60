import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { fixtureWorkspace } from '../runner/codeServer';
import { dismissOverlays, openMlWorkbench, openWorkbench, pick, runFromPalette, screenshot, webviewFrame, type Workbench } from './workbench';

// One progress model: a dashboard open on a training run says "completed" (no Cancel, no "running N%")
// by the time the "completed" notification shows, not seconds later. The run is queued behind a long
// one (one training at a time) so its dashboard is open before it starts, however fast the machine.
let workbench: Workbench;
let template: string;

before(async () => {
  template = mkdtempSync(path.join(tmpdir(), 'mlwb-dashboard-finish-ui-'));
  cpSync(fixtureWorkspace, template, { recursive: true });
  mkdirSync(path.join(template, '.vscode'), { recursive: true });
  writeFileSync(path.join(template, '.vscode', 'settings.json'), JSON.stringify({ 'mlWorkbench.maxConcurrentWorkers': 1 }, null, 2));
  workbench = await openWorkbench({ workspaceTemplate: template });
  await openMlWorkbench(workbench.page);
});

afterEach(async () => {
  if (workbench) await dismissOverlays(workbench.page);
});

after(async () => {
  if (workbench) {
    await runFromPalette(workbench.page, 'Notifications: Clear All Notifications').catch(() => undefined);
    await workbench.close();
  }
  if (template) rmSync(template, { recursive: true, force: true });
});

function runIds(): Set<string> {
  const runsDir = path.join(workbench.server.workspace, '.mlwb', 'runs');
  return new Set(existsSync(runsDir) ? readdirSync(runsDir) : []);
}

/** The id of the newest run of an experiment in the workbench's store, once one exists. */
async function newestRun(page: Page, experiment: string, since: ReadonlySet<string>): Promise<string> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const fresh = [...runIds()].filter((id) => id.includes(experiment) && !since.has(id));
    if (fresh.length > 0) return fresh.sort().at(-1) as string;
    await page.waitForTimeout(200);
  }
  throw new Error(`no run of ${experiment} appeared within 30 s`);
}

interface Shown {
  status: string;
  cancel: number;
}

async function shown(frame: Frame): Promise<Shown> {
  return {
    status: ((await frame.locator('[data-testid="status"]').textContent()) ?? '').trim(),
    cancel: await frame.locator('[data-testid="cancel"]').count(),
  };
}

test('the dashboard of a training run says "completed" (no Cancel, no "running N%") when the completion notification shows', async () => {
  const { page } = workbench;
  const before = runIds();
  await runFromPalette(page, 'ML Workbench: Train Experiment');
  await pick(page, 'train-long.experiment.yaml');
  const blocker = await newestRun(page, 'train-long', before);
  await runFromPalette(page, 'ML Workbench: Train Experiment');
  await pick(page, 'dashboard-live.experiment.yaml');
  const live = await newestRun(page, 'dashboard-live', before);
  await runFromPalette(page, 'ML Workbench: Open Dashboard');
  await pick(page, live);
  const frame = await webviewFrame(page, 'dashboard');
  assert.ok(((await frame.locator('header').textContent()) ?? '').includes(live));
  await runFromPalette(page, 'ML Workbench: Cancel Run');
  await pick(page, blocker);
  // Running, with its percentage and Cancel: the state the dashboard must leave when the run ends.
  await frame.locator('[data-testid="status"]', { hasText: /^running \d+%/ }).waitFor({ timeout: 120_000 });
  assert.equal((await shown(frame)).cancel, 1, 'a running run offers Cancel');
  const toast = page.locator('.notification-toast', { hasText: /Run .*\(dashboard-live\) completed/ }).first();
  await toast.waitFor({ timeout: 300_000 });
  const atToast = await shown(frame);
  // At once, or within one short poll (the webview's message may be a frame behind the toast).
  const deadline = Date.now() + 1000;
  let now = atToast;
  while ((now.status !== 'completed' || now.cancel !== 0) && Date.now() < deadline) {
    await page.waitForTimeout(50);
    now = await shown(frame);
  }
  assert.equal(now.status, 'completed', `when the notification showed the dashboard said "${atToast.status}", 1 s later "${now.status}"`);
  assert.doesNotMatch(now.status, /running|\d+%/);
  assert.equal(now.cancel, 0, `a finished run offers no Cancel (at the notification: ${atToast.cancel})`);
  assert.ok(existsSync(await screenshot(page, 'dashboard-finish')));
});
