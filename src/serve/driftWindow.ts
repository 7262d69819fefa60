/**
 * The recent request rows that drift is measured on: a ring of the last `size` rows per feature,
 * compared with the run's reference sample (reference.json) when the monitor or /metrics asks.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { CurrentWindow, DriftReport } from '../core/drift';
import type { ReferenceSample, RunSchema } from '../core/runs/artifacts';
import type { Cell } from './feedback';

/** Computes drift of the current window against the reference sample (core/drift's driftReport). */
export type DriftFunction = (reference: ReferenceSample, schema: RunSchema, current: CurrentWindow) => DriftReport;

/** Recent rows in column form, oldest first when read. */
export class DriftWindow {
  private readonly columns = new Map<string, Cell[]>();
  private next = 0;
  private filled = 0;
  readonly reference: ReferenceSample | undefined;
  private cached: { at: number; seen: number; report: DriftReport | undefined } | undefined;
  private seen = 0;

  constructor(
    runDir: string,
    private readonly schema: RunSchema,
    readonly size: number,
    private readonly drift: DriftFunction | undefined,
  ) {
    const file = path.join(runDir, 'reference.json');
    this.reference = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ReferenceSample) : undefined;
    for (const feature of schema.features) this.columns.set(feature.name, new Array<Cell>(size).fill(null));
  }

  /** Adds request rows (already validated against the schema). */
  add(rows: readonly Readonly<Record<string, Cell>>[]): void {
    for (const row of rows) {
      for (const [name, values] of this.columns) values[this.next] = row[name] ?? null;
      this.next = (this.next + 1) % this.size;
      this.filled = Math.min(this.filled + 1, this.size);
      this.seen++;
    }
  }

  get rows(): number {
    return this.filled;
  }

  /** The window as a sample shaped like reference.json. */
  current(): ReferenceSample {
    const columns: ReferenceSample['columns'] = {};
    const start = this.filled < this.size ? 0 : this.next;
    for (const [name, values] of this.columns) {
      columns[name] = Array.from({ length: this.filled }, (_, k) => values[(start + k) % this.size] ?? null);
    }
    return { rows: this.filled, columns };
  }

  /**
   * The drift report of the window, recomputed at most once a second and only when rows arrived:
   * scrapes and monitor polls must not cost a full statistic each. Undefined before any row, without
   * a reference sample, or while no drift function is plugged in.
   */
  report(now = Date.now()): DriftReport | undefined {
    if (!this.drift || !this.reference || this.filled === 0) return undefined;
    if (this.cached && (this.cached.seen === this.seen || now - this.cached.at < 1000)) return this.cached.report;
    const report = this.drift(this.reference, this.schema, this.current());
    this.cached = { at: now, seen: this.seen, report };
    return report;
  }
}
