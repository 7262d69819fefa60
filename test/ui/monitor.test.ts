import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { fixtureWorkspace, projectRoot } from '../runner/codeServer';
import { dismissOverlays, openMlWorkbench, openWorkbench, pick, runFromPalette, screenshot, webviewFrame, type Workbench } from './workbench';
import { featureRows } from '../featureRows';

interface Deployment {
  id: string;
  runId: string;
  host: string;
  port: number;
  pid?: number;
  state: string;
}

let workbench: Workbench;
let template: string;
let runId: string;

const deploymentsFile = (): string => path.join(workbench.server.workspace, '.mlwb', 'deployments.json');

function deployments(): Deployment[] {
  return existsSync(deploymentsFile()) ? (JSON.parse(readFileSync(deploymentsFile(), 'utf8')) as Deployment[]) : [];
}

/** Sends rows to the service in batches of 25, as a client would; returns the prediction ids. */
async function invoke(service: string, rows: Record<string, number>[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < rows.length; i += 25) {
    const response = await fetch(`${service}/invocations`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ dataframe_records: rows.slice(i, i + 25) }),
    });
    assert.equal(response.status, 200, await response.clone().text());
    ids.push(...((await response.json()) as { prediction_ids: string[] }).prediction_ids);
  }
  return ids;
}

/**
 * Runs a command whose `enablement` needs a context key the workbench sets a little after it
 * starts (Deploy Run needs isWorkspaceTrusted): the palette lists it only once that is true.
 */
async function runFromPaletteWhenEnabled(page: Page, title: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await runFromPalette(page, title);
      return;
    } catch (error) {
      if (attempt === 4) throw error;
      await dismissOverlays(page);
      await page.waitForTimeout(2000);
    }
  }
}

/** Whether chart.js has painted anything on the chart's canvas (some pixel is not transparent). */
async function painted(frame: Frame, chart: string): Promise<boolean> {
  return frame.locator(`[data-chart="${chart}"] canvas`).evaluate((canvas) => {
    const c = canvas as HTMLCanvasElement;
    const context = c.getContext('2d');
    if (!context || c.width === 0 || c.height === 0) return false;
    const pixels = context.getImageData(0, 0, c.width, c.height).data;
    for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] as number) > 0) return true;
    return false;
  });
}

before(async () => {
  template = mkdtempSync(path.join(tmpdir(), 'mlwb-monitor-ui-'));
  cpSync(fixtureWorkspace, template, { recursive: true });
  const output = execFileSync(
    process.execPath,
    [path.join(projectRoot, 'dist', 'cli', 'mlwb.js'), 'train', 'train-iris.experiment.yaml', '--json', '--workspace', template],
    { cwd: template, encoding: 'utf8' },
  );
  const run = JSON.parse(output) as { runId: string; status: string };
  assert.equal(run.status, 'completed', output);
  runId = run.runId;
  workbench = await openWorkbench({
    workspaceTemplate: template,
    settings: { 'mlWorkbench.monitor.accuracyThreshold': 0.5, 'mlWorkbench.serve.onlineUpdates': true, 'mlWorkbench.serve.onlineUpdateRows': 150 },
  });
  await openMlWorkbench(workbench.page);
});

afterEach(async () => {
  if (workbench) await dismissOverlays(workbench.page);
});

