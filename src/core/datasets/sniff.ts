/** Reads the start of a file to pick its format, encoding, delimiter and column names before DuckDB sees it. */
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { datasetError } from './errors';
import type { DatasetFormat, FileKey } from './types';

/** A row longer than this is refused; DuckDB's own max_line_size. */
export const MAX_LINE_BYTES = 2 * 1024 * 1024;
const PROBE_BYTES = MAX_LINE_BYTES + 1024;
const FIRST_READ_BYTES = 65536;
const DELIMITERS = [',', ';', '\t', '|'] as const;

export interface CsvLayout {
  readonly delimiter: string;
  readonly encoding: 'utf-8' | 'latin-1';
  /** Column names as the reader will use them: blanks named, duplicates suffixed like DuckDB does. */
  readonly columns: readonly string[];
  readonly warnings: readonly string[];
}

const EXTENSIONS: Readonly<Record<string, DatasetFormat>> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.parquet': 'parquet',
  '.pq': 'parquet',
};

/** The dataset format of a path by its extension, or undefined when it is not a dataset file. */
export function datasetFormat(filePath: string): DatasetFormat | undefined {
  return EXTENSIONS[path.extname(filePath).toLowerCase()];
}

/** Stats a file into the key caches use; a missing file becomes a DatasetError. */
export async function fileKey(filePath: string): Promise<FileKey> {
  try {
    const info = await stat(filePath);
    if (!info.isFile()) throw datasetError(filePath, 'is not a file');
    return { path: filePath, size: info.size, mtimeMs: info.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw datasetError(filePath, 'the file does not exist');
    throw error;
  }
}

async function readStart(filePath: string, bytes: number): Promise<Buffer> {
  const handle = await open(filePath, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await handle.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function looksBinary(bytes: Buffer): boolean {
  const probe = bytes.subarray(0, 65536);
  let control = 0;
  for (const byte of probe) {
    if (byte === 0) return true;
    if (byte < 9 || (byte > 13 && byte < 32)) control++;
  }
  return control > probe.length * 0.01;
}

/**
 * The byte order of UTF-16 text (what Excel's "Unicode text" and PowerShell write): a byte order
 * mark, or text whose every other byte is zero. Undefined for anything else.
 */
function utf16Order(bytes: Buffer): 'little-endian' | 'big-endian' | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return 'little-endian';
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return 'big-endian';
  const probe = bytes.subarray(0, Math.min(bytes.length, 4096) & ~1);
  if (probe.length < 4) return undefined;
  let evenZeros = 0;
  let oddZeros = 0;
  for (let i = 0; i < probe.length; i += 2) {
    if (probe[i] === 0) evenZeros++;
    if (probe[i + 1] === 0) oddZeros++;
  }
  const pairs = probe.length / 2;
  // ASCII in UTF-16 puts a zero in every pair, on the same side; binary data scatters its zeros.
  if (oddZeros > pairs * 0.6 && evenZeros < pairs * 0.1) return 'little-endian';
  if (evenZeros > pairs * 0.6 && oddZeros < pairs * 0.1) return 'big-endian';
  return undefined;
}

function isUtf8(bytes: Buffer, wholeFile: boolean): boolean {
  // A multi-byte character cut by the probe's end is not an error: check up to the last line end.
  const cut = wholeFile ? bytes : bytes.subarray(0, bytes.lastIndexOf(10) + 1);
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(cut);
    return true;
  } catch {
    return false;
  }
}

/** Index of the end of the first line, honouring quotes; -1 when none within the text. */
function headerEnd(text: string): number {
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) return i;
  }
  return -1;
}

function countOutsideQuotes(line: string, delimiter: string): number {
  let quoted = false;
  let count = 0;
  for (const char of line) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === delimiter) count++;
  }
  return count;
}

function splitHeader(line: string, delimiter: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === delimiter) {
      fields.push(field);
      field = '';
    } else field += char;
  }
  fields.push(field);
  return fields;
}

/** Names blank columns and suffixes duplicates (`a`, `a_1`), returning a warning per fix. */
function uniqueNames(fileName: string, raw: readonly string[]): { columns: string[]; warnings: string[] } {
  const warnings: string[] = [];
  const seen = new Map<string, number>();
  const columns = raw.map((name, index) => {
    let unique = name.trim() === '' ? `column${index}` : name;
    const first = seen.get(unique);
    if (first !== undefined) {
      let suffix = 1;
      while (raw.includes(`${unique}_${suffix}`) || seen.has(`${unique}_${suffix}`)) suffix++;
      const renamed = `${unique}_${suffix}`;
      warnings.push(`${fileName}: duplicate column name "${unique}" (columns ${first + 1} and ${index + 1}); column ${index + 1} is read as "${renamed}"`);
      unique = renamed;
    }
    seen.set(unique, index);
    return unique;
  });
  return { columns, warnings };
}

/** Sniffs a csv/tsv file: refuses empty, binary and single-huge-line files with a message naming the file. */
export async function sniffCsv(filePath: string, format: 'csv' | 'tsv'): Promise<CsvLayout> {
  const fileName = path.basename(filePath);
  // Most headers end within the first 64 KB; only a file without a line end there is read further.
  let bytes = await readStart(filePath, FIRST_READ_BYTES);
  if (bytes.length === FIRST_READ_BYTES && bytes.indexOf(10) < 0 && bytes.indexOf(13) < 0) bytes = await readStart(filePath, PROBE_BYTES);
  if (bytes.length === 0 || (bytes.length <= 4096 && /^\s*$/.test(bytes.toString('latin1')))) throw datasetError(filePath, 'the file is empty');
  const utf16 = utf16Order(bytes);
  if (utf16) {
    const name = path.basename(filePath);
    const utf8Name = name.replace(/(\.[^.]+)?$/, '-utf8$1');
    throw datasetError(
      filePath,
      `the file is UTF-16 text (${utf16}), which cannot be read; save it as UTF-8 (in Excel: "CSV UTF-8"), or convert it: iconv -f UTF-16 -t UTF-8 ${name} > ${utf8Name}`,
    );
  }
  if (looksBinary(bytes)) throw datasetError(filePath, 'the file holds binary data, not delimited text');
  const warnings: string[] = [];
  let body = bytes;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    body = bytes.subarray(3);
    warnings.push(`${fileName}: starts with a UTF-8 byte order mark (BOM), which was skipped`);
  }
  const wholeFile = bytes.length < FIRST_READ_BYTES;
  const encoding = isUtf8(body, wholeFile) ? 'utf-8' : 'latin-1';
  if (encoding === 'latin-1') warnings.push(`${fileName}: is not valid UTF-8; read as Latin-1 (ISO-8859-1)`);
  const text = body.toString(encoding === 'utf-8' ? 'utf8' : 'latin1');
  const end = headerEnd(text);
  if (end < 0 && body.length >= MAX_LINE_BYTES) {
    throw datasetError(
      filePath,
      `the line is longer than the ${MAX_LINE_BYTES / 1024 / 1024} MB a row may have; this does not look like ${format.toUpperCase()}`,
      1,
    );
  }
  const header = end < 0 ? text : text.slice(0, end);
  let delimiter = '\t';
  if (format === 'csv') {
    let best = 0;
    delimiter = ',';
    for (const candidate of DELIMITERS) {
      const count = countOutsideQuotes(header, candidate);
      if (count > best) [best, delimiter] = [count, candidate];
    }
  }
  const named = uniqueNames(fileName, splitHeader(header, delimiter));
  return { delimiter, encoding, columns: named.columns, warnings: [...warnings, ...named.warnings] };
}
