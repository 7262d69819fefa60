import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import mysql from 'mysql2/promise';
import { importData, listTables, previewImport, refreshImport } from '../../../src/core/sources';
import { assertAllMissing, assertFlatMemory, assertPreviewAndTables, failingImport, roundTrip } from './databaseCases';
import { readBack, tempFolder } from './helpers';
import { freePort, mariadbBin, startMariadb, type RunningServer } from './servers';

describe(
  'MySQL/MariaDB import against a real MariaDB server',
  { skip: mariadbBin() ? false : 'MariaDB is not installed (apt-get install mariadb-server)' },
  () => {
    let server: RunningServer;
    const sql = async (...statements: string[]): Promise<void> => {
      const connection = await mysql.createConnection({
        host: '127.0.0.1',
        port: server.port,
        user: server.user,
        password: server.password,
        database: server.database,
      });
      try {
        for (const statement of statements) await connection.query(statement);
      } finally {
        await connection.end();
      }
    };

    before(async () => {
      server = await startMariadb();
      await sql(
        `CREATE TABLE everything (
        id INT PRIMARY KEY, tiny TINYINT, utiny TINYINT UNSIGNED, flag BOOLEAN, small SMALLINT, medium MEDIUMINT,
        big BIGINT, ubig BIGINT UNSIGNED, price DECIMAL(12,3), ratio FLOAT, score DOUBLE, name VARCHAR(50), body TEXT,
        born DATE, at_time TIME, created DATETIME(6), seen TIMESTAMP NULL, yr YEAR, raw VARBINARY(10), color ENUM('red', 'green'),
        doc JSON, bits BIT(8), uid UUID
      )`,
        "SET time_zone = '+02:00'",
        `INSERT INTO everything VALUES
        (1, -128, 255, TRUE, -32768, 8388607, -9007199254740993, 18446744073709551615, 123456789.125, 1.5, 2.25, 'héllo "world"', 'long text',
         '2024-02-29', '13:14:15', '2024-01-02 03:04:05.123456', '2024-01-02 03:04:05', 2024, X'00FF10', 'green', '{"a": [1, 2]}', b'10000001',
         'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'),
        (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)`,
      );
    });
    after(async () => {
      await server?.stop();
    });

    test('a table comes back with every column type, value and NULL, and a sidecar without the password', async () => {
      const { result, types, rows } = await roundTrip('mysql', server, 'everything');
      assert.equal(result.rows, 2);
      assert.deepEqual(types, {
        id: 'INTEGER',
        tiny: 'TINYINT',
        utiny: 'UTINYINT',
        flag: 'BOOLEAN',
        small: 'SMALLINT',
        medium: 'INTEGER',
        big: 'BIGINT',
        ubig: 'UBIGINT',
        price: 'DECIMAL(12,3)',
        ratio: 'FLOAT',
        score: 'DOUBLE',
        name: 'VARCHAR',
        body: 'VARCHAR',
        born: 'DATE',
        at_time: 'TIME',
        created: 'TIMESTAMP',
        seen: 'TIMESTAMP WITH TIME ZONE',
        yr: 'SMALLINT',
        raw: 'BLOB',
        color: 'VARCHAR',
        doc: 'VARCHAR',
        bits: 'UBIGINT',
        uid: 'UUID',
      });
      const [first, second] = rows;
      assert.equal(first?.tiny, -128);
      assert.equal(first?.utiny, 255);
      assert.equal(first?.flag, true);
      assert.equal(first?.medium, 8388607);
      assert.equal(String(first?.big), '-9007199254740993');
      assert.equal(String(first?.ubig), '18446744073709551615');
      assert.equal(first?.price, '123456789.125');
      assert.equal(first?.ratio, 1.5);
      assert.equal(first?.score, 2.25);
      assert.equal(first?.name, 'héllo "world"');
      assert.equal(first?.body, 'long text');
      assert.equal(first?.born, '2024-02-29');
      assert.equal(first?.at_time, '13:14:15');
      assert.equal(first?.created, '2024-01-02 03:04:05.123456');
      assert.equal(first?.seen, '2024-01-02 01:04:05+00');
      assert.equal(first?.yr, 2024);
      assert.equal(first?.raw, '\\x00\\xFF\\x10');
      assert.equal(first?.color, 'green');
      assert.deepEqual(JSON.parse(String(first?.doc)), { a: [1, 2] });
      assert.equal(String(first?.bits), '129');
      assert.equal(first?.uid, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11');
      assertAllMissing(second);
    });

    test('a query with the password from MYSQL_PWD, and refresh picks up new rows', async () => {
      const dir = tempFolder();
      const env = { MYSQL_PWD: server.password };
      await sql('CREATE TABLE growing (n INT)', 'INSERT INTO growing VALUES (1), (2)');
      const first = await importData(
        { kind: 'mysql', url: server.urlWithoutPassword, query: 'SELECT n, n * 1.5 AS more FROM growing ORDER BY n' },
        path.join(dir, 'g.parquet'),
        { env },
      );
      assert.deepEqual((await readBack(path.join(dir, 'g.parquet'))).rows, [
        { n: 1, more: '1.5' },
        { n: 2, more: '3.0' },
      ]);
      await sql('INSERT INTO growing VALUES (3)');
      const again = await refreshImport(path.join(dir, 'g.source.yaml'), { env });
      assert.equal(first.rows, 2);
      assert.equal(again.rows, 3);
    });

    test('many rows stream in batches with flat memory', () =>
      assertFlatMemory('mysql', server, "SELECT seq AS id, seq * 0.5 AS half, CONCAT('row ', seq) AS label FROM seq_1_to_200000", 200_000, 10_000));

    test("Import Data…: the tables of the URL's database and a preview of the first rows, typed as the import", async () => {
      await assertPreviewAndTables('mysql', server, 'everything');
      const preview = await previewImport({ kind: 'mysql', url: server.url, query: 'SELECT seq AS n, seq * 0.5 AS half FROM seq_1_to_200000' }, { rows: 5 });
      assert.deepEqual(
        preview.columns.map((c) => c.name),
        ['n', 'half'],
      );
      assert.deepEqual(preview.rows, [
        ['1', '0.5'],
        ['2', '1.0'],
        ['3', '1.5'],
        ['4', '2.0'],
        ['5', '2.5'],
      ]);
      // Without a database in the URL: every readable database's tables, qualified.
      const everywhere = await listTables(server.url.replace(/\/[^/]*$/, '/'));
      assert.ok(everywhere.includes(`${server.database}.everything`), everywhere.join(', '));
      assert.ok(!everywhere.some((t) => t.startsWith('mysql.')), 'system schemas are left out');
    });

    describe('errors: one clear message, nothing written, the previous file kept', () => {
      const attempt = failingImport('mysql');

      test('wrong password', () =>
        attempt(
          server.url.replace(encodeURIComponent(server.password), 'wrong'),
          { table: 'everything' },
          /MySQL\/MariaDB at 127\.0\.0\.1:\d+ refused the login: Access denied for user 'mlwb'/,
        ));
      test('refused port', async () =>
        attempt(`mysql://mlwb:x@127.0.0.1:${await freePort()}/shop`, { table: 'everything' }, /cannot connect to 127\.0\.0\.1:\d+: connection refused/));
      test('unknown host', () => attempt('mysql://mlwb:x@no-such-host.invalid/shop', { table: 'everything' }, /unknown host no-such-host\.invalid/));
      test('TLS failure', () => attempt(`${server.url}?ssl=required`, { table: 'everything' }, /TLS failure connecting to MySQL\/MariaDB at 127\.0\.0\.1:\d+/));
      test('SQL error with the server message and position', () =>
        attempt(server.url, { query: 'SELECT id FROM everything WHERE' }, /MySQL\/MariaDB error: You have an error in your SQL syntax.*near '' at line 1/));
      test('missing table', () => attempt(server.url, { table: 'nope' }, /table nope does not exist at 127\.0\.0\.1:\d+: Table 'shop\.nope' doesn't exist/));
      test('timeout', () => attempt(server.url, { query: 'SELECT SLEEP(5)', timeoutMs: 300 }, /timed out after 0\.3 s on MySQL\/MariaDB at 127\.0\.0\.1:\d+/));
    });
  },
);
