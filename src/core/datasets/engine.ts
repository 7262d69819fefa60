/** The DuckDB engine: one in-memory instance, a connection per query (so a query can be interrupted), caches keyed by file identity. */
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBDataChunk, type DuckDBResultReader } from '@duckdb/node-api';
import { CancelledError, throwIfAborted, type ProgressEvent } from '../types';
import { isEncodingError, toDatasetError } from './errors';
import { fileKey } from './sniff';
import { asLatin1, openSource, sourceSql, type DatasetSource } from './source';
import type { FileKey } from './types';

export interface QueryOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: ProgressEvent) => void;
}

interface Opened {
  readonly key: FileKey;
  source: DatasetSource;
}

interface Materialized {
  readonly key: FileKey;
  readonly table: Promise<string>;
  /** Queries running against the table; an entry in use is never evicted. */
  users: number;
}

const sameKey = (a: FileKey, b: FileKey): boolean => a.path === b.path && a.size === b.size && a.mtimeMs === b.mtimeMs;

/** Owns DuckDB and every cache of dataset results; one per worker. */
export class DatasetEngine {
  private instance: Promise<DuckDBInstance> | undefined;
  private readonly sources = new Map<string, Opened>();
  private readonly tables = new Map<string, Materialized>();
  private readonly loadedNames = new WeakMap<Materialized, string>();
  private readonly orphans = new Set<Materialized>();
  private readonly results = new Map<string, { key: FileKey; value: unknown }>();
  private tableCounter = 0;
  /** Tables being dropped in the background; close() waits for them, as closing DuckDB under a running query crashes the process. */
  private readonly drops = new Set<Promise<void>>();

  /** How many files stay loaded in memory for paging and profiling. */
  constructor(private readonly maxTables = 4) {}

  private async connect(): Promise<DuckDBConnection> {
    this.instance ??= DuckDBInstance.create(':memory:');
    return (await this.instance).connect();
  }

  /** Runs one statement on its own connection; aborting the signal interrupts it, progress is polled while it runs. */
  async query(sql: string, options: QueryOptions = {}, stage = 'query'): Promise<DuckDBResultReader> {
    return this.onConnection(options, stage, (connection) => connection.runAndReadAll(sql));
  }

