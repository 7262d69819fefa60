/**
 * A plain CSV/TSV file whose columns are all numeric, read straight from its bytes into one Float64Array per column:
 * DuckDB's CSV scan of every cell as VARCHAR and its `try_cast` to DOUBLE cost about twice pandas' whole `read_csv`.
 * The result is exactly what that scan gives: plain decimals are parsed here to the same double (parseNumber.ts), the
 * missing strings are NaN, and every other cell (spaces, `inf`, text) is cast by DuckDB itself, once per distinct
 * text. Anything this reader does not handle as DuckDB would (a quote, a byte past ASCII, a blank line, a row with
 * another number of fields, a carriage return not ending a line, a compressed file) makes it give up, and the caller
 * reads the file through DuckDB as before.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { throwIfAborted } from '../types';
import type { Column, Table } from '../data/table';
import type { DatasetEngine, QueryOptions } from './engine';
import { parseDecimal, scanDecimal, type Scan } from './parseNumber';
import { MISSING_STRINGS, sqlString, type DatasetSource } from './source';

/** Bytes read at a time. */
const BLOCK = 1 << 23;
/** More distinct cells than this for DuckDB to cast, and the file is read through DuckDB instead. */
const MAX_OTHER_TEXTS = 10_000;
/** With `sharedColumns`, columns of this many rows or more are read into shared memory (SharedArrayBuffer). */
const SHARED_MIN_ROWS = 131_072;

/** 10^0 … 10^15, exact doubles. */
const POWERS = Array.from({ length: 16 }, (_, k) => Number(`1e${k}`));

const MISSING = MISSING_STRINGS.filter((s) => s !== '').map((s) => Buffer.from(s, 'latin1'));

/** Cells that are not plain decimals: their distinct texts, and where each one sits. */
class OtherCells {
  readonly texts: string[] = [];
  private readonly ids = new Map<string, number>();
  readonly columns: number[] = [];
  readonly rows: number[] = [];
  readonly textIds: number[] = [];

  /** Records the cell; false when there are too many distinct texts. */
  add(column: number, row: number, text: string): boolean {
    let id = this.ids.get(text);
    if (id === undefined) {
      if (this.texts.length >= MAX_OTHER_TEXTS) return false;
      id = this.texts.length;
      this.texts.push(text);
      this.ids.set(text, id);
    }
    this.columns.push(column);
    this.rows.push(row);
    this.textIds.push(id);
    return true;
  }
}

/** Whether bytes start..end are one of the missing strings (empty cells are handled by the caller). */
function isMissing(bytes: Uint8Array, start: number, end: number): boolean {
  const length = end - start;
  for (const word of MISSING) {
    if (word.length !== length) continue;
    let k = 0;
    while (k < length && word[k] === bytes[start + k]) k++;
    if (k === length) return true;
  }
  return false;
}

/** How readNumericCsv reads: QueryOptions, and whether large columns go into shared memory. */
export interface NumericCsvOptions extends QueryOptions {
  /**
   * Columns of SHARED_MIN_ROWS rows or more in a SharedArrayBuffer, for a run whose worker threads read them (a
   * logistic fit's objective team, folds on workers) without a copy. Off by default: a run that hands them to no
   * worker peaks lower on plain memory (gradient boosting 1M × 20, see bench/README.md).
   */
  readonly sharedColumns?: boolean;
}

/**
 * Reads the data rows of `source` (csv/tsv, header line first) into numeric columns named `names`, or undefined when
 * the file has something this reader leaves to DuckDB (see above). `rows` is the number of data rows at most
 * (readTable's csvRowBound); `block`: bytes read at a time (a line longer than that is left to DuckDB).
 */
