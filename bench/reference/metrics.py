"""Records scikit-learn's metrics, fold sizes and ParameterGrid order as the reference of the
metrics, validation and search tests (test/unit/metrics, test/unit/validation, test/unit/search).

The input arrays are generated here with a fixed numpy seed and written into the fixture beside
the figures, so the TypeScript tests read the very same inputs.

Run: /usr/bin/python3 bench/reference/metrics.py
Writes: test/fixtures/reference/metrics.json
"""
import json
import os

import numpy as np
import sklearn
from sklearn import metrics as skm
from sklearn.model_selection import KFold, ParameterGrid, StratifiedKFold, train_test_split

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "reference", "metrics.json")
rng = np.random.RandomState(20240501)


def floats(a):
    return [float(v) for v in np.asarray(a, dtype=float).ravel()]


def label_metrics(y_true, y_pred, matrix_labels):
    """Everything computed from labels alone."""
    labels = sorted(set(y_true) | set(y_pred))
    out = {
        "accuracy": skm.accuracy_score(y_true, y_pred),
        "balanced_accuracy": skm.balanced_accuracy_score(y_true, y_pred),
        "labels": labels,
        "confusion_matrix_labels": matrix_labels,
        "confusion_matrix": skm.confusion_matrix(y_true, y_pred, labels=matrix_labels).tolist(),
    }
    p, r, f, s = skm.precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    out["per_class"] = {"precision": floats(p), "recall": floats(r), "f1": floats(f), "support": [int(v) for v in s]}
    for average in ("macro", "micro", "weighted"):
        out["precision_" + average] = skm.precision_score(y_true, y_pred, average=average, zero_division=0)
        out["recall_" + average] = skm.recall_score(y_true, y_pred, average=average, zero_division=0)
        out["f1_" + average] = skm.f1_score(y_true, y_pred, average=average, zero_division=0)
    return out


def binary_case(name, y_true, y_score, positive):
    y_true = list(y_true)
    negative = [c for c in sorted(set(y_true)) if c != positive][0]
    y_pred = [positive if s >= 0.5 else negative for s in y_score]
    case = {"name": name, "y_true": y_true, "y_pred": y_pred, "proba_labels": sorted([negative, positive])}
    # Probability columns in sorted label order, as a classifier's predict_proba gives them.
    pos_col = sorted([negative, positive]).index(positive)
    proba = np.zeros((len(y_true), 2))
    proba[:, pos_col] = y_score
    proba[:, 1 - pos_col] = 1 - np.asarray(y_score)
    case["proba"] = proba.tolist()
    case["positive"] = positive
    case.update(label_metrics(y_true, y_pred, [positive, negative]))
    binary_true = [1 if y == positive else 0 for y in y_true]
    for drop in (True, False):
        fpr, tpr, thr = skm.roc_curve(binary_true, y_score, drop_intermediate=drop)
        case["roc_curve" if drop else "roc_curve_all"] = {"fpr": floats(fpr), "tpr": floats(tpr), "thresholds": floats(thr)}
    case["roc_auc"] = skm.roc_auc_score(binary_true, y_score)
    case["log_loss"] = skm.log_loss(y_true, proba, labels=case["proba_labels"])
    return case


def multiclass_case(name, y_true, y_pred, proba, labels):
    case = {"name": name, "y_true": list(y_true), "y_pred": list(y_pred), "proba_labels": labels, "proba": proba.tolist()}
    case.update(label_metrics(list(y_true), list(y_pred), list(reversed(labels))))
    case["roc_auc"] = skm.roc_auc_score(y_true, proba, multi_class="ovr", average="macro", labels=labels)
    case["log_loss"] = skm.log_loss(y_true, proba, labels=labels)
    return case


classification = []

# Binary: scores rounded to one decimal so that ties exercise roc_curve's threshold collapsing.
n = 40
y = rng.choice(["no", "yes"], size=n, p=[0.6, 0.4])
score = np.clip(np.round(np.where(y == "yes", rng.normal(0.65, 0.2, n), rng.normal(0.35, 0.2, n)), 1), 0.0, 1.0)
classification.append(binary_case("binary_ties", y, score, "yes"))

# Binary with continuous scores and the positive label sorting first.
n = 60
y = rng.choice(["malignant", "benign"], size=n, p=[0.35, 0.65])
score = 1 / (1 + np.exp(-(np.where(y == "malignant", 1.0, -1.0) + rng.normal(0, 1.2, n))))
classification.append(binary_case("binary_continuous", y, score, "malignant"))

# Three classes, "fish" is never predicted; a few probabilities are exactly 0 or 1 (log loss clipping).
labels3 = ["cat", "dog", "fish"]
n = 45
y = rng.choice(labels3, size=n, p=[0.4, 0.35, 0.25])
pred = np.where(rng.rand(n) < 0.7, np.where(y == "fish", "dog", y), rng.choice(["cat", "dog"], size=n))
proba = rng.dirichlet([1.0, 1.0, 1.0], size=n)
proba[0] = [1.0, 0.0, 0.0]
proba[1] = [0.0, 0.0, 1.0]
proba[2] = [0.0, 1.0, 0.0]
classification.append(multiclass_case("three_class_never_predicted", y, pred, proba, labels3))

# Predictions carry a label the truth never has ("bird"): it counts in macro precision, not in balanced accuracy.
y = rng.choice(labels3, size=30)
pred = np.where(rng.rand(30) < 0.2, "bird", np.where(rng.rand(30) < 0.6, y, rng.choice(labels3, size=30)))
extra = {"name": "predicted_label_not_in_truth", "y_true": list(y), "y_pred": list(pred)}
extra.update(label_metrics(list(y), list(pred), ["bird", "cat", "dog", "fish"]))
classification.append(extra)


