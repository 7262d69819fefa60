/** Bag-of-words counts and TF-IDF that agree with scikit-learn's CountVectorizer/TfidfVectorizer. */
import { CsrMatrix, MlError } from '../types';
import { analyze, compareCodePoints } from './tokenize';
import { numpyArgsort } from './numpyArgsort';

/** Documents read one at a time (null: missing, counted as empty): an array of strings, or a text column decoded row by row. */
export interface Documents {
  readonly length: number;
  at(index: number): string | null | undefined;
}

export interface VectorizerOptions {
  /** 'tfidf' (TfidfVectorizer) or 'count' (CountVectorizer: raw term counts). */
  readonly method?: 'tfidf' | 'count';
  readonly ngram_range?: readonly [number, number];
  readonly max_features?: number | null;
  /**
   * Document-frequency bounds. A value below 1 is a proportion of documents, an integer above 1 a
   * count; exactly 1 means sklearn's default for each (min_df=1 document, max_df=100% of documents),
   * because YAML/JSON cannot tell sklearn's `1` from `1.0` apart.
   */
  readonly min_df?: number;
  readonly max_df?: number;
  readonly sublinear_tf?: boolean;
  readonly smooth_idf?: boolean;
  readonly use_idf?: boolean;
  readonly norm?: 'l2' | null;
  readonly stop_words?: 'english' | null;
  readonly lowercase?: boolean;
}

export interface VectorizerJSON {
  readonly options: Required<VectorizerOptions>;
  readonly vocabulary: string[];
  readonly idf: number[];
}

const DEFAULTS: Required<VectorizerOptions> = {
  method: 'tfidf',
  ngram_range: [1, 1],
  max_features: null,
  min_df: 1,
  max_df: 1,
  sublinear_tf: false,
  smooth_idf: true,
  use_idf: true,
  norm: 'l2',
  stop_words: null,
  lowercase: true,
};

/** Turns documents into sparse rows: term counts, or TF-IDF weights with l2-normalised rows. */
export class TextVectorizer {
  readonly options: Required<VectorizerOptions>;
  /** Terms in column order (sorted by code point, like sklearn's `get_feature_names_out`). */
  vocabulary: string[] = [];
  /** Inverse document frequency per column (empty for method 'count' or use_idf false). */
  idf: Float64Array = new Float64Array(0);
  private index = new Map<string, number>();

  constructor(options: VectorizerOptions = {}) {
    this.options = { ...DEFAULTS, ...options };
    const [minN, maxN] = this.options.ngram_range;
    if (!Number.isInteger(minN) || !Number.isInteger(maxN) || minN < 1 || maxN < minN) {
      throw new MlError(`ngram_range must be [min_n, max_n] with 1 <= min_n <= max_n, got [${minN}, ${maxN}]`);
    }
  }

  /** Learns the vocabulary (and idf) from `docs` and returns their rows; missing documents count as empty. */
  fitTransform(docs: Documents): CsrMatrix {
    const n = docs.length;
    const termIds = new Map<string, number>();
    const indptr = new Int32Array(n + 1);
    let indices: number[] = [];
    let counts: number[] = [];
    const slotOf: number[] = [];
    const lastDoc: number[] = [];
    for (let d = 0; d < n; d++) {
      for (const gram of analyze(docs.at(d) ?? '', this.options)) {
        let id = termIds.get(gram);
        if (id === undefined) {
          id = termIds.size;
          termIds.set(gram, id);
          lastDoc.push(-1);
          slotOf.push(0);
        }
        if (lastDoc[id] === d) {
          const slot = slotOf[id] as number;
          counts[slot] = (counts[slot] as number) + 1;
        } else {
          lastDoc[id] = d;
          slotOf[id] = indices.length;
          indices.push(id);
          counts.push(1);
        }
      }
      indptr[d + 1] = indices.length;
    }
    if (termIds.size === 0) {
      throw new MlError('text: empty vocabulary; the documents are empty or contain only stop words');
    }
    const terms = [...termIds.keys()];
    const df = new Int32Array(terms.length);
    const tf = new Float64Array(terms.length);
    for (let k = 0; k < indices.length; k++) {
      const id = indices[k] as number;
      df[id] = (df[id] as number) + 1;
      tf[id] = (tf[id] as number) + (counts[k] as number);
    }
    // Column order is the sorted vocabulary, as sklearn's _sort_features.
    const sortedIds = sortedTermIds(terms, termIds);
    const keptSorted = this.limitFeatures(sortedIds, df, tf, n);
    const column = new Int32Array(terms.length).fill(-1);
    keptSorted.forEach((id, col) => (column[id] = col));
    this.vocabulary = keptSorted.map((id) => terms[id] as string);
    this.index = new Map(this.vocabulary.map((t, i) => [t, i]));
    if (this.usesIdf()) {
      const { smooth_idf } = this.options;
      this.idf = Float64Array.from(keptSorted, (id) => {
        const docFreq = (df[id] as number) + (smooth_idf ? 1 : 0);
        return Math.log((n + (smooth_idf ? 1 : 0)) / docFreq) + 1;
      });
    }
    const matrix = buildRows(n, indptr, indices, counts, column, this.vocabulary.length);
    indices = [];
    counts = [];
    return this.weight(matrix);
  }

