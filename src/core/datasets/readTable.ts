/** Loads a dataset file into the core `Table` that preparation and training consume. */
import type { DuckDBDataChunk } from '@duckdb/node-api';
import { NumericColumnBuilder, StringColumnBuilder } from '../data/columnBuilder';
import type { Column, Table } from '../data/table';
import { stringKind, textExpression, typedExpression } from './columns';
import type { DatasetEngine, QueryOptions } from './engine';
import { columnPlans, numberRow } from './head';
import { sqlIdentifier } from './source';

/**
 * Reads every row: integer and float columns become numeric (NaN where missing or unparsable), the rest strings.
 * Columnar: DuckDB's result chunks are streamed from the file straight into one typed array per numeric column and
 * an interned string array per string column, without materializing the table in DuckDB or a JavaScript value per
 * cell first, so the read holds little more than the finished columns.
 */
export async function readTable(engine: DatasetEngine, filePath: string, options: QueryOptions = {}): Promise<Table> {
  const plans = await columnPlans(engine, filePath, options);
  const numeric = plans.map((plan) => plan.type === 'integer' || plan.type === 'float');
  const stringPlans = plans.filter((_, i) => !numeric[i]);
  // Categorical or text is decided on the whole column, not the head the schema saw.
  const shape =
    stringPlans.length === 0
      ? [0]
      : numberRow(
          (
            await engine.querySource(
              filePath,
              (from) =>
                `SELECT count(*), ${stringPlans.map((p) => `count(${textExpression(p)}), count(DISTINCT ${textExpression(p)}), coalesce(avg(length(${textExpression(p)})), 0)`).join(', ')} FROM ${from}`,
              options,
            )
          ).reader,
        );
  const builders = plans.map((_, i) => (numeric[i] ? new NumericColumnBuilder() : new StringColumnBuilder()));
  let rowCount = 0;
  const select = plans.map((plan, i) => `${numeric[i] ? typedExpression(plan) : textExpression(plan)} AS ${sqlIdentifier(plan.name)}`).join(', ');
  // Without ORDER BY: DuckDB keeps the file's row order (preserve_insertion_order is on) and streams instead of sorting.
  await engine.streamSource(
    filePath,
    (from) => `SELECT ${select || '*'} FROM ${from}`,
    (chunk) => {
      rowCount += appendChunk(chunk, builders);
    },
    () => {
      rowCount = 0;
      for (const builder of builders) builder.clear();
    },
    options,
  );
  const columns: Column[] = plans.map((plan, i) => {
    const builder = builders[i] as NumericColumnBuilder | StringColumnBuilder;
    if (builder instanceof NumericColumnBuilder) return { name: plan.name, kind: 'numeric', values: builder.finish() };
    const s = stringPlans.indexOf(plan);
    const [present = 0, distinct = 0, averageLength = 0] = shape.slice(1 + 3 * s, 4 + 3 * s);
    return { name: plan.name, kind: stringKind(distinct, present, averageLength), values: builder.finish() };
  });
  return { rowCount, columns };
}

/** Copies one result chunk into the column builders; returns its row count. */
function appendChunk(chunk: DuckDBDataChunk, builders: readonly (NumericColumnBuilder | StringColumnBuilder)[]): number {
  const rows = chunk.rowCount;
  for (let c = 0; c < builders.length; c++) {
    const builder = builders[c] as NumericColumnBuilder | StringColumnBuilder;
    const vector = chunk.getColumnVector(c);
    if (builder instanceof NumericColumnBuilder) {
      const out = builder.batch(rows);
      for (let r = 0; r < rows; r++) {
        const value = vector.getItem(r);
        if (value !== null) out[r] = typeof value === 'number' ? value : Number(value);
      }
    } else {
      for (let r = 0; r < rows; r++) {
        const value = vector.getItem(r);
        builder.push(value === null ? null : typeof value === 'string' ? value : String(value));
      }
    }
  }
  return rows;
}
