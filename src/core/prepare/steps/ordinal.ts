/** ordinal: replaces categories by their index (sklearn's OrdinalEncoder); unseen → unknown_value, missing → NaN. */
import { categoryCounts, dictionaryOf, stringAt, type Column } from '../../data/table';
import { MlError } from '../../types';
import { compareCodePoints } from '../../text/tokenize';
import { chooseColumns, findColumn, Frame, mapColumns } from '../frame';
import { OptionReader } from '../options';
import { PrepareStep, requireFitted, StepJSON } from '../step';

interface Categories {
  readonly name: string;
  readonly categories: string[];
}

/** Encodes categorical columns as numeric columns in place, so later steps (impute, scale) see numbers. */
export class OrdinalStep implements PrepareStep {
  readonly step = 'ordinal';
  readonly columns: string[] | undefined;
  /** Explicit order per column, e.g. { size: [S, M, L] }; other columns use sorted categories. */
  private readonly order: Record<string, string[]>;
  readonly unknownValue: number;
  private fitted: Categories[] | undefined;

  constructor(private readonly options: Record<string, unknown> = {}) {
    const reader = new OptionReader('ordinal', options);
    this.columns = reader.columns();
    const categories = reader.value('categories') ?? {};
    const valid =
      typeof categories === 'object' &&
      categories !== null &&
      !Array.isArray(categories) &&
      Object.values(categories).every((list) => Array.isArray(list) && list.every((c) => typeof c === 'string' || typeof c === 'number'));
    if (!valid) throw new MlError(`ordinal: option "categories" must map column names to lists of categories, got ${JSON.stringify(categories)}`);
    this.order = Object.fromEntries(Object.entries(categories as Record<string, unknown[]>).map(([k, list]) => [k, list.map(String)]));
    this.unknownValue = reader.number('unknown_value', -1);
    reader.done();
  }

  fit(frame: Frame): void {
    const listed = this.columns ?? (Object.keys(this.order).length > 0 ? Object.keys(this.order) : undefined);
    const names = chooseColumns(frame, listed, listed ? ['categorical', 'text', 'numeric'] : ['categorical'], 'ordinal');
    this.fitted = names.map((name) => {
      const column = findColumn(frame, name, 'ordinal');
      const given = this.order[name];
      if (given) {
        const known = new Set(given);
        const unknownRow = firstRowWhere(column, (v) => !known.has(v));
        if (unknownRow >= 0) {
          const v = cellText(column, unknownRow);
          throw new MlError(`ordinal: column "${name}" has "${v}" at row ${unknownRow + 1}, which is not in its categories [${given.join(', ')}]`);
        }
        return { name, categories: given };
      }
      return { name, categories: [...presentCategories(column)].sort(compareCodePoints) };
    });
  }

  transform(frame: Frame): Frame {
    const fitted = requireFitted(this.fitted, 'ordinal');
    for (const f of fitted) findColumn(frame, f.name, 'ordinal');
    const byName = new Map(fitted.map((f) => [f.name, new Map(f.categories.map((c, j) => [c, j]))]));
    return mapColumns(frame, (column) => {
      const codes = byName.get(column.name);
      if (!codes) return undefined;
      let values: Float64Array;
      if (column.kind === 'numeric') {
        values = Float64Array.from(column.values, (v) => (Number.isNaN(v) ? NaN : (codes.get(String(v)) ?? this.unknownValue)));
      } else {
        // One lookup per category of the column's dictionary, then one array read per row.
        const dictionary = dictionaryOf(column);
        const byCode = Float64Array.from(dictionary.categories, (c) => codes.get(c) ?? this.unknownValue);
        values = new Float64Array(dictionary.codes.length);
        for (let i = 0; i < values.length; i++) {
          const code = dictionary.codes[i] as number;
          values[i] = code < 0 ? NaN : (byCode[code] as number);
        }
      }
      return { type: 'column', column: { name: column.name, kind: 'numeric', values } };
    });
  }

  toJSON(): StepJSON {
    return { step: 'ordinal', options: this.options, state: requireFitted(this.fitted, 'ordinal') };
  }

  static fromJSON(json: StepJSON): OrdinalStep {
    const step = new OrdinalStep(json.options);
    step.fitted = json.state as Categories[];
    return step;
  }
}

/** The distinct present values of a column as strings (numbers as `String(v)`): a string column's categories that some row holds. */
export function presentCategories(column: Column): Set<string> {
  const seen = new Set<string>();
  if (column.kind === 'numeric') {
    for (const v of column.values) if (!Number.isNaN(v)) seen.add(String(v));
    return seen;
  }
  const counts = categoryCounts(column);
  dictionaryOf(column).categories.forEach((c, k) => {
    if ((counts[k] as number) > 0) seen.add(c);
  });
  return seen;
}

/** The first row whose present value (as a string) satisfies `test`, or -1; a string column tests each category once. */
export function firstRowWhere(column: Column, test: (value: string) => boolean): number {
  if (column.kind === 'numeric') return column.values.findIndex((v) => !Number.isNaN(v) && test(String(v)));
  const { codes, categories } = dictionaryOf(column);
  const hit = categories.map(test);
  return codes.findIndex((code) => code >= 0 && hit[code] === true);
}

/** Row i's value as a string ('' where missing), for messages. */
export function cellText(column: Column, i: number): string {
  if (column.kind === 'numeric') return String(column.values[i]);
  return stringAt(column, i) ?? '';
}
