import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { formatMetric } from '../../src/core/runs/display';
import { openMlWorkbench, pick, runFromPalette, screenshot, trainWithCli, useWorkbench, webviewFrame } from './workbench';

interface RunJson {
  runId: string;
  status: string;
  trials: { params: Record<string, unknown>; score: number }[];
  best: { params: Record<string, unknown>; score: number; metric: string };
}

let sweep: RunJson;

const ui = useWorkbench('mlwb-runs-ui-', {
  prepare: (template) => {
    sweep = trainWithCli<RunJson>(template, 'ui-sweep.experiment.yaml');
  },
  clearNotifications: false,
});

const bestTrial = (): number =>
  sweep.trials.findIndex((t) => t.score === sweep.best.score && JSON.stringify(t.params) === JSON.stringify(sweep.best.params)) + 1;

function runsPane(page: Page): Locator {
  return page.locator('.pane', { has: page.locator('.pane-header', { hasText: /^Runs/ }) }).first();
}

test('the sweep charts: log axes for C and gamma, one slot per kernel, every trial drawn, readable ticks, a hover naming the trial', async () => {
  const { page } = ui.workbench;
  await runFromPalette(page, 'ML Workbench: Open Sweep Leaderboard');
  await pick(page, sweep.runId);
  const frame = await webviewFrame(page, 'leaderboard');
  const summary = (await frame.locator('[data-testid="summary"]').textContent()) ?? '';
  // The same best as the notification and the Runs view, with what it is.
  assert.ok(summary.includes(`best f1_macro ${formatMetric(sweep.best.score)} (trial ${bestTrial()}), the CV mean of f1_macro over 5 folds`), summary);
  const expected: Record<string, string> = { C: 'log', gamma: 'log', kernel: 'category' };
  for (const [name, kind] of Object.entries(expected)) {
    const wrapper = frame.locator(`[data-chart="param-${name}"]`);
    await wrapper.locator('canvas').waitFor();
    await frame.waitForFunction((key) => document.querySelector(`[data-chart="${key}"]`)?.getAttribute('data-points') !== null, `param-${name}`);
    assert.equal(await wrapper.getAttribute('data-axis'), kind, name);
    // Every one of the 12 trials is a point inside the plot (gamma showed 5 before).
    assert.equal(await wrapper.getAttribute('data-points'), String(sweep.trials.length), name);
    const ticks = ((await wrapper.getAttribute('data-ticks')) ?? '').split('|');
    assert.ok(ticks.length >= 2, `${name} ticks ${ticks.join(' ')}`);
    for (const tick of ticks) assert.ok(tick.length > 0 && tick.length <= 7, `${name} tick "${tick}"`);
  }
  assert.deepEqual(((await frame.locator('[data-chart="param-kernel"]').getAttribute('data-ticks')) ?? '').split('|'), ['rbf', 'linear']);
  // Hovering the best point of C shows that trial.
  const section = frame.locator('#section-parameters');
  await section.scrollIntoViewIfNeeded();
  const c = frame.locator('[data-chart="param-C"]');
  const [x, y] = ((await c.getAttribute('data-best-point')) ?? '').split(',').map(Number);
  const box = await c.locator('canvas').boundingBox();
  assert.ok(box && x !== undefined && y !== undefined);
  await page.mouse.move(box.x + x, box.y + y);
  await frame.waitForFunction(
    (trial) => document.querySelector('[data-chart="param-C"]')?.getAttribute('data-hovered')?.split(',').includes(trial) === true,
    String(bestTrial()),
    { timeout: 10_000 },
  );
  assert.ok(existsSync(await screenshot(page, 'sweep-charts')));
  await page.mouse.move(0, 0);
});

