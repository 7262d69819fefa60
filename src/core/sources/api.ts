/**
 * A paginated JSON REST API: each page's records (at a dot path) are flattened (`a.b` columns) and
 * staged as JSON lines on disk, the next page comes from a field or the Link header; DuckDB then
 * infers the column types over all records.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import * as path from 'node:path';
import { once } from 'node:events';
import { CancelledError } from '../types';
import { httpGet, readBody } from './http';
import { expandHeader } from './spec';
import { ImportError, type ApiSpec, type SourceOptions } from './types';
import { quoteLiteral, type StagedFile, type WrittenFile } from './writer';

/** The value at a dot path ('' or '.' is the value itself); `undefined` when a step is missing. */
export function atPath(value: unknown, dotPath: string): unknown {
  const steps = dotPath.split('.').filter(Boolean);
  let current = value;
  for (const step of steps) {
    if (current === null || typeof current !== 'object') return undefined;
    current = Array.isArray(current) && /^\d+$/.test(step) ? current[Number(step)] : (current as Record<string, unknown>)[step];
  }
  return current;
}

/** Nested objects become `a.b` keys; arrays and scalars stay as they are. */
export function flatten(record: unknown, prefix = '', into: Record<string, unknown> = {}): Record<string, unknown> {
  if (record === null || typeof record !== 'object' || Array.isArray(record)) {
    into[prefix || 'value'] = record;
    return into;
  }
  const entries = Object.entries(record as Record<string, unknown>);
  if (entries.length === 0 && prefix) into[prefix] = null;
  for (const [key, value] of entries) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) flatten(value, name, into);
    else into[name] = value;
  }
  return into;
}

/** The URL of the Link header's rel="next", if any. */
export function linkNext(header: string | string[] | undefined): string | undefined {
  const text = Array.isArray(header) ? header.join(',') : header;
  if (!text) return undefined;
  for (const part of text.split(/,(?=\s*<)/)) {
    const match = /<([^>]*)>(.*)/.exec(part.trim());
    if (match && /;\s*rel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?/i.test(match[2] ?? '')) return match[1];
  }
  return undefined;
}

function keysOf(value: unknown): string {
  if (value === null || typeof value !== 'object') return `a ${value === null ? 'null' : typeof value}`;
  const keys = Object.keys(value).slice(0, 10);
  return keys.length > 0 ? `keys there: ${keys.join(', ')}` : 'an empty object';
}

async function writeLine(out: WriteStream, line: string): Promise<void> {
  if (!out.write(line)) await once(out, 'drain');
}

/** Fetches every page into a JSON-lines file, then writes it through DuckDB. */
export async function importApi(spec: ApiSpec, staged: StagedFile, options: SourceOptions): Promise<WrittenFile> {
  const env = options.env ?? process.env;
  const headers = Object.fromEntries(
    [...(spec.headers ?? []), ...((spec.headers ?? []).some((h) => /^accept\s*:/i.test(h)) ? [] : ['Accept: application/json'])]
      .map((line) => expandHeader(line, env))
      .map(({ name, value }) => [name, value]),
  );
  const maxPages = spec.maxPages ?? 10_000;
  if (!Number.isInteger(maxPages) || maxPages < 1) throw new ImportError('--max-pages needs a whole number of at least 1');
  const file = path.join(staged.stagingDir, 'records.jsonl');
  const out = createWriteStream(file);
  const failed = new Promise<never>((_resolve, reject) => out.on('error', (error) => reject(error)));
  failed.catch(() => undefined);
  const seen = new Set<string>();
  let url: string | undefined = spec.url;
  let records = 0;
  try {
    for (let page = 1; url !== undefined && page <= maxPages; page++) {
      if (options.signal?.aborted) throw new CancelledError();
      if (seen.has(url)) throw new ImportError(`the next-page link of page ${page - 1} loops back to ${url}, an already fetched page`);
      seen.add(url);
      const response = await httpGet(url, { ...options, headers });
      const type = String(response.headers['content-type'] ?? '');
      const body = (await readBody(response)).toString('utf8');
      const start = body.trimStart();
      if (/text\/html/i.test(type) || start.startsWith('<')) {
        throw new ImportError(
          `expected JSON from ${response.url} (page ${page}) but got ${/text\/html/i.test(type) ? 'HTML' : 'markup'}: ${start.replace(/\s+/g, ' ').slice(0, 120)}`,
        );
      }
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch (error) {
        throw new ImportError(`page ${page} from ${response.url} is not valid JSON (${(error as Error).message}): ${start.replace(/\s+/g, ' ').slice(0, 120)}`);
      }
      const list = atPath(json, spec.records);
      if (!Array.isArray(list)) {
        const found = list === undefined ? 'nothing is there' : `it holds ${keysOf(list)}`;
        throw new ImportError(`records path "${spec.records}" is not an array in page ${page} from ${response.url}: ${found} (the page has ${keysOf(json)})`);
      }
      for (const record of list) await writeLine(out, `${JSON.stringify(flatten(record))}\n`);
      records += list.length;
      options.onProgress?.(records);
      const next: unknown = spec.next !== undefined ? atPath(json, spec.next) : linkNext(response.headers.link);
      if (next !== undefined && next !== null && next !== '' && typeof next !== 'string') {
        throw new ImportError(`next-page path "${spec.next}" in page ${page} from ${response.url} holds ${typeof next}, not a URL`);
      }
      url = typeof next === 'string' && next !== '' ? new URL(next, response.url).toString() : undefined;
    }
    out.end();
    await Promise.race([once(out, 'finish'), failed]);
  } catch (error) {
    out.destroy();
    if ((error as NodeJS.ErrnoException).code === 'ENOSPC') throw new ImportError(`disk full: not enough space to stage the records of ${spec.url}`);
    throw error;
  }
  if (records === 0) throw new ImportError(`the API at ${spec.url} returned no records at "${spec.records}"`);
  return staged.writeQuery(`SELECT * FROM read_json(${quoteLiteral(file)}, format = 'newline_delimited', sample_size = -1)`, options.signal);
}
