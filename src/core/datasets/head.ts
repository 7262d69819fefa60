/** Quick reads that touch only the start of a file (schema, head) and the row count. */
import type { DuckDBResultReader } from '@duckdb/node-api';
import { inferType, textExpression, typeOfDuckDb, type ColumnPlan } from './columns';
import type { DatasetEngine, QueryOptions } from './engine';
import { sqlIdentifier } from './source';
import type { DatasetHead, DatasetSchema } from './types';

/** Rows of the head that column types are inferred from (the profile re-checks every row). */
const SCHEMA_SAMPLE_ROWS = 1000;

/** Reads a result's first row as numbers (BIGINT and DOUBLE alike). */
export function numberRow(reader: DuckDBResultReader): number[] {
  const row = reader.getRows()[0] ?? [];
  return row.map((value) => (value === null ? 0 : Number(value)));
}

/** Reads a result of VARCHAR columns as rows of text. */
export function textRows(reader: DuckDBResultReader): (string | null)[][] {
  return reader.getRows().map((row) => row.map((value) => (value === null ? null : String(value))));
}

/** Column plans of a file: names and DuckDB types, then a type inferred from the head for text columns. */
export async function columnPlans(engine: DatasetEngine, filePath: string, options: QueryOptions = {}): Promise<ColumnPlan[]> {
  return engine.cached(filePath, 'plans', async () => {
    const opened = await engine.open(filePath);
    let described: { name: string; duckType: string }[];
    if (opened.source.layout) {
      described = opened.source.layout.columns.map((name) => ({ name, duckType: 'VARCHAR' }));
    } else {
      const { reader } = await engine.querySource(filePath, (from) => `DESCRIBE SELECT * FROM ${from}`, options, true);
      described = reader.getRows().map((row) => ({ name: String(row[0]), duckType: String(row[1]) }));
    }
    const raw = described.filter((column) => typeOfDuckDb(column.duckType) === undefined).map((column) => column.name);
    // Types are inferred in JS from the head's text: a SQL aggregate over it costs more than reading it.
    const sample =
      raw.length === 0
        ? []
        : textRows(
            (
              await engine.querySource(
                filePath,
                (from) => `SELECT ${raw.map((name) => `CAST(${sqlIdentifier(name)} AS VARCHAR)`).join(', ')} FROM ${from} LIMIT ${SCHEMA_SAMPLE_ROWS}`,
                options,
                true,
              )
            ).reader,
          );
    return described.map((column) => {
      const known = typeOfDuckDb(column.duckType);
      if (known) return { name: column.name, type: known, raw: false };
      const index = raw.indexOf(column.name);
      return { name: column.name, type: inferType(sample.map((row) => row[index] ?? null)), raw: true };
    });
  });
}

/** The columns and types of a dataset file, read from its head. */
export async function datasetSchema(engine: DatasetEngine, filePath: string, options: QueryOptions = {}): Promise<DatasetSchema> {
  const plans = await columnPlans(engine, filePath, options);
  const { key, source } = await engine.open(filePath);
  return {
    path: filePath,
    format: source.format,
    size: key.size,
    columns: plans.map(({ name, type }) => ({ name, type })),
    warnings: source.warnings,
  };
}

/** The first `n` rows of a file as text; reads only the head, so it stays fast on files of any size. */
export async function datasetHead(engine: DatasetEngine, filePath: string, n = 5, options: QueryOptions = {}): Promise<DatasetHead> {
  return engine.cached(filePath, `head:${n}`, async () => {
    const plans = await columnPlans(engine, filePath, options);
    const select = plans.map((plan) => `${textExpression(plan)} AS ${sqlIdentifier(plan.name)}`).join(', ');
    const { reader } = await engine.querySource(filePath, (from) => `SELECT ${select || '*'} FROM ${from} LIMIT ${Math.max(0, Math.floor(n))}`, options, true);
    return { schema: await datasetSchema(engine, filePath, options), rows: textRows(reader) };
  });
}

/** Counts the data rows of a file (scans it once, or uses the loaded table when there is one). */
export async function countRows(engine: DatasetEngine, filePath: string, options: QueryOptions = {}): Promise<number> {
  return engine.cached(filePath, 'count', async () => {
    const loaded = engine.loadedTable(filePath);
    if (loaded) return numberRow(await engine.query(`SELECT count(*) FROM ${loaded}`, options))[0] ?? 0;
    const { reader } = await engine.querySource(filePath, (from) => `SELECT count(*) FROM ${from}`, options);
    return numberRow(reader)[0] ?? 0;
  });
}
