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
 * A categorical column held as dictionary codes: row i holds `categories[codes[i]]`, or is missing where the code is -1.
 * No per-row string array exists: steps work on the codes (counts, lookups by category) and read a row's string with
 * `stringAt`. `categories` are distinct, in order of first appearance in the file; after a row selection
 * (`takeRows`) it may name values no remaining row holds, so a step that learns categories counts the codes.
 * The codes are an Int32Array that travels to worker threads as shared memory.
 */
export interface CategoricalColumn {
  readonly name: string;
  /** Low-cardinality labels. */
  readonly kind: 'categorical';
  /** Per row: an index into `categories`, -1 where missing. */
  readonly codes: Int32Array;
  /** The distinct values the codes index. */
  readonly categories: readonly string[];
}

/**
 * A free-text column held as UTF-8 bytes and offsets: a dictionary would hold about one string per row (1M distinct
 * 45-character texts: 151 MB as codes and strings, ~53 MB as bytes and offsets). Row i is
 * `bytes[textStart(offsets, i), textEnd(offsets, i))`; it is missing where `offsets[i + 1]` is negative (then
 * `-offsets[i + 1] - 1` is where the row ends, no bytes). Offsets are a Float64Array (rowCount + 1 entries; integers
 * exact to 2^53) so a column past 2 GB of text is held as it is. Both arrays travel to workers as shared memory.
 */
export interface TextColumn {
  readonly name: string;
  /** Free text (tokenised by the text step). */
  readonly kind: 'text';
  /** Every present row's UTF-8 bytes, row after row. */
  readonly bytes: Uint8Array;
  /** rowCount + 1 entries, offsets[0] = 0; offsets[i + 1] = end of row i, or -end - 1 where row i is missing. */
  readonly offsets: Float64Array;
}

/** A string column: dictionary codes for categories, bytes and offsets for free text. */
export type StringColumn = CategoricalColumn | TextColumn;

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

/** The number of rows a column holds. */
export function columnLength(column: Column): number {
  if (column.kind === 'numeric') return column.values.length;
  return column.kind === 'text' ? column.offsets.length - 1 : column.codes.length;
}

/** Where row `i` of a text column starts in its bytes. */
export function textStart(offsets: Float64Array, i: number): number {
  const o = offsets[i] as number;
  return o < 0 ? -o - 1 : o;
}

/** Where row `i` of a text column ends in its bytes (its start where missing). */
export function textEnd(offsets: Float64Array, i: number): number {
  const o = offsets[i + 1] as number;
  return o < 0 ? -o - 1 : o;
}

/** Row `i` of a text column decoded from its UTF-8 bytes, or null where it is missing. */
export function textAt(column: TextColumn, i: number): string | null {
  const end = column.offsets[i + 1] as number;
  if (end < 0) return null;
  const start = textStart(column.offsets, i);
  if (start === end) return '';
  const bytes = column.bytes;
  // Buffer decodes shared memory too (TextDecoder refuses a SharedArrayBuffer view).
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8');
}

/**
 * A reader of a string column's rows (null: missing) for a pass over many of them: a text column's bytes are wrapped
 * once, each row then decoded from its range without a new object per row.
 */
export function stringReader(column: StringColumn): (i: number) => string | null {
  if (column.kind === 'categorical') return (i) => stringAt(column, i);
  const { bytes, offsets } = column;
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return (i) => {
    const end = offsets[i + 1] as number;
    if (end < 0) return null;
    const start = textStart(offsets, i);
    return start === end ? '' : view.toString('utf8', start, end);
  };
}

/** The string at row `i` of a string column, or null where it is missing. */
export function stringAt(column: StringColumn, i: number): string | null {
  if (column.kind === 'text') return textAt(column, i);
  const code = column.codes[i] as number;
  return code < 0 ? null : (column.categories[code] as string);
}

/** Encodes per-row strings (null: missing) as a text column of UTF-8 bytes and offsets. */
export function textColumn(name: string, values: ArrayLike<string | null | undefined>): TextColumn {
  const n = values.length;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const value = values[i];
    if (value !== null && value !== undefined) total += Buffer.byteLength(value, 'utf8');
  }
  const buffer = Buffer.allocUnsafeSlow(total);
  const offsets = new Float64Array(n + 1);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const value = values[i];
    if (value === null || value === undefined) {
      offsets[i + 1] = -at - 1;
      continue;
    }
    at += buffer.write(value, at, 'utf8');
    offsets[i + 1] = at;
  }
  return { name, kind: 'text', bytes: new Uint8Array(buffer.buffer, buffer.byteOffset, total), offsets };
}

/**
 * Encodes per-row strings (null: missing) as a string column: dictionary codes with categories in order of first
 * appearance for `categorical`, bytes and offsets for `text`.
 */
export function stringColumn(name: string, kind: StringColumn['kind'], values: ArrayLike<string | null>): StringColumn {
  if (kind === 'text') return textColumn(name, values);
  const { codes, categories } = encodeDictionary(values);
  return { name, kind, codes, categories };
}

function encodeDictionary(values: ArrayLike<string | null>): { codes: Int32Array; categories: string[] } {
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
  return { codes, categories };
}

/** Dictionaries already built for text columns (keyed by their offsets, which no step writes to). */
const dictionaries = new WeakMap<Float64Array, { codes: Int32Array; categories: readonly string[] }>();

