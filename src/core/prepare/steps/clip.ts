/** clip: caps outliers of numeric columns at training-row quantiles or at mean ± threshold·std. */
import type { NumericColumn } from '../../data/table';
import { MlError } from '../../types';
import { chooseColumns, findColumn, Frame, mapNumeric } from '../frame';
import { OptionReader } from '../options';
import { nanMeanVariance, quantileSorted, sortedPresent } from '../stats';
import { PrepareStep, requireFitted, StepJSON } from '../step';

interface Bounds {
  readonly name: string;
  readonly low: number;
  readonly high: number;
}

/** Clips values into bounds learned from the training rows; NaN stays NaN. */
export class ClipStep implements PrepareStep {
  readonly step = 'clip';
  readonly method: 'quantile' | 'zscore';
  readonly lower: number;
  readonly upper: number;
  readonly threshold: number;
  readonly columns: string[] | undefined;
  private fitted: Bounds[] | undefined;

  constructor(private readonly options: Record<string, unknown> = {}) {
    const reader = new OptionReader('clip', options);
    this.method = reader.oneOf('method', ['quantile', 'zscore'], 'quantile');
    this.lower = reader.number('lower', 0.01, { min: 0, max: 1 });
    this.upper = reader.number('upper', 0.99, { min: 0, max: 1 });
    this.threshold = reader.number('threshold', 3, { min: 0, exclusiveMin: true });
    this.columns = reader.columns();
    reader.done();
    if (this.lower > this.upper) throw new MlError(`clip: option "lower" (${this.lower}) must not exceed "upper" (${this.upper})`);
  }

  fit(frame: Frame): void {
    const names = chooseColumns(frame, this.columns, ['numeric'], 'clip');
    this.fitted = names.map((name) => {
      const values = (findColumn(frame, name, 'clip') as NumericColumn).values;
      if (this.method === 'zscore') {
        const { mean, variance } = nanMeanVariance(values);
        const spread = this.threshold * Math.sqrt(variance);
        return { name, low: mean - spread, high: mean + spread };
      }
      const sorted = sortedPresent(values);
      return { name, low: quantileSorted(sorted, this.lower), high: quantileSorted(sorted, this.upper) };
    });
  }

  transform(frame: Frame): Frame {
    const fitted = requireFitted(this.fitted, 'clip');
    const byName = new Map(fitted.map((b) => [b.name, b]));
    return mapNumeric(frame, [...byName.keys()], 'clip', (column) => {
      const { low, high } = byName.get(column.name) as Bounds;
      // An all-missing training column has NaN bounds: leave its values alone.
      if (Number.isNaN(low) || Number.isNaN(high)) return column.values.slice();
      return column.values.map((v) => (v < low ? low : v > high ? high : v));
    });
  }

  toJSON(): StepJSON {
    return {
      step: 'clip',
      options: this.options,
      state: requireFitted(this.fitted, 'clip').map((b) => ({ ...b, low: finiteOrNull(b.low), high: finiteOrNull(b.high) })),
    };
  }

  static fromJSON(json: StepJSON): ClipStep {
    const step = new ClipStep(json.options);
    step.fitted = (json.state as Array<{ name: string; low: number | null; high: number | null }>).map((b) => ({
      name: b.name,
      low: b.low ?? NaN,
      high: b.high ?? NaN,
    }));
    return step;
  }
}

function finiteOrNull(v: number): number | null {
  return Number.isNaN(v) ? null : v;
}
