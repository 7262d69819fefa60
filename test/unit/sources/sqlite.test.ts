import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync } from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { importData, listTables, previewImport, readSidecar, refreshImport } from '../../../src/core/sources';
import { assertNothingWritten, readBack, seed, tempFolder } from './helpers';

function database(dir: string): string {
  const file = path.join(dir, 'shop.db');
  const db = new Database(file);
  db.exec(`
    CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, price DECIMAL(10,2), active BOOLEAN, born DATE, seen DATETIME, photo BLOB, score REAL, big INTEGER);
    INSERT INTO items VALUES (1, 'héllo', 12.5, 1, '2024-02-29', '2024-01-02 03:04:05', x'00ff10', 0.25, 9007199254740993);
    INSERT INTO items VALUES (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
  `);
  db.close();
  return file;
}

describe('SQLite import', () => {
  test('a table comes back with its declared types, values and NULLs', async () => {
    const dir = tempFolder();
    database(dir);
    const out = path.join(dir, 'data', 'items.parquet');
    const result = await importData({ kind: 'sqlite', url: `sqlite:${path.join(dir, 'shop.db')}`, table: 'items' }, out);
    assert.equal(result.rows, 2);
    const { types, rows } = await readBack(out);
    assert.deepEqual(types, {
      id: 'BIGINT',
      name: 'VARCHAR',
      price: 'DECIMAL(10,2)',
      active: 'BOOLEAN',
      born: 'DATE',
      seen: 'TIMESTAMP',
      photo: 'BLOB',
      score: 'DOUBLE',
      big: 'BIGINT',
    });
    assert.deepEqual(rows[0], {
      id: '1',
      name: 'héllo',
      price: '12.50',
      active: true,
      born: '2024-02-29',
      seen: '2024-01-02 03:04:05',
      photo: '\\x00\\xFF\\x10',
      score: 0.25,
      big: '9007199254740993',
    });
    assert.deepEqual(rows[1], { id: '2', name: null, price: null, active: null, born: null, seen: null, photo: null, score: null, big: null });
    // The database path is saved relative to the sidecar, so the two can move together.
    assert.equal(readSidecar(path.join(dir, 'data', 'items.source.yaml')).source.url, 'sqlite:../shop.db');
  });

  test('a query: undeclared columns take the type of their values; refresh sees new rows', async () => {
    const dir = tempFolder();
    const file = database(dir);
    const out = path.join(dir, 'q.parquet');
    await importData({ kind: 'sqlite', url: `sqlite:${file}`, query: "SELECT id * 2 AS twice, score / 2 AS half, name || '!' AS loud FROM items" }, out);
    assert.deepEqual((await readBack(out)).types, { twice: 'BIGINT', half: 'DOUBLE', loud: 'VARCHAR' });
    const db = new Database(file);
    db.exec("INSERT INTO items (id, name) VALUES (3, 'new')");
    db.close();
    assert.equal((await refreshImport(path.join(dir, 'q.source.yaml'))).rows, 3);
  });

  test('Import Data…: the tables and views of the file (not its internal tables) and a preview of the first rows', async () => {
    const dir = tempFolder();
    const file = database(dir);
    const db = new Database(file);
    db.exec('CREATE VIEW cheap AS SELECT * FROM items WHERE price < 20; CREATE TABLE seq (n INTEGER); CREATE INDEX by_n ON seq (n)');
    db.exec(`WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 100) INSERT INTO seq SELECT n FROM c`);
    db.close();
    // AUTOINCREMENT would add sqlite_sequence: internal tables are not offered.
    assert.deepEqual(await listTables(`sqlite:${file}`), ['cheap', 'items', 'seq']);
    const preview = await previewImport({ kind: 'sqlite', url: `sqlite:${file}`, table: 'items' });
    assert.deepEqual(
      preview.columns.map((c) => `${c.name} ${c.type}`),
      ['id BIGINT', 'name VARCHAR', 'price DECIMAL(10,2)', 'active BOOLEAN', 'born DATE', 'seen TIMESTAMP', 'photo BLOB', 'score DOUBLE', 'big BIGINT'],
    );
    assert.deepEqual(preview.rows[0], ['1', 'héllo', '12.50', 'true', '2024-02-29', '2024-01-02 03:04:05', '\\x00\\xFF\\x10', '0.25', '9007199254740993']);
    assert.deepEqual(preview.rows[1], ['2', null, null, null, null, null, null, null, null]);
    const first = await previewImport({ kind: 'sqlite', url: `sqlite:${file}`, table: 'seq' });
    assert.deepEqual(
      first.rows.map((row) => row[0]),
      Array.from({ length: 20 }, (_, i) => String(i + 1)),
    );
    assert.deepEqual(readdirSync(dir).sort(), ['shop.db'], 'a preview writes nothing beside the database');
    await assert.rejects(listTables('https://example.com/x.csv'), /tables are listed for postgres:\/\/, mysql:\/\/ and sqlite: sources/);
  });

  test('errors: missing file, missing table, SQL error, a value that breaks its declared type; nothing written and the previous file kept', async () => {
    const dir = tempFolder();
    const file = database(dir);
    const outDir = path.join(dir, 'out');
    mkdirSync(outDir);
    const before = seed(outDir, { 'x.parquet': 'previous' });
    const out = path.join(outDir, 'x.parquet');
    await assert.rejects(
      importData({ kind: 'sqlite', url: `sqlite:${path.join(dir, 'nope.db')}`, table: 'items' }, out),
      /SQLite database not found: .*nope\.db/,
    );
    await assert.rejects(importData({ kind: 'sqlite', url: `sqlite:${file}`, table: 'missing' }, out), /table missing does not exist in .*shop\.db/);
    await assert.rejects(importData({ kind: 'sqlite', url: `sqlite:${file}`, query: 'SELECT nme FROM items' }, out), /SQLite error: no such column: nme/);
    const db = new Database(file);
    db.exec("CREATE TABLE loose (n INTEGER); INSERT INTO loose VALUES (1), ('abc')");
    db.close();
    await assert.rejects(
      importData({ kind: 'sqlite', url: `sqlite:${file}`, table: 'loose' }, out),
      /a value does not fit its column type: Could not convert string 'abc' to INT64/,
    );
    assertNothingWritten(outDir, before);
  });
});
