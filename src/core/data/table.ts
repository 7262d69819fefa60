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

/**
 * A string column held as dictionary codes: row i holds `categories[codes[i]]`, or is missing where the code is -1.
 * No per-row string array exists: steps work on the codes (counts, lookups by category) and read a row's string with
 * `stringAt`. `categories` are distinct, in order of first appearance in the file; after a row selection
 * (`takeRows`) it may name values no remaining row holds, so a step that learns categories counts the codes.
 * The codes are an Int32Array that travels to worker threads as shared memory; free text uses the same form (its
 * dictionary is about one entry per row).
 */
export interface StringColumn {
  readonly name: string;
  /** `categorical` for low-cardinality labels, `text` for free text (tokenised by the text step). */
  readonly kind: 'categorical' | 'text';
  /** Per row: an index into `categories`, -1 where missing. */
  readonly codes: Int32Array;
  /** The distinct values the codes index. */
  readonly categories: readonly string[];
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

/** The string at row `i` of a string column, or null where it is missing. */
export function stringAt(column: StringColumn, i: number): string | null {
  const code = column.codes[i] as number;
  return code < 0 ? null : (column.categories[code] as string);
}

/** Encodes per-row strings (null: missing) as a dictionary-coded column; categories in order of first appearance. */
export function stringColumn(name: string, kind: StringColumn['kind'], values: ArrayLike<string | null>): StringColumn {
  const index = new Map<string, number>();
  const categories: string[] = [];
  const codes = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === null || value === undefined) {
      codes[i] = -1;
      continue;
    }
    let code = index.get(value);
    if (code === undefined) {
      code = categories.length;
      index.set(value, code);
      categories.push(value);
    }
    codes[i] = code;
  }
  return { name, kind, codes, categories };
}

/**
 * The column's strings, one per row (null: missing). This builds the per-row array the coded form avoids: only for
 * consumers that hand every row's string on (a tokenizer, rows sent as JSON), never on the preparation path.
 */
export function stringValues(column: StringColumn): (string | null)[] {
  const out = new Array<string | null>(column.codes.length);
  for (let i = 0; i < out.length; i++) out[i] = stringAt(column, i);
  return out;
}

/** How many rows hold each category (index: code), missing rows not counted. */
export function categoryCounts(column: StringColumn): Int32Array {
  const counts = new Int32Array(column.categories.length);
  const codes = column.codes;
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i] as number;
    if (code >= 0) counts[code] = (counts[code] as number) + 1;
  }
  return counts;
}

/** The column's value at row `i` as a cell: a number (NaN when missing) or a string (null when missing). */
export function cellAt(column: Column, i: number): number | string | null {
  return column.kind === 'numeric' ? (column.values[i] as number) : stringAt(column, i);
}

/** Whether row `i` of a column is missing (NaN or code -1). */
export function missingAt(column: Column, i: number): boolean {
  return column.kind === 'numeric' ? Number.isNaN(column.values[i] as number) : (column.codes[i] as number) < 0;
}

/** The column's strings in row order (null: missing), one at a time, without an array of them. */
export function* iterStrings(column: StringColumn): IterableIterator<string | null> {
  for (let i = 0; i < column.codes.length; i++) yield stringAt(column, i);
}

/** The column with only the rows at `indices`, in that order; a string column keeps its dictionary (codes are copied). */
export function takeColumnRows(c: Column, indices: ArrayLike<number>): Column {
  if (c.kind === 'numeric') {
    const values = new Float64Array(indices.length);
    for (let i = 0; i < indices.length; i++) values[i] = c.values[indices[i] as number] as number;
    return { name: c.name, kind: 'numeric', values };
  }
  const codes = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) codes[i] = c.codes[indices[i] as number] as number;
  return { name: c.name, kind: c.kind, codes, categories: c.categories };
}

/** A table with only the rows at `indices`, in that order. */
export function takeRows(table: Table, indices: ArrayLike<number>): Table {
  return { rowCount: indices.length, columns: table.columns.map((c) => takeColumnRows(c, indices)) };
}
