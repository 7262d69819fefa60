/** Row selection of tables and targets, so a fold sees only its own rows. */
import { takeRows, type Table } from '../data/table';
import type { Target } from '../types';

/** The rows of a table at the given indices, in that order. */
export function selectRows(table: Table, rows: readonly number[]): Table {
  return takeRows(table, rows);
}

/** The target values at the given indices, in that order. */
export function selectTarget(y: Target, rows: readonly number[]): Target {
  if (y instanceof Float64Array) return Float64Array.from(rows, (r) => y[r] as number);
  return rows.map((r) => y[r] as string);
}
