/**
 * Builders that grow a column from batches of values (DuckDB result chunks) without per-row objects: numbers go
 * into one Float64Array per batch and are joined once at the end, strings are interned so a repeated category is
 * one string in memory however many rows hold it.
 */
/** Collects a numeric column batch by batch; `finish` joins the batches into one Float64Array (NaN where missing). */
export class NumericColumnBuilder {
  private readonly batches: Float64Array[] = [];
  private length = 0;
  /** The column written in place while the rows fit (see `reserve`); batches only past it. */
  private reserved: Float64Array | undefined;

  /**
   * Room for `rows` values, known to be at least the row count (a CSV file's line count): batches are then views of
   * one array and `finish` copies nothing (a second copy of the column would cost its memory and page faults again).
   */
  reserve(rows: number): void {
    if (this.length === 0 && rows > 0) this.reserved = new Float64Array(rows);
  }

  /** A fresh batch of `rows` values (NaN at first) that the caller fills and the builder keeps. */
  batch(rows: number): Float64Array {
    const reserved = this.reserved;
    if (reserved && this.batches.length === 0 && this.length + rows <= reserved.length) {
      const view = reserved.subarray(this.length, this.length + rows).fill(Number.NaN);
      this.length += rows;
      return view;
    }
    if (reserved && this.batches.length === 0) this.batches.push(reserved.subarray(0, this.length));
    const batch = new Float64Array(rows).fill(Number.NaN);
    this.batches.push(batch);
    this.length += rows;
    return batch;
  }

  /** Forgets every batch (a read that starts over). */
  clear(): void {
    this.batches.length = 0;
    this.length = 0;
  }

  /** The whole column; the batches are released as they are copied, so the peak is the column plus one batch. */
  finish(): Float64Array {
    const reserved = this.reserved;
    this.reserved = undefined;
    if (reserved && this.batches.length === 0) {
      // Rows all in the reserved array: it is the column (a view of its first rows when the reservation was larger).
      const length = this.length;
      this.clear();
      return length === reserved.length ? reserved : reserved.subarray(0, length);
    }
    const out = new Float64Array(this.length);
    let at = 0;
    for (let b = 0; b < this.batches.length; b++) {
      const batch = this.batches[b] as Float64Array;
      out.set(batch, at);
      at += batch.length;
      this.batches[b] = EMPTY;
    }
    this.clear();
    return out;
  }
}

const EMPTY = new Float64Array(0);

/** Most distinct strings a column interns; past it, further new values are kept as they come (free text rarely repeats). */
const MAX_INTERNED = 65_536;

/** Collects a string column; equal values share one string (a dictionary of the column's categories). */
export class StringColumnBuilder {
  private values: (string | null)[] = [];
  private readonly dictionary = new Map<string, string>();

  push(value: string | null): void {
    if (value === null) {
      this.values.push(null);
      return;
    }
    const known = this.dictionary.get(value);
    if (known !== undefined) this.values.push(known);
    else {
      if (this.dictionary.size < MAX_INTERNED) this.dictionary.set(value, value);
      this.values.push(value);
    }
  }

  clear(): void {
    this.values = [];
    this.dictionary.clear();
  }

  finish(): (string | null)[] {
    const out = this.values;
    this.clear();
    return out;
  }
}
