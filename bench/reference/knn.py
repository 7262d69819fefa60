"""Reference figures for k-nearest neighbours (`knn`), from Debian's scikit-learn.

Writes test/fixtures/reference/knn.json: for iris and breast_cancer, KNeighborsClassifier
(algorithm='brute') predictions and probabilities on held-out rows for every metric and both
weights; for diabetes, KNeighborsRegressor predictions likewise. Features are the CSV's values,
unscaled, read exactly (round_trip) so both sides hold the same doubles.

Besides scikit-learn's answer, each case records a plain NumPy answer that spells out the rule the
model follows: distances summed column by column in order (np.cumsum), the k nearest by a stable
sort (equal distances: the earlier training row), scikit-learn's weights and vote shares. A held-out
row is `ambiguous` when scikit-learn's floating-point shortcuts (‖x‖² + ‖q‖² − 2x·q, an unstable
argpartition) may decide it differently: the k-th and (k+1)-th distances are within 1e-9, or a
training row is at distance 0 (scikit-learn's distance may come out as 1e-8 instead of 0). Tests
compare with scikit-learn on the rest and with the NumPy rule on every row.

Run: /usr/bin/python3 -P bench/reference/knn.py  (-P: bench/reference/ holds a datetime.py that would shadow the standard library)
"""
import json
import os

import numpy as np
import pandas as pd
import sklearn
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
DATA = os.path.join(ROOT, "test", "fixtures", "datasets")
OUT = os.path.join(ROOT, "test", "fixtures", "reference", "knn.json")

METRICS = [
    {"metric": "minkowski"},
    {"metric": "euclidean"},
    {"metric": "manhattan"},
    {"metric": "cosine"},
    {"metric": "minkowski", "p": 1},
    {"metric": "minkowski", "p": 3},
]
NEIGHBOURS = [5, 10]


def load(name):
    frame = pd.read_csv(os.path.join(DATA, name), float_precision="round_trip")
    return frame.iloc[:, :-1].to_numpy(dtype=float), frame.iloc[:, -1].to_numpy()


def split(rows):
    order = np.random.RandomState(0).permutation(rows)
    held = int(round(rows * 0.3))
    return np.sort(order[held:]), np.sort(order[:held])


def distances(train, query, metric, p):
    """rows(query) × rows(train) distances, each summed over columns in order."""
    if metric == "cosine":
        def normalise(M):
            norms = np.sqrt(np.cumsum(M * M, axis=1)[:, -1])
            norms[norms == 0] = 1
            return M / norms[:, None]
        a, b = normalise(train), normalise(query)
        dots = np.cumsum(b[:, None, :] * a[None, :, :], axis=2)[:, :, -1]
        return np.clip(1 - dots, 0, 2)
    diff = np.abs(query[:, None, :] - train[None, :, :])
    if metric == "euclidean" or (metric == "minkowski" and p == 2):
        return np.sqrt(np.cumsum(diff * diff, axis=2)[:, :, -1])
    if metric == "manhattan" or (metric == "minkowski" and p == 1):
        return np.cumsum(diff, axis=2)[:, :, -1]
    return np.cumsum(diff**p, axis=2)[:, :, -1] ** (1 / p)


def weights_of(dist, weights):
    if weights == "uniform":
        return np.ones_like(dist)
    with np.errstate(divide="ignore"):
        w = 1.0 / dist
    inf = np.isinf(w)
    rows = np.any(inf, axis=1)
    w[rows] = inf[rows]
    return w


def rule(train, y_train, query, metric, p, k, weights, classes):
    """The NumPy answer: stable sort, scikit-learn's weights and vote shares; plus which rows are ambiguous."""
    D = distances(train, query, metric, p)
    order = np.argsort(D, axis=1, kind="stable")
    near = order[:, :k]
    dist = np.take_along_axis(D, near, axis=1)
    kth = dist[:, -1]
    following = np.take_along_axis(D, order[:, k : k + 1], axis=1)[:, 0]
    ambiguous = (np.abs(following - kth) <= 1e-9 * (1 + kth)) | np.any(dist == 0, axis=1)
    w = weights_of(dist, weights)
    if classes is None:
        values = y_train[near]
        predicted = values.mean(axis=1) if weights == "uniform" else np.sum(values * w, axis=1) / np.sum(w, axis=1)
        return {"predict": predicted.tolist()}, ambiguous, near
    codes = np.searchsorted(classes, y_train)[near]
    proba = np.zeros((len(query), len(classes)))
    rows = np.arange(len(query))
    for i in range(k):
        proba[rows, codes[:, i]] += w[:, i]
    total = proba.sum(axis=1)[:, None]
    total[total == 0] = 1
    proba /= total
    return {"predict": classes[np.argmax(proba, axis=1)].tolist(), "proba": proba.tolist()}, ambiguous, near


result = {"sklearn": sklearn.__version__, "datasets": {}}
for name, classification in [("iris.csv", True), ("breast_cancer.csv", True), ("diabetes.csv", False)]:
    X, y = load(name)
    if not classification:
        y = y.astype(float)
    train, test = split(len(y))
    entry = {"train": train.tolist(), "test": test.tolist(), "cases": []}
    classes = np.unique(y[train]) if classification else None
    for metric in METRICS:
        for k in NEIGHBOURS:
            for weights in ["uniform", "distance"]:
                params = {"n_neighbors": k, "weights": weights, **metric}
                make = KNeighborsClassifier if classification else KNeighborsRegressor
                model = make(algorithm="brute", **params).fit(X[train], y[train])
                sk = {"predict": model.predict(X[test]).tolist()}
                if classification:
                    sk["proba"] = model.predict_proba(X[test]).tolist()
                reference, ambiguous, near = rule(X[train], y[train], X[test], metric["metric"], metric.get("p", 2), k, weights, classes)
                sk_near = model.kneighbors(X[test], return_distance=False)
                same_sets = [set(a) == set(b) for a, b in zip(near.tolist(), sk_near.tolist())]
                entry["cases"].append(
                    {
                        "params": params,
                        "sklearn": sk,
                        "rule": reference,
                        "ambiguous": np.flatnonzero(ambiguous).tolist(),
                        "same_neighbours_as_sklearn": int(np.sum(same_sets)),
                    }
                )
    result["datasets"][name] = entry

with open(OUT, "w") as f:
    json.dump(result, f)
    f.write("\n")
print("wrote", OUT)
for name, entry in result["datasets"].items():
    for case in entry["cases"]:
        print(name, case["params"], "ambiguous", len(case["ambiguous"]), "same sets", case["same_neighbours_as_sklearn"], "/", len(entry["test"]))
