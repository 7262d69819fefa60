/**
 * Column kind inference for tables built from records or CSV cells.
 *
 * Rule (documented for users):
 * - missing: null, undefined, NaN, and the strings '', 'NA', 'N/A', 'NaN', 'nan', 'null', 'None'
 *   (after trimming);
 * - numeric: every non-missing value is a number or a string that parses as a finite number
 *   (a column with no values at all is numeric, all missing);
 * - text: otherwise, when values hold more than 3 whitespace-separated tokens on average, or when
 *   they are mostly distinct (distinct / non-missing > 0.5, over at least 20 values) and hold at
 *   least 2 tokens on average: free text such as reviews or titles;
 * - categorical: every other string column (labels, codes, single-word ids).
 */
import { categoryCounts, dictionaryOf, stringColumn, type Column, type StringColumn } from './table';

export type ColumnKind = 'numeric' | 'categorical' | 'text';

const MISSING = new Set(['', 'NA', 'N/A', 'NaN', 'nan', 'null', 'None']);

/** True for the values treated as missing (see the rule above). */
export function isMissing(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'number') return Number.isNaN(value);
  if (typeof value === 'string') return MISSING.has(value.trim());
  return false;
}

/** The number a cell holds, or undefined when it is not numeric (missing cells give NaN). */
export function parseNumber(value: unknown): number | undefined {
  if (isMissing(value)) return NaN;
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean' || typeof value === 'bigint') return undefined;
  if (typeof value !== 'string') return undefined;
  const parsed = Number(value.trim());
  return Number.isFinite(parsed) || /^[+-]?inf(inity)?$/i.test(value.trim()) ? parsed : undefined;
}

/** The string form of a cell, or null when missing. */
export function cellToString(value: unknown): string | null {
  if (isMissing(value)) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Chooses numeric, categorical or text for a column's raw values (rule in the file comment). */
export function inferKind(values: readonly unknown[]): ColumnKind {
  if (values.every((v) => parseNumber(v) !== undefined)) return 'numeric';
  return stringKind(values.map(cellToString));
}

/** Categorical or text for string values (rule in the file comment). */
export function stringKind(values: ReadonlyArray<string | null>): 'categorical' | 'text' {
  return stringColumnKind(stringColumn('', 'categorical', values));
}

/** Categorical or text for a coded string column (rule in the file comment), counted once per category. */
export function stringColumnKind(column: StringColumn): 'categorical' | 'text' {
  const counts = categoryCounts(column);
  let present = 0;
  let tokens = 0;
  let distinct = 0;
  dictionaryOf(column).categories.forEach((v, k) => {
    const count = counts[k] as number;
    if (count === 0) return;
    present += count;
    distinct++;
    tokens += count * v.split(/\s+/u).filter((t) => t.length > 0).length;
  });
  if (present === 0) return 'categorical';
  const meanTokens = tokens / present;
  if (meanTokens > 3) return 'text';
  if (present >= 20 && distinct / present > 0.5 && meanTokens >= 2) return 'text';
  return 'categorical';
}

/** Builds a typed column, inferring the kind unless one is given. */
export function buildColumn(name: string, raw: readonly unknown[], kind?: ColumnKind): Column {
  const chosen = kind ?? inferKind(raw);
  if (chosen === 'numeric') {
    // A forced numeric kind turns unparsable cells into missing values.
    return { name, kind: 'numeric', values: Float64Array.from(raw, (v) => parseNumber(v) ?? NaN) };
  }
  return stringColumn(name, chosen, raw.map(cellToString));
}
