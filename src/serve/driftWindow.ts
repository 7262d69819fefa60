/**
 * Drift of recent requests against the training data: core/monitor's sliding window of request
 * rows, compared with the run's reference sample (reference.json) by core/drift's report.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { DriftReport } from '../core/drift';
import { SlidingWindow } from '../core/monitor';
import type { ReferenceSample, RunSchema } from '../core/runs/artifacts';

/** The window of the last `size` request rows and its (cached) drift report. */
export class DriftWindow {
  private readonly window: SlidingWindow;
  readonly reference: ReferenceSample | undefined;
  private cached: { at: number; seen: number; report: DriftReport } | undefined;

  constructor(
    runDir: string,
    private readonly schema: RunSchema,
    readonly size: number,
  ) {
    const file = path.join(runDir, 'reference.json');
    this.reference = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as ReferenceSample) : undefined;
    this.window = new SlidingWindow(
      schema.features.map((f) => f.name),
      size,
    );
  }

  /** Adds request rows (already validated against the schema). */
  add(rows: readonly Readonly<Record<string, unknown>>[]): void {
    this.window.pushRows(rows);
  }

  get rows(): number {
    return this.window.size;
  }

  /**
   * The drift report of the window, recomputed at most once a second and only when rows arrived:
   * scrapes and monitor polls must not cost a full statistic each. Undefined before any row or
   * without a reference sample.
   */
  report(now = Date.now()): DriftReport | undefined {
    if (!this.reference || this.window.size === 0) return undefined;
    if (this.cached && (this.cached.seen === this.window.total || now - this.cached.at < 1000)) return this.cached.report;
    const report = this.window.report(this.reference, this.schema);
    this.cached = { at: now, seen: this.window.total, report };
    return report;
  }
}
