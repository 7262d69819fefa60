/** MySQL and MariaDB: a table or query streamed row by row (with back-pressure) in batches, each column typed from its field metadata. */
import mysql from 'mysql2';
import type { FieldPacket, TypeCastField, TypeCastNext } from 'mysql2';
import { CancelledError } from '../types';
import { describeNetworkError } from './http';
import { ImportError, type Cell, type DatabaseSpec, type RowBatch, type SourceColumn, type SourceOptions } from './types';

/** Column type codes of the MySQL protocol. */
const T = {
  DECIMAL: 0,
  TINY: 1,
  SHORT: 2,
  LONG: 3,
  FLOAT: 4,
  DOUBLE: 5,
  NULL: 6,
  TIMESTAMP: 7,
  LONGLONG: 8,
  INT24: 9,
  DATE: 10,
  TIME: 11,
  DATETIME: 12,
  YEAR: 13,
  NEWDATE: 14,
  VARCHAR: 15,
  BIT: 16,
  JSON: 245,
  NEWDECIMAL: 246,
  ENUM: 247,
  SET: 248,
  TINY_BLOB: 249,
  MEDIUM_BLOB: 250,
  LONG_BLOB: 251,
  BLOB: 252,
  VAR_STRING: 253,
  STRING: 254,
  GEOMETRY: 255,
} as const;
const UNSIGNED = 32;
const BINARY_CHARSET = 63;

/** How one column's wire value becomes a staged cell. */
type Convert = (value: string | Buffer | null) => Cell;

interface MappedColumn {
  readonly column: SourceColumn;
  readonly convert: Convert;
}

const toText = (value: string | Buffer | null): string | null => (value === null ? null : typeof value === 'string' ? value : value.toString('utf8'));
const text: Convert = toText;
const bytes: Convert = (value) => (value === null ? null : typeof value === 'string' ? Buffer.from(value) : value);
/** MySQL's zero dates ('0000-00-00') have no calendar value: missing. */
const date: Convert = (value) => {
  const s = toText(value);
  return s === null || s.startsWith('0000-00-00') ? null : s;
};
/** TIMESTAMP values are read in the session's UTC zone. */
const utcTimestamp: Convert = (value) => {
  const s = date(value);
  return s === null ? null : `${s}+00`;
};
const bits: Convert = (value) => {
  if (value === null) return null;
  const buffer = typeof value === 'string' ? Buffer.from(value, 'binary') : value;
  let n = 0n;
  for (const byte of buffer) n = (n << 8n) | BigInt(byte);
  return n.toString();
};

function flagsOf(field: FieldPacket): number {
  return typeof field.flags === 'number' ? field.flags : 0;
}

/** The DuckDB type and conversion of a result field. */
export function mysqlColumn(field: FieldPacket): MappedColumn {
  const type = field.columnType ?? field.type ?? T.VARCHAR;
  const unsigned = (flagsOf(field) & UNSIGNED) !== 0;
  const length = field.columnLength ?? 0;
  const binary = (field.characterSet ?? field.charsetNr) === BINARY_CHARSET;
  const column = (duck: string, convert: Convert = text): MappedColumn => ({ column: { name: field.name, type: duck }, convert });
  switch (type) {
    case T.TINY:
      return column(length === 1 && !unsigned ? 'BOOLEAN' : unsigned ? 'UTINYINT' : 'TINYINT');
    case T.SHORT:
      return column(unsigned ? 'USMALLINT' : 'SMALLINT');
    case T.INT24:
      return column(unsigned ? 'UINTEGER' : 'INTEGER');
    case T.LONG:
      return column(unsigned ? 'UINTEGER' : 'INTEGER');
    case T.LONGLONG:
      return column(unsigned ? 'UBIGINT' : 'BIGINT');
    case T.FLOAT:
      return column('FLOAT');
    case T.DOUBLE:
      return column('DOUBLE');
    case T.DECIMAL:
    case T.NEWDECIMAL: {
      const scale = field.decimals;
      const precision = length - (scale > 0 ? 1 : 0) - (unsigned ? 0 : 1);
      return column(precision >= 1 && precision <= 38 ? `DECIMAL(${precision},${scale})` : 'DOUBLE');
    }
    case T.DATE:
    case T.NEWDATE:
      return column('DATE', date);
    case T.TIME:
      return column('TIME');
    case T.DATETIME:
      return column('TIMESTAMP', date);
    case T.TIMESTAMP:
      return column('TIMESTAMPTZ', utcTimestamp);
    case T.YEAR:
      return column('SMALLINT');
    case T.BIT:
      return length === 1 ? column('BOOLEAN', bits) : column('UBIGINT', bits);
    case T.NULL:
      return column('VARCHAR');
    case T.GEOMETRY:
      return column('BLOB', bytes);
    case T.TINY_BLOB:
    case T.MEDIUM_BLOB:
    case T.LONG_BLOB:
    case T.BLOB:
    case T.VAR_STRING:
    case T.STRING:
    case T.VARCHAR:
      return binary ? column('BLOB', bytes) : column(field.extendedTypeName === 'uuid' ? 'UUID' : 'VARCHAR');
    default:
      return column('VARCHAR');
  }
}

