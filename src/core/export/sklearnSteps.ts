/**
 * The prepare steps of a run as scikit-learn code for train_sklearn.py. A step that chose its
 * columns by kind (numeric, categorical) names the columns the fitted pipeline used, since pandas
 * dtypes cannot tell a category from a text or a one-hot column from a measured number; dense steps
 * return pandas DataFrames so later steps can name columns; row drops act on training rows only.
 */
import type { PipelineJSON } from '../prepare/pipeline';
import type { StepJSON } from '../prepare/step';
import { leavesOutMissingTarget } from '../experiment/missingTarget';
import { pyLiteral } from './python';

/** Python definitions a translated step may use, emitted into the script when used. */
export const PYTHON_HELPERS = {
  Clipper: `class Clipper(BaseEstimator, TransformerMixin):
    """mlwb's clip step: quantile bounds or mean +- threshold * std, learnt on training rows."""

    def __init__(self, method="quantile", lower=0.01, upper=0.99, threshold=3.0):
        self.method, self.lower, self.upper, self.threshold = method, lower, upper, threshold

    def fit(self, X, y=None):
        X = pd.DataFrame(X)
        if self.method == "zscore":
            mean, std = X.mean(), X.std(ddof=0)
            self.low_, self.high_ = mean - self.threshold * std, mean + self.threshold * std
        else:
            self.low_, self.high_ = X.quantile(self.lower), X.quantile(self.upper)
        self.columns_ = list(X.columns)
        return self

    def transform(self, X):
        return pd.DataFrame(X).clip(self.low_, self.high_, axis=1)

    def get_feature_names_out(self, input_features=None):
        return np.asarray(self.columns_, dtype=object)`,
  LassoSelector: `class LassoSelector(SelectorMixin, BaseEstimator):
    """mlwb's lasso selection: a lasso on the features divided by their std and on the standardised
    target (one per class, one-vs-rest, for labels) keeps features whose coefficient exceeds 1e-5."""

    def __init__(self, alpha=0.01):
        self.alpha = alpha

    def fit(self, X, y):
        X = self._validate_data(X, accept_sparse="csr")
        std = np.sqrt(mean_variance_axis(X, axis=0)[1] if sp.issparse(X) else X.var(axis=0))
        factor = np.divide(1.0, std, out=np.zeros_like(std), where=std > 0)
        # Dividing by the std keeps a sparse matrix sparse; the lasso's intercept does the centring.
        scaled = X.multiply(factor).tocsr() if sp.issparse(X) else X * factor
        y = np.asarray(y)
        if TASK == "classification":
            classes = np.unique(y)
            targets = [(y == c).astype(float) for c in (classes[1:] if len(classes) == 2 else classes)]
        else:
            targets = [y.astype(float)]
        self.coef_ = np.array([Lasso(alpha=self.alpha).fit(scaled, (t - t.mean()) / (t.std() or 1.0)).coef_ for t in targets])
        return self

    def _get_support_mask(self):
        return np.any(np.abs(self.coef_) > 1e-5, axis=0)`,
  datetime_features: `def datetime_features(X, columns, features, unit=None):
    """mlwb's datetime step: numbers <column>_<feature> in place of each date column (pandas' Series.dt
    names; dayofweek counts Monday as 0); values that are not dates become NaN."""
    for column in columns:
        if unit:
            when = pd.to_datetime(pd.to_numeric(X[column], errors="coerce"), unit=unit, errors="coerce")
        else:
            when = pd.to_datetime(X[column], errors="coerce")
        at = X.columns.get_loc(column)
        X = X.drop(columns=[column])
        for k, feature in enumerate(features):
            X.insert(at + k, f"{column}_{feature}", getattr(when.dt, feature).astype(float))
    return X`,
  dense_matrix: `def dense_matrix(X):
    """mlwb's PCA reads sparse rows densely; scikit-learn's PCA refuses a sparse matrix."""
    return X.toarray() if sp.issparse(X) else X`,
} as const;

export type PythonHelper = keyof typeof PYTHON_HELPERS;

/** What the prepare steps contribute to the script. */
export interface PythonSteps {
  /** Lines of build() that append to `steps`, with a comment per step. */
  readonly build: string[];
  /** Lines of load_data(): type conversions and column drops, on every row. */
  readonly load: string[];
  /** Lines of training_rows(): row drops, which mlwb applies to the rows a model is fitted on only. */
  readonly rows: string[];
  /** The features reaching the model are a sparse matrix (a text step, not densified by PCA). */
  readonly sparse: boolean;
  /** Rows whose target is missing are left out while loading (a dropMissing step naming the target, or without columns). */
  readonly dropsMissingTarget: boolean;
  readonly helpers: ReadonlySet<PythonHelper>;
}

