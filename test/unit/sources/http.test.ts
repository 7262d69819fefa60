import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { DuckDBInstance } from '@duckdb/node-api';
import { importData, readSidecar, refreshImport, type ImportSpec } from '../../../src/core/sources';
import { assertNothingWritten, readBack, seed, tempFolder } from './helpers';
import { freePort } from './servers';
import { CSV, TOKEN, startSelfSignedServer, startWebServer, type WebServer } from './webServer';

const root = path.join(__dirname, '..', '..', '..');

async function parquetBytes(): Promise<Buffer> {
  const file = path.join(tempFolder(), 'p.parquet');
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  await connection.run(`COPY (SELECT range AS id, range * 1.5 AS value, 'r' || range AS label FROM range(5)) TO '${file}' (FORMAT parquet)`);
  connection.closeSync();
  instance.closeSync();
  return readFileSync(file);
}

describe('imports over HTTP from a local server', () => {
  let web: WebServer;
  before(async () => {
    web = await startWebServer(await parquetBytes());
  });
  after(async () => {
    await web?.close();
  });

  describe('files, by extension or Content-Type', () => {
    const expected: [string, string, Record<string, string>, number][] = [
      ['data.csv', 'csv by extension', { id: 'BIGINT', name: 'VARCHAR', price: 'DOUBLE', when: 'DATE' }, 3],
      ['data.tsv', 'tsv by extension', { id: 'BIGINT', name: 'VARCHAR', price: 'DOUBLE', when: 'DATE' }, 3],
      ['data.json', 'a json array', { id: 'BIGINT', name: 'VARCHAR', nested: 'STRUCT(a BIGINT)' }, 2],
      ['data.jsonl', 'json lines', { id: 'BIGINT', ok: 'BOOLEAN' }, 2],
      ['data.parquet', 'parquet', { id: 'BIGINT', value: 'DECIMAL(21,1)', label: 'VARCHAR' }, 5],
      ['export', 'csv by Content-Type text/csv', { id: 'BIGINT', name: 'VARCHAR', price: 'DOUBLE', when: 'DATE' }, 3],
      ['stream', 'json lines by Content-Type application/x-ndjson', { id: 'BIGINT' }, 3],
    ];
    for (const [file, what, types, rows] of expected) {
      test(what, async () => {
        const dir = tempFolder();
        const out = path.join(dir, 'out.parquet');
        const result = await importData({ kind: 'http', url: `${web.url}/files/${file}` }, out);
        assert.equal(result.rows, rows);
        const back = await readBack(out);
        assert.deepEqual(back.types, types);
        assert.deepEqual(Object.fromEntries(result.columns.map((c) => [c.name, c.type])), types);
        if (file === 'data.csv') {
          assert.deepEqual(back.rows[2], { id: '3', name: 'fig, dried', price: 3.25, when: null });
          assert.equal(back.rows[1]?.price, null);
        }
        const sidecar = readSidecar(path.join(dir, 'out.source.yaml'));
        assert.deepEqual({ kind: sidecar.source.kind, url: sidecar.source.url }, { kind: 'http', url: `${web.url}/files/${file}` });
      });
    }
  });

  test('a paginated API: token from ${ENV}, relative next links, 429 honoured, nested objects flattened, and no token on disk', async () => {
    const dir = tempFolder();
    const out = path.join(dir, 'items.parquet');
    const spec: ImportSpec = {
      kind: 'api',
      url: `${web.url}/api/items?page=1`,
      records: 'data.items',
      next: 'paging.next',
      headers: ['Authorization: Bearer ${API_TOKEN}'],
    };
    const result = await importData(spec, out, { env: { API_TOKEN: TOKEN } });
    assert.equal(result.rows, 6);
    assert.equal(web.hits.get('/api/items?page=2'), 2, 'page 2 was asked again after its 429');
    const back = await readBack(out);
    assert.deepEqual(back.types, {
      id: 'BIGINT',
      name: 'VARCHAR',
      'owner.name': 'VARCHAR',
      'owner.address.city': 'VARCHAR',
      tags: 'VARCHAR[]',
      score: 'DOUBLE',
    });
    assert.deepEqual(back.rows[0], { id: '1', name: 'item 1', 'owner.name': 'user 1', 'owner.address.city': 'Paris', tags: ['a', 'b'], score: 0.25 });
    assert.deepEqual(
      back.rows.map((r) => r.id),
      ['1', '2', '3', '4', '5', '6'],
    );
    const sidecarText = readFileSync(path.join(dir, 'items.source.yaml'), 'utf8');
    assert.ok(!sidecarText.includes(TOKEN), 'the token is never written');
    const sidecar = readSidecar(path.join(dir, 'items.source.yaml'));
    assert.deepEqual(sidecar.source.headers, ['Authorization: Bearer ${API_TOKEN}']);
    assert.equal(sidecar.source.records, 'data.items');
    assert.equal(sidecar.source.next, 'paging.next');
    const again = await refreshImport(path.join(dir, 'items.source.yaml'), { env: { API_TOKEN: TOKEN } });
    assert.equal(again.rows, 6);
    assert.equal(again.sha256, result.sha256);
  });

  test('the Link header is followed without --next, and --max-pages stops early', async () => {
    const dir = tempFolder();
    const all = await importData({ kind: 'api', url: `${web.url}/api/linked`, records: '' }, path.join(dir, 'all.parquet'));
    assert.equal(all.rows, 6);
    const two = await importData({ kind: 'api', url: `${web.url}/api/linked`, records: '.', maxPages: 2 }, path.join(dir, 'two.parquet'));
    assert.equal(two.rows, 4);
  });

  test('mlwb import URL --records … --json, with a literal token header that is used but not saved', async () => {
    const dir = tempFolder();
    // Not spawnSync: the web server answers from this process's event loop.
    const run = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        require.resolve('tsx'),
        path.join(root, 'src', 'cli', 'mlwb.ts'),
        'import',
        `${web.url}/api/items?page=1`,
        '--records',
        'data.items',
        '--next',
        'paging.next',
        '--header',
        `Authorization: Bearer ${TOKEN}`,
        '--header',
        'X-Client: mlwb',
        '--json',
      ],
      { cwd: dir, encoding: 'utf8' },
    );
    const json = JSON.parse(run.stdout) as {
      path: string;
      rows: number;
      columns: { name: string; type: string }[];
      sha256: string;
      source: Record<string, unknown>;
    };
    assert.equal(json.path, path.join(dir, 'data', 'items.parquet'));
    assert.equal(json.rows, 6);
    assert.deepEqual(json.columns[2], { name: 'owner.name', type: 'VARCHAR' });
    assert.deepEqual(json.source.headers, ['X-Client: mlwb']);
    assert.match(run.stderr, /the value of header Authorization is not saved/);
    assert.ok(!readFileSync(path.join(dir, 'data', 'items.source.yaml'), 'utf8').includes(TOKEN));
  });

  describe('errors: one clear message, nothing written, the previous file kept', () => {
    const attempt = async (spec: ImportSpec, message: RegExp, options: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<void> => {
      const dir = tempFolder();
      const before = seed(dir, { 'out.parquet': 'previous import', 'out.source.yaml': 'previous sidecar' });
      await assert.rejects(
        importData(spec, path.join(dir, 'out.parquet'), { timeoutMs: options.timeoutMs ?? 5000, maxRetries: 2, env: options.env ?? {} }),
        message,
      );
      assertNothingWritten(dir, before);
    };
    const file = (name: string): ImportSpec => ({ kind: 'http', url: `${web.url}/files/${name}` });

    test('HTTP 404 with the first bytes of the body', () =>
      attempt(file('missing.csv'), /^ImportError: HTTP 404 Not Found from http:\/\/127\.0\.0\.1:\d+\/files\/missing\.csv: no such file here$/));
    test('HTTP 500, body cut to its first bytes', () => attempt(file('broken.csv'), /HTTP 500 Internal Server Error from .*: internal failure x+…$/));
    test('HTTP 401 from an API without its token', () =>
      attempt(
        { kind: 'api', url: `${web.url}/api/items`, records: 'data.items' },
        /HTTP 401 Unauthorized from .*\/api\/items: \{"error":"missing or wrong token"\}/,
      ));
    test('an unset ${VAR} in a header', () =>
      attempt(
        { kind: 'api', url: `${web.url}/api/items`, records: 'data.items', headers: ['Authorization: Bearer ${NOT_SET}'] },
        /environment variable NOT_SET is not set \(used in --header Authorization\)/,
      ));
    test('503 that stays after the bounded retries', () =>
      attempt({ kind: 'api', url: `${web.url}/api/busy`, records: 'rows' }, /HTTP 503 Service Unavailable \(still after 2 retries\) from .*\/api\/busy/));
    test('HTML where a data file was expected (by Content-Type)', () =>
      attempt(file('page'), /expected a data file from .*\/files\/page but the server sent an HTML page \(Content-Type: text\/html; charset=utf-8\)/));
    test('HTML where a csv was expected (by its content)', () =>
      attempt(file('login.csv'), /expected csv from .*\/files\/login\.csv but got an HTML page: <!DOCTYPE html><html><body>Please log in/));
    test('HTML where JSON was expected', () =>
      attempt(
        { kind: 'api', url: `${web.url}/api/html`, records: 'rows' },
        /expected JSON from .*\/api\/html \(page 1\) but got HTML: <html><head><title>Sign in/,
      ));
    test('a format that cannot be told', () =>
      attempt(file('mystery'), /cannot tell the format of .*\/files\/mystery: .*Content-Type is application\/octet-stream/));
    test('records path not found', () =>
      attempt(
        { kind: 'api', url: `${web.url}/api/items`, records: 'data.rows', headers: [`Authorization: Bearer ${TOKEN}`] },
        /records path "data\.rows" is not an array in page 1 from .*: nothing is there \(the page has keys there: data, paging\)/,
      ));
    test('a next-link loop', () =>
      attempt(
        { kind: 'api', url: `${web.url}/api/loop?page=1`, records: 'rows', next: 'next' },
        /the next-page link of page 2 loops back to http:\/\/127\.0\.0\.1:\d+\/api\/loop\?page=1, an already fetched page/,
      ));
    test('a truncated download', () =>
      attempt(
        file('truncated.csv'),
        new RegExp(`download of .*/files/truncated\\.csv was truncated: got \\d+ bytes of ${CSV.length * 10} before the connection closed`),
      ));
    test('a timeout', () => attempt(file('silent.csv'), /timed out after 0\.3 s waiting for .*\/files\/silent\.csv/, { timeoutMs: 300 }));
    test('refused port', async () =>
      attempt({ kind: 'http', url: `http://127.0.0.1:${await freePort()}/x.csv` }, /cannot connect to 127\.0\.0\.1:\d+: connection refused/));
    test('unknown host', () => attempt({ kind: 'http', url: 'http://no-such-host.invalid/x.csv' }, /unknown host no-such-host\.invalid/));
    test('TLS failure (self-signed certificate)', async (t) => {
      const tls = await startSelfSignedServer();
      if (!tls) return t.skip('openssl is not installed');
      try {
        await attempt({ kind: 'http', url: `${tls.url}/data.csv` }, /TLS failure connecting to 127\.0\.0\.1:\d+: self[- ]signed certificate/);
      } finally {
        await tls.close();
      }
    });

    test('disk full', async (t) => {
      const mount = path.join(tempFolder(), 'small');
      mkdirSync(mount);
      const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', mount]);
      if (mounted.status !== 0) return t.skip('needs root to mount a small tmpfs');
      try {
        const before = seed(mount, { 'out.source.yaml': 'previous sidecar' });
        const db = path.join(path.dirname(mount), 'big.db');
        const sqlite = new Database(db);
        sqlite.exec(
          'CREATE TABLE noise AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) SELECT i, hex(randomblob(32)) AS h FROM n',
        );
        sqlite.close();
        await assert.rejects(
          importData({ kind: 'sqlite', url: `sqlite:${db}`, table: 'noise' }, path.join(mount, 'out.parquet')),
          /^ImportError: disk full: not enough space to write .*out\.parquet$/,
        );
        assertNothingWritten(mount, before);
      } finally {
        spawnSync('umount', [mount]);
        rmSync(path.dirname(mount), { recursive: true, force: true });
      }
    });
  });

  test('the out folder is created, an out that is a folder is refused', async () => {
    const dir = tempFolder();
    await importData({ kind: 'http', url: `${web.url}/files/data.csv` }, path.join(dir, 'a', 'b', 'c.parquet'));
    assert.ok(existsSync(path.join(dir, 'a', 'b', 'c.source.yaml')));
    await assert.rejects(importData({ kind: 'http', url: `${web.url}/files/data.csv` }, path.join(dir, 'a')), /--out .* is a folder/);
  });
});
