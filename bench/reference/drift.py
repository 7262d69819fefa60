"""Records SciPy's drift statistics as the reference of the drift tests (test/unit/drift).

Samples are generated here with a fixed numpy seed and written into the fixture beside the
figures, so the TypeScript tests read the very same inputs. Values are rounded to 4 decimals,
which keeps the fixture small and gives every numeric sample some ties.

What is recorded, per numeric pair:
  - scipy.stats.ks_2samp (method='auto': exact while both sizes are <= 10000, else asymptotic),
    and with method='asymp' (the asymptotic p-value, kstwo.sf, on the same pair);
  - scipy.stats.wasserstein_distance, np.std(ref) and Evidently's normed distance
    wasserstein_distance(ref, cur) / max(np.std(ref), 0.001);
  - Evidently's binned percents (get_binned_data, transcribed below because Evidently is not
    installed here) and scipy.spatial.distance.jensenshannon on them (natural log, base=None),
    and PSI on the zero-floored percents.
Per categorical pair: Evidently's chi-squared (scipy.stats.chisquare of current counts against
reference counts scaled to the current total, over the union of categories), its z-test of
proportions (binary columns), Jensen-Shannon and PSI.
And direct grids of scipy.special.gammaincc, scipy.stats.kstwo.sf and scipy.special.ndtr.
For the monitor (test/unit/monitor): numpy.percentile of latency samples, and scikit-learn's
accuracy / macro precision, recall, F1 and MAE / RMSE of feedback pairs.

Run: /usr/bin/python3 bench/reference/drift.py
Writes: test/fixtures/reference/drift.json
"""
import json
import math
import os
import warnings

import numpy as np
import pandas as pd
import scipy
from scipy import special, stats
from scipy.spatial import distance

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "test", "fixtures", "reference", "drift.json")
rng = np.random.RandomState(20240601)


def num(v):
    """JSON has no infinity: infinite figures are written as the strings 'inf' / '-inf'."""
    v = float(v)
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if math.isnan(v):
        return "nan"
    return v


def sample(values):
    return [float(v) for v in np.round(np.asarray(values, dtype=float), 4)]


def binned_percents(ref, cur, numerical, fill_zeroes):
    """Evidently's get_binned_data (evidently/legacy/calculations/stattests/utils.py)."""
    ref = pd.Series(ref)
    cur = pd.Series(cur)
    n_vals = ref.nunique()
    if numerical and n_vals > 20:
        bins = np.histogram_bin_edges(pd.concat([ref, cur], axis=0).values, bins="sturges")
        ref_p = np.histogram(ref, bins)[0] / len(ref)
        cur_p = np.histogram(cur, bins)[0] / len(cur)
        edges = [float(e) for e in bins]
    else:
        keys = list(set(ref.dropna().unique()) | set(cur.dropna().unique()))
        ref_counts = {**dict.fromkeys(keys, 0), **dict(ref.value_counts())}
        cur_counts = {**dict.fromkeys(keys, 0), **dict(cur.value_counts())}
        # Sorted keys so that the fixture lists the percents in a stable, checkable order.
        keys = sorted(keys)
        ref_p = np.array([ref_counts[k] / len(ref) for k in keys])
        cur_p = np.array([cur_counts[k] / len(cur) for k in keys])
        edges = None
    if fill_zeroes:
        for p in (ref_p, cur_p):
            smallest = min(p[p != 0])
            np.place(p, p == 0, smallest / 10**6 if smallest <= 0.0001 else 0.0001)
    return ref_p, cur_p, edges


def js_psi(ref, cur, numerical):
    ref_p, cur_p, edges = binned_percents(ref, cur, numerical, False)
    js = distance.jensenshannon(ref_p, cur_p)
    js2 = distance.jensenshannon(ref_p, cur_p, base=2)
    ref_f, cur_f, _ = binned_percents(ref, cur, numerical, True)
    psi = float(np.sum((ref_f - cur_f) * np.log(ref_f / cur_f)))
    return {
        "bin_edges": edges,
        "reference_percents": [float(v) for v in ref_p],
        "current_percents": [float(v) for v in cur_p],
        "jensenshannon": float(js),
        "jensenshannon_base2": float(js2),
        "psi_reference_percents": [float(v) for v in ref_f],
        "psi_current_percents": [float(v) for v in cur_f],
        "psi": psi,
    }


