/** text: turns one text column into sparse TF-IDF or count features (sklearn's TfidfVectorizer/CountVectorizer). */
import { columnLength, stringReader, type Column } from '../../data/table';
import { CsrMatrix, MlError } from '../../types';
import { Documents, TextVectorizer, VectorizerJSON, VectorizerOptions } from '../../text/vectorizer';
import { findColumn, Frame, mapColumns } from '../frame';
import { OptionReader } from '../options';
import { PrepareStep, requireFitted, StepJSON } from '../step';

/** Replaces the text column by a CSR block named `<column>:<term>`; missing documents are empty. */
export class TextStep implements PrepareStep {
  readonly step = 'text';
  readonly column: string;
  private readonly settings: VectorizerOptions;
  private vectorizer: TextVectorizer | undefined;
  /** The fit's own rows, reused by the transform that follows a fit so documents are not counted twice. */
  private fitted: { codes: unknown; matrix: CsrMatrix } | undefined;

  constructor(private readonly options: Record<string, unknown> = {}) {
    const reader = new OptionReader('text', options);
    this.column = reader.string('column');
    const range = reader.value('ngram_range') ?? [1, 1];
    if (!Array.isArray(range) || range.length !== 2 || !range.every((n) => Number.isInteger(n) && n >= 1) || range[0] > range[1]) {
      throw new MlError(`text: option "ngram_range" must be [min_n, max_n] with 1 <= min_n <= max_n, got ${JSON.stringify(range)}`);
    }
    const stopWords = reader.value('stop_words') ?? null;
    if (stopWords !== null && stopWords !== 'english') {
      throw new MlError(`text: option "stop_words" must be "english" or null, got ${JSON.stringify(stopWords)}`);
    }
    this.settings = {
      method: reader.oneOf('method', ['tfidf', 'count'] as const, 'tfidf'),
      ngram_range: [range[0] as number, range[1] as number],
      max_features: reader.optionalNumber('max_features', { min: 1, integer: true }),
      min_df: reader.number('min_df', 1, { min: 0 }),
      max_df: reader.number('max_df', 1, { min: 0, exclusiveMin: true }),
      sublinear_tf: reader.boolean('sublinear_tf', false),
      smooth_idf: reader.boolean('smooth_idf', true),
      use_idf: reader.boolean('use_idf', true),
      norm: reader.oneOf('norm', ['l2', 'none'], 'l2') === 'l2' ? 'l2' : null,
      stop_words: stopWords,
      lowercase: reader.boolean('lowercase', true),
    };
    reader.done();
  }

  fit(frame: Frame): void {
    const docs = this.documents(frame);
    const vectorizer = new TextVectorizer(this.settings);
    try {
      this.fitted = { codes: codesOf(findColumn(frame, this.column, 'text')), matrix: vectorizer.fitTransform(docs) };
    } catch (error) {
      if (error instanceof MlError) throw new MlError(`${error.message} (column "${this.column}")`);
      throw error;
    }
    this.vectorizer = vectorizer;
  }

  transform(frame: Frame): Frame {
    const vectorizer = requireFitted(this.vectorizer, 'text');
    const cached = this.fitted;
    this.fitted = undefined;
    const sameRows = cached !== undefined && cached.codes === codesOf(findColumn(frame, this.column, 'text'));
    const matrix = sameRows ? cached.matrix : vectorizer.transform(this.documents(frame));
    const names = vectorizer.vocabulary.map((term) => `${this.column}:${term}`);
    return mapColumns(frame, (column) => (column.name === this.column ? { type: 'block', source: this.column, names, matrix } : undefined));
  }

  /** The column's documents, decoded one at a time as the vectorizer reads them (no array of every row's string). */
  private documents(frame: Frame): Documents {
    const column = findColumn(frame, this.column, 'text');
    if (column.kind === 'numeric') throw new MlError(`text: column "${this.column}" is numeric; the text step needs a text column`);
    return { length: columnLength(column), at: stringReader(column) };
  }

  toJSON(): StepJSON {
    return { step: 'text', options: this.options, state: requireFitted(this.vectorizer, 'text').toJSON() };
  }

  static fromJSON(json: StepJSON): TextStep {
    const step = new TextStep(json.options);
    step.vectorizer = TextVectorizer.fromJSON(json.state as VectorizerJSON);
    return step;
  }
}

/** The array that identifies a column's rows: the same array means the same rows (a transform right after its fit). */
function codesOf(column: Column): unknown {
  return column.kind === 'numeric' ? column.values : column.kind === 'text' ? column.offsets : column.codes;
}
