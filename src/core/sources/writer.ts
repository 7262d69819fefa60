/**
 * Writes imported rows to a data file through DuckDB with flat memory: each batch of rows goes as CSV text to a
 * staging file (one write per batch, not one call per cell), which DuckDB then reads in parallel, casting each
 * column to its type once, into the output format in a temporary file beside the target, which replaces the
 * target only when everything succeeded.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { rename, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { CancelledError } from '../types';
import { ImportError, type Cell, type RowBatch, type SourceColumn } from './types';

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

const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One cell as a CSV field DuckDB reads back exactly: missing is an empty unquoted field, text is quoted when it must
 * be (always when empty, so that it stays an empty string), bytes are hex (from_hex turns them back).
 */
export function csvField(cell: Cell): string {
  if (cell === null) return '';
  if (typeof cell !== 'string') return cell.byteLength === 0 ? '""' : Buffer.from(cell.buffer, cell.byteOffset, cell.byteLength).toString('hex');
  if (cell === '' || NEEDS_QUOTES.test(cell)) return `"${cell.replace(/"/g, '""')}"`;
  return cell;
}

/** Writes text to a stream, waiting while its buffer is full (so memory stays flat however fast rows arrive). */
async function writeText(stream: WriteStream, text: string): Promise<void> {
  if (!stream.write(text)) await once(stream, 'drain');
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

  /** Stages every batch as CSV text, then writes the file with each column cast to its type. */
  async writeRows(batches: AsyncIterable<RowBatch>, signal?: AbortSignal, onProgress?: (rows: number) => void): Promise<WrittenFile> {
    const staged = path.join(this.dir, 'rows.csv');
    const stream = createWriteStream(staged);
    const failed = new Promise<never>((_, reject) => stream.once('error', reject));
    failed.catch(() => undefined);
    let columns: SourceColumn[] | undefined;
    let rows = 0;
    let longest = 0;
    try {
      for await (const batch of batches) {
        if (signal?.aborted) throw new CancelledError();
        if (!columns) {
          const names = uniqueNames(batch.columns.map((c) => c.name));
          columns = batch.columns.map((c, i) => ({ name: names[i] as string, type: c.type }));
        }
        const width = columns.length;
        let text = '';
        for (const row of batch.rows) {
          let line = '';
          for (let i = 0; i < width; i++) line += (i === 0 ? '' : ',') + csvField(row[i] ?? null);
          text += `${line}\n`;
          if (line.length > longest) longest = line.length;
        }
        await Promise.race([writeText(stream, text), failed]);
        rows += batch.rows.length;
        onProgress?.(rows);
      }
    } finally {
      stream.end();
      await Promise.race([once(stream, 'close'), failed]).catch((error: unknown) => {
        throw describeWriteError(error, this.target);
      });
    }
    if (!columns) throw new ImportError('the source returned no result set');
    // Positional names (c0, c1, …) in the CSV; the real names only in the SELECT, so no name needs escaping twice.
    const csvColumns = columns.map((_, i) => `'c${i}': 'VARCHAR'`).join(', ');
    // A small read buffer keeps DuckDB's memory down (4 MiB per thread, not 16); it must hold the longest line (UTF-8:
    // at most 3 bytes per UTF-16 unit), which is also the line limit, so a row of any size still reads.
    const maxLine = Math.max(2 * 2 ** 20, 3 * longest + 2);
    const buffer = Math.max(4 * 2 ** 20, 2 * maxLine);
    const read = `read_csv(${quoteLiteral(staged)}, header = false, auto_detect = false, columns = {${csvColumns}}, delim = ',', quote = '"', escape = '"', allow_quoted_nulls = false, new_line = '\\n', max_line_size = ${maxLine}, buffer_size = ${buffer})`;
    const select = columns.map((c, i) => `${c.type === 'BLOB' ? `from_hex(c${i})` : castText(`c${i}`, c.type)} AS ${quoteIdent(c.name)}`).join(', ');
    return this.copy(`SELECT ${select} FROM ${read}`, signal);
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
