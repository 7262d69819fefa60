/** SQLite: a table or query read with better-sqlite3 in batches; column types from the declared types (SQLite's affinity rules), else from the values. */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { CancelledError } from '../types';
import { ImportError, type Cell, type DatabaseSpec, type RowBatch, type SourceColumn, type SourceOptions } from './types';

/** The DuckDB type of a declared SQLite column type, following SQLite's affinity rules; undefined when nothing is declared. */
export function sqliteType(declared: string | null): string | undefined {
  if (!declared) return undefined;
  const type = declared.toUpperCase();
  const decimal = /^(DECIMAL|NUMERIC)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/.exec(type);
  if (decimal) {
    const precision = Number(decimal[2]);
    const scale = Number(decimal[3] ?? 0);
    return precision >= 1 && precision <= 38 && scale <= precision ? `DECIMAL(${precision},${scale})` : 'DOUBLE';
  }
  if (/^BOOL/.test(type)) return 'BOOLEAN';
  if (/^DATETIME|^TIMESTAMP/.test(type)) return 'TIMESTAMP';
  if (/^DATE$/.test(type)) return 'DATE';
  if (/^TIME$/.test(type)) return 'TIME';
  if (/INT/.test(type)) return 'BIGINT';
  if (/CHAR|CLOB|TEXT/.test(type)) return 'VARCHAR';
  if (/BLOB/.test(type)) return 'BLOB';
  if (/REAL|FLOA|DOUB/.test(type)) return 'DOUBLE';
  return 'DOUBLE';
}

type Value = bigint | number | string | Buffer | null;

/** The type of an undeclared column (an expression) from its first non-null value. */
function typeOfValue(value: Value | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'bigint') return 'BIGINT';
  if (typeof value === 'number') return 'DOUBLE';
  if (typeof value === 'string') return 'VARCHAR';
  return 'BLOB';
}

function cell(value: Value | undefined, type: string): Cell {
  if (value === null || value === undefined) return null;
  if (value instanceof Uint8Array) return type === 'BLOB' ? value : Buffer.from(value).toString('utf8');
  if (type === 'BLOB') return Buffer.from(String(value));
  if (type === 'BOOLEAN' && typeof value !== 'string') return value ? 'true' : 'false';
  return typeof value === 'number' && !Number.isFinite(value) ? (Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf') : String(value);
}

/** The database file of a sqlite:PATH source, relative paths against `base`. */
export function sqlitePath(url: string, base = process.cwd()): string {
  const file = url.replace(/^sqlite:(\/\/)?/i, '');
  return path.resolve(base, file);
}

type DatabaseConstructor = typeof BetterSqlite3;
let loaded: DatabaseConstructor | undefined;

/**
 * better-sqlite3 is a native module built for one platform, so it is loaded on first use: where it is missing or built
 * for another platform (see the README's install section) SQLite import says so and every other source still works.
 */
function loadBetterSqlite(): DatabaseConstructor {
  if (loaded) return loaded;
  try {
    if (typeof require !== 'function') throw new Error('require is not available in this module format');
    const nodeRequire: NodeRequire = require;
    const Database = nodeRequire('better-sqlite3') as DatabaseConstructor;
    // The native part loads with the first database: open one in memory to find out now.
    new Database(':memory:').close();
    loaded = Database;
    return Database;
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new ImportError(
      `SQLite import is unavailable here (${process.platform}-${process.arch}, Node ABI ${process.versions.modules}): its native module better-sqlite3 could not be loaded (${reason}). ` +
        'The mlwb command-line package installs it for its machine (npm install -g mlwb-cli-<version>.tgz); or export the table to CSV and import that.',
    );
  }
}

/** Streams the rows of a table or query in batches; the first batch carries the columns even when there are no rows. */
export async function* readSqlite(spec: DatabaseSpec, options: SourceOptions = {}): AsyncGenerator<RowBatch> {
  const file = sqlitePath(spec.url);
  if (!existsSync(file)) throw new ImportError(`SQLite database not found: ${file}`);
  const Database = loadBetterSqlite();
  let db: BetterSqlite3.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, timeout: options.timeoutMs ?? 30_000 });
  } catch (error) {
    throw new ImportError(`cannot open SQLite database ${file}: ${(error as Error).message}`);
  }
  let iterator: IterableIterator<Value[]> | undefined;
  try {
    const sql = spec.query !== undefined ? spec.query.trim().replace(/;+\s*$/, '') : `SELECT * FROM "${(spec.table ?? '').replace(/"/g, '""')}"`;
    let statement: BetterSqlite3.Statement;
    try {
      statement = db.prepare(sql);
    } catch (error) {
      const message = (error as Error).message;
      if (spec.table !== undefined && /no such table/i.test(message)) throw new ImportError(`table ${spec.table} does not exist in ${file}`);
      throw new ImportError(`SQLite error: ${message}`);
    }
    if (!statement.reader) throw new ImportError('the statement returns no rows (it must be a SELECT or a table)');
    statement.raw(true).safeIntegers(true);
    const declared = statement.columns();
    const batchSize = options.batchSize ?? 10_000;
    const rowsOf = statement.iterate() as IterableIterator<Value[]>;
    iterator = rowsOf;
    let columns: SourceColumn[] | undefined;
    for (;;) {
      if (options.signal?.aborted) throw new CancelledError();
      const rows: Value[][] = [];
      for (let next = rowsOf.next(); !next.done; next = rowsOf.next()) {
        rows.push(next.value);
        if (rows.length >= batchSize) break;
      }
      columns ??= declared.map((c, i) => ({
        name: c.name,
        type: sqliteType(c.type) ?? typeOfValue(rows.find((row) => row[i] !== null)?.[i]) ?? 'VARCHAR',
      }));
      const types = columns.map((c) => c.type);
      yield { columns, rows: rows.map((row) => types.map((type, i) => cell(row[i], type))) };
      if (rows.length < batchSize) break;
      // Let other work run between batches: better-sqlite3 reads synchronously.
      await new Promise((resolve) => setImmediate(resolve));
    }
  } catch (error) {
    if (error instanceof ImportError || error instanceof CancelledError) throw error;
    throw new ImportError(`SQLite error: ${(error as Error).message}`);
  } finally {
    iterator?.return?.();
    db.close();
  }
}
