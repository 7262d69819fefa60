/** Runs one import: source → staged data file → atomic rename, with its `<name>.source.yaml` provenance beside it. */
import { existsSync, statSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import YAML from 'yaml';
import { makeDirectory } from '../runs/atomic';
import { CancelledError } from '../types';
import { importApi } from './api';
import { importHttpFile } from './httpFile';
import { readMysql } from './mysql';
import { readPostgres } from './postgres';
import { sourceRecord, sqliteRelative } from './spec';
import { readSidecar, sidecarPath, type Sidecar } from './sidecar';
import { readSqlite } from './sqlite';
import { ImportError, type ImportResult, type ImportSpec, type RowBatch, type SourceOptions } from './types';
import { StagedFile, describeWriteError, type WrittenFile } from './writer';

export { readSidecar, sidecarPath, type Sidecar } from './sidecar';

function rowsOf(spec: ImportSpec, options: SourceOptions): AsyncGenerator<RowBatch> {
  switch (spec.kind) {
    case 'postgres':
      return readPostgres(spec, options);
    case 'mysql':
      return readMysql(spec, options);
    case 'sqlite':
      return readSqlite(spec, options);
    default:
      throw new Error(`not a database source: ${spec.kind}`);
  }
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temp = `${file}.${process.pid}.${Date.now()}.partial`;
  try {
    await writeFile(temp, text);
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw describeWriteError(error, file);
  }
}

/**
 * Imports `spec` into `out` (.parquet, .csv, .tsv, .json or .jsonl). On failure nothing is
 * written and a previous file of that name is kept; on success the sidecar describes the file.
 */
export async function importData(spec: ImportSpec, out: string, options: SourceOptions = {}): Promise<ImportResult> {
  const target = path.resolve(out);
  const folder = path.dirname(target);
  if (existsSync(target) && statSync(target).isDirectory())
    throw new ImportError(`--out ${out} is a folder; give a file name such as ${path.join(out, 'data.parquet')}`);
  try {
    makeDirectory(folder);
  } catch (error) {
    throw new ImportError((error as Error).message);
  }
  const fetchedAt = new Date();
  const staged = new StagedFile(target);
  let written: WrittenFile;
  try {
    if (spec.kind === 'http') written = await importHttpFile(spec.url, spec.headers ?? [], staged, options);
    else if (spec.kind === 'api') written = await importApi(spec, staged, options);
    else written = await staged.writeRows(rowsOf(spec, options), options.signal, options.onProgress);
    if (options.signal?.aborted) throw new CancelledError();
    await staged.commit();
  } finally {
    await staged.dispose();
  }
  const source = sourceRecord(spec.kind === 'sqlite' ? sqliteRelative(spec, folder) : spec, fetchedAt);
  const sidecar = sidecarPath(target);
  const record: Sidecar = { file: path.basename(target), source, rows: written.rows, columns: written.columns, sha256: written.sha256 };
  await writeAtomically(sidecar, `# Written by mlwb import; refresh with: mlwb import --refresh ${path.basename(sidecar)}\n${YAML.stringify(record)}`);
  return { path: target, sidecar, rows: written.rows, columns: written.columns, sha256: written.sha256, source };
}

/** The spec a sidecar describes; a sqlite path is taken relative to the sidecar's folder. */
export function specFromSidecar(sidecar: Sidecar, folder: string): ImportSpec {
  const s = sidecar.source;
  switch (s.kind) {
    case 'sqlite': {
      const file = s.url.replace(/^sqlite:/i, '');
      return { kind: 'sqlite', url: `sqlite:${path.resolve(folder, file)}`, table: s.table, query: s.query };
    }
    case 'postgres':
    case 'mysql':
      return { kind: s.kind, url: s.url, table: s.table, query: s.query };
    case 'http':
      return { kind: 'http', url: s.url, headers: s.headers };
    case 'api':
      return { kind: 'api', url: s.url, records: s.records as string, next: s.next, headers: s.headers, maxPages: s.maxPages };
  }
}

/** Imports again what a `.source.yaml` describes, into the file beside it. */
export async function refreshImport(sidecarFile: string, options: SourceOptions = {}): Promise<ImportResult> {
  const sidecar = readSidecar(sidecarFile);
  const folder = path.dirname(path.resolve(sidecarFile));
  return importData(specFromSidecar(sidecar, folder), path.join(folder, sidecar.file), options);
}
