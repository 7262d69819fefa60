/**
 * Issue 12 in the browser: with `mlWorkbench.queue.url` set, Train from the palette sends the sweep's
 * trials to two `mlwb worker` processes (started here from their own folders, Debian's redis-server on a
 * loopback port); the Runs view lists the trials with the worker that ran each and the status bar's
 * Workers item counts the workers. Screenshot test-results/queue-sweep.png.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { redisServerBin, startRedis, startWorker, waitUntil, type RunningRedis, type WorkerProcess } from '../unit/queue/harness';
import { dismissOverlays, openMlWorkbench, openWorkbench, runFromPalette, screenshot, type Workbench } from './workbench';

const skip = redisServerBin() ? false : 'redis-server is not installed (apt-get install redis-server)';
let redis: RunningRedis | undefined;
const workers: WorkerProcess[] = [];
let workbench: Workbench | undefined;

before(async () => {
  if (skip) return;
  redis = await startRedis();
  for (const name of ['alpha', 'beta']) workers.push(startWorker(redis.url, name));
  workbench = await openWorkbench({ settings: { 'mlWorkbench.queue.url': redis.url } });
  await openMlWorkbench(workbench.page);
});

after(async () => {
  await workbench?.close();
  for (const worker of workers) {
    if (worker.child.exitCode !== null || worker.child.signalCode !== null) continue;
    worker.child.kill('SIGTERM');
    const timer = setTimeout(() => worker.child.kill('SIGKILL'), 5000);
    await worker.exited;
    clearTimeout(timer);
  }
  await redis?.stop();
});

function runsPane(page: Page): Locator {
  return page.locator('.pane', { has: page.locator('.pane-header', { hasText: /^Runs/ }) }).first();
}

test(
  'a sweep trained from the palette with a queue URL: its trials in the Runs view name their workers, the status bar counts 2 workers',
  { skip, timeout: 600_000 },
  async () => {
    assert.ok(workbench && redis);
    const { page } = workbench;
    const item = page.locator('.statusbar-item', { hasText: /\d+ workers?/ }).first();
    await item.waitFor({ timeout: 90_000 });
    await page.locator('.statusbar-item', { hasText: '2 workers' }).first().waitFor({ timeout: 90_000 });

    await runFromPalette(page, 'Go to File...');
    await page.keyboard.type('train-sweep.experiment.yaml');
    await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: 'train-sweep.experiment.yaml' }).waitFor({ timeout: 30_000 });
    await page.keyboard.press('Enter');
    await page.locator('.tab.active', { hasText: 'train-sweep.experiment.yaml' }).waitFor({ timeout: 30_000 });
    await page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: 30_000 });
    await runFromPalette(page, 'ML Workbench: Train Experiment');

    const pane = runsPane(page);
    const header = pane.locator('.pane-header').first();
    if ((await header.getAttribute('aria-expanded')) === 'false') {
      await header.focus();
      await page.keyboard.press('Enter');
    }
    const row = pane.locator('.monaco-list-row[aria-level="2"]', { hasText: 'train-sweep' }).first();
    await row.waitFor({ timeout: 60_000 });
    // A completed run leads with its key metric: "f1_macro 0.9533 · train-sweep".
    let label = '';
    try {
      await waitUntil(
        async () => /^\S+ -?\d+\.\d+ · train-sweep$/.test((label = ((await row.locator('.label-name').textContent()) ?? '').trim())),
        'the sweep to complete',
        180_000,
      );
    } catch (error) {
      await screenshot(page, 'queue-sweep-failed');
      throw new Error(`${String(error)}; last label "${label}"; workers: ${workers.map((w) => w.output()).join(' | ')}`);
    }
    await dismissOverlays(page);
    if ((await row.getAttribute('aria-expanded')) !== 'true') await row.locator('.monaco-tl-twistie').click();
    const trials = pane.locator('.monaco-list-row[aria-level="3"]');
    await page.waitForFunction(() => document.querySelectorAll('.pane .monaco-list-row[aria-level="3"]').length >= 4, undefined, { timeout: 30_000 });
    const descriptions = await trials.locator('.label-description').allTextContents();
    assert.equal(descriptions.length, 4, descriptions.join(' | '));
    for (const text of descriptions) assert.match(text, /^trial \d( \(best\))? · (alpha|beta)$/, text);
    // The item polls the queue every 3 s: once the sweep is done it reads 2 workers, nothing waiting or running.
    await waitUntil(async () => ((await item.textContent()) ?? '').trim() === '2 workers', 'the Workers item to read "2 workers"', 20_000);
    assert.ok(existsSync(await screenshot(page, 'queue-sweep')));
  },
);
