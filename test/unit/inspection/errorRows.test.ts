import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { errorTable, parseErrorTable, readErrorTable, selectErrorRows, MAX_ERROR_ROWS } from '../../../src/core/inspection/errorRows';
import { executeRun } from '../../../src/core/runs/execute';
import { RunStore } from '../../../src/core/runs/store';
import { dashboardState } from '../../../src/extension/dashboard/state';
import { type Table, stringColumn } from '../../../src/core/data/table';

const root = path.join(__dirname, '..', '..', '..');

test('classification: only misclassified rows, the surest mistakes first, ties in row order', () => {
  const labels = ['a', 'b', 'c'];
  // Scored rows 1, 3, 4, 6 of the table; 3 is right, the others wrong.
  const proba = { kind: 'dense' as const, rows: 4, cols: 3, data: Float64Array.from([0.2, 0.7, 0.1, 0.9, 0.05, 0.05, 0.1, 0.1, 0.8, 0.3, 0.7, 0]) };
  const y = ['x', 'a', 'x', 'a', 'b', 'x', 'c'];
  const { selected, total } = selectErrorRows({ task: 'classification', y, rows: [1, 3, 4, 6], predictions: ['b', 'a', 'c', 'b'], proba, labels });
  assert.equal(total, 3);
  assert.deepEqual(
    selected.map((s) => [s.index, s.actual, s.predicted, s.probability]),
    [
      [4, 'b', 'c', 0.8],
      [1, 'a', 'b', 0.7],
      [6, 'c', 'b', 0.7],
    ],
  );
  const limited = selectErrorRows({ task: 'classification', y, rows: [1, 3, 4, 6], predictions: ['b', 'a', 'c', 'b'], proba, labels, limit: 1 });
  assert.equal(limited.total, 3, 'the count is before the cut');
  assert.deepEqual(
    limited.selected.map((s) => s.index),
    [4],
  );
  // Without probabilities: row order.
  const plain = selectErrorRows({ task: 'classification', y, rows: [1, 3, 4, 6], predictions: ['b', 'a', 'c', 'b'] });
  assert.deepEqual(
    plain.selected.map((s) => [s.index, s.probability]),
    [
      [1, undefined],
      [4, undefined],
      [6, undefined],
    ],
  );
});

test('regression: the largest absolute residuals first, a NaN prediction before all', () => {
  const y = Float64Array.from([10, 20, 30, 40, 50]);
  const predictions = Float64Array.from([12, 20, 25, Number.NaN, 51]);
  const { selected, total } = selectErrorRows({ task: 'regression', y, rows: [0, 1, 2, 3, 4], predictions, limit: 3 });
  assert.equal(total, 5);
  assert.deepEqual(
    selected.map((s) => s.index),
    [3, 2, 0],
  );
  assert.equal(selected[1]?.residual, 5);
  assert.equal(selected[2]?.residual, -2);
});

test('errorTable keeps feature values (NaN as null, long text cut) and maps rows to data rows; parseErrorTable rejects bad shapes', () => {
  const features: Table = {
    rowCount: 3,
    columns: [{ name: 'n', kind: 'numeric', values: Float64Array.from([1.5, Number.NaN, 3]) }, stringColumn('t', 'text', ['short', null, 'x'.repeat(500)])],
  };
  const table = errorTable(
    features,
    { task: 'regression', y: Float64Array.from([0, 0, 9]), rows: [0, 1, 2], predictions: Float64Array.from([1, 0, 0]) },
    (i) => (i === 1 ? null : i + 10),
  );
  assert.equal(table.kind, 'residuals');
  assert.deepEqual(table.columns, ['n', 't']);
  assert.equal(table.rows[0]?.row, 12);
  assert.equal(table.rows[0]?.values[0], 3);
  assert.equal(String(table.rows[0]?.values[1]).length, 201);
  const middle = table.rows.find((r) => r.row === null);
  assert.deepEqual(middle?.values, [null, null]);
  assert.deepEqual(parseErrorTable(JSON.parse(JSON.stringify(table))), table);
  assert.equal(parseErrorTable({ ...table, rows: [{ ...table.rows[0], values: [1] }] }), undefined, 'a row of the wrong width');
  assert.equal(parseErrorTable({ ...table, rows: [{ ...table.rows[0], row: 0 }] }), undefined, 'data rows count from 1');
  assert.equal(parseErrorTable({ ...table, kind: 'other' }), undefined);
});

function workspace(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mlwb-errors-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

function csvRows(file: string): string[][] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(','));
}

