/** onehot: one 0/1 feature per category seen in training (sklearn's OneHotEncoder, categories sorted). */
import { ColumnKind } from '../../data/table';
import { MlError } from '../../types';
import { compareCodePoints } from '../../text/tokenize';
import { chooseColumns, findColumn, Frame, mapColumns } from '../frame';
import { OptionReader } from '../options';
import { PrepareStep, requireFitted, StepJSON } from '../step';

interface Categories {
  readonly name: string;
  readonly categories: string[];
}

/**
 * Replaces each categorical column by a dense block `<column>_<category>`. With
 * handle_unknown "ignore" (the default) an unseen category, or a missing cell, becomes all zeros.
 */
export class OneHotStep implements PrepareStep {
  readonly step = 'onehot';
  readonly columns: string[] | undefined;
  readonly handleUnknown: 'ignore' | 'error';
  private fitted: Categories[] | undefined;

  constructor(private readonly options: Record<string, unknown> = {}) {
    const reader = new OptionReader('onehot', options);
    this.columns = reader.columns();
    this.handleUnknown = reader.oneOf('handle_unknown', ['ignore', 'error'], 'ignore');
    reader.done();
  }

  fit(frame: Frame): void {
    // Listed columns may be of any kind (e.g. integer codes); unlisted means every categorical column.
    const kinds: readonly ColumnKind[] = this.columns ? ['categorical', 'text', 'numeric'] : ['categorical'];
    const names = chooseColumns(frame, this.columns, kinds, 'onehot');
    this.fitted = names.map((name) => {
      const column = findColumn(frame, name, 'onehot');
      const seen = new Set<string>();
      for (const v of column.values) if (!isMissingCell(v)) seen.add(String(v));
      return { name, categories: [...seen].sort(column.kind === 'numeric' ? (a, b) => Number(a) - Number(b) : compareCodePoints) };
    });
  }

  transform(frame: Frame): Frame {
    const fitted = requireFitted(this.fitted, 'onehot');
    for (const f of fitted) findColumn(frame, f.name, 'onehot');
    const byName = new Map(fitted.map((f) => [f.name, f.categories]));
    const n = frame.rowCount;
    return mapColumns(frame, (column) => {
      const categories = byName.get(column.name);
      if (!categories) return undefined;
      const position = new Map(categories.map((c, j) => [c, j]));
      const cols = categories.length;
      const data = new Float64Array(n * cols);
      for (let i = 0; i < n; i++) {
        const v = column.values[i];
        if (v === undefined || isMissingCell(v)) continue;
        const j = position.get(String(v));
        if (j === undefined) {
          if (this.handleUnknown === 'error') {
            throw new MlError(`onehot: column "${column.name}" has category "${v}" at row ${i + 1} that was not seen in training; use handle_unknown: ignore`);
          }
          continue;
        }
        data[i * cols + j] = 1;
      }
      return {
        type: 'block',
        source: column.name,
        names: categories.map((c) => `${column.name}_${c}`),
        matrix: { kind: 'dense', rows: n, cols, data },
      };
    });
  }

  toJSON(): StepJSON {
    return { step: 'onehot', options: this.options, state: requireFitted(this.fitted, 'onehot') };
  }

  static fromJSON(json: StepJSON): OneHotStep {
    const step = new OneHotStep(json.options);
    step.fitted = json.state as Categories[];
    return step;
  }
}

function isMissingCell(v: string | number | null): boolean {
  return v === null || (typeof v === 'number' && Number.isNaN(v));
}