type Options = Record<string, unknown>;
type Transformer = readonly [name: string, code: string, columns: string];

const NUMERIC = "make_column_selector(dtype_include='number')";
const CATEGORICAL = 'make_column_selector(dtype_include=object)';

/** A ColumnTransformer that applies each transformer to its columns and passes the others through. */
function onColumns(transformers: readonly Transformer[], extra = ''): string {
  const list = transformers.map(([name, code, columns]) => `(${JSON.stringify(name)}, ${code}, ${columns})`).join(', ');
  return `ColumnTransformer([${list}], remainder='passthrough', verbose_feature_names_out=False${extra})`;
}

/** The columns a fitted step worked on, from its state ([{ name, ... }]); undefined when it has none. */
function fittedState(fitted: StepJSON | undefined): Array<{ name: string } & Options> | undefined {
  const state = fitted?.state;
  if (!Array.isArray(state) || !state.every((s) => typeof (s as { name?: unknown } | null)?.name === 'string')) return undefined;
  return state as Array<{ name: string } & Options>;
}

/** The listed columns, else those the fitted step chose, else a dtype selector. */
function columnsOf(options: Options, fitted: StepJSON | undefined, fallback: string): string {
  if (Array.isArray(options.columns) && options.columns.length > 0) return pyLiteral(options.columns);
  const state = fittedState(fitted);
  return state ? pyLiteral(state.map((s) => s.name)) : fallback;
}

