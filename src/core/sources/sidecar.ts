/** The `<name>.source.yaml` provenance file beside an imported data file: its path, its reader, and what a run records of it. */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import YAML from 'yaml';
import { redactUrl } from './spec';
import { ImportError, type SourceColumn, type SourceRecord } from './types';

/** `data/reviews.parquet` → `data/reviews.source.yaml`. */
export function sidecarPath(dataFile: string): string {
  const ext = path.extname(dataFile);
  return `${ext ? dataFile.slice(0, -ext.length) : dataFile}.source.yaml`;
}

/** What a `.source.yaml` holds. */
export interface Sidecar {
  readonly file: string;
  readonly source: SourceRecord;
  readonly rows: number;
  readonly columns: readonly SourceColumn[];
  readonly sha256: string;
}

/** Reads and checks a `.source.yaml`. */
export function readSidecar(file: string): Sidecar {
  let parsed: unknown;
  try {
    parsed = YAML.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ImportError(code === 'ENOENT' ? `source file not found: ${file}` : `cannot read ${file}: ${(error as Error).message}`);
  }
  const sidecar = parsed as Partial<Sidecar> | null;
  const source = sidecar?.source;
  if (
    !sidecar ||
    typeof sidecar.file !== 'string' ||
    !source ||
    typeof source.url !== 'string' ||
    !['postgres', 'mysql', 'sqlite', 'http', 'api'].includes(String(source.kind))
  ) {
    throw new ImportError(`${file} is not an mlwb import source file (it needs file, source.kind and source.url)`);
  }
  if (source.kind === 'api' && typeof source.records !== 'string') throw new ImportError(`${file}: an api source needs source.records`);
  return sidecar as Sidecar;
}

/** Where a run's data file was imported from, as its run.json records it: no password, token or header. */
export interface DataSource {
  readonly kind: SourceRecord['kind'];
  /** The URL or connection without password and secret query parameters. */
  readonly url: string;
  readonly table?: string;
  readonly query?: string;
  readonly records?: string;
  readonly next?: string;
  readonly fetchedAt: string;
  /** SHA-256 of the file as imported (the run's data.sha256 differs when the file changed since). */
  readonly sha256: string;
  /** The sidecar it was read from, relative to the workspace root. */
  readonly sidecar: string;
}

/**
 * The source of `dataFile` from its sidecar, or undefined when it has none. A sidecar that cannot be
 * read is not a reason to fail a run: it is reported through `onProblem` and left out.
 */
export function dataSourceOf(dataFile: string, workspaceRoot: string, onProblem: (message: string) => void = () => undefined): DataSource | undefined {
  const file = sidecarPath(dataFile);
  if (!existsSync(file)) return undefined;
  try {
    const { source, sha256 } = readSidecar(file);
    let url: string;
    try {
      url = redactUrl(source.url);
    } catch {
      url = source.url.replace(/\/\/[^/@]*@/, '//');
    }
    return {
      kind: source.kind,
      url,
      ...(source.table !== undefined ? { table: String(source.table) } : {}),
      ...(source.query !== undefined ? { query: String(source.query) } : {}),
      ...(source.records !== undefined ? { records: String(source.records) } : {}),
      ...(source.next !== undefined ? { next: String(source.next) } : {}),
      fetchedAt: String(source.fetchedAt ?? ''),
      sha256: String(sha256 ?? ''),
      sidecar: path.relative(workspaceRoot, file),
    };
  } catch (error) {
    onProblem(error instanceof Error ? error.message : String(error));
    return undefined;
  }
}