after(async () => {
  // The service is a detached process: it would outlive the workbench.
  for (const record of workbench ? deployments() : []) {
    if (!record.pid) continue;
    try {
      process.kill(record.pid, 'SIGTERM');
      for (let i = 0; i < 50; i++) {
        process.kill(record.pid, 0);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    } catch {
      // gone
    }
  }
  await workbench?.close();
  if (template) rmSync(template, { recursive: true, force: true });
});

test("a deployed model's monitor shows live charts and the drift table", async () => {
  const { page } = workbench;
  await runFromPaletteWhenEnabled(page, 'ML Workbench: Deploy Run');
  await pick(page, runId);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && !deployments().some((d) => d.runId === runId && d.state === 'serving')) await page.waitForTimeout(250);
  const deployment = deployments().find((d) => d.runId === runId && d.state === 'serving');
  assert.ok(deployment, `no serving deployment in ${deploymentsFile()}: ${JSON.stringify(deployments())}`);
  const service = `http://${deployment.host}:${deployment.port}`;

  // Rows from the training period, and their true labels as feedback. The file is sorted by
  // species: the rows are interleaved so that every poll sees the three in their training shares.
  const species = readFileSync(path.join(fixtureWorkspace, 'data', 'iris.csv'), 'utf8')
    .trim()
    .split(/\r?\n/)
    .slice(1)
    .map((line) => line.split(',').at(-1));
  const order = species.map((_, k) => (k % 3) * 50 + Math.floor(k / 3));
  const all = featureRows(path.join(fixtureWorkspace, 'data', 'iris.csv'));
  const rows = order.map((i) => all[i] as Record<string, number>);
  const ids = await invoke(service, rows);
  const feedback = await fetch(`${service}/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prediction_ids: ids, labels: order.map((i) => species[i]) }),
  });
  assert.equal(feedback.status, 200, await feedback.text());

  await runFromPalette(page, 'ML Workbench: Open Monitor');
  await pick(page, runId);
  const frame = await webviewFrame(page, 'monitor');
  assert.equal((await frame.locator('[data-testid="service-state"]').textContent())?.trim(), 'serving');
  // The drift table: one row per feature, each with its test, the verdict above it.
  const driftRows = frame.locator('[data-testid="drift-table"] tbody tr');
  await frame.locator('[data-testid="drift-table"] tbody tr').nth(3).waitFor({ timeout: 30_000 });
  assert.equal(await driftRows.count(), 4);
  const first = await driftRows.first().locator('td').allTextContents();
  assert.equal(first[0], 'sepal_length_cm');
  assert.equal(first[2], 'Kolmogorov–Smirnov');
  assert.equal(first[5], 'p < 0.05');
  assert.match((await frame.locator('[data-testid="dataset-drift"]').textContent()) ?? '', /^No dataset drift/);
  // Feedback scores from the labels sent back.
  await frame
    .locator('[data-testid="feedback-table"] td', { hasText: /^0\.\d{4}$|^1\.0000$/ })
    .first()
    .waitFor({ timeout: 15_000 });
  // Online updates are on: the 150 labels made model version 2, which now serves.
  const versions = frame.locator('[data-testid="versions-table"] tbody tr');
  await versions.nth(1).waitFor({ timeout: 15_000 });
  const newest = await versions.first().locator('td').allTextContents();
  assert.deepEqual([newest[0], newest[1], newest[3]], ['v2 (serving)', 'online update', '150']);
  const trained = await versions.nth(1).locator('td').allTextContents();
  assert.deepEqual([trained[0], trained[1], trained[4]], ['v1', 'training', '150']);
  assert.match(trained[5] ?? '', /^0\.\d{4}$|^1\.0000$/);
  assert.match(
    (await frame.locator('[data-testid="versions-note"]').textContent()) ?? '',
    /^Serving model version 2, updated online 1 time since the service started/,
  );
  await frame.locator('#section-versions').scrollIntoViewIfNeeded();
  assert.ok(existsSync(await screenshot(page, 'monitor-versions')));
  await frame.locator('[data-testid="service-state"]').scrollIntoViewIfNeeded();
  // Live charts: chart.js painted each canvas.
  for (const chart of ['throughput', 'latency', 'errors', 'resources', 'predictions', 'feedback']) {
    await frame.locator(`[data-chart="${chart}"] canvas`).waitFor();
    const box = await frame.locator(`[data-chart="${chart}"] canvas`).boundingBox();
    assert.ok(box && box.width > 100 && box.height > 100, `${chart} chart is ${JSON.stringify(box)}`);
    assert.ok(await painted(frame, chart), `${chart} chart is blank`);
  }
  // Live: predictions sent now show up in the open panel without reopening it.
  assert.ok(Number(await frame.locator('[data-testid="tile-requests"]').textContent()) >= 7);
  const note = frame.locator('#predictions-note');
  await note.filter({ hasText: /^150 predictions/ }).waitFor({ timeout: 15_000 });
  await invoke(service, rows.slice(0, 50));
  await note.filter({ hasText: /^200 predictions/ }).waitFor({ timeout: 15_000 });
  assert.match((await frame.locator('[data-testid="dataset-drift"]').textContent()) ?? '', /^No dataset drift/);
  assert.ok(existsSync(await screenshot(page, 'monitor')));
});

test('dataset drift raises one notification whose button opens the monitor on the drifted features', async () => {
  const { page } = workbench;
  const deployment = deployments().find((d) => d.runId === runId && d.state === 'serving');
  assert.ok(deployment);
  const toast = page.locator('.notification-toast', { hasText: 'data drift' });
  assert.equal(await toast.count(), 0, 'no drift notification before the shifted rows');
  // The panel is closed: the notification's button is what brings it back.
  await runFromPalette(page, 'View: Close All Editors');
  await page.locator('.tab', { hasText: 'Monitor:' }).waitFor({ state: 'detached', timeout: 15_000 });
  // A later period in which both petal measurements moved, enough rows to dominate the window.
  const shifted = featureRows(path.join(fixtureWorkspace, 'data', 'iris.csv')).map((row) => ({
    ...row,
    petal_length_cm: (row.petal_length_cm as number) + 1.5,
    petal_width_cm: (row.petal_width_cm as number) + 1,
  }));
  const service = `http://${deployment.host}:${deployment.port}`;
  const shiftedIds = await invoke(service, [...shifted, ...shifted, ...shifted, ...shifted]);
  await toast.first().waitFor({ timeout: 30_000 });
  assert.match((await toast.first().textContent()) ?? '', /2 of 4 features drifted \(petal_length_cm, petal_width_cm\)/);
  await page.waitForTimeout(4500); // two more polls: still drifting, no second notification
  assert.equal(await toast.count(), 1);
  await toast.first().locator('.monaco-button', { hasText: 'Open Monitor' }).click();
  const frame = await webviewFrame(page, 'monitor');
  await frame.locator('[data-testid="dataset-drift"]', { hasText: /^Dataset drift/ }).waitFor({ timeout: 15_000 });
  const drifted = await frame.$$eval('[data-testid="drift-table"] tbody tr.mon-drifted', (rows) => rows.map((row) => row.querySelector('td')?.textContent));
  assert.deepEqual(drifted, ['petal_length_cm', 'petal_width_cm']);
  await frame.locator('#section-drift').scrollIntoViewIfNeeded();
  assert.ok(existsSync(await screenshot(page, 'monitor-drift')));

  // Labels that contradict most of the shifted predictions: accuracy from feedback falls below the
  // threshold (0.5 in this workbench's settings) and raises its own notification, once.
  const accuracyToast = page.locator('.notification-toast', { hasText: 'from feedback is' });
  assert.equal(await accuracyToast.count(), 0);
  const wrong = await fetch(`${service}/feedback`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prediction_ids: shiftedIds, labels: shiftedIds.map(() => 'setosa') }),
  });
  assert.equal(wrong.status, 200, await wrong.text());
  await accuracyToast.first().waitFor({ timeout: 30_000 });
  assert.match(
    (await accuracyToast.first().textContent()) ?? '',
    /the accuracy of run .* from feedback is 0\.[0-4]\d\d over 750 labelled requests, below the threshold 0\.5/,
  );
  await page.waitForTimeout(4500);
  assert.equal(await accuracyToast.count(), 1, 'one notification per crossing');
  assert.ok(existsSync(await screenshot(page, 'monitor-accuracy-alert')));
});

