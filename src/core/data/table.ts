/** In-memory typed table: the shape datasets are loaded into before preparation. */
import { MlError } from '../types';
import { buildColumn, ColumnKind } from './infer';

export type { ColumnKind } from './infer';

export interface NumericColumn {
  readonly name: string;
  readonly kind: 'numeric';
  /** Missing values are NaN. */
  readonly values: Float64Array;
}

export interface StringColumn {
  readonly name: string;
  /** `categorical` for low-cardinality labels, `text` for free text (tokenised by the text step). */
  readonly kind: 'categorical' | 'text';
  /** Missing values are null. */
  readonly values: ReadonlyArray<string | null>;
}

export type Column = NumericColumn | StringColumn;

export interface Table {
  readonly rowCount: number;
  readonly columns: readonly Column[];
}

/** Finds a column by name or throws an error that names it and the columns that exist. */
export function getColumn(table: Table, name: string): Column {
  const column = table.columns.find((c) => c.name === name);
  if (!column) {
    const known = table.columns.map((c) => c.name).join(', ');
    throw new MlError(`column "${name}" not found; the table has: ${known}`);
  }
  return column;
}

export interface TableOptions {
  /** Column order and selection; defaults to the keys in order of first appearance. */
  readonly columns?: readonly string[];
  /** Kinds to use instead of inferring them (see `inferKind` in ./infer for the rule). */
  readonly kinds?: Readonly<Record<string, ColumnKind>>;
}

/** Builds a typed table from JSON-like records, inferring each column's kind. */
export function tableFromRecords(records: ReadonlyArray<Readonly<Record<string, unknown>>>, options: TableOptions = {}): Table {
  let names = options.columns;
  if (!names) {
    const seen = new Set<string>();
    for (const record of records) for (const key of Object.keys(record)) seen.add(key);
    names = [...seen];
  }
  const columns = names.map((name) =>
    buildColumn(
      name,
      records.map((r) => r[name]),
      options.kinds?.[name],
    ),
  );
  return { rowCount: records.length, columns };
}

/** Builds a typed table from a header and rows of cells (as a CSV reader yields them). */
export function tableFromRows(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<unknown>>, options: Omit<TableOptions, 'columns'> = {}): Table {
  const duplicate = header.find((name, i) => header.indexOf(name) !== i);
  if (duplicate !== undefined) throw new MlError(`column "${duplicate}" appears twice in the header`);
  rows.forEach((row, i) => {
    if (row.length !== header.length) {
      throw new MlError(`row ${i + 1} has ${row.length} cells but the header has ${header.length} columns`);
    }
  });
  const columns = header.map((name, j) =>
    buildColumn(
      name,
      rows.map((r) => r[j]),
      options.kinds?.[name],
    ),
  );
  return { rowCount: rows.length, columns };
}

/** A table with only the rows at `indices`, in that order. */
export function takeRows(table: Table, indices: ArrayLike<number>): Table {
  const columns = table.columns.map((c): Column => {
    if (c.kind === 'numeric')
      return { name: c.name, kind: 'numeric', values: Float64Array.from({ length: indices.length }, (_, i) => c.values[indices[i] as number] as number) };
    return { name: c.name, kind: c.kind, values: Array.from({ length: indices.length }, (_, i) => c.values[indices[i] as number] ?? null) };
  });
  return { rowCount: indices.length, columns };
}