test('the Runs view: key metric first and whole at the default width, short run id, trials with rounded parameters and their score', async () => {
  const { page } = ui.workbench;
  await page.keyboard.press('Escape');
  const pane = runsPane(page);
  const header = pane.locator('.pane-header').first();
  if ((await header.getAttribute('aria-expanded')) === 'false') {
    await header.focus();
    await page.keyboard.press('Enter');
  }
  const label = `f1_macro ${formatMetric(sweep.best.score)} · ui-sweep`;
  const row = pane.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: label }) }).first();
  await row.waitFor({ timeout: 30_000 });
  const description = (await row.locator('.label-description').textContent()) ?? '';
  assert.match(description, new RegExp(`^${sweep.runId.slice(-4)} · \\d\\d:\\d\\d · 12 trials$`));
  // The key metric, at the start of the label, is whole at the default side bar width (the rest may end in an ellipsis).
  const metricText = label.split(' · ')[0] as string;
  const visible = await row.locator('.label-name').evaluate((element, text) => {
    const container = element.closest('.monaco-icon-label-container') ?? element;
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    const node = walker.nextNode();
    if (!node || !node.textContent?.startsWith(text)) return `label starts "${node?.textContent ?? ''}"`;
    const range = document.createRange();
    range.setStart(node, 0);
    range.setEnd(node, text.length);
    const right = range.getBoundingClientRect().right;
    const edge = container.getBoundingClientRect().right;
    return right <= edge ? 'ok' : `metric ends at ${right}, the label's box at ${edge}`;
  }, metricText);
  assert.equal(visible, 'ok');
  // Expand the sweep with the keyboard: focus its row, then the right arrow.
  await row.locator('.monaco-tl-twistie').click();
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowRight');
  const trials = pane.locator('.monaco-list-row[aria-level="3"]');
  await trials.first().waitFor({ timeout: 10_000 });
  await page.waitForFunction((count) => document.querySelectorAll('.pane .monaco-list-row[aria-level="3"]').length >= Math.min(count, 8), sweep.trials.length);
  const labels = await trials.locator('.label-name').allTextContents();
  for (const text of labels) {
    assert.match(text, /^(\d\.\d{4}|failed) · C=/, text);
    assert.ok(!/\d{7,}/.test(text), `no long numbers: ${text}`);
  }
  const best = pane.locator('.monaco-list-row[aria-level="3"]', { has: page.locator('.label-description', { hasText: '(best)' }) });
  assert.equal(await best.count(), 1);
  assert.match((await best.locator('.label-name').textContent()) ?? '', new RegExp(`^${formatMetric(sweep.best.score).replace('.', '\\.')} · `));
  assert.ok(existsSync(await screenshot(page, 'runs-tree')));
});

test('Filter Runs… from the palette narrows the Runs view and says so in its header, still after a window reload; Clear Runs Filter shows every run again', async () => {
  const { page } = ui.workbench;
  const pane = runsPane(page);
  await runFromPalette(page, 'ML Workbench: Filter Runs…');
  const input = page.locator('.quick-input-widget input').filter({ visible: true }).first();
  await input.waitFor();
  // A bad expression is explained under the input before anything is applied.
  await page.keyboard.type('metrics.f1_macro >');
  await page.locator('.quick-input-message', { hasText: 'expected a value' }).first().waitFor({ timeout: 10_000 });
  await page.keyboard.type(" 0.99 or status = 'completed'");
  await page.locator('.quick-input-message', { hasText: '"or" is not supported' }).first().waitFor({ timeout: 10_000 });
  await input.fill('');
  await page.keyboard.type("metrics.f1_macro > 0.9 and params.kernel = 'linear'");
  await page.keyboard.press('Enter');
  const header = pane.locator('.pane-header').first();
  await header.filter({ hasText: "filter: metrics.f1_macro > 0.9 and params.kernel = 'linear'" }).waitFor({ timeout: 10_000 });
  await pane.locator('.monaco-list-row', { hasText: 'ui-sweep' }).first().waitFor();
  assert.ok(existsSync(await screenshot(page, 'runs-filter')));
  // The filter is the workspace's: it is still applied after the window reloads.
  await page.waitForTimeout(3_000);
  await page.reload();
  await page.locator('.monaco-workbench .activitybar').waitFor({ timeout: 60_000 });
  await openMlWorkbench(page);
  await runsPane(page)
    .locator('.pane-header')
    .first()
    .filter({ hasText: "filter: metrics.f1_macro > 0.9 and params.kernel = 'linear'" })
    .waitFor({ timeout: 60_000 });
  await runFromPalette(page, 'ML Workbench: Clear Runs Filter');
  await page.waitForFunction(() => !document.body.innerText.includes('filter: metrics.f1_macro'), undefined, { timeout: 10_000 });
});