def numeric_case(name, ref, cur):
    ref = sample(ref)
    cur = sample(cur)
    auto = stats.ks_2samp(ref, cur)
    asymp = stats.ks_2samp(ref, cur, method="asymp")
    wd = stats.wasserstein_distance(ref, cur)
    std = float(np.std(ref))
    case = {
        "name": name,
        "reference": ref,
        "current": cur,
        "ks_statistic": float(auto.statistic),
        "ks_pvalue": float(auto.pvalue),
        "ks_mode": "exact" if max(len(ref), len(cur)) <= 10000 else "asymp",
        "ks_asymp_statistic": float(asymp.statistic),
        "ks_asymp_pvalue": float(asymp.pvalue),
        "wasserstein": float(wd),
        "reference_std": std,
        "wasserstein_normed": float(wd / max(std, 0.001)),
    }
    case.update(js_psi(ref, cur, True))
    return case


def chi_evidently(ref, cur):
    """Evidently's _chi_stat_test, returning scipy.stats.chisquare's statistic beside the p-value."""
    ref = pd.Series(ref)
    cur = pd.Series(cur)
    keys = list(set(ref.dropna().unique()) | set(cur.dropna().unique()))
    ref_counts = {**dict.fromkeys(keys, 0), **dict(ref.value_counts())}
    cur_counts = {**dict.fromkeys(keys, 0), **dict(cur.value_counts())}
    k_norm = cur.shape[0] / ref.shape[0]
    keys = sorted(keys)
    f_exp = [ref_counts[k] * k_norm for k in keys]
    f_obs = [cur_counts[k] for k in keys]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stat, p = stats.chisquare(f_obs, f_exp)
    return {"keys": keys, "f_obs": [float(v) for v in f_obs], "f_exp": [float(v) for v in f_exp], "chi2_statistic": num(stat), "chi2_pvalue": num(p)}


def z_evidently(ref, cur):
    """Evidently's _z_stat_test (two-sided test of proportions of the first sorted category)."""
    ref = pd.Series(ref)
    cur = pd.Series(cur)
    if ref.nunique() == 1 and cur.nunique() == 1 and ref.unique()[0] == cur.unique()[0]:
        return {"z_statistic": None, "z_pvalue": 1.0}
    keys = sorted(set(list(ref.unique()) + list(cur.unique())))
    a = ref.apply(lambda x: 0 if x == keys[0] else 1)
    b = cur.apply(lambda x: 0 if x == keys[0] else 1)
    n1, n2 = len(a), len(b)
    p1, p2 = float(sum(a)) / n1, float(sum(b)) / n2
    P = float(p1 * n1 + p2 * n2) / (n1 + n2)
    z = (p1 - p2) / np.sqrt(P * (1 - P) * (1.0 / n1 + 1.0 / n2))
    return {"z_statistic": num(z), "z_pvalue": num(2 * (1 - stats.norm.cdf(np.abs(z))))}


def categorical_case(name, categories, p_ref, p_cur, n_ref, n_cur):
    ref = list(rng.choice(categories, size=n_ref, p=p_ref))
    cur = list(rng.choice(categories, size=n_cur, p=p_cur))
    case = {"name": name, "reference": ref, "current": cur}
    case.update(chi_evidently(ref, cur))
    if len(set(ref) | set(cur)) <= 2:
        case.update(z_evidently(ref, cur))
    case.update(js_psi(ref, cur, False))
    return case