/**
 * A string column as codes into its distinct values (categories in order of first appearance), for steps that treat a
 * column as categories (onehot, ordinal, impute, coerce, dropDuplicates). A categorical column is its own dictionary;
 * a text column's is built once (a string per distinct value) and kept while the column lives.
 */
export function dictionaryOf(column: StringColumn): { readonly codes: Int32Array; readonly categories: readonly string[] } {
  if (column.kind === 'categorical') return column;
  let dictionary = dictionaries.get(column.offsets);
  if (!dictionary) {
    dictionary = encodeDictionary(stringValues(column));
    dictionaries.set(column.offsets, dictionary);
  }
  return dictionary;
}

/**
 * The column's strings, one per row (null: missing). This builds the per-row array the column's form avoids: only for
 * consumers that hand every row's string on (rows sent as JSON, the embed cache), never on the preparation path.
 */
export function stringValues(column: StringColumn): (string | null)[] {
  const n = columnLength(column);
  const read = stringReader(column);
  const out = new Array<string | null>(n);
  for (let i = 0; i < n; i++) out[i] = read(i);
  return out;
}

/** How many rows hold each category (index: the code of `dictionaryOf`), missing rows not counted. */
export function categoryCounts(column: StringColumn): Int32Array {
  const { codes, categories } = dictionaryOf(column);
  const counts = new Int32Array(categories.length);
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

/** Whether row `i` of a column is missing (NaN, code -1 or a negative text offset). */
export function missingAt(column: Column, i: number): boolean {
  if (column.kind === 'numeric') return Number.isNaN(column.values[i] as number);
  return column.kind === 'text' ? (column.offsets[i + 1] as number) < 0 : (column.codes[i] as number) < 0;
}

/** The column's strings in row order (null: missing), one at a time, without an array of them. */
export function* iterStrings(column: StringColumn): IterableIterator<string | null> {
  const n = columnLength(column);
  const read = stringReader(column);
  for (let i = 0; i < n; i++) yield read(i);
}

/** The string column under `name` as `kind`: a categorical column becomes bytes and offsets, a text column codes. */
export function asStringKind(column: StringColumn, kind: StringColumn['kind'], name = column.name): StringColumn {
  if (column.kind === 'text') {
    if (kind === 'text') return { name, kind, bytes: column.bytes, offsets: column.offsets };
    const { codes, categories } = dictionaryOf(column);
    return { name, kind, codes, categories };
  }
  if (kind === 'categorical') return { name, kind, codes: column.codes, categories: column.categories };
  return textColumn(name, stringValues(column));
}

/** The text column with `value` in every missing row. */
export function fillMissingText(column: TextColumn, value: string): TextColumn {
  const fill = Buffer.from(value, 'utf8');
  const n = column.offsets.length - 1;
  let missing = 0;
  for (let i = 0; i < n; i++) if ((column.offsets[i + 1] as number) < 0) missing++;
  if (missing === 0) return column;
  const bytes = new Uint8Array(textEnd(column.offsets, n - 1) + missing * fill.length);
  const offsets = new Float64Array(n + 1);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const end = column.offsets[i + 1] as number;
    if (end < 0) {
      bytes.set(fill, at);
      at += fill.length;
    } else {
      const start = textStart(column.offsets, i);
      bytes.set(column.bytes.subarray(start, end), at);
      at += end - start;
    }
    offsets[i + 1] = at;
  }
  return { name: column.name, kind: 'text', bytes, offsets };
}

/** The text column with only the rows at `indices`, in that order (their bytes copied). */
function takeTextRows(c: TextColumn, indices: ArrayLike<number>): TextColumn {
  const offsets = new Float64Array(indices.length + 1);
  let total = 0;
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i] as number;
    total += textEnd(c.offsets, r) - textStart(c.offsets, r);
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i] as number;
    const end = c.offsets[r + 1] as number;
    if (end < 0) {
      offsets[i + 1] = -at - 1;
      continue;
    }
    const start = textStart(c.offsets, r);
    bytes.set(c.bytes.subarray(start, end), at);
    at += end - start;
    offsets[i + 1] = at;
  }
  return { name: c.name, kind: 'text', bytes, offsets };
}

/**
 * The column with only the rows at `indices`, in that order; a categorical column keeps its dictionary (codes are
 * copied). Numbers in shared memory are copied into shared memory (worker threads read them without a copy).
 */
export function takeColumnRows(c: Column, indices: ArrayLike<number>): Column {
  if (c.kind === 'numeric') {
    const values =
      c.values.buffer instanceof SharedArrayBuffer ? new Float64Array(new SharedArrayBuffer(indices.length * 8)) : new Float64Array(indices.length);
    for (let i = 0; i < indices.length; i++) values[i] = c.values[indices[i] as number] as number;
    return { name: c.name, kind: 'numeric', values };
  }
  if (c.kind === 'text') return takeTextRows(c, indices);
  const codes = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) codes[i] = c.codes[indices[i] as number] as number;
  return { name: c.name, kind: c.kind, codes, categories: c.categories };
}

/** A table with only the rows at `indices`, in that order. */
export function takeRows(table: Table, indices: ArrayLike<number>): Table {
  return { rowCount: indices.length, columns: table.columns.map((c) => takeColumnRows(c, indices)) };
}