  /**
   * Runs one statement and hands its result chunks to `onChunk` one at a time as DuckDB produces them, so the
   * whole result is never held at once; interrupted and polled for progress as `query` is.
   */
  async stream(sql: string, onChunk: (chunk: DuckDBDataChunk) => void, options: QueryOptions = {}, stage = 'query'): Promise<void> {
    await this.onConnection(options, stage, async (connection) => {
      const result = await connection.stream(sql);
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) break;
        onChunk(chunk);
        throwIfAborted(options.signal);
      }
    });
  }

  /** Runs `use` on a fresh connection that the signal interrupts and whose progress is polled; closes it afterwards. */
  private async onConnection<T>(options: QueryOptions, stage: string, use: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const { signal, onProgress } = options;
    throwIfAborted(signal);
    const connection = await this.connect();
    const interrupt = (): void => connection.interrupt();
    signal?.addEventListener('abort', interrupt, { once: true });
    const timer = onProgress
      ? setInterval(() => {
          const percentage = connection.progress.percentage;
          if (percentage >= 0) onProgress({ stage, step: Math.round(percentage), of: 100 });
        }, 250)
      : undefined;
    try {
      return await use(connection);
    } catch (error) {
      if (signal?.aborted) throw new CancelledError();
      throw error;
    } finally {
      if (timer) clearInterval(timer);
      signal?.removeEventListener('abort', interrupt);
      connection.closeSync();
    }
  }

  /**
   * Streams a query built from the file's table expression (see `stream`); when DuckDB finds non-UTF-8 bytes, `restart`
   * is called and the file is read again as Latin-1.
   */
  async streamSource(
    filePath: string,
    build: (from: string) => string,
    onChunk: (chunk: DuckDBDataChunk) => void,
    restart: () => void,
    options: QueryOptions = {},
  ): Promise<void> {
    const opened = await this.open(filePath);
    await this.withLatin1Retry(filePath, opened, (source) => this.stream(build(sourceSql(source)), onChunk, options), restart);
  }

  /** Runs `use` on the file's source; when DuckDB finds non-UTF-8 bytes, switches the source to Latin-1, calls `restart` and runs it again. */
  private async withLatin1Retry<T>(filePath: string, opened: Opened, use: (source: DatasetSource) => Promise<T>, restart?: () => void): Promise<T> {
    try {
      try {
        return await use(opened.source);
      } catch (error) {
        if (!isEncodingError(error) || opened.source.layout?.encoding !== 'utf-8') throw error;
        opened.source = asLatin1(opened.source, path.basename(filePath));
        restart?.();
        return await use(opened.source);
      }
    } catch (error) {
      throw toDatasetError(filePath, error);
    }
  }

  /** Stats and sniffs a file, reusing the result while its size and mtime stay the same. */
  async open(filePath: string): Promise<Opened> {
    const key = await fileKey(filePath);
    const known = this.sources.get(filePath);
    if (known && sameKey(known.key, key)) return known;
    this.forget(filePath);
    const opened: Opened = { key, source: await openSource(filePath) };
    this.sources.set(filePath, opened);
    return opened;
  }

  /** Runs a query built from the file's table expression; retries as Latin-1 when DuckDB finds non-UTF-8 bytes. */
  async querySource(
    filePath: string,
    build: (from: string) => string,
    options: QueryOptions = {},
    head = false,
  ): Promise<{ reader: DuckDBResultReader; opened: Opened }> {
    const opened = await this.open(filePath);
    const reader = await this.withLatin1Retry(filePath, opened, (source) => this.query(build(sourceSql(source, head)), options));
    return { reader, opened };
  }

  /** Loads the whole file into an in-memory table (once per file version) and runs `use` on it; the table stays loaded while in use. */
  async withTable<T>(filePath: string, options: QueryOptions, use: (table: string) => Promise<T>): Promise<T> {
    for (;;) {
      const opened = await this.open(filePath);
      let entry = this.tables.get(filePath);
      if (!entry || !sameKey(entry.key, opened.key)) {
        const created: Materialized = { key: opened.key, table: this.materialize(filePath, options), users: 0 };
        entry = created;
        this.tables.set(filePath, entry);
        created.table.then(
          (name) => this.loadedNames.set(created, name),
          () => undefined,
        );
        created.table.catch(() => {
          if (this.tables.get(filePath) === created) this.tables.delete(filePath);
        });
      } else {
        // Most recently used last.
        this.tables.delete(filePath);
        this.tables.set(filePath, entry);
      }
      entry.users++;
      try {
        let table: string;
        try {
          table = await entry.table;
        } catch (error) {
          // Another caller's cancellation aborted the shared load: load again for this caller.
          if (error instanceof CancelledError && !options.signal?.aborted) continue;
          throw error;
        }
        return await use(table);
      } finally {
        entry.users--;
        if (entry.users === 0 && this.orphans.delete(entry)) this.dropInBackground(entry);
        this.evictTables();
      }
    }
  }

  /** Name of the file's loaded table when it is loaded for the file's current version, without loading it. */
  loadedTable(filePath: string): string | undefined {
    const entry = this.tables.get(filePath);
    const opened = this.sources.get(filePath);
    if (!entry || !opened || !sameKey(entry.key, opened.key)) return undefined;
    return this.loadedNames.get(entry);
  }

  private async materialize(filePath: string, options: QueryOptions): Promise<string> {
    const name = `dataset_${++this.tableCounter}`;
    // rowid keeps file order because insertion order is preserved.
    await this.querySource(filePath, (from) => `CREATE OR REPLACE TABLE ${name} AS SELECT * FROM ${from}`, { ...options }, false);
    return name;
  }

  private evictTables(): void {
    let excess = this.tables.size - this.maxTables;
    for (const [filePath, entry] of [...this.tables.entries()]) {
      if (excess <= 0) return;
      if (entry.users > 0) continue;
      this.tables.delete(filePath);
      this.dropInBackground(entry);
      excess--;
    }
  }

  private dropInBackground(entry: Materialized): void {
    const drop = this.dropTable(entry).finally(() => this.drops.delete(drop));
    this.drops.add(drop);
  }

  private async dropTable(entry: Materialized): Promise<void> {
    try {
      const name = await entry.table;
      await this.query(`DROP TABLE IF EXISTS ${name}`);
    } catch {
      // A load that failed left nothing to drop.
    }
  }

  /** Caches `compute`'s result under the file's current identity and `kind`. */
  async cached<T>(filePath: string, kind: string, compute: () => Promise<T>): Promise<T> {
    const { key } = await this.open(filePath);
    const id = `${kind}\u0000${filePath}`;
    const hit = this.results.get(id);
    if (hit && sameKey(hit.key, key)) return hit.value as T;
    const value = await compute();
    this.results.set(id, { key, value });
    return value;
  }

  /** A result cached for the file's current version, without computing it. */
  async peek<T>(filePath: string, kind: string): Promise<T | undefined> {
    const hit = this.results.get(`${kind}\u0000${filePath}`);
    if (!hit) return undefined;
    const key = await fileKey(filePath);
    return sameKey(hit.key, key) ? (hit.value as T) : undefined;
  }

  /** Drops every cached result and the loaded table of a file (called when the file changes or goes away). */
  forget(filePath: string): void {
    this.sources.delete(filePath);
    for (const id of [...this.results.keys()]) if (id.endsWith(`\u0000${filePath}`)) this.results.delete(id);
    const entry = this.tables.get(filePath);
    if (entry) {
      this.tables.delete(filePath);
      // A query still reading the old version finishes first; the table is dropped when no one uses it.
      if (entry.users === 0) this.dropInBackground(entry);
      else this.orphans.add(entry);
    }
  }

  /** Releases DuckDB. */
  async close(): Promise<void> {
    while (this.drops.size > 0) await Promise.all([...this.drops]);
    const instance = this.instance;
    this.instance = undefined;
    this.sources.clear();
    this.tables.clear();
    this.results.clear();
    if (instance) (await instance).closeSync();
  }
}
