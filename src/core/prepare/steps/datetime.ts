/**
 * datetime: turns date/time columns into numeric columns `<column>_<feature>` (year, month, day,
 * dayofweek, dayofyear, hour, minute, as pandas' `Series.dt` names them), replacing the column.
 * Values that are not dates become missing (NaN), so an `impute` step after this one fills them.
 */
import { cellAt, ColumnKind, dictionaryOf } from '../../data/table';
import { DateParts, EpochUnit, parseDateCell } from '../../data/dates';
import { MlError } from '../../types';
import { findColumn, Frame, FramePart } from '../frame';
import { OptionReader } from '../options';
import { PrepareStep, requireFitted, StepJSON } from '../step';

export const DATETIME_FEATURES = ['year', 'month', 'day', 'dayofweek', 'dayofyear', 'hour', 'minute'] as const;
export type DatetimeFeature = (typeof DATETIME_FEATURES)[number];
/** The features made when the step lists none. */
export const DEFAULT_DATETIME_FEATURES: readonly DatetimeFeature[] = ['year', 'month', 'day', 'dayofweek'];

interface FittedColumn {
  readonly name: string;
  readonly kind: ColumnKind;
}

/** Parses each listed column's cells (text dates, or epoch numbers with `unit`) into the chosen features. */
export class DatetimeStep implements PrepareStep {
  readonly step = 'datetime';
  readonly columns: string[];
  readonly features: DatetimeFeature[];
  readonly unit: EpochUnit | undefined;
  notes: string[] = [];
  private fitted: FittedColumn[] | undefined;

  constructor(private readonly options: Record<string, unknown> = {}) {
    const reader = new OptionReader('datetime', options);
    const columns = reader.columns();
    const features = reader.value('features');
    const unit = reader.value('unit');
    this.unit = unit === undefined || unit === null ? undefined : reader.oneOf('unit', ['s', 'ms'] as const, 's');
    reader.done();
    if (!columns || columns.length === 0) throw new MlError('datetime: option "columns" must list the date columns, like { columns: [date] }');
    const twice = columns.find((name, i) => columns.indexOf(name) !== i);
    if (twice !== undefined) throw new MlError(`datetime: column "${twice}" is listed twice in "columns"`);
    this.columns = columns;
    this.features = readFeatures(features);
  }

  fit(frame: Frame): void {
    this.notes = [];
    this.fitted = this.columns.map((name) => {
      const column = findColumn(frame, name, 'datetime');
      if (column.kind === 'numeric' && !this.unit) {
        throw new MlError(`datetime: column "${name}" is numeric; if it holds epoch times add unit: s (seconds) or unit: ms (milliseconds)`);
      }
      let present = 0;
      let unparsable = 0;
      let first: { row: number; value: string | number } | undefined;
      // A string column's dates are parsed once per category of its dictionary.
      const dictionary = column.kind === 'numeric' ? undefined : dictionaryOf(column);
      const parsed = dictionary?.categories.map((c) => parseDateCell(c, this.unit) !== undefined);
      for (let i = 0; i < frame.rowCount; i++) {
        const value = cellAt(column, i);
        if (value === null || (typeof value === 'number' && Number.isNaN(value))) continue;
        present++;
        if (parsed && dictionary ? parsed[dictionary.codes[i] as number] : parseDateCell(value, this.unit)) continue;
        unparsable++;
        first ??= { row: i + 1, value };
      }
      if (first && unparsable === present) {
        throw new MlError(
          `datetime: column "${name}" holds no date the step can read (row ${first.row}: ${JSON.stringify(first.value)}); it reads YYYY-MM-DD with an optional time${this.unit ? '' : ', or epoch numbers with unit: s or ms'}`,
        );
      }
      if (first) {
        this.notes.push(
          `datetime: column "${name}": ${unparsable} value(s) are not dates and became missing (first at row ${first.row}: ${JSON.stringify(first.value)})`,
        );
      }
      return { name, kind: column.kind };
    });
  }

  transform(frame: Frame): Frame {
    const fitted = requireFitted(this.fitted, 'datetime');
    for (const f of fitted) findColumn(frame, f.name, 'datetime');
    const wanted = new Set(fitted.map((f) => f.name));
    const n = frame.rowCount;
    const parts: FramePart[] = [];
    for (const part of frame.parts) {
      if (part.type !== 'column' || !wanted.has(part.column.name)) {
        parts.push(part);
        continue;
      }
      const column = part.column;
      const name = column.name;
      const outputs = this.features.map(() => new Float64Array(n).fill(Number.NaN));
      const dictionary = column.kind === 'numeric' ? undefined : dictionaryOf(column);
      const dates = dictionary?.categories.map((c) => parseDateCell(c, this.unit));
      for (let i = 0; i < n; i++) {
        const date: DateParts | undefined =
          column.kind === 'numeric' ? parseDateCell(column.values[i] as number, this.unit) : (dates as (DateParts | undefined)[])[dictionary?.codes[i] ?? -1];
        if (!date) continue;
        this.features.forEach((feature, k) => ((outputs[k] as Float64Array)[i] = date[feature]));
      }
      this.features.forEach((feature, k) =>
        parts.push({ type: 'column', column: { name: `${name}_${feature}`, kind: 'numeric', values: outputs[k] as Float64Array } }),
      );
    }
    return { rowCount: n, parts };
  }

  toJSON(): StepJSON {
    return { step: 'datetime', options: this.options, state: requireFitted(this.fitted, 'datetime') };
  }

  static fromJSON(json: StepJSON): DatetimeStep {
    const step = new DatetimeStep(json.options);
    step.fitted = json.state as FittedColumn[];
    return step;
  }
}

function readFeatures(value: unknown): DatetimeFeature[] {
  if (value === undefined || value === null) return [...DEFAULT_DATETIME_FEATURES];
  const known = DATETIME_FEATURES as readonly string[];
  if (!Array.isArray(value) || value.length === 0 || value.some((v) => typeof v !== 'string' || !known.includes(v))) {
    throw new MlError(`datetime: option "features" must be a list of ${DATETIME_FEATURES.join(', ')}, got ${JSON.stringify(value)}`);
  }
  const unique = [...new Set(value as DatetimeFeature[])];
  if (unique.length !== value.length) throw new MlError(`datetime: option "features" names a feature twice: ${JSON.stringify(value)}`);
  return unique;
}
