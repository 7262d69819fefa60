/**
 * Writes a Python script that reproduces a run's preparation and model with scikit-learn, for users
 * who move to Python: each prepare step of the experiment becomes a scikit-learn transformer (see
 * sklearnSteps.ts), the model its scikit-learn class with the run's final parameters, and the
 * validation the same split scheme. Random streams differ between the two, so folds and seeded models
 * match in kind, not row for row; the script computes its own metrics and prints the run's beside them.
 */
import type { PipelineJSON } from '../prepare/pipeline';
import type { RunRecord } from '../runs/store';
import type { Task } from '../types';
import { pyLiteral } from './python';
import { PYTHON_HELPERS, pythonSteps } from './sklearnSteps';

interface Snapshot {
  readonly data?: { readonly path?: string; readonly target?: string };
  readonly task?: string;
  readonly prepare?: readonly Record<string, Record<string, unknown> | null>[];
  readonly model?: { readonly type?: string; readonly params?: Record<string, unknown> };
  readonly validation?: {
    readonly method?: string;
    readonly folds?: number;
    readonly test_size?: number;
    readonly stratify?: boolean;
    readonly shuffle?: boolean;
  };
  readonly search?: unknown;
  readonly seed?: number;
}

// scikit-learn's class per model type, for the tasks mlwb trains it for (a test keeps them equal to the registry's).
const MODELS: Record<string, Partial<Record<Task, string>>> = {
  linear_regression: { regression: 'LinearRegression' },
  ridge: { regression: 'Ridge' },
  lasso: { regression: 'Lasso' },
  elastic_net: { regression: 'ElasticNet' },
  logistic_regression: { classification: 'LogisticRegression' },
  linear_svm: { classification: 'LinearSVC' },
  svm: { classification: 'SVC' },
  decision_tree: { classification: 'DecisionTreeClassifier', regression: 'DecisionTreeRegressor' },
  random_forest: { classification: 'RandomForestClassifier', regression: 'RandomForestRegressor' },
  gradient_boosting: { classification: 'HistGradientBoostingClassifier', regression: 'HistGradientBoostingRegressor' },
  knn: { classification: 'KNeighborsClassifier', regression: 'KNeighborsRegressor' },
  naive_bayes: { classification: 'GaussianNB' },
  mlp: { classification: 'MLPClassifier', regression: 'MLPRegressor' },
};

/** The run's parameters under scikit-learn's meaning where the two differ. */
function sklearnParams(modelType: string, params: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out = { ...params };
  if (modelType === 'naive_bayes') delete out.distribution;
  // HistGradientBoosting takes no n_jobs (OpenMP uses every core); mlwb's n_jobs changes nothing in the model either.
  if (modelType === 'gradient_boosting') delete out.n_jobs;
  if (modelType === 'logistic_regression') {
    if (out.penalty === 'none') out.penalty = null;
    // lbfgs, scikit-learn's default solver, refuses an L1 penalty; saga minimises the same objective.
    if (out.penalty === 'l1') out.solver = 'saga';
  }
  // mlwb reads max_features 1 as every feature (JSON cannot write 1.0); scikit-learn's integer 1 is one feature.
  if ((modelType === 'decision_tree' || modelType === 'random_forest') && out.max_features === 1) out.max_features = null;
  return out;
}

/**
 * The scikit-learn estimator of a model type and task as a Python expression (undefined when there is
 * none); `sparse` tells whether the prepared features are a sparse matrix.
 */
export function modelExpression(modelType: string, task: Task, params: Readonly<Record<string, unknown>>, sparse: boolean): string | undefined {
  let estimator = MODELS[modelType]?.[task];
  // mlwb picks the naive Bayes event model from the features unless `distribution` names it: counts in a sparse matrix are multinomial.
  if (modelType === 'naive_bayes' && estimator && (params.distribution ?? (sparse ? 'multinomial' : 'gaussian')) === 'multinomial') estimator = 'MultinomialNB';
  if (!estimator) return undefined;
  const model = `make_model(${estimator}, ${pyLiteral(sklearnParams(modelType, params))})`;
  // mlwb's network regressor learns the standardised target, which sets the scale learning_rate_init and alpha act on.
  return modelType === 'mlp' && task === 'regression' ? `TransformedTargetRegressor(${model}, transformer=StandardScaler())` : model;
}

