/** dropMissing: drops training rows, or columns, whose share of missing values exceeds a threshold. */
import { Column } from '../../data/table';
import { MlError } from '../../types';
import { Frame, frameColumns, mapColumns } from '../frame';
import { OptionReader } from '../options';
import { PrepareStep, requireFitted, StepJSON } from '../step';

function isMissingAt(column: Column, i: number): boolean {
  const v = column.values[i];
  return v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));
}

/**
 * axis "rows" (default threshold 0: any missing cell drops the row) acts while fitting only;
 * axis "columns" (default threshold 0.5) drops the same columns at fit and predict time.
 * A row or column is dropped when its missing share is greater than `threshold`.
 */
export class DropMissingStep implements PrepareStep {
  readonly step = 'dropMissing';
  readonly axis: 'rows' | 'columns';
  readonly threshold: number;
  notes: string[] = [];
  private dropped: string[] | undefined;

  constructor(private readonly options: Record<string, unknown> = {}) {
    const reader = new OptionReader('dropMissing', options);
    this.axis = reader.oneOf('axis', ['rows', 'columns'], 'rows');
    this.threshold = reader.number('threshold', this.axis === 'rows' ? 0 : 0.5, { min: 0, max: 1 });
    reader.done();
  }

  fitRows(frame: Frame): Int32Array {
    if (this.axis === 'columns') return Int32Array.from({ length: frame.rowCount }, (_, i) => i);
    const columns = frameColumns(frame);
    const kept: number[] = [];
    for (let i = 0; i < frame.rowCount; i++) {
      let missing = 0;
      for (const c of columns) if (isMissingAt(c, i)) missing++;
      if (columns.length === 0 || missing / columns.length <= this.threshold) kept.push(i);
    }
    if (kept.length === 0) throw new MlError(`dropMissing: every row has more than ${this.threshold * 100}% missing values; impute instead or raise threshold`);
    const dropped = frame.rowCount - kept.length;
    this.notes = dropped > 0 ? [`dropMissing: dropped ${dropped} row(s) with missing values`] : [];
    return Int32Array.from(kept);
  }

  fit(frame: Frame): void {
    if (this.axis === 'rows') {
      this.dropped = [];
      return;
    }
    const n = Math.max(frame.rowCount, 1);
    this.dropped = frameColumns(frame)
      .filter((c) => {
        let missing = 0;
        for (let i = 0; i < frame.rowCount; i++) if (isMissingAt(c, i)) missing++;
        return missing / n > this.threshold;
      })
      .map((c) => c.name);
    this.notes = this.dropped.length > 0 ? [`dropMissing: dropped column(s) ${this.dropped.join(', ')}`] : [];
  }

  transform(frame: Frame): Frame {
    const dropped = requireFitted(this.dropped, 'dropMissing');
    const names = new Set(dropped);
    return mapColumns(frame, (column) => (names.has(column.name) ? null : undefined));
  }

  toJSON(): StepJSON {
    return { step: 'dropMissing', options: this.options, state: requireFitted(this.dropped, 'dropMissing') };
  }

  static fromJSON(json: StepJSON): DropMissingStep {
    const step = new DropMissingStep(json.options);
    step.dropped = json.state as string[];
    return step;
  }
}
