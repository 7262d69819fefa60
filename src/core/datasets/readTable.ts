/** Loads a dataset file into the core `Table` that preparation and training consume. */
import type { Column, Table } from '../data/table';
import { stringKind, textExpression, typedExpression } from './columns';
import type { DatasetEngine, QueryOptions } from './engine';
import { columnPlans, numberRow } from './head';
import { sqlIdentifier } from './source';

/** Reads every row: integer and float columns become numeric (NaN where missing or unparsable), the rest strings. */
export async function readTable(engine: DatasetEngine, filePath: string, options: QueryOptions = {}): Promise<Table> {
  return engine.withTable(filePath, options, (table) => readLoaded(engine, filePath, table, options));
}

async function readLoaded(engine: DatasetEngine, filePath: string, table: string, options: QueryOptions): Promise<Table> {
  const plans = await columnPlans(engine, filePath, options);
  const numeric = plans.map((plan) => plan.type === 'integer' || plan.type === 'float');
  const stringPlans = plans.filter((_, i) => !numeric[i]);
  // Categorical or text is decided on the whole column, not the head the schema saw.
  const shape =
    stringPlans.length === 0
      ? [0]
      : numberRow(
          await engine.query(
            `SELECT count(*), ${stringPlans.map((p) => `count(${textExpression(p)}), count(DISTINCT ${textExpression(p)}), coalesce(avg(length(${textExpression(p)})), 0)`).join(', ')} FROM ${table}`,
            options,
          ),
        );
  const select = plans.map((plan, i) => `${numeric[i] ? typedExpression(plan) : textExpression(plan)} AS ${sqlIdentifier(plan.name)}`).join(', ');
  const reader = await engine.query(`SELECT ${select} FROM ${table} ORDER BY rowid`, options);
  const data = reader.getColumns();
  const rowCount = reader.currentRowCount;
  const columns: Column[] = plans.map((plan, i) => {
    const values = data[i] ?? [];
    if (numeric[i]) {
      const out = new Float64Array(rowCount);
      for (let r = 0; r < rowCount; r++) out[r] = values[r] === null || values[r] === undefined ? Number.NaN : Number(values[r]);
      return { name: plan.name, kind: 'numeric', values: out };
    }
    const s = stringPlans.indexOf(plan);
    const [present = 0, distinct = 0, averageLength = 0] = shape.slice(1 + 3 * s, 4 + 3 * s);
    return {
      name: plan.name,
      kind: stringKind(distinct, present, averageLength),
      values: values.map((value) => (value === null || value === undefined ? null : String(value))),
    };
  });
  return { rowCount, columns };
}
