/** A data file over HTTP(S): downloaded to the staging folder (checked complete), then read by DuckDB. */
import { createWriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { datasetFormat } from '../datasets/sniff';
import type { DatasetFormat } from '../datasets/types';
import { CancelledError } from '../types';
import { checkComplete, httpGet, truncated, type HttpResponse } from './http';
import { expandHeader } from './spec';
import { ImportError, type SourceOptions } from './types';
import { quoteLiteral, type StagedFile, type WrittenFile } from './writer';

export type FileFormat = DatasetFormat;

const BY_CONTENT_TYPE: [RegExp, FileFormat][] = [
  [/text\/csv|application\/csv/, 'csv'],
  [/text\/tab-separated-values/, 'tsv'],
  [/application\/(x-)?ndjson|application\/(x-)?jsonl|application\/jsonlines/, 'jsonl'],
  [/application\/(.*\+)?json|text\/json/, 'json'],
  [/application\/(vnd\.apache\.|x-)?parquet/, 'parquet'],
];

/** The file's format from the URL's extension, else from Content-Type; HTML is an error. */
export function fileFormat(url: string, contentType: string | undefined): FileFormat {
  const type = (contentType ?? '').toLowerCase();
  const byExtension = datasetFormat(new URL(url).pathname);
  if (/text\/html/.test(type)) throw new ImportError(`expected a data file from ${url} but the server sent an HTML page (Content-Type: ${contentType})`);
  if (byExtension) return byExtension;
  for (const [pattern, format] of BY_CONTENT_TYPE) if (pattern.test(type)) return format;
  throw new ImportError(
    `cannot tell the format of ${url}: its name does not end in .csv, .tsv, .json, .jsonl or .parquet and its Content-Type is ${contentType ?? 'missing'}`,
  );
}

/** DuckDB's table expression reading a downloaded file. */
export function readExpression(file: string, format: FileFormat): string {
  const literal = quoteLiteral(file);
  switch (format) {
    case 'csv':
      return `read_csv(${literal}, auto_detect = true, sample_size = -1)`;
    case 'tsv':
      return `read_csv(${literal}, auto_detect = true, sample_size = -1, delim = '\t')`;
    case 'json':
      return `read_json(${literal}, format = 'auto', sample_size = -1)`;
    case 'jsonl':
      return `read_json(${literal}, format = 'newline_delimited', sample_size = -1)`;
    case 'parquet':
      return `read_parquet(${literal})`;
  }
}

async function download(response: HttpResponse, file: string): Promise<void> {
  let size = 0;
  response.body.on('data', (chunk: Buffer) => (size += chunk.length));
  try {
    await pipeline(response.body, createWriteStream(file));
  } catch (error) {
    if (error instanceof CancelledError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOSPC') throw new ImportError(`disk full: not enough space to download ${response.url}`);
    throw truncated(response, size, error);
  }
  checkComplete(response, size);
}

/** Looks at the first bytes: an HTML page where data was expected is a clear error, not a parse failure. */
async function checkNotHtml(file: string, url: string, format: FileFormat): Promise<void> {
  if (format === 'parquet') return;
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(200), 0, 200, 0);
    const start = buffer.subarray(0, bytesRead).toString('utf8').trimStart();
    if (/^<(!doctype html|html|head|body)/i.test(start)) {
      throw new ImportError(`expected ${format} from ${url} but got an HTML page: ${start.replace(/\s+/g, ' ').slice(0, 120)}`);
    }
  } finally {
    await handle.close();
  }
}

/** Downloads `url` and writes it through DuckDB into the staged output. */
export async function importHttpFile(url: string, headerLines: readonly string[], staged: StagedFile, options: SourceOptions): Promise<WrittenFile> {
  const env = options.env ?? process.env;
  const headers = Object.fromEntries(headerLines.map((line) => expandHeader(line, env)).map(({ name, value }) => [name, value]));
  const response = await httpGet(url, { ...options, headers });
  const contentType = response.headers['content-type'];
  let format: FileFormat;
  try {
    format = fileFormat(response.url, contentType);
  } catch (error) {
    response.body.destroy();
    throw error;
  }
  const file = path.join(staged.stagingDir, `download.${format}`);
  await download(response, file);
  await checkNotHtml(file, url, format);
  try {
    return await staged.writeQuery(`SELECT * FROM ${readExpression(file, format)}`, options.signal);
  } catch (error) {
    if (error instanceof ImportError && /writing .* failed/.test(error.message)) {
      throw new ImportError(`cannot read ${url} as ${format}: ${error.message.replace(/^writing .*? failed: /, '')}`);
    }
    throw error;
  }
}
