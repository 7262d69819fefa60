/** ordinal: replaces categories by their index (sklearn's OrdinalEncoder); unseen → unknown_value, missing → NaN. */
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
        column.values.forEach((v, i) => {
          if (v !== null && !Number.isNaN(v) && !given.includes(String(v))) {
            throw new MlError(`ordinal: column "${name}" has "${v}" at row ${i + 1}, which is not in its categories [${given.join(', ')}]`);
          }
        });
        return { name, categories: given };
      }
      const seen = new Set<string>();
      for (const v of column.values) if (v !== null && !Number.isNaN(v)) seen.add(String(v));
      return { name, categories: [...seen].sort(compareCodePoints) };
    });
  }

  transform(frame: Frame): Frame {
    const fitted = requireFitted(this.fitted, 'ordinal');
    for (const f of fitted) findColumn(frame, f.name, 'ordinal');
    const byName = new Map(fitted.map((f) => [f.name, new Map(f.categories.map((c, j) => [c, j]))]));
    return mapColumns(frame, (column) => {
      const codes = byName.get(column.name);
      if (!codes) return undefined;
      const values = Float64Array.from(column.values as ArrayLike<string | number | null>, (v) => {
        if (v === null || (typeof v === 'number' && Number.isNaN(v))) return NaN;
        return codes.get(String(v)) ?? this.unknownValue;
      });
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
