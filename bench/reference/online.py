"""Reference figures for online updates (partialFit), computed with Debian's scikit-learn 1.2.

Writes test/fixtures/reference/online.json. Regenerate with:

    /usr/bin/python3 bench/reference/online.py

Each case records the starting state, the batch and the state after one update:
- multinomial_nb / gaussian_nb: sklearn's fit on rows A, then partial_fit on rows B (the test fits
  our model on the recorded rows A itself, then updates it with rows B);
- sgd_regressor: SGDRegressor(..., learning_rate='constant', shuffle=False, max_iter=1, tol=None)
  .fit(X_B, y_B, coef_init=w0.copy(), intercept_init=b0) (a copy: sklearn writes into coef_init):
  exactly one epoch of plain SGD over B in order,
  from the LinearRegression / Ridge / Lasso / ElasticNet solution on rows A;
- sgd_classifier: the same for SGDClassifier(loss='log_loss') on binary breast_cancer from
  LogisticRegression's solution on rows A;
- softmax_sgd: multiclass softmax SGD on iris. No sklearn estimator does this update, so it is the
  INDEPENDENT NUMPY RE-IMPLEMENTATION below (softmax_free_epoch with softmax_dloss), written from the formulas of
  _sgd_fast.pyx's _plain_sgd, not from the TypeScript code.
  The same numpy epoch is first checked against SGDRegressor/SGDClassifier (asserted to 1e-9) in
  cases (c) and (d), which also confirms those sklearn calls run one epoch, in order, from the init.
Features are standardised (population std) before splitting; the batches are written as used.
"""
import json
import os
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import (ElasticNet, Lasso, LinearRegression, LogisticRegression, Ridge,
                                  SGDClassifier, SGDRegressor)
from sklearn.naive_bayes import GaussianNB, MultinomialNB

from fixture_data import read, standardise

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
OUT = os.path.join(ROOT, "test", "fixtures", "reference", "online.json")

warnings.simplefilter("ignore", ConvergenceWarning)


def split(n, n_a, seed):
    order = np.random.RandomState(seed).permutation(n)
    return order[:n_a], order[n_a:]


def rows(X):
    return X.tolist()


out = {"sklearn_version": sklearn.__version__}

# (a) MultinomialNB: fit on count rows A, partial_fit on count rows B.
rng = np.random.RandomState(0)
rates = rng.uniform(0.2, 4.0, size=(3, 12))
labels = np.array(["ham", "spam", "eggs"])
codes = rng.randint(0, 3, size=100)
counts = rng.poisson(rates[codes]).astype(float)
y_counts = labels[codes]
cases = []
for fit_prior, alpha in [(True, 1.0), (False, 0.5)]:
    nb = MultinomialNB(alpha=alpha, fit_prior=fit_prior).fit(counts[:60], y_counts[:60])
    before = {"class_count": nb.class_count_.tolist(), "feature_count": nb.feature_count_.ravel().tolist()}
    nb.partial_fit(counts[60:], y_counts[60:])
    cases.append({
        "params": {"alpha": alpha, "fit_prior": fit_prior},
        "X_A": rows(counts[:60]), "y_A": y_counts[:60].tolist(),
        "X_B": rows(counts[60:]), "y_B": y_counts[60:].tolist(),
        "before": before,
        "classes": nb.classes_.tolist(),
        "class_count": nb.class_count_.tolist(),
        "feature_count": nb.feature_count_.ravel().tolist(),
        "feature_log_prob": nb.feature_log_prob_.ravel().tolist(),
        "class_log_prior": nb.class_log_prior_.tolist(),
        "proba_B": nb.predict_proba(counts[60:]).ravel().tolist(),
    })
out["multinomial_nb"] = cases

# (b) GaussianNB on iris: rows A then rows B (all classes; and B without 'setosa').
X, y = read("iris.csv", False)
cases = []
for name, features in [("raw", X), ("standardised", standardise(X))]:
    a, b = split(len(y), 90, 1)
    cases.append((name + "_all_classes", features[a], y[a], features[b], y[b]))
