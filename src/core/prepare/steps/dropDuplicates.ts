/** dropDuplicates: removes repeated training rows (same features and target), keeping the first. */
import { textAt } from '../../data/table';
import { Target } from '../../types';
import { chooseColumns, findColumn, Frame } from '../frame';
import { OptionReader } from '../options';
import { PrepareStep, StepJSON } from '../step';

/** Drops duplicate rows while fitting only; at predict time every row is kept. */
export class DropDuplicatesStep implements PrepareStep {
  readonly step = 'dropDuplicates';
  /** Compare only these columns (pandas' `subset`); default: every column and the target. */
  readonly columns: string[] | undefined;
  notes: string[] = [];

  constructor(private readonly options: Record<string, unknown> = {}) {
    const reader = new OptionReader('dropDuplicates', options);
    this.columns = reader.columns();
    reader.done();
  }

  fitRows(frame: Frame, y: Target): Int32Array {
    const names = chooseColumns(frame, this.columns, ['numeric', 'categorical', 'text'], 'dropDuplicates');
    const columns = names.map((name) => findColumn(frame, name, 'dropDuplicates'));
    const seen = new Set<string>();
    const kept: number[] = [];
    for (let i = 0; i < frame.rowCount; i++) {
      // A categorical cell is its code: the dictionary holds each value once, so equal codes are equal strings.
      const cells: unknown[] = columns.map((c) => (c.kind === 'numeric' ? c.values[i] : c.kind === 'text' ? textAt(c, i) : c.codes[i]));
      if (!this.columns) cells.push(y[i]);
      // NaN compares equal to NaN here, as pandas' duplicated does.
      const key = JSON.stringify(cells.map((v) => (typeof v === 'number' && Number.isNaN(v) ? 'NaN' : v)));
      if (seen.has(key)) continue;
      seen.add(key);
      kept.push(i);
    }
    const dropped = frame.rowCount - kept.length;
    this.notes = dropped > 0 ? [`dropDuplicates: dropped ${dropped} duplicate row(s)`] : [];
    return Int32Array.from(kept);
  }

  fit(): void {}

  transform(frame: Frame): Frame {
    return frame;
  }

  toJSON(): StepJSON {
    return { step: 'dropDuplicates', options: this.options };
  }

  static fromJSON(json: StepJSON): DropDuplicatesStep {
    return new DropDuplicatesStep(json.options);
  }
}
