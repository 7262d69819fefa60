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

/**
 * Collects a string column as dictionary codes: each distinct value is stored once in `categories` and every row
 * holds its index (-1: missing) in an Int32Array, grown batch by batch like the numeric builder's.
 */
export class StringColumnBuilder {
  private readonly index = new Map<string, number>();
  private categories: string[] = [];
  private readonly batches: Int32Array[] = [];
  private length = 0;
  /** Short strings' 16 bytes (hashed) → their entry in `inlineEntries`: length, three words, code. */
  private readonly inline = new Map<number, number>();
  private inlineEntries = new Int32Array(5 * 64);
  private inlineCount = 0;

  /** The code of `value`, adding it to the dictionary when new (-1 for null). */
  code(value: string | null): number {
    if (value === null) return -1;
    let code = this.index.get(value);
    if (code === undefined) {
      code = this.categories.length;
      this.index.set(value, code);
      this.categories.push(value);
    }
    return code;
  }

  /**
   * The code of a string of at most 12 bytes given as its length and bytes (three little-endian words, zero past the
   * length), as DuckDB stores it inline: looked up without a JavaScript string; `text` makes the string the first time.
   */
  codeInline(length: number, a: number, b: number, c: number, text: () => string): number {
    const hash = (Math.imul(Math.imul(Math.imul(length + 1, 0x9e3779b1) ^ a, 0x85ebca6b) ^ b, 0xc2b2ae35) ^ c) >>> 0;
    const entry = this.inline.get(hash);
    const e = this.inlineEntries;
    if (entry !== undefined && e[entry] === length && e[entry + 1] === (a | 0) && e[entry + 2] === (b | 0) && e[entry + 3] === (c | 0)) {
      return e[entry + 4] as number;
    }
    const code = this.code(text());
    if (entry === undefined) {
      // A hash taken by another string keeps its first owner; this string then always takes the slow path.
      const at = this.inlineCount * 5;
      if (at + 5 > e.length) {
        this.inlineEntries = new Int32Array(e.length * 2);
        this.inlineEntries.set(e);
      }
      this.inlineEntries.set([length, a | 0, b | 0, c | 0, code], at);
      this.inline.set(hash, at);
      this.inlineCount++;
    }
    return code;
  }

  /** A fresh batch of `rows` codes (-1 at first) that the caller fills with `code` and the builder keeps. */
  batch(rows: number): Int32Array {
    const batch = new Int32Array(rows).fill(-1);
    this.batches.push(batch);
    this.length += rows;
    return batch;
  }

  /** Forgets every value (a read that starts over). */
  clear(): void {
    this.index.clear();
    this.inline.clear();
    this.inlineCount = 0;
    this.categories = [];
    this.batches.length = 0;
    this.length = 0;
  }

  /** The column's codes and dictionary; batches are released as they are copied. */
  finish(): { codes: Int32Array; categories: string[] } {
    const codes = new Int32Array(this.length);
    let at = 0;
    for (let b = 0; b < this.batches.length; b++) {
      const batch = this.batches[b] as Int32Array;
      codes.set(batch, at);
      at += batch.length;
      this.batches[b] = EMPTY_CODES;
    }
    const categories = this.categories;
    this.clear();
    return { codes, categories };
  }
}

const EMPTY_CODES = new Int32Array(0);

/**
 * Collects a free-text column as UTF-8 bytes and offsets (see TextColumn): no string per row is kept. Short values
 * (DuckDB's inline string_t) are copied byte by byte, longer ones encoded from the string DuckDB hands over. The bytes
 * grow by doubling unless `reserve` was told their total.
 */
export class TextColumnBuilder {
  private bytes: Buffer = Buffer.allocUnsafeSlow(0);
  private used = 0;
  private offsets = new Float64Array(1);
  private length = 0;

  /** Room for `rows` rows of `bytes` bytes in all (both may be exceeded: the arrays then grow). */
  reserve(rows: number, bytes: number): void {
    if (this.length !== 0) return;
    if (bytes > this.bytes.length) this.bytes = Buffer.allocUnsafeSlow(bytes);
    if (rows + 1 > this.offsets.length) this.offsets = new Float64Array(rows + 1);
  }

  private room(rows: number, bytes: number): void {
    if (this.used + bytes > this.bytes.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(this.used + bytes, 2 * this.bytes.length, 1 << 16));
      this.bytes.copy(grown, 0, 0, this.used);
      this.bytes = grown;
    }
    if (this.length + rows + 1 > this.offsets.length) {
      const grown = new Float64Array(Math.max(this.length + rows + 1, 2 * this.offsets.length));
      grown.set(this.offsets.subarray(0, this.length + 1));
      this.offsets = grown;
    }
  }

  /** Appends one row: a string, or null for a missing cell. */
  add(value: string | null): void {
    if (value === null) {
      this.room(1, 0);
      this.offsets[++this.length] = -this.used - 1;
      return;
    }
    this.room(1, value.length * 3);
    this.used += this.bytes.write(value, this.used, 'utf8');
    this.offsets[++this.length] = this.used;
  }

  /**
   * Appends a chunk's VARCHAR vector laid out as DuckDB's string_t array (`view`: 16 bytes a row; up to 12 bytes are
   * inline after the length) with its validity words (undefined: every row valid); `long` gives a longer row's string.
   */
  addStrings(view: DataView, rows: number, valid: Uint32Array | undefined, long: (row: number) => string): void {
    this.room(rows, 12 * rows);
    const source = new Uint8Array(view.buffer, view.byteOffset, rows * 16);
    for (let r = 0; r < rows; r++) {
      if (valid && !((((valid[r >> 5] as number) >>> (r & 31)) & 1) === 1)) {
        this.offsets[++this.length] = -this.used - 1;
        continue;
      }
      const at = r * 16;
      const size = view.getUint32(at, true);
      if (size <= 12) {
        const bytes = this.bytes;
        let used = this.used;
        for (let k = 0; k < size; k++) bytes[used++] = source[at + 4 + k] as number;
        this.used = used;
        this.offsets[++this.length] = used;
        continue;
      }
      const value = long(r);
      // Rows still to come keep 12 bytes each of the room made above.
      this.room(rows - r, value.length * 3 + 12 * (rows - r));
      this.used += this.bytes.write(value, this.used, 'utf8');
      this.offsets[++this.length] = this.used;
    }
  }

  /** Forgets every row (a read that starts over). */
  clear(): void {
    this.used = 0;
    this.length = 0;
  }

  /** The column's bytes and offsets (trimmed to what was used: a view when the slack is small, else a copy). */
  finish(): { bytes: Uint8Array; offsets: Float64Array } {
    const whole = this.bytes;
    let bytes = new Uint8Array(whole.buffer, whole.byteOffset, this.used);
    if (this.used < 0.9 * whole.length) bytes = new Uint8Array(bytes);
    const offsets = this.length + 1 === this.offsets.length ? this.offsets : this.offsets.slice(0, this.length + 1);
    this.bytes = Buffer.allocUnsafeSlow(0);
    this.offsets = new Float64Array(1);
    this.clear();
    return { bytes, offsets };
  }
}