mask = y != "setosa"
a, b = split(len(y), 100, 2)
b = b[mask[b]]
cases.append(("raw_B_lacks_setosa", X[a], y[a], X[b], y[b]))
out["gaussian_nb"] = []
for name, X_a, y_a, X_b, y_b in cases:
    nb = GaussianNB(var_smoothing=1e-2 if name.startswith("standardised") else 1e-9).fit(X_a, y_a)
    before = {"class_count": nb.class_count_.tolist(), "theta": nb.theta_.ravel().tolist(),
              "var": nb.var_.ravel().tolist(), "epsilon": float(nb.epsilon_)}
    nb.partial_fit(X_b, y_b)
    out["gaussian_nb"].append({
        "name": name,
        "params": {"var_smoothing": nb.var_smoothing},
        "X_A": rows(X_a), "y_A": y_a.tolist(), "X_B": rows(X_b), "y_B": y_b.tolist(),
        "before": before,
        "classes": nb.classes_.tolist(),
        "class_count": nb.class_count_.tolist(),
        "theta": nb.theta_.ravel().tolist(),
        "var": nb.var_.ravel().tolist(),
        "epsilon": float(nb.epsilon_),
        "proba_B": nb.predict_proba(X_b).ravel().tolist(),
    })

def plain_sgd_epoch(w, b, X, y, eta, alpha, l1_ratio, dloss):
    """Sanity check of the sklearn calls (one epoch, rows in order, from the init): the same epoch
    written directly with numpy, one weight vector."""
    W, bb = softmax_free_epoch(w[None, :], np.array([b]), X, y, eta, alpha, l1_ratio,
                               lambda z, t: np.clip(dloss(z[0], t), -1e12, 1e12)[None])
    return W[0], bb[0]


def softmax_free_epoch(W, b, X, targets, eta, alpha, l1_ratio, dloss):
    """One epoch in row order over weight blocks W (blocks x features): the L2 shrink, the gradient
    step and sklearn's cumulative (truncated-gradient) L1 penalty on every feature of a dense row."""
    W, b = W.astype(float).copy(), b.astype(float).copy()
    q = np.zeros_like(W)
    u = 0.0
    for x, t in zip(X, targets):
        update = -eta * dloss(W @ x + b, t)
        W *= max(0.0, 1.0 - (1.0 - l1_ratio) * eta * alpha)
        W += np.outer(update, x)
        b += update
        if l1_ratio > 0:
            u += l1_ratio * eta * alpha
            z_old = W.copy()
            pos, neg = W > 0, W < 0
            W[pos] = np.maximum(0.0, W[pos] - (u + q[pos]))
            W[neg] = np.minimum(0.0, W[neg] + (u - q[neg]))
            q += W - z_old
    return W, b


# (c) SGDRegressor: one constant-rate epoch over B from the batch solution on A (diabetes).
X, y = read("diabetes.csv", True)
X = standardise(X)
a, b = split(len(y), 300, 3)
X_a, y_a, X_b, y_b = X[a], y[a], X[b], y[b]
n_seen = len(a) + len(b)
regressors = [
    # model type, its params, the batch estimator, sgd penalty/alpha/l1_ratio (mapping from the brief), eta0
    ("linear_regression", {}, LinearRegression(), None, 0.0, 0.0, 0.01),
    ("ridge", {"alpha": 10.0}, Ridge(alpha=10.0), "l2", 10.0 / n_seen, 0.0, 0.01),
    ("lasso", {"alpha": 1.0}, Lasso(alpha=1.0), "l1", 1.0, 1.0, 0.01),
    ("elastic_net", {"alpha": 0.5, "l1_ratio": 0.3}, ElasticNet(alpha=0.5, l1_ratio=0.3), "elasticnet", 0.5, 0.3, 0.02),
]
out["sgd_regressor"] = {"X_B": rows(X_b), "y_B": y_b.tolist(), "n_samples_seen_before": len(a), "cases": []}
for model, params, batch, penalty, alpha, l1_ratio, eta0 in regressors:
    batch.fit(X_a, y_a)
    w0, b0 = batch.coef_.copy(), float(batch.intercept_)
    sgd = SGDRegressor(loss="squared_error", penalty=penalty, alpha=alpha, l1_ratio=l1_ratio,
                       learning_rate="constant", eta0=eta0, shuffle=False, max_iter=1, tol=None,
                       fit_intercept=True, average=False, early_stopping=False)
    sgd.fit(X_b, y_b, coef_init=w0.copy(), intercept_init=b0)
    assert sgd.n_iter_ == 1 and sgd.t_ == len(b) + 1, (sgd.n_iter_, sgd.t_)
    check = plain_sgd_epoch(w0, b0, X_b, y_b, eta0, alpha, l1_ratio, lambda p, t: p - t)
    assert np.allclose(check[0], sgd.coef_, rtol=1e-9, atol=0) and np.isclose(check[1], sgd.intercept_[0], rtol=1e-9)
    out["sgd_regressor"]["cases"].append({
        "model": model, "params": params,
        "sgd": {"penalty": penalty, "alpha": alpha, "l1_ratio": l1_ratio, "eta0": eta0},
        "coef_before": w0.tolist(), "intercept_before": b0,
        "coef": sgd.coef_.tolist(), "intercept": float(sgd.intercept_[0]),
    })

