/** The most recent request rows of a prediction service, kept column by column for drift reports. */
import type { ReferenceSample, RunSchema } from '../runs/artifacts';
import { driftReport, type DriftOptions, type DriftReport } from '../drift/report';
import { MlError } from '../types';

/** Evidently-sized default: a window of 1000 rows compares well with a reference of up to 5000. */
export const DEFAULT_WINDOW_ROWS = 1000;

/** A fixed-capacity ring of rows; once full, each new row replaces the oldest. */
export class SlidingWindow {
  private readonly columnsByName = new Map<string, unknown[]>();
  private next = 0;
  private filled = 0;
  private seen = 0;

  constructor(
    readonly features: readonly string[],
    readonly capacity = DEFAULT_WINDOW_ROWS,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new MlError(`drift window size must be a positive integer, got ${capacity}`);
    for (const name of features) this.columnsByName.set(name, new Array<unknown>(capacity));
  }

  /** Rows held now (at most `capacity`). */
  get size(): number {
    return this.filled;
  }

  /** Rows pushed since creation or the last clear. */
  get total(): number {
    return this.seen;
  }

  /** Adds one request row; features it lacks are recorded as missing, other keys ignored. */
  push(row: Readonly<Record<string, unknown>>): void {
    for (const [name, values] of this.columnsByName) values[this.next] = row[name] ?? null;
    this.next = (this.next + 1) % this.capacity;
    this.filled = Math.min(this.filled + 1, this.capacity);
    this.seen++;
  }

  /** Adds rows in order. */
  pushRows(rows: Iterable<Readonly<Record<string, unknown>>>): void {
    for (const row of rows) this.push(row);
  }

  /** The held rows as columns, oldest first (the shape driftReport takes). */
  columns(): { columns: Record<string, unknown[]> } {
    const start = this.filled < this.capacity ? 0 : this.next;
    const columns: Record<string, unknown[]> = {};
    for (const [name, values] of this.columnsByName) {
      const out = new Array<unknown>(this.filled);
      for (let i = 0; i < this.filled; i++) out[i] = values[(start + i) % this.capacity];
      columns[name] = out;
    }
    return { columns };
  }

  clear(): void {
    for (const values of this.columnsByName.values()) values.fill(undefined);
    this.next = 0;
    this.filled = 0;
    this.seen = 0;
  }

  /** Drift of the held rows against a run's reference sample. */
  report(reference: ReferenceSample, schema: RunSchema, options?: DriftOptions): DriftReport {
    return driftReport(reference, schema, this.columns(), options);
  }
}
