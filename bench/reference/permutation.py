"""Reference figures for permutation importance, from Debian's scikit-learn 1.2.1.

Writes test/fixtures/reference/permutation.json:
- regression: diabetes, LinearRegression fitted on fixed training rows, sklearn.inspection.permutation_importance
  on the held-out rows (scoring r2, n_repeats 5, random_state 0): per-repeat importances, mean and std, and the
  row order each repeat applied to every column (scikit-learn shuffles an index array in place and applies it to
  the already permuted column, so the effective order is cumulative; recomputed here and checked to give
  scikit-learn's figures exactly), so the test can feed the same orders to our implementation;
- classification: iris, a LogisticRegression's fitted coefficients (predict = argmax of X @ coef.T + intercept),
  the same figures with scoring accuracy;
- the same two with n_repeats 30 for comparing means and ranking under our own permutations.

Run: /usr/bin/python3 -P bench/reference/permutation.py  (-P: bench/reference/datetime.py would shadow the standard library)
"""
import json
import os

import numpy as np
import pandas as pd
import sklearn
from sklearn.inspection import permutation_importance
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.metrics import accuracy_score, r2_score

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
DATA = os.path.join(ROOT, "test", "fixtures", "datasets")
OUT = os.path.join(ROOT, "test", "fixtures", "reference", "permutation.json")


def load(name):
    frame = pd.read_csv(os.path.join(DATA, name))
    return list(frame.columns[:-1]), frame.iloc[:, :-1].to_numpy(dtype=float), frame.iloc[:, -1].to_numpy()


def effective_orders(n, n_repeats, random_state):
    """The row order each repeat leaves in a permuted column, as _calculate_permutation_scores makes it."""
    seed = np.random.RandomState(random_state).randint(np.iinfo(np.int32).max + 1)
    rng = np.random.RandomState(seed)
    shuffling = np.arange(n)
    ids = np.arange(n)
    orders = []
    for _ in range(n_repeats):
        rng.shuffle(shuffling)
        ids = ids[shuffling]
        orders.append(ids.copy())
    return orders


def case(names, X, y, model, scoring, score, n_repeats):
    rows = np.random.RandomState(1).permutation(len(y))
    cut = int(len(y) * 0.7)
    train, test = np.sort(rows[:cut]), np.sort(rows[cut:])
    model.fit(X[train], y[train])
    Xt, yt = X[test], y[test]
    result = permutation_importance(model, Xt, yt, scoring=scoring, n_repeats=n_repeats, random_state=0)
    baseline = score(yt, model.predict(Xt))
    orders = effective_orders(len(test), n_repeats, 0)
    for j in range(X.shape[1]):
        for r, order in enumerate(orders):
            Xp = Xt.copy()
            Xp[:, j] = Xt[order, j]
            assert baseline - score(yt, model.predict(Xp)) == result.importances[j, r], (j, r)
    long = permutation_importance(model, Xt, yt, scoring=scoring, n_repeats=30, random_state=0)
    return {
        "features": names,
        "train": train.tolist(),
        "test": test.tolist(),
        "baseline": float(baseline),
        "orders": [o.tolist() for o in orders],
        "importances": result.importances.tolist(),
        "mean": result.importances_mean.tolist(),
        "std": result.importances_std.tolist(),
        "mean30": long.importances_mean.tolist(),
        "std30": long.importances_std.tolist(),
    }


names, X, y = load("diabetes.csv")
regression = case(names, X, y.astype(float), LinearRegression(), "r2", r2_score, 5)

names, X, y = load("iris.csv")
logistic = LogisticRegression(max_iter=1000)
classification = case(names, X, y.astype(str), logistic, "accuracy", accuracy_score, 5)
classification["classes"] = logistic.classes_.tolist()
classification["coef"] = logistic.coef_.tolist()
classification["intercept"] = logistic.intercept_.tolist()

with open(OUT, "w") as out:
    json.dump({"sklearn": sklearn.__version__, "regression": regression, "classification": classification}, out)
    out.write("\n")
print(f"wrote {OUT}")
