/** What the Datasets view says about an imported file's source: kind, host (never a password) and how long ago it was fetched. */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { readSidecar, sidecarPath } from '../../core/sources/sidecar';
import type { SourceRecord } from '../../core/sources/types';

export interface SourceSummary {
  /** "postgres 127.0.0.1:5432", shown in the description. */
  readonly short: string;
  /** "Source: postgres 127.0.0.1:5432, table reviews, fetched 5 min ago", shown in the tooltip. */
  readonly long: string;
}

/** Where a source lives: host[:port] of a URL, the database file of SQLite; user and password left out. */
export function sourceHost(source: Pick<SourceRecord, 'kind' | 'url'>): string {
  if (source.kind === 'sqlite') return path.basename(source.url.replace(/^sqlite:(\/\/)?/i, ''));
  try {
    return new URL(source.url).host;
  } catch {
    return '';
  }
}

/** "just now", "1 min ago", "5 h ago", "3 days ago". */
export function fetchedAgo(fetchedAt: string, now: number = Date.now()): string {
  const at = Date.parse(fetchedAt);
  if (Number.isNaN(at)) return 'at an unknown time';
  const minutes = Math.floor(Math.max(0, now - at) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

/** The source of a dataset file from its `.source.yaml`, or undefined when it was not imported (or the sidecar is unreadable). */
export function sourceSummary(dataFile: string, now: number = Date.now()): SourceSummary | undefined {
  const file = sidecarPath(dataFile);
  if (!existsSync(file)) return undefined;
  let source: SourceRecord;
  try {
    source = readSidecar(file).source;
  } catch {
    return undefined;
  }
  const host = sourceHost(source);
  const short = host ? `${source.kind} ${host}` : source.kind;
  const what =
    source.table !== undefined
      ? `, table ${source.table}`
      : source.query !== undefined
        ? ', a query'
        : source.records !== undefined
          ? `, records ${source.records || '.'}`
          : '';
  return { short, long: `Source: ${short}${what}, fetched ${fetchedAgo(String(source.fetchedAt), now)}` };
}