numeric = []
normal = rng.normal
numeric.append(numeric_case("n20 same", normal(0, 1, 20), normal(0, 1, 20)))
numeric.append(numeric_case("n20 shifted", normal(0, 1, 20), normal(1.2, 1, 20)))
numeric.append(numeric_case("n20 vs n100", normal(0, 1, 20), normal(0.3, 1, 100)))
numeric.append(numeric_case("n37 vs n53 coprime", normal(0, 1, 37), normal(0.2, 1.3, 53)))
numeric.append(numeric_case("n100 same", normal(5, 2, 100), normal(5, 2, 100)))
numeric.append(numeric_case("n100 shifted", normal(5, 2, 100), normal(5.8, 2, 100)))
numeric.append(numeric_case("n1000 same", normal(0, 1, 1000), normal(0, 1, 1000)))
numeric.append(numeric_case("n1000 shifted", normal(0, 1, 1000), normal(0.15, 1, 1000)))
numeric.append(numeric_case("n1000 vs n999 coprime", normal(0, 1, 1000), normal(0.05, 1, 999)))
numeric.append(numeric_case("n3000 vs n1000 same", normal(10, 3, 3000), normal(10, 3, 1000)))
numeric.append(numeric_case("n3000 vs n1000 shifted", normal(10, 3, 3000), normal(10.5, 3, 1000)))
numeric.append(numeric_case("n3000 vs n3000 scaled", normal(0, 1, 3000), normal(0, 1.1, 3000)))
numeric.append(numeric_case("lognormal n500 vs n700", rng.lognormal(0, 1, 500), rng.lognormal(0.1, 1, 700)))
# Heavy ties: integers with few distinct values (Evidently bins them as categories: <= 20 uniques).
numeric.append(numeric_case("ties n100 vs n150", np.round(normal(0, 2, 100)), np.round(normal(0.5, 2, 150))))
numeric.append(numeric_case("ties n1000 vs n1000", np.round(normal(0, 3, 1000)), np.round(normal(0, 3, 1000))))
# Integers with more than 20 distinct values: sturges bins whose edges can fall on the data.
numeric.append(numeric_case("integers n400 vs n300", rng.randint(0, 60, 400), rng.randint(5, 65, 300)))
numeric.append(numeric_case("constant reference", np.full(50, 3.0), normal(3, 1, 40)))
# Past 10000 rows ks_2samp's 'auto' switches to the asymptotic distribution.
numeric.append(numeric_case("n12000 vs n2000 asymptotic", normal(0, 1, 12000), normal(0.05, 1, 2000)))

categorical = []
cats = ["a", "b", "c", "d", "e"]
categorical.append(categorical_case("k5 same n100", cats, [0.4, 0.3, 0.15, 0.1, 0.05], [0.4, 0.3, 0.15, 0.1, 0.05], 100, 80))
categorical.append(categorical_case("k5 shifted n1000", cats, [0.4, 0.3, 0.15, 0.1, 0.05], [0.3, 0.3, 0.2, 0.1, 0.1], 1000, 500))
categorical.append(categorical_case("k3 same n3000", cats[:3], [0.5, 0.3, 0.2], [0.5, 0.3, 0.2], 3000, 1000))
categorical.append(categorical_case("k3 shifted n3000", cats[:3], [0.5, 0.3, 0.2], [0.3, 0.3, 0.4], 3000, 1000))
categorical.append(categorical_case("rare category n2000", cats, [0.6, 0.3, 0.0995, 0.0004, 0.0001], [0.6, 0.3, 0.1, 0.0, 0.0], 2000, 300))
categorical.append(categorical_case("new category in current", cats, [0.5, 0.3, 0.2, 0.0, 0.0], [0.4, 0.3, 0.2, 0.1, 0.0], 200, 100))
categorical.append(categorical_case("binary same n500", ["no", "yes"], [0.7, 0.3], [0.7, 0.3], 500, 200))
categorical.append(categorical_case("binary shifted n500", ["no", "yes"], [0.7, 0.3], [0.5, 0.5], 500, 200))
k12 = [f"c{i:02d}" for i in range(12)]
w = np.arange(1, 13, dtype=float)
categorical.append(categorical_case("k12 n800", k12, w / w.sum(), w[::-1] / w.sum(), 800, 400))

