/** coerce: converts columns to numbers or strings, reporting how many values failed, with examples and rows. */
import { Column } from '../../data/table';
import { parseNumber, stringKind } from '../../data/infer';
import { MlError } from '../../types';
import { findColumn, Frame, mapColumns } from '../frame';
import { OptionReader } from '../options';
import { PrepareStep, StepJSON } from '../step';

type Target = 'number' | 'string' | 'categorical' | 'text';
const TARGETS: readonly Target[] = ['number', 'string', 'categorical', 'text'];

/** How many examples of failed values a note lists. */
const EXAMPLES = 5;

/** Converts column types; values that do not parse as numbers become missing and are reported in `notes`. */
export class CoerceStep implements PrepareStep {
  readonly step = 'coerce';
  readonly targets: ReadonlyArray<readonly [string, Target]>;
  notes: string[] = [];

  constructor(private readonly options: Record<string, unknown> = {}) {
    const reader = new OptionReader('coerce', options);
    const columns = reader.value('columns');
    reader.done();
    if (typeof columns !== 'object' || columns === null || Array.isArray(columns) || Object.keys(columns).length === 0) {
      throw new MlError(`coerce: option "columns" must map column names to a type, e.g. { age: number }, got ${JSON.stringify(columns)}`);
    }
    this.targets = Object.entries(columns as Record<string, unknown>).map(([name, type]) => {
      if (typeof type !== 'string' || !(TARGETS as readonly string[]).includes(type)) {
        throw new MlError(`coerce: type of column "${name}" must be one of ${TARGETS.join(', ')}, got ${JSON.stringify(type)}`);
      }
      return [name, type as Target] as const;
    });
  }

  fit(frame: Frame): void {
    this.transform(frame);
  }

  transform(frame: Frame): Frame {
    for (const [name] of this.targets) findColumn(frame, name, 'coerce');
    const byName = new Map(this.targets);
    this.notes = [];
    return mapColumns(frame, (column) => {
      const type = byName.get(column.name);
      if (!type) return undefined;
      return { type: 'column', column: this.convert(column, type) };
    });
  }

  private convert(column: Column, type: Target): Column {
    if (type === 'number') {
      if (column.kind === 'numeric') return column;
      const failures: Array<{ row: number; value: string }> = [];
      const values = Float64Array.from(column.values, (v, i) => {
        const parsed = parseNumber(v);
        if (parsed !== undefined) return parsed;
        failures.push({ row: i + 1, value: v as string });
        return NaN;
      });
      if (failures.length > 0) {
        const examples = failures
          .slice(0, EXAMPLES)
          .map((f) => `"${f.value}" (row ${f.row})`)
          .join(', ');
        this.notes.push(
          `coerce: ${failures.length} value(s) of column "${column.name}" are not numbers and became missing: ${examples}${failures.length > EXAMPLES ? ', ...' : ''}`,
        );
      }
      return { name: column.name, kind: 'numeric', values };
    }
    const strings = column.kind === 'numeric' ? Array.from(column.values, (v) => (Number.isNaN(v) ? null : String(v))) : [...column.values];
    const kind = type === 'string' ? (column.kind === 'numeric' ? 'categorical' : stringKind(strings)) : type;
    return { name: column.name, kind, values: strings };
  }

  toJSON(): StepJSON {
    return { step: 'coerce', options: this.options };
  }

  static fromJSON(json: StepJSON): CoerceStep {
    return new CoerceStep(json.options);
  }
}
