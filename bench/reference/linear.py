"""Reference figures for the linear and kernel models, computed with Debian's scikit-learn.

Writes test/fixtures/reference/linear.json. Regenerate with:

    /usr/bin/python3 bench/reference/linear.py

Classification features are standardised (StandardScaler on the whole data set, population std)
before anything else; test/unit/models/linearReference.ts does the same. Fold indices are written
into the fixture so the TypeScript tests score on exactly the same folds.
"""
import json
import os

import numpy as np
import sklearn
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.svm import SVC, LinearSVC

from fixture_data import read, standardise

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
OUT = os.path.join(ROOT, "test", "fixtures", "reference", "linear.json")


def folds(splitter, X, y):
    return [test.tolist() for _, test in splitter.split(X, y)]


def cv_score(make, X, y, test_folds, score):
    scores = []
    for test in test_folds:
        mask = np.zeros(len(y), dtype=bool)
        mask[test] = True
        model = make().fit(X[~mask], y[~mask])
        scores.append(score(y[mask], model.predict(X[mask])))
    return float(np.mean(scores))


def coefficients(model):
    return {"coef": np.atleast_2d(model.coef_).tolist(), "intercept": np.atleast_1d(model.intercept_).tolist()}


out = {"sklearn_version": sklearn.__version__}

# Regression on diabetes (features as shipped: already centred and scaled).
X, y = read("diabetes.csv", True)
regression_folds = folds(KFold(5, shuffle=True, random_state=0), X, y)
exact = dict(tol=1e-12, max_iter=1_000_000)
regressors = {
    "linear_regression": ({}, lambda **kw: LinearRegression(**kw)),
    "ridge": ({"alpha": 0.5}, lambda **kw: Ridge(**kw)),
    "lasso": ({"alpha": 0.1}, lambda **kw: Lasso(**kw)),
    "elastic_net": ({"alpha": 0.01, "l1_ratio": 0.5}, lambda **kw: ElasticNet(**kw)),
}
out["diabetes"] = {"folds": regression_folds, "models": {}}
for name, (params, make) in regressors.items():
    extra = exact if name in ("lasso", "elastic_net") else {}
    model = make(**params, **extra).fit(X, y)
    out["diabetes"]["models"][name] = {
        "params": params,
        **coefficients(model),
        "cv_r2": cv_score(lambda: make(**params), X, y, regression_folds, r2_score),
    }

# Classification on standardised iris (3 classes, multinomial) and breast_cancer (binary).
for dataset in ("iris", "breast_cancer"):
    X, y = read(dataset + ".csv", False)
    X = standardise(X)
    test_folds = folds(StratifiedKFold(5, shuffle=True, random_state=0), X, y)
    entry = {"folds": test_folds, "classes": sorted(set(y.tolist())), "models": {}}
    configs = {
        # The exact optimum of the lbfgs objective comes from newton-cg (scipy's L-BFGS-B stops on its ftol first).
        "logistic_l2": ({"penalty": "l2", "C": 1.0}, lambda **kw: LogisticRegression(**{"solver": "lbfgs", **kw}), dict(solver="newton-cg", tol=1e-12, max_iter=100_000)),
        "logistic_l1": ({"penalty": "l1", "C": 0.5}, lambda **kw: LogisticRegression(solver="saga", **{"max_iter": 10_000, **kw}), dict(tol=1e-12, max_iter=200_000)),
        "linear_svm_squared_hinge": ({"loss": "squared_hinge", "C": 0.5}, lambda **kw: LinearSVC(**kw), dict(tol=1e-10, max_iter=1_000_000)),
        "linear_svm_hinge": ({"loss": "hinge", "C": 0.5}, lambda **kw: LinearSVC(**{"max_iter": 10_000, **kw}), None),
        "svm_rbf": ({"kernel": "rbf", "C": 1.0}, lambda **kw: SVC(**kw), None),
        "svm_poly": ({"kernel": "poly", "C": 1.0, "degree": 3}, lambda **kw: SVC(**kw), None),
        "svm_linear": ({"kernel": "linear", "C": 1.0}, lambda **kw: SVC(**kw), None),
    }
    for name, (params, make, tight) in configs.items():
        record = {"params": params, "cv_accuracy": cv_score(lambda: make(**params), X, y, test_folds, accuracy_score)}
        if tight is not None:
            record.update(coefficients(make(**params, **tight).fit(X, y)))
        if name.startswith("svm_"):
            svc = make(**params, tol=1e-6).fit(X, y)
            record["n_support"] = svc.n_support_.tolist()
            record["train_accuracy"] = float(accuracy_score(y, svc.predict(X)))
            # One-vs-one decision values of the first rows, in libsvm's pair order.
            record["decision_head"] = SVC(**params, tol=1e-6, decision_function_shape="ovo").fit(X, y).decision_function(X[:20]).tolist()
        entry["models"][name] = record
    out[dataset] = entry

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump(out, f, indent=1)
print("wrote", OUT)
