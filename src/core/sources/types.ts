/** Shapes shared by the import sources: what to import, the rows a source streams, and the result. */

/** Where the data comes from. Secrets are never part of a spec: they come from the environment. */
export type ImportSpec = DatabaseSpec | { readonly kind: 'http'; readonly url: string; readonly headers?: readonly string[] } | ApiSpec;

export interface DatabaseSpec {
  readonly kind: 'postgres' | 'mysql' | 'sqlite';
  /** postgres://user@host:port/db, mysql://…, or sqlite:PATH; a password here is used but never saved. */
  readonly url: string;
  readonly table?: string;
  readonly query?: string;
}

export interface ApiSpec {
  readonly kind: 'api';
  readonly url: string;
  /** Dot path of the array of records in each page ('' or '.' for a page that is itself the array). */
  readonly records: string;
  /** Dot path of the next page's URL; without it the Link rel="next" header is followed. */
  readonly next?: string;
  /** "Name: value" lines; ${VAR} in a value is read from the environment. */
  readonly headers?: readonly string[];
  readonly maxPages?: number;
}

/** One column as a source describes it: its name and the DuckDB type it becomes in the file. */
export interface SourceColumn {
  readonly name: string;
  readonly type: string;
}

/** A cell as staged: text DuckDB casts to the column's type, bytes for BLOB columns, or missing. */
export type Cell = string | Uint8Array | null;

/** A batch of rows (arrays in column order) with the columns they belong to. */
export interface RowBatch {
  readonly columns: readonly SourceColumn[];
  readonly rows: readonly Cell[][];
}

/** Limits shared by every source. */
export interface SourceOptions {
  readonly signal?: AbortSignal;
  /** Connect / idle-read / query timeout in ms (0: none for queries). */
  readonly timeoutMs?: number;
  /** Rows per batch read from a database. */
  readonly batchSize?: number;
  /** Environment consulted for passwords and ${VAR} (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Attempts after a 429/503 before giving up. */
  readonly maxRetries?: number;
  /** Longest Retry-After honoured, in ms. */
  readonly maxRetryWaitMs?: number;
  /** Called as rows arrive. */
  readonly onProgress?: (rows: number) => void;
}

/** What `importData` wrote and what its sidecar says. */
export interface ImportResult {
  readonly path: string;
  readonly sidecar: string;
  readonly rows: number;
  readonly columns: readonly SourceColumn[];
  readonly sha256: string;
  readonly source: SourceRecord;
}

/** The `source` part of the sidecar: the spec without secrets. */
export interface SourceRecord {
  readonly kind: ImportSpec['kind'];
  readonly url: string;
  readonly table?: string;
  readonly query?: string;
  readonly records?: string;
  readonly next?: string;
  readonly headers?: readonly string[];
  readonly maxPages?: number;
  readonly fetchedAt: string;
}

/** An import failure with a message meant for the user; nothing was written. */
export class ImportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportError';
  }
}
