/** Loads a dataset file into the core `Table` that preparation and training consume. */
import type { DuckDBDataChunk, DuckDBVector } from '@duckdb/node-api';
import { closeSync, openSync, readSync } from 'node:fs';
import { datasetFormat } from './sniff';
import { NumericColumnBuilder, StringColumnBuilder, TextColumnBuilder } from '../data/columnBuilder';
import type { Column, Table } from '../data/table';
import { stringKind, textExpression, typedExpression } from './columns';
import type { DatasetEngine } from './engine';
import { columnPlans, numberRow } from './head';
import { readNumericCsv, type NumericCsvOptions } from './numericCsv';
import { sqlIdentifier } from './source';
import { rowUnitSql } from '../stream/source';

/** Reading a seeded sample instead of every row (`data.sample` of an experiment); `sharedColumns` as readNumericCsv. */
export interface ReadTableOptions extends NumericCsvOptions {
  /** The `rows` rows whose seeded row hash is smallest, in file order: the same rows for the same seed. */
  readonly sample?: { readonly rows: number; readonly seed: number };
}

/**
 * Reads every row: integer and float columns become numeric (NaN where missing or unparsable), the rest strings.
 * Columnar: DuckDB's result chunks are streamed from the file straight into one typed array per numeric column and
 * dictionary codes (an Int32Array and the distinct strings) per categorical column or UTF-8 bytes and offsets per text
 * column (the kind decided on the whole column first), without materializing the table in DuckDB or a JavaScript value per
 * cell first, so the read holds little more than the finished columns. With `sample`, DuckDB keeps only the sampled
 * rows (the smallest seeded row hashes, as the streamed split draws them).
 */
export async function readTable(engine: DatasetEngine, filePath: string, options: ReadTableOptions = {}): Promise<Table> {
  const plans = await columnPlans(engine, filePath, options);
  const numeric = plans.map((plan) => plan.type === 'integer' || plan.type === 'float');
  if (!options.sample && plans.length > 0 && numeric.every(Boolean)) {
    // Every column numeric in a plain CSV: parsed from its bytes into the doubles DuckDB's scan below would give.
    const rows = csvRowBound(filePath);
    if (rows !== undefined) {
      const { source } = await engine.open(filePath);
      const table = await readNumericCsv(
        engine,
        source,
        plans.map((plan) => plan.name),
        rows,
        options,
      );
      if (table) return table;
    }
  }
  const stringPlans = plans.filter((_, i) => !numeric[i]);
  // Categorical or text is decided on the whole column, not the head the schema saw.
  const shape =
    stringPlans.length === 0
      ? [0]
      : numberRow(
          (
            await engine.querySource(
              filePath,
              (from) =>
                `SELECT count(*), ${stringPlans.map((p) => `count(${textExpression(p)}), count(DISTINCT ${textExpression(p)}), coalesce(avg(length(${textExpression(p)})), 0), coalesce(sum(strlen(${textExpression(p)})), 0)`).join(', ')} FROM ${from}`,
              options,
            )
          ).reader,
        );
  // Free text is held as UTF-8 bytes and offsets (its dictionary would be a string per row), categories as codes.
  const stringKinds = stringPlans.map((_, s) => {
    const [present = 0, distinct = 0, averageLength = 0] = shape.slice(1 + 4 * s, 4 + 4 * s);
    return stringKind(distinct, present, averageLength);
  });
  const builders = plans.map((plan, i) =>
    numeric[i] ? new NumericColumnBuilder() : stringKinds[stringPlans.indexOf(plan)] === 'text' ? new TextColumnBuilder() : new StringColumnBuilder(),
  );
  stringPlans.forEach((plan, s) => {
    const builder = builders[plans.indexOf(plan)];
    if (!(builder instanceof TextColumnBuilder)) return;
    const rows = Math.min(shape[0] ?? 0, options.sample ? Math.floor(options.sample.rows) : Infinity);
    const bytes = shape[4 + 4 * s] ?? 0;
    builder.reserve(rows, options.sample ? Math.ceil((bytes * rows) / Math.max(1, shape[0] ?? 0)) : bytes);
  });
  const bound = numeric.some(Boolean) ? csvRowBound(filePath) : undefined;
  if (bound !== undefined) {
    const rows = options.sample ? Math.min(bound, Math.floor(options.sample.rows)) : bound;
    for (const builder of builders) if (builder instanceof NumericColumnBuilder) builder.reserve(rows);
  }
  let rowCount = 0;
  const select = plans.map((plan, i) => `${numeric[i] ? typedExpression(plan) : textExpression(plan)} AS ${sqlIdentifier(plan.name)}`).join(', ');
  // Without ORDER BY: DuckDB keeps the file's row order (preserve_insertion_order is on) and streams instead of sorting.
  const sample = options.sample;
  await engine.streamSource(
    filePath,
    (from) =>
      sample
        ? `SELECT * EXCLUDE (mlwb_row) FROM (SELECT ${select || '*'}, mlwb_row FROM (SELECT *, row_number() OVER () - 1 AS mlwb_row FROM ${from}) ORDER BY ${rowUnitSql('mlwb_row', sample.seed)}, mlwb_row LIMIT ${Math.floor(sample.rows)}) ORDER BY mlwb_row`
        : `SELECT ${select || '*'} FROM ${from}`,
    (chunk) => {
      rowCount += appendChunk(chunk, builders);
    },
    () => {
      rowCount = 0;
      for (const builder of builders) builder.clear();
    },
    options,
  );
  const columns: Column[] = plans.map((plan, i) => {
    const builder = builders[i] as NumericColumnBuilder | StringColumnBuilder | TextColumnBuilder;
    if (builder instanceof NumericColumnBuilder) return { name: plan.name, kind: 'numeric', values: builder.finish() };
    if (builder instanceof TextColumnBuilder) return { name: plan.name, kind: 'text', ...builder.finish() };
    return { name: plan.name, kind: 'categorical', ...builder.finish() };
  });
  return { rowCount, columns };
}

