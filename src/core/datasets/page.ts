/** Pages through a dataset's rows, sorted and filtered by column, for the preview table. */
import { textExpression, typedExpression, type ColumnPlan } from './columns';
import type { DatasetEngine, QueryOptions } from './engine';
import { datasetError } from './errors';
import { columnPlans, numberRow } from './head';
import { sqlIdentifier, sqlString } from './source';
import type { FilterSpec, RowPage, SortSpec } from './types';

export interface PageRequest {
  readonly offset: number;
  readonly limit: number;
  readonly sort?: SortSpec;
  readonly filter?: FilterSpec;
  /** Answer from the file's head without loading it when possible; the total is then unknown (-1). */
  readonly quick?: boolean;
}

/** Rows in the head that a quick page may come from. */
const QUICK_ROWS = 10_000;
const COMPARISON = /^(>=|<=|!=|>|<|=)\s*(.*)$/;

function planOf(plans: readonly ColumnPlan[], name: string, filePath: string): ColumnPlan {
  const plan = plans.find((p) => p.name === name);
  if (!plan) throw datasetError(filePath, `there is no column "${name}"`);
  return plan;
}

/** SQL condition for one column's filter text: numeric comparisons on number columns, else a case-insensitive substring. */
export function filterCondition(plan: ColumnPlan, text: string): string | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const comparison = COMPARISON.exec(trimmed);
  const isNumber = plan.type === 'integer' || plan.type === 'float';
  if (comparison && isNumber && comparison[2] !== '' && Number.isFinite(Number(comparison[2]))) {
    const operator = comparison[1] === '!=' ? '<>' : comparison[1];
    return `${typedExpression(plan)} ${operator} ${Number(comparison[2])}`;
  }
  if (comparison?.[1] === '=') return `${textExpression(plan)} = ${sqlString(comparison[2] ?? '')}`;
  return `contains(lower(${textExpression(plan)}), ${sqlString(trimmed.toLowerCase())})`;
}

function whereClause(plans: readonly ColumnPlan[], filter: FilterSpec | undefined, filePath: string): string {
  const conditions = Object.entries(filter ?? {})
    .map(([name, text]) => filterCondition(planOf(plans, name, filePath), text))
    .filter((condition): condition is string => condition !== undefined);
  return conditions.length === 0 ? '' : `WHERE ${conditions.join(' AND ')}`;
}

function orderClause(plans: readonly ColumnPlan[], sort: SortSpec | undefined, filePath: string): string {
  if (!sort) return 'ORDER BY rowid';
  const plan = planOf(plans, sort.column, filePath);
  const key = plan.type === 'categorical' || plan.type === 'text' ? textExpression(plan) : typedExpression(plan);
  return `ORDER BY ${key} ${sort.direction === 'desc' ? 'DESC' : 'ASC'} NULLS LAST, rowid`;
}

/** One page of rows as text; sort and filter run over the whole file (loaded into DuckDB once). */
export async function pageRows(engine: DatasetEngine, filePath: string, request: PageRequest, options: QueryOptions = {}): Promise<RowPage> {
  const plans = await columnPlans(engine, filePath, options);
  const offset = Math.max(0, Math.floor(request.offset));
  const limit = Math.max(0, Math.min(10_000, Math.floor(request.limit)));
  const select = plans.map((plan) => `${textExpression(plan)} AS ${sqlIdentifier(plan.name)}`).join(', ');
  const columns = plans.map((plan) => plan.name);
  const plain = !request.sort && Object.values(request.filter ?? {}).every((text) => text.trim() === '');

  if (request.quick && plain && offset + limit <= QUICK_ROWS && !engine.loadedTable(filePath)) {
    const { reader } = await engine.querySource(filePath, (from) => `SELECT ${select} FROM ${from} LIMIT ${limit} OFFSET ${offset}`, options, true);
    const rows = reader.getRows().map((row) => row.map((value) => (value === null ? null : String(value))));
    return { columns, total: -1, offset, rowNumbers: rows.map((_, i) => offset + i + 1), rows };
  }

  return engine.withTable(filePath, options, async (table) => {
    const where = whereClause(plans, request.filter, filePath);
    const total = numberRow(await engine.query(`SELECT count(*) FROM ${table} ${where}`, options))[0] ?? 0;
    const sql = `SELECT rowid, ${select} FROM ${table} ${where} ${orderClause(plans, request.sort, filePath)} LIMIT ${limit} OFFSET ${offset}`;
    const result = (await engine.query(sql, options)).getRows();
    return {
      columns,
      total,
      offset,
      rowNumbers: result.map((row) => Number(row[0]) + 1),
      rows: result.map((row) => row.slice(1).map((value) => (value === null ? null : String(value)))),
    };
  });
}
