import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pick, queueBehindLongRun, runAndPick, runFromPalette, screenshot, trainWithCli, useWorkbench, webviewFrame } from './workbench';

interface RunJson {
  runId: string;
  status: string;
  metrics: { confusion_matrix: number[][]; labels: string[] };
  trials?: { params: Record<string, unknown>; score: number }[];
}

let iris: RunJson;
let sweep: RunJson;

// One training at a time, whatever the machine's cores: the live test queues a run behind another.
const ui = useWorkbench('mlwb-dashboard-ui-', {
  settings: { 'mlWorkbench.maxConcurrentWorkers': 1 },
  prepare: (template) => {
    iris = trainWithCli<RunJson>(template, 'dashboard-iris.experiment.yaml');
    sweep = trainWithCli<RunJson>(template, 'dashboard-sweep.experiment.yaml');
  },
  clearNotifications: false,
});

test("a finished run's dashboard shows its curves and a confusion matrix equal to run.json's", async () => {
  const { page } = ui.workbench;
  await runFromPalette(page, 'ML Workbench: Open Dashboard');
  await pick(page, iris.runId);
  const frame = await webviewFrame(page, 'dashboard');
  assert.equal((await frame.locator('[data-testid="status"]').textContent())?.trim(), 'completed');
  // Curves and heatmap are canvases drawn by chart.js.
  await frame.locator('[data-chart="loss"] canvas').waitFor();
  await frame.locator('[data-chart="confusion"] canvas').waitFor();
  const loss = await frame.locator('[data-chart="loss"] canvas').boundingBox();
  assert.ok(loss && loss.width > 100 && loss.height > 100, `loss chart is ${JSON.stringify(loss)}`);
  const cells = await frame.$$eval('[data-testid="confusion-table"] tbody tr', (rows) =>
    rows.map((row) => Array.from(row.querySelectorAll('td'), (td) => Number(td.textContent))),
  );
  const labels = await frame.$$eval('[data-testid="confusion-table"] thead th[scope="col"]', (ths) => ths.map((th) => th.textContent));
  const saved = JSON.parse(readFileSync(path.join(ui.workbench.server.workspace, '.mlwb', 'runs', iris.runId, 'run.json'), 'utf8')) as RunJson;
  assert.deepEqual(cells, saved.metrics.confusion_matrix);
  assert.deepEqual(labels, saved.metrics.labels);
  const perClass = await frame.locator('[data-testid="per-class-table"] tbody tr').count();
  assert.equal(perClass, saved.metrics.labels.length);
  await frame.locator('#section-confusion').scrollIntoViewIfNeeded();
  assert.ok(existsSync(await screenshot(page, 'dashboard')));
});

test("a sweep's leaderboard lists all its trials with the best highlighted", async () => {
  const { page } = ui.workbench;
  await runFromPalette(page, 'ML Workbench: Open Sweep Leaderboard');
  await pick(page, sweep.runId);
  const frame = await webviewFrame(page, 'leaderboard');
  const rows = frame.locator('[data-testid="trials-table"] tbody tr');
  assert.equal(await rows.count(), sweep.trials?.length);
  // Sorted best first: the top row is the best trial and carries its score.
  const best = Math.max(...(sweep.trials ?? []).map((t) => t.score));
  const top = await rows.first().locator('td').allTextContents();
  assert.ok(top.includes(best.toFixed(4)), `top row ${JSON.stringify(top)}, best ${best}`);
  assert.match((await rows.first().getAttribute('class')) ?? '', /mlwb-best-row/);
  await frame.locator('[data-chart="param-C"] canvas').waitFor();
  assert.ok(existsSync(await screenshot(page, 'leaderboard')));
});

test('comparing two runs shows both with the best metric marked', async () => {
  const { page } = ui.workbench;
  await runFromPalette(page, 'ML Workbench: Compare Runs');
  // Both runs of the workspace: tick all, then OK.
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: 30_000 });
  // check() clicks and then verifies that the box is ticked.
  await page.locator('.quick-input-header [aria-label="Toggle all checkboxes"]').first().check();
  await page.keyboard.press('Enter');
  const frame = await webviewFrame(page, 'compare');
  const table = frame.locator('[data-testid="compare-table"]');
  const header = await table.locator('thead').textContent();
  assert.ok(header?.includes(iris.runId) && header.includes(sweep.runId), header ?? '');
  assert.ok((await table.locator('td.mlwb-best').count()) > 0);
  await frame.locator('[data-chart="compare-loss"] canvas').waitFor();
  assert.ok(existsSync(await screenshot(page, 'compare')));
});

test('a dashboard opened while its run waits in the queue follows it live to the end', async () => {
  const { page } = ui.workbench;
  // The workspace trains one run at a time (its settings.json): a long run holds the queue, so the run whose
  // dashboard opens is still waiting however fast this machine trains.
  const { blocker, queued: live } = await queueBehindLongRun(ui.workbench, 'dashboard-live.experiment.yaml');
  await runAndPick(page, 'ML Workbench: Open Dashboard', live);
  const frame = await webviewFrame(page, 'dashboard');
  const header = (await frame.locator('header').textContent()) ?? '';
  assert.ok(header.includes(live), `the dashboard shows ${header}, not ${live}`);
  const status = frame.locator('[data-testid="status"]');
  assert.match((await status.textContent())?.trim() ?? '', /^queued/);
  assert.equal(await frame.locator('[data-testid="cancel"]').count(), 1, 'a waiting run offers Cancel');
  // Cancelling the long run lets this one start; without reopening, the same page follows it: running, the
  // curves growing, and at the end the confusion matrix.
  await runAndPick(page, 'ML Workbench: Cancel Run', blocker);
  await frame.locator('[data-testid="status"]', { hasText: 'running' }).waitFor({ timeout: 120_000 });
  await frame.locator('[data-chart="loss"] canvas').waitFor({ timeout: 120_000 });
  await frame.locator('[data-testid="status"]', { hasText: 'completed' }).waitFor({ timeout: 300_000 });
  await frame.locator('[data-chart="confusion"] canvas').waitFor();
  assert.equal(await frame.locator('[data-testid="cancel"]').count(), 0, 'a finished run offers no Cancel');
  const saved = JSON.parse(readFileSync(path.join(ui.workbench.server.workspace, '.mlwb', 'runs', blocker, 'run.json'), 'utf8')) as RunJson;
  assert.equal(saved.status, 'cancelled');
});

test('an open dashboard comes back after the window reloads', async () => {
  const { page } = ui.workbench;
  await runFromPalette(page, 'View: Close All Editors');
  await runFromPalette(page, 'ML Workbench: Open Dashboard');
  await pick(page, iris.runId);
  await webviewFrame(page, 'dashboard');
  // The browser workbench saves its editors every few seconds when idle, not reliably while the
  // page unloads: give it a moment, as a person who reloads a panel they have been looking at would.
  await page.waitForTimeout(10_000);
  await page.reload();
  await page.locator('.monaco-workbench .activitybar').waitFor({ timeout: 60_000 });
  // The serializer revives the panel from the run id its webview kept, and it draws the run again.
  const frame = await webviewFrame(page, 'dashboard', 180_000);
  await frame.locator('[data-chart="confusion"] canvas').waitFor();
  const header = await frame.locator('header').textContent();
  assert.ok(header?.includes(iris.runId), header ?? '');
});