/** The generated train_sklearn.py for a completed run; `pipeline` (its pipeline.json) names the columns steps chose by kind. */
export function sklearnScript(record: RunRecord, pipeline?: PipelineJSON): string {
  const snapshot = (record.snapshot ?? {}) as Snapshot;
  const task = (record.task ?? snapshot.task ?? 'classification') as Task;
  const modelType = record.modelType ?? snapshot.model?.type ?? 'unknown';
  const params = { ...(snapshot.model?.params ?? {}), ...(record.params ?? {}) };
  const validation = snapshot.validation ?? {};
  const steps = pythonSteps(snapshot.prepare ?? [], pipeline, snapshot.data?.target);
  const model = modelExpression(modelType, task, params, steps.sparse);
  const note = modelType === 'mlp' ? '  # networks start from different random weights than TensorFlow.js, so scores differ a little' : '';
  const modelLines = model
    ? [`model = ${model}${note}`]
    : [
        `# The model "${modelType}" (${task}) has no scikit-learn equivalent${modelType === 'transformer' ? ' (a TensorFlow.js transformer; see Hugging Face transformers)' : ''}.`,
        `sys.exit(${JSON.stringify(`train_sklearn.py: model type "${modelType}" is not supported by scikit-learn; the preparation above still applies`)})`,
      ];
  const metrics = Object.fromEntries(Object.entries(record.metrics ?? {}).filter(([, v]) => typeof v === 'number'));
  const stratify = validation.stratify ?? task === 'classification';
  const dropsRows = steps.rows.length > 0;
  const fitted = (X: string, y: string): string => (dropsRows ? `build().fit(*training_rows(${X}, ${y}))` : `build().fit(${X}, ${y})`);
  const validationLines =
    validation.method === 'holdout'
      ? [
          `X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=${pyLiteral(validation.test_size ?? 0.2)}, random_state=SEED${stratify ? ', stratify=y' : ''})`,
          `scores = score(y_test, ${fitted('X_train', 'y_train')}.predict(X_test))`,
        ]
      : [
          `folds = ${stratify ? 'StratifiedKFold' : 'KFold'}(n_splits=${pyLiteral(validation.folds ?? 5)}, shuffle=${validation.shuffle === false ? 'False' : 'True'}${validation.shuffle === false ? '' : ', random_state=SEED'})`,
          `scores = score(y, ${dropsRows ? 'out_of_fold(X, y, folds)' : 'cross_val_predict(build(), X, y, cv=folds)'})`,
        ];
  const definitions: string[] = [...steps.helpers].map((name) => PYTHON_HELPERS[name]);
  if (dropsRows) {
    definitions.push(`def training_rows(X, y):
    """mlwb's row steps: they drop rows a model is fitted on, never rows it predicts."""
${steps.rows.map((line) => `    ${line}`).join('\n')}
    return X, y`);
  }
  if (dropsRows && validation.method !== 'holdout') {
    definitions.push(`def out_of_fold(X, y, folds):
    """cross_val_predict, with training_rows() applied to each fold's training rows."""
    predicted = y.copy()
    for train, test in folds.split(X, y):
        predicted.iloc[test] = build().fit(*training_rows(X.iloc[train], y.iloc[train])).predict(X.iloc[test])
    return predicted`);
  }
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
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer, TransformedTargetRegressor, make_column_selector
from sklearn.decomposition import PCA
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor, RandomForestClassifier, RandomForestRegressor
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.feature_selection import SelectorMixin, VarianceThreshold
from sklearn.impute import SimpleImputer
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, mean_absolute_error, mean_squared_error, precision_recall_fscore_support, r2_score
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_predict, train_test_split
from sklearn.naive_bayes import GaussianNB, MultinomialNB
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, MinMaxScaler, OneHotEncoder, OrdinalEncoder, RobustScaler, StandardScaler
from sklearn.svm import SVC, LinearSVC
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from sklearn.utils.sparsefuncs import mean_variance_axis

DATA = ${pyLiteral(record.data?.path ?? snapshot.data?.path ?? 'data.csv')}
TARGET = ${pyLiteral(snapshot.data?.target ?? 'target')}
TASK = ${pyLiteral(task)}
SEED = ${pyLiteral(record.seed ?? snapshot.seed ?? 0)}
RUN_METRICS = ${pyLiteral(metrics)}


${definitions.map((definition) => `${definition}\n\n\n`).join('')}def make_model(cls, params):
    """The model with the run's parameters that scikit-learn's class accepts; the others are reported."""
    accepted = inspect.signature(cls).parameters
    kept = {k: (tuple(v) if isinstance(v, list) else v) for k, v in params.items() if k in accepted}
    dropped = sorted(set(params) - set(kept))
    if dropped:
        print(f"note: {cls.__name__} has no parameter(s) {', '.join(dropped)}; left at scikit-learn's defaults", file=sys.stderr)
    if "random_state" in accepted:  # the run's seed, as the run took it (a random_state parameter is not read for training)
        kept["random_state"] = SEED
    return cls(**kept)


def load_data(path):
    data = pd.read_csv(path)
    X, y = data.drop(columns=[TARGET]), data[TARGET]
${steps.dropsMissingTarget ? '    X, y = X[y.notna()], y[y.notna()]  # dropMissing: rows without a target are left out before the split\n' : ''}    if TASK == "classification":
        y = y.astype(str)
${steps.load.map((line) => `    ${line}`).join('\n') || '    # no conversions'}
    return X, y


def build():
    """The preparation steps and the model in one Pipeline. Dense steps return pandas DataFrames, so a
    later step can name the columns an earlier one produced."""
    steps = []
${steps.build.map((line) => `    ${line}`).join('\n') || '    # no preparation steps'}
${modelLines.map((line) => `    ${line}`).join('\n')}
    return Pipeline(steps + [("model", model)])


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
    final = ${fitted('X', 'y')}  # the model to keep, fitted on every row
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