test('an open monitor comes back after the window reloads, still live', async () => {
  const { page } = workbench;
  // The browser workbench saves its editors every few seconds when idle, not reliably while the
  // page unloads: give it a moment, as a person who reloads a panel they have been watching would.
  await page.waitForTimeout(10_000);
  await page.reload();
  await page.locator('.monaco-workbench .activitybar').waitFor({ timeout: 60_000 });
  // The serializer revives the panel (from the deployment id its webview kept, or its title).
  const frame = await webviewFrame(page, 'monitor', 90_000).catch(async (error: unknown) => {
    await screenshot(page, 'monitor-reload-failed');
    throw error;
  });
  await frame.locator('[data-testid="service-state"]', { hasText: 'serving' }).waitFor({ timeout: 30_000 });
  await frame.locator('[data-testid="drift-table"] tbody tr').nth(3).waitFor({ timeout: 30_000 });
  assert.match((await frame.locator('[data-testid="dataset-drift"]').textContent()) ?? '', /^Dataset drift/);
  assert.ok(await painted(frame, 'latency'), 'latency chart is blank after the reload');
  // Still drifting, already reported before the reload: no second notification.
  await page.waitForTimeout(4500);
  assert.equal(await page.locator('.notification-toast', { hasText: 'data drift' }).count(), 0);
});
