/** Feeds the transformer its raw text column instead of a vectorised matrix (see nn/transformer.ts). */
import { stringReader, type Table } from '../data/table';
import type { Target } from '../types';
import { MlError } from '../types';
import type { PreparedData } from '../validation';

/** Picks the text column named by a `text` step, or the table's only text column. */
export class TextColumnPipeline {
  private column: string | undefined;

  constructor(private readonly steps: readonly Readonly<Record<string, unknown>>[] = []) {}

  /** Chooses the column (on training rows) and returns its texts; missing texts become ''. */
  fitTransform(features: Table, y: Target): PreparedData<readonly string[]> {
    const textStep = this.steps.find((step) => 'text' in step)?.text as { column?: unknown } | undefined;
    const named = typeof textStep?.column === 'string' ? textStep.column : undefined;
    const textColumns = features.columns.filter((c) => c.kind === 'text').map((c) => c.name);
    this.column = named ?? (textColumns.length === 1 ? textColumns[0] : undefined);
    if (!this.column) {
      throw new MlError(
        `transformer: name the text column with a prepare step - text: { column: ... }; the table has ${textColumns.length} text columns (${textColumns.join(', ') || 'none'})`,
      );
    }
    return { X: this.transform(features), y, featureNames: [this.column] };
  }

  /** The texts of the chosen column. */
  transform(features: Table): readonly string[] {
    const column = features.columns.find((c) => c.name === this.column);
    if (!column) throw new MlError(`transformer: text column "${this.column ?? ''}" not found`);
    if (column.kind === 'numeric') return Array.from(column.values, (v) => (Number.isNaN(v) ? '' : String(v)));
    const read = stringReader(column);
    const out = new Array<string>(features.rowCount);
    for (let i = 0; i < out.length; i++) out[i] = read(i) ?? '';
    return out;
  }

  toJSON(): { type: 'text_column'; column: string | undefined } {
    return { type: 'text_column', column: this.column };
  }

  /** Restores a fitted text-column pipeline saved by toJSON. */
  static fromJSON(json: { type?: unknown; column?: unknown }): TextColumnPipeline {
    if (json.type !== 'text_column' || typeof json.column !== 'string') throw new MlError('pipeline.json: not a fitted text-column pipeline');
    const pipeline = new TextColumnPipeline();
    pipeline.column = json.column;
    return pipeline;
  }
}
