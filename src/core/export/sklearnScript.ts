/**
 * Writes a Python script that reproduces a run's preparation and model with scikit-learn, for users
 * who move to Python: each prepare step of the experiment becomes a scikit-learn transformer (pandas
 * output, so later steps can name columns), the model its scikit-learn class with the run's final
 * parameters, and the validation the same split scheme. Random streams differ between the two, so
 * folds and seeded models match in kind, not row for row; the script prints its metrics beside the run's.
 */
import type { RunRecord } from '../runs/store';

interface Snapshot {
  readonly data?: { readonly path?: string; readonly target?: string };
  readonly task?: string;
  readonly prepare?: readonly Record<string, Record<string, unknown> | null>[];
  readonly model?: { readonly type?: string; readonly params?: Record<string, unknown> };
  readonly validation?: { readonly method?: string; readonly folds?: number; readonly test_size?: number; readonly stratify?: boolean; readonly shuffle?: boolean };
  readonly search?: unknown;
  readonly seed?: number;
}

/** A JSON-like value as a Python literal. */
export function pyLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : value > 0 ? "float('inf')" : value < 0 ? "float('-inf')" : "float('nan')";
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pyLiteral).join(', ')}]`;
  if (typeof value === 'object') return `{${Object.entries(value as Record<string, unknown>).map(([k, v]) => `${JSON.stringify(k)}: ${pyLiteral(v)}`).join(', ')}}`;
  return JSON.stringify(String(value));
}

const NUMERIC = "make_column_selector(dtype_include='number')";
const CATEGORICAL = "make_column_selector(dtype_include=object)";

function selector(columns: unknown, fallback: string): string {
  return Array.isArray(columns) && columns.length > 0 ? pyLiteral(columns) : fallback;
}

/** A ColumnTransformer that applies `transformer` to some columns and passes the others through. */
function onColumns(name: string, transformer: string, columns: string): string {
  return `ColumnTransformer([(${JSON.stringify(name)}, ${transformer}, ${columns})], remainder='passthrough', verbose_feature_names_out=False)`;
}

/** Python lines appending the step to `steps`, or a comment when scikit-learn has no equivalent. */
function stepCode(name: string, options: Record<string, unknown>, index: number, rowSteps: string[]): string[] {
  const label = `${index + 1}_${name}`;
  const add = (code: string): string[] => [`steps.append((${JSON.stringify(label)}, ${code}))`];
  switch (name) {
    case 'dropDuplicates':
    case 'dropMissing': {
      // mlwb drops rows while fitting only; scikit-learn pipelines cannot drop rows, so it happens before the split.
      if (name === 'dropMissing' && options.axis === 'columns') {
        const threshold = typeof options.threshold === 'number' ? options.threshold : 0.5;
        rowSteps.push(`X = X.loc[:, X.isna().mean() <= ${threshold}]  # dropMissing (columns)`);
      } else if (name === 'dropMissing') {
        rowSteps.push('keep = X.notna().all(axis=1)  # dropMissing (rows), before the split', 'X, y = X[keep], y[keep]');
      } else {
        const subset = Array.isArray(options.columns) ? pyLiteral(options.columns) : 'None';
        rowSteps.push(`keep = ~X.duplicated(subset=${subset})  # dropDuplicates, before the split`, 'X, y = X[keep], y[keep]');
      }
      return [`# step ${index + 1} (${name}) is applied to the rows before the split, see load_data()`];
    }
    case 'impute': {
      const strategy = typeof options.strategy === 'string' ? options.strategy : 'mean';
      const fill = options.fill_value !== undefined ? `, fill_value=${pyLiteral(options.fill_value)}` : '';
      const fallback = strategy === 'mean' || strategy === 'median' ? NUMERIC : 'make_column_selector()';
      return add(onColumns('impute', `SimpleImputer(strategy=${JSON.stringify(strategy)}${fill})`, selector(options.columns, fallback)));
    }
    case 'coerce': {
      const targets = (options.columns ?? {}) as Record<string, string>;
      const numeric = Object.entries(targets).filter(([, to]) => to === 'number').map(([c]) => c);
      if (numeric.length > 0) rowSteps.push(`X[${pyLiteral(numeric)}] = X[${pyLiteral(numeric)}].apply(pd.to_numeric, errors='coerce')  # coerce`);
      const strings = Object.entries(targets).filter(([, to]) => to !== 'number').map(([c]) => c);
      if (strings.length > 0) rowSteps.push(`X[${pyLiteral(strings)}] = X[${pyLiteral(strings)}].astype(object)  # coerce`);
      return [`# step ${index + 1} (coerce) converts column types while loading, see load_data()`];
    }
    case 'clip': {
      const method = options.method === 'zscore' ? 'zscore' : 'quantile';
      const args = method === 'zscore' ? `method='zscore', threshold=${pyLiteral(options.threshold ?? 3)}` : `method='quantile', lower=${pyLiteral(options.lower ?? 0.01)}, upper=${pyLiteral(options.upper ?? 0.99)}`;
      return add(onColumns('clip', `Clipper(${args})`, selector(options.columns, NUMERIC)));
    }
    case 'scale': {
      const method = typeof options.method === 'string' ? options.method : 'standard';
      const scaler = { standard: 'StandardScaler()', minmax: 'MinMaxScaler()', robust: 'RobustScaler()' }[method];
      if (!scaler) return [`# step ${index + 1}: scale method ${JSON.stringify(method)} has no scikit-learn equivalent here; skipped`];
      return add(onColumns('scale', scaler, selector(options.columns, NUMERIC)));
    }
    case 'onehot': {
      const unknown = options.handle_unknown === 'error' ? 'error' : 'ignore';
      return add(onColumns('onehot', `OneHotEncoder(handle_unknown=${JSON.stringify(unknown)}, sparse_output=False)`, selector(options.columns, CATEGORICAL)));
    }
    case 'ordinal':
      return add(onColumns('ordinal', `OrdinalEncoder(handle_unknown='use_encoded_value', unknown_value=${pyLiteral(options.unknown_value ?? -1)})`, selector(options.columns, CATEGORICAL)));
    case 'text': {
      const vectorizer = options.method === 'count' ? 'CountVectorizer' : 'TfidfVectorizer';
      const keys = ['ngram_range', 'max_features', 'min_df', 'max_df', 'sublinear_tf', 'smooth_idf', 'use_idf', 'stop_words', 'lowercase'];
      const vectorizerArgs = keys
        .filter((k) => options[k] !== undefined && (vectorizer === 'TfidfVectorizer' || !['sublinear_tf', 'smooth_idf', 'use_idf'].includes(k)))
        .map((k) => `${k}=${k === 'ngram_range' ? `(${(options[k] as number[]).join(', ')})` : pyLiteral(options[k])}`);
      if (vectorizer === 'TfidfVectorizer' && options.norm === 'none') vectorizerArgs.push('norm=None');
      // The text column becomes a sparse block; the other columns pass through (dense).
      return [
        `steps.append((${JSON.stringify(label)}, ColumnTransformer([('text', ${vectorizer}(${vectorizerArgs.join(', ')}), ${JSON.stringify(options.column)})], remainder='passthrough')))`,
        'sparse_output = True',
      ];
    }
    case 'select': {
      if (options.method === 'variance') return add(`VarianceThreshold(threshold=${pyLiteral(options.threshold ?? 0)})`);
      if (options.method === 'lasso') return add(`SelectFromModel(Lasso(alpha=${pyLiteral(options.alpha ?? 0.01)}))`);
      const n = options.components !== undefined ? pyLiteral(options.components) : pyLiteral(options.variance);
      return add(`PCA(n_components=${n}, random_state=SEED)`);
    }
    default:
      return [`# step ${index + 1}: "${name}" has no scikit-learn equivalent in this script; skipped`];
  }
}