# (d) SGDClassifier(loss='log_loss'): one epoch from LogisticRegression's solution (breast_cancer).
X, y = read("breast_cancer.csv", False)
X = standardise(X)
a, b = split(len(y), 400, 4)
X_a, y_a, X_b, y_b = X[a], y[a], X[b], y[b]
n_seen = len(a) + len(b)
out["sgd_classifier"] = {"X_B": rows(X_b), "y_B": y_b.tolist(), "n_samples_seen_before": len(a), "cases": []}
for penalty, C, eta0 in [("l2", 1.0, 0.01), ("l2", 0.05, 0.1), ("l1", 0.5, 0.05), ("none", 1.0, 0.01)]:
    if penalty == "l1":
        start = LogisticRegression(penalty="l1", C=C, solver="saga", max_iter=5000, tol=1e-8).fit(X_a, y_a)
    else:
        start = LogisticRegression(penalty="l2" if penalty == "l2" else None, C=C, max_iter=1000).fit(X_a, y_a)
    w0, b0 = start.coef_.ravel().copy(), float(start.intercept_[0])
    sgd = SGDClassifier(loss="log_loss", penalty=None if penalty == "none" else penalty,
                        alpha=0.0 if penalty == "none" else 1.0 / (C * n_seen),
                        l1_ratio=1.0 if penalty == "l1" else 0.0, learning_rate="constant", eta0=eta0,
                        shuffle=False, max_iter=1, tol=None, fit_intercept=True, average=False,
                        early_stopping=False)
    sgd.fit(X_b, y_b, coef_init=w0.copy(), intercept_init=b0)
    assert sgd.n_iter_ == 1 and sgd.t_ == len(b) + 1, (sgd.n_iter_, sgd.t_)
    assert list(sgd.classes_) == list(start.classes_)
    signs = np.where(y_b == start.classes_[1], 1.0, -1.0)
    check = plain_sgd_epoch(w0, b0, X_b, signs, eta0, 0.0 if penalty == "none" else 1.0 / (C * n_seen),
                            1.0 if penalty == "l1" else 0.0, lambda p, t: -t / (np.exp(t * p) + 1.0))
    assert np.allclose(check[0], sgd.coef_.ravel(), rtol=1e-9, atol=0) and np.isclose(check[1], sgd.intercept_[0], rtol=1e-9)
    out["sgd_classifier"]["cases"].append({
        "params": {"penalty": penalty, "C": C}, "eta0": eta0,
        "classes": start.classes_.tolist(),
        "coef_before": w0.tolist(), "intercept_before": b0,
        "coef": sgd.coef_.ravel().tolist(), "intercept": float(sgd.intercept_[0]),
    })


# (e) Multiclass softmax SGD on iris: INDEPENDENT NUMPY RE-IMPLEMENTATION (no sklearn estimator).
def softmax_dloss(z, k):
    p = np.exp(z - z.max())
    p /= p.sum()
    return p - (np.arange(len(z)) == k)


X, y = read("iris.csv", False)
X = standardise(X)
a, b = split(len(y), 90, 5)
X_a, y_a, X_b, y_b = X[a], y[a], X[b], y[b]
n_seen = len(a) + len(b)
out["softmax_sgd"] = {"X_B": rows(X_b), "y_B": y_b.tolist(), "n_samples_seen_before": len(a), "cases": []}
for penalty, C, eta0 in [("l2", 1.0, 0.05), ("l1", 0.2, 0.1)]:
    if penalty == "l1":
        start = LogisticRegression(penalty="l1", C=C, solver="saga", max_iter=5000, tol=1e-8).fit(X_a, y_a)
    else:
        start = LogisticRegression(C=C, max_iter=1000).fit(X_a, y_a)
    classes = list(start.classes_)
    codes = np.array([classes.index(v) for v in y_b])
    alpha = 1.0 / (C * n_seen)
    W, b1 = softmax_free_epoch(start.coef_, start.intercept_, X_b, codes, eta0, alpha,
                               1.0 if penalty == "l1" else 0.0, softmax_dloss)
    out["softmax_sgd"]["cases"].append({
        "params": {"penalty": penalty, "C": C}, "eta0": eta0,
        "classes": classes,
        "coef_before": start.coef_.ravel().tolist(), "intercept_before": start.intercept_.tolist(),
        "coef": W.ravel().tolist(), "intercept": b1.tolist(),
    })

with open(OUT, "w") as f:
    json.dump(out, f)
print("wrote", OUT)
