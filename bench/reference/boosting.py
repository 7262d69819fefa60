"""Reference figures for gradient_boosting, from Debian's scikit-learn (HistGradientBoosting).

Writes test/fixtures/reference/boosting.json:
- per data set (iris, breast_cancer, diabetes) fixed 5-fold test indices (the folds of trees.py) and the
  per-fold accuracy (R² for diabetes) of HistGradientBoostingClassifier/Regressor under several
  parameter sets, early_stopping=False so the figures are deterministic;
- the same with missing values injected (a recorded mask of cells set to NaN) into breast_cancer and diabetes;
- predictions of a full fit (probabilities / values) for a close check of the trees themselves;
- _BinMapper's bin thresholds on small columns (few distinct values, many, with NaN);
- a one-iteration regressor on tiny 1-D data (leaf values by hand: -G / (H + l2) × learning_rate);
- class_weight None vs 'balanced' on an imbalanced two-class set (its rows recorded).

Run: OMP_NUM_THREADS=1 /usr/bin/python3 -P bench/reference/boosting.py
(-P: bench/reference holds a datetime.py that would shadow the standard library's.)
"""
import json
import os

import numpy as np
import pandas as pd
import sklearn
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.ensemble._hist_gradient_boosting.binning import _BinMapper
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import KFold, StratifiedKFold

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
DATA = os.path.join(ROOT, "test", "fixtures", "datasets")
OUT = os.path.join(ROOT, "test", "fixtures", "reference", "boosting.json")


def load(name):
    # round_trip: correctly rounded floats, as JavaScript's Number() reads them; pandas' default parser is
    # one bit off in most diabetes cells, which moves a value sitting on a bin threshold to the other side.
    frame = pd.read_csv(os.path.join(DATA, name), float_precision="round_trip")
    return frame.iloc[:, :-1].to_numpy(dtype=float), frame.iloc[:, -1].to_numpy()


def folds(X, y, classification):
    splitter = StratifiedKFold(5, shuffle=True, random_state=0) if classification else KFold(5, shuffle=True, random_state=0)
    return [test.tolist() for _, test in splitter.split(X, y)]


def make(classification, params):
    estimator = HistGradientBoostingClassifier if classification else HistGradientBoostingRegressor
    return estimator(early_stopping=False, random_state=0, **params)


def cv(classification, params, X, y, test_folds):
    score = accuracy_score if classification else r2_score
    scores = []
    for test in test_folds:
        train = np.setdiff1d(np.arange(len(y)), test)
        model = make(classification, params).fit(X[train], y[train])
        scores.append(float(score(y[test], model.predict(X[test]))))
    return scores


PARAMS = [
    {},
    {"learning_rate": 0.05, "max_leaf_nodes": 15, "min_samples_leaf": 10, "l2_regularization": 1.0},
    {"max_depth": 3, "max_bins": 32, "max_iter": 50},
]

result = {"sklearn": sklearn.__version__, "datasets": {}, "missing": {}}
for name, classification in [("iris.csv", True), ("breast_cancer.csv", True), ("diabetes.csv", False)]:
    X, y = load(name)
    test_folds = folds(X, y, classification)
    entry = {"folds": test_folds, "metric": "accuracy" if classification else "r2", "cases": []}
    for params in PARAMS:
        scores = cv(classification, params, X, y, test_folds)
        entry["cases"].append({"params": params, "scores": scores, "mean": float(np.mean(scores))})
    full = make(classification, {}).fit(X, y)
    entry["full_fit"] = {
        "n_iter": int(full.n_iter_),
        "prediction": (full.predict_proba(X) if classification else full.predict(X)).tolist(),
    }
    result["datasets"][name] = entry

