"""Reference figures for the tfjs MLP: scikit-learn's MLPClassifier on iris, 5-fold CV.

Run: /usr/bin/python3 bench/reference/nn.py   (writes test/fixtures/reference/nn.json)

Features are standardised inside each fold (scaler fitted on the fold's training rows), the same
way test/unit/nn/mlp_reference.test.ts does it. sklearn's score depends on its weight-init seed, so
the recorded accuracy of each fold is the mean over SEEDS random_state values; the per-seed figures
are kept too so the spread that seeds alone cause is visible.
"""
import csv
import json
import os
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedKFold
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(__file__)
DATA = os.path.join(HERE, "..", "..", "test", "fixtures", "datasets", "iris.csv")
OUT = os.path.join(HERE, "..", "..", "test", "fixtures", "reference", "nn.json")

PARAMS = {
    "hidden_layer_sizes": [16],
    "activation": "relu",
    "alpha": 0.0001,
    "learning_rate_init": 0.01,
    "batch_size": 32,
    "max_iter": 100,
    "tol": 0.0001,
    "n_iter_no_change": 10,
}
SEEDS = list(range(10))


def main():
    with open(DATA) as f:
        rows = list(csv.reader(f))[1:]
    X = np.array([[float(v) for v in r[:-1]] for r in rows])
    y = np.array([r[-1] for r in rows])
    folds = list(StratifiedKFold(n_splits=5, shuffle=True, random_state=0).split(X, y))
    per_seed = []
    for seed in SEEDS:
        scores = []
        for train, test in folds:
            scaler = StandardScaler().fit(X[train])
            model = MLPClassifier(
                hidden_layer_sizes=tuple(PARAMS["hidden_layer_sizes"]),
                activation=PARAMS["activation"],
                solver="adam",
                alpha=PARAMS["alpha"],
                learning_rate_init=PARAMS["learning_rate_init"],
                batch_size=PARAMS["batch_size"],
                max_iter=PARAMS["max_iter"],
                tol=PARAMS["tol"],
                n_iter_no_change=PARAMS["n_iter_no_change"],
                random_state=seed,
            )
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model.fit(scaler.transform(X[train]), y[train])
            scores.append(float((model.predict(scaler.transform(X[test])) == y[test]).mean()))
        per_seed.append(scores)
    fold_means = np.mean(per_seed, axis=0)
    result = {
        "generated_by": "bench/reference/nn.py",
        "sklearn_version": __import__("sklearn").__version__,
        "dataset": "iris",
        "params": PARAMS,
        "seeds": SEEDS,
        "folds": [[int(i) for i in test] for _, test in folds],
        "fold_accuracy": [float(v) for v in fold_means],
        "mean_accuracy": float(np.mean(fold_means)),
        "per_seed_mean_accuracy": [float(np.mean(s)) for s in per_seed],
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    print(f"sklearn MLPClassifier iris 5-fold mean accuracy {result['mean_accuracy']:.4f} "
          f"(per seed {min(result['per_seed_mean_accuracy']):.4f}..{max(result['per_seed_mean_accuracy']):.4f})")


if __name__ == "__main__":
    main()
