/** coerce: converts columns to numbers or strings, reporting how many values failed, with examples and rows. */
import { asStringKind, Column, dictionaryOf, stringColumn } from '../../data/table';
import { parseNumber, stringColumnKind } from '../../data/infer';
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
      // Parsed once per category of the column's dictionary; failures are reported in row order.
      const { codes, categories } = dictionaryOf(column);
      const numbers = categories.map((v) => parseNumber(v));
      const values = new Float64Array(codes.length);
      for (let i = 0; i < values.length; i++) {
        const code = codes[i] as number;
        const parsed = code < 0 ? NaN : numbers[code];
        if (parsed !== undefined) values[i] = parsed;
        else {
          failures.push({ row: i + 1, value: categories[code] as string });
          values[i] = NaN;
        }
      }
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
    if (column.kind === 'numeric') {
      const strings = Array.from(column.values, (v) => (Number.isNaN(v) ? null : String(v)));
      return stringColumn(column.name, type === 'string' ? 'categorical' : type, strings);
    }
    const kind = type === 'string' ? stringColumnKind(column) : type;
    return asStringKind(column, kind);
  }

  toJSON(): StepJSON {
    return { step: 'coerce', options: this.options };
  }

  static fromJSON(json: StepJSON): CoerceStep {
    return new CoerceStep(json.options);
  }
}
