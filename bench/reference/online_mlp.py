"""Reference weights for the MLP's online update (partialFit): scikit-learn's MLP partial_fit.

Run: /usr/bin/python3 bench/reference/online_mlp.py   (writes test/fixtures/reference/online-mlp.json)

Each case initialises an sklearn MLP (fit with max_iter=1 on rows A), records its coefs_/intercepts_
as the starting weights, deletes its `_optimizer` so partial_fit builds a fresh Adam (sklearn 1.2's
_fit_stochastic makes one when `not incremental or not hasattr(self, "_optimizer")`), runs one
partial_fit over rows B (shuffle=False: mini-batches in row order) and records the weights after.
test/unit/nn/online.test.ts loads the starting weights into MlpClassifier/MlpRegressor, runs
partialFit on the same rows and compares every weight.

Classification uses iris' three classes: for two classes sklearn has a single logistic output
while ours is a two-unit softmax, so only with three or more classes are the two nets the same.
Regression uses diabetes with y/100 as sklearn sees it raw; the fixture sets yMean 0, yStd 1 so
our regressor's standardisation is the identity.

sklearn's Adam applies eps as lr·sqrt(1−β2ᵗ)/(1−β1ᵗ)·m/(√v + eps), tfjs's (and FlatAdam's) as
lr·m̂/(√v̂ + eps): the same but for where eps=1e-8 sits, which is negligible for most weights but
moves one with a gradient near 1e-4 by ~2e-5 (sklearn's eps is in effect eps/sqrt(1−β2ᵗ), 3e-7 at
t=1). So each case also records `after_tfjs_eps`: the same sklearn partial_fit (its backprop and
data) with only the Adam update rewritten in tfjs's form, in float64; ours is held tightly to that
and loosely to sklearn's own `after`.
"""
import copy
import json
import os
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.neural_network._stochastic_optimizers import AdamOptimizer

from fixture_data import read, standardise

HERE = os.path.dirname(__file__)
OUT = os.path.join(HERE, "..", "..", "test", "fixtures", "reference", "online-mlp.json")

COMMON = {
    "hidden_layer_sizes": [8],
    "alpha": 1e-3,
    "batch_size": 50,
    "learning_rate_init": 0.01,
}


def weights(model):
    # Our layer order: kernel [in, out] then bias, per layer — sklearn's coefs_ layout.
    out = []
    for coef, intercept in zip(model.coefs_, model.intercepts_):
        out.append(coef.tolist())
        out.append(intercept.tolist())
    return out


def tfjs_eps_updates(self, grads):
    """AdamOptimizer._get_updates with eps where tfjs puts it: lr·m̂/(√v̂ + eps)."""
    self.t += 1
    self.ms = [self.beta_1 * m + (1 - self.beta_1) * g for m, g in zip(self.ms, grads)]
    self.vs = [self.beta_2 * v + (1 - self.beta_2) * g**2 for v, g in zip(self.vs, grads)]
    m_scale = 1 / (1 - self.beta_1**self.t)
    v_scale = 1 / (1 - self.beta_2**self.t)
    return [-self.learning_rate_init * m * m_scale / (np.sqrt(v * v_scale) + self.epsilon) for m, v in zip(self.ms, self.vs)]


def case(model, X, y, rows_a, rows_b, activation):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X[rows_a], y[rows_a])
    before = weights(model)
    del model._optimizer
    twin = copy.deepcopy(model)
    model.partial_fit(X[rows_b], y[rows_b])
    original = AdamOptimizer._get_updates
    AdamOptimizer._get_updates = tfjs_eps_updates
    try:
        twin.partial_fit(X[rows_b], y[rows_b])
    finally:
        AdamOptimizer._get_updates = original
    return {
        "params": {**COMMON, "activation": activation},
        "X": X[rows_b].tolist(),
        "y": y[rows_b].tolist(),
        "before": before,
        "after": weights(model),
        "after_tfjs_eps": weights(twin),
    }


def main():
    rng = np.random.RandomState(0)
    cases = {}

    X, labels = read("iris", False)
    X = standardise(X)
    y = np.array(labels)
    order = rng.permutation(len(y))
    # 90 rows in batches of 50: one full batch and a partial one.
    rows_a, rows_b = order[:60], order[60:150]
    for activation in ("relu", "tanh"):
        model = MLPClassifier(solver="adam", shuffle=False, max_iter=1, random_state=1, activation=activation,
                              hidden_layer_sizes=tuple(COMMON["hidden_layer_sizes"]), alpha=COMMON["alpha"],
                              batch_size=COMMON["batch_size"], learning_rate_init=COMMON["learning_rate_init"])
        cases["classifier_" + activation] = {**case(model, X, y, rows_a, rows_b, activation), "classes": model.classes_.tolist()}

    X, targets = read("diabetes", True)
    X = standardise(X)
    y = np.array([float(v) for v in targets]) / 100
    order = rng.permutation(len(y))
    rows_a, rows_b = order[:100], order[100:220]
    model = MLPRegressor(solver="adam", shuffle=False, max_iter=1, random_state=2, activation="tanh",
                         hidden_layer_sizes=tuple(COMMON["hidden_layer_sizes"]), alpha=COMMON["alpha"],
                         batch_size=COMMON["batch_size"], learning_rate_init=COMMON["learning_rate_init"])
    cases["regressor_tanh"] = case(model, X, y, rows_a, rows_b, "tanh")

    with open(OUT, "w") as f:
        json.dump({"sklearn": __import__("sklearn").__version__, "cases": cases}, f)
        f.write("\n")
    print("wrote", os.path.relpath(OUT))


if __name__ == "__main__":
    main()
