"""Reference figures for class_weight, from Debian's scikit-learn 1.2.1.

Writes test/fixtures/reference/class_weight.json:
- compute_class_weight: sklearn's per-class weights for 'balanced' and maps on small label lists;
- datasets: two generated imbalanced sets (make_classification, features rounded to 6 decimals and
  written to the fixture so both sides read the same numbers): binary about 9:1 and three classes
  about 15:4:1. The first TRAIN rows train, the rest are held out;
- for each set and model (LogisticRegression, LinearSVC, SVC, DecisionTreeClassifier,
  RandomForestClassifier) with class_weight None, 'balanced' and a map (and 'balanced_subsample'
  for the forest): held-out predictions, recall of the rarest class, and coefficients (linear),
  decision values (SVC) or probabilities (tree).

Run: /usr/bin/python3 -P bench/reference/class_weight.py
(-P keeps this folder off sys.path: bench/reference/datetime.py would shadow the standard library's datetime.)
"""
import json
import os

import numpy as np
import sklearn
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import recall_score
from sklearn.svm import SVC, LinearSVC
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils.class_weight import compute_class_weight

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
OUT = os.path.join(ROOT, "test", "fixtures", "reference", "class_weight.json")

WEIGHT_CASES = [
    {"y": ["a", "a", "a", "a", "a", "a", "a", "b", "b", "c"], "class_weight": "balanced"},
    {"y": ["no"] * 90 + ["yes"] * 10, "class_weight": "balanced"},
    {"y": ["0", "1", "1", "2", "2", "2", "2"], "class_weight": "balanced"},
    {"y": ["a", "a", "a", "a", "b", "b", "c"], "class_weight": {"b": 3.0}},
    {"y": ["a", "a", "a", "a", "b", "b", "c"], "class_weight": {"a": 0.5, "b": 2.0, "c": 10.0}},
    {"y": ["no"] * 90 + ["yes"] * 10, "class_weight": {"yes": 9.0}},
]

ROWS = 1000
TRAIN = 600


def compute_cases():
    cases = []
    for case in WEIGHT_CASES:
        y = np.array(case["y"])
        classes = np.unique(y)
        weights = compute_class_weight(case["class_weight"], classes=classes, y=y)
        cases.append({**case, "classes": classes.tolist(), "weights": weights.tolist()})
    return cases


def generated(n_classes, weights, names, seed):
    X, codes = make_classification(
        n_samples=ROWS, n_features=6, n_informative=4, n_redundant=1, n_classes=n_classes, n_clusters_per_class=1,
        weights=weights, class_sep=0.6, flip_y=0.0, random_state=seed,
    )
    X = np.round(X, 6)
    y = np.array([names[c] for c in codes])
    return X, y


# Our parameter names and values for each model (the TypeScript test builds ours from `params`), and
# how to make scikit-learn's from them.
MODELS = {
    "logistic_regression": (
        {"C": 1.0, "max_iter": 1000, "tol": 1e-8},
        lambda cw: LogisticRegression(C=1.0, max_iter=1000, tol=1e-10, class_weight=cw),
    ),
    "linear_svm": (
        {"C": 1.0, "max_iter": 10000, "tol": 1e-7},
        lambda cw: LinearSVC(C=1.0, max_iter=100000, tol=1e-9, random_state=0, class_weight=cw),
    ),
    "svm": (
        {"C": 1.0, "kernel": "rbf", "gamma": "scale", "tol": 1e-6},
        lambda cw: SVC(C=1.0, kernel="rbf", gamma="scale", tol=1e-6, decision_function_shape="ovo", class_weight=cw),
    ),
    "decision_tree": (
        {"max_depth": 3},
        lambda cw: DecisionTreeClassifier(max_depth=3, random_state=0, class_weight=cw),
    ),
    "random_forest": (
        {"n_estimators": 500},
        lambda cw: RandomForestClassifier(n_estimators=500, random_state=0, class_weight=cw),
    ),
}


def model_figures(name, make, cw, X, y, rare):
    model = make(cw).fit(X[:TRAIN], y[:TRAIN])
    predicted = model.predict(X[TRAIN:])
    out = {
        "class_weight": cw,
        "predictions": predicted.tolist(),
        "rare_recall": float(recall_score(y[TRAIN:], predicted, labels=[rare], average="macro")),
    }
    if name in ("logistic_regression", "linear_svm"):
        out["coef"] = model.coef_.tolist()
        out["intercept"] = model.intercept_.tolist()
    if name == "svm":
        # One-vs-one decision values in libsvm's pair order; for two classes sklearn's sign favours classes_[1].
        out["decision"] = model.decision_function(X[TRAIN:]).tolist()
    if name == "decision_tree":
        out["proba"] = model.predict_proba(X[TRAIN:]).tolist()
        out["node_count"] = int(model.tree_.node_count)
    return out


def dataset_figures(X, y, rare, weight_map):
    figures = {}
    for name, (params, make) in MODELS.items():
        choices = [None, "balanced", weight_map] + (["balanced_subsample"] if name == "random_forest" else [])
        figures[name] = {"params": params, "fits": [model_figures(name, make, cw, X, y, rare) for cw in choices]}
    return figures


def main():
    datasets = {}
    for key, n_classes, weights, names, weight_map, seed in [
        ("binary", 2, [0.9, 0.1], ["neg", "pos"], {"pos": 5.0}, 3),
        ("multiclass", 3, [0.75, 0.2, 0.05], ["a", "b", "c"], {"b": 2.0, "c": 8.0}, 4),
    ]:
        X, y = generated(n_classes, weights, names, seed)
        rare = names[-1]
        datasets[key] = {
            "X": X.tolist(),
            "y": y.tolist(),
            "train": TRAIN,
            "rare": rare,
            "counts": {c: int((y[:TRAIN] == c).sum()) for c in names},
            "models": dataset_figures(X, y, rare, weight_map),
        }
    fixture = {"sklearn": sklearn.__version__, "compute_class_weight": compute_cases(), "datasets": datasets}
    with open(OUT, "w") as out:
        json.dump(fixture, out, separators=(",", ":"))
        out.write("\n")
    print(f"wrote {OUT}")
    for key, data in datasets.items():
        print(key, data["counts"])
        for name, entry in data["models"].items():
            print("  ", name, [(str(f["class_weight"]), round(f["rare_recall"], 3)) for f in entry["fits"]])


if __name__ == "__main__":
    main()
