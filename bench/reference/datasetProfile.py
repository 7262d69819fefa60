"""pandas reference figures for the dataset profile (src/core/datasets/profile.ts).

Regenerate with:  /usr/bin/python3 bench/reference/datasetProfile.py
Writes test/fixtures/reference/datasetProfile.json: per file and column, pandas' count, missing,
nunique, and for numeric columns min, max, mean, std (n - 1) and the 25/50/75% quantiles
(linear interpolation, as describe() reports them); plus duplicated().sum() per file.
"""
import json
import os

import pandas as pd

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
FILES = {
    "iris.csv": ("test/fixtures/datasets/iris.csv", ","),
    "diabetes.csv": ("test/fixtures/datasets/diabetes.csv", ","),
    "people.csv": ("test/fixtures/workspace/data/people.csv", ","),
    "orders.tsv": ("test/fixtures/workspace/data/orders.tsv", "\t"),
}


def describe(path, sep):
    frame = pd.read_csv(os.path.join(ROOT, path), sep=sep)
    columns = {}
    for name in frame.columns:
        series = frame[name]
        entry = {
            "count": int(series.count()),
            "missing": int(series.isna().sum()),
            "nunique": int(series.nunique()),
        }
        if pd.api.types.is_numeric_dtype(series):
            q = series.quantile([0.25, 0.5, 0.75])
            entry.update(
                min=float(series.min()),
                max=float(series.max()),
                mean=float(series.mean()),
                std=float(series.std()),
                q25=float(q.iloc[0]),
                median=float(q.iloc[1]),
                q75=float(q.iloc[2]),
            )
        columns[name] = entry
    return {"rows": int(len(frame)), "duplicates": int(frame.duplicated().sum()), "columns": columns}


def main():
    result = {name: describe(path, sep) for name, (path, sep) in FILES.items()}
    result["_versions"] = {"pandas": pd.__version__}
    target = os.path.join(ROOT, "test", "fixtures", "reference", "datasetProfile.json")
    with open(target, "w") as out:
        json.dump(result, out, indent=1, sort_keys=True)
        out.write("\n")


if __name__ == "__main__":
    main()
