"""The small data sets of test/fixtures/datasets as numpy arrays, shared by the reference scripts here.

Each CSV's first line is the header and its last column the target; the files have no quotes.
"""
import csv
import os

import numpy as np

DATASETS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "datasets")


def read(name, numeric_target):
    """Features as a float matrix and the target as floats (numeric_target) or strings; `name` with or without .csv."""
    file = name if name.endswith(".csv") else name + ".csv"
    with open(os.path.join(DATASETS, file)) as f:
        rows = list(csv.reader(f))[1:]
    X = np.array([[float(v) for v in r[:-1]] for r in rows])
    y = np.array([float(r[-1]) for r in rows]) if numeric_target else np.array([r[-1] for r in rows])
    return X, y


def standardise(X):
    """Zero mean and unit population std per column (a constant column is only centred)."""
    std = X.std(axis=0)
    std[std == 0] = 1
    return (X - X.mean(axis=0)) / std