/** Raw wire values: text for most types, bytes where the bytes are the value. */
function typeCast(field: TypeCastField, _next: TypeCastNext): unknown {
  switch (field.type) {
    case 'BIT':
    case 'GEOMETRY':
    case 'TINY_BLOB':
    case 'MEDIUM_BLOB':
    case 'LONG_BLOB':
    case 'BLOB':
    case 'VAR_STRING':
    case 'STRING':
    case 'VARCHAR':
      return field.buffer();
    default:
      return field.string();
  }
}

/** Quotes a possibly database-qualified table name: `db`.`table`. */
export function quoteMysqlTable(table: string): string {
  return table
    .split('.')
    .map((part) => `\`${part.replace(/^`|`$/g, '').replace(/`/g, '``')}\``)
    .join('.');
}

function describeError(error: unknown, spec: DatabaseSpec, url: URL, timeoutMs: number): Error {
  if (error instanceof ImportError || error instanceof CancelledError) return error;
  const e = error as { code?: string; errno?: number; sqlMessage?: string; message?: string; fatal?: boolean };
  const where = `${url.hostname}:${url.port || 3306}`;
  const message = e.sqlMessage ?? e.message ?? String(error);
  if (e.code === 'ER_ACCESS_DENIED_ERROR' || e.code === 'ER_DBACCESS_DENIED_ERROR')
    return new ImportError(`MySQL/MariaDB at ${where} refused the login: ${message}`);
  if (e.code === 'ER_NO_SUCH_TABLE' && spec.table !== undefined) return new ImportError(`table ${spec.table} does not exist at ${where}: ${message}`);
  if (e.code === 'PROTOCOL_SEQUENCE_TIMEOUT' || e.code === 'ETIMEDOUT')
    return new ImportError(`timed out after ${timeoutMs / 1000} s on MySQL/MariaDB at ${where}`);
  if (e.code === 'HANDSHAKE_NO_SSL_SUPPORT' || /SSL|TLS|certificate/i.test(message))
    return new ImportError(`TLS failure connecting to MySQL/MariaDB at ${where}: ${message}`);
  if (e.errno !== undefined && e.sqlMessage !== undefined) return new ImportError(`MySQL/MariaDB error: ${message}`);
  return describeNetworkError(error, `mysql://${where}`, timeoutMs);
}

/** Connection settings from a mysql:// URL; the password comes from the URL or MYSQL_PWD. */
function connectionOptions(url: URL, env: Readonly<Record<string, string | undefined>>, timeoutMs: number): mysql.ConnectionOptions {
  const ssl = url.searchParams.get('ssl') ?? url.searchParams.get('sslmode') ?? url.searchParams.get('ssl-mode');
  const password = url.password !== '' ? decodeURIComponent(url.password) : env.MYSQL_PWD;
  return {
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    ...(password !== undefined ? { password } : {}),
    database: decodeURIComponent(url.pathname.replace(/^\//, '')) || undefined,
    connectTimeout: timeoutMs,
    timezone: 'Z',
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    typeCast,
    ...(ssl && !/^(false|0|disabled?)$/i.test(ssl) ? { ssl: { rejectUnauthorized: !/^(preferred|required?)$/i.test(ssl) } } : {}),
  };
}

/** Streams the rows of a table or query in batches; the first batch carries the columns even when there are no rows. */
export async function* readMysql(spec: DatabaseSpec, options: SourceOptions = {}): AsyncGenerator<RowBatch> {
  const url = new URL(spec.url);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const sql = spec.query !== undefined ? spec.query.trim().replace(/;+\s*$/, '') : `SELECT * FROM ${quoteMysqlTable(spec.table ?? '')}`;
  const connection = mysql.createConnection(connectionOptions(url, options.env ?? process.env, timeoutMs));
  connection.on('error', () => undefined);
  const cancel = (): void => connection.destroy();
  options.signal?.addEventListener('abort', cancel, { once: true });
  try {
    await new Promise<void>((resolve, reject) => connection.connect((error) => (error ? reject(error) : resolve())));
    await new Promise<void>((resolve, reject) => connection.query("SET time_zone = '+00:00'", (error) => (error ? reject(error) : resolve())));
    let mapped: MappedColumn[] | undefined;
    const query = connection.query({ sql, rowsAsArray: true, ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}) });
    query.on('fields', (fields: FieldPacket[]) => (mapped = fields.map(mysqlColumn)));
    const stream = query.stream({ highWaterMark: 1000 });
    const batchSize = options.batchSize ?? 10_000;
    let rows: Cell[][] = [];
    for await (const row of stream as AsyncIterable<(string | Buffer | null)[]>) {
      const columns = mapped as MappedColumn[];
      rows.push(columns.map((c, i) => c.convert(row[i] ?? null)));
      if (rows.length >= batchSize) {
        yield { columns: columns.map((c) => c.column), rows };
        rows = [];
      }
    }
    if (!mapped) throw new ImportError('the statement returned no result set (it must be a SELECT or a table)');
    yield { columns: mapped.map((c) => c.column), rows };
  } catch (error) {
    if (options.signal?.aborted) throw new CancelledError();
    throw describeError(error, spec, url, timeoutMs);
  } finally {
    options.signal?.removeEventListener('abort', cancel);
    connection.destroy();
  }
}
