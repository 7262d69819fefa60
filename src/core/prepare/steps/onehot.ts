/** onehot: one 0/1 feature per category seen in training (sklearn's OneHotEncoder, categories sorted). */
import { ColumnKind, dictionaryOf } from '../../data/table';
import { MlError } from '../../types';
import { compareCodePoints } from '../../text/tokenize';
import { chooseColumns, findColumn, Frame, mapColumns } from '../frame';
import { OptionReader } from '../options';
import { PrepareStep, requireFitted, StepJSON } from '../step';
import { cellText, firstRowWhere, presentCategories } from './ordinal';

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
      const seen = presentCategories(column);
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
      if (this.handleUnknown === 'error') {
        const row = firstRowWhere(column, (v) => !position.has(v));
        if (row >= 0) {
          const v = cellText(column, row);
          throw new MlError(`onehot: column "${column.name}" has category "${v}" at row ${row + 1} that was not seen in training; use handle_unknown: ignore`);
        }
      }
      const data = new Float64Array(n * cols);
      if (column.kind === 'numeric') {
        for (let i = 0; i < n; i++) {
          const v = column.values[i] as number;
          const j = Number.isNaN(v) ? undefined : position.get(String(v));
          if (j !== undefined) data[i * cols + j] = 1;
        }
      } else {
        // The feature of each category of the column's dictionary (-1: unseen in training), then one read per row.
        const dictionary = dictionaryOf(column);
        const byCode = Int32Array.from(dictionary.categories, (c) => position.get(c) ?? -1);
        for (let i = 0; i < n; i++) {
          const code = dictionary.codes[i] as number;
          const j = code < 0 ? -1 : (byCode[code] as number);
          if (j >= 0) data[i * cols + j] = 1;
        }
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