/** Translates the experiment's prepare list; `pipeline` is the run's fitted pipeline.json, for column names. */
export function pythonSteps(prepare: readonly Record<string, Options | null>[], pipeline: PipelineJSON | undefined, target = ''): PythonSteps {
  const fittedSteps = pipeline?.steps.length === prepare.length ? pipeline.steps : [];
  const build: string[] = [];
  const load: string[] = [];
  const rows: string[] = [];
  const helpers = new Set<PythonHelper>();
  let sparse = false;
  prepare.forEach((entry, i) => {
    const [name, raw] = Object.entries(entry)[0] ?? ['unknown', {}];
    const options = raw ?? {};
    const fitted = fittedSteps[i]?.step === name ? fittedSteps[i] : undefined;
    const label = `${i + 1}_${name}`;
    const append = (code: string, stepLabel = label): void => {
      build.push(`steps.append((${JSON.stringify(stepLabel)}, ${sparse ? code : `${code}.set_output(transform="pandas")`}))`);
    };
    build.push(`# ${i + 1}. ${name}: ${JSON.stringify(options)}`);
    switch (name) {
      case 'dropDuplicates': {
        // Without columns mlwb compares the target too: equal features with another label are kept.
        const duplicated = Array.isArray(options.columns) ? `X.duplicated(subset=${pyLiteral(options.columns)})` : 'pd.concat([X, y], axis=1).duplicated()';
        rows.push(`keep = ~${duplicated}  # step ${i + 1}: dropDuplicates`, 'X, y = X[keep], y[keep]');
        build.push('# (drops training rows only, see training_rows())');
        break;
      }
      case 'dropMissing': {
        const threshold = typeof options.threshold === 'number' ? options.threshold : options.axis === 'columns' ? 0.5 : 0;
        // The target is not a feature: its missing rows are left out while loading (see load_data()).
        const listed = Array.isArray(options.columns) ? options.columns.filter((c) => c !== target) : undefined;
        const cells = listed ? `X[${pyLiteral(listed)}]` : 'X';
        if (listed?.length === 0) {
          build.push('# (leaves out rows without a target, see load_data())');
        } else if (options.axis === 'columns') {
          load.push(
            listed
              ? `X = X.drop(columns=[c for c in ${pyLiteral(listed)} if X[c].isna().mean() > ${pyLiteral(threshold)}])  # step ${i + 1}: dropMissing (columns)`
              : `X = X.loc[:, X.isna().mean() <= ${pyLiteral(threshold)}]  # step ${i + 1}: dropMissing (columns)`,
          );
          build.push('# (drops columns while loading, see load_data())');
        } else {
          rows.push(`keep = ${cells}.isna().mean(axis=1) <= ${pyLiteral(threshold)}  # step ${i + 1}: dropMissing (rows)`, 'X, y = X[keep], y[keep]');
          build.push('# (drops training rows only, see training_rows())');
        }
        break;
      }
      case 'drop':
        load.push(`X = X.drop(columns=${pyLiteral(options.columns ?? [])})  # step ${i + 1}: drop`);
        build.push('# (removes columns while loading, see load_data())');
        break;
      case 'datetime': {
        const features = options.features ?? ['year', 'month', 'day', 'dayofweek'];
        const unit = typeof options.unit === 'string' ? `, unit=${JSON.stringify(options.unit)}` : '';
        helpers.add('datetime_features');
        load.push(`X = datetime_features(X, ${pyLiteral(options.columns ?? [])}, ${pyLiteral(features)}${unit})  # step ${i + 1}: datetime`);
        build.push('# (turns dates into numbers while loading, see load_data())');
        break;
      }
      case 'coerce': {
        const targets = Object.entries((options.columns ?? {}) as Record<string, string>);
        const numbers = targets.filter(([, to]) => to === 'number').map(([c]) => c);
        const strings = targets.filter(([, to]) => to !== 'number').map(([c]) => c);
        if (numbers.length > 0) load.push(`X[${pyLiteral(numbers)}] = X[${pyLiteral(numbers)}].apply(pd.to_numeric, errors='coerce')  # step ${i + 1}: coerce`);
        if (strings.length > 0) load.push(`X[${pyLiteral(strings)}] = X[${pyLiteral(strings)}].astype(object)  # step ${i + 1}: coerce`);
        build.push('# (converts column types while loading, see load_data())');
        break;
      }
      case 'impute':
        append(onColumns(imputers(options, fitted)));
        break;
      case 'clip': {
        const method = options.method === 'zscore' ? 'zscore' : 'quantile';
        const args =
          method === 'zscore'
            ? `method='zscore', threshold=${pyLiteral(options.threshold ?? 3)}`
            : `method='quantile', lower=${pyLiteral(options.lower ?? 0.01)}, upper=${pyLiteral(options.upper ?? 0.99)}`;
        helpers.add('Clipper');
        append(onColumns([['clip', `Clipper(${args})`, columnsOf(options, fitted, NUMERIC)]]));
        break;
      }
      case 'scale': {
        const method = typeof options.method === 'string' ? options.method : 'standard';
        const scaler = ({ standard: 'StandardScaler()', minmax: 'MinMaxScaler()', robust: 'RobustScaler()' } as Record<string, string>)[method];
        if (scaler) append(onColumns([['scale', scaler, columnsOf(options, fitted, NUMERIC)]]));
        else build.push(`# scale method ${JSON.stringify(method)} has no scikit-learn equivalent here; skipped`);
        break;
      }
      case 'onehot': {
        const unknown = options.handle_unknown === 'error' ? 'error' : 'ignore';
        append(
          onColumns([['onehot', `OneHotEncoder(handle_unknown=${JSON.stringify(unknown)}, sparse_output=False)`, columnsOf(options, fitted, CATEGORICAL)]]),
        );
        break;
      }
      case 'ordinal':
        append(onColumns(ordinalEncoders(options, fitted)));
        break;
      case 'text': {
        const column = String(options.column);
        load.push(`X[${JSON.stringify(column)}] = X[${JSON.stringify(column)}].fillna("")  # step ${i + 1}: mlwb reads a missing document as empty`);
        // mlwb stacks every column sparse once one is (CSR), and so does sparse_threshold=1.0.
        sparse = true;
        append(onColumns([['text', vectorizer(options), JSON.stringify(column)]], ', sparse_threshold=1.0'));
        break;
      }
      case 'select':
        if (options.method === 'variance') append(`VarianceThreshold(threshold=${pyLiteral(options.threshold ?? 0)})`);
        else if (options.method === 'lasso') {
          helpers.add('LassoSelector');
          append(`LassoSelector(alpha=${pyLiteral(options.alpha ?? 0.01)})`);
        } else {
          if (sparse) {
            helpers.add('dense_matrix');
            append('FunctionTransformer(dense_matrix)', `${label}_dense`);
          }
          append(`PCA(n_components=${pyLiteral(options.components ?? options.variance)}, random_state=SEED)`);
          sparse = false;
        }
        break;
      case 'embed': {
        // A pretrained ONNX encoder with its own tokenizer: scikit-learn has no transformer for it, and skipping it
        // would hand the raw text to the model. The script stops here with the reason and what to use instead.
        const model = String(options.model ?? '');
        build.push(
          `# The embed step turns "${String(options.column ?? '')}" into vectors with the pretrained encoder in ${model}; scikit-learn has no equivalent.`,
        );
        build.push(
          `sys.exit(${JSON.stringify(`train_sklearn.py: the embed step (pretrained encoder ${model}) has no scikit-learn equivalent; compute the embeddings with the encoder (for example sentence-transformers) and train on those columns, or serve this export with mlwb`)})`,
        );
        break;
      }
      default:
        build.push(`# "${name}" has no scikit-learn equivalent in this script; skipped`);
    }
  });
  return { build, load, rows, sparse, helpers, dropsMissingTarget: leavesOutMissingTarget(prepare, target) };
}

