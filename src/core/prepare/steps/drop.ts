/** drop: removes columns the model must not see (ids, names, leakage), at fit and predict time alike. */
import { MlError } from '../../types';
import { findColumn, Frame, mapColumns } from '../frame';
import { OptionReader } from '../options';
import { PrepareStep, requireFitted, StepJSON } from '../step';

/** Removes the listed columns; a listed column that does not exist when fitting is an error naming it. */
export class DropStep implements PrepareStep {
  readonly step = 'drop';
  readonly columns: string[];
  private fitted: string[] | undefined;

  constructor(private readonly options: Record<string, unknown> = {}) {
    const reader = new OptionReader('drop', options);
    const columns = reader.columns();
    reader.done();
    if (!columns || columns.length === 0) throw new MlError('drop: option "columns" must list the columns to remove, like { columns: [id, name] }');
    this.columns = columns;
  }

  fit(frame: Frame): void {
    for (const name of this.columns) findColumn(frame, name, 'drop');
    this.fitted = [...this.columns];
  }

  transform(frame: Frame): Frame {
    const dropped = new Set(requireFitted(this.fitted, 'drop'));
    return mapColumns(frame, (column) => (dropped.has(column.name) ? null : undefined));
  }

  toJSON(): StepJSON {
    return { step: 'drop', options: this.options, state: requireFitted(this.fitted, 'drop') };
  }

  static fromJSON(json: StepJSON): DropStep {
    const step = new DropStep(json.options);
    step.fitted = json.state as string[];
    return step;
  }
}

/** True when `name` appears in the options as a value or a key (a step that names the column reads it). */
function names(value: unknown, name: string): boolean {
  if (value === name) return true;
  if (Array.isArray(value)) return value.some((item) => names(item, name));
  if (typeof value === 'object' && value !== null) return Object.entries(value).some(([key, item]) => key === name || names(item, name));
  return false;
}

/**
 * The input columns a fitted pipeline never reads: those a `drop` step removes that no earlier step
 * names. A request to the served model may leave them out (they become missing values).
 */
export function unreadInputs(steps: readonly StepJSON[]): string[] {
  const unread: string[] = [];
  steps.forEach((step, i) => {
    if (step.step !== 'drop') return;
    for (const name of (step.state as string[] | undefined) ?? []) {
      if (!steps.slice(0, i).some((earlier) => names(earlier.options, name))) unread.push(name);
    }
  });
  return unread;
}