gamma_grid = []
for a in [0.5, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 19.5, 25.0, 50.0, 100.0, 150.0, 250.0, 500.0]:
    for ratio in [0.01, 0.1, 0.5, 0.8, 0.95, 1.0, 1.05, 1.3, 2.0, 4.0]:
        x = a * ratio
        gamma_grid.append({"a": a, "x": x, "gammaincc": float(special.gammaincc(a, x)), "gammainc": float(special.gammainc(a, x))})
for a, x in [(0.5, 0.3), (0.5, 0.6), (1.0, 0.45), (3.0, 0.2), (0.5, 30.0), (1.5, 60.0), (4.0, 0.05)]:
    gamma_grid.append({"a": a, "x": x, "gammaincc": float(special.gammaincc(a, x)), "gammainc": float(special.gammainc(a, x))})

kstwo_grid = []
for n in [1, 2, 3, 5, 10, 50, 100, 140, 141, 500, 1000, 1765, 5000, 20000, 150000]:
    for x in [0.001, 0.01, 0.02, 0.05, 0.08, 0.1, 0.15, 0.2, 0.3, 0.45, 0.5, 0.6, 0.9, 0.999]:
        kstwo_grid.append({"n": n, "x": x, "sf": float(stats.kstwo.sf(x, n))})

ndtr_grid = [{"x": x, "ndtr": float(special.ndtr(x))} for x in [-40.0, -8.0, -5.0, -2.5, -1.0, -0.5, -0.1, 0.0, 0.3, 0.7, 1.0, 1.96, 3.0, 6.0, 9.0]]

# Monitor: latency percentiles (numpy's default linear interpolation) and feedback scores.
from sklearn import metrics as skm  # noqa: E402

latencies = [float(v) for v in np.round(rng.lognormal(0.5, 0.6, 2500), 3)]
percentiles = {"values": latencies, "ring": 1000}
recent = np.asarray(latencies[-1000:])
for q in (50, 95, 99):
    percentiles[f"p{q}"] = float(np.percentile(recent, q))
percentiles["small"] = [3.0, 1.0, 2.0, 10.0]
percentiles["small_p50"] = float(np.percentile(percentiles["small"], 50))
percentiles["small_p95"] = float(np.percentile(percentiles["small"], 95))
classes = ["cat", "dog", "fox"]
y_true = list(rng.choice(classes, size=60))
y_pred = [t if rng.rand() < 0.7 else classes[rng.randint(3)] for t in y_true]
feedback_classification = {
    "y_true": y_true,
    "y_pred": y_pred,
    "accuracy": skm.accuracy_score(y_true, y_pred),
    "precision_macro": skm.precision_score(y_true, y_pred, average="macro", zero_division=0),
    "recall_macro": skm.recall_score(y_true, y_pred, average="macro", zero_division=0),
    "f1_macro": skm.f1_score(y_true, y_pred, average="macro", zero_division=0),
}
r_true = [float(v) for v in np.round(rng.normal(10, 3, 50), 3)]
r_pred = [float(v) for v in np.round(np.asarray(r_true) + rng.normal(0, 1, 50), 3)]
feedback_regression = {
    "y_true": r_true,
    "y_pred": r_pred,
    "mae": skm.mean_absolute_error(r_true, r_pred),
    "rmse": float(np.sqrt(skm.mean_squared_error(r_true, r_pred))),
}

with open(OUT, "w") as f:
    json.dump(
        {
            "generated_by": "bench/reference/drift.py",
            "scipy": scipy.__version__,
            "numpy": np.__version__,
            "numeric": numeric,
            "categorical": categorical,
            "gammaincc": gamma_grid,
            "kstwo_sf": kstwo_grid,
            "ndtr": ndtr_grid,
            "monitor": {"percentiles": percentiles, "feedback_classification": feedback_classification, "feedback_regression": feedback_regression},
        },
        f,
        separators=(",", ":"),
    )
print(f"wrote {OUT}: {len(numeric)} numeric pairs, {len(categorical)} categorical pairs, "
      f"{len(gamma_grid)} gammaincc, {len(kstwo_grid)} kstwo.sf, {len(ndtr_grid)} ndtr points")