/**
 * SimpleImputers for the numeric and the string columns apart: one imputer over both would turn the
 * numbers into objects, and a constant fill differs (fill_value or 0 for numbers, 'missing_value' for strings).
 */
function imputers(options: Options, fitted: StepJSON | undefined): Transformer[] {
  const strategy = typeof options.strategy === 'string' ? options.strategy : 'mean';
  const fill = options.fill_value;
  const imputer = (value: unknown): string =>
    `SimpleImputer(strategy=${JSON.stringify(strategy)}${strategy === 'constant' ? `, fill_value=${pyLiteral(value)}` : ''})`;
  const state = fittedState(fitted);
  if (!state) {
    const fallback = strategy === 'mean' || strategy === 'median' ? NUMERIC : 'make_column_selector()';
    return [
      [
        'impute',
        `SimpleImputer(strategy=${JSON.stringify(strategy)}${fill !== undefined ? `, fill_value=${pyLiteral(fill)}` : ''})`,
        columnsOf(options, undefined, fallback),
      ],
    ];
  }
  const numbers = state.filter((s) => typeof s.value === 'number').map((s) => s.name);
  const strings = state.filter((s) => typeof s.value !== 'number').map((s) => s.name);
  const transformers: Transformer[] = [];
  if (numbers.length > 0) transformers.push(['impute_numbers', imputer(typeof fill === 'number' ? fill : 0), pyLiteral(numbers)]);
  if (strings.length > 0) transformers.push(['impute_strings', imputer(fill === undefined ? 'missing_value' : String(fill)), pyLiteral(strings)]);
  return transformers;
}

/** OrdinalEncoders: columns with a given order of categories, and columns coded in sorted order. */
function ordinalEncoders(options: Options, fitted: StepJSON | undefined): Transformer[] {
  const unknown = `handle_unknown='use_encoded_value', unknown_value=${pyLiteral(options.unknown_value ?? -1)}`;
  const order = (options.categories ?? {}) as Record<string, unknown[]>;
  const ordered = Object.keys(order);
  const listed = Array.isArray(options.columns) && options.columns.length > 0 ? options.columns.map(String) : fittedState(fitted)?.map((s) => s.name);
  const columns = listed ?? (ordered.length > 0 ? ordered : undefined);
  if (!columns) return [['ordinal', `OrdinalEncoder(${unknown})`, CATEGORICAL]];
  const given = columns.filter((c) => ordered.includes(c));
  const sorted = columns.filter((c) => !ordered.includes(c));
  const transformers: Transformer[] = [];
  if (given.length > 0)
    transformers.push(['ordinal_given', `OrdinalEncoder(categories=${pyLiteral(given.map((c) => order[c]))}, ${unknown})`, pyLiteral(given)]);
  if (sorted.length > 0) transformers.push(['ordinal', `OrdinalEncoder(${unknown})`, pyLiteral(sorted)]);
  return transformers;
}

/** TfidfVectorizer or CountVectorizer with the step's options. */
function vectorizer(options: Options): string {
  const tfidf = options.method !== 'count';
  const keys = ['ngram_range', 'max_features', 'min_df', 'max_df', 'stop_words', 'lowercase', ...(tfidf ? ['sublinear_tf', 'smooth_idf', 'use_idf'] : [])];
  const args = keys
    .filter((k) => options[k] !== undefined)
    .map((k) => {
      const value = options[k];
      if (k === 'ngram_range') return `${k}=(${(value as number[]).join(', ')})`;
      // mlwb reads max_df 1 as every document (YAML cannot write 1.0); scikit-learn's integer 1 means one document.
      if (k === 'max_df' && value === 1) return `${k}=1.0`;
      return `${k}=${pyLiteral(value)}`;
    });
  if (tfidf && options.norm === 'none') args.push('norm=None');
  return `${tfidf ? 'TfidfVectorizer' : 'CountVectorizer'}(${args.join(', ')})`;
}
