import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { fixtureWorkspace, projectRoot } from '../runner/codeServer';
import { openMlWorkbench, openWorkbench, runFromPalette, screenshot, type Workbench } from './workbench';

interface RunJson {
  runId: string;
  status: string;
  metrics: { confusion_matrix: number[][]; labels: string[] };
  trials?: { params: Record<string, unknown>; score: number }[];
}

let workbench: Workbench;
let template: string;
let iris: RunJson;
let sweep: RunJson;

/** Trains a fixture with the `mlwb` CLI into the workspace template, so the workbench opens with finished runs. */
function trainWithCli(workspace: string, file: string): RunJson {
  const output = execFileSync(process.execPath, [path.join(projectRoot, 'dist', 'cli', 'mlwb.js'), 'train', file, '--json', '--workspace', workspace], {
    cwd: workspace,
    encoding: 'utf8',
  });
  const run = JSON.parse(output) as RunJson;
  assert.equal(run.status, 'completed', output);
  return run;
}

/** The webview frame of one of our panels: the one whose page says `data-view="<view>"`. */
async function webviewFrame(page: Page, view: string, timeoutMs = 60_000): Promise<Frame> {
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
  throw new Error(`no ${view} webview appeared within ${timeoutMs / 1000} s`);
}

/** Picks the item with this text from the QuickPick now open. */
async function pick(page: Page, text: string): Promise<void> {
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: text }).first();
  await row.waitFor({ timeout: 30_000 });
  await page.keyboard.type(text);
  await row.waitFor();
  await page.keyboard.press('Enter');
}

before(async () => {
  template = mkdtempSync(path.join(tmpdir(), 'mlwb-dashboard-ui-'));
  cpSync(fixtureWorkspace, template, { recursive: true });
  iris = trainWithCli(template, 'dashboard-iris.experiment.yaml');
  sweep = trainWithCli(template, 'dashboard-sweep.experiment.yaml');
  workbench = await openWorkbench({ workspaceTemplate: template });
  await openMlWorkbench(workbench.page);
});

after(async () => {
  await workbench?.close();
  if (template) rmSync(template, { recursive: true, force: true });
});

test('a finished run\'s dashboard shows its curves and a confusion matrix equal to run.json\'s', async () => {
  const { page } = workbench;
  await runFromPalette(page, 'ML Workbench: Open Dashboard');
  await pick(page, iris.runId);
  const frame = await webviewFrame(page, 'dashboard');
  assert.equal((await frame.locator('[data-testid="status"]').textContent())?.trim(), 'completed');
  // Curves and heatmap are canvases drawn by chart.js.
  await frame.locator('[data-chart="loss"] canvas').waitFor();
  await frame.locator('[data-chart="confusion"] canvas').waitFor();
  const loss = await frame.locator('[data-chart="loss"] canvas').boundingBox();
  assert.ok(loss && loss.width > 100 && loss.height > 100, `loss chart is ${JSON.stringify(loss)}`);
  const cells = await frame.$$eval('[data-testid="confusion-table"] tbody tr', (rows) => rows.map((row) => Array.from(row.querySelectorAll('td'), (td) => Number(td.textContent))));
  const labels = await frame.$$eval('[data-testid="confusion-table"] thead th[scope="col"]', (ths) => ths.map((th) => th.textContent));
  const saved = JSON.parse(readFileSync(path.join(workbench.server.workspace, '.mlwb', 'runs', iris.runId, 'run.json'), 'utf8')) as RunJson;
  assert.deepEqual(cells, saved.metrics.confusion_matrix);
  assert.deepEqual(labels, saved.metrics.labels);
  const perClass = await frame.locator('[data-testid="per-class-table"] tbody tr').count();
  assert.equal(perClass, saved.metrics.labels.length);
  await frame.locator('#section-confusion').scrollIntoViewIfNeeded();
  assert.ok(existsSync(await screenshot(page, 'dashboard')));
});

test('a sweep\'s leaderboard lists all its trials with the best highlighted', async () => {
  const { page } = workbench;
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
  const { page } = workbench;
  await runFromPalette(page, 'ML Workbench: Compare Runs');
  // Both runs of the workspace: tick all, then OK.
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: 30_000 });
  await page.locator('.quick-input-header [aria-label="Toggle all checkboxes"]').first().click();
  await page.keyboard.press('Enter');
  const frame = await webviewFrame(page, 'compare');
  const table = frame.locator('[data-testid="compare-table"]');
  const header = await table.locator('thead').textContent();
  assert.ok(header?.includes(iris.runId) && header.includes(sweep.runId), header ?? '');
  assert.ok((await table.locator('td.mlwb-best').count()) > 0);
  await frame.locator('[data-chart="compare-loss"] canvas').waitFor();
  assert.ok(existsSync(await screenshot(page, 'compare')));
});

test('a dashboard opened while its run trains follows it live to the end', async () => {
  const { page } = workbench;
  await runFromPalette(page, 'ML Workbench: Train Experiment');
  await pick(page, 'dashboard-live.experiment.yaml');
  // The run shows up in the store as soon as it is queued; open its dashboard while it trains.
  const runsDir = path.join(workbench.server.workspace, '.mlwb', 'runs');
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && !(existsSync(runsDir) && readdirSync(runsDir).some((id) => id.includes('dashboard-live')))) await page.waitForTimeout(200);
  await runFromPalette(page, 'ML Workbench: Open Dashboard');
  await pick(page, 'dashboard-live');
  const frame = await webviewFrame(page, 'dashboard');
  const status = frame.locator('[data-testid="status"]');
  const first = (await status.textContent())?.trim() ?? '';
  assert.match(first, /^(queued|running)/, `the dashboard opened after the run ended (${first}); the live part was not tested`);
  // Without reopening, the same page shows the curves growing and, at the end, the confusion matrix.
  await frame.locator('[data-chart="loss"] canvas').waitFor({ timeout: 60_000 });
  await frame.locator('[data-testid="status"]', { hasText: 'completed' }).waitFor({ timeout: 300_000 });
  await frame.locator('[data-chart="confusion"] canvas').waitFor();
  assert.equal(await frame.locator('[data-testid="cancel"]').count(), 0, 'a finished run offers no Cancel');
});

// Opt-in (MLWB_UI_RELOAD=1): after a reload the extension host of code-server sometimes takes minutes to
// activate on this shared 2-core machine; the panel came back in ~40 s when it did.
const reloadSkip = process.env.MLWB_UI_RELOAD ? false : 'set MLWB_UI_RELOAD=1 to run (slow: reloads the window)';

test('an open dashboard comes back after the window reloads', { skip: reloadSkip }, async () => {
  const { page } = workbench;
  await runFromPalette(page, 'View: Close All Editors');
  await runFromPalette(page, 'ML Workbench: Open Dashboard');
  await pick(page, iris.runId);
  await webviewFrame(page, 'dashboard');
  await page.reload();
  await page.locator('.monaco-workbench .activitybar').waitFor({ timeout: 60_000 });
  // The serializer revives the panel from the run id its webview kept, and it draws the run again.
  const frame = await webviewFrame(page, 'dashboard', 180_000);
  await frame.locator('[data-chart="confusion"] canvas').waitFor();
  const header = await frame.locator('header').textContent();
  assert.ok(header?.includes(iris.runId), header ?? '');
});
