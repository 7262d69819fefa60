/**
 * Writes imported rows to a data file through DuckDB with flat memory: rows are appended to a
 * staging table in DuckDB, which spills to disk past 128 MB (text cells, cast to their types once at the end),
 * then copied to the output format in a temporary file beside the target, which replaces the
 * target only when everything succeeded.
 */
import { createHash } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance, type DuckDBAppender, type DuckDBConnection } from '@duckdb/node-api';
import { CancelledError } from '../types';
import { ImportError, type RowBatch, type SourceColumn } from './types';

/** SQL identifier quoting for DuckDB. */
export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;
/** SQL string literal quoting for DuckDB. */
export const quoteLiteral = (value: string): string => `'${value.replace(/'/g, "''")}'`;

/** The COPY options for an output file, chosen by its extension. */
function copyFormat(file: string): string {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.parquet' || ext === '.pq') return '(FORMAT parquet, COMPRESSION zstd)';
  if (ext === '.csv') return '(FORMAT csv, HEADER true)';
  if (ext === '.tsv') return "(FORMAT csv, HEADER true, DELIMITER '\t')";
  if (ext === '.jsonl' || ext === '.ndjson') return '(FORMAT json)';
  if (ext === '.json') return '(FORMAT json, ARRAY true)';
  throw new ImportError(`cannot write ${path.basename(file)}: the output must end in .parquet, .csv, .tsv, .json or .jsonl`);
}

/** Names made unique (a query may return two columns of one name), in order. */
export function uniqueNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.map((name) => {
    let candidate = name === '' ? 'column' : name;
    for (let i = 2; seen.has(candidate.toLowerCase()); i++) candidate = `${name || 'column'}_${i}`;
    seen.add(candidate.toLowerCase());
    return candidate;
  });
}

