import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import pg from 'pg';
import { importData, listTables, previewImport, readSidecar, refreshImport } from '../../../src/core/sources';
import { assertAllMissing, assertFlatMemory, assertPreviewAndTables, failingImport, roundTrip } from './databaseCases';
import { readBack, tempFolder } from './helpers';
import { freePort, postgresBin, startPostgres, type RunningServer } from './servers';

const root = path.join(__dirname, '..', '..', '..');

describe('PostgreSQL import against a real server', { skip: postgresBin() ? false : 'PostgreSQL is not installed (apt-get install postgresql)' }, () => {
  let server: RunningServer;
  const sql = async (text: string): Promise<void> => {
    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };

  before(async () => {
    server = await startPostgres();
    await sql(`
      CREATE TABLE everything (
        id integer PRIMARY KEY, small smallint, big bigint, flag boolean, price numeric(12,3), ratio real,
        score double precision, loose numeric, name text, code varchar(10), fixed char(3), born date,
        at_time time, created timestamp, seen timestamptz, wait interval, uid uuid, raw bytea, doc jsonb
      );
      INSERT INTO everything VALUES
        (1, -32768, 9007199254740993, true, 123456789.125, 1.5, 2.25, 3.5, 'héllo "world"', 'ab', 'xyz', '2024-02-29',
         '13:14:15.5', '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05+02', '1 day 02:03:04', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
         '\\x00ff10', '{"a": [1, 2]}'),
        (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
      CREATE SCHEMA sales;
      CREATE TABLE sales.orders (id int, total numeric(8,2));
      INSERT INTO sales.orders VALUES (1, 9.99), (2, 20.00);
    `);
  });
  after(async () => {
    await server?.stop();
  });

  test('a table comes back with every column type, value and NULL, and a sidecar without the password', async () => {
    const { result, types, rows, dir } = await roundTrip('postgres', server, 'everything');
    assert.equal(result.rows, 2);
    assert.deepEqual(types, {
      id: 'INTEGER',
      small: 'SMALLINT',
      big: 'BIGINT',
      flag: 'BOOLEAN',
      price: 'DECIMAL(12,3)',
      ratio: 'FLOAT',
      score: 'DOUBLE',
      loose: 'DOUBLE',
      name: 'VARCHAR',
      code: 'VARCHAR',
      fixed: 'VARCHAR',
      born: 'DATE',
      at_time: 'TIME',
      created: 'TIMESTAMP',
      seen: 'TIMESTAMP WITH TIME ZONE',
      wait: 'INTERVAL',
      uid: 'UUID',
      raw: 'BLOB',
      doc: 'VARCHAR',
    });
    const [first, second] = rows;
    assert.equal(first?.small, -32768);
    assert.equal(String(first?.big), '9007199254740993');
    assert.equal(first?.flag, true);
    assert.equal(first?.price, '123456789.125');
    assert.equal(first?.ratio, 1.5);
    assert.equal(first?.score, 2.25);
    assert.equal(first?.loose, 3.5);
    assert.equal(first?.name, 'héllo "world"');
    assert.equal(first?.fixed, 'xyz');
    assert.equal(first?.born, '2024-02-29');
    assert.equal(first?.at_time, '13:14:15.5');
    assert.equal(first?.created, '2024-01-02 03:04:05.123456');
    assert.equal(first?.seen, '2024-01-02 01:04:05+00');
    assert.deepEqual(first?.wait, { months: 0, days: 1, micros: String((2 * 3600 + 3 * 60 + 4) * 1_000_000) });
    assert.equal(first?.uid, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
    assert.equal(first?.raw, '\\x00\\xFF\\x10');
    assert.deepEqual(JSON.parse(String(first?.doc)), { a: [1, 2] });
    assertAllMissing(second);

    const parsed = readSidecar(path.join(dir, 'everything.source.yaml'));
    assert.equal(parsed.source.table, 'everything');
    assert.equal(parsed.rows, 2);
    assert.equal(parsed.sha256, result.sha256);
    assert.match(parsed.source.fetchedAt, /^\d{4}-\d\d-\d\dT/);
  });

  test('a query with the password from PGPASSWORD, and a schema-qualified table', async () => {
    const dir = tempFolder();
    const env = { PGPASSWORD: server.password };
    const queried = await importData(
      { kind: 'postgres', url: server.urlWithoutPassword, query: 'SELECT id, total * 2 AS doubled FROM sales.orders ORDER BY id;' },
      path.join(dir, 'q.parquet'),
      { env },
    );
    const back = await readBack(path.join(dir, 'q.parquet'));
    // numeric arithmetic has no declared precision: it comes back as DOUBLE, as DuckDB's own scanner does.
    assert.deepEqual(back.types, { id: 'INTEGER', doubled: 'DOUBLE' });
    assert.deepEqual(back.rows, [
      { id: 1, doubled: 19.98 },
      { id: 2, doubled: 40 },
    ]);
    assert.equal(queried.source.query, 'SELECT id, total * 2 AS doubled FROM sales.orders ORDER BY id;');
    const table = await importData({ kind: 'postgres', url: server.urlWithoutPassword, table: 'sales.orders' }, path.join(dir, 'orders.csv'), { env });
    assert.equal(table.rows, 2);
    assert.equal(readFileSync(path.join(dir, 'orders.csv'), 'utf8'), 'id,total\n1,9.99\n2,20.00\n');
  });

  test('1,000,000 rows stream in batches with flat memory', () =>
    assertFlatMemory(
      'postgres',
      server,
      "SELECT i AS id, i * 0.5 AS half, 'row ' || i AS label, i % 7 = 0 AS sevens FROM generate_series(1, 1000000) AS i",
      1_000_000,
      20_000,
    ));

  test('Import Data…: the tables (schema-qualified outside public) and a preview of the first rows, typed as the import', async () => {
    await assertPreviewAndTables('postgres', server, 'everything');
    const tables = await listTables(server.url);
    assert.ok(tables.includes('sales.orders'), tables.join(', '));
    const preview = await previewImport({ kind: 'postgres', url: server.url, query: 'SELECT i, i * 0.5 AS half FROM generate_series(1, 1000000) AS i' });
    assert.deepEqual(preview.columns, [
      { name: 'i', type: 'INTEGER' },
      { name: 'half', type: 'DOUBLE' },
    ]);
    assert.deepEqual(preview.rows.slice(0, 2), [
      ['1', '0.5'],
      ['2', '1.0'],
    ]);
    assert.equal(preview.rows.length, 20);
    const everything = await previewImport({ kind: 'postgres', url: server.url, table: 'everything' });
    const cell = (name: string) => everything.rows[0]?.[everything.columns.findIndex((c) => c.name === name)];
    assert.equal(cell('name'), 'héllo "world"');
    assert.equal(cell('price'), '123456789.125');
    assert.equal(cell('seen'), '2024-01-02 01:04:05+00');
    await assert.rejects(previewImport({ kind: 'postgres', url: server.url, table: 'nope' }, { timeoutMs: 5000 }), /table nope does not exist/);
  });

  test('refresh imports again from the sidecar and picks up new rows', async () => {
    const dir = tempFolder();
    await sql('CREATE TABLE growing (n int); INSERT INTO growing VALUES (1), (2)');
    const first = await importData({ kind: 'postgres', url: server.urlWithoutPassword, table: 'growing' }, path.join(dir, 'growing.parquet'), {
      env: { PGPASSWORD: server.password },
    });
    assert.equal(first.rows, 2);
    await sql('INSERT INTO growing VALUES (3)');
    const again = await refreshImport(path.join(dir, 'growing.source.yaml'), { env: { PGPASSWORD: server.password } });
    assert.equal(again.rows, 3);
    assert.notEqual(again.sha256, first.sha256);
    assert.equal(readSidecar(path.join(dir, 'growing.source.yaml')).rows, 3);
  });

  test('mlwb import prints the DESIGN.md JSON, and --refresh works with PGPASSWORD', () => {
    const dir = tempFolder();
    const mlwb = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', require.resolve('tsx'), path.join(root, 'src', 'cli', 'mlwb.ts'), 'import', ...args], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, PGPASSWORD: server.password },
      });
    const imported = mlwb(server.urlWithoutPassword, '--table', 'sales.orders', '--json');
    assert.equal(imported.status, 0, imported.stderr);
    const json = JSON.parse(imported.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(json), ['path', 'rows', 'columns', 'sha256', 'source']);
    assert.equal(json.path, path.join(dir, 'data', 'orders.parquet'));
    assert.equal(json.rows, 2);
    assert.deepEqual(json.columns, [
      { name: 'id', type: 'INTEGER' },
      { name: 'total', type: 'DECIMAL(8,2)' },
    ]);
    assert.match(String(json.sha256), /^[0-9a-f]{64}$/);
    assert.deepEqual(
      { ...(json.source as object), fetchedAt: undefined },
      { kind: 'postgres', url: server.urlWithoutPassword, table: 'sales.orders', fetchedAt: undefined },
    );
    const refreshed = mlwb('--refresh', 'data/orders.source.yaml', '--json');
    assert.equal(refreshed.status, 0, refreshed.stderr);
    assert.equal((JSON.parse(refreshed.stdout) as { rows: number }).rows, 2);

    const failed = mlwb(server.urlWithoutPassword, '--table', 'missing_table', '--out', 'data/missing.parquet');
    assert.equal(failed.status, 1);
    assert.equal(failed.stderr.trim().split('\n').length, 1, failed.stderr);
    assert.match(failed.stderr, /^mlwb: table missing_table does not exist/);
    assert.ok(!existsSync(path.join(dir, 'data', 'missing.parquet')));
  });

  describe('errors: one clear message, nothing written, the previous file kept', () => {
    const attempt = failingImport('postgres');

    test('wrong password', () =>
      attempt(
        server.url.replace(encodeURIComponent(server.password), 'wrong'),
        { table: 'everything' },
        /PostgreSQL at 127\.0\.0\.1:\d+ refused the login of user "mlwb": password authentication failed/,
      ));
    test('refused port', async () =>
      attempt(`postgres://mlwb:x@127.0.0.1:${await freePort()}/shop`, { table: 'everything' }, /cannot connect to 127\.0\.0\.1:\d+: connection refused/));
    test('unknown host', () => attempt('postgres://mlwb:x@no-such-host.invalid:5432/shop', { table: 'everything' }, /unknown host no-such-host\.invalid/));
    test('TLS failure', () =>
      attempt(
        `${server.url}?sslmode=require`,
        { table: 'everything' },
        /TLS failure connecting to PostgreSQL at 127\.0\.0\.1:\d+: The server does not support SSL connections/,
      ));
    test('SQL error with the server message and position', () =>
      attempt(
        server.url,
        { query: 'SELECT id, nme FROM everything' },
        /PostgreSQL error: column "nme" does not exist at position 12 of the query \(near "nme FROM everything"\)/,
      ));
    test('missing table', () =>
      attempt(server.url, { table: 'nope' }, /table nope does not exist in shop at 127\.0\.0\.1:\d+ \(relation "nope" does not exist\)/));
    test('timeout', () =>
      attempt(server.url, { query: 'SELECT pg_sleep(5)', timeoutMs: 300 }, /the query timed out after 0\.3 s on PostgreSQL at 127\.0\.0\.1:\d+/));
    test('a value that does not fit its type fails the whole import', () =>
      attempt(server.url, { query: "SELECT 'NaN'::numeric(5,2) AS x" }, /a value does not fit its column type: .*NaN/));
  });
});
