import { stringColumn } from '../../../src/core/data/table';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { executeRun } from '../../../src/core/runs/execute';
import { dataQualityWarnings } from '../../../src/core/data/quality';

test('n/a and ? in numeric columns are said at training time, in the run log and its warnings', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'mlwb-quality-'));
  const rows = ['age,score,label'];
  for (let i = 0; i < 40; i++) {
    const age = i === 3 ? 'n/a' : i === 7 ? 'NA' : String(20 + i);
    const score = i === 5 ? '?' : String((i % 7) + 0.5);
    rows.push(`${age},${score},${i % 2 === 0 ? 'yes' : 'no'}`);
  }
  writeFileSync(path.join(root, 'people.csv'), rows.join('\n') + '\n');
  const file = path.join(root, 'q.experiment.yaml');
  writeFileSync(
    file,
    [
      'data: { path: people.csv, target: label }',
      'prepare:',
      '  - drop: { columns: [score] }',
      '  - impute: { strategy: median }',
      'model: { type: decision_tree }',
      'validation: { method: holdout, test_size: 0.25 }',
      '',
    ].join('\n'),
  );
  const record = await executeRun({ workspaceRoot: root, experimentFile: file });
  assert.equal(record.status, 'completed', record.reason);
  const warnings = record.warnings ?? [];
  assert.ok(
    warnings.some((w) => /^column "age": 2 of 40 values are missing \(blank, or not a number, such as n\/a, NA or \?\)/.test(w)),
    warnings.join('\n'),
  );
  assert.ok(
    warnings.some((w) => /^column "score": 1 of 40 values are missing/.test(w)),
    warnings.join('\n'),
  );
  assert.ok(!warnings.some((w) => w.includes('"label"')), 'the target is left to its own checks');
  const log = readFileSync(path.join(root, '.mlwb', 'runs', record.id, 'log.txt'), 'utf8');
  assert.match(log, /warning: column "age": 2 of 40 values are missing/);
  assert.match(log, /warning: column "score": 1 of 40 values are missing/);
});

test('a column of numbers with a few words in it is said to train as a category', () => {
  const values = [...Array.from({ length: 30 }, (_, i) => String(i)), 'unknown', null];
  const table = { rowCount: values.length, columns: [stringColumn('age', 'categorical', values)] };
  assert.deepEqual(dataQualityWarnings(table, 'label'), [
    'column "age" is read as text, not numbers, because 1 of 31 values are not numbers ("unknown"); it trains as a category. Fix those cells, or leave them empty to make them missing values',
  ]);
  assert.deepEqual(dataQualityWarnings({ rowCount: 2, columns: [stringColumn('city', 'categorical', ['Oslo', 'Rome'])] }, 'label'), []);
});
