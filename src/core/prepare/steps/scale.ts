/** scale: standard (mean/std), minmax (to [0, 1]) or robust (median/IQR) scaling of numeric columns, as sklearn's scalers. */
import type { NumericColumn } from '../../data/table';
import { MlError } from '../../types';
import { chooseColumns, Frame, frameColumns, mapNumeric } from '../frame';
import { OptionReader } from '../options';
import { nanMeanVariance, quantileSorted, safeScale, sortedPresent } from '../stats';
import { PrepareStep, requireFitted, StepJSON } from '../step';

type ScaleMethod = 'standard' | 'minmax' | 'robust';
const METHODS: readonly ScaleMethod[] = ['standard', 'minmax', 'robust'];

interface ColumnScale {
  readonly name: string;
  readonly center: number;
  readonly scale: number;
}

/** Scales numeric columns; NaN stays NaN (it is ignored when fitting, as sklearn does). */
export class ScaleStep implements PrepareStep {
  readonly step = 'scale';
  readonly method: ScaleMethod;
  readonly columns: string[] | undefined;
  private fitted: ColumnScale[] | undefined;

  constructor(private readonly options: Record<string, unknown> = {}) {
    const reader = new OptionReader('scale', options);
    this.method = reader.oneOf('method', METHODS, 'standard');
    this.columns = reader.columns();
    reader.done();
  }

  fit(frame: Frame): void {
    const names = chooseColumns(frame, this.columns, ['numeric'], 'scale');
    this.fitted = frameColumns(frame)
      .filter((c) => names.includes(c.name))
      .map((c) => {
        const values = (c as NumericColumn).values;
        // An infinite value would make the centre or scale infinite and every value NaN, which the
        // checks after preparation then call "missing" and send the user to impute, which keeps infinities.
        const infinite = values.reduce((count, v) => count + (v === Infinity || v === -Infinity ? 1 : 0), 0);
        if (infinite > 0) {
          throw new MlError(
            `scale: column "${c.name}" holds ${infinite} infinite value(s), which impute does not replace; add \`clip: { columns: [${c.name}] }\` before scale, or fix the data`,
          );
        }
        if (this.method === 'standard') {
          const { mean, variance, count } = nanMeanVariance(values);
          if (count === 0) throw new MlError(`scale: column "${c.name}" has no values in the training rows`);
          return { name: c.name, center: mean, scale: safeScale(Math.sqrt(variance)) };
        }
        const sorted = sortedPresent(values);
        if (sorted.length === 0) throw new MlError(`scale: column "${c.name}" has no values in the training rows`);
        if (this.method === 'minmax') {
          const min = sorted[0] as number;
          return { name: c.name, center: min, scale: safeScale((sorted[sorted.length - 1] as number) - min) };
        }
        const iqr = quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25);
        return { name: c.name, center: quantileSorted(sorted, 0.5), scale: safeScale(iqr) };
      });
  }

  transform(frame: Frame): Frame {
    const fitted = requireFitted(this.fitted, 'scale');
    const byName = new Map(fitted.map((f) => [f.name, f]));
    return mapNumeric(frame, [...byName.keys()], 'scale', (column) => {
      const { center, scale } = byName.get(column.name) as ColumnScale;
      return column.values.map((v) => (v - center) / scale);
    });
  }

  toJSON(): StepJSON {
    return { step: 'scale', options: this.options, state: requireFitted(this.fitted, 'scale') };
  }

  static fromJSON(json: StepJSON): ScaleStep {
    const step = new ScaleStep(json.options);
    step.fitted = json.state as ColumnScale[];
    return step;
  }
}