/** Turns DuckDB's and the file system's failures into one clear line. */
export function describeWriteError(error: unknown, target: string): Error {
  if (error instanceof ImportError || error instanceof CancelledError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (/No space left on device|ENOSPC|disk is full/i.test(message)) return new ImportError(`disk full: not enough space to write ${target}`);
  const conversion = /Conversion Error: (.*?)(\n|$)/.exec(message);
  if (conversion) return new ImportError(`a value does not fit its column type: ${conversion[1]}`);
  return new ImportError(`writing ${target} failed: ${message.split('\n')[0]}`);
}

/**
 * The SQL that turns a staged text column into its type. DuckDB parses text into a DECIMAL wider
 * than 18 digits some hundred times slower than into DECIMAL(18, s), so values short enough go that way.
 */
export function castText(column: string, type: string): string {
  if (type === 'VARCHAR' || type === 'BLOB') return column;
  const wide = /^DECIMAL\((\d+),(\d+)\)$/.exec(type);
  const scale = Number(wide?.[2]);
  if (wide && Number(wide[1]) > 18 && scale < 18) {
    return `CASE WHEN length(${column}) <= ${18 - scale} THEN CAST(CAST(${column} AS DECIMAL(18,${scale})) AS ${type}) ELSE CAST(${column} AS ${type}) END`;
  }
  return `CAST(${column} AS ${type})`;
}

export interface WrittenFile {
  readonly rows: number;
  readonly columns: SourceColumn[];
  readonly sha256: string;
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** One import's DuckDB staging area; `commit` moves the finished file into place, `dispose` removes what is left. */
export class StagedFile {
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'mlwb-import-'));
  private readonly tempOut: string;
  private instance: DuckDBInstance | undefined;
  private connection: DuckDBConnection | undefined;

  constructor(readonly target: string) {
    copyFormat(target);
    this.tempOut = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${Date.now()}.partial`);
  }

  /** The staging directory, for sources that download files first, and DuckDB's spill folder. */
  get stagingDir(): string {
    return this.dir;
  }

  private async connect(): Promise<DuckDBConnection> {
    if (this.connection) return this.connection;
    this.instance = await DuckDBInstance.create(':memory:', {
      memory_limit: '128MB',
      temp_directory: path.join(this.dir, 'spill'),
    });
    this.connection = await this.instance.connect();
    return this.connection;
  }

  /** Appends every batch to a staging table, then writes the file with each column cast to its type. */
  async writeRows(batches: AsyncIterable<RowBatch>, signal?: AbortSignal, onProgress?: (rows: number) => void): Promise<WrittenFile> {
    const connection = await this.connect();
    let appender: DuckDBAppender | undefined;
    let columns: SourceColumn[] | undefined;
    let binary: boolean[] = [];
    let rows = 0;
    for await (const batch of batches) {
      if (signal?.aborted) throw new CancelledError();
      if (!columns) {
        const names = uniqueNames(batch.columns.map((c) => c.name));
        columns = batch.columns.map((c, i) => ({ name: names[i] as string, type: c.type }));
        binary = columns.map((c) => c.type === 'BLOB');
        const staged = columns.map((c, i) => `${quoteIdent(c.name)} ${binary[i] ? 'BLOB' : 'VARCHAR'}`).join(', ');
        await connection.run(`CREATE TABLE staged (${staged})`);
        appender = await connection.createAppender('staged');
      }
      const sink = appender as DuckDBAppender;
      for (const row of batch.rows) {
        for (let i = 0; i < binary.length; i++) {
          const cell = row[i] ?? null;
          if (cell === null) sink.appendNull();
          else if (typeof cell === 'string') sink.appendVarchar(cell);
          else sink.appendBlob(cell);
        }
        sink.endRow();
      }
      sink.flushSync();
      rows += batch.rows.length;
      onProgress?.(rows);
    }
    appender?.closeSync();
    if (!columns) throw new ImportError('the source returned no result set');
    const select = columns.map((c) => `${castText(quoteIdent(c.name), c.type)} AS ${quoteIdent(c.name)}`).join(', ');
    return this.copy(`SELECT ${select} FROM staged`, signal);
  }

  /** Writes the file from a DuckDB query over staged files (downloads, API pages). */
  async writeQuery(sql: string, signal?: AbortSignal): Promise<WrittenFile> {
    return this.copy(sql, signal);
  }

  private async copy(sql: string, signal?: AbortSignal): Promise<WrittenFile> {
    const connection = await this.connect();
    const interrupt = (): void => connection.interrupt();
    signal?.addEventListener('abort', interrupt, { once: true });
    try {
      const copied = await connection.runAndReadAll(`COPY (${sql}) TO ${quoteLiteral(this.tempOut)} ${copyFormat(this.target)}`);
      const rows = Number(copied.getRows()[0]?.[0] ?? 0);
      // A Parquet file is described from its own metadata: the types as stored.
      const parquet = /^\.(parquet|pq)$/i.test(path.extname(this.target));
      const described = await connection.runAndReadAll(`DESCRIBE ${parquet ? `SELECT * FROM read_parquet(${quoteLiteral(this.tempOut)})` : `(${sql})`}`);
      const columns = described.getRowObjectsJson().map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
      return { rows, columns, sha256: await sha256File(this.tempOut) };
    } catch (error) {
      if (signal?.aborted) throw new CancelledError();
      throw describeWriteError(error, this.target);
    } finally {
      signal?.removeEventListener('abort', interrupt);
    }
  }

  /** The first `limit` rows of the written (uncommitted) file, each value as DuckDB's text for it. */
  async head(limit: number, columns: readonly SourceColumn[]): Promise<(string | null)[][]> {
    const connection = await this.connect();
    const parquet = /^\.(parquet|pq)$/i.test(path.extname(this.target));
    if (!parquet) throw new Error('head() reads a Parquet output');
    const select = columns.map((c) => `CAST(${quoteIdent(c.name)} AS VARCHAR)`).join(', ') || '*';
    const read = await connection.runAndReadAll(`SELECT ${select} FROM read_parquet(${quoteLiteral(this.tempOut)}) LIMIT ${Math.max(0, Math.floor(limit))}`);
    return read.getRows().map((row) => row.map((value) => (value === null ? null : String(value))));
  }

  /** Moves the finished file over the target (atomic on one file system). */
  async commit(): Promise<void> {
    try {
      await rename(this.tempOut, this.target);
    } catch (error) {
      throw describeWriteError(error, this.target);
    }
  }

  /** Closes DuckDB and removes the staging folder and any unfinished output. */
  async dispose(): Promise<void> {
    this.connection?.closeSync();
    this.instance?.closeSync();
    this.connection = undefined;
    this.instance = undefined;
    await rm(this.tempOut, { force: true });
    rmSync(this.dir, { recursive: true, force: true });
  }
}
