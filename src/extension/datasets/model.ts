/** The workspace's dataset files and what is known about each (schema, row count, profile), loaded through the worker. */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DatasetProfile, DatasetSchema } from '../../core/datasets/types';
import { CancelledError, errorMessage } from '../../core/types';
import type { Log } from '../log';
import type { DatasetsClient } from './client';

export interface DatasetEntry {
  readonly uri: vscode.Uri;
  schema?: DatasetSchema;
  rows?: number;
  /** Why the file cannot be read; set instead of schema. */
  error?: string;
  profile?: Promise<DatasetProfile>;
}

const DEFAULT_INCLUDE = ['**/*.{csv,tsv,json,jsonl,ndjson,parquet}'];
const DEFAULT_EXCLUDE = ['**/node_modules/**', '**/.mlwb/**', '**/.git/**'];

/** Lists dataset files by the include/exclude settings and keeps their facts fresh; fires with the path that changed. */
export class DatasetIndex implements vscode.Disposable {
  private readonly entries = new Map<string, DatasetEntry>();
  /** Facts about files outside the list (a hover on a file the globs exclude). */
  private readonly extra = new Map<string, DatasetEntry>();
  private readonly counting = new Map<string, Promise<number | undefined>>();
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  readonly onDidChange = this.changed.event;
  private listing: Promise<void> | undefined;

  constructor(
    private readonly client: DatasetsClient,
    private readonly log: Log,
  ) {}

  /** Files in the list, sorted by path. */
  list(): DatasetEntry[] {
    return [...this.entries.values()].sort((a, b) => a.uri.fsPath.localeCompare(b.uri.fsPath));
  }

  /** Waits for the current listing (tests and the tree use it). */
  async ready(): Promise<void> {
    await (this.listing ?? this.refresh());
  }

  /** Finds the files again and reloads the facts of new ones. */
  refresh(): Promise<void> {
    this.listing = this.findFiles().then(
      (uris) => {
        const seen = new Set(uris.map((uri) => uri.fsPath));
        for (const known of [...this.entries.keys()]) if (!seen.has(known)) this.entries.delete(known);
        for (const uri of uris) {
          if (!this.entries.has(uri.fsPath)) {
            const entry: DatasetEntry = this.extra.get(uri.fsPath) ?? { uri };
            this.extra.delete(uri.fsPath);
            this.entries.set(uri.fsPath, entry);
            if (!entry.schema && !entry.error) void this.load(entry);
          }
        }
        this.changed.fire(undefined);
      },
      (error: unknown) => this.log.error('listing dataset files failed', error),
    );
    return this.listing;
  }

  private async findFiles(): Promise<vscode.Uri[]> {
    const config = vscode.workspace.getConfiguration('mlWorkbench.datasets');
    const include = config.get<string[]>('include', DEFAULT_INCLUDE);
    const exclude = config.get<string[]>('exclude', DEFAULT_EXCLUDE);
    const excludeGlob = exclude.length === 0 ? null : exclude.length === 1 ? (exclude[0] ?? null) : `{${exclude.join(',')}}`;
    const found = new Map<string, vscode.Uri>();
    for (const pattern of include) {
      for (const uri of await vscode.workspace.findFiles(pattern, excludeGlob, 5000)) found.set(uri.fsPath, uri);
    }
    return [...found.values()];
  }

  /** The entry of a file, listed or not. */
  entry(filePath: string): DatasetEntry {
    const known = this.entries.get(filePath) ?? this.extra.get(filePath);
    if (known) return known;
    const entry: DatasetEntry = { uri: vscode.Uri.file(filePath) };
    this.extra.set(filePath, entry);
    return entry;
  }

  /** Loads schema, then the row count in the background. */
  private async load(entry: DatasetEntry): Promise<void> {
    const filePath = entry.uri.fsPath;
    try {
      entry.schema = await this.client.schema(filePath);
      entry.error = undefined;
    } catch (error) {
      if (error instanceof CancelledError) return;
      entry.error = errorMessage(error);
      this.changed.fire(filePath);
      return;
    }
    this.changed.fire(filePath);
    await this.ensureCount(filePath);
  }

  /** The schema, loading it when needed; throws the reader's message for an unreadable file. */
  async schema(filePath: string): Promise<DatasetSchema> {
    const entry = this.entry(filePath);
    if (entry.schema) return entry.schema;
    try {
      entry.schema = await this.client.schema(filePath);
    } catch (error) {
      if (!(error instanceof CancelledError)) entry.error = errorMessage(error);
      throw error;
    }
    return entry.schema;
  }

  /** Counts rows once per file version; fires a change when the count arrives. */
  ensureCount(filePath: string): Promise<number | undefined> {
    const entry = this.entry(filePath);
    if (entry.rows !== undefined) return Promise.resolve(entry.rows);
    let pending = this.counting.get(filePath);
    if (!pending) {
      pending = this.client.count(filePath).then(
        (rows) => {
          entry.rows = rows;
          this.changed.fire(filePath);
          return rows;
        },
        (error: unknown) => {
          if (!(error instanceof CancelledError)) {
            entry.error = errorMessage(error);
            this.changed.fire(filePath);
          }
          return undefined;
        },
      );
      pending.finally(() => this.counting.delete(filePath)).catch(() => undefined);
      this.counting.set(filePath, pending);
    }
    return pending;
  }

  /** The full profile (computed once per file version in the worker). */
  profile(filePath: string): Promise<DatasetProfile> {
    const entry = this.entry(filePath);
    entry.profile ??= this.client.profile(filePath).then((profile) => {
      if (entry.rows === undefined) {
        entry.rows = profile.rowCount;
        this.changed.fire(filePath);
      }
      return profile;
    });
    entry.profile.catch(() => {
      entry.profile = undefined;
    });
    return entry.profile;
  }

  /** Drops what is known about a changed file and loads it again. */
  fileChanged(uri: vscode.Uri): void {
    const filePath = uri.fsPath;
    this.client.forget(filePath);
    this.extra.delete(filePath);
    const listed = this.entries.get(filePath);
    if (!listed) return;
    const fresh: DatasetEntry = { uri };
    this.entries.set(filePath, fresh);
    this.changed.fire(filePath);
    void this.load(fresh);
  }

  /** Name to show for a file: its path relative to its workspace folder. */
  static label(uri: vscode.Uri): string {
    return vscode.workspace.asRelativePath(uri, false) || path.basename(uri.fsPath);
  }

  dispose(): void {
    this.changed.dispose();
  }
}
