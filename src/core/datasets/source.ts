/** Builds the DuckDB table expression (`read_csv(...)`, `read_json(...)`, `read_parquet(...)`) for a dataset file. */
import { datasetError } from './errors';
import { datasetFormat, sniffCsv, type CsvLayout } from './sniff';
import type { DatasetFormat } from './types';

/** Strings read as missing in csv/tsv, as pandas reads them by default. */
export const MISSING_STRINGS = ['', 'NA', 'N/A', 'n/a', 'NaN', 'nan', 'null', 'NULL', 'None', '#N/A', '<NA>'];

export interface DatasetSource {
  readonly path: string;
  readonly format: DatasetFormat;
  /** Set for csv/tsv, where every column is read as VARCHAR and typed later. */
  readonly layout?: CsvLayout;
  readonly warnings: readonly string[];
}

/** A SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A SQL identifier. */
export function sqlIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Inspects a file and describes how to read it; throws a DatasetError for unknown or unreadable files. */
export async function openSource(filePath: string): Promise<DatasetSource> {
  const format = datasetFormat(filePath);
  if (!format) throw datasetError(filePath, 'is not a dataset file (csv, tsv, json, jsonl, ndjson or parquet)');
  if (format === 'csv' || format === 'tsv') {
    const layout = await sniffCsv(filePath, format);
    return { path: filePath, format, layout, warnings: layout.warnings };
  }
  return { path: filePath, format, warnings: [] };
}

/** Same source, read as Latin-1: used when DuckDB meets bytes that are not UTF-8 past the sniffed head. */
export function asLatin1(source: DatasetSource, fileName: string): DatasetSource {
  if (!source.layout || source.layout.encoding === 'latin-1') return source;
  const warning = `${fileName}: is not valid UTF-8; read as Latin-1 (ISO-8859-1)`;
  return { ...source, layout: { ...source.layout, encoding: 'latin-1' }, warnings: [...source.warnings, warning] };
}

/** The table expression; `head` trades throughput for latency with small read buffers. */
export function sourceSql(source: DatasetSource, head = false): string {
  const file = sqlString(source.path);
  if (source.format === 'parquet') return `read_parquet(${file})`;
  if (source.format === 'json' || source.format === 'jsonl') {
    const format = source.format === 'jsonl' ? 'newline_delimited' : 'auto';
    return `read_json(${file}, format='${format}', records=true)`;
  }
  const layout = source.layout;
  if (!layout) throw new Error('csv source without a layout');
  const columns = layout.columns.map((name) => `${sqlString(name)}: 'VARCHAR'`).join(', ');
  const options = [
    'header=true',
    'auto_detect=false',
    `delim=${sqlString(layout.delimiter)}`,
    `quote='"'`,
    `escape='"'`,
    `columns={${columns}}`,
    `nullstr=[${MISSING_STRINGS.map(sqlString).join(', ')}]`,
  ];
  if (layout.encoding === 'latin-1') options.push(`encoding='latin-1'`);
  // Default buffers are 32 MB per thread; a head query would read all of them before returning.
  if (head) options.push('buffer_size=1048576', 'max_line_size=1048576');
  return `read_csv(${file}, ${options.join(', ')})`;
}