/**
 * At least the data rows of a plain csv/tsv file (its lines less the header: a quoted field across lines or a blank
 * line only makes it larger), counted on the bytes; undefined for other formats and compressed files. Numeric
 * columns are written in place into arrays of this size (NumericColumnBuilder.reserve) instead of being joined from
 * chunks at the end.
 */
export function csvRowBound(filePath: string): number | undefined {
  const format = datasetFormat(filePath);
  if (format !== 'csv' && format !== 'tsv') return undefined;
  let fd: number;
  try {
    fd = openSync(filePath, 'r');
  } catch {
    return undefined;
  }
  try {
    const buffer = Buffer.allocUnsafe(1 << 22);
    let lines = 0;
    let last = -1;
    let first = true;
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) break;
      // gzip (or any compressed) bytes: DuckDB decompresses them, the bytes tell nothing.
      if (first && read >= 2 && buffer[0] === 0x1f && buffer[1] === 0x8b) return undefined;
      first = false;
      for (let at = buffer.indexOf(10); at >= 0 && at < read; at = buffer.indexOf(10, at + 1)) lines++;
      last = buffer[read - 1] as number;
    }
    if (last >= 0 && last !== 10) lines++;
    return Math.max(0, lines - 1);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/**
 * A DOUBLE vector's values copied at once into `out` (NaN already there stays where the validity mask says null), in
 * place of a getItem call per cell; false when the vector is not laid out as @duckdb/node-api's DuckDBDoubleVector is
 * (its `items` Float64Array over the chunk's data and its validity words, null when every row is valid): the caller
 * then reads it cell by cell.
 */
function copyDoubles(vector: unknown, out: Float64Array): boolean {
  const { items, validity } = vector as { items?: unknown; validity?: { data?: unknown; offset?: unknown } };
  if (!(items instanceof Float64Array) || items.length !== out.length || !validity || validity.offset !== 0) return false;
  const mask = validity.data;
  if (mask === null) {
    out.set(items);
    return true;
  }
  if (!(mask instanceof BigUint64Array) || mask.length * 64 < out.length) return false;
  // Row r is valid when bit r of the little-endian 64-bit words is set: bit r % 32 of 32-bit word r >> 5.
  const words = new Uint32Array(mask.buffer, mask.byteOffset, mask.length * 2);
  for (let r = 0; r < out.length; r++) if (((words[r >> 5] as number) >>> (r & 31)) & 1) out[r] = items[r] as number;
  return true;
}

