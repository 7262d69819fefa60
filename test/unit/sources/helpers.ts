/** Shared helpers of the import tests: read a written file back through DuckDB, temp folders, "nothing written" checks. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

export function tempFolder(prefix = 'mlwb-import-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** The columns (name → type) and rows (as JSON-friendly values) of a data file. */
export async function readBack(file: string): Promise<{ types: Record<string, string>; rows: Record<string, unknown>[] }> {
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const literal = `'${file.replace(/'/g, "''")}'`;
    const described = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${literal}`);
    const types = Object.fromEntries(described.getRowObjectsJson().map((row) => [String(row.column_name), String(row.column_type)]));
    const reader = await connection.runAndReadAll(`SELECT * FROM ${literal}`);
    return { types, rows: reader.getRowObjectsJson() as Record<string, unknown>[] };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Asserts that a failed import left the folder as it was: no new file, no temporary leftovers, the old file intact. */
export function assertNothingWritten(folder: string, before: Readonly<Record<string, string>> = {}): void {
  const now = existsSync(folder) ? readdirSync(folder) : [];
  assert.deepEqual(now.sort(), Object.keys(before).sort(), `files in ${folder}: ${now.join(', ')}`);
  for (const [name, content] of Object.entries(before)) assert.equal(readFileSync(path.join(folder, name), 'utf8'), content, `${name} was changed`);
}

/** Puts files with known contents in a folder (a "previous import" that a failure must keep). */
export function seed(folder: string, files: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  for (const [name, content] of Object.entries(files)) writeFileSync(path.join(folder, name), content);
  return files;
}
