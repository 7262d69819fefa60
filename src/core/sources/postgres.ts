/** PostgreSQL: a table or query read through a server-side cursor in batches, each column typed from its OID. */
import pg from 'pg';
import { CancelledError } from '../types';
import { describeNetworkError } from './http';
import { ImportError, type Cell, type DatabaseSpec, type RowBatch, type SourceColumn, type SourceOptions } from './types';

/** DuckDB types of PostgreSQL's built-in types by OID; anything else arrives as its text form. */
const TYPES_BY_OID: Record<number, string> = {
  16: 'BOOLEAN',
  17: 'BLOB',
  18: 'VARCHAR',
  19: 'VARCHAR',
  20: 'BIGINT',
  21: 'SMALLINT',
  23: 'INTEGER',
  25: 'VARCHAR',
  26: 'UINTEGER',
  114: 'VARCHAR',
  142: 'VARCHAR',
  700: 'FLOAT',
  701: 'DOUBLE',
  790: 'VARCHAR',
  1042: 'VARCHAR',
  1043: 'VARCHAR',
  1082: 'DATE',
  1083: 'TIME',
  1114: 'TIMESTAMP',
  1184: 'TIMESTAMPTZ',
  1186: 'INTERVAL',
  1266: 'TIMETZ',
  2950: 'UUID',
  3802: 'VARCHAR',
};

/** numeric(p,s) becomes DECIMAL(p,s) up to DuckDB's 38 digits; unconstrained or wider numerics become DOUBLE. */
function numericType(typmod: number): string {
  if (typmod < 4) return 'DOUBLE';
  const precision = ((typmod - 4) >> 16) & 0xffff;
  const scale = (typmod - 4) & 0xffff;
  return precision >= 1 && precision <= 38 && scale <= precision ? `DECIMAL(${precision},${scale})` : 'DOUBLE';
}

/** The DuckDB type of a result field. */
export function postgresType(field: { dataTypeID: number; dataTypeModifier: number }): string {
  if (field.dataTypeID === 1700) return numericType(field.dataTypeModifier);
  return TYPES_BY_OID[field.dataTypeID] ?? 'VARCHAR';
}

/** Text for every type (DuckDB casts it), bytes for bytea. */
const rawTypes = {
  getTypeParser: (oid: number) => (oid === 17 ? pg.types.getTypeParser(17, 'text') : (value: string) => value),
} as unknown as pg.CustomTypesConfig;

/** Quotes a possibly schema-qualified table name: "schema"."table". */
export function quoteTable(table: string): string {
  return table
    .split('.')
    .map((part) => `"${part.replace(/^"|"$/g, '').replace(/"/g, '""')}"`)
    .join('.');
}

function describeError(error: unknown, spec: DatabaseSpec, url: URL, timeoutMs: number, sqlOffset: number, sql: string): Error {
  if (error instanceof ImportError || error instanceof CancelledError) return error;
  const e = error as pg.DatabaseError & NodeJS.ErrnoException;
  const where = `${url.hostname}:${url.port || 5432}`;
  const message = e?.message ?? String(error);
  if (e?.code === '28P01' || e?.code === '28000')
    return new ImportError(`PostgreSQL at ${where} refused the login of user "${decodeURIComponent(url.username)}": ${message}`);
  if (/password must be a string/.test(message))
    return new ImportError(`PostgreSQL at ${where} asks for a password for user "${decodeURIComponent(url.username)}": put it in the URL or in PGPASSWORD`);
  if (e?.code === '3D000') return new ImportError(`PostgreSQL at ${where}: ${message}`);
  if (e?.code === '42P01' && spec.table !== undefined)
    return new ImportError(`table ${spec.table} does not exist in ${url.pathname.slice(1)} at ${where} (${message})`);
  if (e?.code === '57014') return new ImportError(`the query timed out after ${timeoutMs / 1000} s on PostgreSQL at ${where}`);
  if (/does not support SSL|SSL|TLS|certificate/i.test(message) && !e?.severity)
    return new ImportError(`TLS failure connecting to PostgreSQL at ${where}: ${message}`);
  if (/timeout/i.test(message) && !e?.severity) return new ImportError(`timed out after ${timeoutMs / 1000} s connecting to PostgreSQL at ${where}`);
  if (e?.severity) {
    const position = Number(e.position);
    const at =
      Number.isFinite(position) && position > sqlOffset
        ? ` at position ${position - sqlOffset} of the query (near "${sql.slice(position - sqlOffset - 1, position - sqlOffset + 19).split('\n')[0]}")`
        : '';
    return new ImportError(`PostgreSQL error: ${message}${at}`);
  }
  return describeNetworkError(error, `postgres://${where}`, timeoutMs);
}

/** pg's ssl setting for libpq's sslmode: require encrypts, verify-ca/verify-full also check the certificate. */
function sslOption(mode: string | null): pg.ClientConfig['ssl'] {
  if (mode === null || mode === 'disable' || mode === 'allow' || mode === 'prefer') return false;
  if (mode === 'require') return { rejectUnauthorized: false };
  return { rejectUnauthorized: true };
}

/** Streams the rows of a table or query in batches; the first batch carries the columns even when there are no rows. */
export async function* readPostgres(spec: DatabaseSpec, options: SourceOptions = {}): AsyncGenerator<RowBatch> {
  const url = new URL(spec.url);
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const sql = spec.query !== undefined ? spec.query.trim().replace(/;+\s*$/, '') : `SELECT * FROM ${quoteTable(spec.table ?? '')}`;
  const declare = 'DECLARE mlwb_import NO SCROLL CURSOR FOR ';
  const password = url.password !== '' ? decodeURIComponent(url.password) : env.PGPASSWORD;
  const client = new pg.Client({
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')) || undefined,
    ...(password !== undefined ? { password } : {}),
    ssl: sslOption(url.searchParams.get('sslmode')),
    connectionTimeoutMillis: timeoutMs,
    ...(options.timeoutMs ? { statement_timeout: options.timeoutMs } : {}),
    types: rawTypes,
    application_name: 'mlwb import',
  });
  client.on('error', () => undefined);
  const cancel = (): void => void client.end().catch(() => undefined);
  options.signal?.addEventListener('abort', cancel, { once: true });
  let offset = 0;
  try {
    await client.connect();
    await client.query("SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 3");
    await client.query('BEGIN READ ONLY');
    offset = declare.length;
    await client.query(declare + sql);
    offset = 0;
    let columns: SourceColumn[] | undefined;
    const batchSize = options.batchSize ?? 10_000;
    for (;;) {
      if (options.signal?.aborted) throw new CancelledError();
      const result = await client.query<Cell[]>({ text: `FETCH FORWARD ${batchSize} FROM mlwb_import`, rowMode: 'array' });
      columns ??= result.fields.map((field) => ({ name: field.name, type: postgresType(field) }));
      yield { columns, rows: result.rows };
      if (result.rows.length < batchSize) break;
    }
    await client.query('COMMIT');
  } catch (error) {
    if (options.signal?.aborted) throw new CancelledError();
    throw describeError(error, spec, url, timeoutMs, offset, sql);
  } finally {
    options.signal?.removeEventListener('abort', cancel);
    await client.end().catch(() => undefined);
  }
}
