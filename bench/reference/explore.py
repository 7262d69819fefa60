"""pandas reference figures for the profile's exploration (src/core/datasets/explore.ts).

Regenerate with:  /usr/bin/python3 bench/reference/explore.py
Writes test/fixtures/datasets/explore.csv (seeded synthetic data: correlated numeric columns, a
category, a class column and missing values that come in patterns) and
test/fixtures/reference/explore.json with, per case:
- correlations: DataFrame.corr() (Pearson, pairwise complete rows) of the numeric columns;
- missing: isna().value_counts() over the columns that have any missing value (most frequent first);
- classification targets: per numeric feature and class the 25/50/75% quantiles (linear
  interpolation), min, max, count and Tukey's whiskers (furthest values within 1.5 IQR of the box);
  per categorical feature pd.crosstab(feature, target, normalize='index') and the category counts;
- regression targets: per numeric feature the target's mean and count in 10 equal-width bins of
  the feature (bin = min(floor((x - min) / width), 9)); per categorical feature the target's mean.
"""
import json
import os

import numpy as np
import pandas as pd

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
SYNTHETIC = "test/fixtures/datasets/explore.csv"


def write_synthetic():
    rng = np.random.default_rng(16)
    n = 240
    a = rng.normal(10, 2, n)
    b = 0.8 * a + rng.normal(0, 1, n)
    c = -0.5 * a + rng.normal(0, 2, n)
    d = rng.integers(0, 50, n).astype(float)
    colour = rng.choice(["red", "green", "blue", "grey"], n, p=[0.4, 0.3, 0.2, 0.1])
    label = np.where(a + rng.normal(0, 1.5, n) > 10, "high", "low")
    label[rng.random(n) < 0.15] = "mid"
    y = 3 * a - 2 * c + rng.normal(0, 3, n)
    frame = pd.DataFrame({"a": a.round(3), "b": b.round(3), "c": c.round(3), "d": d, "colour": colour, "label": label, "y": y.round(3)})
    # Missing values that come together: b and c often in the same rows, colour alone, d with b.
    both = rng.random(n) < 0.12
    frame.loc[both, ["b", "c"]] = np.nan
    frame.loc[rng.random(n) < 0.08, "colour"] = np.nan
    frame.loc[(rng.random(n) < 0.05) & both, "d"] = np.nan
    frame.loc[rng.random(n) < 0.04, "d"] = np.nan
    frame.loc[rng.random(n) < 0.03, "label"] = np.nan
    frame.to_csv(os.path.join(ROOT, SYNTHETIC), index=False, float_format="%.3f")


def nan_to_none(value):
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else float(value)


def correlations(frame):
    numeric = frame.select_dtypes(include="number")
    corr = numeric.corr()
    return {"columns": list(numeric.columns), "matrix": [[nan_to_none(v) for v in row] for row in corr.values.tolist()]}


def missing(frame):
    with_missing = [c for c in frame.columns if frame[c].isna().any()]
    counts = frame[with_missing].isna().value_counts() if with_missing else pd.Series([len(frame)], index=[()])
    patterns = []
    for key, count in counts.items():
        key = key if isinstance(key, tuple) else (key,)
        patterns.append({"missing": [c for c, m in zip(with_missing, key) if m], "count": int(count)})
    patterns.sort(key=lambda p: (-p["count"], "".join("1" if c in p["missing"] else "0" for c in with_missing)))
    return {
        "columns": [{"name": c, "missing": int(frame[c].isna().sum())} for c in with_missing],
        "patterns": patterns[:10],
        "patternCount": len(patterns),
    }


def box(series):
    s = series.dropna()
    if len(s) == 0:
        return None
    q1, median, q3 = (float(v) for v in s.quantile([0.25, 0.5, 0.75]))
    iqr = q3 - q1
    return {
        "n": int(len(s)),
        "min": float(s.min()),
        "max": float(s.max()),
        "q1": q1,
        "median": median,
        "q3": q3,
        "lowerWhisker": float(s[s >= q1 - 1.5 * iqr].min()),
        "upperWhisker": float(s[s <= q3 + 1.5 * iqr].max()),
    }


