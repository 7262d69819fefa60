/** Row selection of tables and targets, so a fold sees only its own rows. */
import type { Column, Table } from '../data/table';
import type { Target } from '../types';

/** The rows of a table at the given indices, in that order. */
export function selectRows(table: Table, rows: readonly number[]): Table {
  const columns = table.columns.map((column): Column => {
    if (column.kind === 'numeric') {
      const values = new Float64Array(rows.length);
      const from = column.values;
      for (let i = 0; i < rows.length; i++) values[i] = from[rows[i] as number] as number;
      return { name: column.name, kind: 'numeric', values };
    }
    return { name: column.name, kind: column.kind, values: rows.map((r) => column.values[r] ?? null) };
  });
  return { rowCount: rows.length, columns };
}

/** The target values at the given indices, in that order. */
export function selectTarget(y: Target, rows: readonly number[]): Target {
  if (y instanceof Float64Array) return Float64Array.from(rows, (r) => y[r] as number);
  return rows.map((r) => y[r] as string);
}
