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

const INTEGER_TEXT = new RegExp(`^${INTEGER}$`);
const FLOAT_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?inf(inity)?$/i;
const DATE_TEXT = new RegExp(`^${DATE}$`);
const DATETIME_TEXT = new RegExp(`^${DATETIME}$`);

/** Picks a type from sampled text values (the head of the file); the profile later counts every value that does not parse. */
export function inferType(values: readonly (string | null)[]): ColumnType {
  let present = 0;
  let integers = 0;
  let floats = 0;
  let booleans = 0;
  let dates = 0;
  let datetimes = 0;
  let length = 0;
  const distinct = new Set<string>();
  for (const raw of values) {
    if (raw === null) continue;
    present++;
    distinct.add(raw);
    length += raw.length;
    const value = raw.trim();
    if (INTEGER_TEXT.test(value)) integers++;
    if (FLOAT_TEXT.test(value)) floats++;
    const lower = value.toLowerCase();
    if (TRUE_WORDS.includes(lower) || FALSE_WORDS.includes(lower)) booleans++;
    if (DATE_TEXT.test(value) && !Number.isNaN(Date.parse(value))) dates++;
    else if (DATETIME_TEXT.test(value)) datetimes++;
  }
  if (present === 0) return 'text';
  const enough = (n: number): boolean => n >= TYPE_SHARE * present;
  if (enough(booleans)) return 'boolean';
  if (enough(floats)) return integers === floats ? 'integer' : 'float';
  if (enough(dates)) return 'date';
  if (enough(dates + datetimes)) return 'datetime';
  return stringKind(distinct.size, present, length / present);
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