test('a classification run keeps its misclassified held-out rows in errors.json: as many as the confusion matrix counts, each the data file row it names', async () => {
  // A row with a missing target (left out by dropMissing) shifts every later row: the row numbers must still be the file's.
  const iris = readFileSync(path.join(root, 'examples', 'data', 'iris.csv'), 'utf8')
    .trim()
    .split('\n');
  const csv = [iris[0], iris[1], '5.0,3.0,1.5,0.2,', ...iris.slice(2)].join('\n') + '\n';
  const dir = workspace({
    'iris.csv': csv,
    'run.experiment.yaml':
      'name: iris-errors\ndata: { path: iris.csv, target: species }\nprepare:\n  - dropMissing: { columns: [species] }\nmodel: { type: logistic_regression, params: { C: 0.05 } }\nvalidation: { method: kfold, folds: 3 }\nimportance: false\n',
  });
  const record = await executeRun({ workspaceRoot: dir, experimentFile: path.join(dir, 'run.experiment.yaml') });
  assert.equal(record.status, 'completed', record.reason);
  const errors = readErrorTable(new RunStore(dir).runDir(record.id));
  assert.ok(errors, 'errors.json is written');
  const confusion = (record.metrics as { confusion_matrix: number[][] }).confusion_matrix;
  const offDiagonal = confusion.flatMap((row, i) => row.filter((_, j) => j !== i)).reduce((a, b) => a + b, 0);
  assert.ok(offDiagonal > 0, 'a weak model makes mistakes to list');
  assert.equal(errors.kind, 'misclassified');
  assert.equal(errors.total, offDiagonal);
  assert.equal(errors.scored, 150);
  assert.equal(errors.rows.length, Math.min(offDiagonal, MAX_ERROR_ROWS));
  assert.deepEqual(errors.columns, ['sepal_length_cm', 'sepal_width_cm', 'petal_length_cm', 'petal_width_cm']);
  const lines = csvRows(path.join(dir, 'iris.csv'));
  for (const row of errors.rows) {
    assert.notEqual(row.actual, row.predicted);
    assert.ok(row.row !== null);
    const line = lines[row.row - 1] as string[];
    assert.equal(line[4], row.actual, `row ${row.row}'s class is the file's`);
    assert.deepEqual(row.values, line.slice(0, 4).map(Number), `row ${row.row}'s values are the file's`);
    assert.ok(row.probability !== undefined && row.probability > 0 && row.probability <= 1);
  }
  const probabilities = errors.rows.map((r) => r.probability as number);
  assert.deepEqual(
    probabilities,
    [...probabilities].sort((a, b) => b - a),
  );
  const state = dashboardState(record, [], errors);
  assert.equal(state.errors?.rows.length, errors.rows.length, 'the dashboard state carries the table');
});

test('a regression run keeps its worst residuals: the largest equals the largest |actual − predicted| of its held-out predictions', async () => {
  const dir = workspace({
    'run.experiment.yaml':
      'name: diabetes-errors\ndata: { path: diabetes.csv, target: progression }\nmodel: { type: ridge }\nvalidation: { method: holdout, test_size: 0.2 }\nimportance: false\n',
  });
  cpSync(path.join(root, 'test', 'fixtures', 'datasets', 'diabetes.csv'), path.join(dir, 'diabetes.csv'));
  const record = await executeRun({ workspaceRoot: dir, experimentFile: path.join(dir, 'run.experiment.yaml') });
  assert.equal(record.status, 'completed', record.reason);
  const errors = readErrorTable(new RunStore(dir).runDir(record.id));
  assert.ok(errors);
  assert.equal(errors.kind, 'residuals');
  const predictions = record.predictions as { actual: number[]; predicted: number[] };
  assert.equal(errors.scored, predictions.actual.length);
  const residuals = predictions.actual.map((a, i) => a - (predictions.predicted[i] as number));
  const worst = Math.max(...residuals.map(Math.abs));
  assert.equal(Math.abs(errors.rows[0]?.residual ?? 0), worst);
  const lines = csvRows(path.join(dir, 'diabetes.csv'));
  for (const row of errors.rows.slice(0, 20)) {
    const line = lines[(row.row as number) - 1] as string[];
    assert.equal(Number(line[10]), row.actual);
    assert.ok(Math.abs((row.actual as number) - (row.predicted as number) - (row.residual as number)) < 1e-9);
  }
});

test('the dashboard accepts openDataRow only with a run id and a data row from 1', async () => {
  const { isWebviewMessage } = await import('../../../src/extension/dashboard/contract');
  assert.equal(isWebviewMessage({ type: 'openDataRow', runId: 'r-1', row: 12 }), true);
  assert.equal(isWebviewMessage({ type: 'openDataRow', runId: 'r-1', row: 0 }), false);
  assert.equal(isWebviewMessage({ type: 'openDataRow', runId: 'r-1', row: 1.5 }), false);
  assert.equal(isWebviewMessage({ type: 'openDataRow', runId: '../x y', row: 3 }), false);
});