def regression_case(name, y_true, y_pred):
    return {
        "name": name,
        "y_true": floats(y_true),
        "y_pred": floats(y_pred),
        "mse": skm.mean_squared_error(y_true, y_pred),
        "rmse": skm.mean_squared_error(y_true, y_pred, squared=False),
        "mae": skm.mean_absolute_error(y_true, y_pred),
        "r2": skm.r2_score(y_true, y_pred),
        "mape": skm.mean_absolute_percentage_error(y_true, y_pred),
    }


regression = []
y = rng.normal(150, 60, 50)
regression.append(regression_case("noisy", y, y + rng.normal(0, 25, 50)))
y = rng.normal(0, 1, 30)
y[3] = 0.0  # MAPE divides by max(|y|, eps)
regression.append(regression_case("with_zero_truth", y, 0.5 * y + rng.normal(0, 0.3, 30)))
regression.append(regression_case("constant_truth_perfect", [2.0] * 5, [2.0] * 5))
regression.append(regression_case("constant_truth_imperfect", [2.0] * 5, [2.0, 2.5, 2.0, 1.0, 2.0]))


def fold_record(splitter, n_samples, y=None):
    X = np.zeros((n_samples, 1))
    folds = list(splitter.split(X, y))
    record = {"test_sizes": [len(test) for _, test in folds], "test_indices": [test.tolist() for _, test in folds]}
    if y is not None:
        classes = sorted(set(y))
        record["test_class_counts"] = [[int(np.sum(np.asarray(y)[test] == c)) for c in classes] for _, test in folds]
    return record


kfold = []
for n_samples, k in [(10, 3), (11, 5), (150, 5), (7, 7), (101, 10)]:
    kfold.append({"n": n_samples, "k": k, **fold_record(KFold(n_splits=k), n_samples)})

stratified = []
y_strat = ["b"] * 13 + ["a"] * 7 + ["c"] * 5
y_strat = [y_strat[i] for i in np.random.RandomState(3).permutation(len(y_strat))]
iris_like = ["setosa"] * 50 + ["versicolor"] * 50 + ["virginica"] * 50
for y_case, k in [(y_strat, 3), (y_strat, 5), (iris_like, 5), (iris_like, 4)]:
    stratified.append({"y": y_case, "k": k, **fold_record(StratifiedKFold(n_splits=k), len(y_case), y_case)})

holdout = []
for n_samples, test_size in [(150, 0.2), (101, 0.25), (10, 0.33), (569, 0.3)]:
    train, test = train_test_split(np.arange(n_samples), test_size=test_size, random_state=0)
    holdout.append({"n": n_samples, "test_size": test_size, "train_size": len(train), "test_size_rows": len(test)})
y_hold = ["a"] * 60 + ["b"] * 30 + ["c"] * 10
_, y_test = train_test_split(y_hold, test_size=0.2, random_state=0, stratify=y_hold)
stratified_holdout = {"y_counts": {"a": 60, "b": 30, "c": 10}, "test_size": 0.2, "test_class_counts": {c: y_test.count(c) for c in "abc"}}

grid_space = {"penalty": ["l1", "l2"], "C": [0.1, 1, 10], "alpha": [0.0001, 0.001]}
parameter_grid = {"space": grid_space, "order": list(ParameterGrid(grid_space))}

# Successive halving's rounds: candidates and rows per round (resource = rows, min_resources='exhaust').
from sklearn.dummy import DummyClassifier, DummyRegressor  # noqa: E402
from sklearn.experimental import enable_halving_search_cv  # noqa: E402,F401
from sklearn.model_selection import HalvingGridSearchCV  # noqa: E402

halving = []
for n_candidates, n_samples, folds, n_classes, factor in [(27, 1000, 5, 2, 3), (10, 150, 5, 3, 3), (9, 500, 3, 1, 3), (40, 5000, 5, 4, 3), (8, 400, 4, 2, 2)]:
    X = np.zeros((n_samples, 1))
    if n_classes == 1:
        y_h, estimator = np.arange(n_samples, dtype=float), DummyRegressor()
        grid = {"quantile": list(np.linspace(0, 1, n_candidates))}
        estimator.set_params(strategy="quantile")
    else:
        y_h, estimator = np.arange(n_samples) % n_classes, DummyClassifier(strategy="prior")
        grid = {"random_state": list(range(n_candidates))}
    search = HalvingGridSearchCV(estimator, grid, factor=factor, cv=folds).fit(X, y_h)
    halving.append({"candidates": n_candidates, "rows": n_samples, "folds": folds, "classes": n_classes, "factor": factor,
                    "n_candidates": [int(v) for v in search.n_candidates_], "n_resources": [int(v) for v in search.n_resources_]})

reference = {
    "sklearn_version": sklearn.__version__,
    "numpy_version": np.__version__,
    "classification": classification,
    "regression": regression,
    "kfold": kfold,
    "stratified_kfold": stratified,
    "holdout": holdout,
    "stratified_holdout": stratified_holdout,
    "parameter_grid": parameter_grid,
    "halving": halving,
}


def plain(o):
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return float(o)
    if isinstance(o, np.str_):
        return str(o)
    raise TypeError(type(o))


os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump(reference, f, indent=1, default=plain)
    f.write("\n")
print("wrote", os.path.normpath(OUT))
