import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { executeRun } from '../../../src/core/runs/execute';
import { RunStore } from '../../../src/core/runs/store';
import { dataSourceOf, importData, readSidecar } from '../../../src/core/sources';
import { tempFolder } from './helpers';

const fixtures = path.join(__dirname, '..', '..', 'fixtures');

/** A SQLite database holding iris as a table `flowers`. */
function irisDatabase(file: string): void {
  const [header, ...lines] = readFileSync(path.join(fixtures, 'datasets', 'iris.csv'), 'utf8')
    .trim()
    .split(/\r?\n/);
  const columns = (header as string).split(',');
  const db = new Database(file);
  db.exec(`CREATE TABLE flowers (${columns.map((c, i) => `"${c}" ${i === columns.length - 1 ? 'TEXT' : 'REAL'}`).join(', ')})`);
  const insert = db.prepare(`INSERT INTO flowers VALUES (${columns.map(() => '?').join(', ')})`);
  for (const line of lines) {
    const cells = line.split(',');
    insert.run(...cells.map((cell, i) => (i === cells.length - 1 ? cell : Number(cell))));
  }
  db.close();
}

describe('a run trained on an imported file', () => {
  test('records the source of its sidecar in run.json, and mlwb show prints it', async () => {
    const root = tempFolder('mlwb-run-source-');
    irisDatabase(path.join(root, 'shop.db'));
    const imported = await importData(
      { kind: 'sqlite', url: `sqlite:${path.join(root, 'shop.db')}`, table: 'flowers' },
      path.join(root, 'data', 'flowers.parquet'),
    );
    const file = path.join(root, 'flowers.experiment.yaml');
    writeFileSync(
      file,
      [
        'name: flowers',
        'data: { path: data/flowers.parquet, target: species }',
        'model: { type: logistic_regression }',
        'validation: { method: holdout, test_size: 0.2 }',
        'seed: 1',
        '',
      ].join('\n'),
    );
    const record = await executeRun({ workspaceRoot: root, experimentFile: file });
    assert.equal(record.status, 'completed', record.reason);
    const saved = JSON.parse(readFileSync(path.join(new RunStore(root).runDir(record.id), 'run.json'), 'utf8')) as Record<string, unknown>;
    assert.deepEqual(saved.source, {
      kind: 'sqlite',
      url: 'sqlite:../shop.db',
      table: 'flowers',
      fetchedAt: imported.source.fetchedAt,
      sha256: imported.sha256,
      sidecar: path.join('data', 'flowers.source.yaml'),
    });
    // The file is unchanged since the import, so the run's own fingerprint matches the sidecar's.
    assert.equal((saved.data as { sha256: string }).sha256, imported.sha256);

    const cli = path.join(__dirname, '..', '..', '..', 'src', 'cli', 'mlwb.ts');
    const shown = execFileSync(process.execPath, ['--import', require.resolve('tsx'), cli, 'show', record.id], { cwd: root, encoding: 'utf8' });
    assert.match(
      shown,
      new RegExp(`^source: sqlite sqlite:\\.\\./shop\\.db, table flowers, fetched ${imported.source.fetchedAt}, sha256 ${imported.sha256}$`, 'm'),
    );
  });

  test('a file without a sidecar records no source', async () => {
    const root = tempFolder('mlwb-run-source-');
    writeFileSync(path.join(root, 'iris.csv'), readFileSync(path.join(fixtures, 'datasets', 'iris.csv')));
    const file = path.join(root, 'iris.experiment.yaml');
    writeFileSync(
      file,
      'name: iris\ndata: { path: iris.csv, target: species }\nmodel: { type: logistic_regression }\nvalidation: { method: holdout, test_size: 0.2 }\n',
    );
    const record = await executeRun({ workspaceRoot: root, experimentFile: file });
    assert.equal(record.status, 'completed', record.reason);
    assert.equal(record.source, undefined);
    assert.ok(!('source' in JSON.parse(readFileSync(path.join(new RunStore(root).runDir(record.id), 'run.json'), 'utf8'))));
  });

  test('the recorded source never holds a password, even from a hand-edited sidecar; a broken sidecar is reported, not fatal', () => {
    const root = tempFolder('mlwb-run-source-');
    mkdirSync(path.join(root, 'data'));
    writeFileSync(
      path.join(root, 'data', 'orders.source.yaml'),
      'file: orders.parquet\nsource:\n  kind: postgres\n  url: postgres://me:hunter2@db.example:5432/shop?password=x\n  query: SELECT 1\n  fetchedAt: 2026-01-02T03:04:05.000Z\nrows: 1\ncolumns: []\nsha256: abc\n',
    );
    const source = dataSourceOf(path.join(root, 'data', 'orders.parquet'), root);
    assert.deepEqual(source, {
      kind: 'postgres',
      url: 'postgres://me@db.example:5432/shop',
      query: 'SELECT 1',
      fetchedAt: '2026-01-02T03:04:05.000Z',
      sha256: 'abc',
      sidecar: path.join('data', 'orders.source.yaml'),
    });
    assert.ok(!JSON.stringify(source).includes('hunter2'));
    assert.equal(readSidecar(path.join(root, 'data', 'orders.source.yaml')).file, 'orders.parquet');

    writeFileSync(path.join(root, 'data', 'broken.source.yaml'), 'just text\n');
    const problems: string[] = [];
    assert.equal(
      dataSourceOf(path.join(root, 'data', 'broken.csv'), root, (p) => problems.push(p)),
      undefined,
    );
    assert.match(problems[0] ?? '', /not an mlwb import source file/);
  });
});
