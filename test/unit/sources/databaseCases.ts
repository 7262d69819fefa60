/**
 * What the PostgreSQL and MySQL/MariaDB import tests share: a table's round trip (types, values, NULLs, a sidecar
 * without the password), streaming with flat memory, the error cases' "one message, nothing written" scaffolding,
 * and the preview and table list of Import Data….
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { importData, listTables, previewImport, readSidecar, type ImportResult } from '../../../src/core/sources';
import { assertNothingWritten, readBack, seed, tempFolder } from './helpers';
import type { RunningServer } from './servers';

type DatabaseKind = 'postgres' | 'mysql';

/** Imports `table` into a fresh folder and reads the file back; the sidecar must hold the URL without the password. */
export async function roundTrip(
  kind: DatabaseKind,
  server: RunningServer,
  table: string,
): Promise<{ result: ImportResult; types: Record<string, string>; rows: Record<string, unknown>[]; dir: string }> {
  const dir = tempFolder();
  const out = path.join(dir, `${table}.parquet`);
  const result = await importData({ kind, url: server.url, table }, out);
  const { types, rows } = await readBack(out);
  const sidecarFile = path.join(dir, `${table}.source.yaml`);
  const sidecar = readFileSync(sidecarFile, 'utf8');
  assert.ok(!sidecar.includes(server.password) && !sidecar.includes(encodeURIComponent(server.password)), 'the password is never written');
  assert.equal(readSidecar(sidecarFile).source.url, server.urlWithoutPassword);
  assert.deepEqual(
    result.columns.map((c) => c.type),
    Object.values(types),
    'the result lists the types the file holds',
  );
  return { result, types, rows, dir };
}

/** Every column of the row but `id` is missing. */
export function assertAllMissing(row: Record<string, unknown> | undefined): void {
  assert.ok(row);
  for (const [name, value] of Object.entries(row)) if (name !== 'id') assert.equal(value, null, `${name} should be missing`);
}

/** Imports a query of `rows` rows in batches and checks that memory grew by less than 300 MB. */
export async function assertFlatMemory(kind: DatabaseKind, server: RunningServer, query: string, rows: number, batchSize: number): Promise<void> {
  const dir = tempFolder();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  try {
    const result = await importData({ kind, url: server.url, query }, path.join(dir, 'big.parquet'), { batchSize });
    assert.equal(result.rows, rows);
  } finally {
    clearInterval(timer);
  }
  const grewMb = (peak - baseline) / 2 ** 20;
  assert.ok(grewMb < 300, `memory grew by ${grewMb.toFixed(0)} MB`);
}

/** An import that must fail with `message`, leaving a previous import (file and sidecar) untouched. */
export function failingImport(kind: DatabaseKind) {
  return async (url: string, options: { table?: string; query?: string; timeoutMs?: number }, message: RegExp): Promise<void> => {
    const dir = tempFolder();
    const before = seed(dir, { 'out.parquet': 'previous import', 'out.source.yaml': 'previous sidecar' });
    await assert.rejects(
      importData({ kind, url, table: options.table, query: options.query }, path.join(dir, 'out.parquet'), {
        timeoutMs: options.timeoutMs ?? 5000,
        env: {},
      }),
      message,
    );
    assertNothingWritten(dir, before);
  };
}

/**
 * Import Data…'s preview and table list: the tables include `table`; the preview of `table` has the columns and
 * types of the full import and its first rows as text, without writing anything; a limit of 1 gives one row.
 */
export async function assertPreviewAndTables(kind: DatabaseKind, server: RunningServer, table: string): Promise<void> {
  const tables = await listTables(server.urlWithoutPassword, { env: { PGPASSWORD: server.password, MYSQL_PWD: server.password } });
  assert.ok(tables.includes(table), `${table} is not in ${tables.join(', ')}`);
  const full = await roundTrip(kind, server, table);
  const preview = await previewImport({ kind, url: server.url, table });
  assert.deepEqual(preview.columns, full.result.columns);
  assert.equal(preview.rows.length, full.rows.length);
  const id = preview.columns.findIndex((c) => c.name === 'id');
  assert.deepEqual(
    preview.rows.map((row) => row[id]),
    full.rows.map((row) => String(row.id)),
  );
  const missingRow = preview.rows.findIndex(
    (_, i) => full.rows[i] !== undefined && Object.entries(full.rows[i] ?? {}).every(([n, v]) => n === 'id' || v === null),
  );
  if (missingRow >= 0)
    assert.deepEqual(
      preview.rows[missingRow]?.filter((_, i) => i !== id),
      preview.columns.slice(1).map(() => null),
      'missing values stay missing',
    );
  const one = await previewImport({ kind, url: server.url, table }, { rows: 1 });
  assert.equal(one.rows.length, 1);
  await assert.rejects(listTables(server.url.replace(encodeURIComponent(server.password), 'wrong'), { timeoutMs: 5000, env: {} }), /refused the login/);
}