  /** Rows for new documents with the fitted vocabulary; unseen terms are ignored, as in sklearn. */
  transform(docs: Documents): CsrMatrix {
    if (this.vocabulary.length === 0) throw new MlError('text: transform called before fit');
    const n = docs.length;
    const indptr = new Int32Array(n + 1);
    const indices: number[] = [];
    const counts: number[] = [];
    for (let d = 0; d < n; d++) {
      const row = new Map<number, number>();
      for (const gram of analyze(docs.at(d) ?? '', this.options)) {
        const col = this.index.get(gram);
        if (col !== undefined) row.set(col, (row.get(col) ?? 0) + 1);
      }
      for (const col of [...row.keys()].sort((a, b) => a - b)) {
        indices.push(col);
        counts.push(row.get(col) as number);
      }
      indptr[d + 1] = indices.length;
    }
    const matrix: CsrMatrix = {
      kind: 'csr',
      rows: n,
      cols: this.vocabulary.length,
      indptr,
      indices: Int32Array.from(indices),
      values: Float64Array.from(counts),
    };
    return this.weight(matrix);
  }

  toJSON(): VectorizerJSON {
    return { options: this.options, vocabulary: this.vocabulary, idf: [...this.idf] };
  }

  static fromJSON(json: VectorizerJSON): TextVectorizer {
    const vectorizer = new TextVectorizer(json.options);
    vectorizer.vocabulary = [...json.vocabulary];
    vectorizer.index = new Map(vectorizer.vocabulary.map((t, i) => [t, i]));
    vectorizer.idf = Float64Array.from(json.idf);
    return vectorizer;
  }

  private usesIdf(): boolean {
    return this.options.method === 'tfidf' && this.options.use_idf;
  }

  /** sklearn's _limit_features: df bounds, then the `max_features` most frequent terms. */
  private limitFeatures(sortedIds: number[], df: Int32Array, tf: Float64Array, n: number): number[] {
    const maxCount = docCountLimit(this.options.max_df, n, 'max_df', n);
    const minCount = docCountLimit(this.options.min_df, n, 'min_df', 1);
    if (maxCount < minCount) throw new MlError('text: max_df corresponds to fewer documents than min_df');
    let kept = sortedIds.filter((id) => (df[id] as number) <= maxCount && (df[id] as number) >= minCount);
    const limit = this.options.max_features;
    if (limit !== null && kept.length > limit) {
      const negatedTf = Float64Array.from(kept, (id) => -(tf[id] as number));
      const order = numpyArgsort(negatedTf).subarray(0, limit);
      const chosen = Array.from(order).sort((a, b) => a - b);
      kept = chosen.map((position) => kept[position] as number);
    }
    if (kept.length === 0) throw new MlError('text: after pruning, no terms remain; try a lower min_df or a higher max_df');
    return kept;
  }

  /** Applies sublinear tf, idf and row normalisation in place (nothing for 'count'). */
  private weight(matrix: CsrMatrix): CsrMatrix {
    if (this.options.method === 'count') return matrix;
    const { values, indices, indptr } = matrix;
    const { sublinear_tf, norm } = this.options;
    const useIdf = this.usesIdf();
    for (let k = 0; k < values.length; k++) {
      let w = values[k] as number;
      if (sublinear_tf) w = Math.log(w) + 1;
      if (useIdf) w *= this.idf[indices[k] as number] as number;
      values[k] = w;
    }
    if (norm === 'l2') {
      for (let i = 0; i < matrix.rows; i++) {
        let sum = 0;
        for (let k = indptr[i] as number; k < (indptr[i + 1] as number); k++) sum += (values[k] as number) ** 2;
        if (sum === 0) continue;
        const scale = 1 / Math.sqrt(sum);
        for (let k = indptr[i] as number; k < (indptr[i + 1] as number); k++) values[k] = (values[k] as number) * scale;
      }
    }
    return matrix;
  }
}

/** Term ids in code-point order of their terms; the plain (UTF-16) string sort is used when it agrees, as it is much faster. */
function sortedTermIds(terms: string[], ids: Map<string, number>): number[] {
  // UTF-16 order equals code-point order unless a term holds a surrogate or a unit above U+D7FF.
  const plain = terms.every((t) => !/[\uD800-\uFFFF]/.test(t));
  const sorted = plain ? [...terms].sort() : [...terms].sort(compareCodePoints);
  return sorted.map((t) => ids.get(t) as number);
}

/** Converts min_df/max_df into a document count (see VectorizerOptions for the 1 vs 1.0 rule). */
function docCountLimit(value: number, n: number, name: string, valueForOne: number): number {
  if (!Number.isFinite(value) || value < 0) throw new MlError(`text: ${name} must be a number >= 0, got ${value}`);
  if (value === 1) return valueForOne;
  if (value < 1) return value * n;
  if (!Number.isInteger(value)) throw new MlError(`text: ${name} must be a proportion below 1 or a whole number of documents, got ${value}`);
  return value;
}

/** Re-indexes the counted rows to the kept vocabulary columns, each row sorted by column. */
function buildRows(n: number, indptr: Int32Array, ids: number[], counts: number[], column: Int32Array, cols: number): CsrMatrix {
  const outPtr = new Int32Array(n + 1);
  const outIdx: number[] = [];
  const outVal: number[] = [];
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) {
    pairs.length = 0;
    for (let k = indptr[i] as number; k < (indptr[i + 1] as number); k++) {
      const col = column[ids[k] as number] as number;
      if (col >= 0) pairs.push([col, counts[k] as number]);
    }
    pairs.sort((a, b) => a[0] - b[0]);
    for (const [col, count] of pairs) {
      outIdx.push(col);
      outVal.push(count);
    }
    outPtr[i + 1] = outIdx.length;
  }
  return { kind: 'csr', rows: n, cols, indptr: outPtr, indices: Int32Array.from(outIdx), values: Float64Array.from(outVal) };
}
