/** The dataset engine: read csv/tsv/json/jsonl/parquet through DuckDB, profile, page, and load into a Table. */
import { DatasetEngine, type QueryOptions } from './engine';
import { countRows as countRowsWith, datasetHead as headWith, datasetSchema as schemaWith } from './head';
import { pageRows as pageWith, type PageRequest } from './page';
import { profileDataset as profileWith } from './profile';
import { readTable as readTableWith, type ReadTableOptions } from './readTable';
import type { Table } from '../data/table';
import type { DatasetHead, DatasetProfile, DatasetSchema, FilterSpec, RowPage, SortSpec } from './types';

export * from './types';
export { DatasetEngine, type QueryOptions } from './engine';
export type { ReadTableOptions } from './readTable';
export { DatasetError } from './errors';
export { datasetFormat } from './sniff';
export type { PageRequest } from './page';

let shared: DatasetEngine | undefined;

/** The process-wide engine the plain functions below use. */
export function defaultEngine(): DatasetEngine {
  shared ??= new DatasetEngine();
  return shared;
}

/** The first `n` rows and the schema, reading only the start of the file. */
export function datasetHead(path: string, n = 5, options?: QueryOptions): Promise<DatasetHead> {
  return headWith(defaultEngine(), path, n, options);
}

/** Column names and types, from the head of the file. */
export function datasetSchema(path: string, options?: QueryOptions): Promise<DatasetSchema> {
  return schemaWith(defaultEngine(), path, options);
}

/** Number of data rows (a full scan, cached per file version). */
export function countRows(path: string, options?: QueryOptions): Promise<number> {
  return countRowsWith(defaultEngine(), path, options);
}

/** Statistics, histograms and data quality of every column (cached per file version). */
export function profileDataset(path: string, options?: QueryOptions): Promise<DatasetProfile> {
  return profileWith(defaultEngine(), path, options);
}

/** Rows `offset .. offset + limit` after filtering and sorting. */
export function pageRows(path: string, offset: number, limit: number, sort?: SortSpec, filter?: FilterSpec, options?: QueryOptions): Promise<RowPage> {
  const request: PageRequest = { offset, limit, ...(sort ? { sort } : {}), ...(filter ? { filter } : {}) };
  return pageWith(defaultEngine(), path, request, options);
}

/**
 * The whole file as the core Table, for preparation and training. It reads through a DuckDB instance of its own,
 * closed once the columns are in JavaScript: DuckDB keeps its buffers (~200 MB after a 1,000,000-row CSV) until it
 * is closed, and training needs that memory more than a warm cache.
 */
export async function readTable(path: string, options?: ReadTableOptions): Promise<Table> {
  const engine = new DatasetEngine(1);
  try {
    return await readTableWith(engine, path, options);
  } finally {
    await engine.close();
  }
}

export { headWith, schemaWith, countRowsWith, profileWith, pageWith, readTableWith };