export async function readNumericCsv(
  engine: DatasetEngine,
  source: DatasetSource,
  names: readonly string[],
  rows: number,
  options: NumericCsvOptions = {},
  block = BLOCK,
): Promise<Table | undefined> {
  const layout = source.layout;
  if (!layout || layout.delimiter.length !== 1 || names.length === 0) return undefined;
  const delimiter = layout.delimiter.charCodeAt(0);
  if (delimiter >= 128 || delimiter === 10 || delimiter === 13 || delimiter === 34) return undefined;
  const width = names.length;
  const shared = options.sharedColumns === true && rows >= SHARED_MIN_ROWS;
  const values = names.map(() => (shared ? new Float64Array(new SharedArrayBuffer(rows * 8)) : new Float64Array(rows)));
  const others = new OtherCells();
  let row = 0;
  const scan: Scan = { end: 0 };

  /** Parses the whole lines in buffer[from, to) (to: just past a newline); false to give up. */
  const parseLines = (buffer: Buffer, from: number, to: number): boolean => {
    let p = from;
    while (p < to) {
      if (row >= rows) return false;
      for (let c = 0; c < width; c++) {
        const last = c === width - 1;
        // The common case first, in line: [-]digits[.digits] of at most 15 digits in all, whose value is the
        // exact integer of its digits divided by an exact power of ten (scanDecimal's first path, the same double).
        let q = p;
        let b = buffer[q] as number;
        const negative = b === 45;
        if (negative) b = buffer[++q] as number;
        let mantissa = 0;
        let digits = 0;
        let fraction = 0;
        while (b >= 48 && b <= 57) {
          mantissa = mantissa * 10 + (b - 48);
          digits++;
          b = buffer[++q] as number;
        }
        if (b === 46) {
          b = buffer[++q] as number;
          while (b >= 48 && b <= 57) {
            mantissa = mantissa * 10 + (b - 48);
            digits++;
            fraction++;
            b = buffer[++q] as number;
          }
        }
        let value: number;
        if (digits > 0 && digits <= 15 && (b === delimiter || b === 10 || b === 13)) {
          value = fraction === 0 ? mantissa : mantissa / (POWERS[fraction] as number);
          if (negative) value = -value;
        } else {
          // One pass over any other plain number that the field's end follows.
          value = scanDecimal(buffer, p, to, scan);
          q = scan.end;
        }
        const stop = buffer[q];
        if (!Number.isNaN(value) && (last ? stop === 10 || (stop === 13 && buffer[q + 1] === 10) : stop === delimiter)) {
          (values[c] as Float64Array)[row] = value;
          p = last && stop === 13 ? q + 2 : q + 1;
          continue;
        }
        q = p;
        while (q < to && buffer[q] !== delimiter && buffer[q] !== 10) q++;
        // Too few fields, or too many (another delimiter where the line should end).
        if (last ? buffer[q] !== 10 : buffer[q] !== delimiter) return false;
        const next = q + 1;
        if (last && q > p && buffer[q - 1] === 13) q--;
        // A blank line.
        if (width === 1 && q === p) return false;
        value = Number.NaN;
        if (q > p) {
          value = parseDecimal(buffer, p, q);
          if (Number.isNaN(value) && !isMissing(buffer, p, q)) {
            // Left to DuckDB, unless it holds what DuckDB's CSV scan reads differently (quotes, line ends, NUL, text past ASCII).
            let text = '';
            for (let k = p; k < q; k++) {
              const byte = buffer[k] as number;
              if (byte >= 128 || byte === 13 || byte === 34 || byte === 0) return false;
              text += String.fromCharCode(byte);
            }
            if (!others.add(c, row, text)) return false;
          }
        }
        (values[c] as Float64Array)[row] = value;
        p = next;
      }
      row++;
    }
    return true;
  };

  let fd: number;
  try {
    fd = openSync(source.path, 'r');
  } catch {
    return undefined;
  }
  try {
    const buffer = Buffer.allocUnsafe(block);
    let filled = 0;
    let header = true;
    let total = 0;
    let lastReport = 0;
    for (;;) {
      const read = readSync(fd, buffer, filled, buffer.length - filled, null);
      if (total === 0 && read >= 2 && buffer[0] === 0x1f && buffer[1] === 0x8b) return undefined;
      total += read;
      filled += read;
      let start = 0;
      if (header) {
        const newline = buffer.indexOf(10, 0);
        if (newline < 0 || newline >= filled) {
          if (read === 0) break; // A header and no rows.
          if (filled === buffer.length) return undefined;
          continue;
        }
        // A quoted header may hold a newline: DuckDB reads that.
        const quote = buffer.indexOf(34, 0);
        if (quote >= 0 && quote < newline) return undefined;
        header = false;
        start = newline + 1;
      }
      let to = filled === 0 ? -1 : buffer.lastIndexOf(10, filled - 1);
      if (read === 0 && filled > start && to < filled - 1) {
        // The last line has no newline: parse it with one appended.
        if (filled === buffer.length) return undefined;
        buffer[filled++] = 10;
        to = filled - 1;
      }
      if (to >= start && !parseLines(buffer, start, to + 1)) return undefined;
      if (read === 0) break;
      const next = to >= start ? to + 1 : start;
      if (next === 0 && filled === buffer.length) return undefined; // A line longer than the buffer.
      buffer.copyWithin(0, next, filled);
      filled -= next;
      throwIfAborted(options.signal);
      if (options.onProgress && total - lastReport >= block * 4) {
        lastReport = total;
        options.onProgress({ stage: 'query', step: Math.min(99, Math.round((100 * row) / Math.max(1, rows))), of: 100 });
      }
      // Lets an abort (cancel) arrive between blocks.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  } finally {
    closeSync(fd);
  }
  if (others.texts.length > 0) {
    const cast = new Float64Array(others.texts.length).fill(Number.NaN);
    const list = others.texts.map((text, i) => `(${i}, ${sqlString(text)})`).join(', ');
    const reader = await engine.query(`SELECT i, try_cast(s AS DOUBLE) FROM (VALUES ${list}) t(i, s)`, options);
    for (const [i, value] of reader.getRows()) if (value !== null) cast[Number(i)] = Number(value);
    for (let k = 0; k < others.rows.length; k++) {
      (values[others.columns[k] as number] as Float64Array)[others.rows[k] as number] = cast[others.textIds[k] as number] as number;
    }
  }
  const columns: Column[] = names.map((name, c) => {
    const column = values[c] as Float64Array;
    return { name, kind: 'numeric', values: row === rows ? column : column.subarray(0, row) };
  });
  return { rowCount: row, columns };
}
