/** The first rows of a source as they will be imported (typed by the same mapping), for a look before the full import. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { importApi } from './api';
import { importHttpFile } from './httpFile';
import { readMysql } from './mysql';
import { readPostgres } from './postgres';
import { readSqlite } from './sqlite';
import type { ImportPreview } from './previewTable';
import { ImportError, type DatabaseSpec, type ImportSpec, type RowBatch, type SourceOptions } from './types';
import { StagedFile } from './writer';

export type { ImportPreview } from './previewTable';

/** The rows of a database source up to `limit`; the source's cursor or connection is closed once enough arrived. */
async function* firstRows(batches: AsyncGenerator<RowBatch>, limit: number): AsyncGenerator<RowBatch> {
  let seen = 0;
  for await (const batch of batches) {
    const rows = batch.rows.slice(0, limit - seen);
    seen += rows.length;
    yield { columns: batch.columns, rows };
    if (seen >= limit) return;
  }
}

function readDatabase(spec: DatabaseSpec, options: SourceOptions): AsyncGenerator<RowBatch> {
  if (spec.kind === 'postgres') return readPostgres(spec, options);
  if (spec.kind === 'mysql') return readMysql(spec, options);
  return readSqlite(spec, options);
}

/**
 * The first `rows` rows (default 20) of `spec`, typed as `importData` would write them. A database sends only those
 * rows; a file over HTTP is downloaded whole (its format is read from the file); an API reads only its first page.
 */
export async function previewImport(spec: ImportSpec, options: SourceOptions & { readonly rows?: number } = {}): Promise<ImportPreview> {
  const limit = options.rows ?? 20;
  if (!Number.isInteger(limit) || limit < 1) throw new ImportError(`rows must be a positive whole number, not ${limit}`);
  const folder = mkdtempSync(path.join(tmpdir(), 'mlwb-preview-'));
  const staged = new StagedFile(path.join(folder, 'preview.parquet'));
  try {
    const written =
      spec.kind === 'http'
        ? await importHttpFile(spec.url, spec.headers ?? [], staged, options)
        : spec.kind === 'api'
          ? await importApi({ ...spec, maxPages: 1 }, staged, options)
          : await staged.writeRows(firstRows(readDatabase(spec, { ...options, batchSize: limit }), limit), options.signal);
    return { columns: written.columns, rows: await staged.head(limit, written.columns) };
  } finally {
    await staged.dispose();
    rmSync(folder, { recursive: true, force: true });
  }
}

/** The tables and views a database offers (schema-qualified outside the default schema), for pickers. */
export async function listTables(url: string, options: SourceOptions = {}): Promise<string[]> {
  const kind = /^postgres(ql)?:/i.test(url) ? 'postgres' : /^mysql:/i.test(url) ? 'mysql' : /^sqlite:/i.test(url) ? 'sqlite' : undefined;
  if (kind === undefined) throw new ImportError(`tables are listed for postgres://, mysql:// and sqlite: sources, not ${url.split(':')[0]}:`);
  const query = {
    postgres:
      "SELECT CASE WHEN table_schema = 'public' THEN table_name ELSE table_schema || '.' || table_name END FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
    // The URL's database, or every database the user can read when the URL names none.
    mysql:
      "SELECT CASE WHEN DATABASE() IS NOT NULL AND table_schema = DATABASE() THEN table_name ELSE CONCAT(table_schema, '.', table_name) END AS name FROM information_schema.tables WHERE (DATABASE() IS NULL OR table_schema = DATABASE()) AND table_schema NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys') ORDER BY 1",
    sqlite: "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY 1",
  }[kind];
  const tables: string[] = [];
  for await (const batch of readDatabase({ kind, url, query }, options)) {
    for (const row of batch.rows)
      if (row[0] !== null && row[0] !== undefined) tables.push(typeof row[0] === 'string' ? row[0] : Buffer.from(row[0]).toString('utf8'));
  }
  return tables;
}
