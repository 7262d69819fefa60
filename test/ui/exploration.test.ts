import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../runner/codeServer';
import { pick, previewFrame, runFromPalette, screenshot, trainWithCli, useWorkbench, webviewFrame } from './workbench';

// pandas 1.5.3's figures for the same file (bench/reference/explore.py).
const reference = JSON.parse(readFileSync(path.join(projectRoot, 'test', 'fixtures', 'reference', 'explore.json'), 'utf8')) as Record<
  string,
  { correlations: { columns: string[]; matrix: (number | null)[][] }; missing: { patterns: { missing: string[]; count: number }[] } }
>;

let runId: string;

const ui = useWorkbench('mlwb-exploration-ui-', {
  // An experiment that trains on explore.csv: its target is the exploration's first target.
  files: {
    'explore-label.experiment.yaml':
      'name: explore-label\ndata: { path: data/explore.csv, target: label }\nprepare:\n  - dropMissing: { columns: [label] }\n  - impute: {}\n  - onehot: {}\nmodel: { type: logistic_regression }\n',
  },
  prepare: (template) => {
    copyFileSync(path.join(projectRoot, 'test', 'fixtures', 'datasets', 'explore.csv'), path.join(template, 'data', 'explore.csv'));
    runId = trainWithCli<{ runId: string; status: string }>(template, 'errors-iris.experiment.yaml').runId;
  },
  clearNotifications: false,
});

test("the profile explores the file: correlations and missing patterns equal pandas', features against the experiment's target, then another target chosen by keyboard", async () => {
  const { page } = ui.workbench;
  await runFromPalette(page, 'ML Workbench: Profile Dataset');
  await pick(page, 'explore.csv');
  const frame = await previewFrame(page, 'explore.csv', 'exploration');
  // The experiment that trains on the file names its target: the exploration starts with it.
  await frame.locator('body[data-explored="label"]').waitFor({ timeout: 90_000 });
  assert.equal(await frame.locator('[data-testid="explore-target"]').inputValue(), 'label');
  await frame.locator('[data-part="correlations"] canvas').waitFor();

  const expected = reference['synthetic-label'];
  assert.ok(expected);
  const cells = await frame.$$eval('[data-testid="correlation-table"] tbody tr', (rows) =>
    rows.map((row) => Array.from(row.querySelectorAll('td'), (td) => td.textContent ?? '').slice(1)),
  );
  assert.equal(cells.length, expected.correlations.columns.length);
  expected.correlations.matrix.forEach((row, i) =>
    row.forEach((r, j) => {
      const shown = Number(cells[i]?.[j]);
      assert.ok(r !== null && Math.abs(shown - r) < 6e-4, `corr ${i},${j}: shown ${cells[i]?.[j]}, pandas ${r}`);
    }),
  );
  const patterns = frame.locator('[data-testid="missing-patterns"] tbody tr');
  assert.equal(await patterns.count(), Math.min(10, expected.missing.patterns.length));
  assert.equal(await patterns.first().locator('td').first().textContent(), String(expected.missing.patterns[0]?.count));
  await frame.locator('[data-part="correlations"]').scrollIntoViewIfNeeded();
  assert.ok(existsSync(await screenshot(page, 'profile-exploration')));

  // Box per class for the first feature (a numeric one); the keyboard moves to the next feature.
  const versus = frame.locator('[data-testid="versus-table"]');
  assert.match((await versus.locator('thead').textContent()) ?? '', /lower whisker/);
  const feature = frame.locator('[data-testid="explore-feature"]');
  await feature.focus();
  await page.keyboard.press('ArrowDown');
  assert.equal(await frame.locator('[data-testid="explore-feature"]').inputValue(), 'b');
  await frame.locator('[data-part="target"]').scrollIntoViewIfNeeded();
  await frame.locator('[data-part="target"] canvas').waitFor();
  assert.ok(existsSync(await screenshot(page, 'profile-feature-vs-target')));

  // A numeric target by typing its name on the focused target list: the means of y per bin.
  await frame.locator('[data-testid="explore-target"]').focus();
  await page.keyboard.type('y');
  await frame.locator('body[data-explored="y"]').waitFor({ timeout: 60_000 });
  assert.match((await frame.locator('[data-testid="versus-table"] thead').textContent()) ?? '', /mean y/);
  assert.ok((await frame.locator('[data-testid="versus-table"] tbody tr').count()) >= 1);
});

test("the dashboard lists the run's misclassified rows; Enter on one opens the data preview at that row", async () => {
  const { page } = ui.workbench;
  const errors = JSON.parse(readFileSync(path.join(ui.workbench.server.workspace, '.mlwb', 'runs', runId, 'errors.json'), 'utf8')) as {
    rows: { row: number; actual: string; predicted: string }[];
  };
  assert.ok(errors.rows.length > 0, 'the weak model misclassifies some rows');
  await runFromPalette(page, 'ML Workbench: Open Dashboard');
  await pick(page, runId);
  const frame = await webviewFrame(page, 'dashboard');
  const rows = frame.locator('[data-testid="errors-table"] tbody tr');
  await rows.first().waitFor();
  assert.equal(await rows.count(), errors.rows.length);
  const first = errors.rows[0];
  assert.ok(first);
  assert.deepEqual((await rows.first().locator('td').allTextContents()).slice(0, 3), [String(first.row), first.actual, first.predicted]);
  await frame.locator('#section-errors').scrollIntoViewIfNeeded();
  assert.ok(existsSync(await screenshot(page, 'dashboard-errors')));

  // Keyboard: focus the first row, move to the second with Tab, press Enter.
  await rows.first().focus();
  await page.keyboard.press('Tab');
  const target = errors.rows[1] ?? first;
  assert.equal(await frame.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.row), String(target.row));
  await page.keyboard.press('Enter');
  const preview = await previewFrame(page, 'iris.csv', 'exploration');
  await preview.locator(`body[data-focus-row="${target.row}"]`).waitFor({ timeout: 60_000 });
  const marked = preview.locator('tr.focused');
  await marked.waitFor();
  assert.equal(await marked.locator('td.row-number').textContent(), String(target.row));
  const line =
    readFileSync(path.join(ui.workbench.server.workspace, 'data', 'iris.csv'), 'utf8')
      .trim()
      .split('\n')[target.row] ?? '';
  assert.equal((await marked.locator('td').allTextContents()).at(-1), line.split(',').at(-1));
  assert.ok(existsSync(await screenshot(page, 'preview-error-row')));
});