const MODELS: Record<string, { classification?: string; regression?: string; note?: string }> = {
  linear_regression: { regression: 'LinearRegression' },
  ridge: { regression: 'Ridge', classification: 'RidgeClassifier' },
  lasso: { regression: 'Lasso' },
  elastic_net: { regression: 'ElasticNet' },
  logistic_regression: { classification: 'LogisticRegression' },
  linear_svm: { classification: 'LinearSVC', regression: 'LinearSVR' },
  svm: { classification: 'SVC', regression: 'SVR' },
  decision_tree: { classification: 'DecisionTreeClassifier', regression: 'DecisionTreeRegressor' },
  random_forest: { classification: 'RandomForestClassifier', regression: 'RandomForestRegressor' },
  naive_bayes: { classification: 'GaussianNB', note: 'mlwb picks the naive Bayes variant from the features; GaussianNB fits numeric features, use MultinomialNB for counts' },
  mlp: { classification: 'MLPClassifier', regression: 'MLPRegressor', note: 'networks start from different random weights than TensorFlow.js, so scores differ a little' },
};

/** The generated train_sklearn.py for a completed run. */
export function sklearnScript(record: RunRecord): string {
  const snapshot = (record.snapshot ?? {}) as Snapshot;
  const task = record.task ?? snapshot.task ?? 'classification';
  const modelType = record.modelType ?? snapshot.model?.type ?? 'unknown';
  const params = { ...(snapshot.model?.params ?? {}), ...(record.params ?? {}) };
  const validation = snapshot.validation ?? {};
  const rowSteps: string[] = [];
  const stepLines: string[] = [];
  (snapshot.prepare ?? []).forEach((entry, i) => {
    const [name, options] = Object.entries(entry)[0] ?? ['unknown', {}];
    stepLines.push(`# ${i + 1}. ${name}: ${JSON.stringify(options ?? {})}`, ...stepCode(name, options ?? {}, i, rowSteps));
  });
  const mapping = MODELS[modelType];
  const modelClass = mapping?.[task as 'classification' | 'regression'];
  const modelLines = modelClass
    ? [`model = make_model(${modelClass}, ${pyLiteral(params)})${mapping?.note ? `  # ${mapping.note}` : ''}`]
    : [
        `# The model "${modelType}" (${task}) has no scikit-learn equivalent${modelType === 'transformer' ? ' (a TensorFlow.js transformer; see Hugging Face transformers)' : ''}.`,
        `sys.exit(${JSON.stringify(`train_sklearn.py: model type "${modelType}" is not supported by scikit-learn; the preparation above still applies`)})`,
      ];
  const metrics = Object.fromEntries(Object.entries(record.metrics ?? {}).filter(([, v]) => typeof v === 'number'));
  const stratify = validation.stratify ?? task === 'classification';
  const validationLines =
    validation.method === 'holdout'
      ? [
          `X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=${pyLiteral(validation.test_size ?? 0.2)}, random_state=SEED${stratify ? ', stratify=y' : ''})`,
          'held_out = build().fit(X_train, y_train).predict(X_test)',
          'scores = score(y_test, held_out)',
        ]
      : [
          `Fold = StratifiedKFold if ${stratify ? 'True' : 'False'} else KFold`,
          `folds = Fold(n_splits=${pyLiteral(validation.folds ?? 5)}, shuffle=${validation.shuffle === false ? 'False' : 'True'}${validation.shuffle === false ? '' : ', random_state=SEED'})`,
          'scores = score(y, cross_val_predict(build(), X, y, cv=folds))',
        ];
  return `#!/usr/bin/env python3
"""
Reproduces ML Workbench run ${record.id} (experiment "${record.experiment}") with scikit-learn.

Generated by \`mlwb export\`. It reads the training data, applies the same preparation steps in the
same order (fitted on training rows only, inside a Pipeline), fits ${modelType} with the run's final
parameters, evaluates it with the run's validation scheme and prints its metrics beside the run's.
Random streams differ from mlwb's, so the numbers agree closely rather than exactly.

    python3 train_sklearn.py [--data PATH] [--json]

PATH defaults to the run's data file, relative to the workspace root.
"""
import argparse
import inspect
import json
import sys

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer, make_column_selector
from sklearn.decomposition import PCA
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.feature_selection import SelectFromModel, VarianceThreshold
from sklearn.impute import SimpleImputer
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, LogisticRegression, Ridge, RidgeClassifier
from sklearn.metrics import accuracy_score, mean_absolute_error, mean_squared_error, precision_recall_fscore_support, r2_score
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_predict, train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MinMaxScaler, OneHotEncoder, OrdinalEncoder, RobustScaler, StandardScaler
from sklearn.svm import SVC, SVR, LinearSVC, LinearSVR
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

DATA = ${pyLiteral(record.data?.path ?? snapshot.data?.path ?? 'data.csv')}
TARGET = ${pyLiteral(snapshot.data?.target ?? 'target')}
TASK = ${pyLiteral(task)}
SEED = ${pyLiteral(record.seed ?? snapshot.seed ?? 0)}
RUN_METRICS = ${pyLiteral(metrics)}


class Clipper(BaseEstimator, TransformerMixin):
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
        return np.asarray(self.columns_, dtype=object)


def make_model(cls, params):
    """The model with the run's parameters that scikit-learn's class accepts; the others are reported."""
    accepted = inspect.signature(cls).parameters
    kept = {k: (tuple(v) if isinstance(v, list) else v) for k, v in params.items() if k in accepted}
    dropped = sorted(set(params) - set(kept))
    if dropped:
        print(f"note: {cls.__name__} has no parameter(s) {', '.join(dropped)}; left at scikit-learn's defaults", file=sys.stderr)
    if "random_state" in accepted and "random_state" not in kept:
        kept["random_state"] = SEED
    return cls(**kept)


def load_data(path):
    data = pd.read_csv(path)
    X, y = data.drop(columns=[TARGET]), data[TARGET]
    if TASK == "classification":
        y = y.astype(str)
${rowSteps.map((line) => `    ${line}`).join('\n') || '    # no row-level steps'}
    return X, y


def build():
    steps = []
    sparse_output = False
${stepLines.map((line) => `    ${line}`).join('\n') || '    # no preparation steps'}
${modelLines.map((line) => `    ${line}`).join('\n')}
    pipeline = Pipeline(steps + [("model", model)])
    if not sparse_output:
        # pandas output lets each step address the columns the previous one produced by name.
        for _, step in steps:
            step.set_output(transform="pandas")
    return pipeline


def score(y_true, y_pred):
    if TASK == "classification":
        p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, average="macro", zero_division=0)
        return {"accuracy": accuracy_score(y_true, y_pred), "precision_macro": p, "recall_macro": r, "f1_macro": f}
    return {"rmse": mean_squared_error(y_true, y_pred) ** 0.5, "mae": mean_absolute_error(y_true, y_pred), "r2": r2_score(y_true, y_pred)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--data", default=DATA, help="training data (CSV with a header row)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    X, y = load_data(args.data)
${validationLines.map((line) => `    ${line}`).join('\n')}
    final = build().fit(X, y)  # the model to keep, fitted on every row
    if args.json:
        print(json.dumps({"sklearn": scores, "mlwb": RUN_METRICS}))
        return
    for name, value in scores.items():
        run = RUN_METRICS.get(name)
        print(f"{name:16s} scikit-learn {value:.4f}   mlwb {run if run is None else format(run, '.4f')}")
    print(f"fitted {type(final[-1]).__name__} on {len(X)} rows")


if __name__ == "__main__":
    main()
`;
}
