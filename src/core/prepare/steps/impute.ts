/** impute: fills missing values with the training rows' mean, median, most frequent value or a constant (SimpleImputer). */
import { categoryCounts, ColumnKind, dictionaryOf, fillMissingText } from '../../data/table';
import { MlError } from '../../types';
import { compareCodePoints } from '../../text/tokenize';
import { chooseColumns, findColumn, Frame, mapColumns } from '../frame';
import { OptionReader } from '../options';
import { mostFrequent, quantileSorted, nanMeanVariance, sortedPresent } from '../stats';
import { PrepareStep, requireFitted, StepJSON } from '../step';

type Strategy = 'mean' | 'median' | 'most_frequent' | 'constant';
const STRATEGIES: readonly Strategy[] = ['mean', 'median', 'most_frequent', 'constant'];

const KINDS: Record<Strategy, readonly ColumnKind[]> = {
  mean: ['numeric'],
  median: ['numeric'],
  most_frequent: ['numeric', 'categorical'],
  constant: ['numeric', 'categorical', 'text'],
};

interface Fill {
  readonly name: string;
  readonly value: number | string;
}

/** Replaces NaN (numeric) and null (string) cells by a statistic learned on the training rows. */
export class ImputeStep implements PrepareStep {
  readonly step = 'impute';
  readonly strategy: Strategy;
  readonly columns: string[] | undefined;
  private readonly fillValue: unknown;
  private fitted: Fill[] | undefined;

  constructor(private readonly options: Record<string, unknown> = {}) {
    const reader = new OptionReader('impute', options);
    this.strategy = reader.oneOf('strategy', STRATEGIES, 'mean');
    this.fillValue = reader.value('fill_value');
    if (this.fillValue !== undefined && typeof this.fillValue !== 'number' && typeof this.fillValue !== 'string') {
      throw new MlError(`impute: option "fill_value" must be a number or a string, got ${JSON.stringify(this.fillValue)}`);
    }
    this.columns = reader.columns();
    reader.done();
  }

  fit(frame: Frame): void {
    const names = chooseColumns(frame, this.columns, KINDS[this.strategy], 'impute');
    this.fitted = names.map((name) => ({ name, value: this.statistic(findColumn(frame, name, 'impute')) }));
  }

  private statistic(column: ReturnType<typeof findColumn>): number | string {
    const where = `impute: column "${column.name}"`;
    if (column.kind === 'numeric') {
      if (this.strategy === 'constant') {
        if (this.fillValue === undefined) return 0;
        if (typeof this.fillValue !== 'number') throw new MlError(`${where} is numeric but fill_value is ${JSON.stringify(this.fillValue)}`);
        return this.fillValue;
      }
      const sorted = sortedPresent(column.values);
      if (sorted.length === 0) throw new MlError(`${where} has no values in the training rows to compute a ${this.strategy} from`);
      const value =
        this.strategy === 'mean'
          ? nanMeanVariance(sorted).mean
          : this.strategy === 'median'
            ? quantileSorted(sorted, 0.5)
            : (mostFrequent(sorted, (a, b) => a - b) as number);
      // Infinities make a mean (or a median between them) infinite or NaN: filling with it would leave the
      // column "missing" in the checks after preparation, which would send the user back to impute.
      if (!Number.isFinite(value)) {
        const infinite = sorted.filter((v) => !Number.isFinite(v)).length;
        throw new MlError(
          `${where} holds ${infinite} infinite value(s), which make its ${this.strategy} ${value} and which impute does not replace; add \`clip: { columns: [${column.name}] }\` before impute, or fix the data`,
        );
      }
      return value;
    }
    if (this.strategy === 'constant') return this.fillValue === undefined ? 'missing_value' : String(this.fillValue);
    // Counted on the codes: the most frequent category, ties to the first in code-point order (as mostFrequent).
    const counts = categoryCounts(column);
    const { categories } = dictionaryOf(column);
    let best = -1;
    for (let k = 0; k < counts.length; k++) {
      const count = counts[k] as number;
      if (count === 0) continue;
      const bestCount = best < 0 ? 0 : (counts[best] as number);
      if (count > bestCount || (count === bestCount && compareCodePoints(categories[k] as string, categories[best] as string) < 0)) best = k;
    }
    if (best < 0) throw new MlError(`${where} has no values in the training rows`);
    return categories[best] as string;
  }

  transform(frame: Frame): Frame {
    const fitted = requireFitted(this.fitted, 'impute');
    for (const f of fitted) findColumn(frame, f.name, 'impute');
    const byName = new Map(fitted.map((f) => [f.name, f.value]));
    return mapColumns(frame, (column) => {
      const fill = byName.get(column.name);
      if (fill === undefined) return undefined;
      if (column.kind === 'numeric') {
        const value = typeof fill === 'number' ? fill : Number(fill);
        return { type: 'column', column: { ...column, values: column.values.map((v) => (Number.isNaN(v) ? value : v)) } };
      }
      // The fill is one more category (or the code it already has); missing codes become its code.
      const value = String(fill);
      if (column.kind === 'text') return { type: 'column', column: fillMissingText(column, value) };
      const existing = column.categories.indexOf(value);
      const categories = existing >= 0 ? column.categories : [...column.categories, value];
      const fillCode = existing >= 0 ? existing : column.categories.length;
      const codes = column.codes.map((code) => (code < 0 ? fillCode : code));
      return { type: 'column', column: { name: column.name, kind: column.kind, codes, categories } };
    });
  }

  toJSON(): StepJSON {
    return { step: 'impute', options: this.options, state: requireFitted(this.fitted, 'impute') };
  }

  static fromJSON(json: StepJSON): ImputeStep {
    const step = new ImputeStep(json.options);
    step.fitted = json.state as Fill[];
    return step;
  }
}