def as_class(value):
    return str(int(value)) if isinstance(value, (float, np.floating)) and float(value).is_integer() else str(value)


def classification(frame, target, numeric, categorical):
    rows = frame[frame[target].notna()].copy()
    rows[target] = rows[target].map(as_class)
    counts = rows[target].value_counts()
    classes = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    names = [k for k, _ in classes]
    result = {"classes": [{"value": k, "count": int(v)} for k, v in classes], "numeric": {}, "categorical": {}}
    for column in numeric:
        result["numeric"][column] = [box(rows.loc[rows[target] == k, column]) for k in names]
    for column in categorical:
        present = rows[rows[column].notna()]
        table = pd.crosstab(present[column], present[target], normalize="index")
        sizes = present[column].value_counts()
        order = sorted(sizes.items(), key=lambda kv: (-kv[1], str(kv[0])))
        result["categorical"][column] = [
            {"value": str(v), "count": int(n), "shares": [float(table.loc[v, k]) if k in table.columns else 0.0 for k in names]} for v, n in order
        ]
    return result


def regression(frame, target, numeric, categorical):
    rows = frame[frame[target].notna()]
    result = {"numeric": {}, "categorical": {}}
    for column in numeric:
        x = rows[column].dropna()
        lo, hi = float(x.min()), float(x.max())
        width = (hi - lo) / 10 if hi > lo else 1.0
        present = rows[rows[column].notna()]
        bins = np.minimum(np.floor((present[column] - lo) / width), 9).astype(int)
        grouped = present.groupby(bins)[target]
        means, sizes = grouped.mean(), grouped.size()
        result["numeric"][column] = [
            {"from": lo + b * width, "count": int(sizes.get(b, 0)), "mean": nan_to_none(means.get(b, float("nan")))} for b in range(10 if hi > lo else 1)
        ]
    for column in categorical:
        present = rows[rows[column].notna()]
        grouped = present.groupby(present[column].astype(str))[target]
        means, sizes = grouped.mean(), grouped.size()
        order = sorted(sizes.items(), key=lambda kv: (-kv[1], kv[0]))
        result["categorical"][column] = [{"value": v, "count": int(n), "mean": float(means[v])} for v, n in order]
    return result


CASES = {
    "synthetic-label": (SYNTHETIC, "label", "classification", ["a", "b", "c", "d", "y"], ["colour"]),
    "synthetic-y": (SYNTHETIC, "y", "regression", ["a", "b", "c", "d"], ["colour", "label"]),
    "iris-species": ("test/fixtures/datasets/iris.csv", "species", "classification", ["sepal_length_cm", "sepal_width_cm", "petal_length_cm", "petal_width_cm"], []),
    "cars-cylinders": ("test/fixtures/workspace/data/cars.csv", "cylinders", "classification", ["displacement", "horsepower", "weight", "mpg"], ["origin"]),
    "cars-mpg": ("test/fixtures/workspace/data/cars.csv", "mpg", "regression", ["cylinders", "displacement", "horsepower", "weight"], ["origin"]),
}


def main():
    write_synthetic()
    result = {}
    for name, (path, target, kind, numeric, categorical) in CASES.items():
        frame = pd.read_csv(os.path.join(ROOT, path))
        case = {"path": path, "target": target, "kind": kind, "correlations": correlations(frame), "missing": missing(frame)}
        analyse = classification if kind == "classification" else regression
        case.update(analyse(frame, target, numeric, categorical))
        result[name] = case
    result["_versions"] = {"pandas": pd.__version__, "numpy": np.__version__}
    target = os.path.join(ROOT, "test", "fixtures", "reference", "explore.json")
    with open(target, "w") as out:
        json.dump(result, out, indent=1, sort_keys=True)
        out.write("\n")


if __name__ == "__main__":
    main()