/**
 * A VARCHAR vector's codes written into `out`, short strings without making a JavaScript string: DuckDB keeps a string
 * of up to 12 bytes inline in its 16-byte string_t (length, then the bytes), so those 16 bytes (past the length masked)
 * are the value, and the builder looks them up directly; longer strings go through getItem. False when the vector is
 * not laid out as @duckdb/node-api's DuckDBVarCharVector is (its `dataView` over the string_t array and the validity
 * words, null when every row is valid): the caller then reads it cell by cell.
 */
function codeShortStrings(vector: DuckDBVector, out: Int32Array, builder: StringColumnBuilder): boolean {
  const { dataView: view, validity } = vector as unknown as { dataView?: unknown; validity?: { data?: unknown; offset?: unknown } };
  if (!(view instanceof DataView) || view.byteLength < out.length * 16 || !validity || validity.offset !== 0) return false;
  const mask = validity.data;
  if (mask !== null && !(mask instanceof BigUint64Array && mask.length * 64 >= out.length)) return false;
  const words = mask === null ? undefined : new Uint32Array(mask.buffer, mask.byteOffset, mask.length * 2);
  for (let r = 0; r < out.length; r++) {
    if (words && !((((words[r >> 5] as number) >>> (r & 31)) & 1) === 1)) continue;
    const at = r * 16;
    const length = view.getUint32(at, true);
    if (length > 12) {
      out[r] = builder.code(String(vector.getItem(r)));
      continue;
    }
    const a = view.getUint32(at + 4, true) & byteMask(length);
    const b = view.getUint32(at + 8, true) & byteMask(length - 4);
    const c = view.getUint32(at + 12, true) & byteMask(length - 8);
    out[r] = builder.codeInline(length, a, b, c, () => String(vector.getItem(r)));
  }
  return true;
}

/**
 * A VARCHAR vector's rows appended to a text column: from its string_t array when laid out as @duckdb/node-api's
 * DuckDBVarCharVector (see codeShortStrings: rows of up to 12 bytes are copied without a JavaScript string), else cell
 * by cell.
 */
function appendText(vector: DuckDBVector, rows: number, builder: TextColumnBuilder): void {
  const { dataView: view, validity } = vector as unknown as { dataView?: unknown; validity?: { data?: unknown; offset?: unknown } };
  const mask = validity?.data;
  if (
    view instanceof DataView &&
    view.byteLength >= rows * 16 &&
    validity?.offset === 0 &&
    (mask === null || (mask instanceof BigUint64Array && mask.length * 64 >= rows))
  ) {
    const words = mask === null ? undefined : new Uint32Array(mask.buffer, mask.byteOffset, mask.length * 2);
    builder.addStrings(view, rows, words, (r) => String(vector.getItem(r)));
    return;
  }
  for (let r = 0; r < rows; r++) {
    const value = vector.getItem(r);
    builder.add(value === null ? null : typeof value === 'string' ? value : String(value));
  }
}

/** The low `bytes` bytes of a little-endian 32-bit word (all of it from 4, none at 0 or below). */
function byteMask(bytes: number): number {
  return bytes >= 4 ? 0xffffffff : bytes <= 0 ? 0 : (1 << (8 * bytes)) - 1;
}

/** Copies one result chunk into the column builders; returns its row count. */
function appendChunk(chunk: DuckDBDataChunk, builders: readonly (NumericColumnBuilder | StringColumnBuilder | TextColumnBuilder)[]): number {
  const rows = chunk.rowCount;
  for (let c = 0; c < builders.length; c++) {
    const builder = builders[c] as NumericColumnBuilder | StringColumnBuilder | TextColumnBuilder;
    const vector = chunk.getColumnVector(c);
    if (builder instanceof TextColumnBuilder) {
      appendText(vector, rows, builder);
    } else if (builder instanceof NumericColumnBuilder) {
      const out = builder.batch(rows);
      if (copyDoubles(vector, out)) continue;
      for (let r = 0; r < rows; r++) {
        const value = vector.getItem(r);
        if (value !== null) out[r] = typeof value === 'number' ? value : Number(value);
      }
    } else {
      const out = builder.batch(rows);
      if (codeShortStrings(vector, out, builder)) continue;
      for (let r = 0; r < rows; r++) {
        const value = vector.getItem(r);
        if (value !== null) out[r] = builder.code(typeof value === 'string' ? value : String(value));
      }
    }
  }
  return rows;
}
