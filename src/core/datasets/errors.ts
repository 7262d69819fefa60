/** Turns DuckDB's long diagnostics into one plain sentence that names the file and, where known, the line. */
import path from 'node:path';
import { errorMessage, MlError } from '../types';

/** A dataset that cannot be read; `file` is the base name, `line` 1-based when known. */
export class DatasetError extends MlError {
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly line?: number,
  ) {
    super(`${file}${line === undefined ? '' : `, line ${line}`}: ${reason}`);
    this.name = 'DatasetError';
  }
}

/** Builds a DatasetError for `filePath`. */
export function datasetError(filePath: string, reason: string, line?: number): DatasetError {
  return new DatasetError(path.basename(filePath), reason, line);
}

function firstLine(message: string): string {
  const line = message.split('\n').find((part) => part.trim() !== '') ?? message;
  return line.replace(/^[A-Za-z ]+Error: /, '').trim();
}

/** True when DuckDB refused the bytes as UTF-8, so the caller can retry as Latin-1. */
export function isEncodingError(error: unknown): boolean {
  return error instanceof Error && /Invalid unicode|not utf-8 encoded/i.test(error.message);
}

/** Maps any error thrown while reading `filePath` to a DatasetError; CancelledError and DatasetError pass through. */
export function toDatasetError(filePath: string, error: unknown): Error {
  if (error instanceof DatasetError || (error instanceof Error && error.name === 'CancelledError')) return error;
  const message = errorMessage(error);
  const csvLine = /CSV Error on Line: (\d+)/.exec(message);
  const line = csvLine ? Number(csvLine[1]) : undefined;
  const columns = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(message);
  if (columns) {
    return datasetError(filePath, `the row has ${columns[2]} fields but the header has ${columns[1]} columns`, line);
  }
  if (/unterminated quote/i.test(message)) {
    return datasetError(filePath, 'a quoted value is never closed (unbalanced ")', line);
  }
  if (/Maximum line size|max_line_size/i.test(message) && line !== undefined) {
    return datasetError(filePath, 'the line is longer than the 2 MB a row may have', line);
  }
  if (isEncodingError(error)) return datasetError(filePath, 'the file is not UTF-8 or Latin-1 text', line);
  if (/expected records, but got non-record JSON/i.test(message)) {
    return datasetError(filePath, 'the JSON is not a list of records; expected [{"column": value, …}, …] or one object per line');
  }
  const json = /Malformed JSON in file .*?, at byte \d+ in (line|record\/value) (\d+): ([^\n]*?)\.?\s*$/m.exec(message);
  if (json) {
    const where = json[1] === 'line' ? Number(json[2]) : undefined;
    const reason = `malformed JSON (${(json[3] ?? '').trim()})${where === undefined ? ` in record ${json[2]}` : ''}`;
    return datasetError(filePath, reason, where);
  }
  if (/parquet|magic bytes|too small to be a/i.test(message)) {
    return datasetError(filePath, 'not a readable Parquet file (truncated or corrupt)');
  }
  if (/No files found|does not exist|No such file/i.test(message)) return datasetError(filePath, 'the file does not exist');
  if (/INTERRUPT|Interrupted/i.test(message)) return datasetError(filePath, 'the query was interrupted');
  return datasetError(filePath, firstLine(message), line);
}
