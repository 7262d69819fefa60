"""Reference figures for the tree models and naive Bayes, from Debian's scikit-learn.

Writes test/fixtures/reference/trees.json: fixed 5-fold test indices for iris, breast_cancer and
diabetes; per-fold accuracy (R² for diabetes) of DecisionTreeClassifier/Regressor under several
parameter sets and of RandomForestClassifier/Regressor(n_estimators=100); feature importances on
the whole of iris; MultinomialNB probabilities on a small fixed count matrix and GaussianNB
probabilities on iris.

Run: /usr/bin/python3 bench/reference/trees.py
"""
import json
import os

import numpy as np
import pandas as pd
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.naive_bayes import GaussianNB, MultinomialNB
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
DATA = os.path.join(ROOT, "test", "fixtures", "datasets")
OUT = os.path.join(ROOT, "test", "fixtures", "reference", "trees.json")


def load(name):
    frame = pd.read_csv(os.path.join(DATA, name))
    return frame.iloc[:, :-1].to_numpy(dtype=float), frame.iloc[:, -1].to_numpy()


def folds(X, y, classification):
    splitter = StratifiedKFold(5, shuffle=True, random_state=0) if classification else KFold(5, shuffle=True, random_state=0)
    return [test.tolist() for _, test in splitter.split(X, y)]


def cv(make, X, y, test_folds, score):
    scores = []
    for test in test_folds:
        train = np.setdiff1d(np.arange(len(y)), test)
        model = make().fit(X[train], y[train])
        scores.append(float(score(y[test], model.predict(X[test]))))
    return scores


def tree_params(params):
    # JSON has no None-vs-missing ambiguity problem, but keep scikit-learn's defaults explicit.
    return {"max_depth": None, "min_samples_leaf": 1, **params}


CLASSIFIER_PARAMS = [
    {"criterion": "gini"},
    {"criterion": "gini", "max_depth": 3},
    {"criterion": "gini", "max_depth": 5, "min_samples_leaf": 5},
    {"criterion": "entropy", "max_depth": 4},
    {"criterion": "entropy", "min_samples_leaf": 3},
]
REGRESSOR_PARAMS = [
    {"max_depth": 3},
    {"max_depth": 5, "min_samples_leaf": 10},
    {"min_samples_leaf": 20},
]
FOREST_SEEDS = [0, 1, 2, 3, 4]

result = {"datasets": {}}
for name, classification in [("iris.csv", True), ("breast_cancer.csv", True), ("diabetes.csv", False)]:
    X, y = load(name)
    test_folds = folds(X, y, classification)
    score = accuracy_score if classification else r2_score
    entry = {"folds": test_folds, "metric": "accuracy" if classification else "r2", "decision_tree": [], "random_forest": {}}
    for params in CLASSIFIER_PARAMS if classification else REGRESSOR_PARAMS:
        params = tree_params(params)
        make = (lambda p=params: DecisionTreeClassifier(random_state=0, **p)) if classification else (
            lambda p=params: DecisionTreeRegressor(random_state=0, **p))
        scores = cv(make, X, y, test_folds, score)
        entry["decision_tree"].append({"params": params, "scores": scores, "mean": float(np.mean(scores))})
    # A forest's figure depends on its random draws; the mean over several seeds is the stable target.
    forest = RandomForestClassifier if classification else RandomForestRegressor
    seed_means = []
    for seed in FOREST_SEEDS:
        scores = cv(lambda s=seed: forest(n_estimators=100, random_state=s, n_jobs=1), X, y, test_folds, score)
        seed_means.append(float(np.mean(scores)))
        if seed == 0:
            entry["random_forest"]["scores_seed0"] = scores
    entry["random_forest"].update({"n_estimators": 100, "seed_means": seed_means, "mean": float(np.mean(seed_means))})
    if classification:
        scores = cv(GaussianNB, X, y, test_folds, score)
        entry["gaussian_nb"] = {"scores": scores, "mean": float(np.mean(scores))}
    result["datasets"][name] = entry

# On iris the root split is an exact tie between petal length and petal width (both isolate setosa),
# so which one a tree credits depends on its random feature order; several seeds show the spread.
X, y = load("iris.csv")
result["iris_importances"] = {
    "decision_tree": [DecisionTreeClassifier(random_state=s).fit(X, y).feature_importances_.tolist() for s in FOREST_SEEDS],
    "random_forest": [
        RandomForestClassifier(n_estimators=100, random_state=s).fit(X, y).feature_importances_.tolist() for s in FOREST_SEEDS
    ],
}
# breast_cancer has no such tie at the top: the tree's importances are a deterministic check.
Xc, yc = load("breast_cancer.csv")
result["breast_cancer_importances"] = {
    "decision_tree": DecisionTreeClassifier(random_state=0).fit(Xc, yc).feature_importances_.tolist(),
}
gaussian = GaussianNB().fit(X, y)
result["gaussian_nb_iris"] = {
    "classes": gaussian.classes_.tolist(),
    "theta": gaussian.theta_.tolist(),
    "var": gaussian.var_.tolist(),
    "proba": gaussian.predict_proba(X).tolist(),
}

# A small fixed count matrix (documents × vocabulary) with three classes, and rows to predict.
counts = np.array([
    [2, 1, 0, 0, 3, 0],
    [1, 0, 0, 1, 2, 0],
    [0, 3, 1, 0, 0, 1],
    [0, 2, 2, 0, 0, 0],
    [1, 0, 0, 4, 0, 2],
    [0, 0, 1, 3, 0, 3],
    [3, 0, 0, 0, 1, 0],
    [0, 1, 3, 0, 0, 0],
], dtype=float)
labels = np.array(["ham", "ham", "spam", "spam", "news", "news", "ham", "spam"])
queries = np.array([[1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 5, 0], [0, 4, 0, 0, 0, 0], [2, 0, 3, 0, 0, 7], [0, 0, 0, 0, 0, 0]], dtype=float)
result["multinomial_nb"] = {"X": counts.tolist(), "y": labels.tolist(), "queries": queries.tolist(), "cases": []}
for params in [{"alpha": 1.0, "fit_prior": True}, {"alpha": 0.5, "fit_prior": False}, {"alpha": 0.01, "fit_prior": True}]:
    model = MultinomialNB(**params).fit(counts, labels)
    result["multinomial_nb"]["cases"].append({
        "params": params,
        "classes": model.classes_.tolist(),
        "feature_log_prob": model.feature_log_prob_.tolist(),
        "class_log_prior": model.class_log_prior_.tolist(),
        "proba_train": model.predict_proba(counts).tolist(),
        "proba_queries": model.predict_proba(queries).tolist(),
        "predict_queries": model.predict(queries).tolist(),
    })

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump(result, f, indent=1)
    f.write("\n")
print("wrote", os.path.relpath(OUT, ROOT))
