/** dropMissing: drops training rows, or columns, whose share of missing values exceeds a threshold. */
import { Column, missingAt } from '../../data/table';
import { MlError } from '../../types';
import { findColumn, Frame, frameColumns, mapColumns } from '../frame';
import { OptionReader } from '../options';
import { PrepareStep, requireFitted, StepJSON } from '../step';

/**
 * axis "rows" (default threshold 0: any missing cell drops the row) acts while fitting only;
 * axis "columns" (default threshold 0.5) drops the same columns at fit and predict time.
 * A row or column is dropped when its missing share is greater than `threshold`; `columns`
 * limits the cells looked at (rows) or the columns that may go (columns). Rows whose target is
 * missing are left out by the trainer before the split (see experiment/train.ts), not here.
 */
export class DropMissingStep implements PrepareStep {
  readonly step = 'dropMissing';
  readonly axis: 'rows' | 'columns';
  readonly threshold: number;
  readonly columns: string[] | undefined;
  notes: string[] = [];
  private dropped: string[] | undefined;

  constructor(private readonly options: Record<string, unknown> = {}) {
    const reader = new OptionReader('dropMissing', options);
    this.axis = reader.oneOf('axis', ['rows', 'columns'], 'rows');
    this.threshold = reader.number('threshold', this.axis === 'rows' ? 0 : 0.5, { min: 0, max: 1 });
    this.columns = reader.columns();
    reader.done();
  }

  fitRows(frame: Frame): Int32Array {
    const columns = this.lookedAt(frame);
    if (this.axis === 'columns' || columns.length === 0) return Int32Array.from({ length: frame.rowCount }, (_, i) => i);
    const kept: number[] = [];
    for (let i = 0; i < frame.rowCount; i++) {
      let missing = 0;
      for (const c of columns) if (missingAt(c, i)) missing++;
      if (missing / columns.length <= this.threshold) kept.push(i);
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
    this.dropped = this.lookedAt(frame)
      .filter((c) => {
        let missing = 0;
        for (let i = 0; i < frame.rowCount; i++) if (missingAt(c, i)) missing++;
        return missing / n > this.threshold;
      })
      .map((c) => c.name);
    this.notes = this.dropped.length > 0 ? [`dropMissing: dropped column(s) ${this.dropped.join(', ')}`] : [];
  }

  /** The listed columns (each checked to exist), else every raw column. */
  private lookedAt(frame: Frame): Column[] {
    return this.columns ? this.columns.map((name) => findColumn(frame, name, 'dropMissing')) : frameColumns(frame);
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