# Missing values: a fixed share of cells set to NaN; the trees learn where they go.
rng = np.random.RandomState(3)
for name, classification, share in [("breast_cancer.csv", True, 0.2), ("diabetes.csv", False, 0.15)]:
    X, y = load(name)
    mask = rng.rand(*X.shape) < share
    Xm = X.copy()
    Xm[mask] = np.nan
    test_folds = folds(X, y, classification)
    cases = []
    for params in PARAMS[:2]:
        scores = cv(classification, params, Xm, y, test_folds)
        cases.append({"params": params, "scores": scores, "mean": float(np.mean(scores))})
    full = make(classification, {}).fit(Xm, y)
    result["missing"][name] = {
        "share": share,
        "nan_cells": np.flatnonzero(mask.ravel()).tolist(),
        "folds": test_folds,
        "metric": "accuracy" if classification else "r2",
        "cases": cases,
        "full_fit": {"prediction": (full.predict_proba(Xm) if classification else full.predict(Xm)).tolist()},
    }

# Bin thresholds of _BinMapper: few distinct values (midpoints), many (midpoint percentiles), with NaN.
brng = np.random.RandomState(0)
columns = {
    "few_distinct": brng.randint(0, 6, size=300).astype(float),
    "normal": brng.normal(size=1000),
    "skewed_with_ties": np.round(brng.exponential(size=2000), 2),
    "with_nan": np.where(brng.rand(500) < 0.1, np.nan, brng.normal(size=500)),
}
result["binning"] = []
for column_name, column in columns.items():
    for max_bins in [4, 10, 255]:
        mapper = _BinMapper(n_bins=max_bins + 1).fit(column.reshape(-1, 1))
        result["binning"].append({
            "name": column_name,
            "max_bins": max_bins,
            "values": [None if np.isnan(v) else float(v) for v in column],
            "thresholds": mapper.bin_thresholds_[0].tolist(),
            "bins": mapper.transform(column.reshape(-1, 1))[:, 0].tolist(),
        })

# One tree on tiny 1-D data: a single split between x = 4 and x = 5 is the best.
tiny_X = np.arange(10, dtype=float).reshape(-1, 1)
tiny_y = np.array([1.0, 1.2, 0.8, 1.1, 0.9, 5.0, 5.2, 4.8, 5.1, 4.9])
tiny = HistGradientBoostingRegressor(max_iter=1, learning_rate=0.5, min_samples_leaf=2, l2_regularization=2.0, early_stopping=False)
tiny.fit(tiny_X, tiny_y)
result["tiny"] = {
    "X": tiny_X[:, 0].tolist(),
    "y": tiny_y.tolist(),
    "params": {"max_iter": 1, "learning_rate": 0.5, "min_samples_leaf": 2, "l2_regularization": 2.0},
    "prediction": tiny.predict(tiny_X).tolist(),
}

# class_weight on an imbalanced two-class set.
crng = np.random.RandomState(5)
n = 600
Xc = crng.normal(size=(n, 4))
score = Xc[:, 0] + 0.5 * Xc[:, 1] + crng.normal(scale=1.0, size=n)
yc = np.where(score > 1.9, "rare", "common")
cut = 400
weighted = {}
# scikit-learn 1.2.1's HistGradientBoostingClassifier encodes y before it reads a class_weight map, so
# the map is keyed by the encoded class (sorted labels: common 0, rare 1); mlwb's map names the label.
for weight, sklearn_weight in [(None, None), ("balanced", "balanced"), ({"rare": 3.0}, {1: 3.0})]:
    model = HistGradientBoostingClassifier(class_weight=sklearn_weight, early_stopping=False, random_state=0).fit(Xc[:cut], yc[:cut])
    predicted = model.predict(Xc[cut:])
    weighted[json.dumps(weight)] = {
        "class_weight": weight,
        "prediction": predicted.tolist(),
        "rare_predicted": int((predicted == "rare").sum()),
        "accuracy": float((predicted == yc[cut:]).mean()),
    }
result["class_weight"] = {"X": Xc.tolist(), "y": yc.tolist(), "train_rows": cut, "cases": list(weighted.values())}

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump(result, f)
print("wrote", OUT)
