/**
 * JSON Schemas of the preparation steps' options, as src/core/prepare/steps/* read them. A unit test
 * builds every step with every option written here, so a renamed option fails the test.
 */
import type { JsonSchema } from './modelParams';

const columns = (kinds: string): JsonSchema => ({
  type: 'array',
  items: { type: 'string' },
  examples: [['city', 'country']],
  description: `Columns the step applies to; without it, every ${kinds} column.`,
});

/** Option schemas of each step; `required` lists options a step cannot do without. */
export const STEP_OPTION_SCHEMAS: Readonly<
  Record<string, { description: string; options: Readonly<Record<string, JsonSchema>>; required?: readonly string[] }>
> = {
  dropDuplicates: {
    description: 'Drop rows that repeat an earlier row (in the training data only).',
    options: { columns: { ...columns('column: rows count as duplicates when all'), description: 'Compare only these columns; without it, whole rows.' } },
  },
  dropMissing: {
    description: 'Drop rows (or columns) with too many missing values.',
    options: {
      axis: { type: 'string', enum: ['rows', 'columns'], default: 'rows', description: 'Drop rows or columns.' },
      threshold: {
        type: 'number',
        minimum: 0,
        maximum: 1,
        description: 'Largest share of missing cells that is kept, in [0, 1]; default 0 for rows (any missing drops the row), 0.5 for columns.',
      },
      columns: {
        ...columns('column'),
        examples: [['price']],
        description:
          'Look only at these columns (rows), or drop only among them (columns). Naming the target, or leaving columns out, leaves out the rows whose target is missing before the split.',
      },
    },
  },
  drop: {
    description: 'Remove columns the model must not see: ids, names, leakage. Served rows still carry them.',
    options: {
      columns: { type: 'array', items: { type: 'string' }, minItems: 1, examples: [['id', 'name']], description: 'The columns to remove.' },
    },
    required: ['columns'],
  },
  datetime: {
    description:
      'Turn date/time columns (YYYY-MM-DD with an optional time, or epoch numbers with unit) into numeric columns named `<column>_<feature>` (`date_year`, …) in its place; values that are not dates become missing.',
    options: {
      columns: { type: 'array', items: { type: 'string' }, minItems: 1, examples: [['date']], description: 'The date or date-time columns.' },
      features: {
        type: 'array',
        items: { type: 'string', enum: ['year', 'month', 'day', 'dayofweek', 'dayofyear', 'hour', 'minute'] },
        minItems: 1,
        uniqueItems: true,
        default: ['year', 'month', 'day', 'dayofweek'],
        description: 'What to extract, as pandas names them: dayofweek counts Monday as 0, dayofyear from 1. Default year, month, day, dayofweek.',
      },
      unit: { type: 'string', enum: ['s', 'ms'], description: 'The columns hold epoch times in seconds (s) or milliseconds (ms) since 1970-01-01 UTC.' },
    },
    required: ['columns'],
  },
  impute: {
    description: 'Fill missing values with a statistic of the training rows.',
    options: {
      strategy: {
        type: 'string',
        enum: ['mean', 'median', 'most_frequent', 'constant'],
        default: 'mean',
        description: 'mean and median fill numeric columns, most_frequent and constant any column.',
      },
      fill_value: { type: ['number', 'string'], examples: [0, 'missing'], description: 'The value of strategy constant.' },
      columns: columns('numeric (mean, median) or any (most_frequent, constant)'),
    },
  },
  coerce: {
    description: 'Convert columns to another type; values that do not parse become missing and are reported.',
    options: {
      columns: {
        type: 'object',
        minProperties: 1,
        additionalProperties: { type: 'string', enum: ['number', 'string', 'categorical', 'text'] },
        examples: [{ age: 'number', zip: 'categorical' }],
        description: 'Column name → type (number, string, categorical or text).',
      },
    },
    required: ['columns'],
  },
  clip: {
    description: 'Clip outliers of numeric columns to bounds learnt from the training rows.',
    options: {
      method: {
        type: 'string',
        enum: ['quantile', 'zscore'],
        default: 'quantile',
        description: 'quantile bounds (lower, upper) or mean ± threshold standard deviations.',
      },
      lower: { type: 'number', minimum: 0, maximum: 1, default: 0.01, description: 'Lower quantile (method quantile).' },
      upper: { type: 'number', minimum: 0, maximum: 1, default: 0.99, description: 'Upper quantile (method quantile).' },
      threshold: { type: 'number', exclusiveMinimum: 0, default: 3, description: 'Standard deviations from the mean (method zscore).' },
      columns: columns('numeric'),
    },
  },
  scale: {
    description: 'Scale numeric columns with statistics of the training rows.',
    options: {
      method: {
        type: 'string',
        enum: ['standard', 'minmax', 'robust'],
        default: 'standard',
        description: 'standard: zero mean and unit variance; minmax: to [0, 1]; robust: median and interquartile range.',
      },
      columns: columns('numeric'),
    },
  },
  onehot: {
    description: 'One 0/1 column per category.',
    options: {
      columns: columns('categorical'),
      handle_unknown: {
        type: 'string',
        enum: ['ignore', 'error'],
        default: 'ignore',
        description: 'A category unseen in training: all zeros (ignore) or an error.',
      },
    },
  },
  ordinal: {
    description: 'Replace each category by its index.',
    options: {
      columns: columns('categorical'),
      categories: {
        type: 'object',
        additionalProperties: { type: 'array', items: { type: ['string', 'number'] } },
        examples: [{ size: ['small', 'medium', 'large'] }],
        description: 'Column name → its categories in order; otherwise sorted order.',
      },
      unknown_value: { type: 'number', default: -1, description: 'Code of a category unseen in training.' },
    },
  },
  text: {
    description: 'Turn a free-text column into TF-IDF or count features.',
    options: {
      column: { type: 'string', minLength: 1, description: 'The text column.' },
      method: { type: 'string', enum: ['tfidf', 'count'], default: 'tfidf', description: 'TF-IDF weights or raw term counts.' },
      ngram_range: {
        type: 'array',
        items: { type: 'integer', minimum: 1 },
        minItems: 2,
        maxItems: 2,
        default: [1, 1],
        examples: [[1, 2]],
        description: '[min_n, max_n] word n-grams.',
      },
      max_features: {
        type: ['integer', 'null'],
        minimum: 1,
        default: null,
        examples: [20000],
        description: 'Keep only the most frequent terms; null keeps all.',
      },
      min_df: { type: 'number', minimum: 0, default: 1, description: 'Ignore terms in fewer documents than this (a count, or a fraction below 1).' },
      max_df: { type: 'number', exclusiveMinimum: 0, default: 1, description: 'Ignore terms in more documents than this (a fraction, or a count above 1).' },
      sublinear_tf: { type: 'boolean', default: false, description: 'Use 1 + log(tf).' },
      smooth_idf: { type: 'boolean', default: true, description: 'Add one to document frequencies.' },
      use_idf: { type: 'boolean', default: true, description: 'Weight by inverse document frequency.' },
      norm: { type: 'string', enum: ['l2', 'none'], default: 'l2', description: 'Normalise each row to unit length (l2) or not.' },
      stop_words: { enum: ['english', null], default: null, description: 'Drop English stop words.' },
      lowercase: { type: 'boolean', default: true, description: 'Lower-case before tokenising.' },
    },
    required: ['column'],
  },
  embed: {
    description:
      'Turn a text column into dense features with a pretrained encoder (BERT, MiniLM…) from a local folder: config.json, tokenizer.json, onnx/model.onnx. See docs/embeddings.md.',
    options: {
      column: { type: 'string', minLength: 1, description: 'The text column.' },
      model: {
        type: 'string',
        minLength: 1,
        examples: ['models/all-MiniLM-L6-v2'],
        description: 'The encoder folder in the Hugging Face layout, relative to the experiment file or absolute; read from disk only, never downloaded.',
      },
      pooling: {
        type: 'string',
        enum: ['mean', 'cls'],
        default: 'mean',
        description: 'Average the token vectors (sentence-transformers) or take the [CLS] token (BERT classification-style).',
      },
      normalize: { type: 'boolean', default: true, description: 'Scale each embedding to unit length (sentence-transformers models expect it).' },
      max_length: {
        type: ['integer', 'null'],
        minimum: 2,
        default: null,
        examples: [128],
        description:
          "Most tokens a text keeps, [CLS] and [SEP] included; longer texts are cut and counted in the run. Default: 256, or the model's max_position_embeddings if fewer.",
      },
      batch_size: { type: 'integer', minimum: 1, default: 32, description: 'Texts the encoder runs at once; lower it if the encoder runs out of memory.' },
    },
    required: ['column', 'model'],
  },
  select: {
    description: 'Reduce the features: PCA, a variance threshold, or lasso selection. Put it after the steps that make every feature numeric.',
    options: {
      method: {
        type: 'string',
        enum: ['pca', 'variance', 'lasso'],
        default: 'pca',
        description: 'pca projects; variance and lasso keep a subset of features.',
      },
      components: { type: 'integer', minimum: 1, examples: [20], description: 'Principal components to keep (method pca; or give variance).' },
      variance: {
        type: 'number',
        exclusiveMinimum: 0,
        maximum: 1,
        examples: [0.95],
        description: 'Share of variance the kept components explain (method pca).',
      },
      threshold: { type: 'number', minimum: 0, default: 0, description: 'Drop features whose variance is at most this (method variance).' },
      alpha: { type: 'number', exclusiveMinimum: 0, default: 0.01, description: 'Lasso penalty; features with non-zero weight are kept (method lasso).' },
    },
  },
};

/** Which options of `select` each method reads; the others are rejected by the step. */
export const SELECT_METHOD_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  pca: ['method', 'components', 'variance'],
  variance: ['method', 'threshold'],
  lasso: ['method', 'alpha'],
};
