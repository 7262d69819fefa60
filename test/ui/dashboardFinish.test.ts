import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { Frame } from 'playwright-core';
import { queueBehindLongRun, runAndPick, screenshot, useWorkbench, webviewFrame } from './workbench';

// One progress model: a dashboard open on a training run says "completed" (no Cancel, no "running N%")
// by the time the "completed" notification shows, not seconds later. The run is queued behind a long
// one (one training at a time) so its dashboard is open before it starts, however fast the machine.
const ui = useWorkbench('mlwb-dashboard-finish-ui-', { settings: { 'mlWorkbench.maxConcurrentWorkers': 1 } });

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
  const { page } = ui.workbench;
  const { blocker, queued: live } = await queueBehindLongRun(ui.workbench, 'dashboard-live.experiment.yaml');
  await runAndPick(page, 'ML Workbench: Open Dashboard', live);
  const frame = await webviewFrame(page, 'dashboard');
  assert.ok(((await frame.locator('header').textContent()) ?? '').includes(live));
  await runAndPick(page, 'ML Workbench: Cancel Run', blocker);
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
