/** Decides each column's type (DuckDB's for typed formats, inferred from a sample for text) and the SQL that reads it as that type. */
import { sqlIdentifier } from './source';
import type { ColumnType } from './types';

/** A column and how to read it: `raw` columns hold text from the file that must be parsed as `type`. */
export interface ColumnPlan {
  readonly name: string;
  readonly type: ColumnType;
  readonly raw: boolean;
}

/** A column's share of values that must parse for it to get that type; the rest are reported as invalid. */
const TYPE_SHARE = 0.8;
const TRUE_WORDS = ['true', 'yes'];
const FALSE_WORDS = ['false', 'no'];
const INTEGER = String.raw`[+-]?\d+`;
const DATE = String.raw`\d{4}-\d{1,2}-\d{1,2}`;
const DATETIME = String.raw`\d{4}-\d{1,2}-\d{1,2}[ T]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?`;
const words = (list: readonly string[]): string => list.map((word) => `'${word}'`).join(', ');

/** Maps a DuckDB type name to a column type; undefined for VARCHAR, whose values must be inferred. */
export function typeOfDuckDb(duckType: string): ColumnType | undefined {
  const upper = duckType.toUpperCase();
  if (upper === 'VARCHAR') return undefined;
  if (/^(U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?|UHUGEINT)$/.test(upper)) return 'integer';
  if (/^(FLOAT|DOUBLE|REAL|DECIMAL.*)$/.test(upper)) return 'float';
  if (upper === 'BOOLEAN') return 'boolean';
  if (upper === 'DATE') return 'date';
  if (upper.startsWith('TIMESTAMP')) return 'datetime';
  return 'text';
}

/** Whether a string column is categorical (few distinct short values) or free text. */
export function stringKind(distinct: number, count: number, averageLength: number): 'categorical' | 'text' {
  return (distinct <= 20 || distinct <= 0.05 * count) && averageLength <= 50 ? 'categorical' : 'text';
}

/** SELECT list that counts, per raw column, how many sampled values parse as each candidate type. */
export function inferenceSelect(names: readonly string[]): string {
  return names
    .map((name) => {
      const c = sqlIdentifier(name);
      return [
        `count(${c})`,
        `count(CASE WHEN regexp_full_match(${c}, '${INTEGER}') THEN 1 END)`,
        `count(try_cast(${c} AS DOUBLE))`,
        `count(CASE WHEN lower(${c}) IN (${words([...TRUE_WORDS, ...FALSE_WORDS])}) THEN 1 END)`,
        `count(CASE WHEN regexp_full_match(${c}, '${DATE}') THEN try_cast(${c} AS DATE) END)`,
        `count(CASE WHEN regexp_full_match(${c}, '${DATETIME}') THEN try_cast(${c} AS TIMESTAMP) END)`,
        `count(DISTINCT ${c})`,
        `coalesce(avg(length(${c})), 0)`,
      ].join(', ');
    })
    .join(', ');
}

/** Number of values `inferenceSelect` yields per column. */
export const INFERENCE_WIDTH = 8;

/** Picks a type from one column's counts as produced by `inferenceSelect`. */
export function inferType(counts: readonly number[]): ColumnType {
  const [present = 0, integers = 0, floats = 0, booleans = 0, dates = 0, datetimes = 0, distinct = 0, averageLength = 0] = counts;
  if (present === 0) return 'text';
  const enough = (n: number): boolean => n >= TYPE_SHARE * present;
  if (enough(booleans)) return 'boolean';
  if (enough(floats)) return integers === floats ? 'integer' : 'float';
  if (enough(dates)) return 'date';
  if (enough(dates + datetimes)) return 'datetime';
  return stringKind(distinct, present, averageLength);
}

/** SQL for a column's value as its type (NULL where it does not parse). */
export function typedExpression(column: ColumnPlan): string {
  const c = sqlIdentifier(column.name);
  if (!column.raw) {
    if (column.type === 'integer' || column.type === 'float') return `CAST(${c} AS DOUBLE)`;
    return column.type === 'text' || column.type === 'categorical' ? `CAST(${c} AS VARCHAR)` : c;
  }
  switch (column.type) {
    case 'integer':
    case 'float':
      return `try_cast(${c} AS DOUBLE)`;
    case 'boolean':
      return `CASE WHEN lower(${c}) IN (${words(TRUE_WORDS)}) THEN true WHEN lower(${c}) IN (${words(FALSE_WORDS)}) THEN false END`;
    case 'date':
      return `CASE WHEN regexp_full_match(${c}, '${DATE}') THEN try_cast(${c} AS DATE) END`;
    case 'datetime':
      return `CASE WHEN regexp_full_match(${c}, '${DATETIME}') OR regexp_full_match(${c}, '${DATE}') THEN try_cast(${c} AS TIMESTAMP) END`;
    default:
      return c;
  }
}

/** SQL for a column's value as display text. */
export function textExpression(column: ColumnPlan): string {
  const c = sqlIdentifier(column.name);
  return column.raw ? c : `CAST(${c} AS VARCHAR)`;
}

/** SQL that is true for a present value that does not parse as the column's type. */
export function invalidCondition(column: ColumnPlan): string {
  if (!column.raw || column.type === 'text' || column.type === 'categorical') return 'false';
  return `(${sqlIdentifier(column.name)} IS NOT NULL AND ${typedExpression(column)} IS NULL)`;
}
