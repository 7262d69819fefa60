import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Frame, Page } from 'playwright-core';
import { fixtureWorkspace } from '../runner/codeServer';
import {
  chooseFromContextMenu,
  dismissOverlays,
  openMlWorkbench,
  openWorkbench,
  pick,
  previewFrame,
  runFromPalette,
  screenshot,
  type Workbench,
} from './workbench';

const BIG_ROWS = 2_000_000;
/** 1-based row the test jumps to; big.csv's ids start at 0, so this row carries id FAR_ROW - 1. */
const FAR_ROW = 1_500_000;

let workbench: Workbench;
let template: string;

/** Splits CSV text into records, honouring double quotes and doubled quotes inside them. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      record.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || record.length > 0) records.push([...record, field]);
  return records;
}

function readFixture(name: string): { header: string[]; rows: string[][] } {
  const [header = [], ...rows] = parseCsv(readFileSync(path.join(fixtureWorkspace, 'data', name), 'utf8'));
  return { header, rows };
}

/** The 2,000,000-row file, written by DuckDB straight into the workspace template. */
async function writeBigCsv(file: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(
      `COPY (SELECT i AS id, i % 97 AS bucket, 'name_' || (i % 1000) AS name FROM range(${BIG_ROWS}) t(i)) TO '${file.replace(/'/g, "''")}' (HEADER, DELIMITER ',')`,
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** The row of a file in the Datasets view. */
function treeRow(page: Page, fileName: string) {
  const pane = page.locator('.pane', { has: page.locator('.pane-header', { hasText: 'Datasets' }) }).first();
  return pane.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${fileName.replace(/\./g, '\\.')}$`) }) }).first();
}

/** Cell texts of the body rows the table shows now. */
function visibleRows(frame: Frame): Promise<string[][]> {
  return frame.$$eval('.grid tbody tr', (rows) => rows.map((row) => Array.from(row.querySelectorAll('td'), (td) => td.textContent ?? '')));
}

/** Equal as numbers when both are numbers (the engine prints 3.0 as 3), else as text. */
function sameValue(shown: string, expected: string): boolean {
  if (shown === expected) return true;
  return expected.trim() !== '' && !Number.isNaN(Number(expected)) && Number(shown) === Number(expected);
}

/** Picks a colour theme with "Preferences: Color Theme" and waits until the workbench wears it. */
async function pickTheme(page: Page, theme: string, workbenchClass: string): Promise<void> {
  await runFromPalette(page, 'Preferences: Color Theme');
  // By the theme's whole label: the filtered list also holds "Browse Additional Color Themes..." and near names.
  await pick(page, theme, { exact: true });
  await page.locator(`.monaco-workbench.${workbenchClass}`).waitFor({ timeout: 30_000 });
}

/** Switches theme and returns the preview frame once the webview wears it too. */
async function switchPreviewTheme(page: Page, theme: string, workbenchClass: string, bodyClass: string, frameOf: () => Promise<Frame>): Promise<Frame> {
  await pickTheme(page, theme, workbenchClass);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const frame = await frameOf();
    if ((await frame.locator(`body.${bodyClass}`).count()) > 0) return frame;
    if (Date.now() > deadline) throw new Error(`the preview did not switch to ${theme}`);
    await page.waitForTimeout(250);
  }
}

before(async () => {
  template = mkdtempSync(path.join(tmpdir(), 'mlwb-datasets-ui-'));
  cpSync(fixtureWorkspace, template, { recursive: true });
  await writeBigCsv(path.join(template, 'data', 'big.csv'));
  workbench = await openWorkbench({ workspaceTemplate: template });
  const { page } = workbench;
  await openMlWorkbench(page);
  // code-server here starts in Light+ whatever workbench.colorTheme says, so the dark default is picked as a person would.
  await pickTheme(page, 'Dark Modern', 'vscode-theme-defaults-themes-dark_modern-json');
  // The other views folded away, so every dataset row of the tree is on screen.
  for (const title of ['Runs', 'Deployed Models']) {
    const header = page.locator('.pane-header', { hasText: title }).first();
    if ((await header.getAttribute('aria-expanded')) === 'true') await header.click();
  }
});

afterEach(async () => {
  if (workbench) await dismissOverlays(workbench.page);
});

after(async () => {
  await workbench?.close();
  if (template) rmSync(template, { recursive: true, force: true });
});

test('"Preview Dataset" from the Datasets tree\'s context menu shows the first rows of iris.csv as text', async () => {
  const { page } = workbench;
  const row = treeRow(page, 'iris.csv');
  await row.waitFor({ timeout: 60_000 });
  await chooseFromContextMenu(page, row, 'Preview Dataset');
  const frame = await previewFrame(page, 'iris.csv', 'datasets');
  await frame.locator('.grid tbody tr').first().waitFor();
  const iris = readFixture('iris.csv');
  const headers = await frame.$$eval('.grid thead tr:first-child th', (ths) => ths.map((th) => th.textContent ?? ''));
  assert.deepEqual(headers, ['#', ...iris.header]);
  const shown = await visibleRows(frame);
  assert.ok(shown.length >= 10, `only ${shown.length} rows are shown`);
  shown.forEach((cells, i) => {
    const expected = iris.rows[i] ?? [];
    assert.equal(cells[0], String(i + 1));
    assert.ok(
      cells.slice(1).every((cell, j) => sameValue(cell, expected[j] ?? '')),
      `row ${i + 1}: ${cells.join(',')} vs ${expected.join(',')}`,
    );
  });
  await frame.locator('.table-bar .status', { hasText: '150 rows' }).waitFor({ timeout: 30_000 });
});

test('a 2,000,000-row file opens fast and "Go to row" shows row 1,500,000', async () => {
  const { page } = workbench;
  const started = Date.now();
  await treeRow(page, 'big.csv').click();
  const frame = await previewFrame(page, 'big.csv', 'datasets');
  await frame.locator('.grid tbody tr').first().waitFor({ timeout: 60_000 });
  const firstPageMs = Date.now() - started;
  const first = (await visibleRows(frame))[0];
  assert.deepEqual(first, ['1', '0', '0', 'name_0']);
  // Rows are counted in the background; the status says so until the count arrives.
  await frame.locator('body[data-total="2000000"]').waitFor({ timeout: 120_000 });
  assert.match((await frame.locator('.table-bar .status').textContent()) ?? '', /2,000,000 rows/);

  const jump = frame.getByLabel('Go to row');
  await jump.fill(String(FAR_ROW));
  await jump.press('Enter');
  const id = FAR_ROW - 1;
  const far = frame.locator('.grid tbody tr', { has: frame.locator('td.row-number', { hasText: new RegExp(`^${FAR_ROW}$`) }) });
  await far.waitFor({ timeout: 60_000 });
  assert.deepEqual(await far.locator('td').allTextContents(), [String(FAR_ROW), String(id), String(id % 97), `name_${id % 1000}`]);
  // Visible means inside the scrolling window, not only present in the DOM.
  const box = await far.boundingBox();
  const viewport = await frame.locator('.table-scroll').boundingBox();
  assert.ok(
    box && viewport && box.y >= viewport.y && box.y + box.height <= viewport.y + viewport.height,
    `row box ${JSON.stringify(box)}, window ${JSON.stringify(viewport)}`,
  );
  assert.equal(await frame.locator('body').getAttribute('data-first-row'), String(FAR_ROW));

  // The wheel keeps paging from there.
  await frame.locator('.table-scroll').hover();
  await page.mouse.wheel(0, 300);
  await frame.waitForFunction((row) => Number(document.body.dataset.firstRow) > row, FAR_ROW, { timeout: 30_000 });
  const after = (await visibleRows(frame))[0] ?? [];
  assert.equal(Number(after[1]), Number(after[0]) - 1, `row ${after[0]} carries id ${after[1]}`);
  console.log(`big.csv: first page after ${firstPageMs} ms (click to rows shown, loaded machine)`);
  assert.ok(firstPageMs < 30_000, `first page took ${firstPageMs} ms`);
  await screenshot(page, 'preview-far-row');
});

test('the Profile tab shows type, count, missing, distinct and a drawn histogram per column', async () => {
  const { page } = workbench;
  await treeRow(page, 'iris.csv').click();
  let frame = await previewFrame(page, 'iris.csv', 'datasets');
  await frame.locator('.tabs button[data-tab="profile"]').click();
  frame = await previewFrame(page, 'iris.csv', 'datasets');
  const card = frame.locator('.column-card[data-column="sepal_length_cm"]');
  await card.waitFor({ timeout: 60_000 });
  const stats = Object.fromEntries(
    await card
      .locator('.stats tr')
      .evaluateAll((rows) => rows.map((row) => [row.querySelector('th')?.textContent ?? '', row.querySelector('td')?.textContent ?? ''])),
  ) as Record<string, string>;

  const iris = readFixture('iris.csv');
  const column = iris.header.indexOf('sepal_length_cm');
  const present = iris.rows.map((row) => row[column] ?? '').filter((value) => value.trim() !== '');
  const values = present.map(Number);
  assert.equal(await card.locator('.column-type').textContent(), 'float');
  assert.equal(stats.Count, String(present.length));
  assert.equal(stats.Missing, `${iris.rows.length - present.length} (0.0%)`);
  assert.equal(stats.Distinct, String(new Set(values).size));
  assert.equal(Number(stats.Min), Math.min(...values));
  assert.equal(Number(stats.Max), Math.max(...values));
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  assert.ok(Math.abs(Number(stats.Mean) - mean) < 1e-4, `mean ${stats.Mean} vs ${mean}`);

  // The histogram canvas is drawn: it has a size and coloured pixels.
  const canvas = card.locator('canvas[aria-label="Histogram of sepal_length_cm"]');
  const drawn = await canvas.evaluate((node) => {
    const element = node as HTMLCanvasElement;
    const pixels = element.getContext('2d')?.getImageData(0, 0, element.width, element.height).data ?? new Uint8ClampedArray();
    let painted = 0;
    for (let i = 3; i < pixels.length; i += 4) if ((pixels[i] ?? 0) > 0) painted++;
    return { width: element.width, height: element.height, painted };
  });
  assert.ok(drawn.width > 100 && drawn.height > 60, `canvas ${JSON.stringify(drawn)}`);
  assert.ok(drawn.painted > drawn.width * drawn.height * 0.05, `only ${drawn.painted} painted pixels`);

  // The species column is text: top values instead of a histogram.
  const species = frame.locator('.column-card[data-column="species"]');
  assert.equal(await species.locator('.top-values li').count(), new Set(iris.rows.map((row) => row[4])).size);
  assert.equal(await species.locator('canvas').count(), 0);
  await frame.locator('.quality').waitFor();
  assert.ok(existsSync(await screenshot(page, 'profile')));
});

test('cells of xss.csv are shown as text and none of their markup runs', async () => {
  const { page } = workbench;
  await treeRow(page, 'xss.csv').click();
  const frame = await previewFrame(page, 'xss.csv', 'datasets');
  await frame.locator('.grid tbody tr').first().waitFor();
  const xss = readFixture('xss.csv');
  const payloads = xss.rows.map((row) => row[1] ?? '');
  assert.ok(payloads.some((payload) => payload.includes('<img')) && payloads.some((payload) => payload.includes('<script>')));
  // Every payload appears as a cell whose text is exactly the payload.
  for (const payload of payloads) {
    const cell = frame.locator('.grid tbody td').filter({ hasText: payload });
    assert.equal(await cell.count(), 1, payload);
    assert.equal(await cell.textContent(), payload);
    assert.ok(await cell.isVisible(), `${payload} is visible`);
    // A cell cut short by its width still offers the whole text as its tooltip.
    const cut = await cell.evaluate((td) => td.scrollWidth > td.clientWidth);
    if (cut) assert.equal(await cell.getAttribute('title'), payload);
  }
  // The payloads try to set window.__mlwbXss; it stays unset in every frame, and the data made no elements.
  await page.waitForTimeout(500);
  for (const each of page.frames()) {
    const flag = await each.evaluate(() => (globalThis as { __mlwbXss?: unknown }).__mlwbXss).catch(() => undefined);
    assert.equal(flag, undefined, `window.__mlwbXss was set in ${each.url()}`);
  }
  const made = await frame.evaluate(() => ({
    images: document.querySelectorAll('img').length,
    links: document.querySelectorAll('a').length,
    dataScripts: Array.from(document.scripts).filter((script) => (script.textContent ?? '').includes('__mlwbXss')).length,
    appScripts: document.querySelectorAll('#app script').length,
  }));
  assert.deepEqual(made, { images: 0, links: 0, dataScripts: 0, appScripts: 0 });
  await screenshot(page, 'preview-xss');
});

test('the preview reads well in dark, light and high-contrast themes', async () => {
  const { page } = workbench;
  const iris = async (): Promise<Frame> => previewFrame(page, 'iris.csv', 'datasets');
  await treeRow(page, 'iris.csv').click();
  let frame = await iris();
  await frame.locator('.grid tbody tr').first().waitFor();
  assert.equal(await frame.locator('body.vscode-dark').count(), 1);
  await screenshot(page, 'preview-dark');

  const themes = [
    ['Light Modern', 'vscode-theme-defaults-themes-light_modern-json', 'vscode-light', 'light'],
    ['Dark High Contrast', 'vscode-theme-defaults-themes-hc_black-json', 'vscode-high-contrast', 'hc'],
  ] as const;
  for (const [theme, workbenchClass, bodyClass, name] of themes) {
    frame = await switchPreviewTheme(page, theme, workbenchClass, bodyClass, iris);
    await frame.locator('.grid tbody tr').first().waitFor();
    // Text and background come from the theme: they differ, and the cells are not drawn in the dark theme's colours.
    const colours = await frame.evaluate(() => {
      const cell = document.querySelector('.grid tbody td:not(.row-number)');
      return { text: cell ? getComputedStyle(cell).color : '', background: getComputedStyle(document.body).backgroundColor };
    });
    assert.notEqual(colours.text, colours.background);
    await screenshot(page, `preview-${name}`);
    await frame.locator('.tabs button[data-tab="profile"]').click();
    frame = await iris();
    const canvas = frame.locator('.column-card canvas').first();
    await canvas.waitFor();
    // The axis labels are drawn in this theme's foreground, also when the charts were drawn under another theme.
    await frame.waitForFunction(
      (node) => {
        const hex = getComputedStyle(document.body).getPropertyValue('--vscode-foreground').trim().replace('#', '');
        const full = hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex.slice(0, 6);
        const want = [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16));
        const element = node as HTMLCanvasElement;
        const pixels = element.getContext('2d')?.getImageData(0, 0, element.width, element.height).data;
        if (!pixels || want.some(Number.isNaN)) return false;
        let matching = 0;
        for (let i = 0; i < pixels.length; i += 4) {
          if ((pixels[i + 3] ?? 0) > 200 && want.every((value, k) => Math.abs((pixels[i + k] ?? 0) - value) < 24)) matching++;
        }
        return matching >= 20;
      },
      await canvas.elementHandle(),
      { timeout: 15_000 },
    );
    await screenshot(page, `profile-${name}`);
    assert.equal(await frame.locator('.tabs button[aria-pressed="true"]').textContent(), 'Profile');
    await frame.locator('.tabs button[data-tab="data"]').click();
    // Back on the data tab the profile, already drawn, is hidden rather than stacked under the table.
    await frame.locator('body[data-tab="data"]').waitFor();
    assert.equal(await frame.locator('.profile-view').isVisible(), false);
    assert.equal(await frame.locator('.tabs button[aria-pressed="true"]').textContent(), 'Data');
  }
});
